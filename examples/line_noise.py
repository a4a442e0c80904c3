"""Comb-line frequency noise and linewidth from the pump, thermorefractive and rep-rate noise (elastic tape).

System A: a free-running pump whose noise is ASSUMED (h₀, h₋₁ below; the paper does not give it), the ring's
thermorefractive noise and the environment's temperature noise through dFSR/dT. Printed: the intrinsic and
β-line linewidths of the lines at ITU CH51 (pump), CH35, CH43 and CH59, against the published 0.11 MHz
(a measured line linewidth, not an input). System C: a pump that follows the resonance (self-injection
locked); printed: where the tape's thermal fixed point lies, and the thermorefractive floor of a line next to
the published 13 Hz²/Hz white floor (40 Hz intrinsic) and the 60 Hz client linewidth.

    python examples/line_noise.py        (COMBCHIP_QUICK=1: a coarser frequency grid)
"""

from pathlib import Path

import numpy as np
from scipy.constants import c

from _quick import sized
from combchip.comb.line_noise import PumpFrequencyNoise, ThermalFrequencyNoise, line_frequency_noise
from combchip.comb.reprate import TemperatureNoise, fsr_temperature_coefficient, mode_dn_dt
from combchip.plotting.comb import plot_line_noise
from combchip.systems.published import SYSTEM_A, SYSTEM_C
from combchip.systems.system_a import system_a_ring
from combchip.systems.system_b import (CORE_CONFINEMENT, ENVIRONMENT_DRIFT, ENVIRONMENT_WHITE,
                                       HEATER_TIME_CONSTANT, SUBSTRATE_EXPANSION)
from combchip.systems.system_c import system_c_ring
from combchip.waveguide import THERMO_OPTIC

PUMP_WHITE = 1e3            # ASSUMED h₀ [Hz²/Hz] of system A's pump (an external-cavity diode laser): π·h₀ ≈ 3 kHz
PUMP_FLICKER = 1e10         # ASSUMED h₋₁ [Hz³/Hz]: 10⁶ Hz²/Hz at 10 kHz
OBSERVATION = 1e-3          # ASSUMED observation time [s]: the β-line cut-off 1/T₀
SI3N4_DENSITY = 3100.0      # ASSUMED bulk Si₃N₄ density [kg/m³]
SI3N4_HEAT_CAPACITY = 800.0  # ASSUMED bulk Si₃N₄ specific heat [J/(kg K)]
TRN_TIME = 1e-6             # ASSUMED heat-diffusion time out of the mode [s]
TEMPERATURE = 300.0


def thermal_sources(ring, pump_follows):
    """Thermorefractive and environment sources of ``ring``: a_r = dFSR/dT; a₀ = dν₀/dT if the pump follows."""
    dn_dt = mode_dn_dt(THERMO_OPTIC["Si3N4"], THERMO_OPTIC["SiO2"], CORE_CONFINEMENT)
    dfsr = fsr_temperature_coefficient(ring, dn_dt, SUBSTRATE_EXPANSION)
    dnu0 = -(c / ring.wavelength) * (dn_dt / ring.n_g + SUBSTRATE_EXPANSION) if pump_follows else 0.0
    volume = ring.a_eff * c / (ring.n_g * ring.fsr)
    trn = ThermalFrequencyNoise.thermorefractive(TEMPERATURE, volume, SI3N4_DENSITY, SI3N4_HEAT_CAPACITY, TRN_TIME,
                                                 dnu0, dfsr)
    # system B's assumed environment, low-passed by a chip thermal path as slow as its assumed heater path
    env = ThermalFrequencyNoise.environment(TemperatureNoise(ENVIRONMENT_DRIFT, ENVIRONMENT_WHITE), dnu0, dfsr,
                                            cutoff=1 / (2 * np.pi * HEATER_TIME_CONSTANT))
    return [trn, env]


def main():
    frequency = np.logspace(np.log10(1 / OBSERVATION), 10, sized(2000, 200))
    ring_a = system_a_ring()
    channels = np.array([51, 35, 43, 59])
    mu = np.rint((channels - 51) * 100e9 / ring_a.fsr).astype(int)
    noise_a = line_frequency_noise([PumpFrequencyNoise(PUMP_WHITE, PUMP_FLICKER), *thermal_sources(ring_a, False)],
                                   mu, frequency)
    print(f"system A, assumed pump h0 = {PUMP_WHITE:g} Hz²/Hz, h-1 = {PUMP_FLICKER:g} Hz³/Hz, T0 = {OBSERVATION:g} s")
    print("  fixed points μ_fix:", dict(zip(noise_a.source.values, noise_a.fixed_point.values)))
    for ch, line in zip(channels, noise_a.mu.values):
        row = noise_a.sel(mu=line)
        print(f"  CH{ch} (μ = {line:+d}): intrinsic {float(row.intrinsic_linewidth):.3g} Hz, "
              f"β-line {float(row.beta_linewidth) / 1e3:.3g} kHz   (published soliton line: "
              f"{SYSTEM_A.soliton_linewidth / 1e3:.0f} kHz)")

    ring_c = system_c_ring()
    sources_c = thermal_sources(ring_c, True)
    noise_c = line_frequency_noise(sources_c, [0, 10], frequency)
    trn = noise_c.psd.sel(source="thermorefractive", mu=0)
    print("system C, pump following the resonance (SIL): thermal fixed points μ_fix =",
          np.round(noise_c.fixed_point.values, 0))
    for f in (1e4, 1e5, 1e6):
        print(f"  thermorefractive S_ν at {f:.0e} Hz: {float(trn.interp(frequency=f)):.3g} Hz²/Hz "
              f"(published white floor {SYSTEM_C.white_frequency_noise:g} Hz²/Hz)")
    print(f"  a line's intrinsic linewidth is π × the SIL laser's white level, inherited one to one; the published "
          f"{SYSTEM_C.intrinsic_linewidth:g} Hz (comb) and {SYSTEM_C.client_linewidth:g} Hz (client) need "
          f"h0 ≈ {SYSTEM_C.intrinsic_linewidth / np.pi:.3g} Hz²/Hz at the pump")

    out = Path(__file__).parent / "out"
    out.mkdir(exist_ok=True)
    plot_line_noise(noise_a).savefig(out / "line_noise.png", dpi=120)


if __name__ == "__main__":
    main()

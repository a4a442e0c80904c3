"""System B (Wang et al., arXiv 2025): its 49 GHz ring, its 2.5 GHz silicon transmitter chip and its link.

Published numbers come from :data:`combchip.systems.published.SYSTEM_B`; what the paper does not give
is stated here as an assumption.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..comb.resonator import Ring
from ..link.records import quantity
from .published import SYSTEM_B

__all__ = ["RepRateLockFigures", "system_b_lock", "system_b_lock_figures", "system_b_ring", "system_b_transmitter"]

PUMP_WAVELENGTH = 1560e-9
"""Assumed pump wavelength [m]: the Rb-locked seed (780 nm) doubled."""
Q_LOADED = 1e6
"""Assumed loaded Q at critical coupling."""
GROUP_INDEX = 2.1
"""Assumed group index of the 1.6 × 0.8 µm Si₃N₄ ring (system A's cross-section gives 2.10)."""


def system_b_ring() -> Ring:
    """System B's 49 GHz Si₃N₄ ring (published FSR; assumed pump wavelength, loaded Q and n_g)."""
    return Ring.from_loaded_q(PUMP_WAVELENGTH, SYSTEM_B.fsr, Q_LOADED, coupling=0.5, n_g=GROUP_INDEX)


def system_b_transmitter(wavelength: float = 1550e-9):
    """System B's 2.5 GHz silicon polarization-encoding chip, from device physics.

    Published: the 2.5 GHz clock, push-pull depletion MZIs with 30 dB extinction, a thermo-optic VOA,
    1D and 2D grating couplers. Assumed: 3.5 mm arms (5 × 10¹⁷ cm⁻³ p-n, 3 V reverse bias) on a
    traveling-wave electrode (n_μ = 3.7 against n_g = 3.9, 35 Ω loaded line, 2.5 dB/cm/√GHz), SOI
    grating couplers and a 10 GS/s DAC with 25 ps rise time driving one word per 400 ps symbol.
    """
    from ..tx.chips import SiPolarizationChip
    from ..tx.drive import Drive
    from ..tx.grating_couplers import GratingCoupler1D, GratingCoupler2D
    from ..tx.modulators import MZI
    from ..tx.phase_shifters import DepletionPhaseShifter, ThermoOpticPhaseShifter
    from ..tx.rf import TravelingWaveResponse

    arm = DepletionPhaseShifter(length=3.5e-3)
    line = TravelingWaveResponse(length=3.5e-3, n_optical_group=3.9, n_microwave=3.7, rf_loss_db_per_m_sqrt_ghz=250.0,
                                 characteristic_impedance=35.0, load_impedance=35.0, source_impedance=50.0)
    common = dict(common_voltage=3.0, response=line, wavelength=wavelength)
    extinction = SYSTEM_B.extinction_db
    return SiPolarizationChip(
        carver=MZI.with_extinction(extinction, arm, bias_phase=np.pi, **common),
        decoy=MZI.with_extinction(extinction, arm, bias_phase=np.pi, **common),
        voa=MZI(ThermoOpticPhaseShifter(), drive="single", wavelength=wavelength),
        basis=MZI.with_extinction(extinction, arm, **common),
        phase=MZI(arm, **common),
        input_coupler=GratingCoupler1D.soi(),
        output_coupler=GratingCoupler2D.soi(wavelength=wavelength),
        drive=Drive(symbol_rate=SYSTEM_B.symbol_rate, dac_rate=4 * SYSTEM_B.symbol_rate, rise_time=25e-12,
                    samples_per_symbol=64, response=line),
        wavelength=wavelength,
    )


# --- repetition-rate lock (assumptions; the paper gives the lock's results, not its parts) ---
CORE_CONFINEMENT = 0.8
"""Assumed power fraction of the TE mode in the 1.6 × 0.8 µm Si₃N₄ core at 1560 nm (the rest in SiO₂)."""
SUBSTRATE_EXPANSION = 2.6e-6
"""Linear expansion of the Si substrate at 300 K [1/K] (Y. Okada and Y. Tokumaru, J. Appl. Phys. 56, 314 (1984))."""
HEATER_RESISTANCE = 20.0
"""Assumed heater-to-ring thermal resistance [K/W] of an on-chip microheater."""
HEATER_TIME_CONSTANT = 10e-3
"""Assumed heater-to-ring thermal time constant [s]."""
HEATER_MAX_POWER = 0.1
"""Assumed heater power range [W], biased at its middle: ±1 K around the bias point."""
LOOP_SAMPLE_TIME = 1e-3
"""Assumed update interval of the digital PI loop [s]."""
LOOP_BANDWIDTH = 1.0
"""Assumed unity-gain frequency of the lock [Hz] (a slow thermal loop)."""
COUNTER_GATE = 1.0
"""Assumed gate of the counter that reads the rep-rate error [s]."""
ENVIRONMENT_DRIFT = 5e-4
"""Assumed random walk of the chip mount [K/√s]: ≈ 50 mK rms after 3 h."""
ENVIRONMENT_WHITE = 5e-5
"""Assumed white temperature noise at the ring [K/√Hz]."""
PUMP_OFFSET_SIGMA = 1e3
"""Assumed σ [Hz] of the offset between the two chips' Rb-locked seed lasers (per counter gate)."""


def system_b_lock(ring: Ring | None = None):
    """System B's rep-rate lock: the 49 GHz ring's dFSR/dT, an on-chip heater and a PI loop.

    dn_g/dT is the core/cladding mix :func:`~combchip.comb.reprate.mode_dn_dt` of Si₃N₄ (from
    :data:`combchip.waveguide.THERMO_OPTIC`) and SiO₂; L expands with the Si substrate. Heater, loop,
    counter and environment are the assumptions stated in this module.
    """
    from ..comb.reprate import (Heater, PILoop, RepRateLock, TemperatureNoise, fsr_temperature_coefficient,
                                mode_dn_dt)
    from ..waveguide import THERMO_OPTIC

    ring = ring or system_b_ring()
    dn_dt = mode_dn_dt(THERMO_OPTIC["Si3N4"], THERMO_OPTIC["SiO2"], CORE_CONFINEMENT)
    heater = Heater(HEATER_RESISTANCE, HEATER_TIME_CONSTANT, HEATER_MAX_POWER, HEATER_MAX_POWER / 2)
    return RepRateLock(fsr_temperature_coefficient(ring, dn_dt, SUBSTRATE_EXPANSION), heater,
                       PILoop.for_bandwidth(heater, LOOP_BANDWIDTH, LOOP_SAMPLE_TIME),
                       TemperatureNoise(ENVIRONMENT_DRIFT, ENVIRONMENT_WHITE), COUNTER_GATE)


@dataclass(frozen=True)
class RepRateLockFigures:
    """System B's rep-rate lock: modelled figures next to the published ones."""

    dfsr_dt: float = quantity("Hz/K", "FSR temperature coefficient dFSR/dT")
    fsr_tuning_range: float = quantity("Hz", "|dFSR/dT| × the published soliton temperature window")
    predicted_sigma: float = quantity("Hz", "rep-rate error σ from the closed-loop transfer function")
    simulated_sigma: float = quantity("Hz", "rep-rate error σ of the simulated counter readings (chip 1)")
    published_sigma: float = quantity("Hz", "published rep-rate error σ over 3 h")
    simulated_peak_to_peak: float = quantity("Hz", "rep-rate error peak to peak (chip 1)")
    published_peak_to_peak: float = quantity("Hz", "published rep-rate error peak to peak")
    heater_peak_to_peak: float = quantity("K", "heater temperature excursion ΔT_h, peak to peak (chip 1)")
    published_temperature_peak_to_peak: float = quantity("K", "published temperature excursion while locked")
    heater_max_excursion: float = quantity("K", "largest |ΔT_h| from the bias point, both chips")
    soliton_window: float = quantity("K", "published temperature window of the soliton")
    clipped: bool = quantity("", "whether the heater power ever hit its range")
    rep_rate_difference_sigma: float = quantity("Hz", "σ of the difference of the two chips' rep-rate errors")
    beat_line_model: float = quantity("1", "|n| at which the modelled line-offset σ reaches the published beat σ")
    beat_line_published: float = quantity("1", "|n| at which √2 × the published rep-rate σ reaches the beat σ")
    published_beat_sigma: float = quantity("Hz", "published σ of the beat of matching lines of two chips")


def system_b_lock_figures(duration: float = 3 * 3600.0, seed: int = 0, modes=tuple(range(-100, 101))):
    """Two independently locked system B chips over ``duration`` [s].

    Returns (chip 1, chip 2, line offsets, :class:`RepRateLockFigures`); the chips use seeds ``seed`` and
    ``seed + 1``, the pump offset ``seed + 2``. The line at which σ(n) = √(σ_p² + n²σ_Δ²) reaches the
    published beat σ is where the paper's beat would sit if the rep-rate lock set it.
    """
    from ..comb.reprate import line_offsets, predicted_residual, simulate_lock

    lock = system_b_lock()
    first, second = simulate_lock(lock, duration, seed=seed), simulate_lock(lock, duration, seed=seed + 1)
    offsets = line_offsets(first, second, np.asarray(modes), PUMP_OFFSET_SIGMA, seed=seed + 2)
    sigma_delta = float(offsets.rep_rate_difference.std())
    sigma_pump = float(offsets.pump_offset.std())
    beat = SYSTEM_B.beat_note_sigma
    figures = RepRateLockFigures(
        dfsr_dt=lock.dfsr_dt,
        fsr_tuning_range=abs(lock.dfsr_dt) * SYSTEM_B.soliton_temperature_window,
        predicted_sigma=predicted_residual(lock),
        simulated_sigma=float(first.fsr_error.std()),
        published_sigma=SYSTEM_B.rep_rate_error_sigma,
        simulated_peak_to_peak=float(np.ptp(first.fsr_error.values)),
        published_peak_to_peak=SYSTEM_B.rep_rate_error_peak_to_peak,
        heater_peak_to_peak=float(np.ptp(first.heater_temperature.values)),
        published_temperature_peak_to_peak=SYSTEM_B.temperature_peak_to_peak,
        heater_max_excursion=float(max(np.abs(first.heater_temperature).max(), np.abs(second.heater_temperature).max())),
        soliton_window=SYSTEM_B.soliton_temperature_window,
        clipped=bool(max(first.clipped_fraction.max(), second.clipped_fraction.max()) > 0),
        rep_rate_difference_sigma=sigma_delta,
        beat_line_model=float(np.sqrt(max(beat**2 - sigma_pump**2, 0.0)) / sigma_delta),
        beat_line_published=beat / (np.sqrt(2) * SYSTEM_B.rep_rate_error_sigma),
        published_beat_sigma=beat,
    )
    return first, second, offsets, figures

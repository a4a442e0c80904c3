"""A dark pulse started by an avoided mode crossing in a normal-dispersion ring (Xue et al., Nat. Photon. 9, 594 (2015)).

A generic critically coupled 100 GHz ring (κ/2π = 100 MHz, d₂ = 2D₂/κ = −0.05: normal dispersion, no modulation
instability) with mode μ = 1 pushed up by κ (an avoided crossing with another mode family) is swept from ζ = −2
to 5 at f² = 8 and held. Without the crossing it stays on the CW branch; with it, MI at μ = ±1 locks into a
stationary dark pulse that connects the lower and upper CW states. Every number here is a stated input; the ring
is not one of the published systems.

    python examples/amx_dark_pulse.py        # writes examples/out/amx_dark_pulse.png
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

import combchip as cc
from combchip.plotting import plot_intensity, plot_spectrum
from _quick import sized

KAPPA = 2 * np.pi * 100e6   # loaded κ [rad/s]
F2, ZETA, SHIFT = 8.0, 5.0, 2.0   # pump f², final detuning ζ, crossing shift in units of κ/2

out = Path(__file__).with_name("out")
out.mkdir(exist_ok=True)
plain = cc.Ring(1550e-9, 100e9, KAPPA / 2, KAPPA / 2, d2=-0.05 * KAPPA / 2)
pump = cc.Laser(1550e-9, F2 / cc.normalize(plain, cc.Laser(1550e-9, 1.0)).f2)
fig, axes = plt.subplots(2, 2, figsize=(11, 6), layout="constrained")
for column, (label, ring) in enumerate((("no crossing", plain),
                                        ("crossing at μ = 1", plain.with_mode_crossing(1, SHIFT * KAPPA / 2, 256)))):
    norm = cc.normalize(ring, pump)
    end = float(norm.time_s(sized(600.0, 400.0)))
    sweep = cc.DetuningSchedule.ramp(float(norm.detuning_hz(-2.0)), float(norm.detuning_hz(ZETA)), 0.6 * end)
    ds = cc.simulate_comb(ring, pump, sweep.hold(0.4 * end), modes=128, snapshots=10, progress=False)
    rho = np.abs(ds.field.values[-1]) ** 2 / norm.circulating_power_per_unit
    lines = ds.spectrum.values[-1]
    mu = ds.mu.values
    comb = float(ds.comb_power[-1]) > 1e-3 * pump.power   # below that the sidebands hold only vacuum noise
    strong = np.sum(lines[mu != 0] > 1e-3 * lines[mu != 0].max()) if comb else 0
    print(f"{label}: |ψ|² from {rho.min():.2f} to {rho.max():.2f} (CW states ρ = "
          f"{np.sort(np.roots([1, -2 * ZETA, 1 + ZETA**2, -F2]).real)}), comb power "
          f"{1e3 * float(ds.comb_power[-1]):.2f} mW, {strong} lines within 30 dB of the strongest")
    plot_intensity(ds, ax=axes[0, column])
    plot_spectrum(ds, ax=axes[1, column])
    axes[0, column].set_title(f"{label}: ζ = {ZETA:g}, f² = {F2:g}", fontsize=9)
fig.savefig(out / "amx_dark_pulse.png", dpi=120)

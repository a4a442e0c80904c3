"""Where system C's SIL-started dark pulse has a flat-top spectrum: maps over the knobs an experimenter has.

    python examples/sil_dark_pulse_map.py        # writes examples/out/sil_dark_pulse_map.png

The air gap's feedback phase φ (unknown for system C) and the DFB's free-running detuning ξ₁ (its current tuning)
are scanned at two DFB currents: the assumed 330 mA (:data:`combchip.systems.system_c.DFB_CURRENT`, f² ≈ 2.7) over
the whole phase circle, and 1 A (f² ≈ 8.6) about the edge of its stationary region, where the flat tops lie (over
the whole circle on a coarse grid they fall between the grid points). At each point the laser is tuned in from the blue side and held
(:func:`combchip.systems.system_c.system_c_dark_pulse_map`); the maps give whether a stationary platicon forms, its
dark fraction, its spectral flatness (:data:`combchip.systems.system_c.FLAT_TOP_LINES`) and its locked ζ against the
CW bistability window, and the script prints the output power.
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from combchip.plotting import plot_dark_pulse_map
from combchip.systems.system_c import DFB_CURRENT, system_c_dark_pulse_map
from _quick import sized

out = Path(__file__).with_name("out")
out.mkdir(exist_ok=True)
fig, axes = plt.subplots(2, 3, figsize=(15, 8.4), layout="constrained")
grids = ((DFB_CURRENT, np.linspace(-np.pi, np.pi, sized(16, 4), endpoint=False),
          sized((3.0, 5.0, 7.0, 10.0, 15.0, 20.0, 30.0, 45.0), (7.0, 20.0))),
         (1.0, np.linspace(-1.0, -0.3, sized(15, 3)), sized(np.arange(4.0, 13.0), (5.0, 7.0))))
for row, (current, phases, detunings) in zip(axes, grids):
    ds = system_c_dark_pulse_map(phases, detunings, current=current, modes=sized(128, 64))
    a, on = ds.attrs, ds.where(ds.stationary == 1)
    print(f"{current * 1e3:.0f} mA: f² = {a['f2']:.3g}, CW bistability ζ ∈ [{a['bistability_low']:.3f}, "
          f"{a['bistability_high']:.3f}]; {int(ds.stationary.sum())} of {ds.stationary.size} points stationary")
    if ds.stationary.any():
        power_dbm = 10 * np.log10(on.total_output_power / 1e-3)
        print(f"  locked ζ {float(on.locked_zeta.min()):.3f}–{float(on.locked_zeta.max()):.3f}, dark fraction "
              f"{float(on.dark_fraction.min()):.2f}–{float(on.dark_fraction.max()):.2f}, ≤ "
              f"{int(on.lines_within_10db.max())} sidebands within 10 dB, first-sideband excess ≥ "
              f"{float(on.first_sideband_excess.min()):.1f} dB, {int(on.flat_top.sum())} flat-top points; output "
              f"{float(power_dbm.min()):.1f}–{float(power_dbm.max()):.1f} dBm")
    plot_dark_pulse_map(ds, axes=row)
fig.suptitle("SIL dark pulses of system C's ring: top 330 mA, bottom 1 A about the edge of locking", fontsize=10)
fig.savefig(out / "sil_dark_pulse_map.png", dpi=110)

"""Self-injection locking of a DFB laser to system C's 30 GHz ring: the tuning curve, then a SIL-started dark pulse.

    python examples/sil_dark_pulse.py        # writes examples/out/sil_dark_pulse.png

The adiabatic theory (Kondratiev et al., Opt. Express 25, 28167 (2017)) gives the tuning curve, the locking band
and K; the dynamic laser + backward-mode model, with the feedback phase swept, starts a platicon. Assumed: the
DFB's rate-equation parameters, the 30 % laser-to-bus coupling and the 2 MHz doublet splitting
(:mod:`combchip.systems.system_c`).
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

import combchip as cc
from combchip.plotting import plot_dark_pulse, plot_sil_tuning_curve
from combchip.systems.system_c import system_c_comb_ring, system_c_dark_pulse, system_c_sil
from _quick import sized

out = Path(__file__).with_name("out")
out.mkdir(exist_ok=True)
ring = system_c_comb_ring()
sil = system_c_sil(feedback_phase=-np.pi / 2 - np.arctan(3.0))  # ψ = −π/2: the locked branch centred
lock = cc.sil_locking(ring, sil)
curve = cc.sil_tuning_curve(ring, sil, np.linspace(-1.5, 1.5, 4001) * 2 * lock.laser_edges[1])
print(f"K0 = {lock.k0:.3g}, K = {lock.stabilization:.3g} ({lock.noise_suppression_db:.1f} dB), locking band "
      f"{lock.locking_bandwidth / 1e9:.3g} GHz, SIL linewidth {lock.linewidth:.3g} Hz "
      f"(free-running {sil.laser.linewidth / 1e3:.0f} kHz)")

ds = system_c_dark_pulse(feedback_phases=sized(None, [-np.pi]), modes=sized(128, 64))
a = ds.attrs
ge, le = ("= ", "") if a["stabilization_resolved"] else ("≥ ", "≤ ")  # a bound where the lock pins ζ
print(f"dark pulse at φ = {a['feedback_phase']:.2f} rad (tried {np.round(a['phases_tried'], 2).tolist()}): "
      f"K {ge}{a['stabilization']:.3g} ({ge}{a['noise_suppression_db']:.1f} dB), comb-line linewidth "
      f"{le}{a['comb_line_linewidth']:.3g} Hz; output {10 * np.log10(a['total_output_power'] / 1e-3):.1f} dBm for "
      f"{10 * np.log10(a['bus_input_power'] / 1e-3):.1f} dBm on the bus")

fig = plt.figure(figsize=(16, 4))
grid = fig.add_gridspec(1, 3)
plot_sil_tuning_curve(curve, lock, ax=fig.add_subplot(grid[0]))
plot_dark_pulse(ds, axes=[fig.add_subplot(grid[1]), fig.add_subplot(grid[2])])
fig.savefig(out / "sil_dark_pulse.png", dpi=110)

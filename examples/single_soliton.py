"""One soliton in system A's ring: seed it, relax it, refine it with Newton, list its comb lines.

    python examples/single_soliton.py       # writes examples/out/single_soliton.png
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

import combchip as cc
from combchip.plotting import plot_intensity, plot_spectrum
from combchip.systems import system_a_pump, system_a_ring
from _quick import sized

out = Path(__file__).with_name("out")
out.mkdir(exist_ok=True)
ring, pump = system_a_ring(), system_a_pump()
p = cc.normalize(ring, pump)
detuning = float(p.detuning_hz(0.5 * p.zeta_max))
print(f"f² = {p.f2:.2f}, ζ_max = {p.zeta_max:.1f}, detuning = {detuning / 1e9:.3f} GHz")

modes, hold = sized(1024, 128), sized(100, 20) / ring.kappa
ds = cc.simulate_comb(ring, pump, detuning, modes=modes, duration=hold, initial="soliton", seed=0,
                      snapshots=[0.6 * hold, 0.7 * hold, 0.8 * hold, 0.9 * hold, hold])
newton = cc.single_soliton(ring, pump, detuning, modes=modes, stability=True)
print(f"comb power: simulated {float(ds.comb_power[-1]) * 1e3:.2f} mW, Newton {newton.comb_power * 1e3:.2f} mW; "
      f"largest growth rate {newton.max_growth:.3f} (< 0: stable)")
lines = cc.comb_lines(ds)
print(lines.to_dataframe().loc[[-40, -20, -1, 0, 1, 20, 40]].to_string())

fig, (top, bottom) = plt.subplots(2, 1, figsize=(8, 7), layout="constrained")
plot_spectrum(ds, ax=top)
plot_intensity(ds, ax=bottom)
fig.savefig(out / "single_soliton.png", dpi=120)

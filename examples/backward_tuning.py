"""Backward tuning (Guo et al., Nat. Phys. 2017) after a forward scan, in the pure LLE.

Solitons are lost only once ζ falls below the Hopf (breather) edge that the Newton stability
analysis finds; without a thermal shift every soliton meets that edge at the same detuning.

    python examples/backward_tuning.py      # writes examples/out/backward_tuning.png
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

import combchip as cc
from combchip.reproduce import forward_scan
from combchip.systems import system_a_pump, system_a_ring

out = Path(__file__).with_name("out")
out.mkdir(exist_ok=True)
ring, pump = system_a_ring(), system_a_pump()
p = cc.normalize(ring, pump)
for zeta in (8.0, 9.0, 9.5, 10.0):
    growth = cc.single_soliton(ring, pump, float(p.detuning_hz(zeta)), stability=True).max_growth
    print(f"ζ = {zeta:4.1f}: largest growth rate of a single soliton {growth:+.3f}")

scan = forward_scan(p)
low = float(p.detuning_hz(6.0))
schedule = scan.then(low, float(p.time_s((scan.detuning[-1] - low) / (p.detuning_hz(1.0) * 0.005))))
times = np.linspace(scan.duration, schedule.duration, 60)
ds = cc.simulate_comb(ring, pump, schedule, seed=[0, 1, 2, 3], snapshots=times)
counts = cc.count_solitons(ds.field.values, threshold=6.0 * ds.attrs["circulating_power_per_unit"])

fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4), layout="constrained")
for r in range(ds.sizes["run"]):
    left.plot(ds.detuning[r] / 1e9, ds.comb_power[r] * 1e3, lw=0.6)
    right.step(ds.snapshot_detuning[r] / 1e9, counts[r], where="post", label=f"seed {r}")
left.set(xlabel="detuning [GHz]", ylabel="comb power [mW]", title="forward then backward")
right.axvspan(p.detuning_hz(9.0) / 1e9, p.detuning_hz(10.0) / 1e9, color="0.85", label="Hopf edge (Newton)")
right.set(xlabel="detuning [GHz]", ylabel="solitons", title="soliton number while tuning back")
right.invert_xaxis()
right.legend(fontsize=7)
fig.savefig(out / "backward_tuning.png", dpi=120)

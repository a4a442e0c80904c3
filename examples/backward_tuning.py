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
from combchip.systems.soliton_steps import forward_scan
from combchip.comb.steps import soliton_threshold
from combchip.systems import system_a_pump, system_a_ring
from _quick import sized

out = Path(__file__).with_name("out")
out.mkdir(exist_ok=True)
ring, pump = system_a_ring(), system_a_pump()
modes, seeds, scan_rate = sized(512, 128), sized([0, 1, 2, 3], [0]), sized(0.01, 0.1)  # dζ/dτ forward
p = cc.normalize(ring, pump)
for zeta in sized((8.5, 9.0, 9.5, 10.0), (9.0,)):
    growth = cc.single_soliton(ring, pump, float(p.detuning_hz(zeta)), modes, stability=True).max_growth
    print(f"ζ = {zeta:4.1f}: largest growth rate of a single soliton {growth:+.3f}")

scan = forward_scan(p, rate=scan_rate)
low = float(p.detuning_hz(6.0))
schedule = scan.then(low, float(p.time_s((scan.detuning[-1] - low) / (p.detuning_hz(1.0) * scan_rate / 2))))
burst = 8  # snapshots 2 τ apart per count: breathers are counted from their co-moving average
ends = np.linspace(scan.duration + burst * float(p.time_s(2.0)), schedule.duration, sized(30, 6))
times = np.concatenate([end - float(p.time_s(2.0)) * np.arange(burst - 1, -1, -1) for end in ends])
ds = cc.simulate_comb(ring, pump, schedule, modes=modes, seed=seeds, snapshots=times)
counts = cc.count_solitons(ds.field.values, threshold=soliton_threshold(ds), window=burst)
zeta = p.zeta(ds.snapshot_detuning.values).reshape(*counts.shape, burst).mean(axis=-1)

fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4), layout="constrained")
for r in range(ds.sizes["run"]):
    left.plot(ds.time * 1e6, ds.comb_power[r] * 1e3, lw=0.6)
    right.step(zeta[r], counts[r], where="post", label=f"seed {r}")
twin = left.twinx()
twin.plot(ds.time * 1e6, ds.detuning[0] / 1e9, "k--", lw=1)
twin.set_ylabel("detuning [GHz] (dashed)")
left.set(xlabel="time [µs]", ylabel="comb power [mW]", title="forward then backward tuning")
right.axvspan(9.0, 9.5, color="0.85", label="Hopf edge (Newton)")
right.set(xlabel="normalized detuning ζ", ylabel="solitons (16 τ co-moving average)",
          title="soliton number while tuning back")
right.invert_xaxis()
right.legend(fontsize=7)
fig.savefig(out / "backward_tuning.png", dpi=120)

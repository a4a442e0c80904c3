"""System A's single soliton with the dual drive: scan red to the existence edge, then tune back and keep one.

With the CH37 aux parked 5 half-linewidths blue of zero pull, the forward scan (20 GHz/ms) keeps the solitons to
ζ_max, where they leave one or two at a time as the felt detuning stays pinned at the edge. Pass 1 finds where
the count reads one; pass 2 repeats the scan (same seed), stops there and tunes back by 8 half-linewidths at
4 GHz/ms (≈ 9 τ_T), into the middle of the existence range, where the single soliton stays. One seed: where
the count reads one moves with the run's snapshot grid, which is why pass 2 stops where pass 1 saw one.

    python examples/dual_drive_single_soliton.py   # writes examples/out/dual_drive_single_soliton.png (≈ 6 min)
"""

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np

import combchip as cc
from combchip.plotting.comb import plot_backward_scan
from combchip.systems.dual_drive import dual_drive_scan, park_for_reserve
from combchip.systems.system_a import system_a_pump, system_a_pumped_ring
from _quick import sized

out = Path(__file__).with_name("out")
out.mkdir(exist_ok=True)
norm = cc.normalize(system_a_pumped_ring(), system_a_pump())
half_linewidth = norm.kappa / (4 * math.pi)
# quick: 32 modes form no solitons in the lead-in, so zero pull has no solution; the aux is parked by hand
common = dict(thermal=True, aux=True, park=sized("zero_pull", 0.5 * park_for_reserve(0.0)),
              park_offset_hz=sized(-5 * half_linewidth, 0.0), modes=sized(512, 32),
              lead_in_rate_hz_per_s=sized(3e14, 3e16), seed=0)
forward = dual_drive_scan(rate_hz_per_s=sized(2e13, 3e16), bursts=sized(100, 4), **common)
counts, detuning = forward.soliton_count.values, forward.count_detuning.values
ones = np.flatnonzero(counts == 1)
scans = {"forward past ζ_max": forward}
if ones.size:
    stop = 0.5 * (detuning[ones[0]] + detuning[ones[-1]])
    back = dual_drive_scan(span_hz=stop - forward.attrs["start_detuning"], back_hz=8 * half_linewidth,
                           back_rate_hz_per_s=4e12, bursts=150, **common)
    kept = back.soliton_count.values
    first = np.flatnonzero(kept == 1)
    zeta = 4 * math.pi * back.count_felt_detuning.values / back.attrs["kappa"]
    held = (back.count_time.values[-1] - back.count_time.values[first[0]]) if first.size else 0.0
    print(f"forward: counts {' → '.join(str(n) for n in dict.fromkeys(counts[counts > 0]))}; stop at "
          f"{stop / 1e9:.4f} GHz; back run: counts {' → '.join(str(n) for n in dict.fromkeys(kept))}, one soliton "
          f"for the last {held * 1e6:.0f} µs (felt ζ {zeta[first[0]] if first.size else float('nan'):.1f} → "
          f"{zeta[-1]:.1f}; all one after it: {bool(first.size and np.all(kept[first[0]:] == 1))})")
    scans["stopped at one, tuned back 8 hw"] = back
else:
    print("the forward scan never counted a single soliton (a quick run has none); no second pass")
fig = plot_backward_scan(scans)
fig.axes[0].set_title("dual drive: forward to ζ_max, then back with one soliton")
fig.savefig(out / "dual_drive_single_soliton.png", dpi=120)

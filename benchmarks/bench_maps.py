"""Wall time of the 64 × 64 (ζ, f²) state map on the local cores, and the gain of packing its points into
batched (B, N) solver runs over running them one at a time (never run as a test).

The gain is measured in this process, on one core, three times (the machine being shared, only the ratio is
stable); the full map's wall time, through ``cc.sweep`` on every core, is the issue's target (≤ 10 min on 2 cores).

    python benchmarks/bench_maps.py [--size 64] [--sample 32] [--out map.nc]
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from combchip.comb.state_map import StateMapPoint, state_map


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--sample", type=int, default=32, help="points for the batched/unbatched comparison")
    parser.add_argument("--out", help="netCDF file for the map (plot it with combchip.plotting.plot_state_map)")
    args = parser.parse_args()
    point = StateMapPoint()
    zeta, f2 = np.linspace(-2.0, 10.0, args.size), np.linspace(0.5, 8.0, args.size)
    sample = [{"zeta": z, "f2": 4.0, "seed": k} for k, z in enumerate(np.linspace(-2.0, 10.0, args.sample))]
    point.batch(sample[:2])  # load the compiled kernels
    for _ in range(3):
        start = time.perf_counter()
        point.batch(sample)
        batched = time.perf_counter() - start
        start = time.perf_counter()
        for p in sample:
            point(**p)
        single = time.perf_counter() - start
        print(f"one core, {args.sample} points: batched {batched:.2f} s, one at a time {single:.2f} s, "
              f"gain {single / batched:.2f}×")
    start = time.perf_counter()
    ds = state_map(zeta, f2, point, progress=True)
    wall = time.perf_counter() - start
    print(f"{args.size}×{args.size} map: {wall:.0f} s wall on {os.cpu_count()} cores "
          f"({ds.sizes['zeta'] * ds.sizes['f2'] / wall:.1f} points/s; target ≤ 600 s for 64×64 on 2 cores)")
    if args.out:
        ds.to_netcdf(args.out)


if __name__ == "__main__":
    main()

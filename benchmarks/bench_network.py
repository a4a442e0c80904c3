"""A 200-user network (19,900 pairs, users 50–150 km from their relays) with fixed and with optimized
intensities and probabilities (never run as a test). Reports the time, the finite-key evaluations of the
adaptive loss grid, the pairs evaluated exactly, the rates and, optimized, the per-pair optimum checks.

    python benchmarks/bench_network.py               # fixed settings
    python benchmarks/bench_network.py optimize      # fixed, then optimized settings (settings field)
    python benchmarks/bench_network.py optimize 50   # the same on 50 users
"""

import sys
import time

import numpy as np

from combchip.link.network import network_key_rates


def main(modes=(False,), users=200):
    distances = np.random.default_rng(0).uniform(50e3, 150e3, users)
    off = ~np.eye(users, dtype=bool)
    pairs = users * (users - 1) // 2
    results = {}
    for optimize in modes:
        start = time.perf_counter()
        ds = network_key_rates(None, users=users, distances=distances, optimize=optimize)
        rates = results[optimize] = ds.key_rate.values[off]
        key = rates[rates > 0]
        print(f"optimize={optimize}: {time.perf_counter() - start:.1f} s, {ds.attrs['rate_evaluations']} finite-key "
              f"evaluations ({ds.attrs['grid_evaluations']} for the grid, {ds.attrs['exact_pairs']} pairs exactly), "
              f"{key.size // 2} of {pairs:,} pairs with key, mean {key.mean():.3g} bit/s, min {key.min():.3g} bit/s, "
              f"centre-check error ≤ {ds.attrs['interpolation_max_rel_error']:.1e}, "
              f"cut-off error ≤ {ds.attrs['cutoff_error_db']:.1e} dB", flush=True)
        if optimize:
            print(f"  settings nodes {ds.attrs['settings_node_loss_db'].round(2).tolist()} dB: "
                  f"{ds.attrs['settings_nodes_optimized']} optimized, {ds.attrs['settings_nodes_with_key']} with key; "
                  f"{ds.attrs['optimum_checked_pairs'].size // 2} pairs checked against their own optimum: "
                  f"excess ≤ {ds.attrs['optimum_max_excess']:.1e}, shortfall ≤ {ds.attrs['optimum_max_shortfall']:.1e}, "
                  f"violations {ds.attrs['optimum_violations'].reshape(-1, 2).tolist()}", flush=True)
    if len(results) == 2:
        both = results[False] > 0
        gain = results[True][both] / results[False][both]
        gained = (results[True] > 0) & ~both
        print(f"optimized / fixed settings: median {np.median(gain):.3f}, min {gain.min():.3f}; "
              f"{gained.sum() // 2} pairs with key only when optimized")


if __name__ == "__main__":
    args = sys.argv[1:]
    users = int(next((a for a in args if a.isdigit()), 200))
    main((False, True) if "optimize" in args else (False,), users)

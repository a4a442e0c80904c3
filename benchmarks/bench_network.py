"""A 200-user network (19,900 pairs, users 50–150 km from their relays) with fixed and with optimized
intensities and probabilities (never run as a test). Reports the time, the finite-key evaluations of the
adaptive loss grid, the pairs evaluated exactly and the rates.

    python benchmarks/bench_network.py            # fixed settings
    python benchmarks/bench_network.py optimize   # fixed, then per-anchor optimized settings
"""

import sys
import time

import numpy as np

from combchip.link.network import network_key_rates


def main(modes=(False,)):
    distances = np.random.default_rng(0).uniform(50e3, 150e3, 200)
    off = ~np.eye(200, dtype=bool)
    results = {}
    for optimize in modes:
        start = time.perf_counter()
        ds = network_key_rates(None, users=200, distances=distances, optimize=optimize)
        rates = results[optimize] = ds.key_rate.values[off]
        key = rates[rates > 0]
        print(f"optimize={optimize}: {time.perf_counter() - start:.1f} s, {ds.attrs['rate_evaluations']} finite-key "
              f"evaluations ({ds.attrs['grid_evaluations']} for the grid, {ds.attrs['exact_pairs']} pairs exactly), "
              f"{key.size // 2} of 19,900 pairs with key, mean {key.mean():.3g} bit/s, min {key.min():.3g} bit/s, "
              f"centre-check error ≤ {ds.attrs['interpolation_max_rel_error']:.1e}, "
              f"cut-off error ≤ {ds.attrs['cutoff_error_db']:.1e} dB")
    if len(results) == 2:
        both = results[False] > 0
        gain = results[True][both] / results[False][both]
        print(f"optimized / fixed settings: median {np.median(gain):.3f}, min {gain.min():.3f}")


if __name__ == "__main__":
    main((False, True) if "optimize" in sys.argv[1:] else (False,))

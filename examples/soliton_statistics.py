"""Soliton-number statistics of system A's ring over many noisy forward scans (Herr et al., Nat. Photon. 8, 145
(2014), Fig. 3): the same scan from different vacuum-noise seeds ends on different soliton numbers.

All scans run as the rows of one batched simulation; the scan is the soliton-steps protocol (dζ/dτ = 0.01 to 0.65
of the existence limit, then a hold).

    python examples/soliton_statistics.py       # 64 scans, minutes; writes examples/out/soliton_statistics.png
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import numpy as np

from combchip.comb.normalization import normalize
from combchip.comb.soliton_statistics import soliton_statistics
from combchip.plotting.maps import plot_soliton_statistics
from combchip.systems import system_a_pump, system_a_ring
from combchip.systems.soliton_steps import forward_scan
from _quick import sized

if __name__ == "__main__":
    out = Path(__file__).with_name("out")
    out.mkdir(exist_ok=True)
    ring, pump = system_a_ring(), system_a_pump()
    norm = normalize(ring, pump)
    schedule = forward_scan(norm, rate=sized(0.01, 0.2), hold_tau=sized(50.0, 12.0))
    ds = soliton_statistics(ring, pump, schedule, seed=range(sized(64, 4)), modes=sized(512, 64))
    counts = ds.soliton_count.values
    print(f"{counts.size} scans to ζ = {ds.attrs['final_zeta']:.2f} (f² = {ds.attrs['f2']:.2f}): N from "
          f"{counts.min()} to {counts.max()}, mean {counts.mean():.2f}; P(N) =",
          ", ".join(f"{n}: {p:.2f}" for n, p in zip(ds.solitons.values, ds.probability.values) if p > 0))
    step = float(ds.single_soliton_excess)
    print(f"intracavity step per soliton {np.sum(ds.intracavity_excess * counts) / np.sum(counts**2):.4f} "
          f"against √(2ζd₂)/π = {step:.4f}")
    plot_soliton_statistics(ds).savefig(out / "soliton_statistics.png", dpi=120)

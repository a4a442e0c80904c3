"""The (ζ, f²) state map of the normalized LLE: every point simulated from a soliton seed and classified.

Each point starts from the lower CW state with a sech soliton on it (d₂ = 0.2, N = 128 modes), runs 80 τ with
vacuum-like noise and is classified over the last 30 τ (:mod:`combchip.comb.state_map`). The points are packed
into batched (B, N) solver runs on both cores by ``cc.sweep``. The closed-form boundaries are drawn: MI at ρ = 1,
bistability from ζ = √3 and the soliton limit ζ = π²f²/8 (Herr et al., Nat. Photon. 8, 145 (2014)).

    python examples/state_map.py       # 64 × 64 points, a few minutes; writes examples/out/state_map.png
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import numpy as np

from combchip.comb.state_map import STATES, StateMapPoint, state_map
from combchip.plotting.maps import plot_state_map
from _quick import sized

if __name__ == "__main__":
    out = Path(__file__).with_name("out")
    out.mkdir(exist_ok=True)
    n = sized(64, 6)
    point = StateMapPoint(duration=sized(80.0, 12.0), window=sized(30.0, 4.0), snapshots=sized(31, 4))
    ds = state_map(np.linspace(-2.0, 10.0, n), np.linspace(0.5, 8.0, n), point, seed=0)
    counts = {name: int((ds.state == code).sum()) for code, name in enumerate(STATES)}
    print(f"{n}×{n} points:", ", ".join(f"{name} {count}" for name, count in counts.items()))
    ratio = (ds.zeta / (np.pi**2 * ds.f2 / 8)).where(ds.state == STATES.index("soliton"))
    edge = float(ratio.max())
    print(f"largest ζ of a soliton point, relative to π²f²/8: {edge:.3f}")
    plot_state_map(ds).savefig(out / "state_map.png", dpi=120)
    ds.to_netcdf(out / "state_map.nc")

"""From geometry to a Ring: FSR, D₂ and κ_ex of system A's Si₃N₄ ring against gap and width.

    python examples/ring_geometry.py        # writes examples/out/ring_geometry.png
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

import combchip as cc
from combchip.systems.published import SYSTEM_A
from _quick import sized

out = Path(__file__).with_name("out")
out.mkdir(exist_ok=True)
geometry = dict(radius=SYSTEM_A.ring_radius, width=SYSTEM_A.waveguide_width, height=SYSTEM_A.waveguide_height,
                gap=SYSTEM_A.coupler_gap)
ring = cc.Ring.from_geometry(**geometry, material="Si3N4", q_i=2.9e6)
print(f"FSR {ring.fsr / 1e9:.2f} GHz (published {SYSTEM_A.fsr / 1e9:.2f}), n_g {ring.n_g:.3f}, "
      f"D2/2π {ring.d2 / 2 / np.pi / 1e6:.2f} MHz, κ_ex/2π {ring.kappa_ex / 2 / np.pi / 1e6:.0f} MHz, "
      f"{ring.coupling_regime}-coupled, Q_L {ring.q_loaded:.3g}")

gaps = np.linspace(0.3e-6, 0.9e-6, sized(13, 4))
widths = np.linspace(1.0e-6, 2.2e-6, sized(13, 3))
kappa_ex = [cc.Ring.from_geometry(**(geometry | dict(gap=g))).kappa_ex / 2 / np.pi / 1e6 for g in gaps]
d2 = [cc.Ring.from_geometry(**(geometry | dict(width=w))).d2 / 2 / np.pi / 1e6 for w in widths]
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.5), layout="constrained")
left.semilogy(gaps * 1e9, kappa_ex, "o-")
left.axhline(ring.kappa0 / 2 / np.pi / 1e6, ls="--", c="k", label="κ₀/2π (critical coupling)")
left.set(xlabel="gap [nm]", ylabel="κ_ex/2π [MHz]", title="bus coupling")
left.legend()
right.plot(widths * 1e6, d2, "o-")
right.set(xlabel="width [µm]", ylabel="D₂/2π [MHz]",
          title=f"dispersion ({SYSTEM_A.waveguide_height * 1e6:.1f} µm thick)")
fig.savefig(out / "ring_geometry.png", dpi=120)

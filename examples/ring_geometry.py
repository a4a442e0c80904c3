"""From geometry to a Ring: FSR, D₂ and κ_ex of system A's Si₃N₄ ring against gap and width.

    python examples/ring_geometry.py        # writes examples/out/ring_geometry.png
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

import combchip as cc

out = Path(__file__).with_name("out")
out.mkdir(exist_ok=True)
ring = cc.Ring.from_geometry(radius=230e-6, width=1.6e-6, height=0.8e-6, gap=0.5e-6, material="Si3N4", q_i=2.9e6)
print(f"FSR {ring.fsr / 1e9:.2f} GHz (published 98.75), n_g {ring.n_g:.3f}, D2/2π {ring.d2 / 2 / np.pi / 1e6:.2f} MHz, "
      f"κ_ex/2π {ring.kappa_ex / 2 / np.pi / 1e6:.0f} MHz, {ring.coupling_regime}-coupled, Q_L {ring.q_loaded:.3g}")

gaps = np.linspace(0.3e-6, 0.9e-6, 13)
widths = np.linspace(1.0e-6, 2.2e-6, 13)
kappa_ex = [cc.Ring.from_geometry(230e-6, 1.6e-6, 0.8e-6, g).kappa_ex / 2 / np.pi / 1e6 for g in gaps]
d2 = [cc.Ring.from_geometry(230e-6, w, 0.8e-6, 0.5e-6).d2 / 2 / np.pi / 1e6 for w in widths]
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.5), layout="constrained")
left.semilogy(gaps * 1e9, kappa_ex, "o-")
left.axhline(ring.kappa0 / 2 / np.pi / 1e6, ls="--", c="k", label="κ₀/2π (critical coupling)")
left.set(xlabel="gap [nm]", ylabel="κ_ex/2π [MHz]", title="bus coupling")
left.legend()
right.plot(widths * 1e6, d2, "o-")
right.set(xlabel="width [µm]", ylabel="D₂/2π [MHz]", title="dispersion (0.8 µm thick)")
fig.savefig(out / "ring_geometry.png", dpi=120)

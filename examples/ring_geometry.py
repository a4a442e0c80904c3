"""From geometry to a Ring: FSR, D₂ and κ_ex of system A's Si₃N₄ ring against gap and width.

The design point uses the full-vectorial bent-guide femwell modes (D₂, A_eff, and κ_ex from the
coupled-mode overlap along the coupler); the sweeps use the fast fallbacks (semi-vectorial FD and
the point-coupler model), with the femwell values marked for comparison.

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
fallback = cc.Ring.from_geometry(**geometry, material="Si3N4", q_i=2.9e6, mode_solver="fd")
for name, r in (("femwell", ring), ("FD + point coupler", fallback)):
    print(f"{name}: FSR {r.fsr / 1e9:.2f} GHz (published {SYSTEM_A.fsr / 1e9:.2f}), n_g {r.n_g:.4f}, "
          f"D2/2π {r.d2 / 2 / np.pi / 1e6:.3f} MHz, κ_ex/2π {r.kappa_ex / 2 / np.pi / 1e6:.0f} MHz, "
          f"A_eff {r.a_eff * 1e12:.3f} µm², {r.coupling_regime}-coupled, Q_L {r.q_loaded:.3g}")

gaps = np.linspace(0.3e-6, 0.9e-6, sized(13, 4))
widths = np.linspace(1.0e-6, 2.2e-6, sized(13, 3))
kappa_ex = [cc.Ring.from_geometry(**(geometry | dict(gap=g)), mode_solver="fd").kappa_ex / 2 / np.pi / 1e6
            for g in gaps]
d2 = [cc.Ring.from_geometry(**(geometry | dict(width=w)), mode_solver="fd").d2 / 2 / np.pi / 1e6 for w in widths]
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.5), layout="constrained")
left.semilogy(gaps * 1e9, kappa_ex, "o-", label="point coupler (EIM)")
left.semilogy([SYSTEM_A.coupler_gap * 1e9], [ring.kappa_ex / 2 / np.pi / 1e6], "r*", ms=12,
              label="mode overlap (femwell)")
left.axhline(ring.kappa0 / 2 / np.pi / 1e6, ls="--", c="k", label="κ₀/2π (critical coupling)")
left.set(xlabel="gap [nm]", ylabel="κ_ex/2π [MHz]", title="bus coupling")
left.legend()
right.plot(widths * 1e6, d2, "o-", label="semi-vectorial FD")
right.plot([SYSTEM_A.waveguide_width * 1e6], [ring.d2 / 2 / np.pi / 1e6], "r*", ms=12, label="femwell, bent")
right.legend()
right.set(xlabel="width [µm]", ylabel="D₂/2π [MHz]",
          title=f"dispersion ({SYSTEM_A.waveguide_height * 1e6:.1f} µm thick)")
fig.savefig(out / "ring_geometry.png", dpi=120)

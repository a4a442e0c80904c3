"""Turnkey bright solitons: a self-injection-locked DFB switched on at a fixed detuning, with no scan.

    python examples/turnkey_soliton.py        # writes examples/out/turnkey_soliton.png

The ring, the laser, the 0.4 MHz doublet and the feedback phase are assumed (``assumed_turnkey_setup``, after
Shen et al., Nature 582, 365 (2020)). The same start with a 10 MHz doublet (K₀ 25× larger) is run beside it: the
strong feedback holds the laser at the chaos edge instead (Voloshin et al., Nat. Commun. 12, 235 (2021)).
"""

import dataclasses
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import numpy as np

from combchip.comb.turnkey import assumed_turnkey_setup, turnkey_start
from combchip.plotting import plot_turnkey
from _quick import sized

out = Path(__file__).with_name("out")
out.mkdir(exist_ok=True)
ring, sil, free = assumed_turnkey_setup()
modes, duration = sized(256, 64), sized(800, 100) * 2 / ring.kappa
for label, model in (("0.4 MHz doublet", sil),
                     ("10 MHz doublet", dataclasses.replace(sil, backscatter_rate=2 * np.pi * 5e6))):
    ds = turnkey_start(ring, model, free, modes=modes, duration=duration, seed=3)
    a = ds.attrs
    print(f"{label}: K0 = {model.k0(ring):.3g}; ξ = {a['free_running_zeta']:.2f} → locked ζ_L = {a['locked_zeta']:.3f} "
          f"({'steady' if a['steady'] else 'unsteady'}, spread {a['lock_spread'] / 1e6:.3g} MHz), "
          f"{a['soliton_number']} peak(s) above ζ_L; N-soliton theory ζ_L = "
          f"{a['predicted_locked_detuning'] * 4 * np.pi / ring.kappa:.3f}; soliton bound π²f²/8 = {a['soliton_range']:.1f}")
    if model is sil:
        fig = plot_turnkey(ds)
fig.savefig(out / "turnkey_soliton.png", dpi=110)

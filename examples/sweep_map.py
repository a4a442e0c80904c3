"""The CW bistability and the soliton existence limit over the normalized (ζ, f²) plane, with ``cc.sweep``.

At each point: the number of CW states of f² = ρ[1 + (ζ − ρ)²], the lower branch's power ρ₋ and whether it is
modulationally stable (ρ₋ < 1), and necessary (not sufficient) soliton conditions of Herr et al., Nat. Photon. 8,
145 (2014): a real sech amplitude √(2ζ) (ζ > 0), a stable lower-branch background and ζ < π²f²/8.
Bistability needs ζ > √3.

The simulated map, every point classified, is examples/state_map.py.

    python examples/sweep_map.py       # writes examples/out/sweep_map.png
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

import combchip as cc
from combchip.solvers.stationary import cw_branch
from _quick import sized


def cw_map_point(zeta, f2):
    """CW states and the soliton conditions at one (ζ, f²)."""
    roots = cw_branch(f2, zeta)
    rho_lower = float(np.nanmin(roots))
    soliton = 0 < zeta < np.pi**2 * f2 / 8 and rho_lower < 1.0
    return xr.Dataset({
        "cw_states": ((), int(np.sum(~np.isnan(roots))), {"units": "1", "long_name": "number of CW states"}),
        "rho_lower": ((), rho_lower, {"units": "1", "long_name": "lower-branch CW power ρ₋ = |ψ₋|²"}),
        "soliton_allowed": ((), soliton, {"units": "1", "long_name": "0 < ζ < π²f²/8 and ρ₋ < 1"}),
    })


if __name__ == "__main__":
    out = Path(__file__).with_name("out")
    out.mkdir(exist_ok=True)
    n = sized(64, 12)
    grid = {"zeta": xr.DataArray(np.linspace(-2.0, 12.0, n), dims="zeta", attrs={"units": "1", "long_name": "ζ"}),
            "f2": xr.DataArray(np.linspace(0.5, 12.0, n), dims="f2", attrs={"units": "1", "long_name": "f²"})}
    ds = cc.sweep(cw_map_point, grid)
    bistable = ds.cw_states == 3
    print(f"{n}×{n} points; bistable at {int(bistable.sum())}, smallest bistable ζ = "
          f"{float(ds.zeta.where(bistable.any('f2')).min()):.3f} (√3 = {np.sqrt(3):.3f}); "
          f"soliton conditions met at {int(ds.soliton_allowed.sum())}")

    fig, ax = plt.subplots(figsize=(6.5, 5), layout="constrained")
    ds.cw_states.plot(ax=ax, x="zeta", y="f2", levels=[0.5, 1.5, 2.5, 3.5], cmap="Blues",
                      cbar_kwargs={"label": "number of CW states", "ticks": [1, 2, 3]})
    ds.soliton_allowed.astype(float).plot.contour(ax=ax, x="zeta", y="f2", levels=[0.5], colors="C3")
    f2 = ds.f2.values
    ax.plot(np.pi**2 * f2 / 8, f2, "k--", label="ζ = π²f²/8 (soliton limit)")
    ax.axvline(np.sqrt(3), color="0.4", ls=":", label="ζ = √3 (bistability onset)")
    ax.plot([], [], color="C3", label="edge of 0 < ζ < π²f²/8 and ρ₋ < 1")
    ax.set(xlim=(float(ds.zeta[0]), float(ds.zeta[-1])), xlabel="detuning ζ", ylabel="pump power f²",
           title=f"Normalized LLE: CW states and soliton conditions ({n}×{n} sweep)")
    ax.legend(loc="upper left", fontsize=8)
    fig.savefig(out / "sweep_map.png", dpi=120)

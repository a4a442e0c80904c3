"""Figures of maps and ensembles: the (ζ, f²) state map, soliton-number statistics and fabrication spreads."""

from __future__ import annotations

import json

import numpy as np

from .axes import new_axes

_STATE_COLOURS = ("#d9d9d9", "#9ecae1", "#fdae6b", "#e6550d", "#31a354", "#756bb1")


def plot_state_map(ds, ax=None):
    """Classified states of :func:`~combchip.comb.state_map.state_map` over (ζ, f²), each region labelled, with the
    closed-form boundaries drawn and labelled: MI at ρ = 1, the bistability folds from ζ = √3 and the soliton
    limit ζ = π²f²/8 (Herr et al., Nat. Photon. 8, 145 (2014))."""
    from matplotlib.colors import BoundaryNorm, ListedColormap

    from ..comb.state_map import STATES, analytic_boundaries

    fig, ax = new_axes(ax, figsize=(7.5, 5.5), layout="constrained")
    zeta, f2 = ds.zeta.values, ds.f2.values
    state = ds.state.transpose("f2", "zeta").values
    cmap = ListedColormap(("black",) + _STATE_COLOURS)
    ax.pcolormesh(zeta, f2, state, cmap=cmap, norm=BoundaryNorm(np.arange(-1.5, len(STATES)), cmap.N),
                  shading="nearest")
    solitons = ds.solitons.transpose("f2", "zeta").values
    for code, name in enumerate(STATES):
        where = state == code
        if where.sum() < 2:
            continue
        rows, cols = np.nonzero(where)
        k = np.argmin(np.hypot(cols - cols.mean(), rows - rows.mean()))
        label = name if code != STATES.index("soliton") else f"soliton (N = {int(np.median(solitons[where]))} median)"
        ax.text(zeta[cols[k]], f2[rows[k]], label, ha="center", va="center", fontsize=8,
                bbox={"boxstyle": "round", "fc": "white", "alpha": 0.7, "lw": 0})
    fine = np.linspace(zeta.min(), zeta.max(), 400)
    edges = analytic_boundaries(fine)
    for name, style, text in (("mi_f2", "k-", "MI threshold ρ = 1"),
                              ("fold_low_f2", "b--", "bistability folds (from ζ = √3)"),
                              ("fold_high_f2", "b--", None),
                              ("soliton_limit_f2", "r-.", "soliton limit ζ = π²f²/8")):
        ax.plot(fine, edges[name].values, style, lw=1.3, label=text)
    run = json.loads(ds.attrs.get("state_map_point", "{}"))
    start = {"seed": "a soliton seed", "cold": "an empty cavity", "hot": "ψ = f"}.get(run.get("initial"), "?")
    ax.set(xlim=(zeta.min(), zeta.max()), ylim=(f2.min(), f2.max()), xlabel="normalized detuning ζ",
           ylabel="normalized pump power f²",
           title=f"LLE states from {start}, d₂ = {run.get('d2', float('nan')):g} "
                 f"({ds.sizes['zeta']} × {ds.sizes['f2']} points)")
    ax.legend(loc="upper left", fontsize=8)
    return fig


def plot_fabrication(ds, variables=None, axes=None):
    """Histograms of a fabrication Monte Carlo (:mod:`combchip.systems.fabrication`), one panel per variable.

    Each panel gives the sample mean ± standard deviation in its title; where the Dataset carries a published
    mean and spread (``published_<name>`` attrs, system C's modulators), they are drawn as a labelled band.
    """
    import matplotlib.pyplot as plt

    names = list(variables or [v for v in ds.data_vars if v not in ("width", "height", "gap", "splitter_ratio",
                                                                     "combiner_ratio", "thickness")])
    if axes is None:
        cols = min(3, len(names))
        fig, grid = plt.subplots(-(-len(names) // cols), cols, figsize=(4 * cols, 3.2 * -(-len(names) // cols)),
                                 layout="constrained", squeeze=False)
        axes = grid.ravel()
        for ax in axes[len(names):]:
            ax.set_visible(False)
    fig = axes[0].figure
    for ax, name in zip(axes, names):
        scale, unit = _readable(ds[name])
        values = ds[name].values / scale
        finite = values[np.isfinite(values)]
        ax.hist(finite, bins=max(8, int(np.sqrt(finite.size))), color="C0", alpha=0.8)
        mean, std = finite.mean(), finite.std()
        ax.axvline(mean, color="k", lw=1, label=f"model {mean:.4g} ± {std:.2g} {unit}")
        if f"published_{name}" in ds.attrs:
            centre, spread = ds.attrs[f"published_{name}"] / scale, ds.attrs[f"published_{name}_spread"] / scale
            ax.axvspan(centre - spread, centre + spread, color="C3", alpha=0.2,
                       label=f"published {centre:g} ± {spread:g} {unit}")
            ax.axvline(centre, color="C3", lw=1)
        ax.set(xlabel=ds[name].attrs.get("long_name", name) + (f" [{unit}]" if unit else ""), ylabel="copies")
        ax.legend(fontsize=7, loc="upper right")
    if ds.attrs.get("seed") is not None:
        fig.suptitle(f"fabrication Monte Carlo, {ds.sizes['sample']} copies (seed {ds.attrs['seed']})")
    return fig


def plot_soliton_statistics(ds, axes=None):
    """Histogram of the soliton number after many noisy scans (:func:`~combchip.comb.soliton_statistics.
    soliton_statistics`; Herr et al., Nat. Photon. 8, 145 (2014), Fig. 3), beside each scan's intracavity excess
    against N·√(2ζd₂)/π, the step rule."""
    import matplotlib.pyplot as plt

    if axes is None:
        fig, axes = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
    left, right = axes
    fig = left.figure
    runs = ds.sizes["run"]
    left.bar(ds.solitons.values, ds.probability.values * runs, color="C0")
    left.set(xlabel="soliton number N at the end of the scan", ylabel="scans",
             title=f"{runs} noisy scans to ζ = {ds.attrs['final_zeta']:.3g} (f² = {ds.attrs['f2']:.3g})")
    left.set_xticks(ds.solitons.values)
    n = ds.soliton_count.values
    step = float(ds.single_soliton_excess)
    right.plot(n, ds.intracavity_excess.values, "o", alpha=0.6, label="scans")
    grid = np.arange(0, n.max() + 2)
    right.plot(grid, grid * step, "k--", label="N·√(2ζd₂)/π (step rule)")
    right.set(xlabel="soliton number N", ylabel="⟨|ψ|²⟩ − ρ_bg (normalized)", title="intracavity steps")
    right.legend(fontsize=8)
    return fig


def _readable(variable):
    """(scale, unit label) that shows ``variable`` in Hz-like prefixes: rad/s as 2π·MHz, Hz as GHz/MHz/kHz."""
    unit = variable.attrs.get("units", "")
    if unit not in ("Hz", "rad/s"):
        return 1.0, "" if unit == "1" else unit
    turn = 2 * np.pi if unit == "rad/s" else 1.0
    size = np.nanmax(np.abs(variable.values)) / turn
    for factor, prefix in ((1e9, "GHz"), (1e6, "MHz"), (1e3, "kHz"), (1.0, "Hz")):
        if size >= factor:
            break
    return turn * factor, ("2π·" if turn != 1.0 else "") + prefix

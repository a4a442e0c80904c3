"""Figures of links and networks: key-rate matrices and curves, HOM dips and fits, line coherence."""

from __future__ import annotations

import textwrap

import numpy as np
import xarray as xr
from scipy.constants import c

from .axes import new_axes


def pair_rate_summary(da) -> str:
    """The key rates of the n(n−1)/2 user pairs in words: their mean (pairs without key count as 0), the smallest
    positive rate and how many pairs have key. The CLI prints it and :func:`plot_rate_matrix` titles with it."""
    values = np.asarray(da.values, dtype=float)
    pairs = values[np.triu_indices(values.shape[0], 1)]
    keyed = pairs[pairs > 0]
    units = da.attrs.get("units", "")
    least = f", smallest positive {keyed.min():.3g} {units}" if keyed.size else ""
    return (f"mean {np.nan_to_num(pairs).mean():.3g} {units} over all pairs{least}, {keyed.size} of {pairs.size} "
            "pairs with key")


def plot_rate_matrix(da, ax=None, visibility_model=None):
    """Heat map of a key-rate matrix (:func:`combchip.link.network.key_rate_matrix`) on a log colour scale.

    Pairs without key (rate 0) are grey and marked "no key", not coloured at an arbitrary floor; the diagonal
    is blank. The title gives :func:`pair_rate_summary` and, if given, how the visibility was modelled.
    """
    from matplotlib.colors import LogNorm
    from matplotlib.patches import Patch
    from matplotlib.ticker import MaxNLocator

    fig, ax = new_axes(ax, figsize=(5.5, 4.8), layout="constrained")
    values = np.asarray(da.values, dtype=float)
    keyed = np.isfinite(values) & (values > 0)
    positive = values[keyed]
    low, high = (positive.min(), positive.max()) if positive.size else (1.0, 10.0)
    image = ax.imshow(np.where(keyed, values, np.nan), origin="lower", cmap="viridis",
                      norm=LogNorm(vmin=low, vmax=high if high > low else low * 10), interpolation="nearest")
    fig.colorbar(image, ax=ax, label=f"{da.attrs.get('long_name', 'key rate')} [{da.attrs.get('units', '')}]")
    none = np.isfinite(values) & ~keyed
    if none.any():
        ax.imshow(np.where(none, 1.0, np.nan), origin="lower", cmap="Greys", vmin=0, vmax=2.5, interpolation="nearest")
        ax.legend(handles=[Patch(color="0.6", label="no key (×)")], fontsize=7, loc="upper right",
                  bbox_to_anchor=(1.0, -0.06), frameon=False)
        if none.sum() <= 100:
            for a, b in zip(*np.nonzero(none)):
                ax.text(b, a, "×", ha="center", va="center", fontsize=7, color="k")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("user b")
    ax.set_ylabel("user a")
    model = f"; visibility {visibility_model}" if visibility_model else ""
    ax.set_title(textwrap.fill(f"{values.shape[0]} users: {pair_rate_summary(da)}{model}", 70), fontsize=8)
    return fig


def plot_rate_vs_distance(ds, ax=None, bound=True):
    """Key rate per pulse (pair) and the PLOB bound against distance [km]
    (:func:`combchip.link.network.rate_vs_distance`, :func:`combchip.link.qkd.sns_distance.sns_rate_vs_distance`);
    call again with the same ``ax`` and ``bound=False`` to compare protocols."""
    fig, ax = new_axes(ax, figsize=(6, 4))
    km = ds.distance.values / 1e3
    rate = ds.key_rate_per_pulse.values
    ax.semilogy(km, np.where(rate > 0, rate, np.nan), "o-", ms=3, label=ds.key_rate_per_pulse.attrs["long_name"])
    if bound:
        ax.semilogy(km, ds.plob.values, "k--", label="PLOB (repeaterless)")
    ax.set_xlabel(f"{ds.distance.attrs['long_name']} [km]")
    ax.set_ylabel(f"key rate [{ds.key_rate_per_pulse.attrs['units']}]")
    ax.set_title(f"N = {ds.attrs.get('pulses', np.nan):.2g} pulses, ε = {ds.attrs.get('eps', np.nan):.0e}", fontsize=9)
    ax.legend(fontsize=8)
    return fig


def plot_hom_dip(da, ax=None):
    """Normalized coincidences against the relative delay [ns] (:func:`combchip.link.hom.hom_dip`), with the visibility."""
    fig, ax = new_axes(ax, figsize=(6, 4))
    ax.plot(da.delay.values * 1e9, da.values, "-", label="C(δt)/C_∞")
    ax.axhline(1.0, color="0.6", lw=0.6, label="no interference (C_∞)")
    visibility = da.attrs.get("visibility", np.nan)
    ax.axhline(1.0 - visibility, color="C1", lw=0.6, ls="--", label=f"V = {100 * visibility:.1f} %")
    ax.set_xlabel("relative delay δt [ns]")
    ax.set_ylabel("coincidences C(δt)/C_∞")
    ax.set_ylim(0.0, 1.1)
    ax.set_title("Hong–Ou–Mandel dip of two weak coherent pulses", fontsize=9)
    ax.legend(fontsize=8)
    return fig


def plot_coherence(coherence, visibility=None, axes=None):
    """|g⁽¹⁾(s)|² and g⁽²⁾(s) against lag [ns] for each line of :func:`combchip.comb.coherence.line_coherence`;
    with a :func:`~combchip.link.visibility.coherence_visibility` result, the pulse FWHM and bin separation are
    marked and the visibilities given in the legend.

    |g⁽¹⁾|² includes the pump's phase noise: a run with a noisy pump (``pump_noise=``) has it in g⁽¹⁾ already;
    otherwise the Lorentzian pump linewidth Δν_p of the ``pump_linewidth`` attribute enters as e^{−2πΔν_p s}."""
    import matplotlib.pyplot as plt

    if axes is None:
        fig, axes = plt.subplots(2, 1, figsize=(7, 6), sharex=True, layout="constrained")
    else:
        fig = axes[0].figure
    lines = coherence if "mu" in coherence.dims else coherence.expand_dims(mu=[0])
    lag_ns = lines.lag.values * 1e9
    pump_decay = np.exp(-2 * np.pi * float(coherence.attrs.get("pump_linewidth", 0.0)) * lines.lag.values)
    for k, mu in enumerate(lines.mu.values):
        label = f"μ = {int(mu)}"
        if visibility is not None:
            v = visibility.isel(mu=k) if "mu" in visibility.dims else visibility
            label += f": V_HOM {100 * float(v.hom_visibility):.1f} %"
            if "bsm_visibility" in v:
                label += f", V_BSM {100 * float(v.bsm_visibility):.1f} %"
        axes[0].plot(lag_ns, lines.g1_squared.values[k] * pump_decay, label=label)
        axes[1].plot(lag_ns, lines.g2.values[k])
    if visibility is not None:
        for ax in axes:
            ax.axvline(visibility.attrs["pulse_fwhm"] * 1e9, color="0.5", ls=":", lw=0.8, label="pulse FWHM")
            if visibility.attrs.get("bin_separation", 0.0) > 0:
                ax.axvline(visibility.attrs["bin_separation"] * 1e9, color="0.5", ls="--", lw=0.8,
                           label="early/late separation")
    axes[0].set_ylabel("|g⁽¹⁾(s)|²")
    axes[1].set_ylabel("g⁽²⁾(s)")
    axes[1].set_xlabel("lag s [ns]")
    axes[0].set_title("comb-line coherence", fontsize=9)
    axes[0].legend(fontsize=8)
    return fig


def plot_hom_fit(fit, ax=None):
    """Measured coincidences and the fitted dip against delay [ns] (:func:`combchip.link.hom_fit.fit_hom_dip`)."""
    fig, ax = new_axes(ax, figsize=(6, 4))
    ns = fit.delay.values * 1e9
    ax.plot(ns, fit.coincidence.values, "o", ms=3, label="measured")
    ax.plot(ns, fit.fit.values, "-", label=f"fit: V = {100 * float(fit.visibility):.1f} ± "
                                           f"{100 * float(fit.visibility_err):.1f} %, "
                                           f"FWHM {float(fit.dip_fwhm) * 1e9:.3f} ns")
    ax.set_xlabel("relative delay δt [ns]")
    ax.set_ylabel("coincidences")
    ax.set_title(f"HOM dip fit ({fit.attrs['shape']} pulses), χ²/dof = {float(fit.chi2_reduced):.2f}", fontsize=9)
    ax.legend(fontsize=8)
    return fig


def plot_wavelength_graph(plan, ax=None):
    """K_n on a circle, each edge drawn in the colour of its wavelength.

    User i sits at angle π/2 − 2πi/n on the unit circle. The edges form one ``LineCollection``
    (gid ``"wavelength-edges"``) whose array holds the colour c(a, b) of each pair a < b in
    row-major order, drawn with a discrete colormap of ``n_wavelengths`` colours.

    Parameters
    ----------
    plan : xarray.Dataset
        A :func:`combchip.link.network_plan.wavelength_plan` result.
    ax : matplotlib.axes.Axes, optional
        Axes to draw into.

    Returns
    -------
    matplotlib.figure.Figure

    References
    ----------
    A. Soifer, *The Mathematical Coloring Book*, Springer (2009).
    """
    import matplotlib.pyplot as plt
    from matplotlib.collections import LineCollection
    from matplotlib.colors import BoundaryNorm, ListedColormap

    if not isinstance(plan, xr.Dataset) or "colour" not in plan:
        raise ValueError("plan must be a wavelength_plan Dataset with a 'colour' variable")
    fig, ax = new_axes(ax, figsize=(5, 5), layout="constrained")
    colour = plan.colour.values
    n = colour.shape[0]
    count = int(plan.sizes["wavelength"])
    angle = np.pi / 2 - 2 * np.pi * np.arange(n) / n
    xy = np.column_stack([np.cos(angle), np.sin(angle)])
    a, b = np.triu_indices(n, 1)
    base = plt.get_cmap("tab10" if count <= 10 else "tab20" if count <= 20 else "turbo")
    cmap = ListedColormap(base(np.linspace(0, 1, count)) if count > 20 else base(np.arange(count)))
    norm = BoundaryNorm(np.arange(count + 1) - 0.5, count)
    edges = LineCollection(np.stack([xy[a], xy[b]], axis=1), cmap=cmap, norm=norm,
                           linewidths=1.5 if n <= 16 else 0.4, gid="wavelength-edges")
    edges.set_array(colour[a, b])
    ax.add_collection(edges)
    ax.scatter(xy[:, 0], xy[:, 1], s=60 if n <= 40 else 10, c="k", zorder=3)
    if n <= 40:
        for i in range(n):
            ax.annotate(str(i), 1.12 * xy[i], ha="center", va="center", fontsize=8)
    bar = fig.colorbar(edges, ax=ax, shrink=0.7, ticks=np.arange(count) if count <= 20 else None)
    if "wavelength_itu_channel" in plan and count <= 20:
        bar.set_ticklabels([f"CH{int(c)}" for c in plan.wavelength_itu_channel.values])
        bar.set_label("comb line (ITU channel)")
    else:
        bar.set_label("wavelength index")
    ax.set_xlim(-1.3, 1.3)
    ax.set_ylim(-1.3, 1.3)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.set_title(f"{n} users, {count} wavelengths, {len(a)} pairs")
    return fig

"""Figures of self-injection locking: the tuning curve and a SIL-started dark pulse."""

from __future__ import annotations

import numpy as np

from .axes import new_axes
from .comb import plot_intensity, plot_spectrum


def plot_sil_tuning_curve(curve, locking=None, ax=None):
    """Locked laser detuning against the free-running one [MHz] (:func:`~combchip.sil_tuning_curve`).

    Stable points (K > 0) are drawn solid, unstable ones dotted; with a ``locking`` record
    (:func:`~combchip.sil_locking`) the ends of the locked branch are marked and K is written in the legend.
    """
    fig, ax = new_axes(ax, figsize=(6, 4))
    free = curve.free_running_detuning.values / 1e6
    laser = curve.laser_detuning.values / 1e6
    stable = curve.stable.values
    ax.plot(free, np.where(stable, laser, np.nan), lw=1.2, label="stable (K > 0)")
    ax.plot(free, np.where(stable, np.nan, laser), ":", lw=0.8, label="unstable")
    ax.plot(free, free, color="0.6", lw=0.6, label="no feedback")
    if locking is not None and np.all(np.isfinite(locking.locked_edges)):
        ax.plot(np.array(locking.locked_edges) / 1e6, np.array(locking.laser_edges) / 1e6, "o", ms=4,
                label=f"locking band {locking.locking_bandwidth / 1e9:.3g} GHz, K = {locking.stabilization:.3g}")
    ax.set_xlabel("free-running detuning (ω₀ − ω_d)/2π [MHz]")
    ax.set_ylabel("laser detuning (ω₀ − ω)/2π [MHz]")
    ax.set_title("self-injection-locking tuning curve")
    ax.legend(fontsize=7)
    return fig


def plot_sil_backscatter(ring, sil, design=None, ax=None):
    """Centre stabilization K against the doublet splitting 2Γ/2π [MHz] for ``sil``'s laser, coupling and phase.

    K comes from :func:`~combchip.sil_locking` at each Γ (log grid over 10⁻³ … 10 ring linewidths); a ``design``
    (:func:`~combchip.backscatter_for_stabilization`) adds its target K and the two splittings that give it.
    """
    from dataclasses import replace

    from ..comb.sil import sil_locking

    fig, ax = new_axes(ax, figsize=(6, 4))
    splitting = np.logspace(-3, 1, 241) * ring.linewidth
    k = [sil_locking(ring, replace(sil, backscatter_rate=np.pi * x)).stabilization for x in splitting]
    ax.loglog(splitting / 1e6, np.clip(k, 1e-3, None), lw=1.2, label="K at the resonance centre")
    ax.axvline(ring.linewidth / 1e6, color="0.6", lw=0.6, ls="--", label="ring linewidth κ/2π")
    if design is not None and np.isfinite(design.backscatter_rate):
        ax.axhline(design.stabilization, color="C3", lw=0.6)
        roots = np.array([design.backscatter_rate, design.upper_backscatter_rate]) / np.pi / 1e6
        ax.plot(roots, [design.stabilization] * 2, "o", color="C3", ms=4,
                label=f"K = {design.stabilization:.3g} at {roots[0]:.3g} or {roots[1]:.3g} MHz")
    ax.set_xlabel("doublet splitting 2Γ/2π [MHz]")
    ax.set_ylabel("stabilization coefficient K")
    ax.set_title("linear SIL: stabilization against backscattering")
    ax.legend(fontsize=7)
    return fig


def plot_dark_pulse(ds, snapshot=-1, axes=None):
    """Intracavity profile and output spectrum of a dark pulse (platicon), side by side, with its SIL figures."""
    import matplotlib.pyplot as plt

    if axes is None:
        fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    else:
        fig = axes[0].figure
    plot_intensity(ds, snapshot=snapshot, ax=axes[0])
    plot_spectrum(ds, snapshot=snapshot, ax=axes[1])
    if "stabilization" in ds.attrs:
        ge, le = ("= ", "") if ds.attrs.get("stabilization_resolved", 1) else ("≥ ", "≤ ")
        axes[1].set_title(f"spectrum: K {ge}{ds.attrs['stabilization']:.3g}, comb-line linewidth "
                          f"{le}{ds.attrs['comb_line_linewidth']:.3g} Hz", fontsize=9)
    fig.tight_layout()
    return fig

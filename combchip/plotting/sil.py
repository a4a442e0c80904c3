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

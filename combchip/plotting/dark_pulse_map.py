"""Figure of a SIL dark-pulse map: where a stationary platicon forms over the feedback phase and the free-running
detuning, its dark fraction, how flat its spectrum is and where the lock puts ζ."""

from __future__ import annotations

import numpy as np


def plot_dark_pulse_map(ds, axes=None):
    """Three panels over (free-running detuning ξ₁, feedback phase φ) of
    :func:`~combchip.systems.system_c.system_c_dark_pulse_map`: the dark fraction, the sidebands within 10 dB (its
    flat-top points starred) and the locked ζ (its colour range is the CW bistability window at the
    run's f², closed form). Points without a stationary comb are left grey and crossed."""
    import matplotlib.pyplot as plt

    if axes is None:
        fig, axes = plt.subplots(1, 3, figsize=(15, 4.2), layout="constrained")
    else:
        fig = axes[0].figure
    xi, phase = ds.free_running_detuning.values, ds.feedback_phase.values
    a = ds.attrs
    panels = (("dark_fraction", f"{a['current'] * 1e3:.0f} mA, f² = {a['f2']:.3g}: dark fraction "
               f"({int(ds.stationary.sum())} of {ds.stationary.size} stationary)", dict(vmin=0, vmax=1, cmap="viridis")),
              ("lines_within_10db", f"sidebands within 10 dB ({int(np.nansum(ds.flat_top.values))} flat-top: "
               f"≥ {a['flat_top_lines']} and first sidebands ≤ {a['flat_top_excess_db']:g} dB above |μ| = 2…5)",
               dict(vmin=0, vmax=2 * a["flat_top_lines"], cmap="magma")),
              ("locked_zeta", "locked ζ (colour range: CW bistability window)",
               dict(vmin=a["bistability_low"], vmax=a["bistability_high"], cmap="coolwarm")))
    absent = ds.stationary.transpose("feedback_phase", "free_running_detuning").values == 0
    rows, cols = np.nonzero(absent)
    for ax, (name, title, style) in zip(axes, panels):
        ax.set_facecolor("0.85")
        mesh = ax.pcolormesh(xi, phase, ds[name].transpose("feedback_phase", "free_running_detuning").values,
                             shading="nearest", **style)
        fig.colorbar(mesh, ax=ax)
        ax.plot(xi[cols], phase[rows], "x", color="0.4", ms=5, label="no stationary comb")
        ax.set_xlabel("free-running detuning ξ₁ (κ/2 units)")
        ax.set_ylabel("feedback phase φ [rad]")
        ax.set_title(title, fontsize=9)
    flat_rows, flat_cols = np.nonzero(ds.flat_top.transpose("feedback_phase", "free_running_detuning").values == 1)
    axes[1].plot(xi[flat_cols], phase[flat_rows], "*", color="tab:cyan", ms=9, label="flat top")
    if rows.size or flat_rows.size:
        axes[1].legend(fontsize=7, loc="lower right")
    return fig

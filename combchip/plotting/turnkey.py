"""Figure of a turnkey SIL start (:func:`~combchip.comb.turnkey.turnkey_start`)."""

from __future__ import annotations

import numpy as np

from .comb import plot_intensity, plot_spectrum


def plot_turnkey(ds, axes=None):
    """Locked laser detuning against time [MHz] beside the final intracavity profile and spectrum.

    The first panel marks the free-running detuning, the predicted N-soliton lock point and the soliton existence
    bound π²f²/8 (as a detuning); the title gives the soliton number and whether the lock is steady.
    """
    import matplotlib.pyplot as plt

    if axes is None:
        fig, axes = plt.subplots(1, 3, figsize=(16, 4))
    else:
        fig = axes[0].figure
    a = ds.attrs
    per_zeta = a["kappa"] / (4 * np.pi) / 1e6
    time = ds.time.values * 1e6
    axes[0].plot(time, ds.laser_detuning.values / 1e6, lw=0.8, label="laser (ω₀ − ω)/2π")
    axes[0].axhline(a["free_running_zeta"] * per_zeta, color="0.5", ls="--", lw=0.8, label="free running")
    axes[0].axhline(a["soliton_range"] * per_zeta, color="C3", ls=":", lw=0.8, label="soliton bound π²f²/8")
    if np.isfinite(a["predicted_locked_detuning"]):
        axes[0].axhline(a["predicted_locked_detuning"] / 1e6, color="C2", lw=0.8,
                        label=f"predicted {a['soliton_number']}-soliton lock")
    axes[0].set_xlabel("time [µs]")
    axes[0].set_ylabel("detuning [MHz]")
    axes[0].set_title(f"switch-on: {a['soliton_number']} soliton(s), {'steady' if a['steady'] else 'unsteady'} lock",
                      fontsize=9)
    axes[0].legend(fontsize=7)
    plot_intensity(ds, ax=axes[1])
    plot_spectrum(ds, ax=axes[2])
    fig.tight_layout()
    return fig

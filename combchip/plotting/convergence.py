"""Figure of a resolution study: soliton-number statistics and the comb power outside the smallest window."""

from __future__ import annotations

import numpy as np


def plot_resolution(study):
    """Mean soliton number ± its standard error against detuning [GHz] for every (N, h) case (top), and the
    largest share of the comb power outside the smallest mode window (bottom, log scale)."""
    import matplotlib.pyplot as plt

    fig, (top, bottom) = plt.subplots(2, 1, figsize=(7, 6), sharex=True)
    detuning = study.snapshot_detuning.values / 1e9
    for n in study.modes.values:
        for factor in study.dt_factor.values:
            case = study.sel(modes=n, dt_factor=factor)
            label = f"N = {n}, h = {float(case.dt_normalized):.3g}" + ("" if bool(case.converged) else " (differs)")
            top.errorbar(detuning, case.mean_count, yerr=case.count_sem, capsize=2, lw=0.8, label=label)
            bottom.semilogy(detuning, np.maximum(case.outside_fraction.max("run"), 1e-12), lw=0.8, label=label)
    top.set_ylabel("soliton number (mean ± s.e.)")
    top.set_title(f"resolution study, {study.sizes['run']} seeds")
    top.legend(fontsize=7)
    bottom.set_xlabel("detuning (ω₀ − ω_p)/2π [GHz]")
    bottom.set_ylabel(f"comb power share outside |μ| < {int(study.modes.min()) // 2}")
    fig.tight_layout()
    return fig

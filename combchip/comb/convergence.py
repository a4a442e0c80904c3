"""Resolution study of a forward scan: soliton-number statistics against the mode count N and the step h.

Runs of different N draw different noise, so single seeds cannot be compared; the soliton numbers are
compared as distributions over seeds. At each snapshot a Welch two-sample t-test compares every case with
the reference case (the first N at the first step factor); a case is converged when no snapshot differs at
family-wise level ``alpha`` after a Bonferroni correction over the compared snapshots (Welch, Biometrika 34,
28 (1947)).
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Sequence

import numpy as np
import xarray as xr
from scipy import stats

from combchip.solvers.lle import mode_numbers

from .detuning import DetuningSchedule
from .lasers import Laser
from .normalization import normalize
from .resonator import Ring
from .simulate import default_dt, simulate_comb
from .steps import count_solitons, soliton_threshold
from ..validation import check_int, check_positive, check_range


def resolution_study(ring: Ring, pump: Laser, detuning: DetuningSchedule, snapshots: Sequence[float], *,
                     modes: Sequence[int] = (512, 1024), dt_factors: Sequence[float] = (1.0,),
                     seeds: Sequence[int] = tuple(range(16)), compare_from: float = -np.inf, alpha: float = 0.05,
                     progress: bool = False) -> xr.Dataset:
    """Soliton numbers of one detuning scan over ``seeds`` for every N in ``modes`` and h in ``dt_factors``.

    Each case runs :func:`~combchip.simulate_comb` with h = factor · :func:`~combchip.comb.simulate.default_dt`
    of its N and counts solitons at ``snapshots`` [s] with :func:`~combchip.comb.steps.soliton_threshold`.

    Parameters
    ----------
    ring, pump : Ring, Laser
    detuning : DetuningSchedule
        The scan [Hz], the same for every run.
    snapshots : sequence of float
        Snapshot times [s].
    modes, dt_factors : sequence
        Mode counts N (≥ 8) and step factors (> 0); the reference case is (modes[0], dt_factors[0]).
    seeds : sequence of int
        Noise seeds (at least 2 for the statistics).
    compare_from : float
        Snapshots at detunings below this [Hz] are kept but not compared.
    alpha : float
        Family-wise significance level of the comparison.

    Returns
    -------
    xarray.Dataset
        ``soliton_count`` (modes, dt_factor, run, snapshot); ``mean_count`` and ``count_sem`` (standard error)
        over runs; ``outside_fraction``, the share of the comb power in modes that only the larger windows
        hold; ``p_value`` (Welch, against the reference) per snapshot; ``step_length`` [Hz], the mean detuning
        span a run spends at each soliton ``number`` ≥ 1 among the compared snapshots; ``dt`` [s];
        ``converged`` per case.
    """
    if not isinstance(detuning, DetuningSchedule):
        raise ValueError(f"detuning must be a DetuningSchedule, got {type(detuning).__name__}")
    modes = [check_int("modes", m, 8) for m in np.atleast_1d(modes)]
    factors = [check_positive("dt_factors", float(f)) for f in np.atleast_1d(dt_factors)]
    seeds = [int(s) for s in seeds]
    if len(seeds) < 2:
        raise ValueError(f"seeds must hold at least 2 seeds for the statistics, got {len(seeds)}")
    check_range("alpha", alpha, 0.0, 1.0, low_open=True, high_open=True)
    if np.isnan(compare_from):
        raise ValueError("compare_from must be a detuning in Hz, got nan")
    norm = normalize(ring, pump)
    zeta_peak = float(np.max(np.abs(detuning.normalized(norm).zeta)))
    counts, outside, steps = [], [], np.zeros((len(modes), len(factors)))
    half = min(modes) // 2
    for i, n in enumerate(modes):
        base = default_dt(norm, zeta_peak, norm.d_int(mode_numbers(n)))
        row, spill = [], []
        for j, factor in enumerate(factors):
            steps[i, j] = factor * base
            ds = simulate_comb(ring, pump, detuning, modes=n, seed=seeds, snapshots=snapshots, dt=steps[i, j],
                               trace_points=100, progress=progress)
            row.append(count_solitons(ds.field.values, threshold=soliton_threshold(ds)))
            lines = ds.spectrum.where(ds.mu != 0, 0.0)
            spill.append((lines.where((ds.mu < -half) | (ds.mu >= half), 0.0).sum("mu") / lines.sum("mu")).values)
        counts.append(row)
        outside.append(spill)
    counts = np.asarray(counts)
    snapshot_detuning = ds.snapshot_detuning.values[0]
    compared = snapshot_detuning >= compare_from
    p_value = _welch_p(counts, counts[0, 0])
    worst = np.min(np.where(compared, p_value, 1.0), axis=-1) * max(1, int(compared.sum()))
    spacing = np.gradient(snapshot_detuning) if snapshot_detuning.size > 1 else np.zeros(1)
    number = np.arange(1, max(1, int(np.max(counts[..., compared], initial=0))) + 1)
    span = ((counts[..., None] == number) * (spacing * compared)[:, None]).sum(axis=-2)

    def var(dims, data, units, long_name):
        return xr.Variable(dims, data, {"units": units, "long_name": long_name})

    cases = ("modes", "dt_factor")
    return xr.Dataset(
        {
            "soliton_count": var(cases + ("run", "snapshot"), counts, "1", "intensity peaks above half a soliton's peak"),
            "mean_count": var(cases + ("snapshot",), counts.mean(axis=2), "1", "mean soliton number over seeds"),
            "count_sem": var(cases + ("snapshot",), counts.std(axis=2, ddof=1) / np.sqrt(len(seeds)), "1",
                             "standard error of the mean soliton number"),
            "outside_fraction": var(cases + ("run", "snapshot"), np.asarray(outside), "1",
                                    "share of the comb power in modes outside the smallest window"),
            "p_value": var(cases + ("snapshot",), p_value, "1", "Welch t-test p-value against the reference case"),
            "step_length": var(cases + ("number",), span.mean(axis=2), "Hz",
                               "mean detuning span spent at each soliton number (compared snapshots)"),
            "dt": var(cases, norm.time_s(steps), "s", "LLE time step"),
            "dt_normalized": var(cases, steps, "1", "LLE time step in units of 2/κ"),
            "converged": var(cases, worst >= alpha, "1",
                             "no compared snapshot differs from the reference (Bonferroni-corrected Welch test)"),
        },
        coords={
            "modes": ("modes", modes, {"units": "1", "long_name": "number of modes N"}),
            "dt_factor": ("dt_factor", factors, {"units": "1", "long_name": "step / default step"}),
            "run": ("run", np.arange(len(seeds))),
            "seed": ("run", seeds, {"long_name": "noise seed"}),
            "snapshot": ("snapshot", np.arange(snapshot_detuning.size)),
            "snapshot_detuning": ("snapshot", snapshot_detuning, {"units": "Hz", "long_name": "detuning at the snapshot"}),
            "compared": ("snapshot", compared, {"long_name": "snapshot enters the comparison"}),
            "number": ("number", number, {"units": "1", "long_name": "soliton number"}),
        },
        attrs={"title": "combchip resolution study", "alpha": alpha, "compare_from": compare_from,
               "combchip_inputs": json.dumps({"ring": ring.to_dict(), "pump": pump.to_dict(),
                                              "detuning": detuning.to_dict(), "seeds": seeds})},
    )


def _welch_p(counts: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Two-sided Welch p-values of ``counts`` (..., run, snapshot) against ``reference`` (run, snapshot).

    Samples without spread compare exactly: p = 1 when every count agrees, 0 when they differ.
    """
    with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # integer samples without spread: handled below
        p = stats.ttest_ind(counts, np.broadcast_to(reference, counts.shape), axis=-2, equal_var=False).pvalue
    same = counts.mean(axis=-2) == reference.mean(axis=-2)
    return np.where(np.isnan(p), np.where(same, 1.0, 0.0), p)

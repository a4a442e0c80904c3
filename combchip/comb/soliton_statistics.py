"""Soliton-number statistics over many noisy forward scans, as in Herr et al., Nat. Photon. 8, 145 (2014), Fig. 3.

Every scan is the same detuning protocol from its own vacuum-noise seed: the chaotic stage it crosses turns the
seed into a different pattern, and the scan ends on a soliton state whose number N varies from scan to scan. All
scans run as the rows of one batched :func:`~combchip.simulate_comb` run; N is counted on the last snapshots
(aligned and averaged, so that breathers count) and checked against the intracavity step rule
⟨|ψ|²⟩ − ρ_bg ≈ N·√(2ζd₂)/π of the same paper.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import xarray as xr

from combchip.solvers import cw_state

from ..validation import check_int
from .detuning import DetuningSchedule
from .lasers import Laser
from .normalization import normalize
from .resonator import Ring
from .simulate import simulate_comb
from .steps import count_solitons, soliton_threshold

__all__ = ["soliton_statistics"]


def soliton_statistics(ring: Ring, pump: Laser, detuning: DetuningSchedule, *, seed: Sequence[int] = tuple(range(32)),
                       modes: int = 512, final_snapshots: int = 6, spacing_tau: float = 2.0,
                       progress: bool = True) -> xr.Dataset:
    """Soliton numbers at the end of ``len(seed)`` noisy runs of the scan ``detuning``, and their histogram.

    Parameters
    ----------
    ring, pump : Ring, Laser
    detuning : DetuningSchedule
        The scan [Hz, s]; it should end inside the soliton existence range (ζ < π²f²/8) and hold there.
    seed : sequence of int
        One noise seed per scan (≥ 2 scans), as for :func:`~combchip.simulate_comb`.
    modes : int
        Modes N of the simulation.
    final_snapshots : int
        Snapshots at the end of the scan, ``spacing_tau`` apart (normalized time τ = κt/2), aligned and averaged
        to count the solitons (:func:`~combchip.count_solitons` with ``window = final_snapshots``).
    progress : bool
        Show the solver's progress bar.

    Returns
    -------
    xarray.Dataset
        ``soliton_count`` (``run``), ``probability`` (``solitons`` = 0 … max), ``intracavity_excess`` (``run``,
        ⟨|ψ|²⟩ − ρ_bg, normalized, averaged over the final snapshots) and ``single_soliton_excess`` √(2ζd₂)/π;
        the seeds as coordinate ``seed``; ``attrs`` hold the final ζ, f², d₂ and the scan.
    """
    if not isinstance(detuning, DetuningSchedule):
        raise ValueError(f"detuning must be a DetuningSchedule, got {type(detuning).__name__}")
    if isinstance(seed, (int, np.integer)):
        raise ValueError(f"seed must be a sequence of at least 2 seeds (one per scan), got {seed!r}")
    seeds = [check_int("seed", s, 0) for s in seed]
    if len(seeds) < 2:
        raise ValueError(f"seed must hold at least 2 seeds (one per scan), got {len(seeds)}")
    final_snapshots = check_int("final_snapshots", final_snapshots, 1)
    norm = normalize(ring, pump)
    spacing = float(norm.time_s(spacing_tau))
    if not (spacing > 0 and spacing * final_snapshots < detuning.duration):
        raise ValueError(f"spacing_tau = {spacing_tau!r} must be > 0, with final_snapshots·spacing inside the scan")
    times = detuning.duration - spacing * np.arange(final_snapshots)[::-1]
    ds = simulate_comb(ring, pump, detuning, modes=modes, seed=seeds, snapshots=times, progress=progress)
    counts = count_solitons(ds.field.values, threshold=soliton_threshold(ds), window=final_snapshots)[:, -1]
    zeta = float(norm.zeta(detuning.detuning[-1]))
    unit = float(ds.attrs["circulating_power_per_unit"])
    power = (np.abs(ds.field.values) ** 2).mean(axis=(-2, -1)) / unit
    background = abs(cw_state(norm.f, zeta, "lower")) ** 2
    histogram = np.bincount(counts, minlength=1) / len(seeds)
    one = {"units": "1"}
    return xr.Dataset(
        {
            "soliton_count": ("run", counts, {**one, "long_name": "solitons at the end of the scan"}),
            "probability": ("solitons", histogram, {**one, "long_name": "fraction of scans ending with N solitons"}),
            "intracavity_excess": ("run", power - background,
                                   {**one, "long_name": "⟨|ψ|²⟩ − ρ_bg over the final snapshots (normalized)"}),
            "single_soliton_excess": ((), np.sqrt(2 * zeta * norm.d2) / np.pi,
                                      {**one, "long_name": "one soliton's ⟨|ψ|²⟩ excess √(2ζd₂)/π"}),
        },
        coords={"run": ("run", np.arange(len(seeds)), {**one, "long_name": "scan"}),
                "seed": ("run", np.asarray(seeds), {**one, "long_name": "noise seed"}),
                "solitons": ("solitons", np.arange(histogram.size), {**one, "long_name": "soliton number N"})},
        attrs={"final_zeta": zeta, "f2": float(norm.f2), "d2": float(norm.d2), "modes": modes,
               "zeta_max": float(norm.zeta_max), "final_detuning_hz": float(detuning.detuning[-1]),
               "scan_duration_s": float(detuning.duration)},
    )

"""Soliton steps: detect plateaus in a forward scan and compare them with Newton single solitons.

For N non-overlapping solitons on the CW background, Parseval gives the mean intracavity
power ⟨|ψ|²⟩ = ρ_bg + N·ΔP₁ (ΔP₁ ≈ √(2ζd₂)/π), so intracavity steps are integer multiples.
The comb (non-pump) power is Σ_{μ≠0}|ψ_μ|²; each soliton also adds c₁ = ψ₀⁽¹⁾ − ψ_bg to the
pump mode, and these add coherently, so P_comb(N) = N·P₁ − N(N−1)|c₁|² (Herr et al., Nat. Photon. 8, 145 (2014)).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr
from numpy.typing import ArrayLike

from combchip.solvers import cw_state, newton_stationary, soliton_guess
from combchip.solvers.lle import mode_numbers

from .lasers import Laser
from .lines import _aligned
from .normalization import normalize
from .resonator import Ring
from ..validation import check_choice, check_int, check_range


@dataclass(frozen=True)
class SingleSoliton:
    """Newton single soliton at one detuning, in W (bus output) and normalized units."""

    zeta: float
    comb_power: float
    pump_mode_excess: float
    intracavity_excess: float
    peak: float
    max_growth: float | None


def single_soliton(ring: Ring, pump: Laser, detuning_hz: float, modes: int = 512,
                   stability: bool = False) -> SingleSoliton:
    """Stationary single soliton at ``detuning_hz`` refined by Newton's method."""
    norm = normalize(ring, pump)
    check_range("detuning_hz", detuning_hz, 0.0, np.inf, "Hz", low_open=True)
    zeta = float(norm.zeta(detuning_hz))
    mu = mode_numbers(check_int("modes", modes, 8))
    d_int = norm.d_int(mu)
    state = newton_stationary(soliton_guess(norm.f, zeta, norm.d2, modes), norm.f, zeta, d_int, stability=stability)
    weight = ring.resonance_frequencies(mu) / ring.frequency
    spectrum = state.spectrum
    background = cw_state(norm.f, zeta, "lower")
    pump_mode = np.fft.fft(state.field)[0] / modes
    return SingleSoliton(
        zeta=zeta,
        comb_power=float(norm.output_power_per_unit * np.sum(weight[1:] * spectrum[1:])),
        pump_mode_excess=float(norm.output_power_per_unit * abs(pump_mode - background) ** 2),
        intracavity_excess=float(norm.circulating_power_per_unit * (spectrum.sum() - abs(background) ** 2)),
        peak=float(np.max(np.abs(state.field) ** 2)),
        max_growth=state.max_growth,
    )


def count_solitons(field: ArrayLike, threshold: float | ArrayLike | None = None, window: int = 1,
                   statistic: str = "average") -> np.ndarray:
    """Number of intensity maxima above ``threshold`` along the last axis (θ).

    With ``window`` > 1 the snapshots (axis −2) are taken in consecutive groups of ``window`` and the result has
    S // ``window`` entries along the snapshot axis. ``statistic`` says how a group is counted:

    * ``"average"``: the snapshots are translated onto the group's first one (intensity cross-correlation, as in
      :func:`~combchip.comb_lines`) and their intensities averaged before counting: a breathing soliton, whose
      peak dips far below its stationary value part of each period, keeps a time-averaged peak near the
      stationary 2ζ when the group spans its period; an array ``threshold`` given per snapshot is averaged over
      each group;
    * ``"median"``: each snapshot is counted alone, at its own threshold, and the group's median count (the upper
      one for an even group) is returned: robust where the breathing period exceeds the group, or where
      unsynchronized breathers defeat the common alignment; pair it with a threshold below a deep breather's
      minimum (e.g. a quarter of the stationary peak, 0.5ζ).

    Default threshold: half the peak.
    """
    window = check_int("window", window, 1)
    check_choice("statistic", statistic, ("average", "median"))
    field = np.asarray(field)
    level = None if threshold is None else np.asarray(threshold, dtype=float)
    if window > 1 and (field.ndim < 2 or field.shape[-2] < window):
        raise ValueError(f"window = {window} needs a field of shape (..., snapshots >= window, theta), "
                         f"got {field.shape}")
    if window == 1 or statistic == "median":
        power = np.abs(field) ** 2
    else:
        power = _comoving_average(field, window)
        snapshots, groups = field.shape[-2], field.shape[-2] // window
        if level is not None and level.ndim >= 2 and level.shape[-2] == snapshots:
            level = level[..., :groups * window, :]
            level = level.reshape(*level.shape[:-2], groups, window, level.shape[-1]).mean(axis=-2)
    if level is None:
        level = 0.5 * power.max(axis=-1, keepdims=True)
    peaks = (power > np.roll(power, 1, axis=-1)) & (power >= np.roll(power, -1, axis=-1)) & (power > level)
    counts = peaks.sum(axis=-1)
    if window == 1 or statistic == "average":
        return counts
    groups = counts.shape[-1] // window
    counts = counts[..., :groups * window].reshape(*counts.shape[:-1], groups, window)
    return np.sort(counts, axis=-1)[..., window // 2]


def _comoving_average(field: np.ndarray, window: int) -> np.ndarray:
    """|ψ|² averaged over consecutive groups of ``window`` snapshots, each group aligned on its first snapshot."""
    n, groups = field.shape[-1], field.shape[-2] // window
    blocks = field[..., :groups * window, :].reshape(-1, window, n)
    average = np.array([np.mean(np.abs(np.fft.ifft(_aligned(b) * n, axis=-1)) ** 2, axis=0) for b in blocks])
    return average.reshape(*field.shape[:-2], groups, n)


def soliton_threshold(ds: xr.Dataset) -> np.ndarray:
    """Half a single soliton's peak, ζ·(W per unit |ψ|²), at each snapshot's detuning (for :func:`count_solitons`).

    A stationary soliton peaks at ≈ 2ζ on a background ρ_bg < 1 (Herr et al., Nat. Photon. 8, 145 (2014));
    with ``window`` > 1 a breather's aligned time average stays near 2ζ while wandering chaotic maxima average out.
    """
    zeta = 4 * np.pi * ds.snapshot_detuning.values / ds.attrs["kappa"]
    return (np.maximum(zeta, 1.0) * ds.attrs["circulating_power_per_unit"])[..., None]


def find_plateaus(comb_power: ArrayLike, window: int = 25, flatness: float = 2e-3,
                  min_length: int = 100) -> list[tuple[int, int]]:
    """Index ranges where a trace is smooth: the plateaus of soliton states.

    A sample is smooth when, in a centred window, the rms of the second difference is below
    ``flatness`` times the local mean (chaos and breathers fluctuate far above that).

    Returns
    -------
    list of (start, stop) index pairs, ``stop`` exclusive, each at least ``min_length`` long.
    """
    trace = np.asarray(comb_power, dtype=float)
    window = check_int("window", window, 3)
    check_range("flatness", flatness, 0.0, 1.0, low_open=True)
    curvature = np.zeros_like(trace)
    curvature[1:-1] = (trace[2:] - 2 * trace[1:-1] + trace[:-2]) ** 2
    kernel = np.ones(window) / window
    rms = np.sqrt(np.convolve(curvature, kernel, mode="same"))
    mean = np.convolve(np.abs(trace), kernel, mode="same")
    smooth = (rms < flatness * mean) & (mean > 0)
    edges = np.flatnonzero(np.diff(np.r_[0, smooth.astype(int), 0]))
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2]) if b - a >= min_length]


def analyse_steps(ds: xr.Dataset, ring: Ring, pump: Laser, *, modes: int | None = None, window: int = 25,
                  min_length: int = 100, points: int = 8) -> xr.Dataset:
    """Plateaus of every run in a forward-scan Dataset, measured against Newton single solitons.

    For each plateau it returns the detuning range, the comb power, its ratio to the single-soliton
    comb power P₁ (``comb_ratio``), the intracavity step in units of the single-soliton excess
    (``intracavity_ratio``) and the comb power predicted for the nearest soliton number,
    N·P₁ − N(N−1)|c₁|². P₁, c₁ and the intracavity excess come from Newton solutions on
    ``points`` detunings across all plateaus, interpolated linearly.
    """
    modes = modes or ds.sizes["mu"]
    norm = normalize(ring, pump)
    runs = ds if "run" in ds.dims else ds.expand_dims("run")
    segments = []
    for r in range(runs.sizes["run"]):
        detuning = runs.detuning.values[r]
        for start, stop in find_plateaus(runs.comb_power.values[r], window=window, min_length=min_length):
            if np.all(np.diff(detuning[start:stop]) >= 0) and detuning[start] > 0:
                segments.append((r, start, stop))
    rows = []
    if segments:
        low = min(runs.detuning.values[r, a] for r, a, _ in segments)
        high = max(runs.detuning.values[r, b - 1] for r, _, b in segments)
        grid = np.linspace(low, high, points)
        singles = [single_soliton(ring, pump, d, modes) for d in grid]
    for r, start, stop in segments:
        detuning = runs.detuning.values[r, start:stop]
        comb = runs.comb_power.values[r, start:stop]
        p1 = np.interp(detuning, grid, [s.comb_power for s in singles])
        c1 = np.interp(detuning, grid, [s.pump_mode_excess for s in singles])
        i1 = np.interp(detuning, grid, [s.intracavity_excess for s in singles])
        background = norm.circulating_power_per_unit * np.abs(
            [cw_state(norm.f, z, "lower") for z in norm.zeta(detuning)]) ** 2
        intracavity = np.median((runs.intracavity_power.values[r, start:stop] - background) / i1)
        number = int(np.rint(intracavity))
        predicted = number * p1 - number * (number - 1) * c1
        rows.append((r, detuning[0], detuning[-1], np.median(comb), np.median(comb / p1), intracavity, number,
                     np.median(comb / predicted)))
    columns = ["run", "detuning_start", "detuning_stop", "comb_power", "comb_ratio", "intracavity_ratio",
               "soliton_number", "comb_vs_prediction"]
    data = np.array(rows, dtype=float).reshape(-1, len(columns))
    meta = {
        "run": ("1", "run index"),
        "detuning_start": ("Hz", "plateau start detuning"),
        "detuning_stop": ("Hz", "plateau end detuning"),
        "comb_power": ("W", "median comb power on the plateau"),
        "comb_ratio": ("1", "comb power / single-soliton comb power P1"),
        "intracavity_ratio": ("1", "intracavity excess / single-soliton excess"),
        "soliton_number": ("1", "nearest integer of intracavity_ratio"),
        "comb_vs_prediction": ("1", "comb power / (N·P1 − N(N−1)|c1|²)"),
    }
    return xr.Dataset(
        {name: ("plateau", data[:, k].astype(int) if name in ("run", "soliton_number") else data[:, k],
                {"units": meta[name][0], "long_name": meta[name][1]}) for k, name in enumerate(columns)},
        coords={"plateau": np.arange(data.shape[0])},
    )

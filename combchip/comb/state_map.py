"""The (ζ, f²) state map of the normalized LLE: every point simulated, its attractor classified from invariant features.

    ∂ψ/∂τ = −(1 + iζ)ψ − i·IFFT[(d₂μ²/2)·FFT ψ] + i|ψ|²ψ + f

(Herr et al., Nat. Photon. 8, 145 (2014); Godey et al., PRA 89, 063814 (2014)). Each point starts from a fixed
initial field (:class:`StateMapPoint`), runs ``duration`` in τ = κt/2 with vacuum-like noise, and is classified
over the last ``window`` (snapshots of ψ(θ) and the traces of ⟨|ψ|²⟩ and max|ψ|²) by :func:`classify`.
The map is normalized by nature: ζ = 2(ω₀ − ω_p)/κ, f² = 8g₀κ_ex P_in/(κ³ħω₀), d₂ = 2D₂/κ
(:func:`combchip.normalize` gives them for a device).

Points are packed into the rows of one batched (B, N) :meth:`~combchip.solvers.LLESolver.run` through the batch
protocol of :func:`combchip.sweep`. A row equals the same point run alone to rounding: the solver's multi-row FFTW
plans round differently from one-row plans (~10⁻¹⁵), which stays invisible in stationary states and grows at the
Lyapunov rate in chaotic ones (a chaotic row is then another sample of the same chaos). ``threads`` ≥
``batch_size`` gives every row its own one-row plan, and bit-equal rows, at ~1.5× the cost.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Literal

import numpy as np
import xarray as xr
from numpy.typing import ArrayLike

from combchip.solvers import LLESolver, Schedule, cw_branch, cw_state, dark_pulse_guess, soliton_guess
from combchip.solvers.lle import DivergenceError, mode_numbers

from ..sweep import sweep
from ..validation import check_choice, check_int, check_positive, check_range
from .steps import count_solitons

__all__ = ["STATES", "StateMapPoint", "analytic_boundaries", "classify", "state_features", "state_map"]

STATES = ("CW", "Turing rolls", "breather", "chaos", "soliton", "dark pulse")
"""State names; the code of a state is its index (−1: the run diverged, NaN features)."""

SUPPORT_DB = 40.0
"""A mode counts toward the spectral support when its time-averaged power lies within 40 dB of the strongest mode.
The vacuum floor (σ² = 10⁻⁸ per mode by default) lies ≥ 60 dB below any pumped mode with |ψ|² ≥ 10⁻², so a CW
state has support 1 and any grown pattern, whose first sidebands reach −20 dB or more, has support ≥ 3."""

VARIATION = 5e-3
"""A state is non-stationary when the relative standard deviation of ⟨|ψ|²⟩(τ) or of max|ψ|²(τ) over the window
exceeds 0.5 %. A settled stationary state fluctuates ~10⁻⁴ (the noise), a breather by 10–100 %."""

CORRELATION = 0.9
"""A non-stationary state whose snapshots of |ψ(θ)|² all correlate (Pearson, mean ≥ 0.9) with their time average
keeps its structures in place: a breather, or rolls still growing. Chaos moves its peaks, and the correlation falls
well below 0.9."""

LOCALIZED = 0.5
"""Localized structures (solitons, dark pulses, breathers) leave at least half the ring within 10 % of the profile's
range of its median, the flat CW background; a Turing pattern has ≈ 13 % there (a sinusoid), so 0.5 splits them."""

APERIODIC = 1e-3
"""A stationary pattern is a Turing roll pattern when its strongest sideband is |μ| = K ≥ 2 and less than 10⁻³ of the
sideband power lies in modes that are not multiples of K: the field has period 2π/K. N solitons at uneven positions
fill every mode (N equally spaced solitons, a soliton crystal, are rolls by this definition)."""

_FEATURES = ("spectral_support", "power_variation", "pattern_correlation", "modulation_depth", "background_fraction",
             "structures", "roll_period", "aperiodic_fraction")
"""Names of the features of :func:`state_features`."""

Initial = Literal["seed", "cold", "hot"]
"""Starting fields: the lower CW state with a sech soliton (d₂ > 0, ζ > 0) or a dark-pulse dip (d₂ < 0, three CW
states) on it; an empty cavity ψ = 0; or a cavity filled to the resonant amplitude ψ = f."""


def state_features(fields: ArrayLike, mean_power: ArrayLike, peak_power: ArrayLike) -> dict[str, np.ndarray]:
    """Invariant features of B states from their snapshots and traces over the observation window.

    Parameters
    ----------
    fields : array_like, shape (B, S, N)
        Snapshots ψ(θ) (S ≥ 1).
    mean_power, peak_power : array_like, shape (B, T)
        Traces ⟨|ψ|²⟩(τ) and max|ψ|²(τ) over the window.

    Returns
    -------
    dict of ndarray, shape (B,)
        ``spectral_support`` (modes within :data:`SUPPORT_DB` of the strongest, time-averaged spectrum),
        ``power_variation`` (max of the relative standard deviations of the two traces), ``pattern_correlation``
        (mean Pearson correlation of each |ψ(θ)|² with the time-averaged profile P̄(θ); 1 for a flat P̄),
        ``modulation_depth`` (max P̄ − min P̄)/(max P̄ + min P̄), ``background_fraction`` (share of θ with
        |P̄ − median P̄| ≤ 0.1·(max P̄ − min P̄)) and ``structures`` (peaks of P̄ above its median plus half their
        height, or dips below it for a profile whose minimum departs further than its maximum), ``roll_period``
        K (|μ| of the strongest sideband) and ``aperiodic_fraction`` (share of the sideband power in modes that
        are not multiples of K; 1 for K = 1).
    """
    fields = np.asarray(fields)
    if fields.ndim != 3 or fields.shape[1] < 1:
        raise ValueError(f"fields must have shape (B, S >= 1, N), got {fields.shape}")
    rows = fields.shape[0]
    traces = [np.asarray(t, dtype=float) for t in (mean_power, peak_power)]
    if any(t.ndim != 2 or t.shape[0] != rows or t.shape[1] < 1 for t in traces):
        raise ValueError(f"mean_power and peak_power must have shape ({rows}, T >= 1)")
    n = fields.shape[-1]
    spectrum = np.mean(np.abs(np.fft.fft(fields, axis=-1) / n) ** 2, axis=1)
    support = np.sum(spectrum >= spectrum.max(axis=-1, keepdims=True) * 10 ** (-SUPPORT_DB / 10), axis=-1)
    mu = np.abs(np.fft.fftfreq(n, 1.0 / n)).astype(int)
    sidebands = np.where(mu > 0, spectrum, 0.0)
    period = mu[np.argmax(sidebands, axis=-1)]
    off = (mu[None, :] % np.maximum(period, 1)[:, None]) != 0
    with np.errstate(invalid="ignore", divide="ignore"):
        aperiodic = np.sum(np.where(off, sidebands, 0.0), axis=-1) / np.sum(sidebands, axis=-1)
    variation = np.max([t.std(axis=-1) / t.mean(axis=-1) for t in traces], axis=0)
    power = np.abs(fields) ** 2
    profile = power.mean(axis=1)
    top, bottom, median = profile.max(axis=-1), profile.min(axis=-1), np.median(profile, axis=-1)
    spread = top - bottom
    flat = spread <= 1e-9 * np.maximum(top, 1e-300)
    centred = profile - profile.mean(axis=-1, keepdims=True)
    snaps = power - power.mean(axis=-1, keepdims=True)
    norm = np.sqrt(np.sum(snaps**2, axis=-1) * np.sum(centred**2, axis=-1)[:, None])
    with np.errstate(invalid="ignore", divide="ignore"):
        correlation = np.where(flat, 1.0, np.mean(np.sum(snaps * centred[:, None], axis=-1) / norm, axis=-1))
        depth = np.where(flat, 0.0, spread / (top + bottom))
    background = np.where(flat, 1.0, np.mean(np.abs(profile - median[:, None]) <= 0.1 * spread[:, None], axis=-1))
    bright = top - median >= median - bottom
    signed = np.where(bright[:, None], profile - median[:, None], median[:, None] - profile)
    level = 0.5 * signed.max(axis=-1)
    structures = np.where(flat, 0, count_solitons(np.sqrt(np.maximum(signed, 0.0)), threshold=level[:, None]))
    return {"spectral_support": support, "power_variation": variation, "pattern_correlation": correlation,
            "modulation_depth": depth, "background_fraction": background, "structures": structures,
            "roll_period": period, "aperiodic_fraction": np.where(period > 1, aperiodic, 1.0)}


def classify(features: dict[str, ArrayLike], d2: float) -> np.ndarray:
    """State codes (indices of :data:`STATES`) from :func:`state_features`.

    CW: spectral support 1. Non-stationary (variation > :data:`VARIATION`): chaos if its structures move
    (correlation < :data:`CORRELATION`); otherwise a breather if localized (background fraction ≥
    :data:`LOCALIZED`), else Turing rolls still growing or oscillating in place.
    Stationary: localized and not periodic (aperiodic fraction ≥ :data:`APERIODIC`) gives a soliton state (d₂ > 0;
    its number = ``structures``) or a dark pulse (d₂ < 0); otherwise Turing rolls (a periodic pattern, or an
    extended one with defects). Godey et al., PRA 89, 063814 (2014) name the same regions.
    """
    d2 = check_range("d2", d2)
    if d2 == 0:
        raise ValueError("d2 must be nonzero: its sign tells solitons (> 0) from dark pulses (< 0)")
    f = {k: np.asarray(features[k]) for k in ("spectral_support", "power_variation", "pattern_correlation",
                                              "background_fraction", "aperiodic_fraction")}
    localized = f["background_fraction"] >= LOCALIZED
    moving = f["power_variation"] > VARIATION
    code = np.where(localized & (f["aperiodic_fraction"] >= APERIODIC),
                    STATES.index("soliton" if d2 > 0 else "dark pulse"), STATES.index("Turing rolls"))
    fixed = f["pattern_correlation"] >= CORRELATION
    code = np.where(moving, np.where(fixed, np.where(localized, STATES.index("breather"), STATES.index("Turing rolls")),
                                     STATES.index("chaos")), code)
    code = np.where(f["spectral_support"] <= 1, STATES.index("CW"), code)
    return np.where(np.isnan(f["power_variation"]), -1, code).astype(int)


@dataclass(frozen=True)
class StateMapPoint:
    """One (ζ, f²) point of the state map, callable point by point or in batches (:func:`combchip.sweep`).

    Parameters
    ----------
    d2 : float
        Normalized dispersion d₂ = 2D₂/κ (> 0 anomalous, < 0 normal); d_int(μ) = d₂μ²/2.
    modes : int
        Modes N (≥ 16). A soliton's 3-dB width, 1.587·√(ζ/d₂) modes, must fit well inside N/2.
    duration, window : float
        Run length and final observation window in τ (0 < window < duration).
    dt : float
        Step h in τ; the Kerr phase per step, ≈ max(2ζ, |ψ|²)·h, must stay well below 1 rad.
    snapshots : int
        Snapshots over the window (≥ 2).
    noise : float
        Vacuum variance σ² per mode (:meth:`LLESolver.run`).
    initial : {"seed", "cold", "hot"}
        Starting field, see :data:`Initial`.
    batch_size : int
        Points per batched run.
    threads : int
        Solver threads per batch (1 inside a sweep, which runs one process per core).
    """

    d2: float = 0.2
    modes: int = 128
    duration: float = 80.0
    window: float = 30.0
    dt: float = 0.01
    snapshots: int = 31
    noise: float = 1e-8
    initial: Initial = "seed"
    batch_size: int = 64
    threads: int = 1

    def __post_init__(self):
        if check_range("d2", self.d2) == 0:
            raise ValueError("d2 must be nonzero: its sign tells solitons (> 0) from dark pulses (< 0)")
        check_int("modes", self.modes, 16)
        check_positive("duration", self.duration)
        check_range("window", self.window, 0.0, self.duration, low_open=True, high_open=True)
        check_range("dt", self.dt, 0.0, self.window / 10, low_open=True)
        check_int("snapshots", self.snapshots, 2)
        check_range("noise", self.noise, 0.0, 1.0)
        check_choice("initial", self.initial, Initial)
        check_int("batch_size", self.batch_size, 1)
        check_int("threads", self.threads, 1)

    def __call__(self, zeta: float, f2: float, seed: int = 0) -> xr.Dataset:
        """The classified state at (``zeta``, ``f2``) from noise seed ``seed``."""
        return self.batch([{"zeta": zeta, "f2": f2, "seed": seed}])[0]

    def batch(self, points: list[dict]) -> list[xr.Dataset]:
        """The points ``[{"zeta", "f2", "seed"}, …]`` as the rows of one solver run; a row that diverges is rerun
        alone and, if it diverges again, returned with state −1 and NaN features."""
        zeta = np.array([check_range("zeta", p["zeta"], -50.0, 50.0) for p in points])
        f2 = np.array([check_range("f2", p["f2"], 0.0, 100.0) for p in points])
        seeds = [check_int("seed", p.get("seed", 0), 0) for p in points]
        try:
            features, power = self._run(zeta, f2, seeds)
        except DivergenceError:
            rows = [self._row(z, f, s) for z, f, s in zip(zeta, f2, seeds)]
            features = {k: np.concatenate([r[0][k] for r in rows]) for k in rows[0][0]}
            power = np.concatenate([r[1] for r in rows])
        state = classify(features, self.d2)
        return [self._dataset(zeta[b], f2[b], {k: v[b] for k, v in features.items()}, power[b], state[b])
                for b in range(len(points))]

    def _row(self, zeta, f2, seed):
        try:
            return self._run(np.array([zeta]), np.array([f2]), [seed])
        except DivergenceError:
            return {k: np.array([np.nan]) for k in _FEATURES}, np.array([np.nan])

    def _run(self, zeta, f2, seeds):
        mu = mode_numbers(self.modes)
        solver = LLESolver(self.d2 * mu**2 / 2, dt=self.dt, threads=self.threads)
        f = np.sqrt(f2)
        initial = np.stack([self._initial(fb, zb) for fb, zb in zip(f, zeta)])
        start = self.duration - self.window
        run = solver.run(f, [Schedule.constant(z) for z in zeta], self.duration, initial, noise=self.noise,
                         seeds=seeds, snapshot_tau=np.linspace(start, self.duration, self.snapshots),
                         trace_every=max(1, int(round(0.1 / self.dt))), progress=False)
        late = run.trace_tau >= start - 1e-9
        features = state_features(run.fields(), run.mean_power[:, late], run.peak_power[:, late])
        return features, run.mean_power[:, late].mean(axis=-1)

    def _initial(self, f, zeta):
        if self.initial == "cold":
            return np.zeros(self.modes, dtype=complex)
        if self.initial == "hot":
            return np.full(self.modes, f, dtype=complex)
        if self.d2 > 0 and zeta > 0 and f > 0:
            return soliton_guess(f, zeta, self.d2, self.modes)
        if self.d2 < 0 and np.sum(~np.isnan(cw_branch(f * f, zeta))) == 3:
            return dark_pulse_guess(f, zeta, self.d2, self.modes, width=np.pi / 2)
        return np.full(self.modes, cw_state(f, zeta, "lower"), dtype=complex)

    def _dataset(self, zeta, f2, features, power, state):
        roots = cw_branch(f2, zeta)
        solitons = int(features["structures"]) if state == STATES.index("soliton") else 0
        unit = {"units": "1"}
        return xr.Dataset(
            {
                "state": ((), int(state), {**unit, "long_name": "classified state",
                                           "flag_values": list(range(-1, len(STATES))),
                                           "flag_meanings": " ".join(["diverged"] + [s.replace(" ", "_")
                                                                                      for s in STATES])}),
                "solitons": ((), solitons, {**unit, "long_name": "number of solitons (0 unless a soliton state)"}),
                "mean_power": ((), float(power), {**unit, "long_name": "time-averaged ⟨|ψ|²⟩ over the window"}),
                "rho_lower": ((), float(np.nanmin(roots)),
                              {**unit, "long_name": "lowest CW power ρ of f² = ρ[1 + (ζ − ρ)²] (closed form)"}),
                "cw_states": ((), int(np.sum(~np.isnan(roots))),
                              {**unit, "long_name": "number of CW states (closed form)"}),
                "spectral_support": ((), int(features["spectral_support"]) if state >= 0 else -1,
                                     {**unit, "long_name": f"modes within {SUPPORT_DB:g} dB of the strongest"}),
                **{name: ((), float(features[name]), {**unit, "long_name": text}) for name, text in (
                    ("power_variation", "relative std of ⟨|ψ|²⟩ and max|ψ|² over the window (larger)"),
                    ("pattern_correlation", "mean correlation of |ψ(θ)|² snapshots with their time average"),
                    ("modulation_depth", "(max − min)/(max + min) of the time-averaged |ψ(θ)|²"),
                    ("background_fraction", "share of θ on the flat background of the time-averaged |ψ(θ)|²"),
                    ("structures", "peaks (or dips) of the time-averaged |ψ(θ)|²"),
                    ("roll_period", "|μ| of the strongest sideband"),
                    ("aperiodic_fraction", "sideband power off the multiples of roll_period, relative"))},
            },
            attrs={"state_map_point": json.dumps(asdict(self))},
        )


def state_map(zeta: ArrayLike, f2: ArrayLike, point: StateMapPoint | None = None, *, seed: int = 0,
              client=None, store=None, progress: bool = True) -> xr.Dataset:
    """Classified LLE states over the outer product of ``zeta`` and ``f2``, through :func:`combchip.sweep`.

    Parameters
    ----------
    zeta, f2 : array_like, 1-D
        Normalized detunings ζ and pump powers f² (≥ 0).
    point : StateMapPoint, optional
        Run and classification settings; the defaults if omitted.
    seed, client, store, progress
        As for :func:`combchip.sweep` (each point gets its own spawned noise seed).

    Returns
    -------
    xarray.Dataset
        The variables of :class:`StateMapPoint` along (``zeta``, ``f2``).
    """
    point = StateMapPoint() if point is None else point
    if not isinstance(point, StateMapPoint):
        raise ValueError(f"point must be a StateMapPoint, got {type(point).__name__}")
    axes = {}
    for name, values, text in (("zeta", zeta, "normalized detuning ζ"), ("f2", f2, "normalized pump power f²")):
        array = np.asarray(values, dtype=float)
        if array.ndim != 1 or array.size == 0 or not np.all(np.isfinite(array)):
            raise ValueError(f"{name} must be a non-empty 1-D array of finite numbers, got shape {array.shape}")
        axes[name] = xr.DataArray(array, dims=name, attrs={"units": "1", "long_name": text})
    if np.any(axes["f2"].values < 0):
        raise ValueError(f"f2 must be >= 0, got min {axes['f2'].values.min()}")
    return sweep(point, axes, client=client, store=store, progress=progress, seed=seed)


def analytic_boundaries(zeta: ArrayLike) -> xr.Dataset:
    """Closed-form boundaries of the (ζ, f²) map as f²(ζ); NaN where a boundary does not exist.

    * MI of the lower (single) CW state, ρ = 1: f² = 1 + (ζ − 1)², for ζ ≤ 2 (beyond, ρ = 1 is not on it);
    * bistability, ζ ≥ √3: the folds ρ± = (2ζ ± √(ζ² − 3))/3 at f² = ρ±[1 + (ζ − ρ±)²];
    * soliton existence limit ζ = π²f²/8, i.e. f² = 8ζ/π², for ζ > 0.

    Herr et al., Nat. Photon. 8, 145 (2014); Godey et al., PRA 89, 063814 (2014).
    """
    zeta = np.asarray(zeta, dtype=float)
    if zeta.ndim != 1 or zeta.size == 0 or not np.all(np.isfinite(zeta)):
        raise ValueError("zeta must be a non-empty 1-D array of finite numbers")
    with np.errstate(invalid="ignore"):
        root = np.sqrt(zeta**2 - 3)
        folds = [(2 * zeta + sign * root) / 3 for sign in (-1, 1)]
    fold_f2 = [np.where(zeta >= np.sqrt(3), r * (1 + (zeta - r) ** 2), np.nan) for r in folds]
    unit = {"units": "1"}
    return xr.Dataset(
        {
            "mi_f2": ("zeta", np.where(zeta <= 2, 1 + (zeta - 1) ** 2, np.nan),
                      {**unit, "long_name": "MI threshold ρ = 1 of the lower CW state"}),
            "fold_low_f2": ("zeta", fold_f2[1], {**unit, "long_name": "lower edge of bistability (upper-branch fold)"}),
            "fold_high_f2": ("zeta", fold_f2[0], {**unit, "long_name": "upper edge of bistability (lower-branch fold)"}),
            "soliton_limit_f2": ("zeta", np.where(zeta > 0, 8 * zeta / np.pi**2, np.nan),
                                 {**unit, "long_name": "soliton existence limit ζ = π²f²/8"}),
        },
        coords={"zeta": ("zeta", zeta, {**unit, "long_name": "normalized detuning ζ"})},
    )

"""Detuning schedules ζ(τ) and the slow couplings of a run (heat, a counter-propagating pump), normalized."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike


@dataclass(frozen=True, eq=False)
class Schedule:
    """Piecewise-linear detuning ζ(τ) through the knots ``(tau[k], zeta[k])``.

    ζ is held at its first value before ``tau[0]`` and at its last value after ``tau[-1]``.
    Constant, linear-ramp, piecewise and forward-then-backward protocols are all of this form
    (Guo et al., Nat. Phys. 13, 94 (2017) for backward tuning).

    Parameters
    ----------
    tau : sequence of float
        Strictly increasing normalized times τ = κt/2.
    zeta : sequence of float
        Normalized detunings ζ = 2(ω₀ − ω_p)/κ at the knots.
    """

    tau: tuple[float, ...]
    zeta: tuple[float, ...]

    def __post_init__(self):
        tau = np.asarray(self.tau, dtype=float).ravel()
        zeta = np.asarray(self.zeta, dtype=float).ravel()
        if tau.size == 0 or tau.size != zeta.size:
            raise ValueError(f"tau and zeta must be non-empty and of equal length, got {tau.size} and {zeta.size}")
        if not (np.all(np.isfinite(tau)) and np.all(np.isfinite(zeta))):
            raise ValueError("tau and zeta must be finite")
        if np.any(np.diff(tau) <= 0):
            raise ValueError(f"tau must be strictly increasing, got {tau.tolist()}")
        object.__setattr__(self, "tau", tuple(tau.tolist()))
        object.__setattr__(self, "zeta", tuple(zeta.tolist()))

    @classmethod
    def constant(cls, zeta: float) -> Schedule:
        """ζ(τ) = ``zeta`` at all times."""
        return cls((0.0,), (zeta,))

    @classmethod
    def ramp(cls, start: float, stop: float, duration: float) -> Schedule:
        """Linear ramp from ``start`` to ``stop`` over ``duration`` (normalized time, > 0)."""
        if not duration > 0:
            raise ValueError(f"duration must be > 0, got {duration}")
        return cls((0.0, duration), (start, stop))

    @property
    def duration(self) -> float:
        """Normalized time of the last knot."""
        return self.tau[-1]

    def then(self, zeta: float, duration: float) -> Schedule:
        """Append a linear segment to ``zeta`` lasting ``duration`` (> 0); hold with ``zeta`` = last value."""
        if not duration > 0:
            raise ValueError(f"duration must be > 0, got {duration}")
        return Schedule(self.tau + (self.tau[-1] + duration,), self.zeta + (zeta,))

    def __call__(self, tau: ArrayLike) -> np.ndarray:
        """ζ at the normalized times ``tau``."""
        return np.interp(tau, self.tau, self.zeta)


@dataclass(frozen=True)
class HeatPoles:
    """Thermal detuning x = Σ_i x_i (added to ζ), each pole relaxing as dx_i/dτ = r_i (g_i P − x_i).

    P = ⟨|ψ|²⟩ + w|b|² is the heating power in units of |ψ|² (w weighs the auxiliary mode);
    r_i = 2/(κτ_i) and g_i is the steady shift of ζ per unit P (negative when heating pulls
    the resonance towards a red pump). Carmon et al., Opt. Express 12, 4742 (2004).

    Parameters
    ----------
    rates : sequence of float
        r_i > 0, one per pole.
    gains : sequence of float
        g_i, one per pole.
    aux_weight : float
        w ≥ 0.
    """

    rates: tuple[float, ...]
    gains: tuple[float, ...]
    aux_weight: float = 0.0

    def __post_init__(self):
        rates = np.atleast_1d(np.asarray(self.rates, dtype=float))
        gains = np.atleast_1d(np.asarray(self.gains, dtype=float))
        if rates.ndim != 1 or rates.size == 0 or rates.shape != gains.shape:
            raise ValueError(f"rates and gains must be 1-D, non-empty and of equal length, got {rates.shape}, {gains.shape}")
        if not np.all(np.isfinite(rates) & (rates > 0)):
            raise ValueError(f"rates must be finite and > 0, got {rates.tolist()}")
        if not np.all(np.isfinite(gains)):
            raise ValueError(f"gains must be finite, got {gains.tolist()}")
        if not (np.isfinite(self.aux_weight) and self.aux_weight >= 0):
            raise ValueError(f"aux_weight must be >= 0, got {self.aux_weight}")
        object.__setattr__(self, "rates", tuple(rates.tolist()))
        object.__setattr__(self, "gains", tuple(gains.tolist()))


@dataclass(frozen=True, eq=False)
class AuxMode:
    """A counter-propagating pumped mode b coupled to ψ only by cross-phase modulation and heat.

        db/dτ = −(l_b + i(ζ_b(τ) + x)) b + i(|b|² + 2⟨|ψ|²⟩) b + f_b,

    and ψ gains the phase rate 2|b|² (full XPM overlap of co-located counter-propagating waves,
    no coherent four-wave mixing; Zhang et al., Optica 6, 206 (2019)).

    Parameters
    ----------
    f : float
        Drive amplitude f_b ≥ 0 (normalized with the main κ).
    loss : float
        l_b = κ_b/κ > 0.
    schedule : Schedule
        ζ_b(τ) = 2(ω_b − ω_aux)/κ.
    """

    f: float
    loss: float
    schedule: Schedule

    def __post_init__(self):
        if not (np.isfinite(self.f) and self.f >= 0):
            raise ValueError(f"aux f must be finite and >= 0, got {self.f}")
        if not (np.isfinite(self.loss) and self.loss > 0):
            raise ValueError(f"aux loss must be > 0, got {self.loss}")
        if not isinstance(self.schedule, Schedule):
            raise ValueError("aux schedule must be a Schedule")

"""Detuning schedules ζ(τ) in normalized units."""

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

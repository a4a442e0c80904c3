"""Pump-detuning schedules in physical units: Δν(t) = (ω₀ − ω_p)/2π in Hz, positive on the red side."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.constants import c
from numpy.typing import ArrayLike

from combchip.solvers import Schedule

from ..validation import check_positive, check_range, check_wavelength
from .normalization import Normalization


@dataclass(frozen=True, eq=False)
class DetuningSchedule:
    """Piecewise-linear detuning through the knots ``(time[k] s, detuning[k] Hz)``.

    Held at the end values outside the knots. Build one with :meth:`constant`,
    :func:`Ramp` and :meth:`then` (forward then backward tuning: ``Ramp(a, b, T1).then(c, T2)``).
    """

    time: tuple[float, ...]
    detuning: tuple[float, ...]

    def __post_init__(self):
        schedule = Schedule(self.time, self.detuning)
        object.__setattr__(self, "time", schedule.tau)
        object.__setattr__(self, "detuning", schedule.zeta)

    @classmethod
    def constant(cls, detuning_hz: float) -> DetuningSchedule:
        """A fixed detuning [Hz]."""
        return cls((0.0,), (float(detuning_hz),))

    @classmethod
    def ramp(cls, start_hz: float, stop_hz: float, duration_s: float) -> DetuningSchedule:
        """Linear tuning from ``start_hz`` to ``stop_hz`` over ``duration_s`` (> 0) seconds."""
        return cls((0.0, check_positive("duration_s", duration_s, "s")), (float(start_hz), float(stop_hz)))

    @classmethod
    def scan(cls, start_hz: float, stop_hz: float, rate_hz_per_s: float) -> DetuningSchedule:
        """Tune from ``start_hz`` to ``stop_hz`` at |``rate_hz_per_s``| (forward if stop > start, else backward).

        Stop on a point by appending :meth:`hold`; chain scans with :meth:`scan_to`.
        """
        return cls.constant(start_hz).scan_to(stop_hz, rate_hz_per_s)

    def scan_to(self, detuning_hz: float, rate_hz_per_s: float) -> DetuningSchedule:
        """Append a tuning to ``detuning_hz`` at the speed |``rate_hz_per_s``| (≠ 0) [Hz/s]."""
        rate = abs(check_range("rate_hz_per_s", rate_hz_per_s, unit="Hz/s"))
        if rate == 0:
            raise ValueError("rate_hz_per_s must be nonzero")
        span = abs(float(detuning_hz) - self.detuning[-1])
        if span == 0:
            raise ValueError(f"detuning_hz = {detuning_hz!r} equals the current detuning: nothing to scan")
        return self.then(detuning_hz, span / rate)

    def then(self, detuning_hz: float, duration_s: float) -> DetuningSchedule:
        """Append a linear segment to ``detuning_hz`` lasting ``duration_s`` (> 0) seconds."""
        duration_s = check_positive("duration_s", duration_s, "s")
        return DetuningSchedule(self.time + (self.time[-1] + duration_s,), self.detuning + (float(detuning_hz),))

    def hold(self, duration_s: float) -> DetuningSchedule:
        """Stay at the last detuning for ``duration_s`` seconds."""
        return self.then(self.detuning[-1], duration_s)

    @property
    def duration(self) -> float:
        """Time of the last knot [s]."""
        return self.time[-1]

    def __call__(self, time_s: ArrayLike) -> np.ndarray:
        """Detuning [Hz] at ``time_s``."""
        return np.interp(time_s, self.time, self.detuning)

    def normalized(self, norm: Normalization) -> Schedule:
        """The same schedule as ζ(τ) for a :class:`~combchip.comb.normalization.Normalization`."""
        return Schedule(tuple(norm.tau(self.time)), tuple(norm.zeta(self.detuning)))

    def to_dict(self) -> dict[str, list[float]]:
        """Plain-number description, enough to rebuild the schedule."""
        return {"time": list(self.time), "detuning": list(self.detuning)}


Ramp = DetuningSchedule.ramp


def wavelength_rate_to_hz(rate_m_per_s: float, wavelength: float) -> float:
    """Detuning speed [Hz/s] of a laser tuned at ``rate_m_per_s`` [m/s] near ``wavelength`` [m].

    Δν = ν₀ − ν_p grows as the pump's wavelength grows: dΔν/dt = (c/λ²)·dλ/dt (1 nm/s ≈ 127 GHz/s
    at 1536 nm, i.e. 0.127 GHz/ms).
    """
    return float(c * check_range("rate_m_per_s", rate_m_per_s, unit="m/s") / check_wavelength("wavelength", wavelength) ** 2)

"""Pump-detuning schedules in physical units: Δν(t) = (ω₀ − ω_p)/2π in Hz, positive on the red side."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from combchip.solvers import Schedule

from ..validation import check_positive
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

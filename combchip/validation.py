"""Input checks that raise ``ValueError`` naming the parameter, its value and the allowed range."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar, get_args

import numpy as np

_T = TypeVar("_T")


def check_range(name: str, value: object, low: float = -np.inf, high: float = np.inf, unit: str = "", *,
                low_open: bool = False, high_open: bool = False) -> float:
    """Return ``value`` as float if ``low ≤ value ≤ high`` (open ends if asked), else raise ``ValueError``."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a real number, got {value!r}") from None
    below = number <= low if low_open else number < low
    above = number >= high if high_open else number > high
    if not np.isfinite(number) or below or above:
        left = "(" if low_open else "["
        right = ")" if high_open else "]"
        suffix = f" {unit}" if unit else ""
        raise ValueError(f"{name} = {value!r}{suffix} is outside the allowed range {left}{low:g}, {high:g}{right}{suffix}")
    return number


def check_positive(name: str, value: object, unit: str = "") -> float:
    """Return ``value`` as float if it is finite and > 0."""
    return check_range(name, value, 0.0, np.inf, unit, low_open=True)


def check_nonnegative(name: str, value: object, unit: str = "") -> float:
    """Return ``value`` as float if it is finite and ≥ 0."""
    return check_range(name, value, 0.0, np.inf, unit)


def check_wavelength(name: str, value: object) -> float:
    """Optical wavelengths from 200 nm to 20 µm."""
    return check_range(name, value, 200e-9, 20e-6, "m")


def check_int(name: str, value: object, low: int) -> int:
    """Return ``value`` as int if it is an integer ≥ ``low``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    return int(value)


def check_choice(name: str, value: _T, allowed: Sequence[Any] | Any) -> _T:
    """Return ``value`` if it is one of ``allowed`` (a sequence, or a ``typing.Literal``), else raise ``ValueError``."""
    options = get_args(allowed) or tuple(allowed)
    try:
        ok = bool(value in options)
    except (TypeError, ValueError):  # unhashable, or an array whose comparison has no single truth value
        ok = False
    if not ok:
        raise ValueError(f"{name} = {value!r} is not allowed; allowed: {', '.join(map(repr, options))}")
    return value

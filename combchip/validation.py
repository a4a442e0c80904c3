"""Input checks that raise ``ValueError`` naming the parameter, its value and the allowed range."""

from __future__ import annotations

from typing import get_args

import numpy as np


def check_range(name: str, value, low=-np.inf, high=np.inf, unit: str = "", *, low_open=False, high_open=False):
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


def check_positive(name: str, value, unit: str = "") -> float:
    """Return ``value`` as float if it is finite and > 0."""
    return check_range(name, value, 0.0, np.inf, unit, low_open=True)


def check_nonnegative(name: str, value, unit: str = "") -> float:
    """Return ``value`` as float if it is finite and ≥ 0."""
    return check_range(name, value, 0.0, np.inf, unit)


def check_wavelength(name: str, value) -> float:
    """Optical wavelengths from 200 nm to 20 µm."""
    return check_range(name, value, 200e-9, 20e-6, "m")


def check_int(name: str, value, low: int) -> int:
    """Return ``value`` as int if it is an integer ≥ ``low``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    return int(value)


def check_choice(name: str, value, allowed):
    """Return ``value`` if it is one of ``allowed`` (a sequence, or a ``typing.Literal``), else raise ``ValueError``."""
    options = get_args(allowed) or tuple(allowed)
    try:
        ok = value in options
    except TypeError:
        ok = False
    if not ok:
        raise ValueError(f"{name} = {value!r} is not allowed; allowed: {', '.join(map(repr, options))}")
    return value

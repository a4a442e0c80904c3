"""What every plotting module shares: the package's matplotlib style, new axes, and time in readable units."""

from __future__ import annotations

import math

import matplotlib

STYLE = {"axes.formatter.useoffset": False}
"""combchip's matplotlib style, set when :mod:`combchip.plotting` is imported: no offset ticks ("+1.5366e3"),
whose value a reader must add back by hand."""

matplotlib.rcParams.update(STYLE)

_TIME_UNITS = ((1e-12, "ps"), (1e-9, "ns"), (1e-6, "µs"), (1e-3, "ms"), (1.0, "s"), (60.0, "min"), (3600.0, "h"))


def time_unit(seconds: float) -> tuple[float, str]:
    """(scale [s], name) of the largest unit in which ``seconds`` reads as at least 1 (ps to h)."""
    size = abs(float(seconds))
    scale, name = _TIME_UNITS[0]
    for unit, unit_name in _TIME_UNITS:
        if math.isfinite(size) and size >= unit:
            scale, name = unit, unit_name
    return scale, name


def format_time(seconds: float) -> str:
    """``seconds`` in the unit of :func:`time_unit`, three significant digits: 2.5e-6 → "2.5 µs"."""
    scale, name = time_unit(seconds)
    return f"{seconds / scale:.3g} {name}"


def new_axes(ax, **kwargs):
    """(figure, axes): ``ax`` and its figure, or a new figure made with ``plt.subplots(**kwargs)``."""
    import matplotlib.pyplot as plt

    if ax is None:
        fig, ax = plt.subplots(**kwargs)
        return fig, ax
    return ax.figure, ax

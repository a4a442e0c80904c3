"""Numerical engines on normalized equations.

Nothing here knows about devices or SI units: fields, times and detunings are in the
normalized Lugiato–Lefever units of Herr et al., Nat. Photon. 8, 145 (2014).
"""

from .protocols import AuxMode, HeatPoles, Schedule, SILMode
from .stationary import (
    Branch,
    StationaryState,
    cw_branch,
    cw_state,
    dark_pulse_guess,
    mi_gain,
    newton_stationary,
    soliton_guess,
)

__all__ = [
    "AuxMode",
    "HeatPoles",
    "Branch",
    "LLEResult",
    "LLESolver",
    "SILMode",
    "Schedule",
    "StationaryState",
    "cw_branch",
    "cw_state",
    "dark_pulse_guess",
    "mi_gain",
    "newton_stationary",
    "soliton_guess",
]


def __getattr__(name):
    """``LLESolver`` and ``LLEResult`` load the split-step engine (numba, FFTW) on first use."""
    if name in ("LLESolver", "LLEResult"):
        from . import lle

        return getattr(lle, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

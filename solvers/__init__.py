"""Numerical engines on normalized equations.

Nothing here knows about devices or SI units: fields, times and detunings are in the
normalized Lugiato–Lefever units of Herr et al., Nat. Photon. 8, 145 (2014).
"""

from .lle import LLESolver, LLEResult
from .protocols import AuxMode, HeatPoles, Schedule
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
    "Schedule",
    "StationaryState",
    "cw_branch",
    "cw_state",
    "dark_pulse_guess",
    "mi_gain",
    "newton_stationary",
    "soliton_guess",
]

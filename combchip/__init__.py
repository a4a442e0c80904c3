"""combchip: frequency-comb chips and QKD transmitter chips from first principles."""

__version__ = "0.1.0"

from .comb import inputs_from, simulate_comb
from .detuning import DetuningSchedule, Ramp
from .encoder import Drive
from .grating_couplers import GratingCoupler1D, GratingCoupler2D
from .io import load, save
from .lasers import Laser
from .lines import comb_lines
from .modulators import MZI
from .normalization import Normalization, normalize
from .phase_shifters import DepletionPhaseShifter, ElectroOpticPhaseShifter, ThermoOpticPhaseShifter
from .resonator import Ring
from .rf import RCResponse, TravelingWaveResponse
from .steps import analyse_steps, count_solitons, single_soliton
from .transmitter import InPClientChip, SiPolarizationChip, TimeBinEncoder

__all__ = [
    "DepletionPhaseShifter",
    "DetuningSchedule",
    "Drive",
    "ElectroOpticPhaseShifter",
    "GratingCoupler1D",
    "GratingCoupler2D",
    "InPClientChip",
    "Laser",
    "MZI",
    "Normalization",
    "RCResponse",
    "Ramp",
    "Ring",
    "SiPolarizationChip",
    "ThermoOpticPhaseShifter",
    "TimeBinEncoder",
    "TravelingWaveResponse",
    "analyse_steps",
    "coherence_visibility",
    "comb_lines",
    "count_solitons",
    "inputs_from",
    "line_coherence",
    "load",
    "network_key_rates",
    "normalize",
    "save",
    "simulate_comb",
    "single_soliton",
]

_LAZY = {"coherence_visibility": "coherence", "line_coherence": "coherence", "network_key_rates": "network"}
"""Names imported on first use, so that ``import combchip`` does not load the link and QKD models."""


def __getattr__(name):
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

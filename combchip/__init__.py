"""combchip: frequency-comb chips and QKD transmitter chips from first principles."""

from ._version import __version__

from .comb.simulate import inputs_from, simulate_comb
from .comb.detuning import DetuningSchedule, Ramp
from .tx.drive import Drive
from .tx.grating_couplers import GratingCoupler1D, GratingCoupler2D
from .io import load, save
from .comb.lasers import Laser
from .comb.lines import comb_lines
from .tx.modulators import MZI
from .comb.normalization import Normalization, normalize
from .tx.phase_shifters import DepletionPhaseShifter, ElectroOpticPhaseShifter, ThermoOpticPhaseShifter
from .comb.resonator import Ring
from .schema import CombLine
from .tx.rf import RCResponse, TravelingWaveResponse
from .comb.thermal import AuxLaser, Thermal
from .comb.steps import analyse_steps, count_solitons, single_soliton
from .tx.chips import InPClientChip, SiPolarizationChip, TimeBinEncoder
from .sweep import sweep  # eager: a lazy name would be shadowed by the submodule; it loads no dask or zarr

__all__ = [
    "AuxLaser",
    "DepletionPhaseShifter",
    "DetuningSchedule",
    "Drive",
    "ElectroOpticPhaseShifter",
    "GratingCoupler1D",
    "GratingCoupler2D",
    "InPClientChip",
    "CombLine",
    "Laser",
    "MZI",
    "Normalization",
    "PumpFrequencyNoise",
    "RCResponse",
    "Ramp",
    "Ring",
    "SiPolarizationChip",
    "ThermoOpticPhaseShifter",
    "Thermal",
    "ThermalFrequencyNoise",
    "TimeBinEncoder",
    "TravelingWaveResponse",
    "analyse_steps",
    "coherence_visibility",
    "comb_lines",
    "count_solitons",
    "inputs_from",
    "line_coherence",
    "line_frequency_noise",
    "load",
    "network_key_rates",
    "normalize",
    "save",
    "simulate_comb",
    "single_soliton",
    "sweep",
]

_LAZY = {"coherence_visibility": "link.visibility", "line_coherence": "comb.coherence", "network_key_rates": "link.network",
         "PumpFrequencyNoise": "comb.line_noise", "ThermalFrequencyNoise": "comb.line_noise",
         "line_frequency_noise": "comb.line_noise"}
"""Names imported on first use, so that ``import combchip`` does not load the link and QKD models."""


def __getattr__(name):
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""combchip: frequency-comb chips and QKD transmitter chips from first principles."""

__version__ = "0.1.0"

from .comb import inputs_from, simulate_comb
from .detuning import DetuningSchedule, Ramp
from .io import load, save
from .lasers import Laser
from .lines import comb_lines
from .normalization import Normalization, normalize
from .resonator import Ring
from .steps import analyse_steps, count_solitons, single_soliton

__all__ = [
    "DetuningSchedule",
    "Laser",
    "Normalization",
    "Ramp",
    "Ring",
    "analyse_steps",
    "comb_lines",
    "count_solitons",
    "inputs_from",
    "load",
    "normalize",
    "save",
    "simulate_comb",
    "single_soliton",
]

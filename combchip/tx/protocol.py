"""What the link needs of a transmitter chip: its timing, and its realized states on a given comb line.

    CombLine (power, linewidth) ─► Transmitter.states(line, ...) ─► μ and 1 − F per (intensity, state)
                                    Transmitter.timing            ─► pulse width, bin separation, rate

:class:`combchip.tx.chips.SiPolarizationChip`, :class:`~combchip.tx.chips.TimeBinEncoder` and
:class:`~combchip.tx.chips.InPClientChip` implement it; so may any object with these members.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

import xarray as xr

from ..schema import CombLine
from ..validation import check_nonnegative, check_positive

__all__ = ["Encoding", "Timing", "Transmitter"]

Encoding = Literal["time-bin", "polarization", "phase"]
"""How a transmitter encodes: early/late bins, H/V polarization, or the phase of one pulse (twin field)."""


@dataclass(frozen=True)
class Timing:
    """A transmitter's timing.

    Parameters
    ----------
    symbol_rate : float
        Symbols per second [Hz].
    pulse_fwhm : float
        Intensity FWHM of the carved pulses [s].
    bin_separation : float
        Delay between the two encoding modes [s]: the early/late bins of time-bin qubits; 0 when
        the modes overlap in time (polarization) or there is one mode (phase encoding).
    """

    symbol_rate: float
    pulse_fwhm: float
    bin_separation: float = 0.0

    def __post_init__(self):
        check_positive("symbol_rate", self.symbol_rate, "Hz")
        check_positive("pulse_fwhm", self.pulse_fwhm, "s")
        check_nonnegative("bin_separation", self.bin_separation, "s")


@runtime_checkable
class Transmitter(Protocol):
    """A transmitter chip driven by one comb line."""

    encoding: Encoding

    @property
    def timing(self) -> Timing:
        """Symbol rate, pulse width and bin separation."""

    def states(self, line: CombLine, intensities: Mapping[str, float] | None = None,
               probabilities: Mapping[str, float] | None = None) -> xr.Dataset:
        """Realized mean photon number and state error of every (intensity, state) on ``line``, with the
        attenuator set from ``line.power``: a :data:`combchip.schema.TRANSMITTER_STATES` Dataset."""

    def symbols(self, count: int, line: CombLine, **settings) -> xr.Dataset:
        """A random stream of ``count`` symbols encoded on ``line``."""

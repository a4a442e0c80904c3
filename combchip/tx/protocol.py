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

import numpy as np
import xarray as xr

from ..schema import CombLine
from ..validation import check_int, check_nonnegative, check_positive

__all__ = ["Encoding", "Timing", "Transmitter", "time_bin_symbol_rate"]

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

    def pulse_times(self, symbols: int) -> np.ndarray:
        """Centres [s] of every pulse slot of ``symbols`` consecutive symbols, sorted: qubit k's early bin at
        k/symbol_rate and, for time-bin qubits, its late bin ``bin_separation`` later."""
        symbols = check_int("symbols", symbols, 1)
        start = np.arange(symbols) / self.symbol_rate
        times = start if self.bin_separation == 0 else np.concatenate([start, start + self.bin_separation])
        return np.sort(times)

    @property
    def min_pulse_gap(self) -> float:
        """Smallest distance between the pulse slots of different symbols or bins [s]:
        min(1/R, min_m |m/R − Δt|) over whole m ≥ 1 for bins Δt apart (0 when two slots coincide)."""
        period = 1 / self.symbol_rate
        if self.bin_separation == 0:
            return period
        m = np.array([np.floor(self.bin_separation / period), np.ceil(self.bin_separation / period)])
        m = m[m >= 1]
        offsets = np.abs(m * period - self.bin_separation)
        return float(min(period, self.bin_separation, *offsets))


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


def time_bin_symbol_rate(clock: float, bin_separation: float, pulse_fwhm: float, *, min_gap_fwhm: float = 2.0) -> float:
    """Highest time-bin qubit rate on a pulse clock whose pulses never overlap [Hz].

    Qubit k starts at k·p/f_clock (p whole clock periods) with its bins Δt apart. The slots of different
    qubits are |m p/f_clock − Δt| apart (m ≥ 1), so p = 1, the interleaved schedule in which the early bin of
    qubit k + 1 shares the clock with the late bin of qubit k, is possible only when Δt is not a whole number of
    periods. The rate is f_clock/p for the smallest p with every gap ≥ ``min_gap_fwhm`` × ``pulse_fwhm``
    (:attr:`Timing.min_pulse_gap`).

    Parameters
    ----------
    clock : float
        Pulse clock f_clock [Hz].
    bin_separation : float
        Early/late separation Δt [s].
    pulse_fwhm : float
        Pulse intensity FWHM [s].
    min_gap_fwhm : float
        Smallest allowed distance n between pulse centres, in FWHM (Gaussian pulses n FWHM apart overlap in
        intensity by 2^(−2n²): 2⁻⁸ for n = 2).
    """
    clock = check_positive("clock", clock, "Hz")
    check_positive("bin_separation", bin_separation, "s")
    fwhm = check_positive("pulse_fwhm", pulse_fwhm, "s")
    gap = check_positive("min_gap_fwhm", min_gap_fwhm) * fwhm
    if bin_separation < gap:
        raise ValueError(f"bin_separation = {bin_separation!r} s is below min_gap_fwhm × pulse_fwhm = {gap:g} s")
    for p in range(1, 1 + int(np.ceil(2 * bin_separation * clock)) + 1):
        timing = Timing(clock / p, fwhm, bin_separation)
        if timing.min_pulse_gap >= gap * (1 - 1e-12):
            return clock / p
    raise ValueError(f"no time-bin schedule on clock = {clock!r} Hz resolves pulses of {fwhm:g} s")  # pragma: no cover

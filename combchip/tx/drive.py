"""Time-domain drive waveforms and optical carving: DAC → electrical response → static transfer.

V(t) is the DAC's zero-order hold of ``levels``, smoothed by a Gaussian edge of the given 10–90 %
rise time and, optionally, filtered by the modulator's electrical response H(f). The optical field
is then E(t) = E_in(t)·T(V(t)) with T the modulator's static field transfer (quasi-static: the
optical response is instantaneous on the scale of the RF).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.ndimage import gaussian_filter1d

from ..units import ratio_to_db
from ..validation import check_int, check_nonnegative, check_positive, check_range
from .rf import DriveResponse

_RISE_PER_SIGMA = 2 * np.sqrt(2) * 0.9061938024368232
"""10–90 % rise time of a Gaussian-smoothed step in units of σ: 2√2·erf⁻¹(0.8) = 2.563."""


@dataclass(frozen=True)
class Drive:
    """An arbitrary-waveform drive at ``symbol_rate``.

    Parameters
    ----------
    symbol_rate : float
        Symbols per second [Hz].
    dac_rate : float
        DAC sample rate [Hz]; an integer multiple of ``symbol_rate``.
    rise_time : float
        10–90 % rise time of the DAC output [s] (Gaussian edge, σ = t_r/2.563).
    samples_per_symbol : int
        Simulation samples per symbol; a multiple of ``dac_rate/symbol_rate``.
    response : DriveResponse, optional
        Electrical response with ``filter(signal, sample_rate)`` (e.g. :class:`combchip.tx.rf.RCResponse`).
    """

    symbol_rate: float
    dac_rate: float
    rise_time: float = 0.0
    samples_per_symbol: int = 64
    response: DriveResponse | None = None

    def __post_init__(self):
        check_positive("symbol_rate", self.symbol_rate, "Hz")
        check_positive("dac_rate", self.dac_rate, "Hz")
        check_nonnegative("rise_time", self.rise_time, "s")
        check_int("samples_per_symbol", self.samples_per_symbol, 1)
        ratio = self.dac_rate / self.symbol_rate
        if abs(ratio - round(ratio)) > 1e-9 or round(ratio) < 1:
            raise ValueError(f"dac_rate must be an integer multiple of symbol_rate, got ratio {ratio:g}")
        if self.samples_per_symbol % round(ratio):
            raise ValueError(f"samples_per_symbol = {self.samples_per_symbol} must be a multiple of "
                             f"dac_rate/symbol_rate = {round(ratio)}")

    @property
    def dac_samples_per_symbol(self) -> int:
        """DAC words per symbol."""
        return int(round(self.dac_rate / self.symbol_rate))

    @property
    def sample_rate(self) -> float:
        """Simulation sample rate [Hz]."""
        return self.symbol_rate * self.samples_per_symbol

    def time(self, symbols: int) -> np.ndarray:
        """Sample times [s] of ``symbols`` symbols."""
        return np.arange(symbols * self.samples_per_symbol) / self.sample_rate

    def pulses(self, symbols: int, duty_cycle: float, amplitude: float) -> np.ndarray:
        """DAC words of one centred pulse per symbol lasting ``duty_cycle`` of the symbol (in whole words)."""
        check_int("symbols", symbols, 1)
        duty_cycle = check_range("duty_cycle", duty_cycle, 0.0, 1.0, low_open=True)
        words = self.dac_samples_per_symbol
        width = max(1, int(round(duty_cycle * words)))
        start = (words - width) // 2
        levels = np.zeros((symbols, words))
        levels[:, start : start + width] = amplitude
        return levels

    def waveform(self, levels: ArrayLike) -> np.ndarray:
        """Drive voltage V(t) [V] for DAC ``levels`` of shape (symbols, dac_samples_per_symbol) or (symbols,).

        The pattern repeats periodically (the filters wrap around).
        """
        levels = np.asarray(levels, dtype=float)
        if levels.ndim == 1:
            levels = np.repeat(levels[:, None], self.dac_samples_per_symbol, axis=1)
        if levels.ndim != 2 or levels.shape[1] != self.dac_samples_per_symbol:
            raise ValueError(f"levels must have shape (symbols, {self.dac_samples_per_symbol}), got {levels.shape}")
        if not np.all(np.isfinite(levels)):
            raise ValueError("levels must be finite")
        hold = self.samples_per_symbol // self.dac_samples_per_symbol
        voltage = np.repeat(levels.ravel(), hold)
        if self.rise_time > 0:
            sigma = self.rise_time / _RISE_PER_SIGMA * self.sample_rate
            voltage = gaussian_filter1d(voltage, sigma, mode="wrap")
        if self.response is not None:
            voltage = self.response.filter(voltage, self.sample_rate)
        return voltage


def carve(transfer: Callable[[np.ndarray], np.ndarray], voltage: ArrayLike, field: ArrayLike = 1.0) -> np.ndarray:
    """Optical field E(t) = E_in(t)·T(V(t)) through a static field ``transfer`` (a callable of V)."""
    return np.asarray(field) * transfer(np.asarray(voltage))


def pulse_fwhm(power: ArrayLike, sample_rate: float, samples_per_symbol: int) -> np.ndarray:
    """FWHM [s] of the pulse in each symbol slot of a power trace (linear interpolation at half maximum)."""
    slots = np.asarray(power, dtype=float).reshape(-1, samples_per_symbol)
    widths = np.empty(slots.shape[0])
    for k, slot in enumerate(slots):
        peak = int(np.argmax(slot))
        half = slot[peak] / 2
        above = slot >= half
        left = peak
        while left > 0 and above[left - 1]:
            left -= 1
        right = peak
        while right < slot.size - 1 and above[right + 1]:
            right += 1
        lo = left - 1 + (half - slot[left - 1]) / (slot[left] - slot[left - 1]) if left > 0 else 0.0
        hi = right + (slot[right] - half) / (slot[right] - slot[right + 1]) if right < slot.size - 1 else slot.size - 1.0
        widths[k] = (hi - lo) / sample_rate
    return widths


def extinction_ratio_db(power: ArrayLike, samples_per_symbol: int, on_slots: ArrayLike, off_slots: ArrayLike) -> float:
    """10·log₁₀ of the mean pulse energy in ``on_slots`` over that in ``off_slots``."""
    energy = np.asarray(power, dtype=float).reshape(-1, samples_per_symbol).sum(axis=1)
    return float(ratio_to_db(energy[on_slots].mean() / energy[off_slots].mean()))

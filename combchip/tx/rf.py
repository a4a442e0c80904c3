"""Small-signal electrical responses of modulator drive paths: lumped RC and traveling-wave electrodes.

Every response is a voltage transfer function H(f), normalised to H(0) = 1, in the time convention
v(t) = Re[V·exp(+i2πft)] (so a delay τ reads H ∝ exp(−i2πfτ)). For a phase modulator driven in
small signal the optical phase (and the MZI's small-signal intensity modulation) is proportional to
H(f), so H is the electro-optic response normalised at DC.

Bandwidth convention, used throughout: ``bandwidth_3db`` is the lowest frequency with |H(f)|² = ½,
the "3 dB electrical" point that a vector network analyser reads on the electro-optic S21 (the
detected RF power ∝ |H|²). The "3 dB optical" point (|H| = ½) lies higher.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import ArrayLike
from scipy.constants import c
from scipy.optimize import brentq

from ..units import db_to_neper
from ..validation import check_nonnegative, check_positive, check_range
from .cpw import CoplanarLine

__all__ = ["DriveResponse", "RCResponse", "TravelingWaveResponse"]

_SEARCH_GRID = np.geomspace(1e5, 1e15, 4001)


def _frequencies(frequency) -> np.ndarray:
    f = np.asarray(frequency, dtype=float)
    if not np.all(np.isfinite(f)):
        raise ValueError("frequency must be finite [Hz]")
    return f


def _mean_exponential(x):
    """F(x) = (1 − e^{−x})/x = (1/L)∫₀ᴸ e^{−xz/L} dz, with F(0) = 1."""
    x = np.asarray(x, dtype=complex)
    small = np.abs(x) < 1e-300
    safe = np.where(small, 1.0, x)
    return np.where(small, 1.0, -np.expm1(-safe) / safe)


class DriveResponse(Protocol):
    """An electrical drive response: H(f) normalised at DC, its 3-dB bandwidth and a filter of drive signals."""

    @property
    def bandwidth_3db(self) -> float:
        """Lowest frequency with |H|² = ½ [Hz]."""

    def s21(self, frequency: ArrayLike) -> np.ndarray:
        """H(f), complex, normalised at DC."""

    def filter(self, signal: ArrayLike, sample_rate: float) -> np.ndarray:
        """H(f) applied to a real drive ``signal`` sampled at ``sample_rate`` [Hz]."""


class _DriveResponse(DriveResponse):
    """``filter`` and the bandwidth search, shared by drive responses that define ``s21(frequency)``."""

    def filter(self, signal: ArrayLike, sample_rate: float) -> np.ndarray:
        """Apply H(f) to a real drive ``signal`` sampled at ``sample_rate`` [Hz] along its last axis.

        y = irfft(rfft(x)·H(f_k)) with f_k = k·f_s/N: the record is taken as one period of a periodic
        signal (circular convolution; a pattern that repeats, as a PRBS does). A tone on an FFT bin,
        x = sin(2πf₀t), comes out as |H(f₀)|·sin(2πf₀t + arg H(f₀)). For even N the Nyquist bin keeps
        only Re H, as a real signal must.
        """
        x = np.asarray(signal, dtype=float)
        if x.ndim == 0 or x.shape[-1] < 2:
            raise ValueError(f"signal must have at least 2 samples along its last axis, got shape {x.shape}")
        if not np.all(np.isfinite(x)):
            raise ValueError("signal must be finite")
        fs = check_positive("sample_rate", sample_rate, "Hz")
        n = x.shape[-1]
        spectrum = np.fft.rfft(x, axis=-1) * self.s21(np.fft.rfftfreq(n, 1.0 / fs))
        return np.fft.irfft(spectrum, n, axis=-1)

    def _first_half_power(self) -> float:
        """Lowest f in 100 kHz … 1 PHz with |H|² = ½ (grid bracket, then brentq); inf if none."""
        power = np.abs(self.s21(_SEARCH_GRID)) ** 2
        below = np.nonzero(power < 0.5)[0]
        if below.size == 0:
            return np.inf
        i = below[0]
        low = _SEARCH_GRID[i - 1] if i > 0 else 0.0
        return float(brentq(lambda f: abs(complex(self.s21(f))) ** 2 - 0.5, low, _SEARCH_GRID[i],
                            xtol=1e-9, rtol=1e-13))


@dataclass(frozen=True, eq=False)
class RCResponse(_DriveResponse):
    """Lumped electrode: a junction capacitance charged through series and source resistance.

    Circuit: a source of EMF V_s and impedance R_s, an optional shunt termination R_T across the
    device input, then the device's series (access) resistance R in series with its capacitance C.
    The voltage across C (which moves the carriers) is, normalised at DC,

        H(f) = 1/(1 + i2πf·R_tot·C),   R_tot = R_s∥R_T + R  (R_s + R unterminated),

    so ``bandwidth_3db`` = 1/(2πR_tot·C) (|H|² = ½). Reference: G. T. Reed et al., "Silicon optical
    modulators", Nat. Photon. 4, 518 (2010).

    Parameters
    ----------
    resistance : float
        Series resistance R of the device [Ω].
    capacitance : float
        Device capacitance C [F].
    source_impedance : float
        Driver output impedance R_s [Ω] (real).
    termination_resistance : float, optional
        Shunt termination R_T across the device [Ω]; None for none (open).
    """

    resistance: float
    capacitance: float
    source_impedance: float = 50.0
    termination_resistance: float | None = None

    def __post_init__(self):
        set_ = object.__setattr__
        set_(self, "resistance", check_nonnegative("resistance", self.resistance, "ohm"))
        set_(self, "capacitance", check_positive("capacitance", self.capacitance, "F"))
        set_(self, "source_impedance", check_nonnegative("source_impedance", self.source_impedance, "ohm"))
        if self.termination_resistance is not None:
            set_(self, "termination_resistance",
                 check_positive("termination_resistance", self.termination_resistance, "ohm"))

    @property
    def total_resistance(self) -> float:
        """R_tot = R_s∥R_T + R [Ω]."""
        rs, rt = self.source_impedance, self.termination_resistance
        thevenin = rs if rt is None else rs * rt / (rs + rt)
        return thevenin + self.resistance

    @property
    def time_constant(self) -> float:
        """τ = R_tot·C [s]."""
        return self.total_resistance * self.capacitance

    @property
    def dc_gain(self) -> float:
        """Voltage across C per volt of source EMF at DC, R_T/(R_s + R_T) (1 unterminated)."""
        rt = self.termination_resistance
        return 1.0 if rt is None else rt / (self.source_impedance + rt)

    def s21(self, frequency: ArrayLike) -> np.ndarray:
        """H(f) = 1/(1 + i2πfτ), complex, normalised at DC."""
        return 1.0 / (1.0 + 2j * np.pi * _frequencies(frequency) * self.time_constant)

    @property
    def bandwidth_3db(self) -> float:
        """Electrical 3-dB bandwidth 1/(2πτ) [Hz], where |H|² = ½."""
        tau = self.time_constant
        return np.inf if tau == 0 else 1.0 / (2 * np.pi * tau)


@dataclass(frozen=True, eq=False)
class TravelingWaveResponse(_DriveResponse):
    """Traveling-wave electrode with velocity mismatch, √f RF loss and terminations.

    The RF voltage on the line is V(z) = V₊[e^{−γz} + Γ_L e^{−γ(2L−z)}], γ = α(f) + i2πf·n_μ/c, launched
    with V₊ = V_s·Z₀/[(Z₀ + Z_s)(1 − Γ_sΓ_L e^{−2γL})], Γ_{L,s} = (Z_{L,s} − Z₀)/(Z_{L,s} + Z₀). Light
    entering at t₀ sees V(z) at t₀ + n_o z/c; the phase it gathers, averaged over L and normalised at DC, is

        H(f) = (Z_L + Z_s)/Z_L · Z₀/[(Z₀ + Z_s)(1 − Γ_sΓ_L e^{−2γL})] · [F(γ₋L) + Γ_L e^{−γ₋L} F(γ₊L)],

    F(x) = (1 − e^{−x})/x, γ∓ = α + i2πf(n_μ ∓ n_o)/c. Matched at both ends (Γ_s = Γ_L = 0) it is the
    textbook m(f) = (1 − e^{−(α + iβ_m)L})/((α + iβ_m)L), β_m = 2πf(n_μ − n_o)/c: lossless, its first null
    is at f = c/(L|n_μ − n_o|). α(f) = α₁·√(f/1 GHz) (skin effect), α₁ in dB/m of voltage (20·log₁₀).
    Z₀, Z_L, Z_s are real and frequency independent. Reference: G. Ghione, Semiconductor Devices for
    High-Speed Optoelectronics (Cambridge University Press, 2009).

    Parameters
    ----------
    length : float
        Electrode (interaction) length L [m].
    n_optical_group : float
        Optical group index n_o.
    n_microwave : float
        Microwave effective (phase) index n_μ.
    rf_loss_db_per_m_sqrt_ghz : float
        RF loss α₁ at 1 GHz [dB/m], scaling as √f.
    characteristic_impedance, load_impedance, source_impedance : float
        Z₀, Z_L, Z_s [Ω].
    line : CoplanarLine, optional
        The electrode these values come from (:meth:`from_line`), kept for the layout.
    """

    length: float
    n_optical_group: float
    n_microwave: float
    rf_loss_db_per_m_sqrt_ghz: float = 0.0
    characteristic_impedance: float = 50.0
    load_impedance: float = 50.0
    source_impedance: float = 50.0
    line: CoplanarLine | None = None

    def __post_init__(self):
        set_ = object.__setattr__
        set_(self, "length", check_range("length", self.length, 0.0, 1.0, "m", low_open=True))
        if self.line is not None and not isinstance(self.line, CoplanarLine):
            raise ValueError(f"line must be a CoplanarLine, got {type(self.line).__name__}")
        set_(self, "n_optical_group", check_range("n_optical_group", self.n_optical_group, 1.0, 10.0))
        set_(self, "n_microwave", check_range("n_microwave", self.n_microwave, 1.0, 100.0))
        set_(self, "rf_loss_db_per_m_sqrt_ghz",
             check_nonnegative("rf_loss_db_per_m_sqrt_ghz", self.rf_loss_db_per_m_sqrt_ghz, "dB/(m·√GHz)"))
        set_(self, "characteristic_impedance",
             check_positive("characteristic_impedance", self.characteristic_impedance, "ohm"))
        set_(self, "load_impedance", check_positive("load_impedance", self.load_impedance, "ohm"))
        set_(self, "source_impedance", check_nonnegative("source_impedance", self.source_impedance, "ohm"))

    @classmethod
    def from_line(cls, line: CoplanarLine, length: float, n_optical_group: float, *,
                  source_impedance: float = 50.0, load_impedance: float | None = None) -> TravelingWaveResponse:
        """Response of a drawn coplanar electrode: Z₀, n_μ and the √f conductor loss from ``line``.

        ``load_impedance`` defaults to the line's Z₀ (matched termination).
        """
        if not isinstance(line, CoplanarLine):
            raise ValueError(f"line must be a CoplanarLine, got {type(line).__name__}")
        z0 = line.characteristic_impedance
        return cls(length, n_optical_group, line.microwave_index, line.loss_db_per_m_sqrt_ghz, z0,
                   z0 if load_impedance is None else load_impedance, source_impedance, line)

    @property
    def dc_gain(self) -> float:
        """Voltage on the electrode per volt of source EMF at DC, Z_L/(Z_L + Z_s)."""
        return self.load_impedance / (self.load_impedance + self.source_impedance)

    @property
    def velocity_mismatch_null(self) -> float:
        """First null c/(L|n_μ − n_o|) [Hz] of the matched lossless response (inf if matched)."""
        dn = abs(self.n_microwave - self.n_optical_group)
        return np.inf if dn == 0 else c / (self.length * dn)

    def rf_attenuation(self, frequency: ArrayLike) -> np.ndarray:
        """Voltage attenuation α(f) = α₁·√(|f|/1 GHz)·ln10/20 [Np/m]."""
        return db_to_neper(self.rf_loss_db_per_m_sqrt_ghz) * np.sqrt(np.abs(_frequencies(frequency)) / 1e9)

    def s21(self, frequency: ArrayLike) -> np.ndarray:
        """H(f), complex, normalised at DC; H(−f) = H(f)*."""
        f = _frequencies(frequency)
        z0, zl, zs, length = self.characteristic_impedance, self.load_impedance, self.source_impedance, self.length
        k = 2 * np.pi * f / c
        gamma = self.rf_attenuation(f) + 1j * k * self.n_microwave
        co = (gamma - 1j * k * self.n_optical_group) * length
        counter = (gamma + 1j * k * self.n_optical_group) * length
        refl_load = (zl - z0) / (zl + z0)
        refl_source = (zs - z0) / (zs + z0)
        launch = z0 / ((z0 + zs) * (1 - refl_source * refl_load * np.exp(-2 * gamma * length)))
        overlap = _mean_exponential(co) + refl_load * np.exp(-co) * _mean_exponential(counter)
        return launch * overlap / self.dc_gain

    @property
    def bandwidth_3db(self) -> float:
        """Lowest frequency with |H|² = ½ [Hz] (electrical 3 dB); inf if none below 1 PHz."""
        return self._first_half_power()

"""Mach–Zehnder interferometer (MZI) modulator built from any two phase shifters.

A phase shifter is any object with ``length`` [m], ``phase(voltage, wavelength)`` [rad, added at
``voltage`` relative to 0 V] and ``loss_db(voltage, wavelength)`` [dB ≥ 0], both vectorised.
Fields use the propagation factor exp(−iφ), i.e. the time convention exp(+iωt).
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass
from typing import Literal, get_args

import numpy as np
from numpy.typing import ArrayLike
from scipy.constants import c
from scipy.optimize import brentq

from ..units import db_to_amplitude, db_to_ratio, ratio_to_db
from ..validation import check_choice, check_nonnegative, check_positive, check_range, check_wavelength
from .phase_shifters import PhaseShifter
from .rf import DriveResponse

__all__ = ["Direction", "MZI", "MZIDrive", "Port"]

MZIDrive = Literal["push-pull", "single"]
"""How the drive voltage is applied to the two arms (see :class:`MZI`)."""
Port = Literal["bar", "cross"]
"""MZI output port fed from input 1: bar (output 1) or cross (output 2)."""
Direction = Literal["forward", "backward"]
"""Propagation through the MZI: input → output, or output → input."""

_PORTS = get_args(Port)


def _coupler(ratio: float) -> np.ndarray:
    """Lossless 2×2 coupler [[√(1−r), i√r], [i√r, √(1−r)]] with power cross-coupling r."""
    through, cross = np.sqrt(1.0 - ratio), 1j * np.sqrt(ratio)
    return np.array([[through, cross], [cross, through]])


def _check_phase_shifter(name: str, shifter):
    missing = [attr for attr in ("length", "phase", "loss_db") if not hasattr(shifter, attr)]
    if missing:
        raise ValueError(f"{name} must provide length, phase(voltage, wavelength) and loss_db(voltage, wavelength); "
                         f"{type(shifter).__name__} lacks {', '.join(missing)}")
    check_positive(f"{name}.length", shifter.length, "m")


@dataclass(frozen=True, eq=False)
class MZI:
    """2×2 Mach–Zehnder modulator: splitter, two phase-shifter arms, combiner.

    With couplers C(r) = [[√(1−r), i√r], [i√r, √(1−r)]] and arm fields t_k = g_k·exp(−iφ_k),
    g_k = 10^(−loss_k/20), the forward transfer is S = η·C(r₂)·diag(t_a, t_b)·C(r₁), η = 10^(−IL/20).
    From input 1 (Madsen & Zhao, Optical Filter Design and Analysis, Wiley 1999):

        E_bar   = η[√((1−r₁)(1−r₂))·t_a − √(r₁r₂)·t_b],
        E_cross = iη[√(r₂(1−r₁))·t_a + √(r₁(1−r₂))·t_b].

    Arm a carries the drive-dependent phase of its shifter plus the static bias φ_b and the imbalance
    phase φ_ΔL(λ) = (2πΔL/c)[n_eff·ν₀ + n_g(ν − ν₀)] (first-order dispersion about ν₀ = c/λ₀), so the
    free spectral range is c/(n_g|ΔL|) in frequency and λ²/(n_g|ΔL|) in wavelength.

    Drive voltage V (the differential voltage V_a − V_b in push-pull):
    push-pull: V_a = V_cm + V/2, V_b = V_cm − V/2; single: V_a = V_cm + V, V_b = V_cm,
    with V_cm the common (DC bias) voltage on both arms. Two linear shifters of half-wave voltage V_π
    then give an MZI with Vπ = V_π in either drive.

    Vπ convention: :meth:`v_pi` is the differential drive, V_a − V_b, that adds π between the arms;
    each arm then swings by ±Vπ/2 around V_cm. This is the dual-drive G-S-G-S-G electrode that
    :func:`combchip.layouts.transmitter_si.mzm` draws: each arm's n side on its own signal line, its
    p side on ground, signal 1 at V_cm + V/2 and signal 2 at V_cm − V/2 (a differential driver with
    a common-mode bias V_cm > 0 reverse-biases both junctions). Published push-pull Vπ (system B's
    ``SYSTEM_B.v_pi``) is usually quoted for this differential swing, or, with a single-ended driver on a
    series push-pull electrode, for the voltage across both junctions in series, which is the same
    quantity; a per-arm (single-ended, one arm driven) Vπ is twice as large.

    Parameters
    ----------
    arm_a, arm_b : PhaseShifter
        Arm shifters; ``arm_b`` defaults to ``arm_a``.
    splitter_ratio, combiner_ratio : float
        Power cross-coupling r₁, r₂ of the input and output couplers, in [0, 1].
    insertion_loss_db : float
        Excess loss common to both arms [dB ≥ 0].
    drive : {"push-pull", "single"}
        How V is applied (above).
    bias_phase : float
        Static phase added to arm a [rad].
    common_voltage : float
        V_cm applied to both arms [V] (e.g. the reverse bias of depletion shifters).
    delta_length : float
        Extra length ΔL of arm a [m] (its propagation loss is neglected).
    group_index, neff : float
        Group and effective index of the arm waveguide (for φ_ΔL).
    wavelength : float
        Operating wavelength λ₀ [m]; the default of every ``wavelength`` argument.
    output : {"cross", "bar"}
        Port used as the modulator output (extinction ratio, visibility, chirp, ``with_extinction``).
    response : DriveResponse, optional
        Drive response with ``s21(frequency)`` and ``bandwidth_3db`` (e.g. :mod:`combchip.tx.rf`).
    """

    arm_a: PhaseShifter
    arm_b: PhaseShifter | None = None
    _: KW_ONLY
    splitter_ratio: float = 0.5
    combiner_ratio: float = 0.5
    insertion_loss_db: float = 0.0
    drive: MZIDrive = "push-pull"
    bias_phase: float = 0.0
    common_voltage: float = 0.0
    delta_length: float = 0.0
    group_index: float = 4.2
    neff: float = 2.4
    wavelength: float = 1550e-9
    output: Port = "cross"
    response: DriveResponse | None = None

    def __post_init__(self):
        set_ = object.__setattr__
        _check_phase_shifter("arm_a", self.arm_a)
        if self.arm_b is None:
            set_(self, "arm_b", self.arm_a)
        _check_phase_shifter("arm_b", self.arm_b)
        set_(self, "splitter_ratio", check_range("splitter_ratio", self.splitter_ratio, 0.0, 1.0))
        set_(self, "combiner_ratio", check_range("combiner_ratio", self.combiner_ratio, 0.0, 1.0))
        set_(self, "insertion_loss_db", check_nonnegative("insertion_loss_db", self.insertion_loss_db, "dB"))
        check_choice("drive", self.drive, MZIDrive)
        set_(self, "bias_phase", check_range("bias_phase", self.bias_phase, unit="rad"))
        set_(self, "common_voltage", check_range("common_voltage", self.common_voltage, unit="V"))
        set_(self, "delta_length", check_range("delta_length", self.delta_length, -1.0, 1.0, "m"))
        set_(self, "group_index", check_range("group_index", self.group_index, 1.0, 10.0))
        set_(self, "neff", check_range("neff", self.neff, 1.0, 10.0))
        set_(self, "wavelength", check_wavelength("wavelength", self.wavelength))
        check_choice("output", self.output, Port)
        if self.response is not None and not hasattr(self.response, "s21"):
            raise ValueError(f"response must provide s21(frequency); {type(self.response).__name__} does not")

    @classmethod
    def with_extinction(cls, er_db: float, arm_a: PhaseShifter, arm_b: PhaseShifter | None = None, **kwargs) -> MZI:
        """MZI whose splitter ratio r₁ gives the extinction ratio ``er_db`` at its ``output`` port.

        Inverse of :attr:`extinction_ratio_db`: with ρ = (√ER − 1)/(√ER + 1) = (1 − a)/(1 + a),
        a = 1/√ER = 10^(−ER[dB]/20), the weaker arm-b
        amplitude B = ρA, i.e. r₁ = s²/(1 + s²) with s = ρ·(g_a/g_b)·√(r₂/(1−r₂)) (cross) or
        ρ·(g_a/g_b)·√((1−r₂)/r₂) (bar). Equal arms and r₂ = ½: r₁ = (1 − √(1 − V²))/2,
        V = (ER − 1)/(ER + 1); 30 dB needs r₁ = 0.468.
        """
        a = db_to_amplitude(check_range("er_db", er_db, 0.0, 300.0, "dB"))
        if "splitter_ratio" in kwargs:
            raise ValueError("splitter_ratio is set by er_db; do not pass both")
        probe = cls(arm_a, arm_b, **kwargs)
        r2 = probe.combiner_ratio
        if r2 in (0.0, 1.0):
            raise ValueError(f"combiner_ratio = {r2:g} sends one arm only to each port: no extinction to set")
        g_a, g_b = np.abs(probe._arm_fields(0.0, probe.wavelength))
        rho = (1 - a) / (1 + a)
        port_factor = r2 / (1 - r2) if probe.output == "cross" else (1 - r2) / r2
        s = rho * g_a / g_b * np.sqrt(port_factor)
        return cls(arm_a, arm_b, splitter_ratio=float(s**2 / (1 + s**2)), **kwargs)

    def _wavelengths(self, wavelength) -> np.ndarray:
        lam = np.asarray(self.wavelength if wavelength is None else wavelength, dtype=float)
        if lam.size:
            check_wavelength("wavelength", lam.min())
            check_wavelength("wavelength", lam.max())
        return lam

    def _arm_voltages(self, voltage):
        if self.drive == "push-pull":
            return self.common_voltage + voltage / 2, self.common_voltage - voltage / 2
        return self.common_voltage + voltage, np.full_like(voltage, self.common_voltage)

    def _inputs(self, voltage, wavelength):
        v = np.asarray(voltage, dtype=float)
        if not np.all(np.isfinite(v)):
            raise ValueError("voltage must be finite [V]")
        return np.broadcast_arrays(v, self._wavelengths(wavelength))

    def imbalance_phase(self, wavelength: ArrayLike | None = None) -> np.ndarray:
        """φ_ΔL(λ) = 2πΔL[(n_eff − n_g)/λ₀ + n_g/λ] [rad], the path-length phase of arm a."""
        lam = self._wavelengths(wavelength)
        n_eff, n_g = self.neff, self.group_index
        return 2 * np.pi * self.delta_length * ((n_eff - n_g) / self.wavelength + n_g / lam)

    def arm_phases(self, voltage: ArrayLike, wavelength: ArrayLike | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(φ_a, φ_b) [rad]: shifter phases at the arm voltages, plus bias and φ_ΔL on arm a."""
        v, lam = self._inputs(voltage, wavelength)
        v_a, v_b = self._arm_voltages(v)
        phi_a = np.asarray(self.arm_a.phase(v_a, lam), dtype=float) + self.bias_phase + self.imbalance_phase(lam)
        phi_b = np.asarray(self.arm_b.phase(v_b, lam), dtype=float)
        return np.broadcast_to(phi_a, v.shape), np.broadcast_to(phi_b, v.shape)

    def phase_difference(self, voltage: ArrayLike, wavelength: ArrayLike | None = None) -> np.ndarray:
        """Δφ = φ_a − φ_b [rad]."""
        phi_a, phi_b = self.arm_phases(voltage, wavelength)
        return phi_a - phi_b

    def _arm_fields(self, voltage, wavelength):
        v, lam = self._inputs(voltage, wavelength)
        v_a, v_b = self._arm_voltages(v)
        phi_a, phi_b = self.arm_phases(v, lam)
        fields = []
        for name, shifter, volts, phi in (("arm_a", self.arm_a, v_a, phi_a), ("arm_b", self.arm_b, v_b, phi_b)):
            loss = np.broadcast_to(np.asarray(shifter.loss_db(volts, lam), dtype=float), v.shape)
            if np.any(~np.isfinite(loss) | (loss < 0)):
                raise ValueError(f"{name}.loss_db returned {loss.min():g} dB; it must be finite and >= 0")
            fields.append(db_to_amplitude(loss) * np.exp(-1j * phi))
        return np.stack(fields, axis=-1)

    def transfer_matrix(self, voltage: ArrayLike, wavelength: ArrayLike | None = None,
                        direction: Direction = "forward") -> np.ndarray:
        """Field transfer matrix, shape (..., 2, 2).

        ``"forward"``: S = η·C(r₂)·D·C(r₁), element [j, k] from input k to output j;
        ``"backward"``: η·C(r₁)·D·C(r₂), from output k back to input j. Reciprocity makes the
        backward matrix the transpose of the forward one.
        """
        first, last = _coupler(self.splitter_ratio), _coupler(self.combiner_ratio)
        if check_choice("direction", direction, Direction) == "backward":
            first, last = last, first
        arms = self._arm_fields(voltage, wavelength) * db_to_amplitude(self.insertion_loss_db)
        return np.einsum("jm,...m,mk->...jk", last, arms, first)

    def field_transfer(self, voltage: ArrayLike, wavelength: ArrayLike | None = None,
                       port: Port | Literal["both"] = "both") -> np.ndarray:
        """Output field per unit input field at input 1: (..., 2) as [bar, cross], or one ``port``."""
        fields = self.transfer_matrix(voltage, wavelength)[..., :, 0]
        if check_choice("port", port, ("both",) + _PORTS) == "both":
            return fields
        return fields[..., _PORTS.index(port)]

    def transmission(self, voltage: ArrayLike, wavelength: ArrayLike | None = None,
                     port: Port | Literal["both"] = "both") -> np.ndarray:
        """Power transmission |E|² from input 1: (..., 2) as [bar, cross], or one ``port``."""
        return np.abs(self.field_transfer(voltage, wavelength, port)) ** 2

    def _extremes(self):
        """(T_max, T_min) of the output port over Δφ, arm losses at V = 0 and λ₀."""
        r1, r2 = self.splitter_ratio, self.combiner_ratio
        g_a, g_b = np.abs(self._arm_fields(0.0, self.wavelength))
        if self.output == "cross":
            a, b = np.sqrt(r2 * (1 - r1)) * g_a, np.sqrt(r1 * (1 - r2)) * g_b
        else:
            a, b = np.sqrt((1 - r1) * (1 - r2)) * g_a, np.sqrt(r1 * r2) * g_b
        eta2 = db_to_ratio(self.insertion_loss_db)
        return float(eta2 * (a + b) ** 2), float(eta2 * (a - b) ** 2)

    @property
    def extinction_ratio_db(self) -> float:
        """ER = T_max/T_min = ((A + B)/(A − B))² over the phase [dB], at the ``output`` port.

        A, B are the two arms' amplitudes at the port: cross A = √(r₂(1−r₁))g_a, B = √(r₁(1−r₂))g_b;
        bar A = √((1−r₁)(1−r₂))g_a, B = √(r₁r₂)g_b (arm losses at V = 0, λ₀). inf when A = B;
        0 dB when the port is dark.
        """
        t_max, t_min = self._extremes()
        if t_max == 0:
            return 0.0
        return np.inf if t_min == 0 else float(ratio_to_db(t_max / t_min))

    @property
    def visibility(self) -> float:
        """(T_max − T_min)/(T_max + T_min) = 2AB/(A² + B²) = (ER − 1)/(ER + 1) at the ``output`` port."""
        t_max, t_min = self._extremes()
        return 0.0 if t_max == 0 else (t_max - t_min) / (t_max + t_min)

    def v_pi(self, wavelength: float | None = None, v_max: float = 50.0) -> float:
        """Half-wave voltage [V]: the smallest V > 0 with |Δφ(V) − Δφ(0)| = π (brentq).

        For equal, drive-independent arm losses this is the drive that takes the output from a
        transmission maximum to the adjacent minimum.
        """
        lam = float(self._wavelengths(wavelength))
        v_max = check_positive("v_max", v_max, "V")
        start = float(self.phase_difference(0.0, lam))

        def excess(v):
            return np.abs(self.phase_difference(v, lam) - start) - np.pi

        grid = np.linspace(0.0, v_max, 2001)
        hit = np.nonzero(excess(grid) >= 0)[0]
        if hit.size == 0:
            raise ValueError(f"no π phase swing for 0 < V <= v_max = {v_max:g} V")
        i = hit[0]
        return float(brentq(lambda v: float(excess(v)), grid[i - 1], grid[i], xtol=1e-12))

    def chirp(self, voltage: ArrayLike, wavelength: ArrayLike | None = None, port: Port | None = None,
              step: float = 1e-4) -> np.ndarray:
        """Small-signal chirp α = 2(dψ/dV)/(d ln P/dV) = Im(E′/E)/Re(E′/E) of the output field E = √P·e^{iψ}.

        Positive α blue-shifts the rising edge (instantaneous frequency ω + dψ/dt). E′ = dE/dV by a
        central difference of width 2·``step`` [V]. Zero for balanced push-pull; ±inf at transmission
        extrema. Reference: F. Koyama and K. Iga, J. Lightwave Technol. 6, 87 (1988).
        """
        port = self.output if port is None else check_choice("port", port, Port)
        h = check_positive("step", step, "V")
        v = np.asarray(voltage, dtype=float)
        field = self.field_transfer(v, wavelength, port)
        above, below = self.field_transfer(v + h, wavelength, port), self.field_transfer(v - h, wavelength, port)
        derivative = (above - below) / (2 * h)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = derivative / field
            return ratio.imag / ratio.real

    @property
    def fsr(self) -> float:
        """Free spectral range c/(n_g|ΔL|) [Hz] (inf for a balanced MZI)."""
        return np.inf if self.delta_length == 0 else c / (self.group_index * abs(self.delta_length))

    def fsr_wavelength(self, wavelength: ArrayLike | None = None) -> np.ndarray:
        """Free spectral range λ²/(n_g|ΔL|) [m] near ``wavelength``."""
        lam = self._wavelengths(wavelength)
        return lam**2 / (self.group_index * abs(self.delta_length)) if self.delta_length else np.full_like(lam, np.inf)

    def s21(self, frequency: ArrayLike) -> np.ndarray:
        """Drive response H(f) of ``response`` (1 without one)."""
        if self.response is None:
            return np.ones_like(np.asarray(frequency, dtype=float), dtype=complex)
        return self.response.s21(frequency)

    @property
    def bandwidth_3db(self) -> float:
        """Electrical 3-dB bandwidth of ``response`` [Hz] (|H|² = ½); inf without one."""
        return np.inf if self.response is None else float(self.response.bandwidth_3db)

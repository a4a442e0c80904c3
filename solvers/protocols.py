"""Detuning schedules ζ(τ) and the slow couplings of a run (heat, a counter-propagating pump), normalized."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike


@dataclass(frozen=True, eq=False)
class Schedule:
    """Piecewise-linear detuning ζ(τ) through the knots ``(tau[k], zeta[k])``.

    ζ is held at its first value before ``tau[0]`` and at its last value after ``tau[-1]``.
    Constant, linear-ramp, piecewise and forward-then-backward protocols are all of this form
    (Guo et al., Nat. Phys. 13, 94 (2017) for backward tuning).

    Parameters
    ----------
    tau : sequence of float
        Strictly increasing normalized times τ = κt/2.
    zeta : sequence of float
        Normalized detunings ζ = 2(ω₀ − ω_p)/κ at the knots.
    """

    tau: tuple[float, ...]
    zeta: tuple[float, ...]

    def __post_init__(self):
        tau = np.asarray(self.tau, dtype=float).ravel()
        zeta = np.asarray(self.zeta, dtype=float).ravel()
        if tau.size == 0 or tau.size != zeta.size:
            raise ValueError(f"tau and zeta must be non-empty and of equal length, got {tau.size} and {zeta.size}")
        if not (np.all(np.isfinite(tau)) and np.all(np.isfinite(zeta))):
            raise ValueError("tau and zeta must be finite")
        if np.any(np.diff(tau) <= 0):
            raise ValueError(f"tau must be strictly increasing, got {tau.tolist()}")
        object.__setattr__(self, "tau", tuple(tau.tolist()))
        object.__setattr__(self, "zeta", tuple(zeta.tolist()))

    @classmethod
    def constant(cls, zeta: float) -> Schedule:
        """ζ(τ) = ``zeta`` at all times."""
        return cls((0.0,), (zeta,))

    @classmethod
    def ramp(cls, start: float, stop: float, duration: float) -> Schedule:
        """Linear ramp from ``start`` to ``stop`` over ``duration`` (normalized time, > 0)."""
        if not duration > 0:
            raise ValueError(f"duration must be > 0, got {duration}")
        return cls((0.0, duration), (start, stop))

    @property
    def duration(self) -> float:
        """Normalized time of the last knot."""
        return self.tau[-1]

    def then(self, zeta: float, duration: float) -> Schedule:
        """Append a linear segment to ``zeta`` lasting ``duration`` (> 0); hold with ``zeta`` = last value."""
        if not duration > 0:
            raise ValueError(f"duration must be > 0, got {duration}")
        return Schedule(self.tau + (self.tau[-1] + duration,), self.zeta + (zeta,))

    def __call__(self, tau: ArrayLike) -> np.ndarray:
        """ζ at the normalized times ``tau``."""
        return np.interp(tau, self.tau, self.zeta)


@dataclass(frozen=True)
class HeatPoles:
    """Thermal detuning x = Σ_i x_i (added to ζ), each pole relaxing as dx_i/dτ = r_i (g_i P − x_i).

    P = ⟨|ψ|²⟩ + w|b|² is the heating power in units of |ψ|² (w weighs the auxiliary mode);
    r_i = 2/(κτ_i) and g_i is the steady shift of ζ per unit P (negative when heating pulls
    the resonance towards a red pump). Carmon et al., Opt. Express 12, 4742 (2004).

    Parameters
    ----------
    rates : sequence of float
        r_i > 0, one per pole.
    gains : sequence of float
        g_i, one per pole.
    aux_weight : float
        w ≥ 0.
    """

    rates: tuple[float, ...]
    gains: tuple[float, ...]
    aux_weight: float = 0.0

    def __post_init__(self):
        rates = np.atleast_1d(np.asarray(self.rates, dtype=float))
        gains = np.atleast_1d(np.asarray(self.gains, dtype=float))
        if rates.ndim != 1 or rates.size == 0 or rates.shape != gains.shape:
            raise ValueError(f"rates and gains must be 1-D, non-empty and of equal length, got {rates.shape}, {gains.shape}")
        if not np.all(np.isfinite(rates) & (rates > 0)):
            raise ValueError(f"rates must be finite and > 0, got {rates.tolist()}")
        if not np.all(np.isfinite(gains)):
            raise ValueError(f"gains must be finite, got {gains.tolist()}")
        if not (np.isfinite(self.aux_weight) and self.aux_weight >= 0):
            raise ValueError(f"aux_weight must be >= 0, got {self.aux_weight}")
        object.__setattr__(self, "rates", tuple(rates.tolist()))
        object.__setattr__(self, "gains", tuple(gains.tolist()))


@dataclass(frozen=True, eq=False)
class AuxMode:
    """A counter-propagating pumped mode b coupled to ψ only by cross-phase modulation and heat.

        db/dτ = −(l_b + i(ζ_b(τ) + x)) b + i(|b|² + 2⟨|ψ|²⟩) b + f_b,

    and ψ gains the phase rate 2|b|² (full XPM overlap of co-located counter-propagating waves,
    no coherent four-wave mixing; Zhang et al., Optica 6, 206 (2019)).

    Parameters
    ----------
    f : float
        Drive amplitude f_b ≥ 0 (normalized with the main κ).
    loss : float
        l_b = κ_b/κ > 0.
    schedule : Schedule
        ζ_b(τ) = 2(ω_b − ω_aux)/κ.
    """

    f: float
    loss: float
    schedule: Schedule

    def __post_init__(self):
        if not (np.isfinite(self.f) and self.f >= 0):
            raise ValueError(f"aux f must be finite and >= 0, got {self.f}")
        if not (np.isfinite(self.loss) and self.loss > 0):
            raise ValueError(f"aux loss must be > 0, got {self.loss}")
        if not isinstance(self.schedule, Schedule):
            raise ValueError("aux schedule must be a Schedule")


@dataclass(frozen=True)
class SILMode:
    """A self-injection-locked laser: field a (|a| = 1 free running), gain excess y and the backward mode b.

        da/dτ = ½(1 − iα)c_p·y·a + k·(2η/f)e^{iφ}·b,     dy/dτ = −c_N·y + c_S(1 − (1 + y)|a|²),
        db/dτ = −(l₀ + iζ)b + i(|b|² + 2⟨|ψ|²⟩)b + iβψ₀,

    and ψ₀ gains iβb and the drive f·a, ψ the cross-phase rate 2|b|² (Lang & Kobayashi, IEEE JQE 16, 347 (1980);
    Kondratiev et al., Opt. Express 25, 28167 (2017)). The backward wave is reduced to the one mode μ = 0 that
    the pump backscatters into; ζ is the detuning of the free-running laser, the frame in which all fields rotate.

    Parameters
    ----------
    beta : float
        β = 2Γ/κ ≥ 0.
    rate : float
        k = 2κ_do/κ ≥ 0, the normalized rate at which the returning field enters the laser.
    eta : float
        Bus coupling κ_ex/κ in (0, 1].
    phase : float
        Round-trip feedback phase φ [rad].
    alpha : float
        Linewidth-enhancement factor α_H ≥ 0.
    photon_rate, carrier_rate, stimulated_rate : float
        c_p = 2/(κτ_p), c_N = 2/(κτ_N), c_S = 2G_N·S/κ, all > 0.
    """

    beta: float
    rate: float
    eta: float
    phase: float
    alpha: float
    photon_rate: float
    carrier_rate: float
    stimulated_rate: float

    def __post_init__(self):
        for name in ("beta", "rate", "alpha"):
            value = getattr(self, name)
            if not (np.isfinite(value) and value >= 0):
                raise ValueError(f"sil {name} must be finite and >= 0, got {value}")
        for name in ("photon_rate", "carrier_rate", "stimulated_rate"):
            value = getattr(self, name)
            if not (np.isfinite(value) and value > 0):
                raise ValueError(f"sil {name} must be > 0, got {value}")
        if not (np.isfinite(self.eta) and 0 < self.eta <= 1):
            raise ValueError(f"sil eta must be in (0, 1], got {self.eta}")
        if not np.isfinite(self.phase):
            raise ValueError(f"sil phase must be finite, got {self.phase}")

    def substeps(self, h: float, zeta: float) -> int:
        """RK4 substeps per step h keeping the fastest laser or backward-mode rate λ at λ·h/m ≤ 0.3."""
        fastest = max(np.sqrt(self.photon_rate * self.stimulated_rate), self.stimulated_rate + self.carrier_rate,
                      2 * self.rate, 1 + abs(zeta) + self.beta)
        return max(1, int(np.ceil(fastest * h / 0.3)))

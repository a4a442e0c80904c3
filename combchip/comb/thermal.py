"""Heat in the ring and the counter-propagating auxiliary pump, in SI units, mapped to the normalized LLE.

The absorbed power P_abs = a·Σ κ₀U (U = P_circ/FSR, the intracavity energy of each pumped field, a the
absorbing fraction of κ₀) raises the ring temperature T = Σ_i T_i, each pole obeying
dT_i/dt = (R_i·P_abs − T_i)/τ_i, and shifts every resonance by (dν/dT)·T (Carmon et al., Opt. Express
12, 4742 (2004)). In LLE units the shift of ζ is x = 4π(dν/dT)T/κ.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.constants import hbar

from combchip.solvers import AuxMode, HeatPoles

from ..validation import check_nonnegative, check_positive, check_range
from ..waveguide import THERMO_OPTIC
from .detuning import DetuningSchedule
from .normalization import Normalization
from .resonator import Ring

__all__ = ["AuxLaser", "Thermal"]

SIO2_CONDUCTIVITY = 1.38
"""Thermal conductivity of SiO₂ [W/(m·K)] (Lide, CRC Handbook of Chemistry and Physics)."""
SIO2_HEAT_CAPACITY = 2200.0 * 740.0
"""Volumetric heat capacity ρc_p of SiO₂ [J/(m³·K)] (CRC Handbook)."""
SI3N4_ABSORPTION_Q = 5e7
"""Absorption-limited Q of Si₃N₄ rings: ASSUMED, neither measured for system A nor taken from a paper.

It implies an absorption rate κ_abs/2π = ν/Q_abs ≈ 3.9 MHz at 1537 nm (α_abs = 2πn_g/(λQ_abs) ≈ 0.17 m⁻¹ ≈
0.75 dB/m at n_g = 2.10) and, through a = Q_i/Q_abs, an absorbing fraction a ≈ 0.044 of the intrinsic loss
of system A's pumped resonance (Q_i ≈ 2.2 × 10⁶). Q_abs of Si₃N₄ has been measured by cavity-enhanced
photothermal spectroscopy (Gao et al., Nat. Commun. 13, 3323 (2022)); this value was not checked against theirs.
The heat's strength scales as 1/Q_abs (``Thermal.si3n4(..., absorption_q=)``)."""


@dataclass(frozen=True)
class Thermal:
    """Thermal model of a ring: one fast pole and an optional slower substrate pole.

    Parameters
    ----------
    time_constant : float
        τ_T [s] of the ring pole.
    resistance : float
        R_th [K/W] of the ring pole.
    dfdT : float
        Resonance shift dν/dT [Hz/K] (negative for Si₃N₄).
    absorption : float
        Fraction of the intrinsic loss κ₀ that heats, in (0, 1].
    substrate_time_constant, substrate_resistance : float, optional
        τ_s [s] and R_s [K/W] of a second, slower pole (none if ``substrate_time_constant`` is None).
    """

    time_constant: float
    resistance: float
    dfdT: float
    absorption: float
    substrate_time_constant: float | None = None
    substrate_resistance: float = 0.0

    def __post_init__(self):
        set_ = object.__setattr__
        set_(self, "time_constant", check_positive("time_constant", self.time_constant, "s"))
        set_(self, "resistance", check_nonnegative("resistance", self.resistance, "K/W"))
        set_(self, "dfdT", check_range("dfdT", self.dfdT, unit="Hz/K"))
        set_(self, "absorption", check_range("absorption", self.absorption, 0.0, 1.0, low_open=True))
        if self.substrate_time_constant is not None:
            set_(self, "substrate_time_constant",
                 check_positive("substrate_time_constant", self.substrate_time_constant, "s"))
        set_(self, "substrate_resistance", check_nonnegative("substrate_resistance", self.substrate_resistance, "K/W"))

    @classmethod
    def si3n4(cls, ring: Ring, *, oxide_thickness: float = 4e-6, absorption_q: float = SI3N4_ABSORPTION_Q) -> Thermal:
        """Si₃N₄ ring buried in SiO₂ above a silicon substrate (estimates, not measurements).

        * dν/dT = −ν₀(dn/dT)/n_g with the core's dn/dT (the SiO₂ cladding's is ≈ 2.5× smaller, so
          this is an upper bound by ≲ 30 % for a well-confined mode);
        * R_th = arccosh(d/r₀)/(2πk·L): a cylinder of radius r₀ = √(A_eff/π) at depth d above an
          isothermal substrate (image method, Carslaw & Jaeger, Conduction of Heat in Solids, 1959);
        * τ_T = d²ρc_p/k, the diffusion time through the oxide;
        * a = Q_i/Q_abs.

        Parameters
        ----------
        ring : Ring
        oxide_thickness : float
            Depth d of the waveguide above the silicon substrate [m] (assumed 4 µm).
        absorption_q : float
            Absorption-limited Q (assumed 5 × 10⁷, see :data:`SI3N4_ABSORPTION_Q`).
        """
        if not isinstance(ring, Ring):
            raise ValueError(f"ring must be a combchip.Ring, got {type(ring).__name__}")
        radius = np.sqrt(ring.a_eff / np.pi)
        depth = check_range("oxide_thickness", oxide_thickness, radius, 1e-3, "m", low_open=True)
        absorption_q = check_positive("absorption_q", absorption_q)
        resistance = np.arccosh(depth / radius) / (2 * np.pi * SIO2_CONDUCTIVITY * ring.length)
        return cls(
            time_constant=depth**2 * SIO2_HEAT_CAPACITY / SIO2_CONDUCTIVITY,
            resistance=float(resistance),
            dfdT=-ring.frequency * THERMO_OPTIC["Si3N4"] / ring.n_g,
            absorption=min(1.0, ring.q_i / absorption_q),
        )

    def poles(self, norm: Normalization, aux: AuxLaser | None = None) -> HeatPoles:
        """Normalized poles: r_i = 2/(κτ_i), g_i = (4π dν/dT/κ)·R_i·a·κ₀·(P_circ per |ψ|²)/FSR."""
        ring = norm.ring
        per_unit = self.absorption * ring.kappa0 * norm.circulating_power_per_unit / ring.fsr
        times, resistances = [self.time_constant], [self.resistance]
        if self.substrate_time_constant is not None:
            times.append(self.substrate_time_constant)
            resistances.append(self.substrate_resistance)
        scale = 4 * np.pi * self.dfdT / norm.kappa
        return HeatPoles(
            rates=tuple(2 / (norm.kappa * t) for t in times),
            gains=tuple(scale * r * per_unit for r in resistances),
            aux_weight=0.0 if aux is None else aux.heat_weight(norm),
        )

    def temperature(self, shift: np.ndarray, norm: Normalization) -> np.ndarray:
        """T [K] from the normalized shift x = 4π(dν/dT)T/κ."""
        return np.asarray(shift) * norm.kappa / (4 * np.pi * self.dfdT) if self.dfdT != 0 else np.zeros(np.shape(shift))

    def to_dict(self) -> dict:
        """Plain-number description, enough to rebuild the model."""
        return {k: getattr(self, k) for k in ("time_constant", "resistance", "dfdT", "absorption",
                                              "substrate_time_constant", "substrate_resistance")}


@dataclass(frozen=True, eq=False)
class AuxLaser:
    """A counter-propagating auxiliary pump in the resonance ``mode`` FSRs from the pumped one.

    It couples to the comb only by cross-phase modulation (twice its power; full overlap of the
    same spatial mode, and the same Kerr coefficient g as the pumped resonance, are assumed) and
    by the shared heat (Zhou et al., Light Sci. Appl. 8, 50 (2019); Zhang et al., Optica 6, 206 (2019)).

    Parameters
    ----------
    power : float
        On-chip power [W].
    mode : int
        Relative mode number μ ≠ 0 of its resonance.
    detuning : float or DetuningSchedule
        (ω_μ − ω_aux)/2π [Hz], positive on the red side.
    linewidth : float, optional
        Loaded FWHM κ_aux/2π [Hz] of its resonance; the ring's by default.
    coupling : float, optional
        κ_ex/κ of its resonance; the ring's by default.
    """

    power: float
    mode: int
    detuning: float | DetuningSchedule = 0.0
    linewidth: float | None = None
    coupling: float | None = None

    def __post_init__(self):
        set_ = object.__setattr__
        set_(self, "power", check_nonnegative("power", self.power, "W"))
        if isinstance(self.mode, bool) or not isinstance(self.mode, (int, np.integer)) or self.mode == 0:
            raise ValueError(f"mode must be a nonzero integer (0 is the pumped resonance), got {self.mode!r}")
        set_(self, "mode", int(self.mode))
        if not isinstance(self.detuning, DetuningSchedule):
            set_(self, "detuning", DetuningSchedule.constant(check_range("detuning", self.detuning, unit="Hz")))
        if self.linewidth is not None:
            set_(self, "linewidth", check_positive("linewidth", self.linewidth, "Hz"))
        if self.coupling is not None:
            set_(self, "coupling", check_range("coupling", self.coupling, 0.0, 1.0, low_open=True, high_open=True))

    def _rates(self, ring: Ring) -> tuple[float, float]:
        kappa = ring.kappa if self.linewidth is None else 2 * np.pi * self.linewidth
        eta = ring.coupling if self.coupling is None else self.coupling
        return kappa, eta

    def omega(self, ring: Ring) -> float:
        """Angular frequency of its resonance [rad/s]."""
        return float(2 * np.pi * ring.resonance_frequencies(self.mode))

    def heat_weight(self, norm: Normalization) -> float:
        """w = κ₀,aux·ω_aux/(κ₀·ω₀): heating by |b|² relative to that by |ψ|²."""
        kappa, eta = self._rates(norm.ring)
        return kappa * (1 - eta) * self.omega(norm.ring) / (norm.ring.kappa0 * norm.ring.omega0)

    def power_per_unit(self, norm: Normalization) -> float:
        """Circulating power [W] per unit |b|²: ħω_aux·FSR·κ/(2g)."""
        return hbar * self.omega(norm.ring) * norm.ring.fsr * norm.kappa / (2 * norm.g0)

    def normalized(self, norm: Normalization) -> AuxMode:
        """f_b² = 8gκ_ex,aux·P/(κ³ħω_aux), l_b = κ_aux/κ, ζ_b = 4πΔν_aux/κ (all with the main κ)."""
        kappa, eta = self._rates(norm.ring)
        f2 = 8 * norm.g0 * kappa * eta * self.power / (norm.kappa**3 * hbar * self.omega(norm.ring))
        return AuxMode(f=float(np.sqrt(f2)), loss=kappa / norm.kappa, schedule=self.detuning.normalized(norm))

    def to_dict(self) -> dict:
        """Plain-number description, enough to rebuild the laser."""
        return {"power": self.power, "mode": self.mode, "detuning": self.detuning.to_dict(),
                "linewidth": self.linewidth, "coupling": self.coupling}

    @classmethod
    def from_dict(cls, data: dict) -> AuxLaser:
        """Inverse of :meth:`to_dict`."""
        detuning = data["detuning"]
        return cls(**(data | {"detuning": DetuningSchedule(tuple(detuning["time"]), tuple(detuning["detuning"]))}))

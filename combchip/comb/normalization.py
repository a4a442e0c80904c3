"""Map a ring and a pump in SI units to the normalized LLE and back.

τ = κt/2, ζ = 2(ω₀ − ω_p)/κ, ψ = √(2g/κ)·a (|a|² photons), d_int = 2D_int/κ and
f² = 8gκ_exP_in/(κ³ħω₀) (Herr et al., Nat. Photon. 8, 145 (2014); Godey et al., PRA 89, 063814 (2014)).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.constants import hbar

from .lasers import Laser
from .resonator import Ring


@dataclass(frozen=True)
class Normalization:
    """Scale factors between SI and normalized LLE units for one ring and pump.

    Attributes
    ----------
    kappa : float
        Loaded decay rate κ [rad/s].
    g0 : float
        Kerr shift per photon g [rad/s].
    f2 : float
        Normalized pump power f².
    eta : float
        Coupling ratio κ_ex/κ.
    pump_power : float
        On-chip pump power [W].
    circulating_power_per_unit : float
        Intracavity circulating power ħω₀·FSR·κ/(2g) [W] per unit of |ψ|².
    output_power_per_unit : float
        Bus output power ħω₀κ_ex·κ/(2g) [W] per unit of |ψ_μ|².
    """

    kappa: float
    g0: float
    f2: float
    eta: float
    pump_power: float
    circulating_power_per_unit: float
    output_power_per_unit: float
    ring: Ring
    pump: Laser

    @property
    def f(self) -> float:
        """Normalized drive amplitude f."""
        return float(np.sqrt(self.f2))

    @property
    def threshold_power(self) -> float:
        """Pump power at f² = 1, the parametric (MI) threshold of the resonant pump [W]."""
        return self.pump_power / self.f2 if self.f2 > 0 else np.inf

    @property
    def zeta_max(self) -> float:
        """Upper detuning limit of soliton existence, π²f²/8."""
        return np.pi**2 * self.f2 / 8

    def zeta(self, detuning_hz: ArrayLike) -> np.ndarray:
        """ζ = 2·2π·Δν/κ for a detuning Δν = (ω₀ − ω_p)/2π [Hz]."""
        return 4 * np.pi * np.asarray(detuning_hz, dtype=float) / self.kappa

    def detuning_hz(self, zeta: ArrayLike) -> np.ndarray:
        """Δν = ζκ/(4π) [Hz]."""
        return np.asarray(zeta, dtype=float) * self.kappa / (4 * np.pi)

    def tau(self, time_s: ArrayLike) -> np.ndarray:
        """τ = κt/2."""
        return np.asarray(time_s, dtype=float) * self.kappa / 2

    def time_s(self, tau: ArrayLike) -> np.ndarray:
        """t = 2τ/κ [s]."""
        return 2 * np.asarray(tau, dtype=float) / self.kappa

    def d_int(self, mu: ArrayLike) -> np.ndarray:
        """Normalized integrated dispersion 2D_int(μ)/κ."""
        return 2 * self.ring.integrated_dispersion(mu) / self.kappa

    @property
    def d2(self) -> float:
        """Normalized curvature d₂ = d_int(1) + d_int(−1) − 2d_int(0) (= 2D₂/κ for a pure D₂ ring)."""
        return float(np.sum(self.d_int(np.array([1, -1]))) - 2 * self.d_int(np.array([0]))[0])

    def vacuum_variance(self) -> float:
        """E|ψ_μ|² of half a photon per mode, g/κ."""
        return self.g0 / self.kappa

    def pump_transmission(self, pump_mode: ArrayLike) -> np.ndarray:
        """Bus transmission of the pump line |1 − 2ηψ₀/f|²."""
        if self.f2 == 0:
            return np.ones(np.shape(pump_mode))
        return np.abs(1 - 2 * self.eta * np.asarray(pump_mode) / self.f) ** 2


def normalize(ring: Ring, pump: Laser) -> Normalization:
    """Normalized LLE parameters of ``ring`` driven by ``pump``.

    The pump must sit within half an FSR of the ring's resonance μ = 0.
    """
    if not isinstance(ring, Ring):
        raise ValueError(f"ring must be a combchip.Ring, got {type(ring).__name__}")
    if not isinstance(pump, Laser):
        raise ValueError(f"pump must be a combchip.Laser, got {type(pump).__name__}")
    offset = abs(pump.frequency - ring.frequency)
    if offset > ring.fsr / 2:
        raise ValueError(
            f"pump wavelength {pump.wavelength:.6g} m is {offset:.3g} Hz from the ring resonance at "
            f"{ring.wavelength:.6g} m, more than fsr/2 = {ring.fsr / 2:.3g} Hz"
        )
    kappa, g0 = ring.kappa, ring.g0
    photon_energy = hbar * ring.omega0
    f2 = 8 * g0 * ring.kappa_ex * pump.power / (kappa**3 * photon_energy)
    photons_per_unit = kappa / (2 * g0)
    return Normalization(
        kappa=kappa,
        g0=g0,
        f2=f2,
        eta=ring.coupling,
        pump_power=pump.power,
        circulating_power_per_unit=photon_energy * ring.fsr * photons_per_unit,
        output_power_per_unit=photon_energy * ring.kappa_ex * photons_per_unit,
        ring=ring,
        pump=pump,
    )

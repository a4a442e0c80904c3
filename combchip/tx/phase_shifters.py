"""Phase shifters for transmitter chips: silicon carrier depletion, InP Pockels and thermo-optic.

Every shifter has a ``length`` [m] and answers ``phase(drive, wavelength)`` [rad] (relative to zero
drive, positive when the effective index rises), ``loss_db(drive, wavelength)`` [dB] and
``v_pi(wavelength)`` [V]. Drives and wavelengths broadcast against each other. All inputs are SI:
m, V, W, K, s, F, Ω; doping densities in m⁻³ (5e23 m⁻³ = 5e17 cm⁻³).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

import numpy as np
from numpy.typing import ArrayLike
from scipy.constants import e as Q_E
from scipy.constants import epsilon_0, k as K_B
from scipy.optimize import brentq
from scipy.special import ndtr

from ..units import neper_to_db
from ..validation import check_choice, check_nonnegative, check_positive, check_range
from ..waveguide import THERMO_OPTIC, Material, refractive_index
from .rf import RCResponse

__all__ = [
    "BAND",
    "DN_DT",
    "Carrier",
    "DepletionPhaseShifter",
    "ElectroOpticPhaseShifter",
    "PhaseShifter",
    "PlasmaModel",
    "ThermoOpticMaterial",
    "ThermoOpticPhaseShifter",
    "plasma_dispersion",
    "silicon_mobility",
    "slab_confinement",
]

BAND = (1.26e-6, 1.70e-6)
"""Wavelength range [m] (O to U band) over which the material coefficients below are used."""

PlasmaModel = Literal["soref", "nedeljkovic"]
"""Free-carrier dispersion coefficients of :func:`plasma_dispersion`."""
Carrier = Literal["electron", "hole"]
"""Carrier type of :func:`silicon_mobility`."""
ThermoOpticMaterial = Literal["Si", "Si3N4", "InP"]
"""Waveguide cores with a thermo-optic coefficient in :data:`DN_DT`."""

DN_DT = {name: THERMO_OPTIC[name] for name in ("Si", "Si3N4", "InP")}
"""Thermo-optic coefficients dn/dT [1/K] of the waveguide cores (:data:`combchip.waveguide.THERMO_OPTIC`)."""

EPS_SI = 11.7
"""Static relative permittivity of silicon."""

_LAMBDA_REF = 1550e-9
_PLASMA = {
    "soref": ((8.8e-22, 1.0), (8.5e-18, 0.8), (8.5e-18, 1.0), (6.0e-18, 1.0)),
    "nedeljkovic": ((5.40e-22, 1.011), (1.53e-18, 0.838), (8.88e-21, 1.167), (5.84e-20, 1.109)),
}
_V_MAX = 1e3


@runtime_checkable
class PhaseShifter(Protocol):
    """A section of length ``length`` [m] that adds a drive-dependent optical phase."""

    length: float

    def phase(self, drive: ArrayLike, wavelength: ArrayLike = _LAMBDA_REF) -> float | np.ndarray:
        """Phase added relative to zero drive, 2π·Δn_eff·L/λ [rad]."""

    def loss_db(self, drive: ArrayLike, wavelength: ArrayLike = _LAMBDA_REF) -> float | np.ndarray:
        """Optical loss of the section at that drive [dB], ≥ 0."""

    def v_pi(self, wavelength: float = _LAMBDA_REF) -> float:
        """Drive voltage for |Δφ| = π [V]."""


def _out(x):
    return float(x) if np.ndim(x) == 0 else x


def _array(name, value, low=-np.inf, high=np.inf, unit=""):
    """``value`` as a float array whose elements lie in [low, high], else ``ValueError`` naming the first bad one."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a real number or array, got {value!r}") from None
    bad = ~np.isfinite(arr) | (arr < low) | (arr > high)
    if np.any(bad):
        check_range(name, arr[bad].flat[0], low, high, unit)
    return arr


def _wavelength(value):
    return _array("wavelength", value, *BAND, "m")


def _scalar_wavelength(value):
    return check_range("wavelength", value, *BAND, "m")


def _solve_drive(excess, start, limit, what):
    """Smallest bracketed root of ``excess(v)`` (negative at 0) on (0, limit], by doubling then brentq."""
    high = start
    while excess(high) < 0:
        if high >= limit:
            raise ValueError(f"{what} is not reached for drives up to {limit:g}")
        high = min(2 * high, limit)
    return brentq(excess, 0.0, high, xtol=1e-12, rtol=1e-12)


def plasma_dispersion(delta_ne: ArrayLike, delta_nh: ArrayLike, wavelength: ArrayLike = _LAMBDA_REF,
                      model: PlasmaModel = "soref") -> tuple[float | np.ndarray, float | np.ndarray]:
    """Free-carrier index and absorption change of silicon.

    Δn = −(a·ΔN_e^b + c·ΔN_h^d), Δα = e·ΔN_e^f + g·ΔN_h^h with densities in cm⁻³ and Δα in cm⁻¹
    (converted here to m⁻³ and m⁻¹). Coefficients at 1550 nm:

    - ``"soref"`` (R. A. Soref and B. R. Bennett, IEEE J. Quantum Electron. 23, 123 (1987)):
      Δn = −(8.8e-22 ΔN_e + 8.5e-18 ΔN_h^0.8), Δα = 8.5e-18 ΔN_e + 6.0e-18 ΔN_h;
    - ``"nedeljkovic"`` (M. Nedeljkovic, R. Soref and G. Z. Mashanovich, IEEE Photon. J. 3, 1171
      (2011), Table at 1.55 µm): Δn = −(5.40e-22 ΔN_e^1.011 + 1.53e-18 ΔN_h^0.838),
      Δα = 8.88e-21 ΔN_e^1.167 + 5.84e-20 ΔN_h^1.109.

    Away from 1550 nm both are scaled by the Drude law (λ/1550 nm)².

    Parameters
    ----------
    delta_ne, delta_nh : float or array_like
        Added electron and hole densities [m⁻³], ≥ 0.
    wavelength : float or array_like
        Vacuum wavelength [m], inside ``BAND``.
    model : {"soref", "nedeljkovic"}

    Returns
    -------
    dn, dalpha : float or ndarray
        Refractive-index change (negative) and power absorption change [1/m].
    """
    check_choice("model", model, PlasmaModel)
    ne = _array("delta_ne", delta_ne, 0.0, 1e27, "m^-3") * 1e-6
    nh = _array("delta_nh", delta_nh, 0.0, 1e27, "m^-3") * 1e-6
    scale = (_wavelength(wavelength) / _LAMBDA_REF) ** 2
    (a, b), (c, d), (e, f), (g, h) = _PLASMA[model]
    dn = -(a * ne**b + c * nh**d) * scale
    dalpha = 100.0 * (e * ne**f + g * nh**h) * scale
    return _out(dn), _out(dalpha)


def silicon_mobility(density: ArrayLike, carrier: Carrier, temperature: float = 300.0) -> float | np.ndarray:
    """Doping-dependent drift mobility of silicon [m²/(V·s)].

    μ = μ_min·T_n^−0.57 + μ₀·T^β / (1 + (N/(N_ref·T_n^2.4))^(0.88·T_n^−0.146)), T_n = T/300 K, with
    electrons μ_min = 88, μ₀ = 7.4e8, β = −2.33, N_ref = 1.26e17 cm⁻³ and holes μ_min = 54.3,
    μ₀ = 1.36e8, β = −2.23, N_ref = 2.35e17 cm⁻³ (cm²/(V·s)); N. D. Arora, J. R. Hauser and
    D. J. Roulston, IEEE Trans. Electron Devices 29, 292 (1982).

    Parameters
    ----------
    density : float or array_like
        Ionised dopant density [m⁻³].
    carrier : {"electron", "hole"}
    temperature : float
        Lattice temperature [K].
    """
    params = {"electron": (88.0, 7.4e8, -2.33, 1.26e17), "hole": (54.3, 1.36e8, -2.23, 2.35e17)}
    check_choice("carrier", carrier, Carrier)
    n_cm = _array("density", density, 0.0, 1e27, "m^-3") * 1e-6
    t = check_range("temperature", temperature, 200.0, 500.0, "K")
    tn = t / 300.0
    mu_min, mu0, beta, n_ref = params[carrier]
    mu = mu_min * tn**-0.57 + mu0 * t**beta / (1 + (n_cm / (n_ref * tn**2.4)) ** (0.88 * tn**-0.146))
    return _out(mu * 1e-4)


def slab_confinement(*, height: float, wavelength: float = _LAMBDA_REF, core: Material = "Si",
                     cladding: Material = "SiO2") -> float:
    """Fraction of the TE₀ power inside the core of a symmetric slab of thickness ``height``.

    Γ = (d/2 + sin(qd)/2q) / (d/2 + sin(qd)/2q + cos²(qd/2)/p) with the even-mode condition
    tan(qd/2) = p/q, q = k₀√(n₁² − N²), p = k₀√(N² − n₂²); K. Okamoto, Fundamentals of Optical
    Waveguides, 2nd ed. (2006), ch. 2.

    Parameters
    ----------
    height : float
        Core thickness d [m].
    wavelength : float
        Vacuum wavelength [m].
    core, cladding : Material
        Materials known to :func:`combchip.waveguide.refractive_index`.
    """
    d = check_range("height", height, 0.0, 1e-5, "m", low_open=True)
    lam = _scalar_wavelength(wavelength)
    n1 = float(refractive_index(check_choice("core", core, Material), lam))
    n2 = float(refractive_index(check_choice("cladding", cladding, Material), lam))
    k0 = 2 * np.pi / lam

    def even_mode(neff):
        q = k0 * np.sqrt(n1**2 - neff**2)
        p = k0 * np.sqrt(neff**2 - n2**2)
        return q * d / 2 - np.arctan2(p, q)

    neff = brentq(even_mode, n2 * (1 + 1e-12), n1 * (1 - 1e-12), xtol=1e-14)
    q = k0 * np.sqrt(n1**2 - neff**2)
    p = k0 * np.sqrt(neff**2 - n2**2)
    inside = d / 2 + np.sin(q * d) / (2 * q)
    return float(inside / (inside + np.cos(q * d / 2) ** 2 / p))


@dataclass(frozen=True, kw_only=True)
class DepletionPhaseShifter:
    """Lateral p-n junction in a silicon rib waveguide, driven in reverse bias.

    A positive ``voltage`` is a reverse bias V. The abrupt junction is depleted over
    W(V) = √(2ε_Si(V_bi + V)(N_A + N_D)/(q N_A N_D)), V_bi = (kT/q)·ln(N_A N_D/n_i²), reaching
    x_p = W·N_D/(N_A + N_D) into the p side and x_n = W·N_A/(N_A + N_D) into the n side (S. M. Sze,
    Physics of Semiconductor Devices, 3rd ed. (2007), ch. 2). Depletion removes the holes (N_A) in
    [x_j − x_p(V), x_j − x_p(0)] and the electrons (N_D) in [x_j + x_n(0), x_j + x_n(V)], which raises
    the silicon index by −Δn_h(N_A) and −Δn_e(N_D) of :func:`plasma_dispersion`.

    Overlap model: the mode intensity is I(x, y) = g(x)·h(y), with g a unit-area Gaussian of
    1/e² full width ``mode_width`` centred on the rib (σ = mode_width/4), and ∫h over the rib height
    equal to ``vertical_confinement`` Γ_y. Hence, with G the Gaussian's cumulative distribution,

        Δn_eff(V) = Γ_y·[−Δn_h(N_A)·(G(x_j − x_p(0)) − G(x_j − x_p(V)))
                         − Δn_e(N_D)·(G(x_j + x_n(V)) − G(x_j + x_n(0)))],
        α(V) = Γ_y·[Δα_h(N_A)·G(x_j − x_p(V)) + Δα_e(N_D)·(1 − G(x_j + x_n(V)))],

    the second being the free-carrier absorption of the undepleted doping (assumed uniform out to
    the contacts). Δφ = 2π·Δn_eff·L/λ > 0 under reverse bias; loss = 10·log₁₀(e)·α·L + base loss.
    Valid for V > −V_bi; forward injection is not modelled.

    Parameters
    ----------
    length : float
        Length of the section [m].
    width, height, slab_height : float
        Rib width, rib height and slab thickness [m].
    n_a, n_d : float
        Acceptor (p side) and donor (n side) densities [m⁻³].
    junction_offset : float
        Junction position x_j from the rib centre towards the n side [m].
    model : {"soref", "nedeljkovic"}
        Plasma-dispersion coefficients.
    mode_width : float, optional
        1/e² full width of the lateral intensity profile [m]; ``width`` if omitted.
    vertical_confinement : float, optional
        Γ_y; the TE₀ confinement of a Si slab of thickness ``height`` in SiO₂ at 1550 nm
        (:func:`slab_confinement`) if omitted. Γ_y and g are held fixed over the band.
    base_loss_db_per_m : float
        Passive propagation loss of the undoped rib [dB/m].
    contact_distance : float
        Slab distance from each rib edge to the ohmic (p⁺⁺/n⁺⁺) contact [m].
    temperature : float
        [K].
    intrinsic_density : float
        n_i [m⁻³] at ``temperature`` (1.0e16 m⁻³ at 300 K: A. B. Sproul and M. A. Green,
        J. Appl. Phys. 70, 846 (1991)).
    """

    length: float = 3.5e-3
    width: float = 500e-9
    height: float = 220e-9
    slab_height: float = 90e-9
    n_a: float = 5e23
    n_d: float = 5e23
    junction_offset: float = 0.0
    model: PlasmaModel = "soref"
    mode_width: float | None = None
    vertical_confinement: float | None = None
    base_loss_db_per_m: float = 100.0
    contact_distance: float = 1.0e-6
    temperature: float = 300.0
    intrinsic_density: float = 1.0e16

    def __post_init__(self):
        set_ = object.__setattr__
        set_(self, "length", check_range("length", self.length, 0.0, 1.0, "m", low_open=True))
        set_(self, "width", check_range("width", self.width, 0.0, 1e-5, "m", low_open=True))
        set_(self, "height", check_range("height", self.height, 0.0, 2e-6, "m", low_open=True))
        set_(self, "slab_height", check_range("slab_height", self.slab_height, 0.0, self.height, "m",
                                              low_open=True, high_open=True))
        set_(self, "n_a", check_range("n_a", self.n_a, 1e21, 1e26, "m^-3"))
        set_(self, "n_d", check_range("n_d", self.n_d, 1e21, 1e26, "m^-3"))
        set_(self, "junction_offset", check_range("junction_offset", self.junction_offset,
                                                  -self.width / 2, self.width / 2, "m"))
        check_choice("model", self.model, PlasmaModel)
        mode_width = self.width if self.mode_width is None else self.mode_width
        set_(self, "mode_width", check_range("mode_width", mode_width, 0.0, 1e-5, "m", low_open=True))
        gamma = self.vertical_confinement
        if gamma is None:
            gamma = slab_confinement(height=self.height)
        set_(self, "vertical_confinement", check_range("vertical_confinement", gamma, 0.0, 1.0, low_open=True))
        set_(self, "base_loss_db_per_m", check_nonnegative("base_loss_db_per_m", self.base_loss_db_per_m, "dB/m"))
        set_(self, "contact_distance", check_nonnegative("contact_distance", self.contact_distance, "m"))
        set_(self, "temperature", check_range("temperature", self.temperature, 200.0, 500.0, "K"))
        set_(self, "intrinsic_density", check_range("intrinsic_density", self.intrinsic_density, 0.0,
                                                    min(self.n_a, self.n_d), "m^-3", low_open=True))

    @property
    def builtin_voltage(self) -> float:
        """V_bi = (kT/q)·ln(N_A N_D/n_i²) [V]."""
        return K_B * self.temperature / Q_E * np.log(self.n_a * self.n_d / self.intrinsic_density**2)

    def _voltage(self, voltage):
        v = _array("voltage", voltage, unit="V")
        if np.any(v <= -self.builtin_voltage):
            raise ValueError(f"voltage = {v[v <= -self.builtin_voltage].flat[0]!r} V must exceed "
                             f"-V_bi = {-self.builtin_voltage:.4g} V (reverse bias is positive)")
        return v

    def depletion_width(self, voltage: ArrayLike) -> float | np.ndarray:
        """W(V) = √(2ε_Si(V_bi + V)(N_A + N_D)/(q N_A N_D)) [m] at reverse bias ``voltage`` [V]."""
        v = self._voltage(voltage)
        factor = 2 * EPS_SI * epsilon_0 * (self.n_a + self.n_d) / (Q_E * self.n_a * self.n_d)
        return _out(np.sqrt(factor * (self.builtin_voltage + v)))

    def depletion_edges(self, voltage: ArrayLike) -> tuple[float | np.ndarray, float | np.ndarray]:
        """(x_p, x_n) = W·(N_D, N_A)/(N_A + N_D) [m]: depth of the depletion into the p and n sides."""
        w = np.asarray(self.depletion_width(voltage))
        total = self.n_a + self.n_d
        return _out(w * self.n_d / total), _out(w * self.n_a / total)

    def _lateral_cdf(self, x):
        return ndtr(x / (self.mode_width / 4))

    def _carrier_coefficients(self, wavelength):
        dn_e, da_e = plasma_dispersion(self.n_d, 0.0, wavelength, self.model)
        dn_h, da_h = plasma_dispersion(0.0, self.n_a, wavelength, self.model)
        return np.asarray(dn_e), np.asarray(da_e), np.asarray(dn_h), np.asarray(da_h)

    def delta_n_eff(self, voltage: ArrayLike, wavelength: ArrayLike = _LAMBDA_REF) -> float | np.ndarray:
        """Effective-index change Δn_eff(V) − Δn_eff(0) (overlap model in the class docstring)."""
        v = self._voltage(voltage)
        dn_e, _, dn_h, _ = self._carrier_coefficients(wavelength)
        xp0, xn0 = self.depletion_edges(0.0)
        xp, xn = (np.asarray(x) for x in self.depletion_edges(v))
        xj = self.junction_offset
        holes = self._lateral_cdf(xj - xp0) - self._lateral_cdf(xj - xp)
        electrons = self._lateral_cdf(xj + xn) - self._lateral_cdf(xj + xn0)
        return _out(-self.vertical_confinement * (dn_h * holes + dn_e * electrons))

    def phase(self, voltage: ArrayLike, wavelength: ArrayLike = _LAMBDA_REF) -> float | np.ndarray:
        """Δφ = 2π·Δn_eff(V)·L/λ [rad] at reverse bias ``voltage`` [V], relative to 0 V."""
        lam = _wavelength(wavelength)
        return _out(2 * np.pi * np.asarray(self.delta_n_eff(voltage, lam)) * self.length / lam)

    def absorption(self, voltage: ArrayLike, wavelength: ArrayLike = _LAMBDA_REF) -> float | np.ndarray:
        """Free-carrier power absorption α(V) of the undepleted doping seen by the mode [1/m]."""
        v = self._voltage(voltage)
        _, da_e, _, da_h = self._carrier_coefficients(wavelength)
        xp, xn = (np.asarray(x) for x in self.depletion_edges(v))
        xj = self.junction_offset
        undepleted = da_h * self._lateral_cdf(xj - xp) + da_e * (1 - self._lateral_cdf(xj + xn))
        return _out(self.vertical_confinement * undepleted)

    def loss_db(self, voltage: ArrayLike, wavelength: ArrayLike = _LAMBDA_REF) -> float | np.ndarray:
        """Loss 10·log₁₀(e)·α(V)·L + base_loss_db_per_m·L [dB]."""
        alpha = np.asarray(self.absorption(voltage, wavelength))
        return _out((neper_to_db(alpha / 2) + self.base_loss_db_per_m) * self.length)  # field decays at α/2

    def v_pi(self, wavelength: float = _LAMBDA_REF) -> float:
        """Reverse bias giving Δφ = π on this section [V]."""
        lam = _scalar_wavelength(wavelength)
        return _solve_drive(lambda v: self.phase(v, lam) - np.pi, 1.0, _V_MAX, "a π phase shift")

    def v_pi_l(self, wavelength: float = _LAMBDA_REF) -> float:
        """Modulation efficiency Vπ·L [V·m] of this section (it grows with Vπ since Δn_eff ∝ √V roughly)."""
        return self.v_pi(wavelength) * self.length

    def push_pull_v_pi(self, bias: float, wavelength: float = _LAMBDA_REF) -> float:
        """Differential drive v for a π phase difference between two identical arms [V].

        The arms sit at reverse biases ``bias`` ± v/2 and φ(bias + v/2) − φ(bias − v/2) = π is solved
        for v ≤ 2·bias, so that neither arm is forward biased.
        """
        b = check_range("bias", bias, 0.0, _V_MAX, "V", low_open=True)
        lam = _scalar_wavelength(wavelength)

        def excess(v):
            return self.phase(b + v / 2, lam) - self.phase(b - v / 2, lam) - np.pi

        if excess(2 * b) < 0:
            raise ValueError(f"bias = {bias!r} V is too small: a π phase difference needs an arm in forward bias")
        return brentq(excess, 0.0, 2 * b, xtol=1e-12, rtol=1e-12)

    def capacitance(self, voltage: ArrayLike) -> float | np.ndarray:
        """Junction capacitance C(V) = ε_Si·h·L/W(V) [F] (h = rib height)."""
        w = np.asarray(self.depletion_width(voltage))
        return _out(EPS_SI * epsilon_0 * self.height * self.length / w)

    @property
    def resistance(self) -> float:
        """Series resistance R = Σ_sides ρ·(d_rib/h + contact_distance/h_slab)/L [Ω].

        ρ = 1/(q N μ(N)) with :func:`silicon_mobility`; d_rib is the distance from the junction to the
        rib edge. The current path is taken at zero bias and the contacts as ideal.
        """
        rho_p = 1 / (Q_E * self.n_a * silicon_mobility(self.n_a, "hole", self.temperature))
        rho_n = 1 / (Q_E * self.n_d * silicon_mobility(self.n_d, "electron", self.temperature))
        rib_p = self.width / 2 + self.junction_offset
        rib_n = self.width / 2 - self.junction_offset
        slab = self.contact_distance / self.slab_height
        return (rho_p * (rib_p / self.height + slab) + rho_n * (rib_n / self.height + slab)) / self.length

    def rc_bandwidth(self, voltage: ArrayLike) -> float | np.ndarray:
        """Lumped RC cutoff f_RC = 1/(2π·R·C(V)) [Hz]."""
        return _out(1 / (2 * np.pi * self.resistance * np.asarray(self.capacitance(voltage))))


@dataclass(frozen=True, kw_only=True)
class ElectroOpticPhaseShifter:
    """Linear (Pockels) electro-optic phase shifter in a reverse-biased p-i-n waveguide (InP defaults).

    Δn = ½·n³·Γ·(r·V/d + s·(V/d)²), Δφ = 2π·Δn·L/λ, so with s = 0 Vπ = λ·d/(n³·r·Γ·L)
    (A. Yariv and P. Yeh, Photonics, 6th ed. (2007), ch. 9). A positive ``voltage`` is the reverse
    bias across the intrinsic layer; the sign of ``r`` (set by the crystal orientation of the
    waveguide) fixes the sign of the phase. n, r and s are held fixed over the band.

    Parameters
    ----------
    length : float
        [m].
    refractive_index : float
        n (InP 3.17 at 1550 nm).
    r : float
        Electro-optic coefficient [m/V] (InP r₄₁ ≈ 1.4 pm/V).
    thickness : float
        Intrinsic-layer thickness d [m].
    overlap : float
        Γ, overlap of the optical mode with the field region.
    quadratic : float
        Quadratic electro-optic coefficient s [m²/V²]; 0 for a purely linear shifter.
    loss_db_per_m : float
        Propagation loss [dB/m].
    electrode_width : float
        Width of the p-i-n junction [m].
    relative_permittivity : float
        Static ε_r of the intrinsic layer (InP 12.4).
    cladding_resistivity, cladding_thickness : float
        Resistivity [Ω·m] and thickness [m] of the p-doped upper cladding the current crosses (p-InP at
        1e18 cm⁻³, μ_h ≈ 60 cm²/(V·s): ρ ≈ 1e-3 Ω·m).
    contact_resistivity : float
        Specific p-contact resistivity [Ω·m²] (1e-10 Ω·m² = 1e-6 Ω·cm²).

    A lumped electrode is a capacitor C charged through its series resistance and the driver:
    :meth:`rc_response`. For the 4 mm, 2 µm wide, 0.5 µm thick p-i-n of system C, C ≈ 1.76 pF and a
    50 Ω driver terminated in 50 Ω (25 Ω) give f_RC ≈ 3.6 GHz.
    """

    length: float = 2.0e-3
    refractive_index: float = 3.17
    r: float = 1.4e-12
    thickness: float = 0.5e-6
    overlap: float = 0.7
    quadratic: float = 0.0
    loss_db_per_m: float = 200.0
    electrode_width: float = 2.0e-6
    relative_permittivity: float = 12.4
    cladding_resistivity: float = 1e-3
    cladding_thickness: float = 1.5e-6
    contact_resistivity: float = 1e-10

    def __post_init__(self):
        set_ = object.__setattr__
        set_(self, "length", check_range("length", self.length, 0.0, 1.0, "m", low_open=True))
        set_(self, "refractive_index", check_range("refractive_index", self.refractive_index, 1.0, 5.0))
        set_(self, "r", check_range("r", self.r, -1e-9, 1e-9, "m/V"))
        if self.r == 0.0 and self.quadratic == 0.0:
            raise ValueError("r = 0 and quadratic = 0: the shifter has no electro-optic response")
        set_(self, "thickness", check_range("thickness", self.thickness, 0.0, 1e-4, "m", low_open=True))
        set_(self, "overlap", check_range("overlap", self.overlap, 0.0, 1.0, low_open=True))
        set_(self, "quadratic", check_range("quadratic", self.quadratic, -1e-15, 1e-15, "m^2/V^2"))
        set_(self, "loss_db_per_m", check_nonnegative("loss_db_per_m", self.loss_db_per_m, "dB/m"))
        set_(self, "electrode_width", check_range("electrode_width", self.electrode_width, 0.0, 1e-3, "m",
                                                  low_open=True))
        set_(self, "relative_permittivity", check_range("relative_permittivity", self.relative_permittivity,
                                                        1.0, 100.0))
        set_(self, "cladding_resistivity", check_nonnegative("cladding_resistivity", self.cladding_resistivity,
                                                             "ohm*m"))
        set_(self, "cladding_thickness", check_nonnegative("cladding_thickness", self.cladding_thickness, "m"))
        set_(self, "contact_resistivity", check_nonnegative("contact_resistivity", self.contact_resistivity,
                                                            "ohm*m^2"))

    def delta_n(self, voltage: ArrayLike) -> float | np.ndarray:
        """Δn = ½·n³·Γ·(r·E + s·E²), E = V/d."""
        field = _array("voltage", voltage, unit="V") / self.thickness
        return _out(0.5 * self.refractive_index**3 * self.overlap * (self.r * field + self.quadratic * field**2))

    def phase(self, voltage: ArrayLike, wavelength: ArrayLike = _LAMBDA_REF) -> float | np.ndarray:
        """Δφ = 2π·Δn(V)·L/λ [rad], relative to 0 V."""
        lam = _wavelength(wavelength)
        return _out(2 * np.pi * np.asarray(self.delta_n(voltage)) * self.length / lam)

    def loss_db(self, voltage: ArrayLike, wavelength: ArrayLike = _LAMBDA_REF) -> float | np.ndarray:
        """Propagation loss loss_db_per_m·L [dB], independent of the drive."""
        shape = np.broadcast_shapes(np.shape(_array("voltage", voltage, unit="V")), np.shape(_wavelength(wavelength)))
        return _out(np.full(shape, self.loss_db_per_m * self.length))

    def v_pi(self, wavelength: float = _LAMBDA_REF) -> float:
        """Smallest |V| with |Δφ| = π [V]; λ·d/(n³·|r|·Γ·L) when s = 0."""
        lam = _scalar_wavelength(wavelength)
        best = []
        for sign in (1.0, -1.0):
            try:
                best.append(_solve_drive(lambda v: abs(self.phase(sign * v, lam)) - np.pi, 1.0, _V_MAX,
                                         "a π phase shift"))
            except ValueError:
                pass
        if not best:
            raise ValueError(f"a π phase shift is not reached for |voltage| up to {_V_MAX:g} V")
        return min(best)

    def capacitance(self, voltage: ArrayLike = 0.0) -> float | np.ndarray:
        """C = ε₀·ε_r·w·L/d [F] of the fully depleted intrinsic layer (bias independent)."""
        v = _array("voltage", voltage, unit="V")
        c = epsilon_0 * self.relative_permittivity * self.electrode_width * self.length / self.thickness
        return _out(np.full(v.shape, c))

    @property
    def series_resistance(self) -> float:
        """R = (ρ_clad·t_clad + ρ_c)/(w·L) [Ω]: vertical current through the p cladding and the p contact."""
        area = self.electrode_width * self.length
        return (self.cladding_resistivity * self.cladding_thickness + self.contact_resistivity) / area

    def rc_response(self, source_impedance: float = 50.0, termination_resistance: float | None = 50.0) -> RCResponse:
        """Lumped-electrode response: :class:`~combchip.tx.rf.RCResponse` of C and R behind the driver."""
        return RCResponse(self.series_resistance, float(self.capacitance()), source_impedance,
                          termination_resistance)


@dataclass(frozen=True, kw_only=True)
class ThermoOpticPhaseShifter:
    """Resistive heater over a waveguide; the drive of ``phase`` is the electrical heater power P [W].

    ΔT = P·R_th, Δφ = 2π·(dn/dT)·ΔT·L/λ, so P_π = λ/(2·(dn/dT)·L·R_th); first-order thermal response
    with time constant τ, H(f) = 1/(1 + i2πfτ). ``phase_from_voltage`` and ``v_pi`` use P = V²/R_h.
    When omitted, R_th and τ are estimated for a heater of width w over an oxide of thickness t by
    45° heat spreading: R_th = ln(1 + 2t/w)/(2·k_ox·L), τ = R_th·ρc_p·t(w + t)·L (k_ox = 1.4 W/(m·K),
    ρc_p = 1.61e6 J/(m³·K) for SiO₂); see F. P. Incropera et al., Fundamentals of Heat and Mass
    Transfer, 6th ed. (2007), ch. 3–5. This estimate assumes an SiO₂ layer under the heater; give
    R_th explicitly for InP. dn/dT is held fixed over the band.

    Parameters
    ----------
    length : float
        Heated length L [m].
    material : {"Si", "Si3N4", "InP"}
        Waveguide core; selects dn/dT from ``DN_DT``.
    thermal_resistance : float, optional
        R_th, waveguide temperature rise per heater power [K/W].
    tau : float, optional
        Thermal time constant [s].
    heater_resistance : float
        Electrical resistance R_h of the heater [Ω] (≈ 10 Ω/□ TiN over 100 squares).
    heater_width, oxide_thickness : float
        Geometry for the R_th and τ estimates [m].
    dn_dt : float, optional
        Overrides the material's dn/dT [1/K].
    loss_db_per_m : float
        Passive propagation loss [dB/m]; the heater adds none.
    """

    length: float = 200e-6
    material: ThermoOpticMaterial = "Si"
    thermal_resistance: float | None = None
    tau: float | None = None
    heater_resistance: float = 1.0e3
    heater_width: float = 2.0e-6
    oxide_thickness: float = 2.0e-6
    dn_dt: float | None = None
    loss_db_per_m: float = 0.0

    _K_OXIDE = 1.4
    _RHO_CP_OXIDE = 2200.0 * 730.0

    def __post_init__(self):
        set_ = object.__setattr__
        set_(self, "length", check_range("length", self.length, 0.0, 1.0, "m", low_open=True))
        check_choice("material", self.material, ThermoOpticMaterial)
        set_(self, "heater_width", check_range("heater_width", self.heater_width, 0.0, 1e-3, "m", low_open=True))
        set_(self, "oxide_thickness", check_range("oxide_thickness", self.oxide_thickness, 0.0, 1e-3, "m",
                                                  low_open=True))
        w, t = self.heater_width, self.oxide_thickness
        r_th = np.log(1 + 2 * t / w) / (2 * self._K_OXIDE * self.length) if self.thermal_resistance is None \
            else self.thermal_resistance
        set_(self, "thermal_resistance", check_positive("thermal_resistance", r_th, "K/W"))
        tau = self.thermal_resistance * self._RHO_CP_OXIDE * t * (w + t) * self.length if self.tau is None \
            else self.tau
        set_(self, "tau", check_positive("tau", tau, "s"))
        set_(self, "heater_resistance", check_positive("heater_resistance", self.heater_resistance, "Ohm"))
        dn_dt = DN_DT[self.material] if self.dn_dt is None else self.dn_dt
        set_(self, "dn_dt", check_range("dn_dt", dn_dt, -1e-2, 1e-2, "1/K"))
        if self.dn_dt == 0.0:
            raise ValueError("dn_dt = 0 1/K: the shifter has no thermo-optic response")
        set_(self, "loss_db_per_m", check_nonnegative("loss_db_per_m", self.loss_db_per_m, "dB/m"))

    def temperature_rise(self, power: ArrayLike) -> float | np.ndarray:
        """ΔT = P·R_th [K] for heater power ``power`` [W]."""
        return _out(_array("power", power, 0.0, unit="W") * self.thermal_resistance)

    def phase(self, power: ArrayLike, wavelength: ArrayLike = _LAMBDA_REF) -> float | np.ndarray:
        """Δφ = 2π·(dn/dT)·P·R_th·L/λ [rad] at heater power ``power`` [W] (not a voltage)."""
        lam = _wavelength(wavelength)
        return _out(2 * np.pi * self.dn_dt * np.asarray(self.temperature_rise(power)) * self.length / lam)

    def phase_from_voltage(self, voltage: ArrayLike, wavelength: ArrayLike = _LAMBDA_REF) -> float | np.ndarray:
        """Δφ at heater voltage ``voltage`` [V], with P = V²/R_h."""
        v = _array("voltage", voltage, unit="V")
        return self.phase(v**2 / self.heater_resistance, wavelength)

    def loss_db(self, power: ArrayLike, wavelength: ArrayLike = _LAMBDA_REF) -> float | np.ndarray:
        """Passive loss loss_db_per_m·L [dB], independent of the heater power."""
        shape = np.broadcast_shapes(np.shape(_array("power", power, 0.0, unit="W")), np.shape(_wavelength(wavelength)))
        return _out(np.full(shape, self.loss_db_per_m * self.length))

    @property
    def p_pi(self) -> float:
        """P_π = λ/(2·|dn/dT|·L·R_th) [W] at 1550 nm."""
        return _LAMBDA_REF / (2 * abs(self.dn_dt) * self.length * self.thermal_resistance)

    def v_pi(self, wavelength: float = _LAMBDA_REF) -> float:
        """Heater voltage giving |Δφ| = π [V] (√(P_π·R_h))."""
        lam = _scalar_wavelength(wavelength)
        return _solve_drive(lambda v: abs(self.phase_from_voltage(v, lam)) - np.pi, 1.0, _V_MAX, "a π phase shift")

    def step_response(self, t: ArrayLike) -> float | np.ndarray:
        """Fraction of the final phase reached a time ``t`` [s] after a power step: 1 − exp(−t/τ), 0 for t < 0."""
        t = _array("t", t, unit="s")
        return _out(np.where(t > 0, -np.expm1(-np.maximum(t, 0.0) / self.tau), 0.0))

    def frequency_response(self, f: ArrayLike) -> complex | np.ndarray:
        """Complex small-signal response H(f) = 1/(1 + i·2π·f·τ) of the phase to heater power."""
        h = 1 / (1 + 2j * np.pi * _array("f", f, 0.0, unit="Hz") * self.tau)
        return complex(h) if h.ndim == 0 else h

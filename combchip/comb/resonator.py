"""Microring resonator: frequencies, loss rates, dispersion and Kerr coupling in SI units."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike
from scipy.constants import c, hbar

from ..systems.published import SYSTEM_A
from ..validation import check_choice, check_int, check_positive, check_range, check_wavelength
from ..coupler import ring_bus_coupling_rate
from ..waveguide import Material, ModeSolver, effective_area, point_coupling_rate, ring_dispersion

__all__ = ["CombMaterial", "CouplingRegime", "KERR_INDEX", "Ring"]

CombMaterial = Literal["Si3N4", "Si"]
"""Ring core materials with a Kerr index in :data:`KERR_INDEX`."""
CouplingRegime = Literal["under", "critical", "over"]
"""κ_ex below, equal to (within 2 %) or above κ₀."""

KERR_INDEX = {"Si3N4": 2.4e-19, "Si": 4.5e-18}
"""Kerr index n₂ [m²/W] of the ring core materials near 1550 nm."""

_REGIME_TOLERANCE = 0.02


@dataclass(frozen=True, eq=False)
class Ring:
    """A microring with one bus waveguide.

    Resonances follow ω_μ = ω₀ + D₁μ + D_int(μ) with D_int = D₂μ²/2 + D₃μ³/6, or a
    measured table (Herr et al., Nat. Photon. 8, 145 (2014)). Rates are angular (rad/s);
    κ = κ₀ + κ_ex is the loaded energy decay rate, so the FWHM linewidth is κ/2π Hz.

    Parameters
    ----------
    wavelength : float
        Vacuum wavelength of the pumped resonance μ = 0 [m].
    fsr : float
        Free spectral range D₁/2π [Hz].
    kappa0, kappa_ex : float
        Intrinsic and external (bus) decay rates [rad/s].
    d2, d3 : float
        Dispersion coefficients D₂, D₃ [rad/s] (D₂ > 0 is anomalous).
    n2 : float
        Kerr index [m²/W] (Si₃N₄ default).
    a_eff : float
        Effective mode area [m²].
    n_g : float
        Group index.
    dint_mu, dint : array_like, optional
        Measured D_int(μ) [rad/s] at mode numbers ``dint_mu``; replaces D₂ and D₃ and carries
        avoided mode crossings. Values between table entries are interpolated linearly.
    """

    wavelength: float
    fsr: float
    kappa0: float
    kappa_ex: float
    d2: float = 0.0
    d3: float = 0.0
    n2: float = KERR_INDEX["Si3N4"]
    a_eff: float = 1e-12
    n_g: float = 2.1
    dint_mu: np.ndarray | None = field(default=None, repr=False)
    dint: np.ndarray | None = field(default=None, repr=False)

    def __post_init__(self):
        set_ = object.__setattr__
        set_(self, "wavelength", check_wavelength("wavelength", self.wavelength))
        set_(self, "fsr", check_range("fsr", self.fsr, 1e8, 1e14, "Hz"))
        set_(self, "kappa0", check_positive("kappa0", self.kappa0, "rad/s"))
        set_(self, "kappa_ex", check_positive("kappa_ex", self.kappa_ex, "rad/s"))
        set_(self, "d2", check_range("d2", self.d2, unit="rad/s"))
        set_(self, "d3", check_range("d3", self.d3, unit="rad/s"))
        set_(self, "n2", check_positive("n2", self.n2, "m^2/W"))
        set_(self, "a_eff", check_range("a_eff", self.a_eff, 1e-16, 1e-8, "m^2"))
        set_(self, "n_g", check_range("n_g", self.n_g, 1.0, 10.0))
        if (self.dint is None) != (self.dint_mu is None):
            raise ValueError("dint and dint_mu must be given together")
        if self.dint is not None:
            mu = np.asarray(self.dint_mu, dtype=float)
            values = np.asarray(self.dint, dtype=float)
            if mu.ndim != 1 or mu.shape != values.shape or mu.size < 3:
                raise ValueError(f"dint and dint_mu must be 1-D of equal length >= 3, got {values.shape}, {mu.shape}")
            if np.any(np.diff(mu) <= 0) or not np.all(np.isfinite(values)):
                raise ValueError("dint_mu must increase strictly and dint must be finite")
            set_(self, "dint_mu", mu)
            set_(self, "dint", values)
        if self.kappa / (2 * np.pi) > self.fsr / 2:
            raise ValueError(f"linewidth kappa/2π = {self.kappa / 2 / np.pi:.3g} Hz exceeds fsr/2: no resolved resonances")

    @classmethod
    def from_q(cls, wavelength: float, fsr: float, q_i: float, q_ex: float, **kwargs) -> Ring:
        """Ring from intrinsic and external quality factors, κ₀ = ω₀/Q_i and κ_ex = ω₀/Q_ex."""
        omega = 2 * np.pi * c / check_wavelength("wavelength", wavelength)
        return cls(wavelength, fsr, omega / check_positive("q_i", q_i), omega / check_positive("q_ex", q_ex), **kwargs)

    @classmethod
    def from_loaded_q(cls, wavelength: float, fsr: float, q_loaded: float, coupling: float = 0.5, **kwargs) -> Ring:
        """Ring from the loaded Q and the coupling ratio η = κ_ex/κ (0.5 is critical coupling)."""
        omega = 2 * np.pi * c / check_wavelength("wavelength", wavelength)
        kappa = omega / check_positive("q_loaded", q_loaded)
        eta = check_range("coupling", coupling, 0.0, 1.0, low_open=True, high_open=True)
        return cls(wavelength, fsr, kappa * (1 - eta), kappa * eta, **kwargs)

    @classmethod
    def from_geometry(
        cls,
        *,
        radius: float,
        width: float,
        height: float,
        gap: float,
        material: CombMaterial = "Si3N4",
        wavelength: float = SYSTEM_A.pump_wavelength,
        q_i: float = 2e6,
        n2: float | None = None,
        cladding: Material = "SiO2",
        mode_solver: ModeSolver = "fem",
    ) -> Ring:
        """Ring from its cross-section, radius and bus gap.

        n_g, FSR, D₂ and D₃ come from :func:`combchip.waveguide.ring_dispersion`. By default
        (``mode_solver="fem"``) the full-vectorial, bent-waveguide femwell modes of :mod:`combchip.modes`
        give D₂, D₃, the mode-field A_eff = (∫|E|²dA)²/∫_core|E|⁴dA (:func:`combchip.waveguide.effective_area`)
        and κ_ex from the coupled-mode overlap of the bent ring and straight bus modes along the coupler
        (:func:`combchip.coupler.ring_bus_coupling_rate`, ≈ 5 % against the supermode splitting of a
        straight pair; gap tolerance dominates). ``"fd"`` (semi-vectorial, D₂ ≈ 10 % low) and ``"eim"``
        (D₂ ≈ 40 % low) are the fast fallbacks without femwell: κ_ex from the point-coupler model of
        :func:`combchip.waveguide.point_coupling_rate` (a factor ≈ 2) and A_eff the core area.

        Parameters
        ----------
        radius, width, height, gap : float
            Ring radius, waveguide width and height, bus gap [m].
        material : {"Si3N4", "Si"}
            Core material.
        wavelength : float
            Pumped resonance wavelength [m]; system A's pump (Yan et al., npj Quantum Inf. 2025) by default.
        q_i : float
            Intrinsic quality factor (not set by geometry).
        n2 : float, optional
            Kerr index [m²/W]; the material's :data:`KERR_INDEX` if omitted.
        cladding : {"SiO2", "Si3N4", "Si"}
            Cladding material.
        mode_solver : {"fem", "fd", "eim"}
            Mode engine for dispersion, κ_ex and A_eff (see above).
        """
        check_choice("material", material, CombMaterial)
        check_choice("mode_solver", mode_solver, ModeSolver)
        for name, value in (("radius", radius), ("width", width), ("height", height), ("gap", gap)):
            check_range(name, value, 0.0, 1e-2, "m", low_open=True)
        geometry = dict(radius=radius, width=width, height=height, wavelength=wavelength, core=material,
                        cladding=cladding)
        disp = ring_dispersion(**geometry, method=mode_solver)
        if mode_solver == "fem":
            kappa_ex = ring_bus_coupling_rate(**geometry, gap=gap)
            a_eff = effective_area(width=width, height=height, wavelength=wavelength, core=material,
                                    cladding=cladding, radius=radius)
        else:
            kappa_ex = point_coupling_rate(**geometry, gap=gap)
            a_eff = width * height
        omega = 2 * np.pi * c / wavelength
        n2 = KERR_INDEX[material] if n2 is None else n2
        return cls(wavelength, disp["fsr"], omega / check_positive("q_i", q_i), kappa_ex, d2=disp["d2"], d3=disp["d3"],
                   n2=n2, a_eff=a_eff, n_g=disp["n_g"])

    @property
    def frequency(self) -> float:
        """Resonance frequency ν₀ = c/λ [Hz]."""
        return c / self.wavelength

    @property
    def omega0(self) -> float:
        """Angular resonance frequency ω₀ [rad/s]."""
        return 2 * np.pi * self.frequency

    @property
    def kappa(self) -> float:
        """Loaded decay rate κ = κ₀ + κ_ex [rad/s]."""
        return self.kappa0 + self.kappa_ex

    @property
    def linewidth(self) -> float:
        """Loaded FWHM linewidth κ/2π [Hz]."""
        return self.kappa / (2 * np.pi)

    @property
    def q_loaded(self) -> float:
        """Loaded quality factor ω₀/κ."""
        return self.omega0 / self.kappa

    @property
    def q_i(self) -> float:
        """Intrinsic quality factor ω₀/κ₀."""
        return self.omega0 / self.kappa0

    @property
    def d1(self) -> float:
        """D₁ = 2π·FSR [rad/s]."""
        return 2 * np.pi * self.fsr

    @property
    def coupling(self) -> float:
        """η = κ_ex/κ."""
        return self.kappa_ex / self.kappa

    @property
    def coupling_regime(self) -> CouplingRegime:
        """"under", "critical" (κ_ex within 2 % of κ₀) or "over" coupled."""
        ratio = self.kappa_ex / self.kappa0
        if abs(ratio - 1) <= _REGIME_TOLERANCE:
            return "critical"
        return "over" if ratio > 1 else "under"

    @property
    def length(self) -> float:
        """Round-trip length L = c/(n_g·FSR) [m]."""
        return c / (self.n_g * self.fsr)

    @property
    def g0(self) -> float:
        """Kerr frequency shift per photon g = ħω₀²c·n₂/(n_g²·A_eff·L) [rad/s] (Herr et al. 2014)."""
        return hbar * self.omega0**2 * c * self.n2 / (self.n_g**2 * self.a_eff * self.length)

    def integrated_dispersion(self, mu: ArrayLike) -> np.ndarray:
        """D_int(μ) [rad/s] from D₂, D₃ or the measured table."""
        mu = np.asarray(mu, dtype=float)
        if self.dint is None:
            return self.d2 * mu**2 / 2 + self.d3 * mu**3 / 6
        if mu.min() < self.dint_mu[0] or mu.max() > self.dint_mu[-1]:
            raise ValueError(
                f"modes span mu = {mu.min():g}..{mu.max():g} but the dint table covers "
                f"{self.dint_mu[0]:g}..{self.dint_mu[-1]:g}: reduce modes or extend dint"
            )
        return np.interp(mu, self.dint_mu, self.dint)

    def with_mode_crossing(self, mode: int, shift: float, span: int = 1024) -> Ring:
        """This ring with resonance ``mode`` moved by ``shift`` [rad/s]: an avoided mode crossing with another mode
        family, reduced to the local shift of the one mode it repels (Xue et al., Nat. Photon. 9, 594 (2015)).

        D_int becomes a table over |μ| ≤ ``span`` (this ring's D_int plus the shift at ``mode``), so a run may use
        up to 2·``span`` modes.
        """
        span = check_int("span", span, 2)
        if not isinstance(mode, (int, np.integer)) or mode == 0 or abs(mode) > span:
            raise ValueError(f"mode must be a nonzero integer within ±span = {span}, got {mode!r}")
        shift = check_range("shift", shift, unit="rad/s")
        mu = np.arange(-span, span + 1)
        if self.dint is not None and (self.dint_mu[0] > -span or self.dint_mu[-1] < span):
            raise ValueError(f"span = {span} exceeds this ring's dint table ({self.dint_mu[0]:g}…{self.dint_mu[-1]:g})")
        dint = self.integrated_dispersion(mu) + np.where(mu == mode, shift, 0.0)
        values = {k: getattr(self, k) for k in ("wavelength", "fsr", "kappa0", "kappa_ex", "d2", "d3", "n2", "a_eff", "n_g")}
        return Ring(**values, dint_mu=mu, dint=dint)

    def resonance_frequencies(self, mu: ArrayLike) -> np.ndarray:
        """ν_μ = ν₀ + FSR·μ + D_int(μ)/2π [Hz]."""
        mu = np.asarray(mu, dtype=float)
        return self.frequency + self.fsr * mu + self.integrated_dispersion(mu) / (2 * np.pi)

    def to_dict(self) -> dict[str, float | list[float]]:
        """Plain-number description, enough to rebuild the ring."""
        out = {k: getattr(self, k) for k in ("wavelength", "fsr", "kappa0", "kappa_ex", "d2", "d3", "n2", "a_eff", "n_g")}
        if self.dint is not None:
            out["dint_mu"] = self.dint_mu.tolist()
            out["dint"] = self.dint.tolist()
        return out

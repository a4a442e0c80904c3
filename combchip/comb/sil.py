"""Self-injection locking (SIL) of a semiconductor laser to a ring through Rayleigh backscattering.

The ring's forward mode a and backward mode b are coupled at the rate Γ (doublet splitting 2Γ,
:mod:`combchip.comb.backscatter`); the backward wave leaves the bus towards the laser and is fed back
into it with the round-trip phase φ. In the adiabatic (linear) theory of Kondratiev et al., Opt. Express
25, 28167 (2017) the laser frequency ω and its free-running frequency ω_d obey the tuning curve

    ξ = ζ − (K₀/2)·Re[e^{iψ}/((1 + iζ)² + β²)],     K₀ = 8ηβκ_do√(1 + α_H²)/κ,   ψ = φ + arctan α_H,

with ζ = 2(ω₀ − ω)/κ, ξ = 2(ω₀ − ω_d)/κ, β = 2Γ/κ, η = κ_ex/κ and κ_do = η_c·κ_inj the rate at which the
returning field enters the laser. The stabilization coefficient is K = dξ/dζ: frequency fluctuations of the
free-running laser reach the locked laser divided by K, so its frequency-noise PSD and intrinsic linewidth
fall by K². States with K > 0 are stable; the locked branch ends where K = 0. At the centre
K(ζ = 0) = 1 − K₀ sin ψ/(1 + β²)², largest for ψ = −π/2 (the sign of ψ follows the e^{−iωt} convention of
the LLE here; Kondratiev et al. write the same curve with ψ shifted by π/2).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import xarray as xr
from numpy.typing import ArrayLike
from scipy.constants import c, e, hbar
from scipy.optimize import brentq

from ..validation import check_nonnegative, check_positive, check_range, check_wavelength
from .lasers import Laser
from .resonator import Ring

__all__ = ["SILBackscatter", "SILLocking", "SelfInjection", "SemiconductorLaser", "backscatter_for_stabilization",
           "sil_locking", "sil_tuning_curve"]

MAX_ALPHA_H = 20.0
"""Largest accepted linewidth-enhancement factor α_H (measured InP/InGaAsP lasers: ≈ 2–8)."""


def _q(unit: str, meaning: str):
    return field(metadata={"unit": unit, "meaning": meaning})


@dataclass(frozen=True)
class SemiconductorLaser:
    """A single-mode semiconductor laser described by its field and carrier rate equations.

        dE/dt = ½(1 − iα_H)[G_N(N − N_th)]E + κ_inj·E_inj,
        dN/dt = I/q − N/τ_N − (1/τ_p + G_N(N − N_th))|E|²,

    with |E|² the photon number, G(N_th) = 1/τ_p and N_th = τ_N·I_th/q (Lang & Kobayashi, IEEE J. Quantum
    Electron. 16, 347 (1980); Coldren, Corzine & Mašanović, Diode Lasers and Photonic Integrated Circuits, 2012).

    Parameters
    ----------
    wavelength : float
        Free-running vacuum wavelength [m].
    current, threshold_current : float
        Injection current I and threshold I_th [A], I > I_th.
    differential_gain : float
        G_N = v_g·a_N/V [1/s per carrier].
    photon_lifetime, carrier_lifetime : float
        τ_p and τ_N [s].
    alpha_h : float
        Linewidth-enhancement factor α_H in [0, :data:`MAX_ALPHA_H`].
    injection_rate : float
        κ_inj [1/s]: rate at which an external field enters the lasing mode, (1 − r²)/(r·τ_in).
    output_efficiency : float
        Fraction of the photon loss 1/τ_p leaving through the output facet, in (0, 1].
    spontaneous_factor : float
        Population-inversion factor n_sp ≥ 1 (sets the Schawlow–Townes–Henry linewidth).
    """

    wavelength: float
    current: float
    threshold_current: float
    differential_gain: float
    photon_lifetime: float
    carrier_lifetime: float
    alpha_h: float
    injection_rate: float
    output_efficiency: float = 0.5
    spontaneous_factor: float = 2.0

    def __post_init__(self):
        set_ = object.__setattr__
        set_(self, "wavelength", check_wavelength("wavelength", self.wavelength))
        set_(self, "threshold_current", check_positive("threshold_current", self.threshold_current, "A"))
        set_(self, "current", check_range("current", self.current, self.threshold_current, 10.0, "A", low_open=True))
        set_(self, "differential_gain", check_positive("differential_gain", self.differential_gain, "1/s"))
        set_(self, "photon_lifetime", check_range("photon_lifetime", self.photon_lifetime, 0.0, 1e-9, "s",
                                                  low_open=True))
        set_(self, "carrier_lifetime", check_range("carrier_lifetime", self.carrier_lifetime, 0.0, 1e-6, "s",
                                                   low_open=True))
        set_(self, "alpha_h", check_range("alpha_h", self.alpha_h, 0.0, MAX_ALPHA_H))
        set_(self, "injection_rate", check_positive("injection_rate", self.injection_rate, "1/s"))
        set_(self, "output_efficiency", check_range("output_efficiency", self.output_efficiency, 0.0, 1.0,
                                                    low_open=True))
        set_(self, "spontaneous_factor", check_range("spontaneous_factor", self.spontaneous_factor, 1.0, 10.0))

    @classmethod
    def dfb(cls, wavelength: float, current: float = 0.12) -> SemiconductorLaser:
        """An InP DFB laser (assumed typical values, not a measured device).

        I_th = 20 mA, G_N = 6 × 10³ s⁻¹ (v_g a_N/V with a_N = 2.5 × 10⁻²⁰ m², V ≈ 3.6 × 10⁻¹⁶ m³),
        τ_p = 2 ps, τ_N = 1 ns, α_H = 3, κ_inj = 10¹¹ s⁻¹ (600 µm cavity, τ_in ≈ 14 ps, |r| ≈ 0.5), 40 %
        of the loss through the front facet, n_sp = 2: ≈ 32 mW, ≈ 8 GHz relaxation oscillations and a
        ≈ 1 MHz free-running linewidth at 120 mA.
        """
        return cls(wavelength=wavelength, current=current, threshold_current=0.02, differential_gain=6e3,
                   photon_lifetime=2e-12, carrier_lifetime=1e-9, alpha_h=3.0, injection_rate=1e11,
                   output_efficiency=0.4)

    @property
    def frequency(self) -> float:
        """Free-running optical frequency c/λ [Hz]."""
        return c / self.wavelength

    @property
    def photons(self) -> float:
        """Free-running photon number S = τ_p(I − I_th)/q."""
        return self.photon_lifetime * (self.current - self.threshold_current) / e

    @property
    def power(self) -> float:
        """Free-running output power η_out·ħω·S/τ_p [W]."""
        return self.output_efficiency * hbar * 2 * np.pi * self.frequency * self.photons / self.photon_lifetime

    @property
    def stimulated_rate(self) -> float:
        """G_N·S [1/s], the carrier relaxation by stimulated emission."""
        return self.differential_gain * self.photons

    @property
    def relaxation_frequency(self) -> float:
        """Relaxation-oscillation frequency √(G_N·S/τ_p)/2π [Hz]."""
        return float(np.sqrt(self.stimulated_rate / self.photon_lifetime) / (2 * np.pi))

    @property
    def linewidth(self) -> float:
        """Schawlow–Townes–Henry FWHM n_sp(1 + α_H²)/(4π·τ_p·S) [Hz] (Henry, IEEE JQE 18, 259 (1982))."""
        return self.spontaneous_factor * (1 + self.alpha_h**2) / (4 * np.pi * self.photon_lifetime * self.photons)

    def to_dict(self) -> dict:
        """Plain-number description, enough to rebuild the laser."""
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass(frozen=True)
class SelfInjection:
    """A :class:`SemiconductorLaser` butt-coupled to a ring's bus and locked by the ring's backscattering.

    Parameters
    ----------
    laser : SemiconductorLaser
    backscatter_rate : float
        Γ [rad/s] ≥ 0, the forward–backward coupling rate of the ring (doublet splitting 2Γ).
    feedback_phase : float
        Round-trip phase φ [rad] of the laser–ring path (:meth:`phase_for_distance`).
    coupling_efficiency : float
        η_c in (0, 1]: laser-to-bus power coupling, the same both ways.
    """

    laser: SemiconductorLaser
    backscatter_rate: float
    feedback_phase: float = 0.0
    coupling_efficiency: float = 0.3

    def __post_init__(self):
        if not isinstance(self.laser, SemiconductorLaser):
            raise ValueError(f"laser must be a combchip.SemiconductorLaser, got {type(self.laser).__name__}")
        object.__setattr__(self, "backscatter_rate", check_nonnegative("backscatter_rate", self.backscatter_rate,
                                                                       "rad/s"))
        object.__setattr__(self, "feedback_phase", check_range("feedback_phase", self.feedback_phase, unit="rad"))
        object.__setattr__(self, "coupling_efficiency", check_range("coupling_efficiency", self.coupling_efficiency,
                                                                    0.0, 1.0, low_open=True))

    @staticmethod
    def phase_for_distance(distance: float, wavelength: float) -> float:
        """Round-trip phase 4πL/λ mod 2π [rad] of an optical path L [m] between the laser facet and the ring."""
        distance = check_nonnegative("distance", distance, "m")
        return float(np.mod(4 * np.pi * distance / check_wavelength("wavelength", wavelength), 2 * np.pi))

    @property
    def feedback_rate(self) -> float:
        """κ_do = η_c·κ_inj [1/s]."""
        return self.coupling_efficiency * self.laser.injection_rate

    @property
    def effective_phase(self) -> float:
        """ψ = φ + arctan α_H [rad]."""
        return self.feedback_phase + float(np.arctan(self.laser.alpha_h))

    def pump(self) -> Laser:
        """The free-running laser as a bus pump: its wavelength, η_c·P and Henry linewidth."""
        return Laser(self.laser.wavelength, self.coupling_efficiency * self.laser.power, self.laser.linewidth)

    def beta(self, ring: Ring) -> float:
        """β = 2Γ/κ."""
        return 2 * self.backscatter_rate / ring.kappa

    def k0(self, ring: Ring) -> float:
        """K₀ = 8ηβκ_do√(1 + α_H²)/κ (Kondratiev et al. 2017)."""
        return float(8 * ring.coupling * self.beta(ring) * self.feedback_rate * np.hypot(1, self.laser.alpha_h)
                     / ring.kappa)

    def normalized(self, norm) -> SILMode:
        """The solver's :class:`~combchip.solvers.SILMode` for ``norm`` (a :class:`Normalization` of ``self.pump()``).

        β = 2Γ/κ, k = 2κ_do/κ, c_p = 2/(κτ_p), c_N = 2/(κτ_N), c_S = 2G_N·S/κ.
        """
        from combchip.solvers import SILMode

        ring, kappa, laser = norm.ring, norm.kappa, self.laser
        return SILMode(beta=self.beta(ring), rate=2 * self.feedback_rate / kappa, eta=ring.coupling,
                       phase=self.feedback_phase, alpha=laser.alpha_h, photon_rate=2 / (kappa * laser.photon_lifetime),
                       carrier_rate=2 / (kappa * laser.carrier_lifetime),
                       stimulated_rate=2 * laser.stimulated_rate / kappa)

    def to_dict(self) -> dict:
        """Plain-number description, enough to rebuild it."""
        return {"laser": self.laser.to_dict(), "backscatter_rate": self.backscatter_rate,
                "feedback_phase": self.feedback_phase, "coupling_efficiency": self.coupling_efficiency}

    @classmethod
    def from_dict(cls, data: dict) -> SelfInjection:
        """Inverse of :meth:`to_dict`."""
        return cls(**(data | {"laser": SemiconductorLaser(**data["laser"])}))


def _check(ring, sil):
    if not isinstance(ring, Ring):
        raise ValueError(f"ring must be a combchip.Ring, got {type(ring).__name__}")
    if not isinstance(sil, SelfInjection):
        raise ValueError(f"sil must be a combchip.SelfInjection, got {type(sil).__name__}")


def _xi(zeta, k0, beta, psi):
    return zeta - 0.5 * k0 * np.real(np.exp(1j * psi) / ((1 + 1j * zeta) ** 2 + beta**2))


def _k(zeta, k0, beta, psi):
    """K = dξ/dζ = 1 + K₀·Re[i·e^{iψ}(1 + iζ)/((1 + iζ)² + β²)²]."""
    d = (1 + 1j * zeta) ** 2 + beta**2
    return 1 + k0 * np.real(1j * np.exp(1j * psi) * (1 + 1j * zeta) / d**2)


def sil_tuning_curve(ring: Ring, sil: SelfInjection, laser_detuning_hz: ArrayLike) -> xr.Dataset:
    """The adiabatic SIL tuning curve: free-running detuning and K against the locked laser's detuning.

    Parameters
    ----------
    ring : Ring
    sil : SelfInjection
    laser_detuning_hz : array_like
        (ω₀ − ω)/2π [Hz] of the laser from the resonance, positive on the red side.

    Returns
    -------
    xarray.Dataset
        ``free_running_detuning`` (ω₀ − ω_d)/2π [Hz], ``stabilization`` K = dξ/dζ and ``stable`` (K > 0) on
        ``laser_detuning`` [Hz].
    """
    _check(ring, sil)
    detuning = np.atleast_1d(np.asarray(laser_detuning_hz, dtype=float))
    if detuning.ndim != 1 or not np.all(np.isfinite(detuning)):
        raise ValueError("laser_detuning_hz must be a finite 1-D array of Hz")
    scale = 4 * np.pi / ring.kappa
    zeta = detuning * scale
    args = (sil.k0(ring), sil.beta(ring), sil.effective_phase)
    stab = _k(zeta, *args)
    return xr.Dataset(
        {"free_running_detuning": ("laser_detuning", _xi(zeta, *args) / scale,
                                   {"units": "Hz", "long_name": "free-running laser detuning (ω₀ − ω_d)/2π"}),
         "stabilization": ("laser_detuning", stab, {"units": "1", "long_name": "stabilization coefficient K = dξ/dζ"}),
         "stable": ("laser_detuning", stab > 0, {"units": "1", "long_name": "stable locked state (K > 0)"})},
        coords={"laser_detuning": ("laser_detuning", detuning,
                                   {"units": "Hz", "long_name": "locked laser detuning (ω₀ − ω)/2π"})},
        attrs={"k0": args[0], "beta": args[1], "effective_phase": args[2], "ring_linewidth": ring.linewidth,
               "sil": repr(sil.to_dict()), "reference": "Kondratiev et al., Opt. Express 25, 28167 (2017)"},
    )


@dataclass(frozen=True)
class SILLocking:
    """Linear-SIL figures of one laser–ring pair (Kondratiev et al. 2017).

    ``locking_bandwidth`` is NaN when the tuning curve has no turning point (K > 0 everywhere: the laser is pulled,
    not locked, and ``reason`` says so).
    """

    k0: float = _q("1", "normalized feedback strength K₀")
    stabilization: float = _q("1", "K = dξ/dζ at the resonance centre ζ = 0")
    linewidth: float = _q("Hz", "locked intrinsic linewidth Δν_free/K²")
    noise_suppression_db: float = _q("dB", "frequency-noise suppression 20·log10 K")
    locking_bandwidth: float = _q("Hz", "range of free-running detuning over which the central branch is stable")
    locked_edges: tuple = _q("Hz", "free-running detunings (ω₀ − ω_d)/2π at the ends of the locked branch")
    laser_edges: tuple = _q("Hz", "locked laser detunings (ω₀ − ω)/2π at the ends of the locked branch")
    reason: str = _q("", "why a figure is NaN, else empty")


def sil_locking(ring: Ring, sil: SelfInjection) -> SILLocking:
    """K₀, K at the resonance centre, the locked linewidth, and the locking bandwidth of the central branch.

    The branch is the interval of laser detunings ζ around ζ = 0 on which K = dξ/dζ > 0; its ends, where K = 0,
    are found by bracketing on a grid and :func:`scipy.optimize.brentq`, and the locking bandwidth is the
    difference of ξ between them, times κ/4π.
    """
    _check(ring, sil)
    args = (sil.k0(ring), sil.beta(ring), sil.effective_phase)
    scale = 4 * np.pi / ring.kappa
    k_centre = float(_k(0.0, *args))
    linewidth = sil.laser.linewidth / k_centre**2 if k_centre > 0 else np.nan
    suppression = 20 * np.log10(k_centre) if k_centre > 0 else np.nan
    reason = "" if k_centre > 0 else "the resonance centre is unstable (K < 0) at this feedback phase"
    span = 4 * max(1 + args[1], args[0] ** (1 / 3))
    grid = np.linspace(-span, span, 40001)
    stab = _k(grid, *args)
    edges = np.full(2, np.nan)
    if k_centre > 0:
        centre = int(np.argmin(np.abs(grid)))
        bad = np.flatnonzero(stab <= 0)
        left, right = bad[bad < centre], bad[bad > centre]
        if left.size and right.size:
            edges = np.array([brentq(_k, grid[left[-1]], grid[left[-1] + 1], args=args),
                              brentq(_k, grid[right[0] - 1], grid[right[0]], args=args)])
        else:
            reason = "no turning point of the tuning curve: K0 too small for locking (the laser is only pulled)"
    xi_edges = _xi(edges, *args) if np.all(np.isfinite(edges)) else edges
    return SILLocking(k0=args[0], stabilization=k_centre, linewidth=float(linewidth),
                      noise_suppression_db=float(suppression),
                      locking_bandwidth=float(abs(xi_edges[1] - xi_edges[0]) / scale),
                      locked_edges=tuple(float(x) for x in xi_edges / scale),
                      laser_edges=tuple(float(x) for x in edges / scale), reason=reason)


@dataclass(frozen=True)
class SILBackscatter:
    """Backscattering rates Γ at which the centre of the locked branch reaches a stabilization coefficient K.

    NaN rates with a ``reason`` where no Γ does it.
    """

    stabilization: float = _q("1", "target K at the resonance centre")
    backscatter_rate: float = _q("rad/s", "smallest Γ giving K (β = 2Γ/κ ≤ 1/√3)")
    doublet_splitting: float = _q("Hz", "2Γ/2π of that Γ")
    upper_backscatter_rate: float = _q("rad/s", "the other Γ giving K (β > 1/√3)")
    max_stabilization: float = _q("1", "largest K over all Γ, reached at β = 1/√3")
    reason: str = _q("", "why the rates are NaN, else empty")


def backscatter_for_stabilization(ring: Ring, sil: SelfInjection, stabilization: float) -> SILBackscatter:
    """The backscattering rate Γ that gives the locked laser a stabilization coefficient K at the resonance centre.

    With K₀ = Cβ, C = 8ηκ_do√(1 + α_H²)/κ, the centre value K(ζ = 0) = 1 − Cβ·sin ψ/(1 + β²)² (Kondratiev et
    al. 2017) depends on Γ only through β = 2Γ/κ. g(β) = β/(1 + β²)² rises to 9/(16√3) at β = 1/√3 and falls
    again, so K is reached at two rates (both returned, found by :func:`scipy.optimize.brentq` on either side of
    the maximum) if 1 < K ≤ 1 − C·sin ψ·9/(16√3), and at none otherwise. ``sil.backscatter_rate`` is not used;
    the laser, coupling and feedback phase are. Use it to ask what doublet a measured noise suppression implies.

    Parameters
    ----------
    ring : Ring
    sil : SelfInjection
    stabilization : float
        Target K, > 1 (K² is the frequency-noise suppression).
    """
    _check(ring, sil)
    target = check_range("stabilization", stabilization, 1.0, unit="1", low_open=True)
    slope = -8 * ring.coupling * sil.feedback_rate * np.hypot(1, sil.laser.alpha_h) / ring.kappa * np.sin(
        sil.effective_phase)
    peak = 1 / np.sqrt(3)
    best = 1 + slope * 9 / (16 * np.sqrt(3))
    nan = dict(backscatter_rate=np.nan, doublet_splitting=np.nan, upper_backscatter_rate=np.nan)
    if slope <= 0:
        return SILBackscatter(target, **nan, max_stabilization=1.0,
                              reason="sin ψ ≥ 0 at this feedback phase: backscattering lowers K below 1")
    if target > best:
        return SILBackscatter(target, **nan, max_stabilization=float(best),
                              reason=f"K = {target:g} exceeds the largest reachable K = {best:.6g} (at β = 1/√3)")

    def excess(beta):
        return slope * beta / (1 + beta**2) ** 2 - (target - 1)

    low = brentq(excess, 0.0, peak, xtol=1e-14, rtol=1e-13)
    high = peak if target == best else brentq(excess, peak, 1e8, xtol=1e-14, rtol=1e-13)
    to_rate = ring.kappa / 2
    return SILBackscatter(target, backscatter_rate=float(low * to_rate), doublet_splitting=float(low * to_rate / np.pi),
                          upper_backscatter_rate=float(high * to_rate), max_stabilization=float(best), reason="")


def add_sil_traces(ds: xr.Dataset, result, norm, sil: SelfInjection) -> xr.Dataset:
    """Add the laser's traces of a :func:`~combchip.comb.simulate.simulate_comb` run with ``sil`` to ``ds``.

    The laser frequency offset ω − ω_d is the phase advance of the laser field over the last step before each
    sample; the pump line leaves the bus with |a − 2ηψ₀/f|² of the free-running bus power.
    """
    mode = sil.normalized(norm)
    a, y, b, offset = result.laser_field, result.laser_gain, result.backward_field, result.laser_shift
    offset_hz = norm.detuning_hz(offset)

    def var(data, units, long_name):
        return xr.Variable(("run", "time"), data, {"units": units, "long_name": long_name})

    ds["laser_frequency_offset"] = var(offset_hz, "Hz", "laser frequency offset from free running (ω − ω_d)/2π")
    ds["laser_detuning"] = var(ds.detuning.values - offset_hz, "Hz", "laser detuning from the resonance (ω₀ − ω)/2π")
    ds["laser_power"] = var(sil.laser.power * np.abs(a) ** 2, "W", "laser output power")
    ds["carrier_excess"] = var(y / (sil.laser.differential_gain * sil.laser.photon_lifetime), "1",
                               "carriers above threshold N − N_th")
    ds["backward_power"] = var(norm.circulating_power_per_unit * np.abs(b) ** 2, "W",
                               "backward-mode circulating power")
    ds["pump_transmission"] = var(np.abs(a - 2 * norm.eta * result.pump_mode / norm.f) ** 2, "1",
                                  "pump-line bus output over the free-running bus power")
    laser = result.snapshot_laser
    pump_line = norm.pump_power * np.abs(laser[..., 0] + 1j * laser[..., 1]
                                         - 2 * norm.eta * result.snapshots[..., 0] / norm.f) ** 2
    spectrum = ds.spectrum.values.copy()
    spectrum[..., int(np.flatnonzero(ds.mu.values == 0)[0])] = pump_line
    ds["spectrum"] = ds.spectrum.copy(data=spectrum)
    ds.attrs.update(sil_k0=sil.k0(norm.ring), sil_beta=mode.beta, sil_feedback_phase=sil.feedback_phase)
    return ds

"""Thermorefractive noise of a ring mode from heat diffusion out of its transverse heat weight.

The mode reads the temperature field through a weight w(x, y) ∝ n·(dn/dT)·|E|² (∫w dA = 1), averaged
uniformly along the ring (length L), δT̄ = ∫w δT dA dz/L. In a homogeneous medium (volumetric heat capacity ρC,
conductivity κ_th, diffusivity D = κ_th/ρC) each spatial Fourier component of the thermodynamic temperature
fluctuation relaxes at the rate D·k² with the equipartition variance k_B·T²/ρC per unit volume (Landau and
Lifshitz, *Statistical Physics*, §112). For a ring much longer than the diffusion length only the component
uniform along it (k_z = 0) survives the average, so the one-sided PSD is

    S_T(f) = (2k_B·T²/(ρC·L))·∫ d²k/(4π²)·|ŵ(k)|²·2Dk²/(ω² + D²k⁴),    ω = 2πf,

whose integral over f is the fluctuation–dissipation variance k_B·T²/(ρC·V_eff), V_eff = L/∫w² dA (M. L.
Gorodetsky and I. S. Grudinin, J. Opt. Soc. Am. B 21, 697 (2004); N. M. Kondratiev and M. L. Gorodetsky,
Phys. Lett. A 382, 2265 (2018)). For a Gaussian weight w_g ∝ exp(−x²/a_x² − y²/a_y²) the radial k integral is
closed (Abramowitz and Stegun 5.2.13, g(z) = ∫₀^∞ e^{−zt}·t/(1 + t²) dt = −Ci(z)·cos z − si(z)·sin z):

    S_T(f) = (k_B·T²/(π·κ_th·L))·⟨g(ω·a(θ)²/(2D))⟩_θ,    a(θ)² = a_x²·cos²θ + a_y²·sin²θ,

with the limits (k_B·T²/(π·κ_th·L))·[−γ_E − ln(ω·ā²/(2D))], ā = (a_x + a_y)/2, at low f (the 2-D logarithm;
a real chip cuts it off below the corner D/d² of its heat sink at the distance d), k_B·T²/(L·a_x·√(π·ω·κ_th·ρC))
for D/a_x² ≪ ω ≪ D/a_y² (the ω^(−1/2) of an elongated mode: Gorodetsky and Grudinin 2004; G. Huang et al.,
Phys. Rev. A 99, 061801(R) (2019) for Si₃N₄ rings), and 2D·k_B·T²·(a_x⁻² + a_y⁻²)/(π·ρC·L·a_x·a_y·ω²) at
high f. A mode's real weight is not Gaussian (a thin core holds a sheet of it, the cladding tails are
exponential): :meth:`ThermalDiffusion.from_weight` keeps the Gaussian of the same second moments in closed form
and adds the rest, (|ŵ|² − |ŵ_g|²) from an FFT of the sampled weight, summed in logarithmic |k| bins; the
difference is O(k⁴) at small k, so the FFT window's coarse k grid does not matter there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.constants import k as k_B
from scipy.special import sici

from ..validation import check_positive

__all__ = ["ThermalDiffusion", "gaussian_kernel"]

_ANGLES, _ANGLE_WEIGHTS = np.polynomial.legendre.leggauss(128)
_THETA = np.pi / 4 * (_ANGLES + 1)
"""Gauss–Legendre nodes on θ ∈ [0, π/2] (the integrand's symmetry gives the full turn)."""
_BINS_PER_DECADE = 12


def _g(z):
    """A&S 5.2.13 auxiliary function g(z), z > 0; asymptotic series (A&S 5.2.35, error < 1e-8) for z > 50."""
    z = np.asarray(z, dtype=float)
    small = np.minimum(z, 50.0)
    si, ci = sici(small)
    exact = -ci * np.cos(small) - (si - np.pi / 2) * np.sin(small)
    big = np.maximum(z, 50.0) ** -2
    return np.where(z > 50.0, big * (1 - 6 * big + 120 * big**2 - 5040 * big**3), exact)


def _frequencies(frequency) -> np.ndarray:
    f = np.asarray(frequency, dtype=float)
    if f.ndim > 1 or f.size == 0 or not np.all(np.isfinite(f)) or np.any(f <= 0):
        raise ValueError("frequency must be finite, positive Fourier frequencies [Hz]")
    return f


def gaussian_kernel(frequency, widths, diffusivity) -> np.ndarray:
    """∫ d²k/(4π²)·|ŵ_g(k)|²·2Dk²/(ω² + D²k⁴) [s/m²] for the Gaussian weight of ``widths`` (a_x, a_y) [m].

    Equals ⟨g(ω·a(θ)²/(2D))⟩_θ/(2πD) (module docstring); ``diffusivity`` D [m²/s], ``frequency`` f [Hz].
    """
    f = _frequencies(frequency)
    a = np.broadcast_to(np.asarray(widths, dtype=float), (2,))
    if not np.all(np.isfinite(a)) or np.any(a <= 0):
        raise ValueError(f"widths = {widths!r} must be two positive Gaussian widths (a_x, a_y) [m]")
    d = check_positive("diffusivity", diffusivity, "m²/s")
    a2 = a[0] ** 2 * np.cos(_THETA) ** 2 + a[1] ** 2 * np.sin(_THETA) ** 2
    z = np.pi * f[..., None] * a2 / d                                  # ω·a(θ)²/(2D)
    return _g(z) @ _ANGLE_WEIGHTS / 2 / (2 * np.pi * d)


@dataclass(frozen=True)
class ThermalDiffusion:
    """Thermodynamic temperature noise of a ring mode's heat weight under 2-D heat diffusion (module docstring).

    Parameters
    ----------
    widths : (float, float)
        Gaussian widths (a_x, a_y) [m] of the closed-form part, w_g ∝ exp(−x²/a_x² − y²/a_y²).
    length : float
        Ring circumference L [m].
    temperature : float
        T [K].
    heat_capacity : float
        Volumetric heat capacity ρC [J/(m³ K)] of the (homogeneous) medium.
    conductivity : float
        Thermal conductivity κ_th [W/(m K)].
    shape_wavenumbers, shape_weights : tuple of float
        Bin centres k_j [1/m] and bin sums c_j [1/m²] of (|ŵ|² − |ŵ_g|²)·Δk_xΔk_y/(4π²) for a non-Gaussian
        weight (empty: the weight is the Gaussian).
    """

    widths: tuple[float, float]
    length: float
    temperature: float
    heat_capacity: float
    conductivity: float
    shape_wavenumbers: tuple[float, ...] = ()
    shape_weights: tuple[float, ...] = ()

    def __post_init__(self):
        a = np.asarray(self.widths, dtype=float)
        if a.shape != (2,) or not np.all(np.isfinite(a)) or np.any(a <= 0):
            raise ValueError(f"widths = {self.widths!r} must be two positive Gaussian widths (a_x, a_y) [m]")
        check_positive("length", self.length, "m")
        check_positive("temperature", self.temperature, "K")
        check_positive("heat_capacity", self.heat_capacity, "J/(m³ K)")
        check_positive("conductivity", self.conductivity, "W/(m K)")
        k, c = np.asarray(self.shape_wavenumbers, dtype=float), np.asarray(self.shape_weights, dtype=float)
        if k.shape != c.shape or k.ndim != 1 or not np.all(np.isfinite(c)) or np.any(~(k > 0)) \
                or not np.all(np.isfinite(k)):
            raise ValueError("shape_wavenumbers must be positive [1/m] and as many as the finite shape_weights")

    @property
    def diffusivity(self) -> float:
        """D = κ_th/ρC [m²/s]."""
        return self.conductivity / self.heat_capacity

    @property
    def weight_square(self) -> float:
        """∫w² dA [1/m²]: 1/(2π·a_x·a_y) of the Gaussian plus Σc_j (Parseval)."""
        return 1 / (2 * math.pi * self.widths[0] * self.widths[1]) + float(np.sum(self.shape_weights))

    @property
    def variance(self) -> float:
        """⟨δT̄²⟩ = k_B·T²·∫w² dA/(ρC·L) [K²], the fluctuation–dissipation variance (= ∫S_T df)."""
        return k_B * self.temperature**2 * self.weight_square / (self.heat_capacity * self.length)

    def psd(self, frequency) -> np.ndarray:
        """One-sided S_T(f) [K²/Hz] of the mode-averaged temperature at ``frequency`` f [Hz] (module docstring)."""
        f = _frequencies(frequency)
        d = self.diffusivity
        omega = 2 * np.pi * f[..., None]
        k2 = np.asarray(self.shape_wavenumbers, dtype=float) ** 2
        shape = (np.asarray(self.shape_weights, dtype=float) * 2 * d * k2 / (omega**2 + d**2 * k2**2)).sum(axis=-1)
        kernel = gaussian_kernel(f, self.widths, d) + shape
        return 2 * k_B * self.temperature**2 / (self.heat_capacity * self.length) * kernel

    @classmethod
    def from_weight(cls, x, y, weight, length, temperature, heat_capacity, conductivity) -> ThermalDiffusion:
        """The diffusion noise of a heat weight sampled on the regular grid ``x`` × ``y`` [m] (``weight`` ≥ 0,
        shape (x, y), any normalization, zero at the window's edges).

        The Gaussian part has the weight's second moments about its centroid, a² = 2⟨(x − x̄)²⟩; the rest is the
        FFT of the weight (window zero-padded to twice its size) less the Gaussian's, summed in |k| bins
        (12 per decade).
        """
        xs, ys = (np.asarray(v, dtype=float) for v in (x, y))
        w = np.asarray(weight, dtype=float)
        for name, v in (("x", xs), ("y", ys)):
            step = np.diff(v)
            if v.ndim != 1 or v.size < 8 or not np.all(np.isfinite(v)) or np.ptp(step) > 1e-6 * step.mean() \
                    or step.mean() <= 0:
                raise ValueError(f"{name} must be a regular, increasing grid of at least 8 points [m]")
        if w.shape != (xs.size, ys.size) or not np.all(np.isfinite(w)) or np.any(w < 0) or not w.sum() > 0:
            raise ValueError("weight must be finite, non-negative, not all zero, with shape (x.size, y.size)")
        dx, dy = xs[1] - xs[0], ys[1] - ys[0]
        w = w / (w.sum() * dx * dy)
        mx, my = (w * xs[:, None]).sum() * dx * dy, (w * ys[None, :]).sum() * dx * dy
        ax = math.sqrt(2 * (w * (xs[:, None] - mx) ** 2).sum() * dx * dy)
        ay = math.sqrt(2 * (w * (ys[None, :] - my) ** 2).sum() * dx * dy)
        nx, ny = 2 * xs.size, 2 * ys.size
        spectrum = np.abs(np.fft.rfft2(w, s=(nx, ny))) ** 2 * (dx * dy) ** 2
        kx = 2 * np.pi * np.fft.fftfreq(nx, dx)[:, None]
        ky = 2 * np.pi * np.fft.rfftfreq(ny, dy)[None, :]
        excess = spectrum - np.exp(-(kx * ax) ** 2 / 2 - (ky * ay) ** 2 / 2)
        excess *= np.where(ky > 0, 2.0, 1.0)                               # the rfft half-plane counts twice
        if ny % 2 == 0:
            excess[:, -1] /= 2                                             # except the Nyquist column
        cell = (2 * np.pi) ** 2 / (nx * dx * ny * dy) / (4 * np.pi**2)
        k = np.hypot(kx, ky).ravel()
        lo, hi = 2 * np.pi / max(nx * dx, ny * dy), float(k.max()) * 1.0001
        edges = np.geomspace(lo, hi, max(2, math.ceil(_BINS_PER_DECADE * math.log10(hi / lo))) + 1)
        index = np.clip(np.searchsorted(edges, k, side="right") - 1, 0, edges.size - 2)
        sums = np.bincount(index, weights=excess.ravel() * cell, minlength=edges.size - 1)
        keep = sums != 0
        centres = np.sqrt(edges[:-1] * edges[1:])
        return cls((ax, ay), length, temperature, heat_capacity, conductivity,
                   tuple(float(v) for v in centres[keep]), tuple(float(v) for v in sums[keep]))

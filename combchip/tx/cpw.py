"""Quasi-static coplanar waveguide (CPW) on a layered stack: conformal mapping with partial capacitances.

A signal strip of width W lies between two grounds at gap s. With the conductor edges
x₁ < x₂ < x₃ < x₄ along the surface (ground | gap | signal | gap | ground), each half-space of
permittivity ε contributes ε₀ε·K(κ)/K(κ′) per unit length, with the cross ratio

    κ² = (x₃ − x₂)(x₄ − x₁)/[(x₄ − x₂)(x₃ − x₁)] = 4k/(1 + k)² for k = W/(W + 2s)

(Landen's transformation of Wen's K(k)/K(k′): K(κ)/K(κ′) = 2K(k)/K(k′)), evaluated on the points
mapped by u = sinh(πx/2h) for a layer of thickness h (magnetic wall at depth h; Simons' partial
capacitances) and by u = x for a half-space. A stack of layers ε₁, ε₂, … (depths h₁ < h₂ < …) below the metal
adds ε₀(ε_i − ε_{i+1})K(κ_{h_i})/K(κ′_{h_i}) to the all-air capacitance (ε after the last layer is 1).
Metal of thickness t adds the side walls of the two gaps as parallel plates, 2ε₀ε_g·t/s (ε_g of the
first layer above, the gap's filling), to C and (with ε_g = 1) to C_air; this replaces Gupta's edge
correction, which fails for t/s ≳ 0.1 (here t/s ≈ 0.6). Then

    Z₀ = 1/(c√(C·C_air)),  n_μ = √(C/C_air),

and the conductor loss is α_c = R′/(2Z₀) with the series resistance per unit length of the thin-strip
skin-effect formula (Owyang–Wu; Gupta eq. 7.34),
R′ = R_s/(8K(k)²(1 − k²))·{[π + ln(4πa(1 − k)/(t(1 + k)))]/a + [π + ln(4πb(1 − k)/(t(1 + k)))]/b},
a = W/2, b = W/2 + s, k = a/b, R_s = √(πfμ₀/σ) (valid when the skin depth is below t/2).

References: C. P. Wen, IEEE Trans. Microw. Theory Tech. 17, 1087 (1969); R. N. Simons, Coplanar
Waveguide Circuits, Components, and Systems (Wiley, 2001), ch. 2; S. Gevorgian et al., IEEE Trans.
Microw. Theory Tech. 43, 772 (1995) (multilayer partial capacitances); K. C. Gupta et al., Microstrip
Lines and Slotlines, 2nd ed. (Artech, 1996), ch. 7 (thickness); H. A. Wheeler, Proc. IRE 30, 412 (1942).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.constants import c, epsilon_0, mu_0
from scipy.special import ellipk, ellipkm1

from ..units import neper_to_db
from ..validation import check_positive, check_range

__all__ = ["CoplanarLine", "SOI_STACK"]

SOI_STACK = ((3.9, 4.34e-6), (11.7, 725e-6))
"""Layers below the electrodes of the silicon chip, from the metal down, (ε_r, thickness [m]): the RF metal
(M1) sits on the level of the TiN heaters, 2.12 µm above the device layer (the 2 µm oxide of the thermo-optic
shifter model plus its 0.12 µm film), then the 220 nm device layer (mostly etched; counted as oxide) and the
2 µm BOX, then the high-resistivity Si handle. The doped slab under the gaps loads the line through the
junction (``loading_capacitance``)."""


def _log_sinh(x):
    """log sinh(x) for x > 0, without overflow."""
    return x + math.log(-math.expm1(-2 * x) / 2)


def _log_cosh2(x):
    """log(2 cosh x)."""
    return abs(x) + math.log1p(math.exp(-2 * abs(x)))


def _ratio(points, depth):
    """K(κ)/K(κ′) of the four edges ``points`` (x₁..x₄ [m]) for a layer of thickness ``depth`` (inf: half-space).

    The mapped differences u_j − u_i are formed in logarithms (sinh A − sinh B = 2cosh((A+B)/2)sinh((A−B)/2)),
    and κ′² = (u₂ − u₁)(u₄ − u₃)/[(u₄ − u₂)(u₃ − u₁)] separately,
    so that wide strips on thin layers keep their precision.
    """
    scale = math.pi / (2 * depth) if math.isfinite(depth) else None

    def log_diff(i, j):
        xi, xj = points[i], points[j]
        if scale is None:
            return math.log(xj - xi)
        ai, aj = scale * xi, scale * xj
        return _log_cosh2((aj + ai) / 2) + _log_sinh((aj - ai) / 2)

    common = log_diff(1, 3) + log_diff(0, 2)
    m = math.exp(log_diff(1, 2) + log_diff(0, 3) - common)
    m1 = math.exp(log_diff(0, 1) + log_diff(2, 3) - common)
    k = ellipkm1(m1) if m1 < m else ellipk(m)
    k_prime = ellipkm1(m) if m < m1 else ellipk(m1)
    return float(k / k_prime)


@dataclass(frozen=True, kw_only=True)
class CoplanarLine:
    """Quasi-static symmetric coplanar waveguide (G-S-G) on a layered stack.

    Parameters
    ----------
    signal_width : float
        Signal-strip width W [m].
    gap : float
        Gap s from the strip to each ground [m].
    metal_thickness : float
        Electrode thickness t [m].
    conductivity : float
        Electrode conductivity σ [S/m] (Al: 3.5e7).
    below, above : tuple of (ε_r, thickness [m])
        Dielectric layers from the metal down and up; outside them, air. Empty: air.
    loading_capacitance : float
        Extra shunt capacitance per unit length [F/m] (a p-n junction under the gap), counted in C
        but not in C_air: the quasi-static loaded line, valid below the junction's own RC corner.
    """

    signal_width: float
    gap: float
    metal_thickness: float = 2e-6
    conductivity: float = 3.5e7
    below: tuple = SOI_STACK
    above: tuple = ()
    loading_capacitance: float = 0.0

    def __post_init__(self):
        set_ = object.__setattr__
        set_(self, "signal_width", check_range("signal_width", self.signal_width, 0.0, 1e-2, "m", low_open=True))
        set_(self, "gap", check_range("gap", self.gap, 0.0, 1e-2, "m", low_open=True))
        set_(self, "metal_thickness", check_range("metal_thickness", self.metal_thickness, 0.0, self.gap, "m",
                                                  low_open=True, high_open=True))
        set_(self, "conductivity", check_positive("conductivity", self.conductivity, "S/m"))
        for name in ("below", "above"):
            layers = tuple((check_range(f"{name} permittivity", float(e), 1.0, 1e3),
                            check_range(f"{name} thickness", float(h), 0.0, 1.0, "m", low_open=True))
                           for e, h in getattr(self, name))
            set_(self, name, layers)
        set_(self, "loading_capacitance", check_range("loading_capacitance", self.loading_capacitance, 0.0, 1e-6,
                                                      "F/m"))

    def _edges(self):
        """Edges (x₁..x₄) of the ground | gap | signal | gap | ground surface [m]."""
        w, gap = self.signal_width, self.gap
        return (-w / 2 - gap, -w / 2, w / 2, w / 2 + gap)

    def _capacitance(self, air=False):
        points = self._edges()
        total = 2 * _ratio(points, math.inf)
        fill = 1.0 if air or not self.above else self.above[0][0]
        total += 2 * fill * self.metal_thickness / self.gap
        if not air:
            for layers in (self.below, self.above):
                depths = np.cumsum([h for _, h in layers])
                eps = [e for e, _ in layers] + [1.0]
                total += sum((eps[i] - eps[i + 1]) * _ratio(points, float(depths[i])) for i in range(len(layers)))
        return epsilon_0 * total

    @property
    def capacitance(self) -> float:
        """Line capacitance per unit length C [F/m], loading included."""
        return self._capacitance() + self.loading_capacitance

    @property
    def capacitance_air(self) -> float:
        """Capacitance per unit length with every dielectric replaced by air, C_air [F/m]."""
        return self._capacitance(air=True)

    @property
    def inductance(self) -> float:
        """External inductance per unit length L = 1/(c²C_air) [H/m]."""
        return 1.0 / (c**2 * self.capacitance_air)

    @property
    def characteristic_impedance(self) -> float:
        """Z₀ = 1/(c√(C·C_air)) [Ω]."""
        return 1.0 / (c * math.sqrt(self.capacitance * self.capacitance_air))

    @property
    def microwave_index(self) -> float:
        """Microwave (phase) index n_μ = √(C/C_air)."""
        return math.sqrt(self.capacitance / self.capacitance_air)

    def series_resistance(self, frequency: ArrayLike) -> float | np.ndarray:
        """Conductor series resistance per unit length R′(f) [Ω/m] (skin-effect limit; module docstring)."""
        f = np.asarray(frequency, dtype=float)
        if np.any(~np.isfinite(f) | (f < 0)):
            raise ValueError(f"frequency = {frequency!r} must be finite and >= 0 [Hz]")
        a, t = self.signal_width / 2, self.metal_thickness
        b = a + self.gap
        k = a / b
        edges = sum((math.pi + math.log(4 * math.pi * x * (1 - k) / (t * (1 + k)))) / x for x in (a, b))
        geometry = edges / (8 * ellipk(k * k) ** 2 * (1 - k * k))
        out = np.sqrt(np.pi * f * mu_0 / self.conductivity) * geometry
        return float(out) if out.ndim == 0 else out

    def conductor_loss(self, frequency: ArrayLike) -> float | np.ndarray:
        """Conductor attenuation α_c = R′/(2Z₀) [Np/m of voltage]."""
        return self.series_resistance(frequency) / (2 * self.characteristic_impedance)

    @property
    def loss_db_per_m_sqrt_ghz(self) -> float:
        """α_c at 1 GHz in dB/m of voltage (20 log₁₀), the coefficient of the √f law."""
        return float(neper_to_db(self.conductor_loss(1e9)))

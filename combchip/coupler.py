"""Ring-bus coupling rate from the overlap of the bent ring mode and the straight bus mode.

Coupled-mode theory (Huang, J. Opt. Soc. Am. A 11, 963 (1994); Okamoto, *Fundamentals of Optical
Waveguides*, ch. 4): with both modes normalised to equal power, the field coupling per length
between the ring guide and the bus guide whose centres are ``D`` apart is

``kappa_c(D) = (omega eps0 / 4) int_bus (n_core^2 - n_clad^2) E_ring^* . E_bus dA / P``,

over the bus core, with the full vector fields of femwell (:mod:`combchip.modes`): the ring's mode
is the bent one (conformal index of radius ``R``, which pulls it towards the bus), the bus mode
the straight one. Along the bus (coordinate ``z``, ``z = 0`` at the narrowest point) the
centre distance is ``D(z) = w + g + R - sqrt(R^2 - z^2)`` and the ring's phase ``beta_r R
asin(z/R)`` slides against the bus's ``beta_b z``, so the amplitude coupled in one pass is

``K = | int kappa_c(D(z)) exp(i (beta_b z - beta_r R asin(z / R))) dz |``,

the power per pass ``theta = sin^2 K`` and ``kappa_ex = theta / T_rt``, ``T_rt = 2 pi R n_g / c``
(Little et al., J. Lightwave Technol. 15, 998 (1997)). ``kappa_c(D)`` is evaluated at
:data:`SAMPLES` distances from ``w + g`` to ``w + g + 8 / gamma`` (``gamma`` the lateral decay
constant) and ``ln kappa_c`` interpolated by a cubic; beyond the last sample the integrand is below
e^-8 of its peak.

Accuracy: first-order CMT neglects the non-orthogonality of the isolated modes; against the
supermode splitting of two straight guides (exact for a parallel pair) it is 3.3 % high for a
1.6 x 0.8 um Si3N4 pair 500 nm apart (tests), so ``kappa_ex ~ K^2`` is ~7 % high. The phase
mismatch along the coupler is < 0.03 rad for system A. The bend pulls the ring's mode towards the
bus: +8 % in ``kappa_c`` at 500 nm, +17 % in ``kappa_ex`` against straight-mode overlaps. In practice the
fabricated gap dominates: ``kappa_ex`` changes by ~e per ``1 / (2 gamma)`` ~ 100 nm of gap.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from scipy.integrate import quad

from .modes import DEFAULT_CELLS, mesh, mode_key, solve
from .waveguide import _fem_optics, _guide, _length, lateral_decay_constant, ring_dispersion

__all__ = ["SAMPLES", "coupling_per_length", "ring_bus_coupling_rate", "supermode_coupling"]

SAMPLES = 5
"""Centre distances at which kappa_c(D) is solved."""
_C0 = 299_792_458.0
_EPS0_C = 1 / 376.730313668  # eps0 c = 1 / Z0 [S]


def _projected(mode):
    """P1 interpolators (x, y) -> (E_x, E_y, E_z) of a femwell mode [coordinates in um]."""
    from skfem import ElementTriP1, ElementVector

    (et, et_basis), (ez, ez_basis) = mode.basis.split(mode.E)
    vec = mode.basis.with_element(ElementVector(ElementTriP1()))
    scal = mode.basis.with_element(ElementTriP1())
    e_t = vec.project(et_basis.interpolate(et), dtype=complex)
    (ex, bx), (ey, by) = vec.split(e_t)
    e_z = scal.project(ez_basis.interpolate(ez), dtype=complex)
    return [bx.interpolator(ex), by.interpolator(ey), scal.interpolator(e_z)]


def coupling_per_length(width, height, wavelength, core, cladding, radius, distances, cells=DEFAULT_CELLS):
    """``kappa_c(D)`` [1/m] between a ring guide (bend radius ``radius``) and a straight bus at centre
    distances ``distances`` [m]; unvalidated (see :func:`ring_bus_coupling_rate`).

    Returns the couplings and the two modes' effective indices ``(n_ring, n_bus)``.
    """
    lam = wavelength
    optics = _fem_optics(width, height, core, cladding)
    n1, n2, _ = optics(lam)
    d = np.asarray(distances, dtype=float)
    pair, which = mesh(width, height, lam, n1, n2, cells, cores=(0.0, float(d.max())))
    ring = solve(pair, which, lam, radius, optics, present=[0])
    single, single_which = mesh(width, height, lam, n1, n2, cells)
    bus = solve(single, single_which, lam, math.inf, optics)
    f_ring, f_bus = _projected(ring), _projected(bus)
    # Gauss-Legendre over the bus core, (x, y) in um relative to the bus centre
    gx, wx = np.polynomial.legendre.leggauss(4 * cells[0])
    gy, wy = np.polynomial.legendre.leggauss(4 * cells[1])
    x, y = np.meshgrid(gx * width * 5e5, gy * height * 5e5, indexing="ij")
    weight = np.outer(wx, wy).ravel() * width * height * 0.25e12
    pts = np.vstack([x.ravel(), y.ravel()])
    e_bus = np.array([f(pts) for f in f_bus])
    out = []
    for dist in d:
        shifted = pts + np.array([[dist * 1e6], [0.0]])
        e_ring = np.array([f(shifted) for f in f_ring])
        overlap = np.sum(weight * np.sum(np.conj(e_ring) * e_bus, axis=0))
        # femwell normalises int Re(E x H*) dA = 1 (um^2), so kappa = k0 (eps0 c / 2) int d_eps E*.E dA
        out.append(abs(2 * math.pi / (lam * 1e6) * _EPS0_C / 2 * (n1**2 - n2**2) * overlap) * 1e6)
    return np.array(out), (float(ring.n_eff.real), float(bus.n_eff.real))


def supermode_coupling(width, height, gap, wavelength, core="Si3N4", cladding="SiO2", cells=DEFAULT_CELLS):
    """Coupling per length [1/m] of two identical straight guides from their supermodes,
    ``kappa = pi (n_even - n_odd) / lam`` (exact for a parallel pair; the reference for CMT)."""
    optics = _fem_optics(width, height, core, cladding)
    n1, n2, _ = optics(wavelength)
    pair, which = mesh(width, height, wavelength, n1, n2, cells, cores=(0.0, width + gap))
    modes = solve(pair, which, wavelength, math.inf, optics, num_modes=4)
    te = sorted((m.n_eff.real for m in modes if m.te_fraction > 0.5), reverse=True)
    return math.pi * (te[0] - te[1]) / wavelength


@lru_cache(maxsize=64)
def _rate(width, height, gap, wavelength, core, cladding, radius, n_g, cells):
    from .mode_table import MODE_TABLE

    key = "coupler " + mode_key(width, height, wavelength, core, cladding, radius, cells) + f" gap={gap * 1e9:.3f}nm"
    if key in MODE_TABLE:
        row = MODE_TABLE[key]
        return row["kappa_ex"], row["phi"]
    return _compute_rate(width, height, gap, wavelength, core, cladding, radius, n_g, cells)


def _compute_rate(width, height, gap, wavelength, core, cladding, radius, n_g, cells):
    gamma = lateral_decay_constant(width=width, height=height, wavelength=wavelength, core=core, cladding=cladding)
    d = width + gap + np.linspace(0.0, 8.0 / gamma, SAMPLES)
    kc, (n_ring, n_bus) = coupling_per_length(width, height, wavelength, core, cladding, radius, d, cells)
    fit = np.polynomial.Polynomial.fit(d, np.log(kc), 3)
    k0 = 2 * math.pi / wavelength
    z_max = math.sqrt(2 * radius * 8.0 / gamma)

    def integrand(z, part):
        dist = width + gap + radius - math.sqrt(radius**2 - z * z)
        phase = k0 * (n_bus * z - n_ring * radius * math.asin(z / radius))
        return math.exp(fit(dist)) * (math.cos(phase) if part == 0 else math.sin(phase))

    re = quad(integrand, -z_max, z_max, args=(0,), limit=200)[0]
    im = quad(integrand, -z_max, z_max, args=(1,), limit=200)[0]
    phi = math.hypot(re, im)
    return math.sin(phi) ** 2 / (2 * math.pi * radius * n_g / _C0), phi


def ring_bus_coupling_rate(
    *,
    radius: float,
    width: float,
    height: float,
    gap: float,
    wavelength: float,
    core: str = "Si3N4",
    cladding: str = "SiO2",
) -> float:
    """External coupling rate ``kappa_ex`` [rad/s] of a ring to a straight bus of the same cross-section.

    ``kappa_ex = sin^2(K) / T_rt`` with ``K`` the coupled-mode amplitude integrated along the coupler
    (module docstring), the bent femwell ring mode and the straight bus mode, and ``T_rt = 2 pi R n_g / c``
    with the femwell n_g of the bent ring (:func:`combchip.waveguide.ring_dispersion`).  Cached and, for the
    package's systems, tabulated in :mod:`combchip.mode_table`.

    Parameters
    ----------
    radius : float
        Ring centre radius [m], ``> 100 width``.
    width, height : float
        Core cross-section of ring and bus [m].
    gap : float
        Narrowest edge-to-edge gap [m], in (0, 5 um].
    wavelength : float
        Vacuum wavelength [m].
    core, cladding : {"Si3N4", "SiO2", "Si"}
        Materials.

    Returns
    -------
    float
        ``kappa_ex`` [rad/s], the energy decay rate into the bus.

    Raises
    ------
    ValueError
        A parameter outside its range (named), or no guided mode.
    """
    g = _length(gap, "gap", hi=5e-6)
    w, h, lam, core_key, clad_key = _guide(width, height, wavelength, core, cladding, True, 0.042)
    R = _length(radius, "radius", lo=100 * w, hi=1.0)
    n_g = ring_dispersion(radius=R, width=w, height=h, wavelength=lam, core=core_key, cladding=clad_key,
                          method="fem")["n_g"]
    return _rate(w, h, g, lam, core_key, clad_key, R, n_g, DEFAULT_CELLS)[0]

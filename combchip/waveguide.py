"""Semi-analytical and numerical models of fully etched channel waveguides and rings.

A rectangular core (Si3N4 or Si) of ``width`` x ``height`` fully surrounded by a
cladding (SiO2 by default) is either reduced to two symmetric three-layer slabs by
the effective-index method (EIM, fast, default) or solved as a 2D semi-vectorial
finite-difference eigenproblem (:func:`mode_index_fd`, "fd"), or handed to the full-vectorial,
bend-aware finite-element engine of :mod:`combchip.modes` ("fem", femwell; the reference for D2).
On top of the mode index the module gives the group index, the ring-resonator
dispersion coefficients D1, D2, D3 of the mode-number expansion, and the external
coupling rate of a ring to a straight bus through a point coupler (EIM).

All quantities are SI: metres, seconds, rad/s (Hz only for ``fsr``).

References
----------
K. Okamoto, *Fundamentals of Optical Waveguides*, 2nd ed. (Academic Press, 2006),
ch. 2 (slab guides), 2.4 (EIM) and 4 (coupled-mode theory).
E. A. J. Marcatili, Bell Syst. Tech. J. 48, 2071 (1969).
A. B. Fallahkhair, K. S. Li and T. E. Murphy, J. Lightwave Technol. 26, 1423 (2008)
(finite-difference vector mode solver; semi-vectorial limit).
T. Herr et al., Nat. Photon. 8, 145 (2014) (integrated dispersion D_int).
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Literal, get_args

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike
from scipy.optimize import brentq
from scipy.sparse.linalg import eigs

from .validation import check_choice

__all__ = [
    "C0",
    "Material",
    "ModeSolver",
    "Polarization",
    "THERMO_OPTIC",
    "refractive_index",
    "effective_index",
    "mode_index_fd",
    "group_index",
    "effective_area",
    "ring_dispersion",
    "radius_for_fsr",
    "lateral_decay_constant",
    "point_coupling_rate",
]

C0 = 299_792_458.0
"""Speed of light in vacuum [m/s]."""

Material = Literal["Si3N4", "SiO2", "Si"]
"""Materials with a Sellmeier equation (names are matched case-insensitively)."""
Polarization = Literal["TE", "TM"]
"""Quasi-TE (E mainly along the width) or quasi-TM."""
ModeSolver = Literal["eim", "fd", "fem"]
"""Effective-index method, semi-vectorial finite differences, or full-vectorial finite elements
(:mod:`combchip.modes`, femwell; bend-aware in :func:`ring_dispersion`)."""

_XTOL = 1e-15
_RTOL = 4 * np.finfo(float).eps


def _sellmeier_si3n4(lam_um):
    lam2 = lam_um**2
    return np.sqrt(1 + 3.0249 * lam2 / (lam2 - 0.1353406**2)
                   + 40314.0 * lam2 / (lam2 - 1239.842**2))


def _sellmeier_sio2(lam_um):
    lam2 = lam_um**2
    return np.sqrt(1 + 0.6961663 * lam2 / (lam2 - 0.0684043**2)
                   + 0.4079426 * lam2 / (lam2 - 0.1162414**2)
                   + 0.8974794 * lam2 / (lam2 - 9.896161**2))


def _sellmeier_si(lam_um):
    lam2 = lam_um**2
    return np.sqrt(11.6858 + 0.939816 / lam2 + 0.00810461 * lam2 / (lam2 - 1.1071**2))


# name -> (Sellmeier function of wavelength in um, valid range in m)
_MATERIALS = {
    "Si3N4": (_sellmeier_si3n4, (0.31e-6, 5.504e-6)),
    "SiO2": (_sellmeier_sio2, (0.21e-6, 6.7e-6)),
    "Si": (_sellmeier_si, (1.2e-6, 10e-6)),
}

THERMO_OPTIC = {"Si": 1.8e-4, "Si3N4": 2.45e-5, "SiO2": 0.95e-5, "InP": 2.0e-4}
"""Thermo-optic coefficients dn/dT [1/K] near 1550 nm and 300 K.

Si: J. Komma et al., Appl. Phys. Lett. 101, 041905 (2012); Si3N4 and SiO2: A. Arbabi and L. L. Goddard,
Opt. Lett. 38, 3878 (2013); InP: F. G. Della Corte et al., J. Appl. Phys. 88, 7115 (2000).
"""

_SIZE_MAX = 1e-4
_RADIUS_MAX = 1.0

_FD_GRID = 20e-9        # default (finest) FD step [m]
_FD_DECAY = 9.0         # default cladding margin, in decay lengths 1/gamma
_FD_UNKNOWNS = 600_000  # largest fine-grid quarter-domain FD problem
_FD_SPAN = 0.04         # dispersion fit: omega / omega_lam - 1 in [-span, span] ...
_FD_NODES = 7           # ... sampled at 7 points, interpolated by a degree-6 polynomial


# ----------------------------------------------------------------------------- validation
_SPELLING = {m.lower(): m for m in get_args(Material)}


def _material(name, param):
    """Canonical spelling of a case-insensitive :data:`Material` name."""
    key = _SPELLING.get(name.strip().lower(), name) if isinstance(name, str) else name
    return check_choice(param, key, Material)


def _length(value, param, lo=0.0, hi=_SIZE_MAX):
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{param}={value!r} must be a real number in ({lo:g}, {hi:g}] m") from None
    if not (math.isfinite(x) and lo < x <= hi):
        raise ValueError(f"{param}={value!r} m is outside the allowed range ({lo:g}, {hi:g}] m")
    return x


def _wavelengths(wavelength, *materials):
    try:
        lam = np.asarray(wavelength, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"wavelength={wavelength!r} must be a real number or array [m]") from None
    lo = max(_MATERIALS[m][1][0] for m in materials)
    hi = min(_MATERIALS[m][1][1] for m in materials)
    if lam.size == 0 or not np.all(np.isfinite(lam)) or np.any((lam < lo) | (lam > hi)):
        raise ValueError(
            f"wavelength={wavelength!r} m is outside the allowed range [{lo:g}, {hi:g}] m "
            f"(Sellmeier validity of {', '.join(materials)})")
    return lam


def _check_margin(lam, rel, wavelength, *materials):
    lo = max(_MATERIALS[m][1][0] for m in materials)
    hi = min(_MATERIALS[m][1][1] for m in materials)
    if np.any(lam * (1 - rel) < lo) or np.any(lam * (1 + rel) > hi):
        raise ValueError(
            f"wavelength={wavelength!r} m must lie inside [{lo:g}, {hi:g}] m by a relative "
            f"margin {rel:.1e} (finite differences / neighbouring resonances)")


def _guide(width, height, wavelength, core, cladding, scalar, margin=0.0):
    """Validated (width, height, wavelength, core, cladding) for the public functions."""
    w = _length(width, "width")
    h = _length(height, "height")
    core_key = _material(core, "core")
    clad_key = _material(cladding, "cladding")
    lam = _wavelengths(wavelength, core_key, clad_key)
    if scalar and lam.ndim != 0:
        raise ValueError(f"wavelength={wavelength!r} must be a scalar [m]")
    if margin:
        _check_margin(lam, margin, wavelength, core_key, clad_key)
    if np.any(_MATERIALS[core_key][0](lam * 1e6) <= _MATERIALS[clad_key][0](lam * 1e6)):
        raise ValueError(f"core={core!r} must have a higher index than cladding={cladding!r}")
    return w, h, (float(lam) if scalar else lam), core_key, clad_key


# ----------------------------------------------------------------------------- materials
def refractive_index(material: Material, wavelength: ArrayLike) -> float | np.ndarray:
    """Refractive index of a bulk material from its Sellmeier equation.

    ``n^2 = 1 + sum_i B_i lam^2 / (lam^2 - C_i^2)`` (lam in um), with

    * ``"Si3N4"``: LPCVD stoichiometric film, K. Luke et al., Opt. Lett. 40, 4823
      (2015), valid 0.31-5.504 um.
    * ``"SiO2"``: fused silica, I. H. Malitson, J. Opt. Soc. Am. 55, 1205 (1965),
      valid 0.21-6.7 um.
    * ``"Si"``: crystalline Si at 293 K, H. H. Li, J. Phys. Chem. Ref. Data 9, 561
      (1980), ``n^2 = 11.6858 + 0.939816/lam^2 + 0.00810461 lam^2/(lam^2 - 1.1071^2)``,
      valid 1.2-14 um (accepted here up to 10 um).

    Parameters
    ----------
    material : {"Si3N4", "SiO2", "Si"}
        Case-insensitive material name.
    wavelength : float or array_like
        Vacuum wavelength [m].

    Returns
    -------
    float or ndarray
        Refractive index, same shape as ``wavelength``.

    Raises
    ------
    ValueError
        Unknown ``material`` or ``wavelength`` outside the Sellmeier range.
    """
    key = _material(material, "material")
    lam = _wavelengths(wavelength, key)
    n = _MATERIALS[key][0](lam * 1e6)
    return float(n) if n.ndim == 0 else n


# ----------------------------------------------------------------------------- slab solver
def _slab_phase(neff, n1, n2, d, k0, eta, coupling):
    """Transverse-resonance function of the fundamental mode, zero at the mode index.

    ``q d - atan(eta p / q) - atan(eta p t / q)`` with ``q = k0 sqrt(n1^2-N^2)``,
    ``p = k0 sqrt(N^2-n2^2)``; ``t = 1`` for an isolated slab, ``tanh(p s/2)`` /
    ``coth(p s/2)`` for the even / odd supermode of two slabs separated by ``s``.
    """
    q = k0 * math.sqrt(n1 * n1 - neff * neff)
    p = k0 * math.sqrt(neff * neff - n2 * n2)
    if coupling is None:
        pt = p
    else:
        parity, gap = coupling
        th = math.tanh(0.5 * p * gap)
        pt = p * th if parity > 0 else p / th
    return q * d - math.atan2(eta * p, q) - math.atan2(eta * pt, q)


def _slab_neff(n1, n2, d, k0, tm, coupling=None):
    """Fundamental mode index of a symmetric slab (or of a symmetric slab pair)."""
    eta = (n1 / n2) ** 2 if tm else 1.0
    lo, hi = n2 * (1 + 1e-12), n1 - 1e-12 * (n1 - n2)
    args = (n1, n2, d, k0, eta, coupling)
    if lo >= hi or _slab_phase(lo, *args) <= 0.0:
        raise ValueError("no guided mode: the slab is below cutoff")
    return brentq(_slab_phase, lo, hi, args=args, xtol=_XTOL, rtol=_RTOL)


@lru_cache(maxsize=4096)
def _eim(width, height, lam, core, cladding, pol):
    """(n_eff, n_slab, n_clad) of the fundamental mode by the EIM; unvalidated scalars."""
    um = lam * 1e6
    n1 = float(_MATERIALS[core][0](um))
    n2 = float(_MATERIALS[cladding][0](um))
    k0 = 2 * math.pi / lam
    te = pol == "TE"
    n_slab = _slab_neff(n1, n2, height, k0, tm=not te)
    n_eff = _slab_neff(n_slab, n2, width, k0, tm=te)
    return n_eff, n_slab, n2


def _neff_checked(width, height, lam, core, cladding, pol):
    try:
        return _eim(width, height, lam, core, cladding, pol)
    except ValueError:
        raise ValueError(
            f"width={width!r} m, height={height!r} m at wavelength={lam!r} m: no guided "
            "mode (below cutoff)") from None


# ----------------------------------------------------------------------------- FD solver
def _fd_solve(nx, ny, kx, ky, dx, dy, e1, e2, k0):
    """beta^2 of the fundamental E_x mode on one quadrant; unvalidated.

    Nodes at ``((i + 1/2) dx, (j + 1/2) dy)``, ``i < nx``, ``j < ny``; the core holds
    ``i < kx, j < ky``, so its walls lie midway between nodes.  Mirror-symmetric walls
    at ``x = 0`` and ``y = 0``, ``E_x = 0`` one step beyond the last node.
    """
    eps = np.full((nx, ny), e2)
    eps[:kx, :ky] = e1
    face = 0.5 * (eps + np.vstack([eps[1:], np.full((1, ny), e2)]))  # eps at x_{i+1/2}
    up = eps[1:] / face[:-1]  # dx^2 A[i, i+1]
    lo = eps[:-1] / face[:-1]  # dx^2 A[i+1, i]
    cx = eps / face + np.vstack([np.zeros((1, ny)), up])
    cy = np.full(ny, 2.0)
    cy[0] = 1.0
    diag = k0**2 * eps - cx / dx**2 - cy / dy**2
    yoff = np.full(nx * ny - 1, 1 / dy**2)
    yoff[ny - 1::ny] = 0.0
    a = sp.diags([diag.ravel(), up.ravel() / dx**2, lo.ravel() / dx**2, yoff, yoff],
                 [0, ny, -ny, 1, -1], format="csc")
    val = eigs(a, k=1, sigma=k0**2 * e1, v0=np.ones(nx * ny), return_eigenvectors=False)[0]
    return val.real


def _fd_cells(w, h, grid, margin):
    """Coarse-grid (kx, ky, nx, ny, dx, dy) for the quadrant; the fine grid halves the steps."""
    kx, ky = (math.ceil(d / (4 * grid) - 1e-9) for d in (w, h))
    dx, dy = w / (2 * kx), h / (2 * ky)
    return kx, ky, kx + math.ceil(margin / dx - 1e-9), ky + math.ceil(margin / dy - 1e-9), dx, dy


@lru_cache(maxsize=4096)
def _fd_neff(w, h, lam, core, cladding, grid, margin, extrapolate):
    """Quasi-TE n_eff by finite differences (Richardson step 2*dx -> dx); unvalidated."""
    um = lam * 1e6
    e1, e2 = float(_MATERIALS[core][0](um)) ** 2, float(_MATERIALS[cladding][0](um)) ** 2
    k0 = 2 * math.pi / lam
    kx, ky, nx, ny, dx, dy = _fd_cells(w, h, grid, margin)
    b2 = [_fd_solve(r * nx, r * ny, r * kx, r * ky, dx / r, dy / r, e1, e2, k0)
          for r in ((1, 2) if extrapolate else (2,))]
    if min(b2) <= k0**2 * e2:
        raise ValueError(f"width={w!r} m, height={h!r} m at wavelength={lam!r} m: no guided "
                         "mode (below cutoff)")
    n = [math.sqrt(b) / k0 for b in b2]
    return n[1] + (n[1] - n[0]) / 3 if extrapolate else n[0]


def _fd_setup(w, h, lam_max, core, cladding, grid=None, margin=None):
    """Validated (grid, margin) for the FD solver; default margin _FD_DECAY / gamma(lam_max)."""
    grid = min(_FD_GRID, min(w, h) / 16) if grid is None else _length(grid, "grid")
    if margin is None:
        n_eff, _, n2 = _neff_checked(w, h, lam_max, core, cladding, "TE")
        margin = _FD_DECAY * lam_max / (2 * math.pi * math.sqrt(n_eff**2 - n2**2))
    else:
        margin = _length(margin, "margin")
    _, _, nx, ny, _, _ = _fd_cells(w, h, grid, margin)
    if 4 * nx * ny > _FD_UNKNOWNS:
        raise ValueError(f"grid={grid!r} m with margin={margin:g} m needs {4 * nx * ny} unknowns "
                         f"(> {_FD_UNKNOWNS}); use a coarser grid or a smaller margin")
    return grid, margin


def _fem_optics(w, h, core, cladding):
    """``lam -> (n_core, n_clad, n_guess)`` for :mod:`combchip.modes`; the guess is the EIM index."""
    def optics(lam):
        um = lam * 1e6
        return (float(_MATERIALS[core][0](um)), float(_MATERIALS[cladding][0](um)),
                _eim(w, h, lam, core, cladding, "TE")[0])

    return optics


@lru_cache(maxsize=256)
def _fem_solved(w, h, lam, core, cladding, radius):
    """femwell (n_eff samples, A_eff) of :func:`combchip.modes.samples` on the default mesh; unvalidated."""
    from .modes import DEFAULT_CELLS, samples

    return samples(w, h, lam, core, cladding, radius, DEFAULT_CELLS, _fem_optics(w, h, core, cladding))


@lru_cache(maxsize=256)
def _fem_poly(w, h, lam, core, cladding, radius):
    """Degree-6 polynomial n_eff(x), x = omega / omega_lam - 1, through the femwell samples."""
    from .modes import FEM_NODES, FEM_SPAN

    x = np.linspace(-FEM_SPAN, FEM_SPAN, FEM_NODES)
    return np.polynomial.Polynomial.fit(x, _fem_solved(w, h, lam, core, cladding, radius)[0], FEM_NODES - 1)


def effective_area(
    *,
    width: float,
    height: float,
    wavelength: float,
    core: Material = "Si3N4",
    cladding: Material = "SiO2",
    radius: float = math.inf,
) -> float:
    """Nonlinear effective area [m^2] of the fundamental quasi-TE mode over the core (femwell).

    ``A_eff = (int |E|^2 dA)^2 / int_core |E|^4 dA`` with the full vector field (E_x, E_y, E_z) of
    :mod:`combchip.modes`, the numerator over the whole cross-section and the denominator over the
    Kerr core only (the SiO2 cladding's n2, 2.6e-20 m^2/W, is an order of magnitude below Si3N4's).
    It sets the single-photon Kerr shift ``g0 = hbar omega^2 c n2 / (n_g^2 A_eff L)``
    (Agrawal, *Nonlinear Fiber Optics*, 5th ed., sec. 2.3; Herr et al., Nat. Photon. 8, 145 (2014)).

    Parameters
    ----------
    width, height : float
        Core cross-section [m].
    wavelength : float
        Vacuum wavelength [m].
    core, cladding : Material
        Material names accepted by :func:`refractive_index`.
    radius : float
        Bend radius [m] of the guide centre (``inf``: straight), ``> 10 width``.

    Returns
    -------
    float
        ``A_eff`` [m^2].

    Raises
    ------
    ValueError
        A parameter outside its range (named), or no guided mode.
    ImportError
        femwell is missing for a point not in :mod:`combchip.mode_table`.
    """
    w, h, lam, core_key, clad_key = _guide(width, height, wavelength, core, cladding, True, _FD_SPAN * 1.05)
    r = math.inf if radius == math.inf else _length(radius, "radius", lo=10 * w, hi=_RADIUS_MAX)
    return _fem_solved(w, h, lam, core_key, clad_key, r)[1]


@lru_cache(maxsize=256)
def _fd_poly(w, h, lam, core, cladding):
    """Degree-6 polynomial n_eff(x), x = omega / omega_lam - 1, through 7 FD samples."""
    x = np.linspace(-_FD_SPAN, _FD_SPAN, _FD_NODES)
    lams = lam / (1 + x)
    grid, margin = _fd_setup(w, h, float(lams.max()), core, cladding)
    n = [_fd_neff(w, h, float(lm), core, cladding, grid, margin, True) for lm in lams]
    return np.polynomial.Polynomial.fit(x, n, _FD_NODES - 1)


# ----------------------------------------------------------------------------- public API
def effective_index(
    *,
    width: float,
    height: float,
    wavelength: ArrayLike,
    core: Material = "Si3N4",
    cladding: Material = "SiO2",
    polarization: Polarization = "TE",
    method: ModeSolver = "eim",
) -> float | np.ndarray:
    """Effective index of the fundamental quasi-TE (or quasi-TM) channel mode.

    ``method="fd"`` returns :func:`mode_index_fd` with its default grid; the
    default ``method="eim"`` uses the effective-index method:

    Step 1 (vertical): slab of thickness ``height``, indices ``n_core``/``n_clad``,
    solved for the polarization with E parallel to the slab (TE slab for quasi-TE)
    giving ``n_slab``.  Step 2 (lateral): slab of thickness ``width``, indices
    ``n_slab``/``n_clad``, with the orthogonal slab polarization (TM slab for
    quasi-TE).  Each symmetric slab obeys the transverse-resonance condition

    ``k0 d sqrt(n1^2 - N^2) = 2 atan(eta sqrt(N^2 - n2^2) / sqrt(n1^2 - N^2))``,

    ``eta = 1`` (TE) or ``(n1/n2)^2`` (TM), solved with ``scipy.optimize.brentq``
    (Okamoto, *Fundamentals of Optical Waveguides*, sec. 2.1 and 2.4).

    Parameters
    ----------
    width, height : float
        Core width and thickness [m], each in (0, 100 um].
    wavelength : float or array_like
        Vacuum wavelength [m] inside the Sellmeier range of both materials.
    core, cladding : Material
        Material names accepted by :func:`refractive_index`.
    polarization : {"TE", "TM"}
        Quasi-TE: E mainly along the width.
    method : {"eim", "fd", "fem"}
        Effective-index method, :func:`mode_index_fd`, or the femwell engine of
        :mod:`combchip.modes` (straight guide, quasi-TE only).

    Returns
    -------
    float or ndarray
        Effective index ``n_eff``, same shape as ``wavelength``.

    Notes
    -----
    EIM accuracy, checked against :func:`mode_index_fd` for a 1.6 x 0.8 um
    Si3N4/SiO2 guide at 1.537 um: n_eff +1.7e-3 (1.8391 vs 1.8374), n_g -0.25 %
    (2.114 vs 2.119), GVD underestimated by ~40 % (beta2 -70 vs -123 ps^2/km).
    A symmetric-clad EIM always yields a guided mode; the mode is reported as cut
    off only when n_eff - n_clad < 1e-12 n_clad.
    """
    chosen = check_choice("method", method, ModeSolver)
    if chosen == "fem":
        if check_choice("polarization", polarization, Polarization) != "TE":
            raise ValueError(f"polarization={polarization!r}: method='fem' solves the quasi-TE mode only")
        w, h, lam, core_key, clad_key = _guide(width, height, wavelength, core, cladding, False, _FD_SPAN * 1.05)
        out = np.array([_fem_poly(w, h, float(x), core_key, clad_key, math.inf)(0.0) for x in lam.ravel()])
        return float(out[0]) if lam.ndim == 0 else out.reshape(lam.shape)
    if chosen == "fd":
        return mode_index_fd(width=width, height=height, wavelength=wavelength, core=core, cladding=cladding,
                             polarization=polarization)
    w, h, lam, core_key, clad_key = _guide(width, height, wavelength, core, cladding, False)
    pol = check_choice("polarization", polarization, Polarization)
    out = np.array([_neff_checked(w, h, float(x), core_key, clad_key, pol)[0] for x in lam.ravel()])
    return float(out[0]) if lam.ndim == 0 else out.reshape(lam.shape)


def mode_index_fd(
    *,
    width: float,
    height: float,
    wavelength: ArrayLike,
    core: Material = "Si3N4",
    cladding: Material = "SiO2",
    polarization: Polarization = "TE",
    grid: float | None = None,
    margin: float | None = None,
    extrapolate: bool = True,
) -> float | np.ndarray:
    """Fundamental quasi-TE (or quasi-TM) mode index by semi-vectorial finite differences.

    The dominant field ``E_x`` (along the width) obeys

    ``d/dx[(1/eps) d(eps E_x)/dx] + d^2 E_x/dy^2 + k0^2 eps(x, y) E_x = beta^2 E_x``,

    ``eps = n^2`` from :func:`refractive_index` (material dispersion included), which
    keeps ``eps E_x`` and ``(1/eps) d(eps E_x)/dx`` continuous across the side walls
    (Fallahkhair, Li & Murphy, J. Lightwave Technol. 26, 1423 (2008), semi-vectorial
    limit).  Five-point finite volumes on one quadrant of a uniform grid with the
    core walls midway between nodes (``eps`` at a face = mean of its two nodes),
    mirror symmetry on the axes (even modes only) and ``E_x = 0`` at the window edge;
    the sparse matrix is solved by ``scipy.sparse.linalg.eigs`` in shift-invert
    mode about ``k0^2 n_core^2``, ``n_eff = beta / k0``.  The error is O(s^2) in the
    step s; with ``extrapolate`` the result is Richardson-extrapolated from steps
    ``2s`` and ``s``: ``n = n_s + (n_s - n_2s) / 3``.  Quasi-TM (``E_y``) is the same problem
    with width and height exchanged (homogeneous cladding).

    Parameters
    ----------
    width, height : float
        Core width and thickness [m].
    wavelength : float or array_like
        Vacuum wavelength [m]; results are cached per scalar wavelength.
    core, cladding : Material
        Material names accepted by :func:`refractive_index`.
    polarization : {"TE", "TM"}
        Quasi-TE: E mainly along the width.
    grid : float, optional
        Largest (finest) grid step [m]; the steps are adjusted to put the walls
        midway between nodes.  Default ``min(20 nm, min(width, height) / 16)``.
    margin : float, optional
        Cladding between core and window edge [m].  Default 9 decay lengths
        ``1 / gamma``, ``gamma = k0 sqrt(n_eff^2 - n_clad^2)`` (EIM, longest
        wavelength), common to all wavelengths so that n_eff(lam) is smooth.
    extrapolate : bool
        Richardson extrapolation (default) or the fine-grid value alone.

    Returns
    -------
    float or ndarray
        ``n_eff``, same shape as ``wavelength``.

    Raises
    ------
    ValueError
        Bad geometry, materials, wavelength or polarization, ``grid``/``margin``
        not positive or needing more than 6e5 unknowns, or no guided mode.

    Notes
    -----
    Convergence, 1.6 x 0.8 um Si3N4/SiO2 at 1536.67 nm, margin 1.5 um:

    ====  ==========  ============
    grid  fine only   extrapolated
    ====  ==========  ============
    40nm  1.8379575   1.8374374
    20nm  1.8375613   1.8374293
    10nm  1.8374619   1.8374287
    5nm   1.8374370   1.8374287
    ====  ==========  ============

    The fine-grid error falls 4x per halving, so the default (20 nm, extrapolated)
    is within 1e-6 of the limit; the default margin (1.9 um here) adds < 1e-9
    (1.5 um: 7e-8).  Cost at the default: ~0.1 s per wavelength.  For a Si wire
    (0.5 x 0.22 um, grid 13.75 nm) the extrapolated error is ~1e-5.
    """
    w, h, lam, core_key, clad_key = _guide(width, height, wavelength, core, cladding, False)
    if check_choice("polarization", polarization, Polarization) == "TM":
        w, h = h, w
    g, m = _fd_setup(w, h, float(lam.max()), core_key, clad_key, grid, margin)
    out = np.array([_fd_neff(w, h, float(x), core_key, clad_key, g, m, bool(extrapolate))
                    for x in lam.ravel()])
    return float(out[0]) if lam.ndim == 0 else out.reshape(lam.shape)


def _group_index(w, h, lam, core, cladding, pol="TE", rel_step=1e-4):
    dl = lam * rel_step
    n0 = _neff_checked(w, h, lam, core, cladding, pol)[0]
    n_p = _neff_checked(w, h, lam + dl, core, cladding, pol)[0]
    n_m = _neff_checked(w, h, lam - dl, core, cladding, pol)[0]
    return n0 - lam * (n_p - n_m) / (2 * dl)


def group_index(
    *,
    width: float,
    height: float,
    wavelength: ArrayLike,
    core: Material = "Si3N4",
    cladding: Material = "SiO2",
    method: ModeSolver = "eim",
) -> float | np.ndarray:
    """Group index of the fundamental quasi-TE mode, including material dispersion.

    ``n_g = n_eff - lam dn_eff/dlam = n_eff + omega dn_eff/domega``.  EIM: centred
    finite difference of :func:`effective_index` with step ``1e-4 lam`` (truncation
    error ~1e-9).  FD: derivative of the degree-6 polynomial through
    :func:`mode_index_fd` at ``omega = omega_lam (1 + x)``, 7 points
    ``|x| <= 0.04`` (the samples :func:`ring_dispersion` uses).  FEM: the same with the
    straight-guide femwell samples of :mod:`combchip.modes`.

    Parameters
    ----------
    width, height : float
        Core width and thickness [m].
    wavelength : float or array_like
        Vacuum wavelength [m].
    core, cladding : Material
        Material names accepted by :func:`refractive_index`.
    method : {"eim", "fd", "fem"}
        Mode solver, see :func:`effective_index`.

    Returns
    -------
    float or ndarray
        Group index, same shape as ``wavelength``.

    References
    ----------
    Okamoto, *Fundamentals of Optical Waveguides*, sec. 2.5.
    """
    chosen = check_choice("method", method, ModeSolver)
    w, h, lam, core_key, clad_key = _guide(width, height, wavelength, core, cladding, False,
                                           _FD_SPAN * 1.05 if chosen != "eim" else 2e-4)
    if chosen != "eim":
        polys = [_fd_poly(w, h, float(x), core_key, clad_key) if chosen == "fd"
                 else _fem_poly(w, h, float(x), core_key, clad_key, math.inf) for x in lam.ravel()]
        out = np.array([p(0.0) + p.deriv()(0.0) for p in polys])
    else:
        out = np.array([_group_index(w, h, float(x), core_key, clad_key) for x in lam.ravel()])
    return float(out[0]) if lam.ndim == 0 else out.reshape(lam.shape)


def _resonance(n_of, m, radius, omega_guess):
    """Angular frequency solving n_eff(omega) omega R / c = m."""
    def f(omega):
        return n_of(omega) * omega * radius / C0 - m

    lo, hi = omega_guess * (1 - 2e-3), omega_guess * (1 + 2e-3)
    return brentq(f, lo, hi, xtol=1e-300, rtol=_RTOL)


# 4th-order central differences on mu = -3..3 (coefficients for omega_{-3..3})
_FD = {
    "d1": np.array([0, 1, -8, 0, 8, -1, 0]) / 12,
    "d2": np.array([0, -1, 16, -30, 16, -1, 0]) / 12,
    "d3": np.array([1, -8, 13, 0, -13, 8, -1]) / 8,
}


def ring_dispersion(
    *,
    radius: float,
    width: float,
    height: float,
    wavelength: float,
    core: Material = "Si3N4",
    cladding: Material = "SiO2",
    method: ModeSolver = "eim",
) -> dict[str, float]:
    """Dispersion of the fundamental quasi-TE family of a ring resonator.

    The resonance of azimuthal order ``m`` satisfies ``n_eff(omega_m) omega_m R / c = m``
    (solved with ``brentq``).  With ``m0 = round(n_eff 2 pi R / lam)`` and
    ``mu = m - m0`` the resonances are expanded as

    ``omega_mu = omega_0 + D1 mu + D2 mu^2 / 2 + D3 mu^3 / 6``,

    (Herr et al., Nat. Photon. 8, 145 (2014)); D1, D2, D3 are 4th-order central
    finite differences over ``mu = -3..3``.  ``beta2 = -n_g D2 / (c D1^2)``.
    ``"eim"`` and ``"fd"`` ignore the bend-induced change of n_eff (and of its dispersion);
    ``"fem"`` includes it through the conformal index ``n (1 + x/R)`` of :mod:`combchip.modes`.

    ``method="eim"`` (default) solves the EIM at every trial frequency: FSR to
    ~0.5 %, but D2 underestimated by ~40 %.  ``method="fd"`` evaluates
    :func:`mode_index_fd` (default grid) at 7 frequencies ``omega_lam (1 + x)``,
    ``|x| <= 0.04`` (+-7.8 THz at 1.54 um), and solves the resonance condition on the
    degree-6 interpolating polynomial ``n_eff(x)``; ~0.9 s, then cached.  For the
    1.6 x 0.8 um, R = 230 um Si3N4 ring at 1536.67 nm: D2/2pi = 0.60 MHz (EIM) vs
    1.0513 MHz (FD; grid 40/20/10 nm: 1.0503/1.0513/1.0514 MHz, fit span 0.02-0.06
    and window 9-11 decay lengths: < 1e-4 relative), D3/2pi = -345 Hz (+-1 Hz).
    The semi-vectorial FD misses the full-vectorial wall boundary conditions and is ~10 % low
    in D2; ``method="fem"`` (femwell, full-vectorial, bent) is the reference, see
    :mod:`combchip.modes` and the tests for its figures and convergence.

    Parameters
    ----------
    radius : float
        Ring radius [m] (mode centre), ``width < radius <= 1 m``.
    width, height : float
        Core cross-section [m].
    wavelength : float
        Vacuum wavelength [m] near which the pumped resonance lies.
    core, cladding : Material
        Material names accepted by :func:`refractive_index`.
    method : {"eim", "fd", "fem"}
        Mode solver, see :func:`effective_index`.

    Returns
    -------
    dict
        ``n_eff``, ``n_g`` (at ``wavelength``), ``fsr`` [Hz] = D1/2pi, ``d1``,
        ``d2``, ``d3`` [rad/s], ``beta2`` [s^2/m], ``m0`` and ``omega0`` [rad/s].
    """
    chosen = check_choice("method", method, ModeSolver)
    w, h, lam, core_key, clad_key = _guide(width, height, wavelength, core, cladding, True,
                                           _FD_SPAN * 1.05 if chosen != "eim" else 2e-4)
    R = _length(radius, "radius", lo=w, hi=_RADIUS_MAX)
    omega_lam = 2 * math.pi * C0 / lam
    n_eff = _neff_checked(w, h, lam, core_key, clad_key, "TE")[0]
    n_g = _group_index(w, h, lam, core_key, clad_key)
    m0 = round(n_eff * 2 * math.pi * R / lam)
    if m0 < 4:
        raise ValueError(f"radius={radius!r} m is too small: azimuthal order {m0} < 4")
    reach = 4 * C0 / (n_g * R * omega_lam) + 3e-3  # relative offset of mu = +-3 plus bracket
    _check_margin(lam, reach, wavelength, core_key, clad_key)
    if chosen == "eim":
        def n_of(omega):
            return _neff_checked(w, h, 2 * math.pi * C0 / omega, core_key, clad_key, "TE")[0]
    elif reach > _FD_SPAN:
        raise ValueError(f"radius={radius!r} m is too small for method={chosen!r}: resonances "
                         "mu = +-3 lie outside the fitted band")
    else:
        poly = (_fd_poly(w, h, lam, core_key, clad_key) if chosen == "fd"
                else _fem_poly(w, h, lam, core_key, clad_key, R))
        n_eff, n_g = float(poly(0.0)), float(poly(0.0) + poly.deriv()(0.0))
        m0 = round(n_eff * 2 * math.pi * R / lam)

        def n_of(omega):
            return poly(omega / omega_lam - 1)

    d1_guess = C0 / (n_g * R)
    omega_ref = omega_lam + (m0 - n_eff * omega_lam * R / C0) * d1_guess
    omegas = np.array([_resonance(n_of, m0 + mu, R, omega_ref + mu * d1_guess)
                       for mu in range(-3, 4)])
    d = {k: float(c @ (omegas - omegas[3])) for k, c in _FD.items()}
    return {
        "n_eff": n_eff,
        "n_g": n_g,
        "fsr": d["d1"] / (2 * math.pi),
        "d1": d["d1"],
        "d2": d["d2"],
        "d3": d["d3"],
        "beta2": -n_g * d["d2"] / (C0 * d["d1"] ** 2),
        "m0": m0,
        "omega0": float(omegas[3]),
    }


def radius_for_fsr(
    *,
    fsr: float,
    width: float,
    height: float,
    wavelength: float,
    core: Material = "Si3N4",
    cladding: Material = "SiO2",
    method: ModeSolver = "eim",
) -> float:
    """Radius of a circular ring whose free spectral range at ``wavelength`` is ``fsr``.

    ``R = c / (2 pi n_g FSR)``, with the straight-guide group index ``n_g`` of
    :func:`group_index` at ``wavelength``.  The straight-guide n_g is used (no iteration in R);
    the bend changes the femwell n_g of the package's rings by < 1e-4 relative (see the tests),
    below the 1e-4 FSR read-back tolerance of the layouts.  Cached per argument set:
    a layout cell and the device object that share a cross-section pay for the mode
    solve once per process.

    Parameters
    ----------
    fsr : float
        Target free spectral range [Hz], in (1 GHz, 10 THz].
    width, height : float
        Core cross-section [m].
    wavelength : float
        Vacuum wavelength [m] at which the FSR is meant.
    core, cladding : Material
        Material names accepted by :func:`refractive_index`.
    method : {"eim", "fd", "fem"}
        Mode solver, see :func:`group_index`.

    Returns
    -------
    float
        Radius of the mode centreline [m].

    References
    ----------
    B. E. Little et al., J. Lightwave Technol. 15, 998 (1997) (FSR = c / (n_g L)).
    """
    try:
        f = float(fsr)
    except (TypeError, ValueError):
        raise ValueError(f"fsr={fsr!r} must be a real number in (1e9, 1e13] Hz") from None
    if not (math.isfinite(f) and 1e9 < f <= 1e13):
        raise ValueError(f"fsr={fsr!r} Hz is outside the allowed range (1e9, 1e13] Hz")
    w, h, lam, core_key, clad_key = _guide(width, height, wavelength, core, cladding, True)
    return _radius_for_fsr(f, w, h, lam, core_key, clad_key, check_choice("method", method, ModeSolver))


@lru_cache(maxsize=64)
def _radius_for_fsr(fsr, width, height, wavelength, core, cladding, method):
    n_g = group_index(width=width, height=height, wavelength=wavelength, core=core, cladding=cladding,
                      method=method)
    return C0 / (2 * math.pi * n_g * fsr)


def lateral_decay_constant(
    *, width: float, height: float, wavelength: float, core: Material = "Si3N4", cladding: Material = "SiO2"
) -> float:
    """Lateral evanescent decay constant ``gamma = k0 sqrt(n_eff^2 - n_clad^2)`` [1/m].

    Parameters
    ----------
    width, height : float
        Core cross-section [m].
    wavelength : float
        Vacuum wavelength [m].
    core, cladding : Material
        Material names accepted by :func:`refractive_index`.

    Returns
    -------
    float
        Field decay constant of the quasi-TE mode in the cladding beside the core.
    """
    w, h, lam, core_key, clad_key = _guide(width, height, wavelength, core, cladding, True)
    n_eff, _, n2 = _neff_checked(w, h, lam, core_key, clad_key, "TE")
    return 2 * math.pi / lam * math.sqrt(n_eff**2 - n2**2)


def point_coupling_rate(
    *,
    radius: float,
    width: float,
    height: float,
    gap: float,
    wavelength: float,
    core: Material = "Si3N4",
    cladding: Material = "SiO2",
) -> float:
    """External coupling rate of a ring to a straight bus through a point coupler.

    Coupled-mode theory on the lateral EIM problem (two identical TM slabs of index
    ``n_slab``, width ``w``, in ``n_clad``, edge-to-edge separation ``s``):

    1. Coupling per length from the supermode splitting,
       ``kappa_c(s) = k0 (N_even(s) - N_odd(s)) / 2`` (both from ``brentq``).
    2. Along the ring the separation is ``s(z) = g + z^2 / (2R)`` and
       ``kappa_c(s) ~= kappa_c(g) exp(-gamma (s - g))`` with the lateral decay
       constant ``gamma = k0 sqrt(n_eff^2 - n_clad^2)``, so
       ``phi = int kappa_c dz = kappa_c(g) sqrt(2 pi R / gamma)``.
    3. Power coupled per pass ``theta = sin^2(phi)`` (``= phi^2`` for weak coupling)
       and ``kappa_ex = theta / T_rt`` with ``T_rt = n_g 2 pi R / c``; meaningful
       for ``phi < pi/2`` (weak point coupling).

    Hence ``ln kappa_ex`` falls linearly with slope ``-2 gamma`` in the gap.
    Approximations: EIM, phase matching of the curved and straight guide, no bend
    radiation, ``gamma R >> 1``.  Expected accuracy: a factor ~2 in ``kappa_ex``
    (the coupling is exponentially sensitive to n_eff and to the gap); the decay
    with gap is more reliable than the absolute value.

    Parameters
    ----------
    radius : float
        Ring radius [m].
    width, height : float
        Core cross-section of ring and bus [m].
    gap : float
        Minimum edge-to-edge ring-bus gap [m], in (0, 100 um].
    wavelength : float
        Vacuum wavelength [m].
    core, cladding : Material
        Material names accepted by :func:`refractive_index`.

    Returns
    -------
    float
        ``kappa_ex`` [rad/s] (energy decay rate into the bus).

    References
    ----------
    Okamoto, *Fundamentals of Optical Waveguides*, ch. 4 (coupled-mode theory).
    """
    g = _length(gap, "gap")
    w, h, lam, core_key, clad_key = _guide(width, height, wavelength, core, cladding, True, 2e-4)
    R = _length(radius, "radius", lo=w, hi=_RADIUS_MAX)

    n_eff, n_slab, n2 = _neff_checked(w, h, lam, core_key, clad_key, "TE")
    k0 = 2 * math.pi / lam
    try:
        n_even = _slab_neff(n_slab, n2, w, k0, tm=True, coupling=(+1, g))
        n_odd = _slab_neff(n_slab, n2, w, k0, tm=True, coupling=(-1, g))
    except ValueError:
        raise ValueError(f"gap={gap!r} m is too small: the odd supermode is cut off") from None
    gamma = k0 * math.sqrt(n_eff**2 - n2**2)
    phi = 0.5 * k0 * (n_even - n_odd) * math.sqrt(2 * math.pi * R / gamma)
    t_rt = _group_index(w, h, lam, core_key, clad_key) * 2 * math.pi * R / C0
    return math.sin(phi) ** 2 / t_rt

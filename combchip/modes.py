"""Full-vectorial finite-element modes of channel waveguides, straight or bent (femwell engine).

A rectangular core of ``width`` x ``height`` in a homogeneous cladding is meshed with second-order
triangles (a tensor grid, ``cells`` elements across the core height and across the width, or across
each ``2 lam`` of a wider core so that the side walls' evanescent tails stay resolved; growing by ``1.3``
per element up to ``lam / 3`` in the cladding, 9 evanescent decay lengths of cladding on every side) and solved for the
fundamental quasi-TE mode with femwell's Nédélec/Lagrange formulation of the vector wave equation
(Vardapetyan and Demkowicz, *Electromagnetics* 22, 419 (2002)). A bend of radius ``R`` enters by
the conformal transformation ``n(x) -> n(x) (1 + x / R)`` (Heiblum and Harris, IEEE J. Quantum
Electron. 11, 75 (1975)), ``x`` measured outwards from the guide centre, so that ``n_eff`` is the
index of the mode referred to the guide centre: a ring of centre radius ``R`` resonates at
``n_eff(omega) omega R / c = m``.

This module is the engine only: it takes the materials' indices and an eigenvalue guess from its caller
(``optics(lam) -> (n_core, n_clad, n_guess)``, see :func:`combchip.waveguide.effective_area` and
``method="fem"`` of :mod:`combchip.waveguide`), which validates the arguments and caches the results.
femwell is an optional dependency (``pip install combchip[modes]``). The points the package's systems use
are tabulated in :mod:`combchip.mode_table` (written by ``python benchmarks/mode_table.py``), so that
importing and using those systems needs no mesh solve.

References
----------
H. Gehring et al., femwell: finite-element mode solver, https://github.com/HelgeGehring/femwell (v0.1.12).
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["DEFAULT_CELLS", "FEM_NODES", "FEM_SPAN", "mode_key", "samples"]

FEM_SPAN = 0.04
"""Dispersion samples at ``omega = omega_lam (1 + x)``, ``|x| <= FEM_SPAN`` ..."""
FEM_NODES = 7
"""... at this many equally spaced points (a degree-6 interpolating polynomial)."""
MeshCells = tuple[int, int]
DEFAULT_CELLS: MeshCells = (16, 8)
"""Second-order elements across the core width and height: n_eff within ~4e-6 and D2 within ~0.5 % of a
mesh twice as fine (system A; tests/test_modes.py)."""
_GROW = 1.3
_DECAY = 9.0


def mode_key(width, height, wavelength, core, cladding, radius=math.inf, cells=DEFAULT_CELLS) -> str:
    """Table key of one solved point: materials, sizes in nm (3 decimals), radius in um, mesh cells."""
    bend = "straight" if math.isinf(radius) else f"R={radius * 1e6:.4f}um"
    return (f"{core}/{cladding} w={width * 1e9:.3f}nm h={height * 1e9:.3f}nm lam={wavelength * 1e9:.4f}nm "
            f"{bend} cells={cells[0]}x{cells[1]}")


def _axis(centres, half_core, margin, step, step_max):
    """Sorted node coordinates [um]: uniform steps <= ``step`` over each core (centred at ``centres``) and
    each gap between cores, growing by _GROW up to ``step_max`` over ``margin`` outside the outer cores."""
    n = max(2, math.ceil(half_core / step - 1e-9))
    parts = [np.linspace(c - half_core, c + half_core, 2 * n + 1) for c in centres]
    for a, b in zip(centres[:-1], centres[1:]):
        gap = (b - a) - 2 * half_core
        parts.append(np.linspace(a + half_core, b - half_core, max(2, math.ceil(gap / step - 1e-9)) + 1))
    out, h = [0.0], half_core / n
    while out[-1] < margin:
        h = min(h * _GROW, step_max)
        out.append(out[-1] + h)
    grow = np.asarray(out[1:])
    parts += [centres[0] - half_core - grow, centres[-1] + half_core + grow]
    return np.unique(np.round(np.concatenate(parts), 9))


def mesh(width, height, lam, n_core, n_clad, cells, cores=(0.0,)):
    """skfem MeshTri [um] around cores of ``width`` x ``height`` centred at ``x`` in ``cores`` [m].

    Returns the mesh and the core number of each element (-1 in the cladding).
    """
    from skfem import MeshTri

    w, h, lam_um = width * 1e6, height * 1e6, lam * 1e6
    n_slab = min(n_core, n_clad + (n_core - n_clad) * min(1.0, height / lam))  # crude, only sizes the window
    margin = _DECAY * lam_um / (2 * math.pi * math.sqrt(max(n_slab**2 - n_clad**2, 1e-4)))
    offsets = [c * 1e6 for c in cores]
    xs = _axis(offsets, w / 2, margin, min(w, 2 * lam_um) / cells[0], lam_um / 3)
    ys = _axis([0.0], h / 2, margin, h / cells[1], lam_um / 3)
    mesh = MeshTri.init_tensor(xs, ys)
    centre = mesh.p[:, mesh.t].mean(axis=1)
    which = np.full(mesh.t.shape[1], -1)
    for i, o in enumerate(offsets):
        which[(np.abs(centre[0] - o) < w / 2) & (np.abs(centre[1]) < h / 2)] = i
    return mesh, which


def solve(mesh, which, lam, radius, optics, present=None, num_modes=1):
    """femwell modes on ``mesh`` at ``lam`` [m] with the cores in ``present`` (all by default), bent to
    ``radius`` [m] about ``x = 0``; the fundamental one unless ``num_modes > 1`` (then all)."""
    try:
        from femwell.maxwell.waveguide import compute_modes
        from skfem import Basis, ElementTriP0
    except ImportError as err:
        raise ImportError(f"{err}: the full-vectorial mode engine needs `pip install combchip[modes]`; "
                          "method='fd' is the fallback") from None

    n_core, n_clad, guess = optics(lam)
    on = which >= 0 if present is None else np.isin(which, present)
    eps = np.where(on, n_core**2, n_clad**2).astype(float)
    modes = compute_modes(Basis(mesh, ElementTriP0()), eps, wavelength=lam * 1e6, num_modes=num_modes, order=2,
                          radius=radius * 1e6 if math.isfinite(radius) else math.inf, n_guess=guess)
    return modes[0] if num_modes == 1 else list(modes)


def core_area(mode, which):
    """Nonlinear effective area over the core [m^2]: ``(int |E|^2 dA)^2 / int_core |E|^4 dA``."""
    from skfem import Functional
    from skfem.helpers import dot

    @Functional(dtype=complex)
    def e2(w):
        return dot(np.conj(w["E"][0]), w["E"][0]) + np.conj(w["E"][1]) * w["E"][1]

    @Functional(dtype=complex)
    def e4_core(w):
        s = dot(np.conj(w["E"][0]), w["E"][0]) + np.conj(w["E"][1]) * w["E"][1]
        return w["core"] * s**2

    field = mode.basis.interpolate(mode.E)
    core = mode.basis_epsilon_r.interpolate((which >= 0).astype(float))
    return float((e2.assemble(mode.basis, E=field).real ** 2
                  / e4_core.assemble(mode.basis, E=field, core=core).real) * 1e-12)


_RADIUS_RTOL = 1e-5
"""A tabulated bend serves radii within this relative distance: the bend shifts n_eff by ~(w/R)^2 x 0.1
(6e-5 at system A's 230 um), so 1e-5 of R moves n_eff by ~1e-9, far below the mesh error (4e-6)."""


def _tabulated(width, height, wavelength, core, cladding, radius, cells):
    """The table row of this point, or of the same guide bent within _RADIUS_RTOL of ``radius``; else None."""
    from .mode_table import MODE_TABLE

    row = MODE_TABLE.get(mode_key(width, height, wavelength, core, cladding, radius, cells))
    if row is not None or math.isinf(radius):
        return row
    head, tail = mode_key(width, height, wavelength, core, cladding, radius, cells).split(" R=")
    tail = tail.split("um", 1)[1]
    for key, row in MODE_TABLE.items():
        if key.startswith(head + " R=") and key.endswith(tail):
            r = float(key[len(head) + 3:].split("um", 1)[0]) * 1e-6
            if abs(r - radius) <= _RADIUS_RTOL * radius:
                return row
    return None


def samples(width, height, wavelength, core, cladding, radius, cells, optics):
    """(``n_eff`` at ``omega_lam (1 + x)`` for FEM_NODES points ``x`` in [-FEM_SPAN, FEM_SPAN], ``A_eff`` [m^2]
    at ``x = 0``) of the fundamental quasi-TE mode: the table row if there is one, else femwell.

    One mesh serves all samples, so the discretisation error is smooth in frequency.  ``A_eff`` is
    ``(int |E|^2 dA)^2 / int_core |E|^4 dA`` with the full vector field (E_x, E_y, E_z).  Arguments are
    validated by the caller; ``optics(lam)`` gives ``(n_core, n_clad, n_guess)``.

    Raises
    ------
    ImportError
        femwell is not installed (``pip install combchip[modes]``) and the point is not tabulated.
    ValueError
        The solver found no guided quasi-TE mode.
    """
    row = _tabulated(width, height, wavelength, core, cladding, radius, cells)
    if row is not None:
        return tuple(row["n_eff"]), row["a_eff"]
    x = np.linspace(-FEM_SPAN, FEM_SPAN, FEM_NODES)
    lams = wavelength / (1 + x)
    n1, n2, _ = optics(float(lams.max()))
    grid, which = mesh(width, height, float(lams.max()), n1, n2, cells)
    n_eff, a_eff = [], math.nan
    for i, lam in enumerate(lams):
        mode = solve(grid, which, float(lam), radius, optics)
        if not (optics(float(lam))[1] < mode.n_eff.real < optics(float(lam))[0]) or mode.te_fraction < 0.5:
            raise ValueError(f"width={width!r} m, height={height!r} m at wavelength={lam!r} m: no guided "
                             "quasi-TE mode found")
        n_eff.append(float(mode.n_eff.real))
        if i == FEM_NODES // 2:
            a_eff = core_area(mode, which)
    return tuple(n_eff), a_eff

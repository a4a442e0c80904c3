"""Thermorefractive noise of a ring mode by finite elements on its cross-section: two materials and a heat sink.

The mode reads the temperature through its heat weight w(x, y) ≥ 0 (∫w dA = 1, uniform along the ring of length
L): δT̄ = ∫w·δT dA/L. By the fluctuation–dissipation theorem in Levin's form (Y. Levin, Phys. Lett. A 372, 1941
(2008)) the one-sided PSD of δT̄ is set by the heat dissipated when a heat source ∝ w oscillates at ω = 2πf:

    S_T(f) = 4k_B·T²·Re χ(ω)/L,    χ(ω) = ∫w·θ dA,    iω·ρC(r)·θ − ∇·(κ(r)∇θ) = w,

θ = 0 on the isothermal silicon substrate (a plane ``substrate_depth`` below the core) and on the far lateral walls
(Dirichlet: the chip heat-sinks there too; at ``half_width`` ≫ ``substrate_depth`` the choice does not matter,
the strip's Green's function decays as exp(−π|x|/2h_strip)), and no flux through the top of the cladding (air
insulates). A lumped body (heat capacity C, conductance G) gives S_T = 4k_B·T²·G/(G² + ω²C²), whose ∫df is the
equipartition k_B·T²/C; for the mode the integral is k_B·T²·∫w²/ρC dA/L (M. L. Gorodetsky and I. S. Grudinin,
J. Opt. Soc. Am. B 21, 697 (2004); N. M. Kondratiev and M. L. Gorodetsky, Phys. Lett. A 382, 2265 (2018)).

Discretized with Lagrange elements (scikit-fem, P1 or P2) on a tensor mesh graded from the core outwards, with
stiffness K (κ per element), mass M (ρC per element) and load b_i = ∫w·φ_i, χ(ω) = bᵀ(K + iωM)⁻¹b. With the
generalized eigenvectors K·v_n = λ_n·M·v_n (v_nᵀMv_n = 1), χ = Σ_n (bᵀv_n)²/(λ_n + iω) and ∫₀^∞ λ/(λ² + ω²) df
= 1/4, so the discrete model obeys its own sum rule exactly,

    ∫₀^∞ S_T df = k_B·T²·bᵀM⁻¹b/L ≤ k_B·T²·∫w²/ρC dA/L

(bᵀM⁻¹b = max_u (∫w·u)²/∫ρC·u² over the element space), which it approaches under refinement. With a heat sink
K is positive definite and S_T flattens below the sink's corner to the static 4k_B·T²·bᵀK⁻¹b/L, where the
homogeneous infinite medium (:class:`combchip.comb.thermorefractive.ThermalDiffusion`) keeps its 2-D logarithm.

Material constants: the SiO₂ cladding is ``ThermalMaterial(**combchip.systems.system_c.SIO2_THERMAL)``;
:data:`SI3N4` is a thin LPCVD film (assumed): ρ = 3100 kg/m³ (film densities 2.9–3.2 g/cm³), C = 750 J/(kg K)
(700–800 for Si₃N₄) and κ = 3 W/(m K), the amorphous-film value (H. Ftouni et al., Phys. Rev. B 92, 125439
(2015), ≈ 3 W/(m K) for thin SiN membranes; bulk ceramic Si₃N₄ reaches 20–30). κ_core is the uncertain one: scan it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import xarray as xr
from scipy.constants import k as k_B
from scipy.sparse.linalg import splu

from ..validation import check_positive

__all__ = ["CrossSection", "SI3N4", "ThermalMaterial", "fem_temperature_noise"]


@dataclass(frozen=True)
class ThermalMaterial:
    """A material's density ρ [kg/m³], specific heat ``heat_capacity`` C [J/(kg K)] and conductivity κ [W/(m K)]."""

    density: float
    heat_capacity: float
    conductivity: float

    def __post_init__(self):
        check_positive("density", self.density, "kg/m³")
        check_positive("heat_capacity", self.heat_capacity, "J/(kg K)")
        check_positive("conductivity", self.conductivity, "W/(m K)")

    @property
    def volumetric_heat_capacity(self) -> float:
        """ρC [J/(m³ K)]."""
        return self.density * self.heat_capacity


SI3N4 = ThermalMaterial(density=3100.0, heat_capacity=750.0, conductivity=3.0)
"""Thin LPCVD Si₃N₄ film (assumed; module docstring): κ ≈ 3 W/(m K) for amorphous films, 20–30 for bulk."""


@dataclass(frozen=True)
class CrossSection:
    """A rectangular core in cladding over an isothermal substrate; the core is centred at x = y = 0.

    Parameters
    ----------
    core_width, core_height : float
        Core width and height [m].
    substrate_depth : float
        Cladding thickness [m] from the core's bottom down to the isothermal substrate plane (θ = 0).
    top_cladding : float
        Cladding thickness [m] above the core's top; its top surface is insulating (no flux).
    core, cladding : ThermalMaterial
        The two materials.
    half_width : float
        Lateral half-width [m] of the domain; its walls are isothermal (θ = 0).
    """

    core_width: float
    core_height: float
    substrate_depth: float
    top_cladding: float
    core: ThermalMaterial
    cladding: ThermalMaterial
    half_width: float = 60e-6

    def __post_init__(self):
        for name in ("core_width", "core_height", "substrate_depth", "top_cladding", "half_width"):
            check_positive(name, getattr(self, name), "m")
        if not self.half_width > self.core_width / 2:
            raise ValueError(f"half_width = {self.half_width!r} m must exceed core_width/2 = {self.core_width / 2} m")
        for name in ("core", "cladding"):
            if not isinstance(getattr(self, name), ThermalMaterial):
                raise ValueError(f"{name} must be a ThermalMaterial, got {type(getattr(self, name)).__name__}")


def _graded(start, stop, step, growth):
    """Points from ``start`` to ``stop`` (either order), spacing ``step`` at ``start`` growing by ``growth``."""
    span = abs(stop - start)
    gaps = [step]
    while sum(gaps) < span:
        gaps.append(gaps[-1] * growth)
    gaps = np.array(gaps) * span / sum(gaps)
    return start + math.copysign(1.0, stop - start) * np.concatenate([[0.0], np.cumsum(gaps)])


def _coordinates(section, step, growth):
    """Graded x and y node coordinates [m]: uniform ≤ ``step`` inside the core, growing outwards."""
    hw, hh = section.core_width / 2, section.core_height / 2
    x_core = np.linspace(-hw, hw, max(2, math.ceil(2 * hw / step)) + 1)
    y_core = np.linspace(-hh, hh, max(2, math.ceil(2 * hh / step)) + 1)
    right = _graded(hw, section.half_width, step, growth)
    x = np.concatenate([-right[::-1], x_core[1:-1], right])
    below = _graded(-hh, -hh - section.substrate_depth, step, growth)
    above = _graded(hh, hh + section.top_cladding, step, growth)
    y = np.concatenate([below[::-1], y_core[1:-1], above])
    return x, y


def _gaussian(widths):
    ax, ay = widths
    return lambda x, y: np.exp(-(x / ax) ** 2 - (y / ay) ** 2)


def _lu(matrix):
    """Sparse LU of a symmetric (complex-symmetric) matrix, minimum-degree ordered on A + Aᵀ."""
    return splu(matrix.tocsc(), permc_spec="MMD_AT_PLUS_A")


def _discretize(section, weight, step, growth, order):
    """K, M (sparse, interior nodes), b, the weight's norm and ∫w²/ρC dA [m² K/J] for the normalized weight."""
    from skfem import Basis, BilinearForm, ElementTriP0, ElementTriP1, ElementTriP2, Functional, LinearForm, MeshTri
    from skfem.helpers import dot, grad

    x, y = _coordinates(section, step, growth)
    mesh = MeshTri.init_tensor(x, y)
    basis = Basis(mesh, ElementTriP2() if order == 2 else ElementTriP1(), intorder=6)
    centre = mesh.p[:, mesh.t].mean(axis=1)
    in_core = (np.abs(centre[0]) < section.core_width / 2) & (np.abs(centre[1]) < section.core_height / 2)
    cells = basis.with_element(ElementTriP0())
    rho_c = cells.interpolate(np.where(in_core, section.core.volumetric_heat_capacity,
                                       section.cladding.volumetric_heat_capacity))
    kappa = cells.interpolate(np.where(in_core, section.core.conductivity, section.cladding.conductivity))

    stiffness = BilinearForm(lambda u, v, w: w["kappa"] * dot(grad(u), grad(v))).assemble(basis, kappa=kappa)
    mass = BilinearForm(lambda u, v, w: w["rho_c"] * u * v).assemble(basis, rho_c=rho_c)
    load = LinearForm(lambda v, w: weight(w.x[0], w.x[1]) * v).assemble(basis)
    norm = Functional(lambda w: weight(w.x[0], w.x[1])).assemble(basis)
    square = Functional(lambda w: weight(w.x[0], w.x[1]) ** 2 / w["rho_c"]).assemble(basis, rho_c=rho_c)
    magnitude = Functional(lambda w: abs(weight(w.x[0], w.x[1]))).assemble(basis)
    if not (np.isfinite(norm) and norm > 0 and np.all(np.isfinite(load)) and magnitude <= norm * (1 + 1e-12)):
        raise ValueError("weight must be finite, non-negative and not all zero on the cross-section")
    top = section.core_height / 2 + section.top_cladding
    walls = mesh.boundary_facets()
    walls = walls[np.abs(mesh.p[1, mesh.facets[:, walls]].mean(axis=0) - top) > 1e-9 * top]   # all but the top
    sinks = basis.get_dofs(walls).all()
    free = np.setdiff1d(np.arange(basis.N), sinks)
    b = load[free] / norm
    return (stiffness[free][:, free].tocsc(), mass[free][:, free].tocsc(), b, float(square) / norm**2,
            int(basis.N), int(mesh.t.shape[1]))


def fem_temperature_noise(section: CrossSection, weight, length: float, temperature: float, frequency, *,
                          step: float | None = None, growth: float = 1.15, order: int = 1) -> xr.Dataset:
    """One-sided PSD S_T(f) [K²/Hz] of a ring mode's temperature by finite elements (module docstring).

    Parameters
    ----------
    section : CrossSection
        Geometry and materials; the core is centred at the origin.
    weight : callable or (float, float)
        Heat weight w(x, y) [any normalization; x, y in m, arrays], ≥ 0; it may jump at the core's edges, which are
        element edges. A pair (a_x, a_y) [m] means the Gaussian exp(−x²/a_x² − y²/a_y²).
    length : float
        Ring circumference L [m].
    temperature : float
        T [K].
    frequency : array_like
        Fourier frequencies f [Hz], positive.
    step : float, optional
        Mesh spacing [m] inside the core and at its edges (default core_height/4); it grows by ``growth`` per
        element away from the core.
    growth : float
        Spacing ratio of neighbouring elements outside the core, 1 < growth ≤ 2.
    order : int
        Lagrange element order, 1 or 2.

    Returns
    -------
    xarray.Dataset
        ``temperature_psd`` on ``frequency``; attrs: ``discrete_variance`` k_B·T²·bᵀM⁻¹b/L [K²] (= ∫S_T df
        exactly), ``continuum_variance`` k_B·T²·∫w²/ρC dA/L [K²], ``static_psd`` 4k_B·T²·bᵀK⁻¹b/L [K²/Hz] (the
        f → 0 limit), the mesh size and the inputs.
    """
    if not isinstance(section, CrossSection):
        raise ValueError(f"section must be a CrossSection, got {type(section).__name__}")
    widths = None
    if not callable(weight):
        widths = np.asarray(weight, dtype=float)
        if widths.shape != (2,) or not np.all(np.isfinite(widths)) or np.any(widths <= 0):
            raise ValueError(f"weight = {weight!r} must be a callable w(x, y) or two Gaussian widths (a_x, a_y) [m]")
        weight = _gaussian(widths)
    check_positive("length", length, "m")
    check_positive("temperature", temperature, "K")
    f = np.asarray(frequency, dtype=float)
    if f.ndim != 1 or f.size == 0 or not np.all(np.isfinite(f)) or np.any(f <= 0):
        raise ValueError("frequency must be a 1-D array of finite, positive Fourier frequencies [Hz]")
    step = section.core_height / 4 if step is None else step
    check_positive("step", step, "m")
    if not step <= min(section.core_width, section.core_height):
        raise ValueError(f"step = {step!r} m must not exceed the core's smaller side")
    if not 1.0 < growth <= 2.0:
        raise ValueError(f"growth = {growth!r} must lie in (1, 2]")
    if order not in (1, 2):
        raise ValueError(f"order = {order!r} must be 1 or 2")

    stiffness, mass, b, square, dofs, elements = _discretize(section, weight, step, growth, order)
    chi = np.array([b @ _lu(stiffness + 2j * np.pi * fi * mass).solve(b.astype(complex)) for fi in f])
    scale = k_B * temperature**2 / length
    discrete = scale * float(b @ _lu(mass).solve(b))
    static = 4 * scale * float(b @ _lu(stiffness).solve(b))
    attrs = {"discrete_variance": discrete, "continuum_variance": scale * square, "static_psd": static,
             "length": float(length), "temperature": float(temperature), "step": float(step),
             "growth": float(growth), "order": int(order), "dofs": dofs, "elements": elements,
             "weight": "gaussian" if widths is not None else getattr(weight, "__name__", "callable"),
             "gaussian_widths": [] if widths is None else [float(a) for a in widths]}
    for name in ("core_width", "core_height", "substrate_depth", "top_cladding", "half_width"):
        attrs[name] = float(getattr(section, name))
    for part in ("core", "cladding"):
        material = getattr(section, part)
        for field in ("density", "heat_capacity", "conductivity"):
            attrs[f"{part}_{field}"] = float(getattr(material, field))
    return xr.Dataset(
        {"temperature_psd": ("frequency", 4 * scale * chi.real,
                             {"units": "K²/Hz", "long_name": "one-sided PSD of the mode-averaged temperature S_T"})},
        coords={"frequency": ("frequency", f, {"units": "Hz", "long_name": "Fourier frequency"})}, attrs=attrs)

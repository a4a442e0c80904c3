"""System C's thermorefractive noise by finite elements: the Si₃N₄ core's own heat capacity and conductivity, and
the isothermal silicon substrate, against the homogeneous-SiO₂ model behind ``system_c_thermorefractive()``.

The heat weight w ∝ n·(dn/dT)·|E|² is system C's pumped mode (femwell, as in ``system_c_heat_weight``; |E|² probed
on a grid and interpolated linearly onto the thermal mesh, n·dn/dT taken from the point's material). Four cases
separate the two corrections: {SiO₂ core, Si₃N₄ core} × {walls far away (≈ the homogeneous infinite medium),
substrate at SUBSTRATE_DEPTH}, and κ_core is scanned since thin-film values are uncertain. S_ν = a₀²·S_T with a₀ =
``system_c_thermorefractive().pump_coefficient``. Printed at 1 kHz, 100 kHz, 1 MHz, 10 MHz next to the
homogeneous model; plus the mesh (step halved) and probe-grid (doubled) changes. Set (assumed): the substrate
depth, the top cladding, T = 300 K, the Si₃N₄ film constants (``combchip.comb.thermorefractive_fem.SI3N4``).

    python examples/trn_fem.py        (COMBCHIP_QUICK=1: a Gaussian stand-in for the mode's weight, coarser grids)
"""

import math
from dataclasses import replace
from pathlib import Path

import numpy as np
from scipy.constants import k as k_B

from _quick import QUICK, sized
from combchip.comb.thermorefractive_fem import SI3N4, CrossSection, ThermalMaterial, fem_temperature_noise
from combchip.plotting.noise import plot_fem_thermorefractive
from combchip.systems.published import SYSTEM_C
from combchip.systems.system_c import (HEAT_WEIGHT, RING_RADIUS, RING_WIDTH, SIO2_THERMAL, TEMPERATURE,
                                       system_c_thermorefractive)

SUBSTRATE_DEPTH = 4e-6      # ASSUMED bottom oxide [m] (Thermal.si3n4's default oxide_thickness)
TOP_CLADDING = 3e-6         # ASSUMED top oxide [m]; air above it insulates
FAR = 40e-6                 # "no heat sink": substrate and top this far, lateral walls at 2 × FAR
CORE_CONDUCTIVITIES = (1.5, 3.0, 10.0, 30.0)   # κ_core scan [W/(m K)]: thin amorphous films … bulk ceramic
REPORT = np.array([1e3, 1e5, 1e6, 1e7])
SIO2 = ThermalMaterial(**SIO2_THERMAL)


def mode_weight(x_step, y_step):
    """w(x, y) [arbitrary units] of system C's pumped mode: femwell |E|² probed on a grid of ``x_step`` × ``y_step``
    [m] (y_step inside ±300 nm, 5× coarser beyond, window ±5 µm × ±3 µm), times n·dn/dT of the material at
    (x, y)."""
    from scipy.interpolate import RegularGridInterpolator

    from combchip.modes import DEFAULT_CELLS, mesh, solve
    from combchip.waveguide import THERMO_OPTIC, _fem_optics

    width, height, lam = RING_WIDTH, SYSTEM_C.ring_thickness, SYSTEM_C.wavelength
    optics = _fem_optics(width, height, "Si3N4", "SiO2")
    n_core, n_clad, _ = optics(lam)
    grid, which = mesh(width, height, lam, n_core, n_clad, DEFAULT_CELLS)
    mode = solve(grid, which, lam, RING_RADIUS, optics)
    (e_t, basis_t), (e_z, basis_z) = mode.basis.split(mode.E)
    xs = np.arange(-5e-6, 5e-6 + x_step / 2, x_step)
    fine = np.arange(-300e-9, 300e-9 + y_step / 2, y_step)
    coarse = np.arange(300e-9 + 5 * y_step, 3e-6 + 5 * y_step / 2, 5 * y_step)
    ys = np.concatenate([-coarse[::-1], fine, coarse])
    e2 = np.empty((xs.size, ys.size))
    for i, x in enumerate(xs):                      # one column at a time (skfem's element finder), in µm
        points = np.vstack([np.full(ys.size, x), ys]) * 1e6
        e2[i] = (np.abs((basis_t.probes(points) @ e_t).reshape(2, -1)) ** 2).sum(axis=0) \
            + np.abs(basis_z.probes(points) @ e_z) ** 2
    field = RegularGridInterpolator((xs, ys), e2, bounds_error=False, fill_value=0.0)
    heat_core, heat_clad = n_core * THERMO_OPTIC["Si3N4"], n_clad * THERMO_OPTIC["SiO2"]

    def weight(x, y):
        inside = (np.abs(x) < width / 2) & (np.abs(y) < height / 2)
        return np.where(inside, heat_core, heat_clad) * field(np.stack([x, y], axis=-1))
    return weight


def run(weight, frequency, step, core=SI3N4, sink=True):
    depth, top = (SUBSTRATE_DEPTH, TOP_CLADDING) if sink else (FAR, FAR)
    section = CrossSection(RING_WIDTH, SYSTEM_C.ring_thickness, depth, top, core, SIO2,
                           half_width=60e-6 if sink else 2 * FAR)
    return fem_temperature_noise(section, weight, 2 * math.pi * RING_RADIUS, TEMPERATURE, frequency, step=step)


def main():
    trn = system_c_thermorefractive()
    a0 = trn.pump_coefficient
    frequency = np.unique(np.concatenate([np.logspace(2, 8, sized(31, 7)), REPORT]))
    step = sized(25e-9, 50e-9)
    if QUICK:
        weight, label = tuple(HEAT_WEIGHT["widths"]), "STAND-IN Gaussian of HEAT_WEIGHT's widths (quick mode)"
    else:
        weight, label = mode_weight(50e-9, 10e-9), "femwell mode weight"
    print(f"system C, {label}; a0 = {a0:.4g} Hz/K, T = {TEMPERATURE} K, L = 2π·{RING_RADIUS * 1e6:.1f} µm")
    print(f"assumed: substrate {SUBSTRATE_DEPTH * 1e6:g} µm below the core, top cladding {TOP_CLADDING * 1e6:g} µm; "
          f"Si3N4 rho = {SI3N4.density:g} kg/m³, C = {SI3N4.heat_capacity:g} J/(kg K), k = {SI3N4.conductivity:g}")
    cases = {"SiO₂ core, no sink": run(weight, frequency, step, SIO2, False),
             "SiO₂ core, sink": run(weight, frequency, step, SIO2, True),
             "Si₃N₄ core, no sink": run(weight, frequency, step, SI3N4, False),
             "Si₃N₄ core, sink": run(weight, frequency, step, SI3N4, True)}
    pick = np.searchsorted(frequency, REPORT)
    reference = a0**2 * trn.diffusion.psd(REPORT)
    print("S_nu [Hz²/Hz] at f =", "  ".join(f"{f:8.0e}" for f in REPORT), "   variance [K²]")
    print(f"{'homogeneous SiO2 model':26s}", "  ".join(f"{s:8.4g}" for s in reference),
          f"   {trn.diffusion.variance:.3g}")
    for name, ds in cases.items():
        s = a0**2 * ds.temperature_psd.values[pick]
        print(f"{name:26s}", "  ".join(f"{v:8.4g}" for v in s), f"   {ds.discrete_variance:.3g} "
              f"(continuum {ds.continuum_variance:.3g}, {ds.dofs} dofs)")
    homogeneous = cases["SiO₂ core, no sink"]
    square = homogeneous.continuum_variance * homogeneous.length * SIO2.volumetric_heat_capacity \
        / (k_B * TEMPERATURE**2)
    print(f"∫w² dA = {square:.4g} /m² (this weight; femwell quadrature, HEAT_WEIGHT: "
          f"{HEAT_WEIGHT['weight_square']:.4g})")
    for k in sized(CORE_CONDUCTIVITIES, (30.0,)):
        ds = run(weight, REPORT, step, replace(SI3N4, conductivity=k), True)
        print(f"{'Si₃N₄ core k = %g, sink' % k:26s}", "  ".join(f"{v:8.4g}" for v in a0**2 * ds.temperature_psd.values))
    if not QUICK:
        finer = run(weight, REPORT, step / 2)
        base = cases["Si₃N₄ core, sink"].temperature_psd.values[pick]
        print("mesh step halved: max |ΔS|/S =", f"{np.max(np.abs(finer.temperature_psd.values / base - 1)):.2%}")
        coarse = run(mode_weight(100e-9, 20e-9), REPORT, step)
        print("probe grid doubled: max |ΔS|/S =", f"{np.max(np.abs(coarse.temperature_psd.values / base - 1)):.2%}")
    fig = plot_fem_thermorefractive(cases, scale=a0**2,
                                    reference={"homogeneous SiO₂ (system_c_thermorefractive)":
                                               (frequency, trn.diffusion.psd(frequency))})
    fig.axes[0].set_title(f"system C, {label}: substrate at {SUBSTRATE_DEPTH * 1e6:g} µm (assumed)", fontsize=8)
    out = Path(__file__).parent / "out"
    out.mkdir(exist_ok=True)
    fig.savefig(out / "trn_fem.png", dpi=120)


if __name__ == "__main__":
    main()

"""Write combchip/mode_table.py: the femwell points the package's systems, tests and examples use.

    python benchmarks/mode_table.py                  # needs the `modes` extra; ~2-5 min on one core
    python benchmarks/mode_table.py --fd-reference   # the FD grid refinement tests/test_modes.py compares with

Each point is solved by the same code that solves a point missing from the table
(:mod:`combchip.modes`, :mod:`combchip.coupler`), so the table is a cache, not an input; the slow
test ``test_table_point_recomputes`` re-solves one. The script prints the wall time per point.
"""

from __future__ import annotations

import math
import pprint
import time
from pathlib import Path

from combchip import coupler, modes
from combchip.mode_table import MODE_TABLE
from combchip.waveguide import _fem_optics
from combchip.systems.published import SYSTEM_A, SYSTEM_C
from combchip.systems.system_b import PUMP_WAVELENGTH as LAM_B
from combchip.systems.system_c import RING_WIDTH as W_C

A = (SYSTEM_A.waveguide_width, SYSTEM_A.waveguide_height)
C = (W_C, SYSTEM_C.ring_thickness)
WIDE = (12e-6, SYSTEM_A.waveguide_height)  # slab-limit validation guide
NI = ("Si3N4", "SiO2")


def _points():
    """(width, height, wavelength, radius, cells) of every tabulated mode point."""
    yield (*A, SYSTEM_A.pump_wavelength, SYSTEM_A.ring_radius, modes.DEFAULT_CELLS)
    yield (*A, SYSTEM_A.pump_wavelength, math.inf, modes.DEFAULT_CELLS)
    yield (*A, SYSTEM_A.aux_wavelength, SYSTEM_A.ring_radius, modes.DEFAULT_CELLS)
    for cells in ((8, 4), (32, 16)):  # mesh convergence of D2
        yield (*A, SYSTEM_A.pump_wavelength, SYSTEM_A.ring_radius, cells)
    yield (*A, LAM_B, math.inf, modes.DEFAULT_CELLS)
    yield (*C, SYSTEM_C.wavelength, math.inf, modes.DEFAULT_CELLS)
    yield (*WIDE, 1550e-9, math.inf, modes.DEFAULT_CELLS)


def main():
    from combchip.waveguide import radius_for_fsr
    from combchip.systems.published import SYSTEM_B

    MODE_TABLE.clear()  # solve every point afresh
    table = {}
    for w, h, lam, radius, cells in _points():
        t = time.perf_counter()
        n_eff, a_eff = modes.samples(w, h, lam, *NI, radius, cells, _fem_optics(w, h, *NI))
        table[modes.mode_key(w, h, lam, *NI, radius, cells)] = {"n_eff": list(n_eff), "a_eff": a_eff}
        print(f"{modes.mode_key(w, h, lam, *NI, radius, cells)}: {time.perf_counter() - t:.1f} s")
    _write(table)
    # systems B's and C's bent rings sit at the radii solved from the straight-guide n_g just tabulated
    for (w, h), lam, fsr in ((A, LAM_B, SYSTEM_B.fsr), (C, SYSTEM_C.wavelength, SYSTEM_C.fsr)):
        t = time.perf_counter()
        radius = radius_for_fsr(fsr=fsr, width=w, height=h, wavelength=lam, method="fem")
        n_eff, a_eff = modes.samples(w, h, lam, *NI, radius, modes.DEFAULT_CELLS, _fem_optics(w, h, *NI))
        table[modes.mode_key(w, h, lam, *NI, radius, modes.DEFAULT_CELLS)] = {"n_eff": list(n_eff), "a_eff": a_eff}
        print(f"{modes.mode_key(w, h, lam, *NI, radius, modes.DEFAULT_CELLS)}: {time.perf_counter() - t:.1f} s")
        _write(table)
    from combchip.waveguide import ring_dispersion

    for lam in (SYSTEM_A.pump_wavelength, SYSTEM_A.aux_wavelength):
        t = time.perf_counter()
        n_g = ring_dispersion(radius=SYSTEM_A.ring_radius, width=A[0], height=A[1], wavelength=lam,
                              method="fem")["n_g"]
        rate, phi = coupler._compute_rate(*A, SYSTEM_A.coupler_gap, lam, *NI, SYSTEM_A.ring_radius, n_g,
                                          modes.DEFAULT_CELLS)
        key = ("coupler " + modes.mode_key(*A, lam, *NI, SYSTEM_A.ring_radius, modes.DEFAULT_CELLS)
               + f" gap={SYSTEM_A.coupler_gap * 1e9:.3f}nm")
        table[key] = {"kappa_ex": rate, "phi": phi}
        print(f"{key}: {time.perf_counter() - t:.1f} s")
    _write(table)


def _write(table):
    MODE_TABLE.update(table)  # later points in this run read the earlier ones
    path = Path(__file__).resolve().parents[1] / "combchip" / "mode_table.py"
    head = path.read_text().split("MODE_TABLE")[0]
    path.write_text(head + "MODE_TABLE: dict[str, dict] = " + pprint.pformat(table, width=110, sort_dicts=True) + "\n")


def fd_reference(dx=25e-9, dys=(25e-9, 12.5e-9, 6.25e-9), margin=5e-6):
    """Semi-vectorial FD (:func:`combchip.waveguide.mode_index_fd`'s solver) on system C's straight guide.

    n_eff at ω_λ(1 + x), x = 0, ±FEM_SPAN/3 (the middle femwell nodes), on grids of lateral step ``dx`` and vertical
    steps ``dys`` [m] (the thin direction dominates the error), a ``margin`` [m] of cladding; n_g and
    β₂ = (2n' + n'')/(cω_λ) by centred differences in x; the observed order p = log₂(Δ₁/Δ₂) of the last three
    grids and the Richardson limit f₃ + (f₃ − f₂)/(2^p − 1), p = 2. ~5 min on one core.
    """
    from combchip.waveguide import C0, _MATERIALS, _fd_solve

    (w, h), lam, step = C, SYSTEM_C.wavelength, modes.FEM_SPAN / 3
    omega = 2 * math.pi * C0 / lam
    rows = []
    for dy in dys:
        kx, ky = round(w / 2 / dx), round(h / 2 / dy)
        nx, ny = kx + math.ceil(margin / dx - 1e-9), ky + math.ceil(margin / dy - 1e-9)
        n = []
        for x in (-step, 0.0, step):
            um, k0 = lam / (1 + x) * 1e6, 2 * math.pi * (1 + x) / lam
            eps = [float(_MATERIALS[m][0](um)) ** 2 for m in NI]
            n.append(math.sqrt(_fd_solve(nx, ny, kx, ky, dx, dy, *eps, k0)) / k0)
        d1, d2 = (n[2] - n[0]) / (2 * step), (n[2] - 2 * n[1] + n[0]) / step**2
        rows.append((n[1], n[1] + d1, (2 * d1 + d2) / (C0 * omega)))
        print(f"dx {dx * 1e9:.2f} nm, dy {dy * 1e9:.2f} nm: n_eff {rows[-1][0]:.7f}, n_g {rows[-1][1]:.7f}, "
              f"beta2 {rows[-1][2]:.5e} s^2/m", flush=True)
    for name, f in zip(("n_eff", "n_g", "beta2"), zip(*rows)):
        order = math.log2((f[-3] - f[-2]) / (f[-2] - f[-1]))
        print(f"{name}: order {order:.2f}, Richardson limit {f[-1] + (f[-1] - f[-2]) / 3:.7g}")


if __name__ == "__main__":
    import sys

    fd_reference() if "--fd-reference" in sys.argv else main()

"""Ring cells: geometry read back from GDS against the Ring, DRC, ports, determinism, settings regression.

Update the settings references with ``COMBCHIP_UPDATE_REFERENCES=1 pytest tests/test_layouts_ring.py``.
"""

import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import gdsfactory as gf  # noqa: E402, F401  (a required dependency: a missing install must fail, not skip)
import klayout.db as kdb  # noqa: E402
import yaml  # noqa: E402

from combchip.layouts import drc as drc_mod  # noqa: E402
from combchip.layouts import pdk  # noqa: E402
from combchip.layouts import ring as ring_mod  # noqa: E402
from combchip.systems.published import SYSTEM_A, SYSTEM_B, SYSTEM_C  # noqa: E402
from combchip.waveguide import group_index, radius_for_fsr  # noqa: E402

REFERENCES = Path(__file__).parent / "data" / "layouts"
UPDATE = os.environ.get("COMBCHIP_UPDATE_REFERENCES") == "1"
NM = 1e-3  # µm

# cell: (ring core layer, width µm, gap µm, Ring)
CELLS = {
    "mrr100": ((1, 0), SYSTEM_A.waveguide_width * 1e6, SYSTEM_A.coupler_gap * 1e6, ring_mod.ring_100ghz),
    "mrr49": ((1, 0), 1.6, 0.5, ring_mod.ring_49ghz),
    "mrr30": ((2, 0), 2.8, 3.0, ring_mod.ring_30ghz),
}


@pytest.fixture(scope="module", autouse=True)
def _combchip_pdk():
    with pdk.activated():  # cells never activate a PDK: the user (here the test module) does
        yield


@pytest.fixture(scope="module")
def gds(tmp_path_factory):
    """Fab GDS of each ring cell, written once."""
    folder = tmp_path_factory.mktemp("rings")
    return {name: drc_mod.write_gds(getattr(ring_mod, name)(), folder / f"{name}.gds", fab=True) for name in CELLS}


def measure(path, layer):
    """Ring radius, width and bus gap [µm] from the GDS alone.

    The ring is the merged polygon with one hole; its outer and inner bounding boxes are exact to the
    grid because the circular bends end in vertices on the x and y axes. The bus is the merged polygon
    right below it. Also returns the largest deviation of any ring vertex from a true circle.
    """
    layout = kdb.Layout()
    layout.read(str(path))
    index = layout.find_layer(kdb.LayerInfo(*layer))
    region = kdb.Region(layout.top_cell().begin_shapes_rec(index))
    region.merge()
    dbu = layout.dbu
    (ring_poly,) = [p for p in region.each() if p.holes() == 1]
    outer = ring_poly.bbox()
    inner = kdb.Polygon(list(ring_poly.each_point_hole(0))).bbox()
    radius_x = (outer.width() + inner.width()) / 4 * dbu
    radius_y = (outer.height() + inner.height()) / 4 * dbu
    width_x = (outer.width() - inner.width()) / 2 * dbu
    width_y = (outer.height() - inner.height()) / 2 * dbu
    # bus: the other shapes cut at the ring's x centre, just below the ring
    probe = kdb.Region(kdb.Box(outer.center().x - 1, outer.bottom - 20_000, outer.center().x + 1, outer.bottom))
    bus = (region - kdb.Region(ring_poly)) & probe
    bus_box = bus.bbox()
    gap = (outer.bottom - bus_box.top) * dbu
    bus_width = bus_box.height() * dbu
    centre = np.array([outer.center().x, outer.center().y]) * dbu
    out_r = np.hypot(*(np.array([[p.x, p.y] for p in ring_poly.each_point_hull()]) * dbu - centre).T)
    in_r = np.hypot(*(np.array([[p.x, p.y] for p in ring_poly.each_point_hole(0)]) * dbu - centre).T)
    radius = (radius_x + radius_y) / 2
    roundness = max(np.abs(out_r - (radius + width_x / 2)).max(), np.abs(in_r - (radius - width_x / 2)).max())
    return dict(radius_x=radius_x, radius_y=radius_y, width_x=width_x, width_y=width_y, gap=gap,
                bus_width=bus_width, roundness=roundness)


@pytest.mark.parametrize("name", CELLS)
def test_geometry_read_back_matches_ring(gds, name):
    layer, width, gap, make_ring = CELLS[name]
    expected_radius = round(ring_mod.ring_radius_um(make_ring()), 3)  # Ring-implied, on the 1 nm grid
    m = measure(gds[name], layer)
    # 1 nm: the drawn grid; every measured edge is a grid vertex
    assert m["radius_x"] == pytest.approx(expected_radius, abs=NM)
    assert m["radius_y"] == pytest.approx(expected_radius, abs=NM)
    assert m["width_x"] == pytest.approx(width, abs=NM) and m["width_y"] == pytest.approx(width, abs=NM)
    assert m["bus_width"] == pytest.approx(width, abs=NM)
    assert m["gap"] == pytest.approx(gap, abs=NM)
    # a true circle: every vertex within grid rounding (√2/2 nm) plus 1 nm of the drawn radius; an Euler
    # bend of this size deviates by micrometres
    assert m["roundness"] < 1.8 * NM


def test_mrr100_is_system_a(gds):
    m = measure(gds["mrr100"], (1, 0))
    assert m["radius_x"] == pytest.approx(SYSTEM_A.ring_radius * 1e6, abs=NM)
    assert m["width_x"] == pytest.approx(1.6, abs=NM) and m["gap"] == pytest.approx(0.5, abs=NM)
    c = ring_mod.mrr100()
    assert c.info["fsr_ghz"] == pytest.approx(98.7498)
    # the FSR implied by the drawn circle and the Ring's n_g, against the measured 98.7498 GHz
    fsr = 299792458 / (c.info["n_g"] * 2 * math.pi * m["radius_x"] * 1e-6)
    assert fsr == pytest.approx(98.7498e9, rel=1e-5)


# designed rings: (cell, layer, target FSR [Hz], solver arguments of the ring's guide)
DESIGNED = {
    "mrr49": ((1, 0), SYSTEM_B.fsr, dict(width=1.6e-6, height=0.8e-6, wavelength=1560e-9, method="fem")),
    "mrr30": ((2, 0), SYSTEM_C.fsr, dict(width=2.8e-6, height=SYSTEM_C.ring_thickness,
                                         wavelength=SYSTEM_C.wavelength, method="fem")),
}


@pytest.mark.parametrize("name", DESIGNED)
def test_fsr_read_back_from_the_drawn_radius(gds, name):
    """FSR = c/(n_g·2πR) with R measured in the GDS and n_g from the package's mode solver hits the target.

    1e-4: the radius is drawn on the 1 nm grid (≤ 1e-6 of R) and measured to 1 nm; anything else is a
    radius taken from an assumed n_g (2.1 for mrr49: −0.94 %; 2.09 at R = 760 µm for mrr30: +31 %).
    """
    layer, target, guide = DESIGNED[name]
    radius = measure(gds[name], layer)["radius_x"] * 1e-6
    fsr = 299792458 / (group_index(**guide) * 2 * math.pi * radius)
    assert fsr == pytest.approx(target, rel=1e-4)


def test_mrr100_is_the_published_ring_and_checks_the_solver():
    """mrr100 is drawn at the published R = 230 µm (an input, not solved). With the FD group index the
    published R reads back 97.89 GHz against the measured FSR: the solver's n_g (2.119) is 0.87 % above the
    2.1008 that the published R and FSR imply. 1.5 %: the bound this test guards on the solver's n_g
    against a measured device it is not fitted to (today 0.87 %)."""
    radius = ring_mod.mrr100().info["radius_um"] * 1e-6
    assert radius == pytest.approx(SYSTEM_A.ring_radius, abs=1e-9)
    n_g = group_index(width=SYSTEM_A.waveguide_width, height=SYSTEM_A.waveguide_height,
                      wavelength=SYSTEM_A.pump_wavelength, method="fd")
    fsr = 299792458 / (n_g * 2 * math.pi * radius)
    assert fsr == pytest.approx(SYSTEM_A.fsr, rel=0.015)
    assert fsr < SYSTEM_A.fsr  # the solver's n_g is high, not low: a change of sign is a change of model


def test_system_objects_and_cells_share_the_radius():
    from combchip.systems.system_b import ring_radius, system_b_comb_ring
    from combchip.systems.system_c import RING_RADIUS

    assert ring_mod.mrr49().info["radius_um"] == pytest.approx(ring_radius() * 1e6, abs=0.5 * NM)
    assert ring_mod.mrr30().info["radius_um"] == pytest.approx(RING_RADIUS * 1e6, abs=0.5 * NM)
    # the LLE's ring (FSR and n_g read back from its resonances) has the drawn circumference to 1e-4
    assert system_b_comb_ring().length == pytest.approx(2 * math.pi * ring_radius(), rel=1e-4)
    assert ring_mod.ring_49ghz().n_g == pytest.approx(group_index(**DESIGNED["mrr49"][2]), rel=1e-12)
    assert ring_mod.ring_30ghz().n_g == pytest.approx(group_index(**DESIGNED["mrr30"][2]), rel=1e-12)


def test_radius_for_fsr_is_the_closed_form_and_cached():
    guide = DESIGNED["mrr30"][2]
    radius = radius_for_fsr(fsr=30e9, **guide)
    assert radius == 299792458 / (2 * math.pi * group_index(**guide) * 30e9)
    assert radius_for_fsr(fsr=60e9, **guide) == pytest.approx(radius / 2, rel=1e-15)  # R ∝ 1/FSR


@pytest.mark.parametrize("kwargs, match", [
    (dict(fsr=-1e9), "fsr"), (dict(fsr=float("nan")), "fsr"), (dict(fsr="30 GHz"), "fsr"),
    (dict(fsr=30e9, width=-1e-6), "width"), (dict(fsr=30e9, method="fdtd"), "method"),
    (dict(fsr=30e9, wavelength=100e-9), "wavelength"),
])
def test_radius_for_fsr_rejects_nonsense(kwargs, match):
    guide = dict(DESIGNED["mrr30"][2], **kwargs)
    with pytest.raises(ValueError, match=match):
        radius_for_fsr(**guide)


@pytest.mark.parametrize("name", CELLS)
def test_drc_clean(name):
    c = getattr(ring_mod, name)()
    assert drc_mod.drc(c) == []


@pytest.mark.parametrize("name", CELLS)
def test_ports_on_grid_and_manhattan(name):
    c = getattr(ring_mod, name)()
    assert drc_mod.check_ports(c) == []
    assert {"o1", "o2"} <= {p.name for p in c.ports}


def test_fibre_array_ports_at_127um_pitch():
    c = ring_mod.mrr100()
    o1, o2 = c.ports["o1"], c.ports["o2"]
    assert o1.orientation == o2.orientation == 180
    assert o1.center[0] == o2.center[0]
    assert o1.center[1] - o2.center[1] == pytest.approx(127.0, abs=NM)


def test_edge_couplers_face_opposite_facets():
    c = ring_mod.mrr30()
    assert (c.ports["o1"].orientation, c.ports["o2"].orientation) == (180, 0)
    assert c.ports["o1"].center[1] == c.ports["o2"].center[1] == 0


def test_mrr49_heater_leads_and_pads():
    c = ring_mod.mrr49()
    heater = drc_mod.layer_region(c, "HEATER")
    pads = drc_mod.layer_region(c, "PAD")
    m1 = drc_mod.layer_region(c, "M1")
    vias = drc_mod.layer_region(c, "VIA")
    radius = c.info["radius_um"]
    arc_area = (300 / 360) * 2 * math.pi * radius * ring_mod.HEATER_WIDTH_UM
    assert heater.area() * 1e-6 > arc_area
    assert pads.count() == 2 and vias.count() == 2
    assert m1.count() == 2  # each pad joined to its heater contact by one M1 shape
    assert (vias - heater).is_empty() and (vias - m1).is_empty() and (pads - m1).is_empty()
    assert {p.name for p in c.ports if p.port_type == "electrical"} == {"e1", "e2"}
    # the heater follows the ring, pulled inside its centreline just enough to clear the bus: it covers
    # the inner 1.6/2 + (R_h − R) + 3/2 = 1.1 µm of the 1.6 µm core over 300° (2 %: polygon chords)
    core = drc_mod.layer_region(c, "SIN_THICK")
    covered = 1.6 / 2 + (c.info["heater_radius_um"] - radius) + ring_mod.HEATER_WIDTH_UM / 2
    assert 0 < covered < 1.6
    assert (core & heater).area() * 1e-6 == pytest.approx((300 / 360) * 2 * math.pi * radius * covered, rel=0.02)


def _bus(component, layer):
    """Core polygons of ``layer`` that are not the ring (the ring is the one polygon with a hole)."""
    core = drc_mod.layer_region(component, layer)
    return kdb.Region([p for p in core.each() if p.holes() == 0])


@pytest.mark.parametrize("name", CELLS)
def test_no_heater_over_a_bus(name):
    """DRC-style: every HEATER polygon stays ≥ HEATER_BUS_CLEARANCE_UM (edge to edge) from the bus."""
    c = getattr(ring_mod, name)()
    heater = drc_mod.layer_region(c, "HEATER")
    bus = _bus(c, {(1, 0): "SIN_THICK", (2, 0): "SIN_THIN"}[CELLS[name][0]])
    assert not bus.is_empty()
    assert drc_mod.heater_overlaps(heater, bus, ring_mod.HEATER_BUS_CLEARANCE_UM).is_empty()


def test_radius_mismatch_raises():
    r = ring_mod.ring_100ghz()
    with pytest.raises(ValueError, match="radius_um"):
        ring_mod.ring(r, 1.6, 0.5, radius_um=232.0)  # 0.87 % off the FSR-implied 230 µm
    c = ring_mod.ring(r, 1.6, 0.5, radius_um=230.5)  # 0.22 %: drawn as given
    assert c.info["radius_um"] == 230.5


@pytest.mark.parametrize("make_ring, kwargs, match", [
    (ring_mod.ring_100ghz, dict(width_um=1.6, gap_um=0.501), "gap_um"),
    (ring_mod.ring_100ghz, dict(width_um=1.6, gap_um=0.5, couplers="grating"), "couplers"),
    (ring_mod.ring_100ghz, dict(width_um=1.6, gap_um=-0.5), "gap_um"),
    (ring_mod.ring_100ghz, dict(width_um=2.8, gap_um=3.0, cross_section="cc_sin_thin"), "radius_um = 230"),
    (ring_mod.ring_30ghz, dict(width_um=2.8, gap_um=3.0, cross_section="cc_sin_thin", couplers="fibre_array"),
     "minimum radius"),
])
def test_bad_inputs_raise(make_ring, kwargs, match):
    with pytest.raises(ValueError, match=match):
        ring_mod.ring(make_ring(), **kwargs)


def test_cells_are_cached():
    assert ring_mod.mrr100() is ring_mod.mrr100()
    r = ring_mod.ring_100ghz()
    assert ring_mod.ring(r, 1.6, 0.5) is ring_mod.ring(r, 1.6, 0.5)


def test_other_width_passes_cross_section_by_name():
    c = ring_mod.ring(ring_mod.ring_100ghz(), 1.2, 0.4)
    assert drc_mod.drc(c) == []
    core = next(i.cell for i in c.insts if i.cell.name.startswith("ring_single"))
    assert core.settings["cross_section"] == "cc_sin_thick_w1200nm"


def test_gds_deterministic(gds, tmp_path):
    again = drc_mod.write_gds(ring_mod.mrr100(), tmp_path / "again.gds", fab=True)
    assert again.read_bytes() == gds["mrr100"].read_bytes()


@pytest.mark.slow  # a fresh interpreter imports gdsfactory and rebuilds (≈ 6 s)
def test_gds_deterministic_across_processes(gds, tmp_path):
    """A fresh interpreter that first builds another cell writes the same bytes."""
    out = tmp_path / "fresh.gds"
    script = ("import gdsfactory as gf; from combchip.layouts import pdk, ring, drc; pdk.activate(); "
              "gf.components.straight(cross_section='cc_strip'); "
              f"drc.write_gds(ring.mrr100(), {str(out)!r}, fab=True)")
    subprocess.run([sys.executable, "-c", script], check=True, timeout=120)
    assert out.read_bytes() == gds["mrr100"].read_bytes()


def _plain(value):
    """Settings as plain YAML types, floats to 9 significant digits."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, float | np.floating):
        return float(f"{value:.9g}")
    if isinstance(value, np.integer):
        return int(value)
    return value


def _settings(c):
    core = next(i.cell for i in c.insts if i.cell.name.startswith("ring_single_bus"))
    return _plain({
        "cell": c.name,
        "ring_cell_settings": core.settings.model_dump(),
        "info": c.info.model_dump(),
        "ports": {p.name: {"center": list(p.center), "orientation": p.orientation, "width": p.width,
                           "layer": pdk.PDK.get_layer_name(p.layer)} for p in c.ports},
        "bbox": [c.dbbox().left, c.dbbox().bottom, c.dbbox().right, c.dbbox().top],
    })


def _assert_close(actual, expected, path="settings"):
    """Equal structure; numbers within 1e-6 relative (the Ring's D₂ and κ_ex come from a mode solver)."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict) and set(actual) == set(expected), f"{path}: keys differ"
        for k in expected:
            _assert_close(actual[k], expected[k], f"{path}.{k}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), f"{path}: length differs"
        for i, (a, e) in enumerate(zip(actual, expected)):
            _assert_close(a, e, f"{path}[{i}]")
    elif isinstance(expected, float) and not isinstance(actual, bool):
        # D₃ is the third derivative of a degree-6 fit through mode-solver indices: rounding in the sparse
        # eigen-solve differs between BLAS builds and moves it by ~1e-4 relative (seen: −2167.22 vs −2167.47).
        rel = 1e-3 if path.endswith(".d3") else 1e-6
        assert actual == pytest.approx(expected, rel=rel, abs=1e-12), path
    else:
        assert actual == expected, path


@pytest.mark.parametrize("name", CELLS)
def test_settings_regression(name):
    actual = _settings(getattr(ring_mod, name)())
    path = REFERENCES / f"{name}.yml"
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(actual, sort_keys=True, allow_unicode=True))
    if not path.exists():
        pytest.fail(f"{path} missing: run with COMBCHIP_UPDATE_REFERENCES=1 to create it")
    _assert_close(actual, yaml.safe_load(path.read_text()))


def test_heater_overlaps_rejects_a_negative_clearance():
    empty = drc_mod.kdb.Region()
    with pytest.raises(ValueError, match="clearance_um"):
        drc_mod.heater_overlaps(empty, empty, -1.0)

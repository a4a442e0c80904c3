"""combchip PDK: layers, named cross-sections, width/space DRC, port checks and GDS output."""

import pytest

import gdsfactory as gf  # noqa: E402  (a required dependency: a missing install must fail, not skip)
import klayout.db as kdb  # noqa: E402

from combchip.layouts import drc as drc_mod  # noqa: E402
from combchip.layouts import pdk  # noqa: E402

CONTRACT_LAYERS = {
    "SIN_THICK": (1, 0), "SIN_THIN": (2, 0), "WG": (10, 0), "SLAB": (11, 0), "GRATING_ETCH": (12, 0),
    "N": (20, 0), "P": (21, 0),
    "NPP": (22, 0), "PPP": (23, 0), "HEATER": (30, 0), "VIA": (40, 0), "M1": (41, 0), "PAD": (42, 0),
    "INP_DEEP": (50, 0), "INP_SHALLOW": (51, 0), "INP_ACTIVE": (52, 0), "INP_PMETAL": (53, 0),
    "INP_NMETAL": (54, 0), "INP_ISOLATION": (55, 0), "FLOORPLAN": (99, 0), "TEXT": (100, 0),
}

# name: (core layer, core width µm, {other layer: width µm})
CONTRACT_XS = {
    "sin_thick": ("SIN_THICK", 1.6, {}),
    "sin_thin": ("SIN_THIN", 2.8, {}),
    "strip": ("WG", 0.5, {}),
    "rib": ("WG", 0.5, {"SLAB": 5.0}),
    "pn": ("WG", 0.5, {"SLAB": 11.0, "P": 4.0, "N": 4.0, "PPP": 3.5, "NPP": 3.5}),
    "heater": ("WG", 0.5, {"HEATER": 2.0}),
    "metal": ("M1", 10.0, {}),
    "inp_deep": ("INP_DEEP", 2.0, {}),
    "inp_shallow": ("INP_SHALLOW", 2.0, {}),
}


@pytest.fixture(autouse=True)
def _active():
    pdk.activate()


def _layer_name(layer):
    return gf.get_active_pdk().get_layer_name(layer)


def test_activate_is_idempotent():
    assert pdk.activate() is pdk.activate()
    assert gf.get_active_pdk().name == "combchip"
    assert pdk.GRID_NM == 1
    assert gf.kcl.layout.dbu == pytest.approx(1e-3)


@pytest.mark.parametrize("name", CONTRACT_LAYERS)
def test_contract_layer(name):
    member = pdk.LAYER[name]
    assert (member.layer, member.datatype) == CONTRACT_LAYERS[name]
    assert gf.get_layer(name) == gf.get_layer(CONTRACT_LAYERS[name])


def test_rules_cover_every_drawn_layer():
    assert set(pdk.RULES) == set(CONTRACT_LAYERS) - {"FLOORPLAN", "TEXT"}
    assert all(w > 0 and s > 0 for w, s in pdk.RULES.values())
    assert pdk.RULES["SIN_THICK"] == (0.3, 0.3) and pdk.RULES["WG"] == (0.15, 0.15)


@pytest.mark.parametrize("name", CONTRACT_XS)
def test_cross_section_registered_by_name(name):
    core, width, others = CONTRACT_XS[name]
    xs = gf.get_cross_section(name)
    assert xs.name == name  # pass by name: no hash in netlists
    assert _layer_name(xs.layer) == core
    assert xs.width == pytest.approx(width)
    drawn = {_layer_name(s.layer): s.width for s in xs.sections[1:]}
    assert drawn == pytest.approx(others)


def test_pn_doping_sides_and_contacts_further_out():
    xs = gf.get_cross_section("pn")
    offset = {_layer_name(s.layer): s.offset for s in xs.sections}
    assert offset["P"] < 0 < offset["N"]
    assert offset["PPP"] < offset["P"] and offset["NPP"] > offset["N"]


def test_derived_width_keeps_a_name():
    name = pdk.cross_section_name("sin_thick", 1.2)
    assert name == "sin_thick_w1200nm"
    assert pdk.cross_section_name("sin_thick", 1.6) == "sin_thick"
    xs = gf.get_cross_section(name)
    assert xs.name == name and xs.width == pytest.approx(1.2)
    with pytest.raises(ValueError, match="not registered"):
        pdk.cross_section_name("nope", 1.0)


def test_clean_strip_waveguide_passes_drc():
    c = gf.components.straight(length=50, cross_section="strip")
    assert drc_mod.drc(c) == []
    assert drc_mod.check_ports(c) == []


def test_narrow_gap_is_a_space_violation():
    c = gf.Component()
    c << gf.components.rectangle(size=(10, 1), layer=pdk.LAYER.WG)
    top = c << gf.components.rectangle(size=(10, 1), layer=pdk.LAYER.WG)
    top.movey(1.1)  # 0.1 µm gap < 0.15 µm rule
    (v,) = drc_mod.drc(c)
    assert (v.layer, v.kind, v.rule_um) == ("WG", "space", 0.15)
    assert v.bbox == pytest.approx((0.0, 1.0, 10.0, 1.1))


def test_narrow_line_is_a_width_violation():
    c = gf.components.rectangle(size=(10, 0.1), layer=pdk.LAYER.SIN_THICK)
    (v,) = drc_mod.drc(c)
    assert (v.layer, v.kind, v.count) == ("SIN_THICK", "width", 1)


def test_drc_threshold_is_inclusive():
    """A line exactly at the minimum width and a gap exactly at the minimum space are legal."""
    c = gf.Component()
    c << gf.components.rectangle(size=(10, 0.3), layer=pdk.LAYER.SIN_THICK)
    top = c << gf.components.rectangle(size=(10, 0.3), layer=pdk.LAYER.SIN_THICK)
    top.movey(0.6)
    assert drc_mod.drc(c) == []
    assert drc_mod.drc(c, rules={"SIN_THICK": (0.301, 0.3)})[0].kind == "width"


def test_check_ports_flags_non_manhattan():
    c = gf.Component()
    c << gf.components.rectangle(size=(10, 1), layer=pdk.LAYER.WG)
    c.add_port("o1", center=(0, 0.5), width=1, orientation=45, layer=pdk.LAYER.WG)
    problems = drc_mod.check_ports(c)
    assert len(problems) == 1 and "not Manhattan" in problems[0]
    with pytest.raises(ValueError, match="o1"):
        drc_mod.check_ports(c, strict=True)


@pytest.fixture(scope="module")
def big_circle():
    """One polygon of 7200 vertices, beyond the 4000-vertex limit."""
    pdk.activate()
    return gf.components.circle(radius=200, angle_resolution=0.05, layer=pdk.LAYER.WG)


def _polygons(path):
    layout = kdb.Layout()
    layout.read(str(path))
    return [s.polygon for ci in range(layout.cells()) for li in layout.layer_indexes()
            for s in layout.cell(ci).shapes(li).each() if s.is_polygon() or s.is_box()]


@pytest.mark.parametrize("fab", [False, True])
def test_write_gds_is_deterministic_and_splits_polygons(big_circle, tmp_path, fab):
    assert max(p.num_points() for p in big_circle.get_polygons()[pdk.LAYER.WG]) > drc_mod.MAX_VERTICES
    first = drc_mod.write_gds(big_circle, tmp_path / "a.gds", fab=fab)
    second = drc_mod.write_gds(big_circle, tmp_path / "b.gds", fab=fab)
    assert first.read_bytes() == second.read_bytes()
    polygons = _polygons(first)
    assert len(polygons) > 1
    assert max(p.num_points() for p in polygons) <= drc_mod.MAX_VERTICES
    # splitting keeps the geometry: the merged pieces are the circle again
    merged = kdb.Region(polygons)
    merged.merge()
    assert merged.area() == big_circle.get_polygons()[pdk.LAYER.WG][0].area()


def test_fab_gds_has_no_metadata(big_circle, tmp_path):
    full = drc_mod.write_gds(big_circle, tmp_path / "full.gds").read_bytes()
    fab = drc_mod.write_gds(big_circle, tmp_path / "fab.gds", fab=True).read_bytes()
    assert b"CONTEXT_INFO" in full
    assert b"CONTEXT_INFO" not in fab and len(fab) < len(full)

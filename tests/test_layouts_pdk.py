"""combchip PDK: layers, named cross-sections, layer stack and views, coexistence with gdsfactory's generic PDK,
width/space DRC, port checks and GDS output."""

import numpy as np
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
    "INP_NMETAL": (54, 0), "INP_ISOLATION": (55, 0), "DICING": (98, 0), "FLOORPLAN": (99, 0), "TEXT": (100, 0),
}

# name: (core layer, core width µm, {other layer: width µm})
CONTRACT_XS = {
    "cc_sin_thick": ("SIN_THICK", 1.6, {}),
    "cc_sin_thin": ("SIN_THIN", 2.8, {}),
    "cc_strip": ("WG", 0.5, {}),
    "cc_rib": ("WG", 0.5, {"SLAB": 5.0}),
    "cc_pn": ("WG", 0.5, {"SLAB": 11.0, "P": 4.0, "N": 4.0, "PPP": 3.5, "NPP": 3.5}),
    "cc_heater": ("WG", 0.5, {"HEATER": 2.0}),
    "cc_metal": ("M1", 10.0, {}),
    "cc_inp_deep": ("INP_DEEP", 2.0, {}),
    "cc_inp_eo": ("INP_DEEP", 2.0, {"INP_PMETAL": 2.0}),
    "cc_inp_shallow": ("INP_SHALLOW", 2.0, {}),
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
    assert set(pdk.RULES) == set(CONTRACT_LAYERS) - pdk.MARKERS
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
    xs = gf.get_cross_section("cc_pn")
    offset = {_layer_name(s.layer): s.offset for s in xs.sections}
    assert offset["P"] < 0 < offset["N"]
    assert offset["PPP"] < offset["P"] and offset["NPP"] > offset["N"]


def test_derived_width_keeps_a_name():
    name = pdk.cross_section_name("cc_sin_thick", 1.2)
    assert name == "cc_sin_thick_w1200nm"
    assert pdk.cross_section_name("cc_sin_thick", 1.6) == "cc_sin_thick"
    xs = gf.get_cross_section(name)
    assert xs.name == name and xs.width == pytest.approx(1.2)
    with pytest.raises(ValueError, match="not registered"):
        pdk.cross_section_name("nope", 1.0)


def test_generic_pdk_and_combchip_share_a_session():
    """gdsfactory's generic PDK and ours, used in turn in one session: each cell draws only its own PDK's layers
    and a route on ours meets no port-layer mismatch. Before the ``cc_`` prefix a generic ``strip`` straight was
    cached under the same name as ours and came back on the generic WG (1/0, our SIN_THICK)."""
    from gdsfactory.gpdk import get_generic_pdk

    generic = get_generic_pdk()
    assert not set(pdk.PDK.cross_sections) & set(generic.cross_sections)
    generic.activate()
    try:
        first = gf.components.straight(length=7.25, cross_section="strip")
        with pdk.activated():
            ours = gf.components.straight(length=7.25, cross_section="cc_strip")
            routed = gf.Component()
            a = routed << ours
            b = routed << ours
            b.move((40.0, 20.0))
            gf.routing.route_single(routed, a.ports["o2"], b.ports["o1"], cross_section="cc_strip")
        assert gf.get_active_pdk() is generic  # given back
        again = gf.components.straight(length=7.25, cross_section="strip")
    finally:
        pdk.activate()
    wg_generic = tuple(generic.get_layer("WG"))  # (1, 0)
    assert set(first.layers) == set(again.layers) == {wg_generic}
    assert set(ours.layers) == set(routed.layers) == {(10, 0)}
    assert drc_mod.drc(routed) == []


def test_cells_do_not_activate_a_pdk():
    """A cell built while another PDK is active refuses with a message instead of switching PDKs."""
    from gdsfactory.gpdk import get_generic_pdk

    from combchip.layouts import ring as ring_mod

    generic = get_generic_pdk()
    generic.activate()
    try:
        with pytest.raises(RuntimeError, match="activate"):
            ring_mod.ring_single_bus(radius_um=60.0, width_um=1.6, gap_um=0.5, couplers="edge")
        assert gf.get_active_pdk() is generic
    finally:
        pdk.activate()


def _names(layers):
    return {pdk.PDK.get_layer_name(layer) for layer in layers}


def test_every_layer_has_a_view_and_every_platform_a_stack():
    views = pdk.PDK.layer_views.layer_views
    assert {tuple(v.layer) for v in views.values()} == set(CONTRACT_LAYERS.values())
    assert len({str(v.fill_color) for v in views.values()}) >= len(views) - 3  # colours tell layers apart
    implants = {"N", "P", "NPP", "PPP", "INP_ISOLATION"}  # no geometry of their own
    for platform, layers in pdk.PLATFORM_LAYERS.items():
        levels = pdk.LAYER_STACKS[platform].layers.values()
        drawn = {pdk.PDK.get_layer_name(lv.derived_layer.layer if lv.derived_layer else lv.layer.layer)
                 for lv in levels}
        assert drawn == layers - implants, platform
    assert set(pdk.PDK.layer_stack.layers) >= {"sin_thick", "si_core", "inp_deep"}


def test_layer_stack_is_the_models_cross_section():
    """Thicknesses and etch depths of the stack are those of the physics models, written there once."""
    from dataclasses import fields

    from combchip.systems.published import SYSTEM_A, SYSTEM_C
    from combchip.tx import grating_couplers as gcm
    from combchip.tx import phase_shifters as ps

    def default(cls, name):
        return next(f.default for f in fields(cls) if f.name == name) * 1e6  # µm

    si, sin, inp = (pdk.LAYER_STACKS[p].layers for p in ("si", "sin", "inp"))
    gc = gcm.GratingCoupler1D
    assert si["si_core"].thickness == pytest.approx(default(gc, "thickness"), abs=1e-9)
    assert si["si_core"].thickness == pytest.approx(default(ps.DepletionPhaseShifter, "height"), abs=1e-9)
    etch = si["si_core"].thickness - si["si_grating_etch"].thickness
    assert etch == pytest.approx(default(gc, "etch_depth"), abs=1e-9) and etch == pytest.approx(0.07, abs=1e-9)
    slab_etch = si["si_core"].thickness - si["si_slab"].thickness
    assert slab_etch == pytest.approx(default(ps.DepletionPhaseShifter, "height")
                                      - default(ps.DepletionPhaseShifter, "slab_height"), abs=1e-9)
    assert sin["sin_thick"].thickness == pytest.approx(SYSTEM_A.waveguide_height * 1e6, abs=1e-9)
    assert sin["sin_thin"].thickness == pytest.approx(SYSTEM_C.ring_thickness * 1e6, abs=1e-9)
    assert inp["inp_active"].thickness == pytest.approx(default(ps.ElectroOpticPhaseShifter, "thickness"), abs=1e-9)
    from combchip.tx.cpw import CoplanarLine

    assert si["m1"].thickness == pytest.approx(default(CoplanarLine, "metal_thickness"), abs=1e-9)
    oxide = default(ps.ThermoOpticPhaseShifter, "oxide_thickness")  # heater–core spacing of the R_th model
    sheet = (default(ps.ThermoOpticPhaseShifter, "heater_resistance")
             * default(ps.ThermoOpticPhaseShifter, "heater_width") / default(ps.ThermoOpticPhaseShifter, "length")
             * 1e-6)  # default() returns µm
    for stack, core in ((si, "si_core"), (sin, "sin_thick")):
        assert stack["heater"].zmin - (stack[core].zmin + stack[core].thickness) == pytest.approx(oxide, abs=1e-9)
        # the film's ρ/t is the heater model's R_h·w/L (10 Ω/□)
        assert pdk.TIN_RESISTIVITY / (stack["heater"].thickness * 1e-6) == pytest.approx(sheet, rel=1e-6)
    assert sin["m1"].zmin == pytest.approx(sin["heater"].zmin + sin["heater"].thickness, abs=1e-9)
    # Si: the RF metal is where the coplanar-line model has it: its oxide under the metal, less the BOX
    from combchip.tx.cpw import SOI_STACK

    box = default(gcm.GratingCoupler1D, "box_thickness")
    assert si["m1"].zmin == pytest.approx(SOI_STACK[0][1] * 1e6 - box, abs=1e-9)
    assert si["via"].zmin == pytest.approx(si["si_core"].thickness, abs=1e-9)  # contacts reach the silicon
    assert si["via"].zmin + si["via"].thickness == pytest.approx(si["m1"].zmin, abs=1e-9)


def test_si_heater_lies_below_the_rf_metal():
    si = pdk.LAYER_STACKS["si"].layers
    # the RF metal sits on the heater level (the coplanar-line model's oxide), never under the heaters
    assert si["heater"].zmin + si["heater"].thickness <= si["m1"].zmin + 1e-9


def test_clean_strip_waveguide_passes_drc():
    c = gf.components.straight(length=50, cross_section="cc_strip")
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


def test_circuit_models_are_registered_and_reject_nonsense():
    from combchip.layouts import models

    assert {"straight", "mmi1x2", "mmi2x2", "bend_euler"} <= set(pdk.PDK.models)
    # a lossless 2×2 coupler is unitary: |bar|² + |cross|² = 1 (double precision)
    s = models.mmi2x2(wl=1.55, ratio=0.3)
    assert abs(s[("o1", "o4")]) ** 2 + abs(s[("o1", "o3")]) ** 2 == pytest.approx(1.0, abs=1e-15)
    assert s[("o4", "o1")] == s[("o1", "o4")]  # reciprocal
    for kwargs, match in ((dict(neff=-1.0), "neff"), (dict(loss_db_per_m=-3.0), "loss_db_per_m"),
                          (dict(shifter="pn"), "shifter")):
        with pytest.raises(ValueError, match=match):
            models.SiliconModels(**kwargs)
    with pytest.raises(ValueError, match="ratio"):
        models.mmi1x2(ratio=1.5)
    with pytest.raises(ValueError, match="component"):
        models.circuit("mzm")
    with pytest.raises(ValueError, match="no model"):
        models.circuit(gf.components.straight(length=5, cross_section="cc_strip"), models={})


def test_circuit_of_a_straight_is_its_propagation():
    """Two straights in series through the connection equation: the product of their transfers (1e-12)."""
    from combchip.layouts import models

    c = gf.Component()
    a = c << gf.components.straight(length=30, cross_section="cc_strip")
    b = c << gf.components.straight(length=12.5, cross_section="cc_strip")
    b.connect("o1", a.ports["o2"])
    c.add_port("o1", port=a.ports["o1"])
    c.add_port("o2", port=b.ports["o2"])
    wl = np.linspace(1.5, 1.6, 7)
    t = models.circuit(c, wl)[("o1", "o2")]
    assert t == pytest.approx(models.SiliconModels().propagation(wl, 42.5), rel=1e-12)

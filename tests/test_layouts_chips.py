"""Layouts of the transmitter chips and the dies: DRC, ports, device sizes read back from the polygons,
the 4.6 × 2 mm² InP footprint, one platform per die, deterministic GDS and PNG output, and a YAML regression
of each cell.

Regression references live in tests/data/layouts/; ``COMBCHIP_UPDATE_REFERENCES=1`` rewrites them.
"""

from __future__ import annotations

import dataclasses
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

from combchip.layouts import pdk  # noqa: E402
from combchip.layouts.chips import CELLS, DIES, FIBRE_ARRAY_PITCH, LANE, build, summary  # noqa: E402
from combchip.layouts.drc import MAX_VERTICES, check_ports, drc, layer_region  # noqa: E402
from combchip.layouts.transmitter_inp import CHIP_SIZE, FACET_OVERRUN, tx_inp  # noqa: E402
from combchip.layouts.transmitter_si import tx_si  # noqa: E402
from combchip.systems import system_b_transmitter, system_c_client  # noqa: E402

DATA = Path(__file__).parent / "data" / "layouts"
UPDATE = os.environ.get("COMBCHIP_UPDATE_REFERENCES") == "1"
NM = 1e-3  # µm


@pytest.fixture(scope="module", autouse=True)
def _combchip_pdk():
    with pdk.activated():  # cells never activate a PDK: the user (here the test module) does
        yield


@pytest.fixture(scope="module")
def si():
    return tx_si()


@pytest.fixture(scope="module")
def inp():
    return tx_inp()


def _x_extents(component, layer, inside, other=None):
    """x extents [µm] of the merged polygons of ``layer`` (∩ ``other``) inside the instance ``inside``."""
    region = layer_region(component, layer)
    if other is not None:
        region = region & layer_region(component, other)
    box = inside.dbbox()
    window = kdb.Region(kdb.Box(round(box.left * 1000), round(box.bottom * 1000), round(box.right * 1000),
                                round(box.top * 1000)))
    return sorted(p.bbox().width() * 1e-3 for p in (region & window).each())


def _instances(component):
    return {inst.name: inst for inst in component.insts}


# ----------------------------------------------------------------------------- silicon transmitter
def test_tx_si_is_drc_clean_with_manhattan_ports_on_grid(si):
    assert drc(si) == []
    assert check_ports(si) == []
    assert {"fiber_in", "fiber_out"} <= {p.name for p in si.ports}


def test_tx_si_has_five_mzis_with_the_physics_lengths(si):
    chip = system_b_transmitter()
    insts = _instances(si)
    for name, mzi in (("mzi1", chip.carver), ("mzi2", chip.decoy), ("mzi3", chip.basis), ("mzi4", chip.phase)):
        for layer in ("P", "N"):
            lengths = _x_extents(si, layer, insts[name])
            assert len(lengths) == 2, (name, layer, lengths)  # push-pull: both arms doped
            assert lengths == pytest.approx([mzi.arm_a.length * 1e6] * 2, abs=NM)
    heated = _x_extents(si, "HEATER", insts["voa"], other="WG")
    assert heated == pytest.approx([chip.voa.arm_a.length * 1e6] * 2, abs=NM)


def test_tx_si_bias_and_trim_heaters_are_the_models_thermo_optic_shifter(si):
    """A heater on each arm of MZI-1 to MZI-4 and one on the H path, each the chip's thermo-optic shifter.

    In the 45° spreading model R_th ∝ 1/L, so P_π = λ/(2·dn/dT·L·R_th) does not depend on L; what L
    sets is ΔT_π = λ/(2·dn/dT·L). Two heaters per MZI give a bias range of ±π at P ≤ P_π each, so
    MZI-1 and MZI-2 reach their null (bias π) whatever the fabricated arm phase.
    """
    chip = system_b_transmitter()
    insts = _instances(si)
    model = chip.voa.arm_a
    for name in ("mzi1", "mzi2", "mzi3", "mzi4"):
        heated = _x_extents(si, "HEATER", insts[name], other="WG")
        assert heated == pytest.approx([si.info["heater_length"]] * 2, abs=NM), name
        assert len([p for p in si.ports if p.name.startswith(f"{name}_heater_")]) == 4  # two pads per heater
    assert _x_extents(si, "HEATER", insts["trim"], other="WG") == pytest.approx([si.info["heater_length"]], abs=NM)
    assert len(layer_region(si, "HEATER") & layer_region(si, "WG")) == 4 * 2 + 2 + 1  # MZIs, VOA, trim
    drawn = dataclasses.replace(model, length=si.info["heater_length"] * 1e-6)
    assert si.info["heater_p_pi"] == pytest.approx(drawn.p_pi, rel=1e-12)
    assert drawn.phase(si.info["heater_p_pi"], chip.wavelength) == pytest.approx(math.pi, rel=1e-9)
    assert max(chip.carver.bias_phase, chip.decoy.bias_phase) <= math.pi + 1e-12  # the null is in range
    # P_π closed form with R_th = ln(1 + 2t/w)/(2·k_ox·L): independent check of the model's number
    r_th = math.log(1 + 2 * model.oxide_thickness / model.heater_width) / (2 * 1.4 * drawn.length)
    assert si.info["heater_p_pi"] == pytest.approx(1550e-9 / (2 * model.dn_dt * drawn.length * r_th), rel=1e-12)


def _unheated_waveguides(component) -> kdb.Region:
    """WG outside the heated sections: each WG ∩ HEATER straight (horizontal) grown along its axis by
    HEATER_BUS_CLEARANCE_UM, so only the guide under a heater, and its own continuation, is exempt."""
    from combchip.layouts.ring import HEATER_BUS_CLEARANCE_UM

    wg = layer_region(component, "WG")
    heated = layer_region(component, "HEATER") & wg
    assert all(p.bbox().width() > p.bbox().height() for p in heated.each())  # all heaters run along x
    return wg - heated.sized(round(HEATER_BUS_CLEARANCE_UM * 1000), 0)


def test_tx_si_no_heater_over_a_waveguide_it_should_not_heat(si):
    """As the rings' no-heater-over-a-bus check: HEATER grown by the clearance misses every unheated WG."""
    from combchip.layouts.drc import heater_overlaps
    from combchip.layouts.ring import HEATER_BUS_CLEARANCE_UM

    heater = layer_region(si, "HEATER")
    others = _unheated_waveguides(si)
    assert heater_overlaps(heater, others, HEATER_BUS_CLEARANCE_UM).is_empty()
    # the check can fail: a 2 µm heater patch 0.5 µm beside an unheated guide's edge is caught
    edge = max(next(iter(others.each())).each_edge(), key=lambda e: e.length())
    mid = edge.p1 + (edge.p2 - edge.p1) * 0.5
    normal = kdb.Vector(edge.dy(), -edge.dx()) * (1 / edge.length())
    patches = [kdb.Region(kdb.Box(c.x - 1000, c.y - 1000, c.x + 1000, c.y + 1000))
               for c in (mid + normal * 1500, mid - normal * 1500)]
    probe = next(p for p in patches if (p & others).is_empty())  # the patch on the outer side
    assert not heater_overlaps(heater + probe, others, HEATER_BUS_CLEARANCE_UM).is_empty()


def _route_length(free: kdb.Region, port, width: float) -> float:
    """Centreline length [µm] of the one route polygon of ``free`` touching ``port``: area / width, exact for a
    constant-width strip (straights and circular or Euler bends alike) up to the bends' polygon chords."""
    x, y = round(port.center[0] * 1000), round(port.center[1] * 1000)
    probe = kdb.Region(kdb.Box(x - 2, y - 2, x + 2, y + 2))
    hits = [p for p in free.each() if not (kdb.Region(p) & probe).is_empty()]
    assert len(hits) == 1
    return hits[0].area() * 1e-6 / width


def test_tx_si_h_and_v_paths_are_equal(si):
    """H and V paths, from MZI-3's 2×2 outputs to the 2D grating's arms, measured on the drawn WG polygons.

    The WG outside MZI-3, MZI-4 and the grating falls into the route polygons (the trim heater's straight
    merges into the H route); each is measured as area / strip width. Inside MZI-4 the two arms are one
    drawing, checked by equal WG area above and below its axis. The lengths agree with the router's.
    """
    insts = _instances(si)
    mzi4 = insts["mzi4"]
    dbu = si.kcl.layout.dbu
    wg = layer_region(si, "WG")
    cut = kdb.Region([insts[n].dbbox().to_itype(dbu) for n in ("mzi3", "mzi4", "gc_out")])
    free = wg - cut
    width = gf.get_cross_section("cc_strip").width
    h = _route_length(free, mzi4.ports["o1"], width) + _route_length(free, mzi4.ports["o3"], width)
    v = _route_length(free, mzi4.ports["o2"], width) + _route_length(free, mzi4.ports["o4"], width)
    assert abs(h - v) < 1.0
    assert (h, v) == pytest.approx(si.info["hv_paths"], abs=0.01)  # 10 nm: bend polygon chords
    box = mzi4.dbbox().to_itype(dbu)
    axis = round((mzi4.ports["o1"].center[1] + mzi4.ports["o2"].center[1]) / 2 / dbu)
    upper = wg & kdb.Region(kdb.Box(box.left, axis, box.right, box.top))
    lower = wg & kdb.Region(kdb.Box(box.left, box.bottom, box.right, axis))
    assert upper.area() == lower.area() > 0


def test_tx_si_lengths_follow_the_chip_object():
    from combchip.tx.phase_shifters import DepletionPhaseShifter, ThermoOpticPhaseShifter

    chip = system_b_transmitter()
    arm = DepletionPhaseShifter(length=2.0e-3)
    heater = ThermoOpticPhaseShifter(length=300e-6)
    chip = dataclasses.replace(chip, carver=dataclasses.replace(chip.carver, arm_a=arm, arm_b=arm),
                               voa=dataclasses.replace(chip.voa, arm_a=heater, arm_b=heater))
    c = tx_si(chip)
    insts = _instances(c)
    assert _x_extents(c, "P", insts["mzi1"]) == pytest.approx([2000.0, 2000.0], abs=NM)
    assert _x_extents(c, "P", insts["mzi2"]) == pytest.approx([3500.0, 3500.0], abs=NM)
    assert _x_extents(c, "HEATER", insts["voa"], other="WG") == pytest.approx([300.0, 300.0], abs=NM)
    assert drc(c) == []


def test_tx_si_grating_couplers_match_the_coupler_models(si):
    chip = system_b_transmitter()
    gcs = [inst for inst in si.insts if inst.cell.name.startswith("grating_coupler")]
    assert len(gcs) >= 2
    insts = _instances(si)
    # 1D grating: grooves on the shallow GRATING_ETCH layer, inside WG, at the model's period and fill factor
    box = insts["gc_in"].dbbox()
    window = kdb.Region(kdb.Box(round(box.left * 1000), round(box.bottom * 1000), round(box.right * 1000),
                                round(box.top * 1000)))
    grooves = layer_region(si, "GRATING_ETCH") & window
    centres = sorted(p.bbox().center().x * 1e-3 for p in grooves.each())
    pitch = [b - a for a, b in zip(centres, centres[1:])]
    period = chip.input_coupler.period * 1e6
    assert len(centres) >= 10
    assert pitch == pytest.approx([period] * len(pitch), abs=NM)
    assert {round(p.bbox().width() * 1e-3, 3) for p in grooves.each()} == {
        round((1 - chip.input_coupler.fill_factor) * period, 3)}
    assert (grooves - layer_region(si, "WG")).is_empty()  # a shallow etch into the core, not a new opening
    assert (layer_region(si, "SLAB") & window).is_empty()  # no 130 nm rib etch left in the grating
    # 2D grating: a square lattice of holes (fill factor along both arms) at the arm's period
    gc2 = insts["gc_out"].cell
    assert gc2.info["period"] == pytest.approx(chip.output_coupler.arm.period * 1e6, abs=2 * NM)
    n = gc2.settings["n_periods"]
    holes = layer_region(gc2, "GRATING_ETCH")
    assert holes.count() == n * n and n >= 10
    assert {round(p.bbox().width() * 1e-3, 3) for p in holes.each()} == {gc2.info["hole"]}
    assert (holes - layer_region(gc2, "WG")).is_empty()
    ports = {p.name: p for p in gc2.ports}
    assert {round(ports["o1"].orientation), round(ports["o2"].orientation)} == {0, 90}  # orthogonal arms


def test_grating_etch_depth_is_the_models():
    """The PDK's GRATING_ETCH level removes exactly the etch depth of both coupler models of the chip."""
    from combchip.layouts.pdk import GRATING_ETCH_DEPTH_UM, LAYER, LAYER_STACK, PDK

    chip = system_b_transmitter()
    for coupler in (chip.input_coupler, chip.output_coupler.arm):
        assert GRATING_ETCH_DEPTH_UM == pytest.approx(coupler.etch_depth * 1e6, abs=1e-9)
        assert coupler.thickness * 1e6 == pytest.approx(LAYER_STACK.layers["si_core"].thickness, abs=1e-9)
    level = LAYER_STACK.layers["si_grating_etch"]
    depth = LAYER_STACK.layers["si_core"].thickness - level.thickness
    assert depth == pytest.approx(chip.input_coupler.etch_depth * 1e6, abs=1e-9)
    assert level.derived_layer.layer == LAYER.GRATING_ETCH and PDK.layer_stack is LAYER_STACK


@pytest.mark.parametrize("name, part", [("mzi1", "carver"), ("mzi2", "decoy")])
def test_tx_si_netlist_transfer_is_the_compact_mzi(si, name, part):
    """The drawn MZI's netlist, simulated as a circuit of the PDK's models (splitter | routes, heater, p-n
    section per arm | combiner), gives the compact model's transfer E_cross = iη[√(r₂(1−r₁))t_a + √(r₁(1−r₂))t_b].

    The compact model's splitter ratio and insertion loss are given to the drawn MMIs, its bias phase to the
    top arm's heater (P = φ_b/π·P_π, linear in P), its push-pull voltages to the two p-n sections; routes are
    lossless here. The drawn arms then differ from the model only by a common route phase: the field ratio is
    one constant of modulus 1 over drive and wavelength-by-wavelength. 1e-9: double-precision linear solve.
    """
    from combchip.layouts.models import SiliconModels, circuit

    chip = system_b_transmitter()
    mzi = getattr(chip, part)
    cell = gf.Component(base=_instances(si)[name].cell.base)
    heater = dataclasses.replace(chip.voa.arm_a, length=si.info["heater_length"] * 1e-6)
    models = SiliconModels(loss_db_per_m=0.0, shifter=mzi.arm_a, heater=heater).models()
    voltages = np.linspace(-2.0, 2.0, 5)
    for wl, bias in ((mzi.wavelength, mzi.bias_phase), (1.53e-6, 0.0), (1.57e-6, 0.0)):
        compact = dataclasses.replace(mzi, bias_phase=bias)
        settings = {"splitter": {"ratio": mzi.splitter_ratio},
                    "combiner": {"ratio": mzi.combiner_ratio, "loss_db": mzi.insertion_loss_db},
                    "ps_top": {"voltage": mzi.common_voltage + voltages / 2},
                    "ps_bottom": {"voltage": mzi.common_voltage - voltages / 2},
                    "heater_top": {"power": bias / math.pi * heater.p_pi}}
        drawn = circuit(cell, wl * 1e6, settings, models)[("o1", "o2")]
        ratios = drawn / compact.field_transfer(voltages, wl, port="cross")
        assert ratios.shape == voltages.shape
        assert np.abs(ratios) == pytest.approx(np.ones(len(voltages)), rel=1e-9)
        assert np.abs(ratios / ratios[0] - 1).max() < 1e-9


# ----------------------------------------------------------------------------- InP client chip
def test_tx_inp_is_drc_clean_with_ports_on_grid(inp):
    """DRC clean; every port on the grid and Manhattan but the two output facets, at the drawn facet angle."""
    assert drc(inp) == []
    angle = inp.info["facet_angle_deg"]
    assert check_ports(inp, angles={"out_ref": angle, "out_q": angle}) == []


def test_tx_inp_fills_exactly_the_system_c_footprint(inp):
    assert CHIP_SIZE == (4600.0, 2000.0)  # REFERENCE.md: 4.6 × 2 mm²
    plan = layer_region(inp, "FLOORPLAN")
    assert plan.count() == 1
    box = plan.bbox()
    assert (box.left, box.bottom, box.right, box.top) == (0, 0, 4_600_000, 2_000_000)
    whole = inp.dbbox()
    # nothing sticks out but the tilted output ridges, which run FACET_OVERRUN past the cleave into the lane
    assert (whole.left, whole.bottom, whole.top) == (0, 0, 2000)
    assert 4600 < whole.right <= 4600 + FACET_OVERRUN + 1.0
    for name in ("in_ref", "in_q", "out_ref", "out_q"):  # optical ports lie on the cleaved facets
        assert inp.ports[name].center[0] in (0.0, 4600.0)


def test_tx_inp_overflowing_chip_raises():
    chip = system_c_client()
    long_pm = dataclasses.replace(chip, phase_modulator=dataclasses.replace(chip.phase_modulator, length=4.5e-3))
    with pytest.raises(ValueError, match="overflows"):
        tx_inp(long_pm)


def test_tx_inp_has_two_lasers_three_ims_and_one_pm(inp):
    chip = system_c_client()
    insts = _instances(inp)
    lasers = [n for n, i in insts.items() if i.cell.name.startswith("dbr_laser")]
    modulators = {n: i for n, i in insts.items() if i.cell.name.startswith("eo_modulator")}
    ims = sorted(n for n, i in modulators.items() if i.cell.settings["arms"] == 2)
    pms = sorted(n for n, i in modulators.items() if i.cell.settings["arms"] == 1)
    assert sorted(lasers) == ["laser_q", "laser_ref"]
    assert ims == ["im1", "im2", "im3"] and pms == ["pm"]
    # pad groups: 3 p + 1 n per laser, a p and n pad per modulator arm
    pads = {}
    for port in inp.ports:
        if port.port_type == "electrical":
            device = port.name.split("_")[0] if not port.name.startswith("laser") else "_".join(port.name.split("_")[:2])
            pads[device] = pads.get(device, 0) + 1
    assert pads == {"laser_ref": 4, "laser_q": 4, "im1": 4, "im2": 4, "im3": 4, "pm": 2}
    # 4 mm p-metal electrodes, as the physics sections; one gain region per laser
    for name, count, length in (("im1", 2, chip.carver.arm_a.length), ("im2", 2, chip.decoy.arm_a.length),
                                ("pm", 1, chip.phase_modulator.length)):
        electrodes = [x for x in _x_extents(inp, "INP_PMETAL", insts[name]) if x > 1000]
        assert electrodes == pytest.approx([length * 1e6] * count, abs=NM)
    assert layer_region(inp, "INP_ACTIVE").count() == 2


def test_tx_inp_dbr_is_an_odd_order_bragg_grating_within_the_rules(inp):
    from combchip.layouts.pdk import RULES

    chip = system_c_client()
    laser = _instances(inp)["laser_ref"].cell
    first = chip.wavelength * 1e6 / (2 * chip.phase_modulator.refractive_index)  # first-order Λ [µm]
    order = laser.info["period"] / first
    assert abs(order - round(order)) <= 0.5e-3 / first and round(order) % 2 == 1  # Λ drawn on the 1 nm grid
    assert min(laser.info["slot"], laser.info["tooth"]) >= max(RULES["INP_SHALLOW"])
    assert round(order) - 2 < max(RULES["INP_SHALLOW"]) / (first / 2)  # the lowest odd order that fits
    assert layer_region(inp, "INP_ISOLATION").count() == 2 * 2 + 3 * 4 + 2


# ----------------------------------------------------------------------------- die, build, determinism
def test_cells_table():
    assert set(CELLS) == {"mrr100", "mrr49", "mrr30", "tx-si", "tx-inp", "die-sin", "die-si", "die-inp"}
    assert set(DIES) == set(pdk.PLATFORM_LAYERS)


def _drawn(component) -> set[str]:
    return {name for name in pdk.LAYER.__members__ if not layer_region(component, name).is_empty()}


@pytest.mark.parametrize("platform", ["sin", "si", "inp"])
def test_each_die_is_one_platform_inside_its_dicing_lanes(platform):
    """One process per die: only the platform's layers and the markers; DRC clean; everything but the lanes
    inside the die outline; a closed LANE/2 frame on DICING around it."""
    c = DIES[platform]()
    drawn = _drawn(c)
    assert drawn <= pdk.PLATFORM_LAYERS[platform] | pdk.MARKERS, drawn - pdk.PLATFORM_LAYERS[platform]
    others = set().union(*(v for k, v in pdk.PLATFORM_LAYERS.items() if k != platform))
    assert drawn & (pdk.PLATFORM_LAYERS[platform] - others)  # it does draw its own process
    facets = {p: c.info["facet_angle_deg"] for p in ("out_ref", "out_q")} if platform == "inp" else {}
    assert drc(c) == [] and check_ports(c, angles=facets) == []
    outline = layer_region(c, "FLOORPLAN").bbox()
    lanes = layer_region(c, "DICING")
    assert lanes.count() == 1 and next(iter(lanes.each())).holes() == 1  # one closed frame
    assert lanes.holes().bbox() == outline  # around the die outline
    assert lanes.bbox() == outline.enlarged(round(LANE / 2 * 1000))
    assert (lanes & kdb.Region(outline)).is_empty()  # the lanes lie outside the die
    for name in drawn - {"DICING"}:
        outside = layer_region(c, name) - kdb.Region(outline)
        if name == "INP_DEEP":  # the output ridges' overruns past the cleave, inside the lane
            assert outside.count() == len(facets) and (outside - lanes).is_empty()
        else:
            assert outside.is_empty(), name
    assert c.info["platform"] == platform
    assert c.info["die_size"] == [outline.width() / 1000, outline.height() / 1000]


def test_sin_die_has_one_fibre_array_row_on_the_west_facet():
    c = DIES["sin"]()
    fa = sorted(p.center[1] for p in c.ports if p.name.startswith("fa"))
    assert len(fa) == 5 and all(p.center[0] == 0.0 for p in c.ports if p.name.startswith("fa"))
    steps = [(b - a) / FIBRE_ARRAY_PITCH for a, b in zip(fa, fa[1:])]
    assert steps == pytest.approx([round(s) for s in steps], abs=1e-6)  # all on one 127 µm grid
    assert layer_region(c, "FLOORPLAN").bbox().left == 0  # the couplers end on the west facet


def _max_vertices(path) -> int:
    layout = kdb.Layout()
    layout.read(str(path))
    most = 0
    for cell in layout.each_cell():
        for index in layout.layer_indexes():
            for shape in cell.shapes(index).each():
                if shape.is_polygon() or shape.is_path() or shape.is_box():
                    most = max(most, shape.polygon.num_points())
    return most


@pytest.mark.slow  # builds and writes every chip twice (≈ 9 s)
def test_build_writes_deterministic_gds_and_png(tmp_path):
    first = build("die-sin", tmp_path / "a" / "die.gds")
    second = build("die-sin", tmp_path / "b" / "die.gds")
    assert first.read_bytes() == second.read_bytes()
    png = first.with_suffix(".png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    assert 0 < _max_vertices(first) <= MAX_VERTICES
    # a fresh interpreter gives the same bytes (cell names and shapes do not depend on the session)
    fresh = tmp_path / "fresh" / "die.gds"
    code = f"from combchip.layouts.chips import build; build('die-sin', {str(fresh)!r})"
    env = {**os.environ, "MPLBACKEND": "Agg"}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, timeout=120)
    assert fresh.read_bytes() == first.read_bytes()
    for name in ("die-si", "die-inp"):
        path = build(name, tmp_path / f"{name}.gds")
        assert path.with_suffix(".png").exists()
        assert 0 < _max_vertices(path) <= MAX_VERTICES


# ----------------------------------------------------------------------------- regression
def _reference(name: str, value: dict) -> None:
    path = DATA / f"{name}.yml"
    value = yaml.safe_load(yaml.safe_dump(value))
    if UPDATE:
        DATA.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(value, sort_keys=True))
        return
    if not path.exists():
        pytest.fail(f"{path} is missing; run with COMBCHIP_UPDATE_REFERENCES=1 to create it")
    assert value == yaml.safe_load(path.read_text()), f"{name} changed; COMBCHIP_UPDATE_REFERENCES=1 accepts it"


@pytest.mark.parametrize("name", ["tx-si", "tx-inp", "die-sin"])
def test_cell_summary_matches_reference(name):
    cell = CELLS[name]()
    if name == "die-sin":  # the rings belong to ring.py's own tests: keep only the die's structure here
        value = summary(cell, geometry=False)
        value["ports"] = sorted(value["ports"])
    else:
        value = summary(cell)
    _reference(name, value)


def test_cli_writes_gds_and_png(tmp_path, capsys):
    from combchip import cli

    assert cli.main(["layout", "mrr100", "--out", str(tmp_path / "ring.gds")]) == 0
    assert (tmp_path / "ring.gds").stat().st_size > 0 and (tmp_path / "ring.png").stat().st_size > 0
    assert cli.main(["layout", "mrr100", "--out", str(tmp_path / "ring.txt")]) == 2
    assert "--out" in capsys.readouterr().err

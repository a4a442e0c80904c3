"""System C's InP client chip, 4.6 × 2 mm² (lengths in µm).

Two DBR lasers (cleaved-facet gain section | phase section | slotted DBR, on "cc_inp_shallow"), one
free-running to the east facet (reference line) and one feeding the chain IM I → IM II → IM III → PM
(deep-etched "cc_inp_deep" routing in a serpentine; U-turns of the cross-section's bend radius). Each
section has its own p-metal electrode and bond pad; isolation trenches separate the electrodes; each
device has an n-metal contact stripe and pad; the electro-optic sections are "cc_inp_eo" straights (ridge under
its p electrode), so the netlist names them. Both lasers are injection-locked through their west facets (normal:
they are the cavities' mirrors); both outputs meet the east facet tilted by ``facet_angle_deg``
(:func:`angled_facet`). The 4 mm electro-optic sections, the electrode width, the wavelength and the
semiconductor index come from :func:`combchip.systems.system_c_client`.
"""

from __future__ import annotations

import math

import gdsfactory as gf
import klayout.db as kdb
import numpy as np
from gdsfactory.component import Component

from combchip.layouts.models import FACET_ANGLE_DEG
from combchip.layouts.pdk import LAYER, RULES, eo_cross_section, require_active
from combchip.validation import check_range

from .transmitter_si import _ports_facing, _snap, label, quad, rect

__all__ = ["CHIP_SIZE", "FACET_OVERRUN", "FACET_RUN", "angled_facet", "dbr_laser", "dbr_period", "eo_modulator",
           "inp_parameters", "tx_inp"]

UM = 1e6
CHIP_SIZE = (4600.0, 2000.0)
"""System C's client-chip footprint [µm] (4.6 × 2 mm², Weiming Quantum Chip-Network, Nature 2026)."""

GAIN_LENGTH = 500.0
PHASE_LENGTH = 150.0
DBR_LENGTH = 300.0
"""Laser section lengths [µm] (layout choices: the reference gives none)."""
DBR_FILL = 0.5
"""Tooth fraction of the slotted DBR's period."""
ISOLATION = 30.0
"""Gap between two electrodes; an isolation trench 10 µm narrower fills it [µm]."""
PAD = 100.0
PAD_LEAD = 30.0
"""Bond-pad side and the length of the lead from the device to the pad [µm]."""
N_OFFSET = 8.0
N_WIDTH = 4.0
"""N-contact stripe: distance of its inner edge from the waveguide axis and its width [µm]."""
ARM_SEPARATION = 40.0
SBEND_LENGTH = 80.0
"""Length of the S-bends between the MMI ports and the arms [µm]."""
MMI1X2 = dict(width_mmi=8.0, length_mmi=65.0, gap_mmi=1.4, width_taper=3.0, length_taper=10.0)
"""Deep-etched 1×2 MMI: L = 3L_π/8, L_π = 4nW²/(3λ) ≈ 174 µm for W = 8 µm."""
MARGIN = 30.0
"""Passive waveguide between an electrode end and the bends, holding the isolation trench [µm]."""
TRANSITION = 100.0
"""Length of the shallow → deep transition after the DBR [µm]: the deep etch closes in linearly from
``TRANSITION_WIDTH`` to the ridge width under the continuing shallow ridge. Adiabatic: the deep ridge's
fundamental and first lateral modes beat over λ/Δn ≈ 15–30 µm (Δn ≈ 0.05–0.1 for a 2 µm ridge), several
times shorter than the taper, so the mode follows the local cross-section without exciting the second."""
TRANSITION_WIDTH = 8.0
"""Width of the deep-etched region at the shallow end of the transition [µm]: its walls 3 µm from the 2 µm ridge,
outside the shallow-ridge mode's lateral tail."""
FACET_RUN = 30.0
"""Length [µm] along the chip of the output guide's tilted end: a bend of the deep ridge's radius to the facet
angle, then straight to the cleave."""
FACET_OVERRUN = 10.0
"""How far [µm, along the chip] the tilted ridge runs past the cleave line into the dicing lane: the cleave's
placement tolerance."""
FACET_CAP = 4.0
FACET_NARROWING = 0.4
"""The overrun ends in a taper ``FACET_CAP`` µm long that narrows each side by ``FACET_NARROWING`` µm: a tilted
ridge cut square leaves corners that snap to just under 90°, which the width check flags; the taper's end corners
are 90° + 5.7°."""
FACET_ANGLE_MAX_DEG = 15.0
"""Largest facet tilt accepted [deg] (the out-coupled beam leaves at arcsin(n sin θ) ≈ 55° at 15°)."""
ROWS = {"laser_ref": 1860.0, "laser_q": 1600.0, "im1": 1300.0, "im2": 990.0, "im3": 680.0, "pm": 380.0}
"""Waveguide axis of each row [µm above the chip's lower edge]."""


def _isolation(c: Component, x: float, y: float, half_height: float = 10.0) -> None:
    """Isolation trench across the waveguide, centred at x, 10 µm narrower than the ``ISOLATION`` gap."""
    w = (ISOLATION - 10.0) / 2
    rect(c, LAYER.INP_ISOLATION, x - w, y - half_height, x + w, y + half_height)


def _pad(c: Component, name: str, metal, x0: float, y0: float) -> None:
    """``PAD`` square pad on ``metal`` with its lower-left corner at (x0, y0), and a port named ``name``."""
    rect(c, metal, x0, y0, x0 + PAD, y0 + PAD)
    c.add_port(name, center=(_snap(x0 + PAD / 2), _snap(y0 + PAD / 2)), width=PAD, orientation=90, layer=metal,
               port_type="electrical")


@gf.cell
def dbr_laser(period: float, slot: float, electrode_width: float, gain_length: float = GAIN_LENGTH,
              phase_length: float = PHASE_LENGTH, dbr_length: float = DBR_LENGTH) -> Component:
    """DBR laser on "cc_inp_shallow": gain (on INP_ACTIVE) | phase | slotted DBR, eastbound from x = 0.

    The gain section's west end is the cleaved facet (port o1, the injection input); after the DBR a
    ``TRANSITION`` µm shallow → deep taper (the deep etch closing in on the ridge) ends in o2 on "cc_inp_deep".
    P-metal electrodes and pads (below),
    an n-metal stripe and pad (above).
    """
    c = Component()
    w = gf.get_cross_section("cc_inp_shallow").width
    n_teeth = int(round(dbr_length / period))
    dbr_length = _snap(n_teeth * period)
    x_phase = gain_length + ISOLATION
    x_dbr = x_phase + phase_length + ISOLATION
    x_end = x_dbr + dbr_length
    ridge = c.add_ref(gf.components.straight(length=x_dbr, cross_section="cc_inp_shallow"), name="gain_phase")
    tooth = _snap(period - slot)
    for k in range(n_teeth):
        rect(c, LAYER.INP_SHALLOW, x_dbr + k * period + slot, -w / 2, x_dbr + (k + 1) * period, w / 2)
    rect(c, LAYER.INP_SHALLOW, x_end, -w / 2, x_end + TRANSITION, w / 2)
    w_deep = gf.get_cross_section("cc_inp_deep").width
    square = x_end + TRANSITION_WIDTH  # square corners at the wide end, so no acute corner violates the width rule
    quad(c, LAYER.INP_DEEP, [(x_end, -TRANSITION_WIDTH / 2), (square, -TRANSITION_WIDTH / 2),
                             (x_end + TRANSITION, -w_deep / 2), (x_end + TRANSITION, w_deep / 2),
                             (square, TRANSITION_WIDTH / 2), (x_end, TRANSITION_WIDTH / 2)])
    rect(c, LAYER.INP_ACTIVE, 0.0, -w / 2 - 3.0, gain_length, w / 2 + 3.0)
    sections = (("gain", 0.0, gain_length), ("phase", x_phase, phase_length), ("dbr", x_dbr, dbr_length))
    for name, x0, length in sections:
        rect(c, LAYER.INP_PMETAL, x0, -electrode_width / 2, x0 + length, electrode_width / 2)
        xc = x0 + length / 2
        rect(c, LAYER.INP_PMETAL, xc - 5.0, -PAD_LEAD - electrode_width / 2, xc + 5.0, 0.0)
        _pad(c, f"p_{name}", LAYER.INP_PMETAL, xc - PAD / 2, -PAD_LEAD - electrode_width / 2 - PAD)
    for x in (gain_length + ISOLATION / 2, x_phase + phase_length + ISOLATION / 2):
        _isolation(c, x, 0.0)
    rect(c, LAYER.INP_NMETAL, 0.0, N_OFFSET, x_end + 20.0, N_OFFSET + N_WIDTH)
    _pad(c, "n", LAYER.INP_NMETAL, x_end + 20.0, N_OFFSET)
    c.add_port("o1", port=ridge.ports["o1"])
    c.add_port("o2", center=(_snap(x_end + TRANSITION), 0.0), width=w_deep, orientation=0,
               layer=LAYER.INP_DEEP, port_type="optical")
    c.info.update({"period": period, "slot": slot, "teeth": n_teeth, "tooth": tooth, "length": _snap(x_end)})
    return c


def _electrode(c: Component, x0: float, length: float, y: float, direction: int, width: float, prefix: str) -> None:
    """Isolation, lead and pads of the p electrode over [x0, x0 + length] at ``y`` (the electrode itself is the
    ``cc_inp_eo`` section's), pads on the ``direction`` side, n stripe beside it."""
    for x in (x0 - ISOLATION / 2, x0 + length + ISOLATION / 2):
        _isolation(c, x, y)
    xp = x0 + 200.0
    rect(c, LAYER.INP_PMETAL, xp - 5.0, y, xp + 5.0, y + direction * (PAD_LEAD + width / 2))
    y_pad = y + direction * (PAD_LEAD + width / 2) if direction > 0 else y - PAD_LEAD - width / 2 - PAD
    _pad(c, f"{prefix}_p", LAYER.INP_PMETAL, xp - PAD / 2, y_pad)
    xn = xp + 1.5 * PAD
    y_in = y + direction * N_OFFSET
    y_out = y_in + direction * N_WIDTH
    rect(c, LAYER.INP_NMETAL, xn - PAD / 2, y_in, x0 + length, y_out)
    _pad(c, f"{prefix}_n", LAYER.INP_NMETAL, xn - PAD / 2, y_pad)
    rect(c, LAYER.INP_NMETAL, xn - 5.0, y_out, xn + 5.0, y_pad if direction > 0 else y_pad + PAD)


@gf.cell
def eo_modulator(length: float, electrode_width: float, arms: int = 2) -> Component:
    """Linear electro-optic InP modulator on "cc_inp_deep": an MZI (``arms=2``, IM) or a phase modulator (1).

    Each arm carries a p-metal electrode of ``length`` µm between two isolation trenches, a pad
    (top arm: above; bottom arm: below) and an n-contact stripe with its pad beside it.
    """
    c = Component()
    h = ARM_SEPARATION / 2
    x = 0.0
    if arms == 2:
        split = c.add_ref(gf.get_component("mmi1x2", cross_section="cc_inp_deep", **MMI1X2), name="splitter")
        split.move((-split.ports["o1"].center[0], -split.ports["o1"].center[1]))
        c.add_port("o1", port=split.ports["o1"])
        x = split.dbbox().right
        ys = (h, -h)
    else:
        ys = (0.0,)
    arm_length = length + 2 * MARGIN
    x_arm = x + (SBEND_LENGTH if arms == 2 else 0.0)
    eo = eo_cross_section(electrode_width)
    refs = []
    for k, y in enumerate(ys):
        pieces = []
        for piece, xs, span in (("in", "cc_inp_deep", MARGIN), ("eo", eo, length), ("out", "cc_inp_deep", MARGIN)):
            ref = c.add_ref(gf.components.straight(length=span, cross_section=xs), name=f"{piece}_{k + 1}")
            ref.move((x_arm + sum(p.cell.info["length"] for p in pieces), y))
            pieces.append(ref)
        refs.append((pieces[0].ports["o1"], pieces[-1].ports["o2"]))  # the arm's west and east ends
        _electrode(c, x_arm + MARGIN, length, y, 1 if y >= 0 else -1, electrode_width, f"arm{k + 1}")
    if arms == 2:
        for port, (west, _) in zip(_ports_facing(split, 0), refs):
            bend = c << gf.components.bend_s(size=(SBEND_LENGTH, _snap(west.center[1] - port.center[1])),
                                              cross_section="cc_inp_deep")
            bend.connect("o1", port)
        comb = c.add_ref(gf.get_component("mmi1x2", cross_section="cc_inp_deep", **MMI1X2), name="combiner")
        comb.rotate(180)
        west = _ports_facing(comb, 180)
        comb.move((x_arm + arm_length + SBEND_LENGTH - west[0].center[0],
                   -(west[0].center[1] + west[-1].center[1]) / 2))
        for port, (_, east) in zip(_ports_facing(comb, 180), refs):
            bend = c << gf.components.bend_s(size=(SBEND_LENGTH, _snap(port.center[1] - east.center[1])),
                                              cross_section="cc_inp_deep")
            bend.connect("o1", east)
        c.add_port("o2", port=_ports_facing(comb, 0)[0])
    else:
        c.add_port("o1", port=refs[0][0])
        c.add_port("o2", port=refs[0][1])
    c.info["length"] = length
    return c


@gf.cell
def angled_facet(angle_deg: float = FACET_ANGLE_DEG, length: float = FACET_RUN) -> Component:
    """End of an output guide on "cc_inp_deep": from o1 (x = 0, facing west) a circular bend of the
    cross-section's radius turns the ridge by ``angle_deg``, then it runs straight across the cleave line
    x = ``length`` and ``FACET_OVERRUN`` µm beyond it, into the dicing lane, so that the cleave (not the
    lithography) cuts the ridge obliquely wherever it falls within the overrun. Port o2 sits where the axis
    crosses the cleave line, oriented ``angle_deg`` (the guide's direction, not the facet normal).
    ``info``: the axis ``length`` from o1 to the cleave and ``facet_angle_deg``.
    """
    angle_deg = check_range("angle_deg", angle_deg, 0.0, FACET_ANGLE_MAX_DEG, "deg")
    xs = gf.get_cross_section("cc_inp_deep")
    theta = math.radians(angle_deg)
    x_bend, y_bend = xs.radius * math.sin(theta), xs.radius * (1 - math.cos(theta))
    if length < x_bend:
        raise ValueError(f"length = {length!r} µm is shorter than the {angle_deg:g}° bend ({x_bend:.3f} µm)")
    run = (length - x_bend) / math.cos(theta)
    total = run + FACET_OVERRUN / math.cos(theta)  # axis length of the final straight, to the end of the taper
    axis = [(xs.radius * math.sin(phi), xs.radius * (1 - math.cos(phi)), phi, xs.width / 2)
            for phi in np.linspace(0.0, theta, max(2, math.ceil(angle_deg / 0.25) + 1))]
    for along, half in ((total - FACET_CAP, xs.width / 2), (total, xs.width / 2 - FACET_NARROWING)):
        axis.append((x_bend + along * math.cos(theta), y_bend + along * math.sin(theta), theta, half))
    edges = [[(x - side * h * math.sin(phi), y + side * h * math.cos(phi)) for x, y, phi, h in axis]
             for side in (1, -1)]
    c = Component()
    quad(c, LAYER.INP_DEEP, edges[0] + edges[1][::-1])
    c.add_port("o1", center=(0.0, 0.0), width=xs.width, orientation=180, layer=LAYER.INP_DEEP, port_type="optical")
    c.add_port("o2", center=(_snap(length), _snap(y_bend + (length - x_bend) * math.tan(theta))), width=xs.width,
               orientation=angle_deg, layer=LAYER.INP_DEEP, port_type="optical")
    c.info.update({"length": _snap(xs.radius * theta + run), "facet_angle_deg": angle_deg})
    return c


def dbr_period(wavelength: float, index: float) -> float:
    """Period [µm] of the slotted DBR: Λ = mλ/(2n) at the lowest odd Bragg order m whose teeth and
    slots both clear the INP_SHALLOW width and space rules (``wavelength`` [m], ``index`` the ridge's).

    Why not first order: at 1550 nm and n ≈ 3.17 it needs Λ = 245 nm, i.e. 122 nm teeth and slots, below the
    1 µm optical-lithography rule of INP_SHALLOW (it takes e-beam or holographic lithography); the lowest
    order with ≥ 1 µm features at 50 % fill is m = 9 (Λ ≈ 2.2 µm). Why odd: the m-th Fourier coefficient of a
    rectangular grating of fill f is ∝ sin(mπf)/m, zero for even m at f = ½, so an odd order keeps the most
    coupling, κ_m = κ₁/m (1/9 of first order: the DBR is long, 300 µm), at the price of out-of-plane
    radiation into the lower diffraction orders (A. Yariv, Optical Electronics, ch. 13; slotted higher-order
    DBRs are how contact-lithography InP lasers are made).
    """
    smallest = max(RULES["INP_SHALLOW"]) / min(DBR_FILL, 1 - DBR_FILL)
    first = wavelength * UM / (2 * index)
    order = math.ceil(smallest / first)
    order += 1 - order % 2
    return _snap(order * first)


def inp_parameters(chip=None) -> dict:
    """Layout numbers [µm] of an :class:`~combchip.tx.chips.InPClientChip` (system C's by default)."""
    if chip is None:
        from combchip.systems import system_c_client

        chip = system_c_client()
    section = chip.phase_modulator
    period = dbr_period(chip.wavelength, section.refractive_index)
    return {
        "im_lengths": [_snap(chip.carver.arm_a.length * UM), _snap(chip.decoy.arm_a.length * UM),
                       _snap(chip.decoy.arm_a.length * UM)],
        "pm_length": _snap(section.length * UM),
        "electrode_width": _snap(section.electrode_width * UM),
        "dbr_period": period,
        "dbr_slot": _snap((1 - DBR_FILL) * period),
    }


def tx_inp(chip=None, facet_angle_deg: float = FACET_ANGLE_DEG) -> Component:
    """Layout of an InP client chip (system C's by default) on its 4.6 × 2 mm² footprint.

    IM III has IM II's design (the model needs only two intensity modulators). Both output guides meet the
    east facet tilted by ``facet_angle_deg`` [deg] (:func:`angled_facet`; modal reflectance
    :class:`combchip.layouts.models.AngledFacet`); the lasers' west facets are their cavity mirrors and stay normal.
    """
    require_active()
    check_range("facet_angle_deg", facet_angle_deg, 0.0, FACET_ANGLE_MAX_DEG, "deg")
    return _tx_inp(**inp_parameters(chip), facet_angle_deg=float(facet_angle_deg))


@gf.cell
def _tx_inp(im_lengths: list, pm_length: float, electrode_width: float, dbr_period: float,
            dbr_slot: float, facet_angle_deg: float = FACET_ANGLE_DEG) -> Component:
    c = Component()
    width, height = CHIP_SIZE
    radius = gf.get_cross_section("cc_inp_deep").radius

    def route(p1, p2, **kwargs):
        return gf.routing.route_single(c, p1, p2, cross_section="cc_inp_deep", auto_taper=False, **kwargs)

    def to_facet(port, x_facet, name):
        run = _snap(x_facet - FACET_RUN - port.center[0])
        if run <= 0:
            raise ValueError(f"the InP client chip overflows its {width:g} µm width: {name} starts at "
                             f"x = {port.center[0]:.3f} µm, within {FACET_RUN:g} µm of the facet")
        ref = c << gf.components.straight(length=run, cross_section="cc_inp_deep")
        ref.connect("o1", port)
        end = c.add_ref(angled_facet(facet_angle_deg), name=name)
        end.connect("o1", ref.ports["o2"])
        return end.ports["o2"]

    laser = dbr_laser(dbr_period, dbr_slot, electrode_width)
    lasers = {}
    for name in ("laser_ref", "laser_q"):
        ref = c.add_ref(laser, name=name)
        ref.move((0.0, ROWS[name]))
        lasers[name] = ref
    out_ref = to_facet(lasers["laser_ref"].ports["o2"], width, "facet_ref")

    mods = {}
    im_total = eo_modulator(im_lengths[0], electrode_width).dbbox().width()
    x_west = (width - im_total) / 2
    for k, name in enumerate(("im1", "im2", "im3")):
        ref = c.add_ref(eo_modulator(im_lengths[k], electrode_width), name=name)
        if k % 2 == 0:  # westbound
            ref.rotate(180)
        ref.move((_snap(x_west - ref.dbbox().left), _snap(ROWS[name] - ref.ports["o1"].center[1])))
        mods[name] = ref
    pm = c.add_ref(eo_modulator(pm_length, electrode_width, arms=1), name="pm")
    pm.move((_snap(x_west + 2 * radius - pm.ports["o1"].center[0]), ROWS["pm"]))
    mods["pm"] = pm

    route(lasers["laser_q"].ports["o2"], mods["im1"].ports["o1"])
    route(mods["im1"].ports["o2"], mods["im2"].ports["o1"])
    route(mods["im2"].ports["o2"], mods["im3"].ports["o1"])
    route(mods["im3"].ports["o2"], pm.ports["o1"])
    out_q = to_facet(pm.ports["o2"], width, "facet_q")

    c.add_port("in_ref", port=lasers["laser_ref"].ports["o1"])
    c.add_port("in_q", port=lasers["laser_q"].ports["o1"])
    c.add_port("out_ref", port=out_ref)
    c.add_port("out_q", port=out_q)
    for ref in (*lasers.values(), *mods.values()):
        for port in ref.ports:
            if port.port_type == "electrical":
                c.add_port(f"{ref.name}_{port.name}", port=port)

    texts = {"laser_ref": "DBR laser 1 (reference line)", "laser_q": "DBR laser 2 (quantum line)",
             "im1": "IM I", "im2": "IM II", "im3": "IM III", "pm": "PM"}
    for name, ref in {**lasers, **mods}.items():
        y = ROWS[name]
        x = 1250.0 if name.startswith("laser") else x_west + 600.0
        dy = -35.0 if name.startswith("laser") else (ARM_SEPARATION / 2 + 40.0 if name != "pm" else 40.0)
        label(c, f"{texts[name]}  L={ref.cell.info['length']:g}", x, y + dy, size=20.0)
    label(c, "combchip tx-inp  system C client  4.6 x 2 mm2", 100.0, 100.0, size=40.0)
    rect(c, LAYER.FLOORPLAN, 0.0, 0.0, width, height)
    c.info["facet_angle_deg"] = facet_angle_deg
    box = kdb.DBox()
    for inst in c.insts:  # all but the facet overruns, which cross the cleave into the dicing lane
        if not inst.name.startswith("facet_"):
            box += inst.dbbox()
    if box.left < 0 or box.bottom < 0 or box.right > width or box.top > height:
        raise ValueError(f"the InP client chip overflows its {width:g} × {height:g} µm² footprint: {box}")
    return c

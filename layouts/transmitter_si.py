"""System B's silicon polarization-encoding transmitter (lengths in µm).

1D grating coupler → MZI-1 (carver) → MZI-2 (decoy) → thermo-optic MZI VOA → MZI-3 (basis, two
outputs) → MZI-4 (push-pull arms on the H and V paths) → 2D grating coupler. The four modulators are
dual-drive (push-pull) carrier-depletion MZIs on the "cc_pn" cross-section with two traveling-wave
coplanar electrodes (G-S-G-S-G) fed and terminated through G-S-G-S-G pads, each arm's junction between
its signal (n side) and an outer ground (p side); the arms run in the gaps between the pads, so no
waveguide lies under a pad opening. Every arm of MZI-1 to MZI-4 carries a bias heater and the H path a trim heater, each
the chip's thermo-optic shifter (that of its VOA); the two H/V paths, from MZI-3's 2×2 outputs to the 2D
grating's arms, are drawn equally long. Every device dimension comes from
:func:`combchip.systems.system_b_transmitter`.
"""

from __future__ import annotations

import math

import gdsfactory as gf
from gdsfactory.component import Component

from combchip.layouts.pdk import LAYER, require_active

__all__ = [
    "bond_pad",
    "grating_coupler_1d",
    "grating_coupler_2d",
    "heater_section",
    "mzm",
    "si_parameters",
    "tx_si",
    "voa",
]

UM = 1e6
"""Metres → µm."""

PAD = 80.0
"""Bond-pad side [µm] (M1; the PAD opening is inset by ``PAD_INSET``)."""
PAD_INSET = 5.0
PAD_PITCH = 100.0
"""G-S-G pad pitch [µm]; the modulator arms sit in the two pad gaps, so the arm separation equals it."""
RF_TAPER = 60.0
"""Length of the M1 transition from the pads to the traveling-wave electrode [µm]."""
GROUND_WIDTH = 50.0
"""Width of each ground electrode [µm]."""
CONTACT_ENCLOSURE = 1.0
"""Enclosure of VIA by the contact implant and of VIA by M1 [µm]."""
MMI1X2 = dict(width_mmi=6.0, length_mmi=33.0, gap_mmi=2.0, width_taper=1.0, length_taper=10.0)
"""Symmetric-interference 1×2 MMI on 220 nm SOI: L = 3L_π/8 with L_π = 4n_rW²/(3λ) ≈ 88 µm for W = 6 µm."""
MMI2X2 = dict(width_mmi=6.0, length_mmi=44.0, gap_mmi=1.0, width_taper=1.0, length_taper=10.0)
"""Paired-interference 2×2 MMI (3 dB): L = L_π/2, ports at ±W/6."""
VIA_WIDTH = 2.0
"""Width of the VIA stripes on the contact implants [µm]."""
GC_WIDTH_FACTOR = 1.15
"""Grating width and 2D-grating side as a multiple of the fibre mode-field diameter."""
GC_TAPER = 150.0
"""Linear taper from the strip waveguide to the grating width [µm]."""
GC_RADIATED = 0.99
"""Fraction of the guided power the grating's length radiates: L = −ln(1 − 0.99)/α."""
ROW_PITCH = 620.0
"""Vertical pitch of the modulator rows [µm]."""
DIE_MARGIN = 100.0
HEATER_SPACER = 60.0
"""Unheated strip before and after a heater [µm]: keeps its 80 µm pads 25 µm clear of the next cell's."""


def _snap(x: float, grid: float = 0.001) -> float:
    return round(round(x / grid) * grid, 6)


def rect(c: Component, layer, x0: float, y0: float, x1: float, y1: float) -> None:
    """Add the box [x0, x1] × [y0, y1] on ``layer``."""
    xa, xb = sorted((_snap(x0), _snap(x1)))
    ya, yb = sorted((_snap(y0), _snap(y1)))
    c.add_polygon([(xa, ya), (xb, ya), (xb, yb), (xa, yb)], layer=layer)


def quad(c: Component, layer, points) -> None:
    """Add a polygon through ``points`` snapped to the 1 nm grid."""
    c.add_polygon([(_snap(x), _snap(y)) for x, y in points], layer=layer)


def label(c: Component, text: str, x: float, y: float, size: float = 30.0, justify: str = "left") -> None:
    """Text on the TEXT layer with its lower-left (or centre) corner at (x, y)."""
    ref = c << gf.components.text(text=text, size=size, layer=LAYER.TEXT, justify=justify)
    ref.move((_snap(x), _snap(y)))


def floorplan(c: Component, margin: float = DIE_MARGIN, grid: float = 10.0) -> tuple[float, float, float, float]:
    """Draw the die outline (FLOORPLAN) around everything in ``c`` plus ``margin``, on a ``grid`` µm grid."""
    box = c.dbbox()
    x0 = math.floor((box.left - margin) / grid) * grid
    y0 = math.floor((box.bottom - margin) / grid) * grid
    x1 = math.ceil((box.right + margin) / grid) * grid
    y1 = math.ceil((box.top + margin) / grid) * grid
    rect(c, LAYER.FLOORPLAN, x0, y0, x1, y1)
    return x0, y0, x1, y1


def section(cross_section: str, layer) -> tuple[float, float]:
    """(offset, width) [µm] of the section of a registered cross-section drawn on ``layer``."""
    xs = gf.get_cross_section(cross_section)
    target = gf.get_layer(layer)
    for s in xs.sections:
        if s.layer is not None and gf.get_layer(s.layer) == target:
            return float(s.offset), float(s.width)
    raise ValueError(f"cross-section {cross_section!r} has no section on layer {layer!r}")


def _ports_facing(ref, orientation: float) -> list:
    """Optical ports of ``ref`` that face ``orientation``, from top to bottom (or right to left)."""
    ports = [p for p in ref.ports if p.port_type == "optical" and round(p.orientation) % 360 == orientation]
    key = (lambda p: -p.center[1]) if orientation in (0, 180) else (lambda p: -p.center[0])
    return sorted(ports, key=key)


@gf.cell
def bond_pad(size: float = PAD, metal: str = "M1", opening: str = "PAD", inset: float = PAD_INSET) -> Component:
    """Square bond pad: ``metal`` with an ``opening`` inset by ``inset`` (centred on the origin)."""
    c = Component()
    h = size / 2
    rect(c, getattr(LAYER, metal), -h, -h, h, h)
    if opening:
        rect(c, getattr(LAYER, opening), -h + inset, -h + inset, h - inset, h - inset)
    c.add_port("pad", center=(0, 0), width=size, orientation=90, layer=getattr(LAYER, metal), port_type="electrical")
    return c


def _add_pad(c: Component, name: str, x: float, y: float, **kwargs) -> None:
    ref = c.add_ref(bond_pad(**kwargs), name=name)
    ref.move((_snap(x), _snap(y)))
    c.add_port(name, port=ref.ports["pad"])


# ----------------------------------------------------------------------------- grating couplers
GC_MARGIN = 2.0
"""Unetched WG beyond the first and last groove of a grating [µm]."""


@gf.cell
def grating_coupler_1d(period: float, fill_factor: float, n_periods: int, width: float,
                       taper_length: float = GC_TAPER, fibre_angle: float = 10.0,
                       wavelength: float = 1.55) -> Component:
    """Shallow-etched uniform grating: a full-thickness WG field ``width`` wide with ``n_periods`` grooves
    ((1 − f)·Λ wide, after a tooth f·Λ) drawn on GRATING_ETCH, the PDK's shallow etch of the depth the
    coupler model assumes; a linear WG taper from the strip to the field. Port o1 at the taper, o2 vertical.
    """
    c = Component()
    taper = c << gf.components.taper(length=taper_length, width1=gf.get_cross_section("cc_strip").width,
                                     width2=width, cross_section="cc_strip")
    c.add_port("o1", port=taper.ports["o1"])
    x0 = taper_length
    length = n_periods * period
    rect(c, LAYER.WG, x0, -width / 2, x0 + length + GC_MARGIN, width / 2)
    groove = _snap((1 - fill_factor) * period)
    for i in range(n_periods):
        xg = x0 + i * period + _snap(fill_factor * period)
        rect(c, LAYER.GRATING_ETCH, xg, -width / 2, xg + groove, width / 2)
    c.add_port("o2", center=(_snap(x0 + length / 2), 0), width=width, orientation=0, layer=LAYER.WG,
               port_type="vertical_te")
    c.info.update({"period": period, "n_periods": n_periods, "groove": groove, "fibre_angle": fibre_angle,
                   "wavelength": wavelength})
    c.flatten()
    return c


@gf.cell
def grating_coupler_2d(period: float, fill_factor: float, n_periods: int, taper_length: float = GC_TAPER,
                       wavelength: float = 1.55) -> Component:
    """Polarization-splitting 2D grating: a square lattice of shallow-etched square holes.

    The holes (side (1 − f)·Λ) are drawn on GRATING_ETCH over a full-thickness WG square, so each row and
    column through the holes has the 1D grating's fill factor f along both arms and the model's etch depth.
    Arm 1 (port o1, from +x) couples H, arm 2 (port o2, from +y) couples V; o3 and o4 are the fibre's H and V
    polarizations at the same vertical port (its circuit model is :meth:`GratingCoupler2D.jones`).
    """
    c = Component()
    side = _snap(n_periods * period)
    hole = _snap((1 - fill_factor) * period)
    h = side / 2
    rect(c, LAYER.WG, -h, -h, h, h)
    for i in range(n_periods):
        for j in range(n_periods):
            x = -h + (i + 0.5) * period - hole / 2
            y = -h + (j + 0.5) * period - hole / 2
            rect(c, LAYER.GRATING_ETCH, x, y, x + hole, y + hole)
    width = gf.get_cross_section("cc_strip").width
    for name, rotation in (("o1", 0), ("o2", 90)):
        taper = c << gf.components.taper(length=taper_length, width1=side, width2=width, cross_section="cc_strip")
        taper.rotate(rotation)
        taper.move((h, 0) if rotation == 0 else (0, h))
        c.add_port(name, port=taper.ports["o2"])
    c.add_port("o3", center=(0, 0), width=side, orientation=0, layer=LAYER.WG, port_type="vertical_te")
    c.add_port("o4", center=(0, 0), width=side, orientation=90, layer=LAYER.WG, port_type="vertical_te")
    c.info["period"] = period
    c.info["hole"] = hole
    c.flatten()
    return c


# ----------------------------------------------------------------------------- modulators
def _mmi(kind: str, cross_section: str = "cc_strip") -> Component:
    return gf.get_component(kind, cross_section=cross_section, **(MMI1X2 if kind == "mmi1x2" else MMI2X2))


def _electrode_geometry(cross_section: str) -> dict:
    """Contact stripes of a p-n cross-section: the distance of its N++ contact from the core (the P++ contact
    mirrors it) and ``n_side``, the sign of y of the N++ stripe in a straight drawn eastwards."""
    (o_n, w_n), (o_p, w_p) = section(cross_section, LAYER.NPP), section(cross_section, LAYER.PPP)
    if o_n * o_p >= 0 or not math.isclose(o_p, -o_n, abs_tol=1e-6):
        raise ValueError(f"cross-section {cross_section!r}: NPP and PPP must lie symmetrically on opposite sides")
    box = gf.components.straight(length=1.0, cross_section=cross_section).dbbox(gf.get_layer(LAYER.NPP))
    width = min(VIA_WIDTH, min(w_n, w_p) - 2 * CONTACT_ENCLOSURE)
    return {"contact": abs(o_n), "n_side": 1 if box.center().y > 0 else -1, "via": _snap(width),
            "metal": _snap(width + 2 * CONTACT_ENCLOSURE)}


def _rf_pads(c: Component, x: float, prefix: str) -> None:
    """G-S-G-S-G pads centred at x, at y = +2, +1, 0, −1, −2 pad pitches (names g1, s1, g, s2, g2)."""
    for name, k in RF_PADS.items():
        _add_pad(c, f"{prefix}_{name}", x, k * PAD_PITCH)


RF_PADS = {"g1": 2, "s1": 1, "g": 0, "s2": -1, "g2": -2}
"""Dual-drive pad order and position [pad pitches]: a G-S-G-S-G probe, the arms in the g1/s1 and s2/g2 gaps."""


@gf.cell
def mzm(length: float, signal_width: float, splitter: str | None = "mmi1x2", combiner: str | None = "mmi1x2",
        cross_section: str = "cc_pn", heater_length: float | None = None) -> Component:
    """Dual-drive depletion MZI: two coplanar-waveguide electrodes (G-S-G-S-G) of ``length`` µm.

    Each arm is the p-n cross-section oriented with its n side (N, NPP) towards the chip centre and
    its p side outwards: the n contact lies under that arm's signal line S1 (top) or S2 (bottom), the
    p contact under an outer ground G1 or G2. A common-mode bias V_cm > 0 on both signals reverse-biases
    both junctions; a differential drive ±V/2 on top of it is the push-pull of
    :class:`combchip.tx.modulators.MZI`. Each signal line (``signal_width`` µm) has a ground on both
    sides at the same gap, the contact gap of the cross-section (on one side the outer ground, on the
    other the shared middle ground G), so each is a symmetric CPW (:class:`combchip.tx.cpw.CoplanarLine`).
    The arms run at y = ±1.5·PAD_PITCH, in the pad gaps. ``splitter``/``combiner`` None leaves the
    arms open (MZI-4, whose arms end on the 2D grating): ports o1/o2 west (top/bottom), o3/o4 east.
    ``heater_length`` [µm] puts a :func:`heater_section` (pads outwards) on each arm before the
    electrode, so either arm can add the static bias phase.
    """
    if splitter not in ("mmi1x2", None) or combiner not in ("mmi1x2", "mmi2x2", None):
        raise ValueError(f"splitter = {splitter!r} must be 'mmi1x2' or None and combiner = {combiner!r} "
                         "'mmi1x2', 'mmi2x2' or None")
    c = Component()
    h = 1.5 * PAD_PITCH
    radius = gf.get_cross_section("cc_strip").radius
    geometry = _electrode_geometry(cross_section)
    x = 0.0
    split = None
    if splitter:
        split = c.add_ref(_mmi(splitter), name="splitter")
        split.move((-split.ports["o1"].center[0], -split.ports["o1"].center[1]))
        x = split.dbbox().right + 2 * radius + 10.0
    heaters = {}
    if heater_length is not None:
        for name, y, direction in (("top", h, +1), ("bottom", -h, -1)):
            heaters[name] = c.add_ref(heater_section(heater_length, direction), name=f"heater_{name}")
            heaters[name].move((x, y))
            for port in heaters[name].ports:
                if port.port_type == "electrical":
                    c.add_port(f"heater_{name}_{port.name[-1]}", port=port)
        x = heaters["top"].ports["o2"].center[0]
    x_electrode = x + PAD + RF_TAPER
    x_end = x_electrode + length
    x_out = x_end + RF_TAPER + PAD
    arms = {}
    for name, y in (("top", h), ("bottom", -h)):
        lead = c.add_ref(gf.components.straight(length=PAD + RF_TAPER, cross_section="cc_strip"), name=f"lead_{name}")
        lead.move((x, y))
        shifter = c.add_ref(gf.components.straight(length=length, cross_section=cross_section), name=f"ps_{name}")
        if geometry["n_side"] * y > 0:  # the n side must face the chip centre, where that arm's signal runs
            shifter.rotate(180)
        shifter.move((x_electrode - shifter.dbbox().left, y - shifter.ports["o1"].center[1]))
        tail = c.add_ref(gf.components.straight(length=PAD + RF_TAPER, cross_section="cc_strip"), name=f"tail_{name}")
        tail.move((x_end, y))
        arms[name] = (lead, tail)
    inputs = {name: (heaters[name] if heaters else arms[name][0]).ports["o1"] for name in arms}
    if split is not None:
        top, bottom = _ports_facing(split, 0)[:2]
        gf.routing.route_single(c, top, inputs["top"], cross_section="cc_strip", auto_taper=False)
        gf.routing.route_single(c, bottom, inputs["bottom"], cross_section="cc_strip", auto_taper=False)
        c.add_port("o1", port=_ports_facing(split, 180)[-1])
    else:
        c.add_port("o1", port=inputs["top"])
        c.add_port("o2", port=inputs["bottom"])
    if combiner:
        comb = c.add_ref(_mmi(combiner), name="combiner")
        comb.rotate(180)
        west = _ports_facing(comb, 180)
        comb.move((x_out + 2 * radius + 10.0 - west[0].center[0], -(west[0].center[1] + west[-1].center[1]) / 2))
        west = _ports_facing(comb, 180)
        gf.routing.route_single(c, arms["top"][1].ports["o2"], west[0], cross_section="cc_strip", auto_taper=False)
        gf.routing.route_single(c, arms["bottom"][1].ports["o2"], west[-1], cross_section="cc_strip",
                                auto_taper=False)
        for k, port in enumerate(_ports_facing(comb, 0)):
            c.add_port(f"o{k + 2}", port=port)
    else:
        c.add_port("o3", port=arms["top"][1].ports["o2"])
        c.add_port("o4", port=arms["bottom"][1].ports["o2"])

    # dual-drive CPW electrodes: G1 | top arm | S1 | G | S2 | bottom arm | G2
    contact, via, metal = geometry["contact"], geometry["via"], geometry["metal"]
    s1 = (_snap(h - contact + metal / 2 - signal_width), _snap(h - contact + metal / 2))
    g1 = (h + contact - metal / 2, h + contact - metal / 2 + GROUND_WIDTH)
    gap = _snap(g1[0] - s1[1])
    if gap <= 0 or signal_width < metal:
        raise ValueError(f"cross-section {cross_section!r} with signal_width = {signal_width!r} µm: the signal must "
                         f"cover its {metal:g} µm contact and clear the ground")
    middle = s1[0] - gap
    strips = {"g1": g1, "s1": s1, "g": (-middle, middle), "s2": (-s1[1], -s1[0]), "g2": (-g1[1], -g1[0])}
    for y0, y1 in strips.values():
        rect(c, LAYER.M1, x_electrode, y0, x_end, y1)
    for y_arm in (h, -h):
        for offset in (-contact, contact):
            yc = y_arm + offset
            rect(c, LAYER.VIA, x_electrode + CONTACT_ENCLOSURE, yc - via / 2, x_end - CONTACT_ENCLOSURE, yc + via / 2)
    for xp, xe, prefix in ((x + PAD, x_electrode, "rf_in"), (x_end + RF_TAPER, x_end, "rf_term")):
        _rf_pads(c, xp - PAD / 2 if prefix == "rf_in" else xp + PAD / 2, prefix)
        for name, (e0, e1) in strips.items():
            yp = RF_PADS[name] * PAD_PITCH
            quad(c, LAYER.M1, [(xp, yp - PAD / 2), (xe, e0), (xe, e1), (xp, yp + PAD / 2)])
    c.info["length"] = length
    c.info["arm_separation"] = 2 * h
    c.info["electrode_gap"] = gap
    c.info["signal_width"] = _snap(signal_width)
    if heater_length is not None:
        c.info["heater_length"] = heater_length
    return c


def _heater_leads(c: Component, x0: float, length: float, y_arm: float, direction: int, prefix: str) -> None:
    """HEATER leads at both ends of a heater, VIA/M1 contacts and M1 lines out to two bond pads.

    The leads lie inside the heater's span, so HEATER ∩ WG is exactly the heated length.
    """
    _, heater_width = section("cc_heater", LAYER.HEATER)
    lead = 10.0
    contact = 20.0
    for k, xl in enumerate((x0, x0 + length - lead)):
        y_start = y_arm - direction * heater_width / 2
        y_contact = y_arm + direction * 15.0
        rect(c, LAYER.HEATER, xl, y_start, xl + lead, y_contact + direction * contact)
        xc = xl + lead / 2
        rect(c, LAYER.HEATER, xc - contact / 2, y_contact, xc + contact / 2, y_contact + direction * contact)
        yc = y_contact + direction * contact / 2
        v = contact / 2 - 2 * CONTACT_ENCLOSURE
        rect(c, LAYER.VIA, xc - v, yc - v, xc + v, yc + v)
        y_pad = y_contact + direction * (contact + 20.0 + PAD / 2)
        rect(c, LAYER.M1, xc - contact / 2, yc - direction * contact / 2, xc + contact / 2, y_pad)
        _add_pad(c, f"{prefix}_{k + 1}", xc, y_pad)


@gf.cell
def heater_section(length: float, direction: int = 1, spacer: float = HEATER_SPACER) -> Component:
    """A ``length`` µm heater ("cc_heater" cross-section) between two ``spacer`` µm strips, its leads and two
    pads on the +y (``direction`` = 1) or −y (−1) side: ports o1 (west), o2 (east), e1, e2 (pads)."""
    if direction not in (1, -1):
        raise ValueError(f"direction = {direction!r} must be 1 or -1")
    c = Component()
    x = 0.0
    for name, xs, span in (("lead", "cc_strip", spacer), ("heater", "cc_heater", length), ("tail", "cc_strip", spacer)):
        ref = c.add_ref(gf.components.straight(length=span, cross_section=xs), name=name)
        ref.move((x, 0.0))
        if name == "lead":
            c.add_port("o1", port=ref.ports["o1"])
        x += span
    c.add_port("o2", port=ref.ports["o2"])
    _heater_leads(c, spacer, length, 0.0, direction, "e")
    c.info["length"] = length
    return c


@gf.cell
def voa(length: float, arm_separation: float = 60.0) -> Component:
    """Thermo-optic MZI attenuator: a heater of ``length`` µm on each arm ("cc_heater"), four DC pads."""
    c = Component()
    strip = gf.get_cross_section("cc_strip")
    radius = strip.radius
    h = arm_separation / 2
    split = c.add_ref(_mmi("mmi1x2"), name="splitter")
    split.move((-split.ports["o1"].center[0], -split.ports["o1"].center[1]))
    x = split.dbbox().right + 2 * radius + 10.0
    spacer = 60.0
    heaters = {}
    for name, y in (("top", h), ("bottom", -h)):
        lead = c.add_ref(gf.components.straight(length=spacer, cross_section="cc_strip"), name=f"lead_{name}")
        lead.move((x, y))
        heater = c.add_ref(gf.components.straight(length=length, cross_section="cc_heater"), name=f"heater_{name}")
        heater.move((x + spacer, y))
        tail = c.add_ref(gf.components.straight(length=spacer, cross_section="cc_strip"), name=f"tail_{name}")
        tail.move((x + spacer + length, y))
        heaters[name] = (lead, tail)
    top, bottom = _ports_facing(split, 0)[:2]
    gf.routing.route_single(c, top, heaters["top"][0].ports["o1"], cross_section="cc_strip", auto_taper=False)
    gf.routing.route_single(c, bottom, heaters["bottom"][0].ports["o1"], cross_section="cc_strip", auto_taper=False)
    comb = c.add_ref(_mmi("mmi1x2"), name="combiner")
    comb.rotate(180)
    west = _ports_facing(comb, 180)
    comb.move((x + 2 * spacer + length + 2 * radius + 10.0 - west[0].center[0],
               -(west[0].center[1] + west[-1].center[1]) / 2))
    west = _ports_facing(comb, 180)
    gf.routing.route_single(c, heaters["top"][1].ports["o2"], west[0], cross_section="cc_strip", auto_taper=False)
    gf.routing.route_single(c, heaters["bottom"][1].ports["o2"], west[-1], cross_section="cc_strip", auto_taper=False)
    _heater_leads(c, x + spacer, length, h, +1, "heater_top")
    _heater_leads(c, x + spacer, length, -h, -1, "heater_bottom")
    c.add_port("o1", port=_ports_facing(split, 180)[0])
    c.add_port("o2", port=_ports_facing(comb, 0)[0])
    c.info["length"] = length
    return c


# ----------------------------------------------------------------------------- chip
def si_parameters(chip=None) -> dict:
    """Layout numbers [µm] of a :class:`~combchip.tx.chips.SiPolarizationChip` (system B's by default)."""
    if chip is None:
        from combchip.systems import system_b_transmitter

        chip = system_b_transmitter()
    gc1 = chip.input_coupler
    gc2 = chip.output_coupler.arm
    heater = chip.voa.arm_a
    drawn = section("cc_heater", LAYER.HEATER)[1]
    if not math.isclose(heater.heater_width * UM, drawn, abs_tol=1e-6):
        raise ValueError(f"chip.voa.arm_a.heater_width = {heater.heater_width!r} m: the PDK draws {drawn} µm heaters")

    def periods(gc):
        length = gc.length if gc.length is not None else -math.log(1 - GC_RADIATED) / gc.alpha
        return int(math.ceil(length / gc.period))

    lines = {getattr(m.response, "line", None) for m in (chip.carver, chip.decoy, chip.basis, chip.phase)}
    if len(lines) != 1 or None in lines:
        raise ValueError("the four modulators must share one drawn electrode: a TravelingWaveResponse.from_line")
    line = lines.pop()
    geometry = _electrode_geometry("cc_pn")
    drawn_gap = _snap(2 * geometry["contact"] - geometry["metal"])
    if not math.isclose(line.gap * UM, drawn_gap, abs_tol=1e-6):
        raise ValueError(f"electrode gap = {line.gap!r} m: the cc_pn contacts draw a {drawn_gap} µm gap")

    return {
        "signal_width": _snap(line.signal_width * UM),
        "mzi_lengths": tuple(_snap(m.arm_a.length * UM) for m in (chip.carver, chip.decoy, chip.basis, chip.phase)),
        "voa_length": _snap(chip.voa.arm_a.length * UM),
        "heater_length": _snap(heater.length * UM),
        "heater_p_pi": float(heater.p_pi),
        "gc1_period": _snap(gc1.period * UM),
        "gc1_fill_factor": float(gc1.fill_factor),
        "gc1_periods": periods(gc1),
        "gc1_width": _snap(gc1.width * UM if gc1.width is not None
                           else math.ceil(GC_WIDTH_FACTOR * gc1.mode_field_diameter * UM)),
        "gc1_angle": float(gc1.fibre_angle_deg),
        "gc2_period": _snap(gc2.period * UM, 0.002),
        "gc2_fill_factor": float(gc2.fill_factor),
        "gc2_periods": int(math.ceil(GC_WIDTH_FACTOR * gc2.mode_field_diameter / gc2.period)),
        "wavelength": _snap(chip.wavelength * UM),
    }


def tx_si(chip=None) -> Component:
    """Layout of a silicon polarization-encoding transmitter chip (system B's by default)."""
    require_active()
    p = si_parameters(chip)
    return _tx_si(**{k: list(v) if isinstance(v, tuple) else v for k, v in p.items()})


@gf.cell
def _tx_si(signal_width: float, mzi_lengths: list, voa_length: float, heater_length: float, heater_p_pi: float,
           gc1_period: float, gc1_fill_factor: float, gc1_periods: int, gc1_width: float, gc1_angle: float,
           gc2_period: float, gc2_fill_factor: float, gc2_periods: int, wavelength: float) -> Component:
    c = Component()
    radius = gf.get_cross_section("cc_strip").radius

    def route(p1, p2, **kwargs):
        return gf.routing.route_single(c, p1, p2, cross_section="cc_strip", auto_taper=False, **kwargs)

    # row 1: input grating → MZI-1 (eastbound)
    gc_in = c.add_ref(grating_coupler_1d(gc1_period, gc1_fill_factor, gc1_periods, gc1_width, fibre_angle=gc1_angle,
                                         wavelength=wavelength), name="gc_in")
    gc_in.rotate(180)
    gc_in.move((-gc_in.ports["o1"].center[0], -gc_in.ports["o1"].center[1]))
    mzi1 = c.add_ref(mzm(mzi_lengths[0], signal_width, heater_length=heater_length), name="mzi1")
    mzi1.move((300.0, 0.0))
    route(gc_in.ports["o1"], mzi1.ports["o1"])
    # row 2: MZI-2 (westbound), U-turn at the east end
    mzi2 = c.add_ref(mzm(mzi_lengths[1], signal_width, heater_length=heater_length), name="mzi2")
    mzi2.rotate(180)
    x_turn = mzi1.ports["o2"].center[0] + 2 * radius + 20.0
    mzi2.move((x_turn - 2 * radius - 20.0 - mzi2.ports["o1"].center[0], -ROW_PITCH - mzi2.ports["o1"].center[1]))
    route(mzi1.ports["o2"], mzi2.ports["o1"])
    # row 3: VOA → MZI-3 (eastbound), U-turn at the west end
    att = c.add_ref(voa(voa_length), name="voa")
    att.move((mzi2.ports["o2"].center[0] - att.ports["o1"].center[0],
              -2 * ROW_PITCH - att.ports["o1"].center[1]))
    route(mzi2.ports["o2"], att.ports["o1"])
    mzi3 = c.add_ref(mzm(mzi_lengths[2], signal_width, combiner="mmi2x2", heater_length=heater_length),
                     name="mzi3")
    mzi3.move((att.ports["o2"].center[0] + 60.0 - mzi3.ports["o1"].center[0],
               -2 * ROW_PITCH - mzi3.ports["o1"].center[1]))
    route(att.ports["o2"], mzi3.ports["o1"])
    # row 4: MZI-4 arms (westbound) on the H and V paths, U-turn bundle at the east end
    mzi4 = c.add_ref(mzm(mzi_lengths[3], signal_width, splitter=None, combiner=None, heater_length=heater_length),
                     name="mzi4")
    mzi4.rotate(180)
    out_top, out_bottom = mzi3.ports["o2"], mzi3.ports["o3"]
    x_east = out_top.center[0] + 2 * radius + 40.0
    mzi4.move((x_east - 40.0 - 2 * radius - mzi4.ports["o2"].center[0], -3 * ROW_PITCH - mzi4.ports["o2"].center[1]))
    # mzi4 rotated: o2 (bottom arm, now on top) and o1 (top arm, now below) face east
    h_first = route(out_top, mzi4.ports["o1"], steps=[{"x": x_east + 20.0}, {"y": mzi4.ports["o1"].center[1]}])
    v_first = route(out_bottom, mzi4.ports["o2"], steps=[{"x": x_east}, {"y": mzi4.ports["o2"].center[1]}])
    # H path: MZI-4's lower output → trim heater (pads below) → 2D grating arm 1 (from +x)
    h_in, v_in = mzi4.ports["o3"], mzi4.ports["o4"]  # rotated: o3 (top arm) is now below, o4 above
    trim = c.add_ref(heater_section(heater_length, direction=+1), name="trim")
    trim.rotate(180)
    trim.move((h_in.center[0] - trim.ports["o1"].center[0], h_in.center[1] - trim.ports["o1"].center[1]))
    gc_out = c.add_ref(grating_coupler_2d(gc2_period, gc2_fill_factor, gc2_periods, wavelength=wavelength),
                       name="gc_out")
    y_bend = v_in.center[1] - 2 * radius - 20.0  # V path's turn back east, above the grating's arm 2
    gc_out.move((trim.ports["o2"].center[0] - 4 * radius - 40.0 - gc_out.ports["o1"].center[0],
                 y_bend - 2 * radius - 20.0 - gc_out.ports["o2"].center[1]))
    h_last = route(trim.ports["o2"], gc_out.ports["o1"])
    # V path: a westward U-turn of extra length 2e in front of arm 2 (from +y), e solved for equal H/V paths
    x_v = gc_out.ports["o2"].center[0]
    target = (h_first.length - v_first.length + h_last.length) * 1e-3 + trim.cell.info["length"] + 2 * HEATER_SPACER

    def v_route(comp, e):
        steps = [{"x": x_v - e}, {"y": y_bend}, {"x": x_v}]
        return gf.routing.route_single(comp, v_in, gc_out.ports["o2"], cross_section="cc_strip", auto_taper=False,
                                       steps=steps)

    e0 = 2 * radius + 10.0
    e = _snap(e0 + (target - v_route(Component(), e0).length * 1e-3) / 2)
    if e < 2 * radius:
        raise ValueError(f"the V path with its shortest U-turn is {2 * (2 * radius - e):.3f} µm longer than the "
                         "H path: the H/V routes cannot be balanced")
    v_last = v_route(c, e)
    paths = ((h_first.length + h_last.length) * 1e-3 + trim.cell.info["length"] + 2 * HEATER_SPACER,
             (v_first.length + v_last.length) * 1e-3)

    c.add_port("fiber_in", port=gc_in.ports["o2"])
    c.add_port("fiber_out", port=gc_out.ports["o3"])
    c.add_port("fiber_out_v", port=gc_out.ports["o4"])
    for ref in (mzi1, mzi2, mzi3, mzi4, att, trim):
        for port in ref.ports:
            if port.port_type == "electrical":
                c.add_port(f"{ref.name}_{port.name}", port=port)

    for ref, text in ((mzi1, "MZI-1 carver"), (mzi2, "MZI-2 decoy"), (att, "VOA"), (mzi3, "MZI-3 basis"),
                      (mzi4, "MZI-4 phase")):
        box = ref.dbbox()
        label(c, f"{text} L={ref.cell.info['length']:g}", box.center().x, box.top + 10.0, size=25.0, justify="center")
    label(c, "1D GC in", gc_in.dbbox().left, gc_in.dbbox().top + 20.0, size=25.0)
    label(c, "2D GC out H/V", gc_out.dbbox().left, gc_out.dbbox().bottom - 50.0, size=25.0)
    box = c.dbbox()
    label(c, "combchip tx-si  system B  2.5 GHz polarization encoder", box.left, box.top + 40.0, size=40.0)
    x0, y0, x1, y1 = floorplan(c)
    c.info["die_size"] = (_snap(x1 - x0), _snap(y1 - y0))
    c.info["heater_length"] = heater_length
    c.info["heater_p_pi"] = heater_p_pi
    c.info["hv_paths"] = tuple(_snap(x) for x in paths)
    return c

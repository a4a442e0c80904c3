"""Single-bus microring cells drawn from the same :class:`combchip.Ring` the physics models use.

The ring is a true circle (four circular 90° bends, no Euler sections) of radius
R = L/2π, where L = c/(n_g·FSR) is the Ring's round-trip length; R is drawn on the 1 nm grid.
System B's and C's Rings take n_g from the package's mode solver (their radii come from
:func:`combchip.waveguide.radius_for_fsr`), so the drawn circle resonates at the target FSR by the
same model; system A's Ring is the published device (R = 230 µm and the measured FSR fix its n_g).
Origin: the bus centreline under the ring centre, so the ring centre is at (0, w + gap + R).
"""

from __future__ import annotations

import math
from functools import cache

import gdsfactory as gf
from scipy.constants import c as C_LIGHT

from combchip.comb.resonator import Ring

from .pdk import GRID_NM, LAYER, cross_section_name, require_active

RADIUS_TOLERANCE = 0.005
"""Largest relative disagreement between ``radius_um`` and the Ring's FSR-implied radius."""

TAPER_LENGTH_UM = 200.0
EDGE_TIP_UM = {"cc_sin_thick": 0.5, "cc_sin_thin": 1.0, "cc_strip": 0.2, "cc_rib": 0.2, "cc_inp_deep": 1.0,
               "cc_inp_shallow": 1.0}
"""Inverse-taper tip widths of the edge couplers [µm], each above the layer's minimum width."""

LABEL_SIZE_UM = 10.0

HEATER_WIDTH_UM = 3.0
HEATER_BUS_CLEARANCE_UM = 1.0
"""Smallest edge-to-edge distance [µm] from a heater to a bus waveguide: the heater's radius is pulled inside the
ring's centreline by the amount that keeps its outer edge this far from the bus at the coupling point."""
HEATER_OPENING_DEG = 60.0  # heater arc left open at the top of the ring for the two leads
HEATER_ARM_UM = 20.0  # heater stubs from the arc ends up to the contacts, off the waveguide
CONTACT_UM = (12.0, 8.0, 14.0)  # HEATER, VIA, M1 squares at each heater end
PAD_UM = 100.0
PAD_GAP_UM = 100.0  # from the ring's top to the pads' lower edge


def _on_grid(value: float, step_nm: int = GRID_NM) -> bool:
    return abs(value * 1000 / step_nm - round(value * 1000 / step_nm)) < 1e-6


def _snap(value: float) -> float:
    return round(value * 1000 / GRID_NM) * GRID_NM / 1000


def ring_radius_um(ring: Ring) -> float:
    """Radius R = L/2π [µm] of a circular ring with the Ring's round-trip length L = c/(n_g·FSR)."""
    return ring.length / (2 * math.pi) * 1e6


def ring(ring: Ring, width_um: float, gap_um: float, *, cross_section: str = "cc_sin_thick",
         radius_um: float | None = None, couplers: str = "edge", pitch_um: float = 127.0,
         label: str | None = None) -> gf.Component:
    """Circular single-bus ring cell of ``ring``.

    Parameters
    ----------
    ring : combchip.Ring
        Sets the radius, R = c/(n_g·FSR)/2π, drawn on the 1 nm grid.
    width_um, gap_um : float
        Waveguide width (ring and bus) and bus–ring gap [µm], on the 2 nm grid
        (each edge then lies on the 1 nm grid).
    cross_section : str
        Registered cross-section name; ``width_um`` overrides its width.
    radius_um : float, optional
        Drawn radius [µm]; must agree with the Ring's FSR-implied radius within 0.5 %,
        otherwise ``ValueError``. Without it the implied radius is drawn.
    couplers : {"edge", "fibre_array"}
        "edge": the bus runs straight to inverse tapers on both sides (ports o1 west, o2 east).
        "fibre_array": the bus turns back under itself through a 180° circular bend of radius
        ``pitch_um``/2, so both ends reach the west facet ``pitch_um`` apart (o1 input at y = 0,
        o2 through port at y = −pitch_um).
    pitch_um : float
        Fibre-array pitch [µm].
    label : str, optional
        First line of the TEXT label inside the ring (default "ring").

    Returns
    -------
    gf.Component
        The cached cell ``ring_single_bus``; ``info`` holds the radius, centre, FSR and n_g.
    """
    if not isinstance(ring, Ring):
        raise ValueError(f"ring must be a combchip.Ring, got {type(ring).__name__}")
    implied = ring_radius_um(ring)
    if radius_um is not None:
        if not (isinstance(radius_um, int | float) and math.isfinite(radius_um) and radius_um > 0):
            raise ValueError(f"radius_um = {radius_um!r} must be a positive number of µm")
        if abs(radius_um - implied) > RADIUS_TOLERANCE * implied:
            raise ValueError(
                f"radius_um = {radius_um!r} µm disagrees with the Ring's FSR-implied radius "
                f"c/(n_g·fsr)/2π = {implied:.4f} µm (fsr = {ring.fsr:.6g} Hz, n_g = {ring.n_g:.5g}) "
                f"by {abs(radius_um / implied - 1):.2%}; allowed {RADIUS_TOLERANCE:.1%}"
            )
    radius = _snap(implied if radius_um is None else radius_um)
    return ring_single_bus(
        radius_um=radius, width_um=round(float(width_um), 9), gap_um=round(float(gap_um), 9),
        cross_section=cross_section, couplers=couplers, pitch_um=round(float(pitch_um), 9),
        fsr_ghz=round(ring.fsr / 1e9, 6), n_g=round(ring.n_g, 6),
        label=label or "ring",
    )


@gf.cell
def ring_single_bus(radius_um: float, width_um: float, gap_um: float, cross_section: str = "cc_sin_thick",
                    couplers: str = "edge", pitch_um: float = 127.0, fsr_ghz: float | None = None,
                    n_g: float | None = None, label: str = "ring") -> gf.Component:
    """Circular ring (radius ``radius_um`` to the centreline) coupled to one straight bus; see :func:`ring`."""
    require_active()
    if cross_section not in EDGE_TIP_UM:
        raise ValueError(f"cross_section = {cross_section!r} must be one of {sorted(EDGE_TIP_UM)}")
    if couplers not in ("edge", "fibre_array"):
        raise ValueError(f"couplers = {couplers!r} must be 'edge' or 'fibre_array'")
    for name, value in (("width_um", width_um), ("gap_um", gap_um), ("radius_um", radius_um)):
        if not value > 0:
            raise ValueError(f"{name} = {value!r} must be > 0 µm")
    for name, value in (("width_um", width_um), ("gap_um", gap_um)):
        if not _on_grid(value, 2 * GRID_NM):
            raise ValueError(f"{name} = {value!r} µm must lie on the {2 * GRID_NM} nm grid")
    if not _on_grid(radius_um):
        raise ValueError(f"radius_um = {radius_um!r} µm must lie on the {GRID_NM} nm grid")
    xs = cross_section_name(cross_section, width_um)
    radius_min = gf.get_cross_section(xs).radius_min or 0.0
    if radius_um < radius_min:
        raise ValueError(
            f"radius_um = {radius_um!r} µm is below {cross_section!r}'s minimum bend radius {radius_min:g} µm")
    tip = EDGE_TIP_UM[cross_section]

    c = gf.Component()
    core = c << gf.components.ring_single(gap=gap_um, radius=radius_um, length_x=0, length_y=0,
                                          bend="bend_circular", cross_section=xs)
    taper = gf.components.taper(length=TAPER_LENGTH_UM, width1=width_um, width2=tip, cross_section=xs)
    west = c << taper
    west.connect("o1", core.ports["o1"])
    if couplers == "edge":
        east = c << taper
        east.connect("o1", core.ports["o2"])
    else:
        u_radius = pitch_um / 2
        if u_radius < radius_min:
            raise ValueError(
                f"couplers = 'fibre_array' needs a 180° bend of radius pitch_um/2 = {u_radius:g} µm, below "
                f"{cross_section!r}'s minimum radius {radius_min:g} µm: use couplers = 'edge'"
            )
        if not _on_grid(u_radius):
            raise ValueError(f"pitch_um = {pitch_um!r} µm must lie on the {2 * GRID_NM} nm grid")
        uturn = c << gf.components.bend_circular(radius=u_radius, angle=180, cross_section=xs)
        uturn.connect("o1", core.ports["o2"], mirror=True)
        length = core.ports["o2"].x - core.ports["o1"].x
        back = c << gf.components.straight(length=length, cross_section=xs)
        back.connect("o1", uturn.ports["o2"])
        east = c << taper
        east.connect("o1", back.ports["o2"])
    c.add_port("o1", port=west.ports["o2"])
    c.add_port("o2", port=east.ports["o2"])

    center_y = _snap(width_um + gap_um + radius_um)
    text = f"{label} FSR {fsr_ghz:.3f} GHz\nR {radius_um:.3f} W {width_um:.3f} G {gap_um:.3f}" if fsr_ghz else label
    mark = c << gf.components.text(text=text, size=LABEL_SIZE_UM, justify="center", layer=LAYER.TEXT)
    mark.move((0, center_y))

    c.info.update({"radius_um": radius_um, "width_um": width_um, "gap_um": gap_um, "center_um": [0.0, center_y],
                   "length_um": round(2 * math.pi * radius_um, 6), "cross_section": cross_section})
    if fsr_ghz is not None:
        c.info.update({"fsr_ghz": fsr_ghz, "n_g": n_g})
    return c


@cache
def ring_100ghz() -> Ring:
    """System A's Ring (:func:`combchip.systems.system_a_ring`; its n_g makes L = 2π·230 µm)."""
    from combchip.systems import system_a_ring

    return system_a_ring()


@cache
def ring_49ghz() -> Ring:
    """System B's 49 GHz Ring (:func:`combchip.systems.system_b_ring`): R solved from the FSR with the
    finite-difference n_g of its 1.6 × 0.8 µm guide."""
    from combchip.systems import system_b_ring

    return system_b_ring()


@cache
def ring_30ghz() -> Ring:
    """System C's 30 GHz Ring (:func:`combchip.systems.system_c_ring`): R solved from the FSR with the
    effective-index n_g of its 2.8 µm × 100 nm guide."""
    from combchip.systems import system_c_ring

    return system_c_ring()


def _wrap(c: gf.Component, cell: gf.Component, ring_: Ring) -> gf.Component:
    ref = c << cell
    c.add_ports(ref.ports)
    c.info.update(cell.info.model_dump())
    c.info["ring"] = ring_.to_dict()
    return ref


@gf.cell
def mrr100() -> gf.Component:
    """System A's 100 GHz ring: R = 230 µm, 1.6 µm waveguide, 500 nm gap, fibre array at 127 µm."""
    from combchip.systems.published import SYSTEM_A

    r = ring_100ghz()
    c = gf.Component()
    _wrap(c, ring(r, SYSTEM_A.waveguide_width * 1e6, SYSTEM_A.coupler_gap * 1e6, cross_section="cc_sin_thick",
                  couplers="fibre_array", label="mrr100"), r)
    return c


@gf.cell
def heater_arc(radius_um: float, width_um: float, opening_deg: float) -> gf.Component:
    """HEATER arc of centreline radius ``radius_um`` about (0, radius_um), open ±opening_deg/2 about the top."""
    arc = gf.path.arc(radius=radius_um, angle=360 - opening_deg, start_angle=90 + opening_deg / 2)
    xs = gf.cross_section.cross_section(width=width_um, layer=LAYER.HEATER, port_names=("", ""), radius=None,
                                        radius_min=None)
    return arc.extrude(xs)


@gf.cell
def mrr49() -> gf.Component:
    """System B's 49 GHz ring with a heater for rep-rate locking.

    1.6 µm thick-SiN ring (500 nm gap, fibre array; system B's assumed cross-section) under a 3 µm HEATER arc
    that covers all of the ring but a 60° opening at the top. The arc's centreline lies inside the ring's by
    the amount that keeps its outer edge :data:`HEATER_BUS_CLEARANCE_UM` from the bus at the coupling point
    (a heater over the bus would heat and absorb in the coupler). From the arc ends 20 µm HEATER stubs lead
    away from the waveguide to HEATER/VIA/M1 contacts, and 10 µm M1 leads run up to two 100 µm pads
    (electrical ports e1, e2).
    """
    from combchip.systems.system_b import WIDTH

    r = ring_49ghz()
    width, gap = WIDTH * 1e6, 0.5
    c = gf.Component()
    cell = ring(r, width, gap, cross_section="cc_sin_thick", couplers="fibre_array", label="mrr49")
    _wrap(c, cell, r)
    xc, yc = cell.info["center_um"]
    inset = max(0.0, HEATER_WIDTH_UM / 2 + HEATER_BUS_CLEARANCE_UM - (width / 2 + gap))
    radius = _snap(cell.info["radius_um"] - inset)

    half = HEATER_OPENING_DEG / 2
    heater = c << heater_arc(radius, HEATER_WIDTH_UM, HEATER_OPENING_DEG)
    heater.move((xc, yc - radius))  # gf.path.arc draws about (0, radius)

    heater_sq, via_sq, m1_sq = CONTACT_UM
    pad_bottom = _snap(yc + radius + PAD_GAP_UM)
    for name, sign in (("e1", -1), ("e2", +1)):
        x_end = _snap(xc + sign * radius * math.sin(math.radians(half)))
        y_end = _snap(yc + radius * math.cos(math.radians(half)))
        y_contact = y_end + HEATER_ARM_UM
        arm = c << gf.components.rectangle(size=(HEATER_WIDTH_UM + 1, HEATER_ARM_UM + 2), layer=LAYER.HEATER)
        arm.move((x_end - (HEATER_WIDTH_UM + 1) / 2, y_end - 2))
        for size, layer in ((heater_sq, LAYER.HEATER), (via_sq, LAYER.VIA), (m1_sq, LAYER.M1)):
            square = c << gf.components.rectangle(size=(size, size), layer=layer, centered=True)
            square.move((x_end, y_contact))
        lead = c << gf.components.straight(length=pad_bottom - y_contact, cross_section="cc_metal")
        lead.rotate(90)
        lead.move((x_end, y_contact))
        for size, layer in ((PAD_UM + 4, LAYER.M1), (PAD_UM, LAYER.PAD)):
            pad = c << gf.components.rectangle(size=(size, size), layer=layer, centered=True)
            pad.move((x_end, pad_bottom + PAD_UM / 2))
        c.add_port(name, center=(x_end, pad_bottom + PAD_UM), width=PAD_UM, orientation=90, layer=LAYER.PAD,
                   port_type="electrical")
    c.info.update({"heater_width_um": HEATER_WIDTH_UM, "heater_opening_deg": HEATER_OPENING_DEG,
                   "heater_radius_um": radius})
    return c


@gf.cell
def mrr30() -> gf.Component:
    """System C's 30 GHz ultrahigh-Q ring: thin SiN ("cc_sin_thin", 2.8 µm), a circle of R ≈ 998.7 µm
    (:data:`combchip.systems.system_c.RING_RADIUS`, solved from the published FSR).

    3 µm gap (assumed: weakly guiding 100 nm core, no coupler model), edge couplers for the butt-coupled DFB.
    """
    from combchip.systems.system_c import RING_WIDTH

    r = ring_30ghz()
    c = gf.Component()
    _wrap(c, ring(r, RING_WIDTH * 1e6, 3.0, cross_section="cc_sin_thin", couplers="edge", label="mrr30"), r)
    return c


def register_cells() -> None:
    """Add this module's cells to the combchip PDK (done once, on import)."""
    from .pdk import PDK

    for name, func in (("ring_single_bus", ring_single_bus), ("mrr100", mrr100), ("mrr49", mrr49),
                       ("mrr30", mrr30)):
        PDK.cells.setdefault(name, func)


register_cells()
__all__ = ["ring", "ring_single_bus", "ring_radius_um", "mrr100", "mrr49", "mrr30"]

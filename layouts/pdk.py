"""The combchip gdsfactory PDK: SiN, Si and InP layer sets, named cross-sections and DRC rules.

Lengths are in µm on a 1 nm grid. Cross-sections are registered by name with a ``cc_`` prefix; pass them
by name (``cross_section="cc_sin_thick"``) so that cell names and netlists stay readable, and so that they
never meet gdsfactory's generic ``strip`` or ``rib`` in a session that uses both PDKs.

Cells never activate a PDK: call :func:`activate` (or use ``with activated():``) before building them.
"""

from __future__ import annotations

import math
from contextlib import contextmanager
from dataclasses import fields
from functools import partial

import gdsfactory as gf
import gdsfactory.pdk as gf_pdk
from gdsfactory.cross_section import CrossSection, Section, cross_section
from gdsfactory.cross_section.utils import xsection
from gdsfactory.get_factories import get_cells
from gdsfactory.pdk import GenericConstants
from gdsfactory.technology import LayerLevel, LayerStack, LayerView, LayerViews, LogicalLayer
from gdsfactory.typings import Layer

from combchip.systems.published import SYSTEM_A, SYSTEM_C
from combchip.tx.cpw import SOI_STACK, CoplanarLine
from combchip.tx.grating_couplers import GratingCoupler1D
from combchip.tx.phase_shifters import DepletionPhaseShifter, ElectroOpticPhaseShifter, ThermoOpticPhaseShifter

from .models import INP_RIDGE_WIDTH_UM, MODELS

GRID_NM = 1
"""Layout grid (= database unit) [nm]."""


class LayerMap(gf.LayerEnum):
    """GDS layer numbers (layer, datatype) of the three platforms."""

    layout = gf.constant(gf.kcl.layout)

    SIN_THICK: Layer = (1, 0)  # Si3N4 800 nm (Ligentec-like thick nitride)
    SIN_THIN: Layer = (2, 0)  # Si3N4 100 nm (ultrahigh-Q thin nitride)
    WG: Layer = (10, 0)  # Si 220 nm full etch
    SLAB: Layer = (11, 0)  # Si 90 nm rib slab
    GRATING_ETCH: Layer = (12, 0)  # Si shallow grating etch, GRATING_ETCH_DEPTH_UM deep into WG
    N: Layer = (20, 0)
    P: Layer = (21, 0)
    NPP: Layer = (22, 0)
    PPP: Layer = (23, 0)
    HEATER: Layer = (30, 0)
    VIA: Layer = (40, 0)
    M1: Layer = (41, 0)
    PAD: Layer = (42, 0)
    INP_DEEP: Layer = (50, 0)
    INP_SHALLOW: Layer = (51, 0)
    INP_ACTIVE: Layer = (52, 0)
    INP_PMETAL: Layer = (53, 0)
    INP_NMETAL: Layer = (54, 0)
    INP_ISOLATION: Layer = (55, 0)
    DICING: Layer = (98, 0)  # dicing lanes around each die
    FLOORPLAN: Layer = (99, 0)
    TEXT: Layer = (100, 0)


LAYER = LayerMap

RULES: dict[str, tuple[float, float]] = {
    "SIN_THICK": (0.3, 0.3),
    "SIN_THIN": (0.5, 0.5),
    "WG": (0.15, 0.15),
    "SLAB": (0.3, 0.3),
    "GRATING_ETCH": (0.15, 0.15),
    "N": (0.4, 0.4),
    "P": (0.4, 0.4),
    "NPP": (0.4, 0.4),
    "PPP": (0.4, 0.4),
    "HEATER": (1.0, 1.0),
    "VIA": (0.5, 0.5),
    "M1": (2.0, 2.0),
    "PAD": (50.0, 10.0),
    "INP_DEEP": (1.0, 1.0),
    "INP_SHALLOW": (1.0, 1.0),
    "INP_ACTIVE": (2.0, 2.0),
    "INP_PMETAL": (2.0, 2.0),
    "INP_NMETAL": (2.0, 2.0),
    "INP_ISOLATION": (2.0, 2.0),
}
"""Minimum width and minimum space [µm] per layer name (the MARKERS are not checked)."""

_GRATING_MODEL = {f.name: f.default for f in fields(GratingCoupler1D)}
_JUNCTION_MODEL = {f.name: f.default for f in fields(DepletionPhaseShifter)}
_HEATER_MODEL = {f.name: f.default for f in fields(ThermoOpticPhaseShifter)}
_INP_MODEL = {f.name: f.default for f in fields(ElectroOpticPhaseShifter)}
_CPW_MODEL = {f.name: f.default for f in fields(CoplanarLine)}


def _um(metres: float) -> float:
    return round(metres * 1e6, 6)


SI_THICKNESS_UM = _um(_GRATING_MODEL["thickness"])
"""Si device-layer thickness [µm]: that of the grating-coupler model
(:class:`combchip.tx.grating_couplers.GratingCoupler1D`)."""
GRATING_ETCH_DEPTH_UM = _um(_GRATING_MODEL["etch_depth"])
"""Depth of the GRATING_ETCH shallow etch [µm]: the grating-coupler model's etch depth, written there once."""
SLAB_THICKNESS_UM = _um(_JUNCTION_MODEL["slab_height"])
"""Si left in the rib etch (SLAB) [µm]: the slab of the depletion phase-shifter model
(:class:`combchip.tx.phase_shifters.DepletionPhaseShifter`)."""
SIN_THICK_UM = _um(SYSTEM_A.waveguide_height)
"""Thick Si₃N₄ core [µm] (system A's published guide)."""
SIN_THIN_UM = _um(SYSTEM_C.ring_thickness)
"""Thin Si₃N₄ core [µm] (system C's published ring)."""
HEATER_OXIDE_UM = _um(_HEATER_MODEL["oxide_thickness"])
"""Oxide between a core's top and the heater [µm]: that of the thermo-optic shifter model's R_th and τ."""
INP_CORE_UM = _um(_INP_MODEL["thickness"])
"""InGaAsP guiding (intrinsic) layer [µm]: the InP electro-optic shifter model's thickness d."""
TIN_RESISTIVITY = 1.2e-6
"""Resistivity of the sputtered TiN heater film [Ω·m] (assumed: 120 µΩ·cm, within the 100–200 µΩ·cm of
foundry TiN)."""
HEATER_SHEET_OHM = _HEATER_MODEL["heater_resistance"] * _HEATER_MODEL["heater_width"] / _HEATER_MODEL["length"]
"""Sheet resistance [Ω/□] of the thermo-optic shifter model's heater: R_h·w/L (10 Ω/□)."""
HEATER_THICKNESS_UM = _um(TIN_RESISTIVITY / HEATER_SHEET_OHM)
"""TiN heater film [µm]: t = ρ/R_□, the thickness that gives the heater model its resistance."""
METAL_THICKNESS_UM = _um(_CPW_MODEL["metal_thickness"])
"""M1 / PAD and InP contact metal [µm]: the electrode thickness of the coplanar-line model
(:class:`combchip.tx.cpw.CoplanarLine`)."""
BOX_UM = _um(_GRATING_MODEL["box_thickness"])
"""Buried oxide under the Si device layer [µm] (the grating-coupler model's)."""
M1_ZMIN_UM = _um(SOI_STACK[0][1] - _GRATING_MODEL["box_thickness"])
"""Height of the Si platform's M1 (the RF electrodes) above the bottom of the device layer [µm]: the
coplanar-line model's oxide under its metal (``combchip.tx.cpw.SOI_STACK``: device layer, upper oxide and
BOX) less the BOX."""
INP_CLADDING_UM = 1.5
"""p-InP upper cladding above the guiding layer [µm] (assumed); the shallow etch stops at the guiding layer."""
INP_DEEP_BELOW_UM = 0.5
"""Depth of the deep etch below the guiding layer, into the n-InP substrate [µm] (assumed)."""

PLATFORM_LAYERS: dict[str, frozenset[str]] = {
    "sin": frozenset({"SIN_THICK", "SIN_THIN", "HEATER", "VIA", "M1", "PAD"}),
    "si": frozenset({"WG", "SLAB", "GRATING_ETCH", "N", "P", "NPP", "PPP", "HEATER", "VIA", "M1", "PAD"}),
    "inp": frozenset({"INP_DEEP", "INP_SHALLOW", "INP_ACTIVE", "INP_PMETAL", "INP_NMETAL", "INP_ISOLATION"}),
}
"""Drawn layers of each process (a die of one platform draws these and the MARKERS only)."""
MARKERS = frozenset({"FLOORPLAN", "TEXT", "DICING"})
"""Layers that every die may draw: outline, labels and dicing lanes (no process step)."""


def _level(layer, thickness: float, zmin: float, material: str, mesh_order: int, **kwargs) -> LayerLevel:
    return LayerLevel(layer=LogicalLayer(layer=layer), thickness=thickness, zmin=zmin, material=material,
                      mesh_order=mesh_order, **kwargs)


def _heater_and_metal(core_top_um: float, m1_zmin_um: float | None = None) -> dict[str, LayerLevel]:
    """HEATER ``HEATER_OXIDE_UM`` above a core's top; M1 at ``m1_zmin_um`` (default: on the heater) with PAD on
    it; VIA from the core's top (Si: the modulators' contacts) or the heater (SiN) up to M1."""
    heater = core_top_um + HEATER_OXIDE_UM
    m1 = heater + HEATER_THICKNESS_UM if m1_zmin_um is None else m1_zmin_um
    via = heater if m1_zmin_um is None else core_top_um
    return {
        "heater": _level(LAYER.HEATER, HEATER_THICKNESS_UM, heater, "TiN", 4),
        "via": _level(LAYER.VIA, round(m1 - via, 6), via, "Al", 5),
        "m1": _level(LAYER.M1, METAL_THICKNESS_UM, m1, "Al", 6),
        "pad": _level(LAYER.PAD, METAL_THICKNESS_UM, m1 + METAL_THICKNESS_UM, "Al", 7),
    }


LAYER_STACKS: dict[str, LayerStack] = {
    "sin": LayerStack(layers={
        "sin_thick": _level(LAYER.SIN_THICK, SIN_THICK_UM, 0.0, "sin", 1),
        "sin_thin": _level(LAYER.SIN_THIN, SIN_THIN_UM, 0.0, "sin", 2),
        **_heater_and_metal(SIN_THICK_UM),
    }),
    "si": LayerStack(layers={
        "si_core": LayerLevel(layer=LogicalLayer(layer=LAYER.WG) - LogicalLayer(layer=LAYER.GRATING_ETCH),
                              derived_layer=LogicalLayer(layer=LAYER.WG), thickness=SI_THICKNESS_UM, zmin=0.0,
                              material="si", mesh_order=2),
        "si_grating_etch": LayerLevel(
            layer=LogicalLayer(layer=LAYER.WG) & LogicalLayer(layer=LAYER.GRATING_ETCH),
            derived_layer=LogicalLayer(layer=LAYER.GRATING_ETCH), thickness=SI_THICKNESS_UM - GRATING_ETCH_DEPTH_UM,
            zmin=0.0, material="si", mesh_order=1, info={"etch_depth_um": GRATING_ETCH_DEPTH_UM}),
        "si_slab": _level(LAYER.SLAB, SLAB_THICKNESS_UM, 0.0, "si", 3,
                          info={"etch_depth_um": round(SI_THICKNESS_UM - SLAB_THICKNESS_UM, 6)}),
        **_heater_and_metal(SI_THICKNESS_UM, M1_ZMIN_UM),
    }),
    "inp": LayerStack(layers={
        "inp_active": _level(LAYER.INP_ACTIVE, INP_CORE_UM, 0.0, "InGaAsP", 1),
        "inp_shallow": _level(LAYER.INP_SHALLOW, INP_CLADDING_UM, INP_CORE_UM, "InP", 2),
        "inp_deep": _level(LAYER.INP_DEEP, INP_DEEP_BELOW_UM + INP_CORE_UM + INP_CLADDING_UM,
                           -INP_DEEP_BELOW_UM, "InP", 3),
        "inp_pmetal": _level(LAYER.INP_PMETAL, METAL_THICKNESS_UM, INP_CORE_UM + INP_CLADDING_UM, "Au", 4),
        "inp_nmetal": _level(LAYER.INP_NMETAL, METAL_THICKNESS_UM, -INP_DEEP_BELOW_UM, "Au", 5),
    }),
}
"""Vertical stack of each platform (z = 0 at the bottom of its guiding layer) for gdsfactory's 3D view and
plugins. Si: the 220 nm core, the grating grooves (the core less GRATING_ETCH_DEPTH_UM) and the 90 nm rib slab;
SiN: the 800 nm and 100 nm cores; both with a heater HEATER_OXIDE_UM above the core (the thermo-optic model's
spacing) whose thickness gives the model's resistance. SiN: M1 on the heater. Si: M1 where the coplanar-line
model puts its electrodes (``M1_ZMIN_UM``), VIA from the silicon up to it. The two models disagree: the heater
(2.0 µm over the core) is not below the RF metal (0.98 µm over it). InP: the guiding layer, shallow ridges
(cladding only), deep ridges (through the guide) and contacts. Implants
(N, P, NPP, PPP) and InP isolation change no geometry and have no level."""
LAYER_STACK = LayerStack(layers={**LAYER_STACKS["sin"].layers, **LAYER_STACKS["inp"].layers,
                                 **LAYER_STACKS["si"].layers})
"""The PDK's stack: every platform's levels; the shared HEATER / VIA / M1 / PAD levels are the Si platform's
(use ``LAYER_STACKS["sin"]`` for the heater over the 800 nm nitride)."""

COLOURS = {
    "SIN_THICK": "#1f77b4", "SIN_THIN": "#17becf", "WG": "#d62728", "SLAB": "#ff9896", "GRATING_ETCH": "#f7b6d2",
    "N": "#9467bd", "P": "#c5b0d5", "NPP": "#8c564b", "PPP": "#c49c94", "HEATER": "#e377c2", "VIA": "#7f7f7f",
    "M1": "#bcbd22", "PAD": "#dbdb8d", "INP_DEEP": "#2ca02c", "INP_SHALLOW": "#98df8a", "INP_ACTIVE": "#ff7f0e",
    "INP_PMETAL": "#ffbb78", "INP_NMETAL": "#aec7e8", "INP_ISOLATION": "#393b79", "DICING": "#7f7f7f",
    "FLOORPLAN": "#000000", "TEXT": "#444444",
}
"""Colour of each layer (KLayout layer views and PNG previews)."""
_OUTLINES = {"FLOORPLAN", "DICING", "TEXT"}
LAYER_VIEWS = LayerViews(layer_views={
    name: LayerView(layer=(LAYER[name].layer, LAYER[name].datatype), color=colour,
                    hatch_pattern="solid" if name in _OUTLINES else "dotted", transparent=name in _OUTLINES)
    for name, colour in COLOURS.items()})
"""KLayout layer views (colour, fill) of every layer, registered with the PDK."""

_ELECTRICAL = {"port_names": ("e1", "e2"), "port_types": ("electrical", "electrical")}

CROSS_SECTIONS: dict = {}
_DEFAULT_NAMES: dict[str, str] = {}
_xsection = partial(xsection, xs_container=CROSS_SECTIONS, xs_default_mapping=_DEFAULT_NAMES)


@_xsection
def cc_sin_thick(width: float = 1.6, radius: float = 100.0, radius_min: float = 50.0) -> CrossSection:
    """1.6 µm × 0.8 µm Si₃N₄ core (anomalous dispersion, system A / B rings)."""
    return cross_section(width=width, layer=LAYER.SIN_THICK, radius=radius, radius_min=radius_min)


@_xsection
def cc_sin_thin(width: float = 2.8, radius: float = 800.0, radius_min: float = 500.0) -> CrossSection:
    """2.8 µm × 0.1 µm Si₃N₄ core (weakly guiding, ultrahigh Q, normal dispersion, system C)."""
    return cross_section(width=width, layer=LAYER.SIN_THIN, radius=radius, radius_min=radius_min)


@_xsection
def cc_strip(width: float = 0.5, radius: float = 10.0, radius_min: float = 5.0) -> CrossSection:
    """Si 220 nm strip waveguide."""
    return cross_section(width=width, layer=LAYER.WG, radius=radius, radius_min=radius_min)


@_xsection
def cc_rib(width: float = 0.5, width_slab: float = 5.0, radius: float = 20.0,
           radius_min: float = 10.0) -> CrossSection:
    """Si rib: 220 nm ridge on a 90 nm slab ``width_slab`` wide."""
    slab = Section(width=width_slab, layer=LAYER.SLAB, name="slab")
    return cross_section(width=width, layer=LAYER.WG, sections=(slab,), radius=radius, radius_min=radius_min)


@_xsection
def cc_pn(width: float = 0.5, width_slab: float = 11.0, width_doping: float = 4.0, gap_contact: float = 2.0,
       width_contact: float = 3.5, radius: float = 20.0, radius_min: float = 10.0) -> CrossSection:
    """Lateral p-n rib phase shifter: P | N halves meet at the ridge centre, P++ / N++ contacts start
    ``gap_contact`` from the centre and extend ``width_contact`` outwards (under the slab edge)."""
    contact_offset = gap_contact + width_contact / 2
    sections = (
        Section(width=width_slab, layer=LAYER.SLAB, name="slab"),
        Section(width=width_doping, offset=-width_doping / 2, layer=LAYER.P, name="p"),
        Section(width=width_doping, offset=+width_doping / 2, layer=LAYER.N, name="n"),
        Section(width=width_contact, offset=-contact_offset, layer=LAYER.PPP, name="ppp"),
        Section(width=width_contact, offset=+contact_offset, layer=LAYER.NPP, name="npp"),
    )
    return cross_section(width=width, layer=LAYER.WG, sections=sections, radius=radius, radius_min=radius_min)


@_xsection
def cc_heater(width: float = 0.5, heater_width: float = 2.0, radius: float = 10.0,
           radius_min: float = 5.0) -> CrossSection:
    """Si strip with a thermo-optic heater line on top (electrical ports e1, e2 on the heater)."""
    line = Section(width=heater_width, layer=LAYER.HEATER, name="heater", **_ELECTRICAL)
    return cross_section(width=width, layer=LAYER.WG, sections=(line,), radius=radius, radius_min=radius_min)


@_xsection
def cc_metal(width: float = 10.0, radius: float = 10.0) -> CrossSection:
    """M1 routing (electrical ports e1, e2)."""
    return cross_section(width=width, layer=LAYER.M1, radius=radius, radius_min=None, **_ELECTRICAL)


@_xsection
def cc_inp_deep(width: float = INP_RIDGE_WIDTH_UM, radius: float = 50.0, radius_min: float = 10.0) -> CrossSection:
    """InP deep-etched ridge (tight bends, passive routing)."""
    return cross_section(width=width, layer=LAYER.INP_DEEP, radius=radius, radius_min=radius_min)


@_xsection
def cc_inp_eo(width: float = INP_RIDGE_WIDTH_UM, electrode_width: float = _um(_INP_MODEL["electrode_width"]),
              radius: float = 50.0, radius_min: float = 10.0) -> CrossSection:
    """InP deep ridge under a p-metal electrode ``electrode_width`` wide: an electro-optic section (its circuit
    model is :class:`combchip.tx.phase_shifters.ElectroOpticPhaseShifter`)."""
    electrode = Section(width=electrode_width, layer=LAYER.INP_PMETAL, name="electrode")
    return cross_section(width=width, layer=LAYER.INP_DEEP, sections=(electrode,), radius=radius,
                         radius_min=radius_min)


@_xsection
def cc_inp_shallow(width: float = INP_RIDGE_WIDTH_UM, radius: float = 500.0, radius_min: float = 100.0) -> CrossSection:
    """InP shallow-etched ridge (low loss, modulators and lasers)."""
    return cross_section(width=width, layer=LAYER.INP_SHALLOW, radius=radius, radius_min=radius_min)


PDK = gf.Pdk(
    name="combchip",
    layers=LAYER,
    cross_sections=CROSS_SECTIONS,
    cross_section_default_names=_DEFAULT_NAMES,
    cells=get_cells([gf.components]),
    layer_stack=LAYER_STACK,
    layer_views=LAYER_VIEWS,
    models=MODELS,
    constants=GenericConstants(),
)


def cross_section_name(name: str, width: float) -> str:
    """Name of the registered cross-section ``name`` with its core ``width`` [µm].

    The default width gives ``name`` itself; another width registers (once) and returns a derived
    name such as ``"cc_sin_thick_w1200nm"``, so cells keep passing cross-sections by name.
    """
    if name not in PDK.cross_sections:
        raise ValueError(f"cross_section = {name!r} is not registered; choose from {sorted(PDK.cross_sections)}")
    base = PDK.cross_sections[name]
    if math.isclose(base().width, width, abs_tol=1e-9):
        return name
    nm = round(width * 1000)
    if nm <= 0 or not math.isclose(nm / 1000, width, abs_tol=1e-9):
        raise ValueError(f"width = {width!r} µm must be a positive multiple of 1 nm")
    derived = f"{name}_w{nm}nm"
    if derived not in PDK.cross_sections:
        factory = partial(base, width=nm / 1000)
        PDK.cross_sections[derived] = factory
        PDK.cross_section_default_names[factory().name] = derived
    return derived


def eo_cross_section(electrode_width: float) -> str:
    """Name of the ``cc_inp_eo`` cross-section with a p electrode ``electrode_width`` [µm] wide (registered once
    as ``"cc_inp_eo_e{nm}nm"`` unless it is the default)."""
    base = PDK.cross_sections["cc_inp_eo"]
    nm = round(electrode_width * 1000)
    if nm <= 0 or not math.isclose(nm / 1000, electrode_width, abs_tol=1e-9):
        raise ValueError(f"electrode_width = {electrode_width!r} µm must be a positive multiple of 1 nm")
    if math.isclose(_um(_INP_MODEL["electrode_width"]), nm / 1000, abs_tol=1e-9):
        return "cc_inp_eo"
    derived = f"cc_inp_eo_e{nm}nm"
    if derived not in PDK.cross_sections:
        factory = partial(base, electrode_width=nm / 1000)
        PDK.cross_sections[derived] = factory
        PDK.cross_section_default_names[factory().name] = derived
    return derived


def activate() -> gf.Pdk:
    """Make the combchip PDK the active gdsfactory PDK (idempotent) and return it."""
    PDK.activate()
    return PDK


@contextmanager
def activated():
    """Context in which the combchip PDK is active; the PDK active before (if any) is active again after it."""
    previous = gf_pdk._ACTIVE_PDK
    PDK.activate()
    try:
        yield PDK
    finally:
        if previous is not None and previous is not PDK:
            previous.activate()


def require_active() -> None:
    """Raise ``RuntimeError`` unless the combchip PDK is the active one (cells call this; they never activate)."""
    active = gf_pdk._ACTIVE_PDK
    if active is None or active.name != PDK.name:
        name = None if active is None else active.name
        raise RuntimeError(f"the active gdsfactory PDK is {name!r}, not 'combchip': call "
                           "combchip.layouts.pdk.activate() (or use `with activated():`) before building cells")

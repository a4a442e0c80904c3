"""The combchip gdsfactory PDK: SiN, Si and InP layer sets, named cross-sections and DRC rules.

Lengths are in µm on a 1 nm grid. Cross-sections are registered by name; pass them by name
(``cross_section="sin_thick"``) so that cell names and netlists stay readable.
"""

from __future__ import annotations

import math
from dataclasses import fields
from functools import partial

import gdsfactory as gf
from gdsfactory.cross_section import CrossSection, Section, cross_section
from gdsfactory.cross_section.utils import xsection
from gdsfactory.get_factories import get_cells
from gdsfactory.pdk import GenericConstants
from gdsfactory.technology import LayerLevel, LayerStack, LogicalLayer
from gdsfactory.typings import Layer

from combchip.tx.grating_couplers import GratingCoupler1D

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
"""Minimum width and minimum space [µm] per layer name (FLOORPLAN and TEXT are not checked)."""

_GRATING_MODEL = {f.name: f.default for f in fields(GratingCoupler1D)}
SI_THICKNESS_UM = round(_GRATING_MODEL["thickness"] * 1e6, 6)
"""Si device-layer thickness [µm]: that of the grating-coupler model
(:class:`combchip.tx.grating_couplers.GratingCoupler1D`)."""
GRATING_ETCH_DEPTH_UM = round(_GRATING_MODEL["etch_depth"] * 1e6, 6)
"""Depth of the GRATING_ETCH shallow etch [µm]: the grating-coupler model's etch depth, written there once."""
SLAB_THICKNESS_UM = 0.09
"""Si left in the rib etch (SLAB) [µm]."""

LAYER_STACK = LayerStack(layers={
    "si_core": LayerLevel(layer=LogicalLayer(layer=LAYER.WG) - LogicalLayer(layer=LAYER.GRATING_ETCH),
                          derived_layer=LogicalLayer(layer=LAYER.WG), thickness=SI_THICKNESS_UM, zmin=0.0,
                          material="si", mesh_order=2),
    "si_grating_etch": LayerLevel(layer=LogicalLayer(layer=LAYER.WG) & LogicalLayer(layer=LAYER.GRATING_ETCH),
                                  derived_layer=LogicalLayer(layer=LAYER.GRATING_ETCH),
                                  thickness=SI_THICKNESS_UM - GRATING_ETCH_DEPTH_UM, zmin=0.0, material="si",
                                  mesh_order=1, info={"etch_depth_um": GRATING_ETCH_DEPTH_UM}),
    "si_slab": LayerLevel(layer=LogicalLayer(layer=LAYER.SLAB), thickness=SLAB_THICKNESS_UM, zmin=0.0,
                          material="si", mesh_order=3),
})
"""Vertical stack of the Si platform (z = 0 at the bottom of the device layer), for gdsfactory's 3D view and
plugins: the full 220 nm core, the grating grooves (the core less GRATING_ETCH_DEPTH_UM) and the rib slab."""

_ELECTRICAL = {"port_names": ("e1", "e2"), "port_types": ("electrical", "electrical")}

CROSS_SECTIONS: dict = {}
_DEFAULT_NAMES: dict[str, str] = {}
_xsection = partial(xsection, xs_container=CROSS_SECTIONS, xs_default_mapping=_DEFAULT_NAMES)


@_xsection
def sin_thick(width: float = 1.6, radius: float = 100.0, radius_min: float = 50.0) -> CrossSection:
    """1.6 µm × 0.8 µm Si₃N₄ core (anomalous dispersion, system A / B rings)."""
    return cross_section(width=width, layer=LAYER.SIN_THICK, radius=radius, radius_min=radius_min)


@_xsection
def sin_thin(width: float = 2.8, radius: float = 800.0, radius_min: float = 500.0) -> CrossSection:
    """2.8 µm × 0.1 µm Si₃N₄ core (weakly guiding, ultrahigh Q, normal dispersion, system C)."""
    return cross_section(width=width, layer=LAYER.SIN_THIN, radius=radius, radius_min=radius_min)


@_xsection
def strip(width: float = 0.5, radius: float = 10.0, radius_min: float = 5.0) -> CrossSection:
    """Si 220 nm strip waveguide."""
    return cross_section(width=width, layer=LAYER.WG, radius=radius, radius_min=radius_min)


@_xsection
def rib(width: float = 0.5, width_slab: float = 5.0, radius: float = 20.0, radius_min: float = 10.0) -> CrossSection:
    """Si rib: 220 nm ridge on a 90 nm slab ``width_slab`` wide."""
    slab = Section(width=width_slab, layer=LAYER.SLAB, name="slab")
    return cross_section(width=width, layer=LAYER.WG, sections=(slab,), radius=radius, radius_min=radius_min)


@_xsection
def pn(width: float = 0.5, width_slab: float = 11.0, width_doping: float = 4.0, gap_contact: float = 2.0,
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
def heater(width: float = 0.5, heater_width: float = 2.0, radius: float = 10.0,
           radius_min: float = 5.0) -> CrossSection:
    """Si strip with a thermo-optic heater line on top (electrical ports e1, e2 on the heater)."""
    line = Section(width=heater_width, layer=LAYER.HEATER, name="heater", **_ELECTRICAL)
    return cross_section(width=width, layer=LAYER.WG, sections=(line,), radius=radius, radius_min=radius_min)


@_xsection
def metal(width: float = 10.0, radius: float = 10.0) -> CrossSection:
    """M1 routing (electrical ports e1, e2)."""
    return cross_section(width=width, layer=LAYER.M1, radius=radius, radius_min=None, **_ELECTRICAL)


@_xsection
def inp_deep(width: float = 2.0, radius: float = 50.0, radius_min: float = 10.0) -> CrossSection:
    """InP deep-etched ridge (tight bends, passive routing)."""
    return cross_section(width=width, layer=LAYER.INP_DEEP, radius=radius, radius_min=radius_min)


@_xsection
def inp_shallow(width: float = 2.0, radius: float = 500.0, radius_min: float = 100.0) -> CrossSection:
    """InP shallow-etched ridge (low loss, modulators and lasers)."""
    return cross_section(width=width, layer=LAYER.INP_SHALLOW, radius=radius, radius_min=radius_min)


PDK = gf.Pdk(
    name="combchip",
    layers=LAYER,
    cross_sections=CROSS_SECTIONS,
    cross_section_default_names=_DEFAULT_NAMES,
    cells=get_cells([gf.components]),
    layer_stack=LAYER_STACK,
    constants=GenericConstants(),
)


def cross_section_name(name: str, width: float) -> str:
    """Name of the registered cross-section ``name`` with its core ``width`` [µm].

    The default width gives ``name`` itself; another width registers (once) and returns a derived
    name such as ``"sin_thick_w1200nm"``, so cells keep passing cross-sections by name.
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


def activate() -> gf.Pdk:
    """Make the combchip PDK the active gdsfactory PDK (idempotent) and return it."""
    PDK.activate()
    return PDK

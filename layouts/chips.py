"""The combchip die (rings + both transmitter chips), the cell table of the CLI and GDS/PNG output."""

from __future__ import annotations

import math
from pathlib import Path

import gdsfactory as gf
from gdsfactory.component import Component

from combchip.layouts.drc import write_gds
from combchip.layouts.pdk import LAYER, activate
from combchip.layouts.ring import mrr30, mrr49, mrr100
from combchip.layouts.transmitter_inp import tx_inp
from combchip.layouts.transmitter_si import label, rect, tx_si

__all__ = ["CELLS", "FIBRE_ARRAY_PITCH", "build", "die", "render_png", "ring_chiplet", "summary"]

FIBRE_ARRAY_PITCH = 127.0
"""Fibre-array pitch [µm] (system A's chip, Yan et al., npj Quantum Inf. 2025)."""
LANE = 200.0
"""Dicing lane between the chiplets [µm]."""
RING_GAP = 150.0
"""Smallest clearance between two ring cells [µm]."""
DIE_MARGIN = 50.0
"""Die outline beyond the chiplets on the north, east and south sides [µm]; the west side is the facet."""

COLOURS = {
    "SIN_THICK": "#1f77b4", "SIN_THIN": "#17becf", "WG": "#d62728", "SLAB": "#ff9896", "GRATING_ETCH": "#f7b6d2",
    "N": "#9467bd",
    "P": "#c5b0d5", "NPP": "#8c564b", "PPP": "#c49c94", "HEATER": "#e377c2", "VIA": "#7f7f7f", "M1": "#bcbd22",
    "PAD": "#dbdb8d", "INP_DEEP": "#2ca02c", "INP_SHALLOW": "#98df8a", "INP_ACTIVE": "#ff7f0e",
    "INP_PMETAL": "#ffbb78", "INP_NMETAL": "#aec7e8", "INP_ISOLATION": "#393b79", "FLOORPLAN": "#000000",
    "TEXT": "#444444",
}
"""Preview colour of each layer."""


def _on_pitch(y: float, origin: float, pitch: float = FIBRE_ARRAY_PITCH) -> float:
    """Smallest y' ≥ y on the grid origin + k·pitch."""
    k = -(-(y - origin) // pitch)
    return origin + k * pitch


@gf.cell
def ring_chiplet() -> Component:
    """The three rings stacked with every edge coupler of the west facet (x = 0) on one 127 µm grid.

    Fibre-array channels FA1… count from the top; mrr30's through port lies on the east facet.
    """
    activate()
    c = Component()
    refs = {}
    y_top = 0.0
    origin = None
    for name, cell in (("mrr30", mrr30()), ("mrr100", mrr100()), ("mrr49", mrr49())):
        ref = c.add_ref(cell, name=name)
        o1 = ref.ports["o1"].center
        box = cell.dbbox()
        if origin is None:
            ref.move((-o1[0], -o1[1]))
            origin = 0.0
        else:
            low = box.bottom - o1[1]  # lowest point below o1
            y = _on_pitch(y_top + RING_GAP - low, origin)
            ref.move((-o1[0], y - o1[1]))
        y_top = ref.dbbox().top
        refs[name] = ref
    west = sorted((p for ref in refs.values() for p in ref.ports
                   if p.port_type == "optical" and round(p.orientation) == 180), key=lambda p: -p.center[1])
    for k, port in enumerate(west):
        c.add_port(f"fa{k + 1}", port=port)
        label(c, f"FA{k + 1}", 20.0, port.center[1] + 5.0, size=15.0)
    east = refs["mrr30"].ports["o2"]
    c.add_port("mrr30_through", port=east)
    for name, ref in refs.items():
        for port in ref.ports:
            if port.port_type == "electrical":
                c.add_port(f"{name}_{port.name}", port=port)
    box = c.dbbox()
    label(c, f"SiN rings  fibre array {FIBRE_ARRAY_PITCH:g} um pitch", 20.0, box.top + 40.0, size=30.0)
    bottom = math.floor((box.bottom - 60.0) / 10.0) * 10.0
    top = math.ceil((c.dbbox().top + 60.0) / 10.0) * 10.0
    rect(c, LAYER.FLOORPLAN, 0.0, bottom, east.center[0], top)
    return c


@gf.cell
def die() -> Component:
    """One die: the ring chiplet (west facet fibre array), the Si transmitter and the InP client chip."""
    activate()
    c = Component()
    rings = c.add_ref(ring_chiplet(), name="rings")
    si = c.add_ref(tx_si(), name="tx_si")
    inp = c.add_ref(tx_inp(), name="tx_inp")
    x = rings.dbbox().right + LANE
    inp.move((x - inp.dbbox().left, rings.dbbox().bottom - inp.dbbox().bottom))
    si.move((x - si.dbbox().left, inp.dbbox().top + LANE - si.dbbox().bottom))
    for ref in (rings, si, inp):
        for port in ref.ports:
            c.add_port(f"{ref.name}_{port.name}", port=port)
    box = c.dbbox()
    label(c, "combchip die: SiN comb rings | Si polarization transmitter | InP client chip",
          box.left + 20.0, box.top + 60.0, size=50.0)
    box = c.dbbox()
    rect(c, LAYER.FLOORPLAN, 0.0, box.bottom - DIE_MARGIN, box.right + DIE_MARGIN, box.top + DIE_MARGIN)
    c.info["die_size"] = (round(box.right + DIE_MARGIN, 3), round(box.height() + 2 * DIE_MARGIN, 3))
    return c


CELLS = {"mrr100": mrr100, "mrr49": mrr49, "mrr30": mrr30, "tx-si": tx_si, "tx-inp": tx_inp, "die": die}
"""Cell name (CLI) → function returning the component."""


def render_png(gds_path, png_path, dpi: int = 150, max_size: float = 12.0) -> Path:
    """Draw every polygon of the GDS top cell with one colour per layer (matplotlib Agg, headless)."""
    import klayout.db as kdb
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import PolyCollection
    from matplotlib.figure import Figure

    layout = kdb.Layout()
    layout.read(str(gds_path))
    top = layout.top_cell()
    box = top.dbbox()
    aspect = box.height() / box.width() if box.width() else 1.0
    size = (max_size, max(2.0, max_size * aspect)) if aspect <= 1 else (max(2.0, max_size / aspect), max_size)
    fig = Figure(figsize=size)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.04, 0.04, 0.84, 0.92))
    names = {(member.layer, member.datatype): name for name, member in LAYER.__members__.items()}
    for index in layout.layer_indexes():
        info = layout.get_info(index)
        name = names.get((info.layer, info.datatype), f"{info.layer}/{info.datatype}")
        polygons = []
        it = top.begin_shapes_rec(index)
        while not it.at_end():
            shape = it.shape()
            if shape.is_polygon() or shape.is_box() or shape.is_path():
                poly = shape.polygon.transformed(it.trans())
                polygons.append([(p.x * layout.dbu, p.y * layout.dbu) for p in poly.each_point_hull()])
            it.next()
        if not polygons:
            continue
        outline = name == "FLOORPLAN"
        colour = COLOURS.get(name, "#333333")
        ax.add_collection(PolyCollection(polygons, facecolors="none" if outline else colour, edgecolors=colour,
                                         linewidths=0.6 if outline else 0.1, alpha=1.0 if outline else 0.6,
                                         label=name))
    ax.set_xlim(box.left, box.right)
    ax.set_ylim(box.bottom, box.top)
    ax.set_aspect("equal")
    ax.set_title(top.name, fontsize=8)
    ax.tick_params(labelsize=6)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=6, frameon=False)
    png_path = Path(png_path)
    fig.savefig(png_path, dpi=dpi)
    return png_path


def summary(component: Component, geometry: bool = True) -> dict:
    """Settings, ports, named instances and (``geometry``) per-layer polygon count and area of a cell.

    Instances placed by the router (their names hold "gdsfactory") are only counted. Lengths in µm,
    rounded to the 1 nm grid; areas in µm² of the merged layer.
    """
    from combchip.layouts.drc import layer_region

    def number(x):
        return round(float(x), 3)

    def plain(value):
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        if isinstance(value, float):
            return number(value)
        return value

    named = {inst.name: inst.cell.name for inst in component.insts if "gdsfactory" not in inst.name}
    out = {
        "name": component.name,
        "settings": plain(component.settings.model_dump()),
        "ports": {p.name: [number(p.center[0]), number(p.center[1]), int(round(p.orientation)) % 360,
                           number(p.width), p.port_type] for p in component.ports},
        "instances": dict(sorted(named.items())),
        "routed_instances": sum(1 for inst in component.insts if "gdsfactory" in inst.name),
    }
    if geometry:
        box = component.dbbox()
        out["bbox"] = [number(box.left), number(box.bottom), number(box.right), number(box.top)]
        layers = {}
        dbu = component.kcl.layout.dbu
        for name in LAYER.__members__:
            region = layer_region(component, name)
            if not region.is_empty():
                layers[name] = {"polygons": region.count(), "area_um2": round(region.area() * dbu * dbu, 2)}
        out["layers"] = layers
    return out


def build(name: str, out_path) -> Path:
    """Build cell ``name`` of ``CELLS``, write it as fab GDS to ``out_path`` and a PNG preview beside it.

    The file is written by :func:`combchip.layouts.drc.write_gds` in canonical order, so its bytes
    depend only on the cell.
    """
    if name not in CELLS:
        raise ValueError(f"cell = {name!r} is not known; choose from {sorted(CELLS)}")
    activate()
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    path = write_gds(CELLS[name](), out_path, fab=True)
    render_png(path, path.with_suffix(".png"))
    return Path(path)

"""One die per platform (SiN rings, Si transmitter, InP client chip) with dicing lanes, the cell table of the CLI
and GDS/PNG output."""

from __future__ import annotations

import math
import textwrap
from pathlib import Path

import gdsfactory as gf
from gdsfactory.component import Component

from combchip.layouts.drc import write_gds
from combchip.layouts.drc import layer_region
from combchip.layouts.pdk import COLOURS, LAYER, activated, require_active
from combchip.layouts.ring import mrr30, mrr49, mrr100
from combchip.layouts.transmitter_inp import tx_inp
from combchip.layouts.transmitter_si import label, rect, tx_si

__all__ = ["CELLS", "DIES", "FIBRE_ARRAY_PITCH", "build", "die_inp", "die_si", "die_sin", "render_png",
           "ring_chiplet", "summary"]

FIBRE_ARRAY_PITCH = 127.0
"""Fibre-array pitch [µm] (system A's chip, Yan et al., npj Quantum Inf. 2025)."""
LANE = 200.0
"""Dicing lane [µm]: each die draws half of it (on DICING) outside its outline, so dies placed edge to edge
on a reticle share one lane."""
RING_GAP = 150.0
"""Smallest clearance between two ring cells [µm]."""


def _on_pitch(y: float, origin: float, pitch: float = FIBRE_ARRAY_PITCH) -> float:
    """Smallest y' ≥ y on the grid origin + k·pitch."""
    k = -(-(y - origin) // pitch)
    return origin + k * pitch


@gf.cell
def ring_chiplet() -> Component:
    """The three rings stacked with every edge coupler of the west facet (x = 0) on one 127 µm grid.

    Fibre-array channels FA1… count from the top; mrr30's through port lies on the east facet.
    """
    require_active()
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


def _die(chip: Component, platform: str) -> Component:
    """``chip`` inside its FLOORPLAN outline, framed by a LANE/2 wide DICING lane; ports and info kept."""
    require_active()
    c = Component()
    ref = c.add_ref(chip, name="chip")
    c.add_ports(ref.ports)
    outline = layer_region(chip, "FLOORPLAN").bbox()
    if outline.empty():
        raise ValueError(f"chip = {chip.name!r} has no FLOORPLAN outline to dice along")
    x0, y0, x1, y1 = (v * 1e-3 for v in (outline.left, outline.bottom, outline.right, outline.top))
    half = LANE / 2
    for box in ((x0 - half, y0 - half, x1 + half, y0), (x0 - half, y1, x1 + half, y1 + half),
                (x0 - half, y0, x0, y1), (x1, y0, x1 + half, y1)):
        rect(c, LAYER.DICING, *box)
    c.info.update({key: chip.info[key] for key in ("facet_angle_deg",) if key in chip.info})
    c.info.update({"platform": platform, "die_size": [round(x1 - x0, 3), round(y1 - y0, 3)],
                   "pitch": [round(x1 - x0 + LANE, 3), round(y1 - y0 + LANE, 3)]})
    return c


@gf.cell
def die_sin() -> Component:
    """The SiN die: the three comb rings (:func:`ring_chiplet`), edge couplers on the west facet."""
    return _die(ring_chiplet(), "sin")


@gf.cell
def die_si() -> Component:
    """The Si die: the polarization-encoding transmitter (:func:`combchip.layouts.transmitter_si.tx_si`)."""
    return _die(tx_si(), "si")


@gf.cell
def die_inp() -> Component:
    """The InP die: the 4.6 × 2 mm² client chip (:func:`combchip.layouts.transmitter_inp.tx_inp`)."""
    return _die(tx_inp(), "inp")


DIES = {"sin": die_sin, "si": die_si, "inp": die_inp}
"""Platform → die cell; each die draws only its platform's layers (``pdk.PLATFORM_LAYERS``) and the markers."""
CELLS = {"mrr100": mrr100, "mrr49": mrr49, "mrr30": mrr30, "tx-si": tx_si, "tx-inp": tx_inp,
         "die-sin": die_sin, "die-si": die_si, "die-inp": die_inp}
"""Cell name (CLI) → function returning the component."""


def render_png(gds_path, png_path, dpi: int = 150, max_size: float = 12.0, title: str | None = None) -> Path:
    """Draw every polygon of the GDS top cell with one colour per layer (matplotlib Agg, headless), axes in µm,
    titled ``title`` (default: the top cell's name)."""
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
    ax = fig.add_axes((0.06, 0.06, 0.82, 0.89))
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
    ax.set_title(top.name if title is None else title, fontsize=8)
    ax.set_xlabel("x [µm]", fontsize=7)
    ax.set_ylabel("y [µm]", fontsize=7)
    ax.ticklabel_format(useOffset=False, style="plain")
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
    depend only on the cell. The combchip PDK is active while the cell is built (:func:`pdk.activated`) and
    the PDK active before is active again afterwards.
    """
    if name not in CELLS:
        raise ValueError(f"cell = {name!r} is not known; choose from {sorted(CELLS)}")
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with activated():
        path = write_gds(CELLS[name](), out_path, fab=True)
    words = " ".join((CELLS[name].__doc__ or name).split("\n\n")[0].split()).replace(":func:", "")
    render_png(path, path.with_suffix(".png"), title=textwrap.fill(words.replace("`", ""), 110))
    return Path(path)

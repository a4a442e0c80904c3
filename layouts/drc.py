"""Width / space DRC, port checks and deterministic GDS output, on KLayout's geometry engine."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import gdsfactory as gf
import klayout.db as kdb
from kfactory.utilities import save_layout_options

from .pdk import GRID_NM, LAYER, RULES

MAX_VERTICES = 4000
"""Largest polygon written to GDS; KLayout warns on reading larger ones (≈ 4,400 for a 230 µm ring)."""


@dataclass(frozen=True)
class Violation:
    """DRC markers of one rule: ``count`` edge pairs closer than the rule, ``bbox`` (µm) of the first."""

    layer: str
    kind: str  # "width" or "space"
    rule_um: float
    count: int
    bbox: tuple[float, float, float, float]  # xmin, ymin, xmax, ymax [µm]


def layer_region(component: gf.Component, layer) -> kdb.Region:
    """All shapes of ``layer`` (name, tuple or LayerMap member) in ``component``, flattened and merged."""
    if isinstance(layer, str):
        layer = LAYER[layer]
    gds = (layer.layer, layer.datatype) if isinstance(layer, LAYER) else tuple(layer)
    index = component.kcl.layout.find_layer(kdb.LayerInfo(*gds))
    if index is None:
        return kdb.Region()
    region = kdb.Region(component.kdb_cell.begin_shapes_rec(index))
    region.merge()
    return region


def heater_overlaps(heater: kdb.Region, guides: kdb.Region, clearance_um: float) -> kdb.Region:
    """Parts of ``guides`` closer than ``clearance_um`` (edge to edge) to a ``heater`` polygon; empty when clear.

    The heater is grown by the clearance less one database unit, so a grid-snapped arc exactly at the
    clearance passes.
    """
    if not clearance_um >= 0:
        raise ValueError(f"clearance_um must be >= 0, got {clearance_um!r}")
    return heater.sized(max(round(clearance_um * 1000) - 1, 0)) & guides


def drc(component: gf.Component, rules: dict[str, tuple[float, float]] = RULES) -> list[Violation]:
    """Minimum-width and minimum-space check of every layer in ``rules`` (Euclidean metrics).

    Parameters
    ----------
    component : gf.Component
        Cell to check; the hierarchy is flattened and each layer merged first.
    rules : dict
        Layer name → (minimum width, minimum space) [µm].

    Returns
    -------
    list of Violation
        Empty when the cell is clean.
    """
    dbu = component.kcl.layout.dbu
    found = []
    for name, (min_width, min_space) in rules.items():
        region = layer_region(component, name)
        if region.is_empty():
            continue
        for kind, rule in (("width", min_width), ("space", min_space)):
            d = round(rule / dbu)
            pairs = region.width_check(d) if kind == "width" else region.space_check(d)
            if pairs.is_empty():
                continue
            first = next(iter(pairs.each())).bbox()
            box = (first.left * dbu, first.bottom * dbu, first.right * dbu, first.top * dbu)
            found.append(Violation(name, kind, rule, pairs.count(), box))
    return found


def check_ports(component: gf.Component, *, angles: dict[str, float] | None = None, strict: bool = False) -> list[str]:
    """Problems with the cell's ports: centre or width off the grid, or an orientation other than expected.

    Every port must be Manhattan (0, 90, 180 or 270°) except those named in ``angles`` (port name → drawn
    orientation [deg], e.g. an angled facet's), whose orientation must equal that angle to 1e-9° (mod 360).
    Returns the problems as text ([] if none); with ``strict=True`` raises ``ValueError`` instead.
    """
    angles = dict(angles or {})
    names = {port.name for port in component.ports}
    unknown = sorted(set(angles) - names)
    if unknown:
        raise ValueError(f"angles names ports {unknown} that {component.name!r} does not have")
    grid = GRID_NM * 1e-3
    problems = []
    for port in component.ports:
        for label, value in (("x", port.center[0]), ("y", port.center[1]), ("width", port.width)):
            if abs(value / grid - round(value / grid)) > 1e-6:
                problems.append(f"port {port.name}: {label} = {value!r} µm is off the {GRID_NM} nm grid")
        expected = (angles[port.name],) if port.name in angles else (0, 90, 180, 270)
        if not any(math.isclose((port.orientation - a + 180) % 360, 180, abs_tol=1e-9) for a in expected):
            what = f"is not the drawn {angles[port.name]!r}°" if port.name in angles else "is not Manhattan"
            problems.append(f"port {port.name}: orientation {port.orientation!r}° {what}")
    if strict and problems:
        raise ValueError("; ".join(problems))
    return problems


def write_gds(component: gf.Component, path, fab: bool = False) -> Path:
    """Write ``component`` to ``path`` with at most 4000 vertices per polygon and no timestamps.

    ``fab=True`` also leaves out the gdsfactory metadata (settings, ports), as a foundry expects, and
    rewrites the file in name order (:func:`canonical_gds`), so the same cell gives the same bytes
    whatever else the session built.
    """
    options = save_layout_options(
        gds2_max_vertex_count=MAX_VERTICES,
        gds2_write_timestamps=False,
        write_context_info=not fab,
    )
    if fab:
        options.gds2_write_cell_properties = False
        options.gds2_write_file_properties = False
    path = component.write_gds(Path(path), save_options=options, with_metadata=not fab)
    return canonical_gds(path) if fab else path


def canonical_gds(path) -> Path:
    """Rewrite a fab GDS file with its cells, layers and instances in an order set by their names alone.

    KLayout writes cells in creation order, so the same cell built after a different set of other
    cells in one session gives other bytes. Here cells are recreated bottom-up (children sorted by
    name), layers sorted by (layer, datatype) and instances (with their name properties) by
    (cell name, transformation), then
    written with :func:`write_gds`'s fab options (≤ ``MAX_VERTICES`` per polygon, no timestamps,
    no metadata).
    """

    path = Path(path)
    src = kdb.Layout()
    src.read(str(path))
    dst = kdb.Layout()
    dst.dbu = src.dbu
    layers = sorted(src.layer_indexes(), key=lambda i: (src.get_info(i).layer, src.get_info(i).datatype))
    layer_map = {i: dst.layer(src.get_info(i)) for i in layers}
    order, seen = [], set()

    def visit(index):
        if index in seen:
            return
        seen.add(index)
        for child in sorted(src.cell(index).each_child_cell(), key=lambda i: src.cell(i).name):
            visit(child)
        order.append(index)

    for top in sorted(src.top_cells(), key=lambda cell: cell.name):
        visit(top.cell_index())
    cell_map = {index: dst.add_cell(src.cell(index).name) for index in order}
    for index in order:
        source, target = src.cell(index), dst.cell(cell_map[index])
        for li in layers:
            target.shapes(layer_map[li]).insert(source.shapes(li))
        instances = []
        for inst in source.each_inst():
            array = inst.cell_inst.dup()
            array.cell_index = cell_map[inst.cell_index]
            properties = src.properties(inst.prop_id) if inst.prop_id else []
            instances.append((src.cell(inst.cell_index).name, str(array), repr(properties),
                              array, properties))
        for *_, array, properties in sorted(instances, key=lambda item: item[:3]):
            if properties:
                target.insert(array, dst.properties_id(properties))
            else:
                target.insert(array)
    options = save_layout_options(gds2_max_vertex_count=MAX_VERTICES, gds2_write_timestamps=False,
                                  write_context_info=False)
    options.gds2_write_cell_properties = False
    options.gds2_write_file_properties = False
    dst.write(str(path), options)
    return path

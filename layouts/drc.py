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


def check_ports(component: gf.Component, *, strict: bool = False) -> list[str]:
    """Problems with the cell's ports: centre or width off the grid, or orientation not in {0, 90, 180, 270}.

    Returns the problems as text ([] if none); with ``strict=True`` raises ``ValueError`` instead.
    """
    grid = GRID_NM * 1e-3
    problems = []
    for port in component.ports:
        for label, value in (("x", port.center[0]), ("y", port.center[1]), ("width", port.width)):
            if abs(value / grid - round(value / grid)) > 1e-6:
                problems.append(f"port {port.name}: {label} = {value!r} µm is off the {GRID_NM} nm grid")
        if not any(math.isclose(port.orientation % 360, a, abs_tol=1e-9) for a in (0, 90, 180, 270)):
            problems.append(f"port {port.name}: orientation {port.orientation!r}° is not Manhattan")
    if strict and problems:
        raise ValueError("; ".join(problems))
    return problems


def write_gds(component: gf.Component, path, fab: bool = False) -> Path:
    """Write ``component`` to ``path`` with at most 4000 vertices per polygon and no timestamps.

    ``fab=True`` also leaves out the gdsfactory metadata (settings, ports), as a foundry expects.
    The same cell gives the same bytes.
    """
    options = save_layout_options(
        gds2_max_vertex_count=MAX_VERTICES,
        gds2_write_timestamps=False,
        write_context_info=not fab,
    )
    if fab:
        options.gds2_write_cell_properties = False
        options.gds2_write_file_properties = False
    return component.write_gds(Path(path), save_options=options, with_metadata=not fab)

"""An offline SVG map of Finland's wellbeing services areas, drawn on the server from TopoJSON.

TopoJSON stores shared borders once as *arcs*: quantised, delta-encoded positions that a transform turns
back into longitude/latitude; a polygon ring is a list of arc indices, where ~i means arc i reversed.
This module decodes the arcs, projects them (sinusoidal around 25.5°E: equal-area and close to true
shape at Finland's latitudes), and builds one path per area.

In the 2021 file the `hva` geometry with an empty hva_id merges the City of Helsinki and Åland (both
outside the counties of Act 611/2021), so those two are built from their municipalities instead.
Collaboration areas are outlined with the arcs that border only one of their member areas.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.html import escape

TOPOJSON = Path(__file__).resolve().parents[1] / "core" / "data" / "finland-hva-2021.topo.json"
HELSINKI_MUNICIPALITY = "091"
WIDTH = 420.0
CENTRAL_MERIDIAN = 25.5
ATTRIBUTION = ("Map data: Yleisradio / Statistics Finland and National Land Survey of Finland, CC BY 4.0 "
               "(finland-hva-2021.topo.json).")
# A sequential blue scale (ColorBrewer "Blues"), darkest last; class 0 (no entries) is light grey.
PALETTE = ("#eeeeee", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c")


@dataclass(frozen=True)
class AreaShape:
    code: str
    path: str  # SVG path data
    label_x: float
    label_y: float


@dataclass(frozen=True)
class MapGeometry:
    width: float
    height: float
    areas: dict[str, AreaShape]
    outlines: dict[str, str]  # collaboration-area code -> path data of its outer border


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Every arc as absolute (longitude, latitude) points: undo the delta encoding and the quantisation."""
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        points, x, y = [], 0, 0
        for position in arc:
            if transform:
                x, y = x + position[0], y + position[1]
                (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
                points.append((x * sx + tx, y * sy + ty))
            else:
                points.append((position[0], position[1]))
        arcs.append(points)
    return arcs


def ring_points(ring: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    """A ring's points from its arc indices; consecutive arcs share their joining point, drawn once."""
    points: list[tuple[float, float]] = []
    for index in ring:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc if not points else arc[1:])
    return points


def _polygons(geometry: dict) -> list[list[list[int]]]:
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["arcs"]
    return []


def _project(lon: float, lat: float) -> tuple[float, float]:
    return (lon - CENTRAL_MERIDIAN) * math.cos(math.radians(lat)), lat


@cache
def geometry(collaboration: tuple[tuple[str, tuple[str, ...]], ...] = ()) -> MapGeometry:
    """Area paths (and collaboration-area outlines for the given membership), fitted to WIDTH."""
    topology = json.loads(TOPOJSON.read_text(encoding="utf-8"))
    arcs = [[_project(lon, lat) for lon, lat in arc] for arc in decode_arcs(topology)]
    members: dict[str, list[list[list[int]]]] = {}
    for item in topology["objects"]["hva"]["geometries"]:
        if item["properties"].get("hva_id"):
            members[item["properties"]["hva_id"]] = _polygons(item)
    for item in topology["objects"]["munis"]["geometries"]:
        props = item["properties"]
        if props.get("hva_id"):
            continue
        code = "HEL" if props["id"] == HELSINKI_MUNICIPALITY else "AL"
        members.setdefault(code, []).extend(_polygons(item))
    xs = [x for arc in arcs for x, _y in arc]
    ys = [y for arc in arcs for _x, y in arc]
    min_x, max_x, min_y, max_y = min(xs), max(xs), min(ys), max(ys)
    scale = WIDTH / (max_x - min_x)
    height = (max_y - min_y) * scale

    def point(p: tuple[float, float]) -> str:
        return f"{(p[0] - min_x) * scale:.1f},{(max_y - p[1]) * scale:.1f}"

    areas = {}
    for code, polygons in members.items():
        commands, all_points = [], []
        for polygon in polygons:
            for ring in polygon:
                points = ring_points(ring, arcs)
                all_points.extend(points)
                commands.append("M" + "L".join(point(p) for p in points) + "Z")
        cx = sum(p[0] for p in all_points) / len(all_points)
        cy = sum(p[1] for p in all_points) / len(all_points)
        areas[code] = AreaShape(code=code, path="".join(commands), label_x=round((cx - min_x) * scale, 1),
                                label_y=round((max_y - cy) * scale, 1))
    outlines = {}
    for collab_code, area_codes in collaboration:
        used = Counter(index if index >= 0 else ~index for code in area_codes for polygon in members.get(code, [])
                       for ring in polygon for index in ring)
        border = [arc_index for arc_index, count in used.items() if count == 1]
        outlines[collab_code] = "".join("M" + "L".join(point(p) for p in arcs[i]) for i in sorted(border))
    return MapGeometry(width=WIDTH, height=round(height, 1), areas=areas, outlines=outlines)


def class_ranges(top: int) -> list[tuple[int, int]]:
    """Integer count ranges of colour classes 1–5: five equal-width bins over 1..top (fewer when top < 5)."""
    if top <= 0:
        return []
    if top <= 5:
        return [(count, count) for count in range(1, top + 1)]
    edges = [1 + round(i * (top - 1) / 5) for i in range(6)]
    ranges = []
    for low, high in zip(edges, edges[1:], strict=False):
        high = top if high == edges[-1] else high - 1
        if high >= low and (not ranges or low > ranges[-1][1]):
            ranges.append((low, high))
    return ranges


def classes(counts: dict[str, int]) -> dict[str, int]:
    """Colour class per area: 0 for none, else the class whose range holds the count."""
    ranges = class_ranges(max(counts.values(), default=0))
    offset = 5 - len(ranges)  # few distinct counts use the darker end of the scale
    return {code: next((index + 1 + offset for index, (low, high) in enumerate(ranges) if low <= count <= high), 0)
            for code, count in counts.items()}


def render(*, counts: dict[str, int], names: dict[str, str], links: dict[str, str], labels: dict[str, str],
           collaboration: tuple[tuple[str, tuple[str, ...]], ...], title: str, selected: str = "") -> str:
    """The map as inline SVG: each area a link (with an accessible name) coloured by its count."""
    shape = geometry(collaboration)
    colour = classes({code: counts.get(code, 0) for code in shape.areas})
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {shape.width:.0f} {shape.height:.0f}" '
             f'class="finland-map" role="group" aria-labelledby="map-title">',
             f'<title id="map-title">{escape(title)}</title>']
    for code, area in sorted(shape.areas.items()):
        fill = PALETTE[colour.get(code, 0)]
        name = escape(labels.get(code, names.get(code, code)))
        current = ' aria-current="true"' if code == selected else ""
        path = (f'<path d="{area.path}" fill="{fill}" stroke="#1b1b1b" stroke-width="{1.6 if current else 0.4}"/>')
        if code in links:
            parts.append(f'<a href="{escape(links[code])}" aria-label="{name}"{current} class="map-area">'
                         f'<title>{name}</title>{path}</a>')
        else:
            parts.append(f'<g class="map-area-static"><title>{name}</title>{path}</g>')
    for code, path in sorted(shape.outlines.items()):
        parts.append(f'<path d="{path}" fill="none" stroke="#000000" stroke-width="1.8" '
                     f'stroke-linejoin="round" class="collaboration-outline" data-collaboration="{escape(code)}"/>')
    parts.append("</svg>")
    return "".join(parts)

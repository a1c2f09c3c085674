"""A self-contained HTML page for an analysis: an SVG process map and the tables, no external assets."""

from __future__ import annotations

import math
import os
from collections.abc import Collection
from html import escape

from polku.paths.analysis import PathsResult
from polku.paths.layout import Placed, layered_layout

START_NODE = "▶ start"
END_NODE = "■ end"
_NODE_WIDTH, _NODE_HEIGHT = 210, 38
_COLUMN_GAP, _LAYER_GAP, _MARGIN = 40, 90, 30
# Room at the sides for edges drawn against the flow, which loop around outside the columns.
_GUTTER, _MAX_BEND = 170, 150
# A map of a hundred edges is unreadable: draw the most frequent ones plus each activity's busiest way in
# and out (so nothing floats unconnected); the table below the map lists them all.
_MAP_EDGES = 50
_LABELLED_EDGES = 40
_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem;color:#1b1b1b;max-width:1400px}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}caption{text-align:left;font-weight:600;padding:.25rem 0}
th,td{border:1px solid #c8c8c8;padding:.3rem .6rem;text-align:left;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.map{overflow:auto;border:1px solid #c8c8c8;background:#fbfbfb}.map:focus{outline:3px solid #1d4f91}
.summary dt{font-weight:600}.summary dd{margin:0 0 .5rem}
svg text{font-family:inherit}
"""


def human_duration(seconds: float | None) -> str:
    """Seconds as a short human duration: 45 s, 12 min, 3.2 h, 4.1 d."""
    if seconds is None or (isinstance(seconds, float) and math.isnan(seconds)):
        return "–"
    if seconds < 60:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} d"


def _short(text: str, limit: int = 28) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _centre(place: Placed, width: float) -> tuple[float, float]:
    usable = width - 2 * (_MARGIN + _GUTTER)
    x = _MARGIN + _GUTTER + usable * (place.order + 0.5) / place.layer_size
    y = _MARGIN + place.layer * (_NODE_HEIGHT + _LAYER_GAP) + _NODE_HEIGHT / 2
    return x, y


def _drawn_edges(edges: dict[tuple[str, str], int]) -> dict[tuple[str, str], int]:
    """The edges worth drawing: the most frequent, plus every node's most frequent incoming and outgoing one."""
    ranked = sorted(edges, key=lambda edge: (-edges[edge], edge))
    keep = set(ranked[:_MAP_EDGES])
    busiest_out: dict[str, tuple[str, str]] = {}
    busiest_in: dict[str, tuple[str, str]] = {}
    for source, target in ranked:  # most frequent first, so the first seen per node wins
        if source != target:
            busiest_out.setdefault(source, (source, target))
            busiest_in.setdefault(target, (source, target))
    keep |= set(busiest_out.values()) | set(busiest_in.values())
    return {edge: edges[edge] for edge in ranked if edge in keep}


def process_map_svg(result: PathsResult, *, highlight: Collection[str] = ()) -> str:
    """The directly-follows graph as SVG: activities as boxes, edges with counts and median waits.

    Activities in `highlight` (breaks, say) are drawn in red with a dashed border, so not by colour alone.
    """
    counts = {row["activity"]: row["events"] for row in result.activities.to_dicts()}
    edges: dict[tuple[str, str], int] = {}
    waits: dict[tuple[str, str], float | None] = {}
    for row in result.directly_follows.to_dicts():
        edges[(row["source"], row["target"])] = row["frequency"]
        waits[(row["source"], row["target"])] = row["wait_median_s"]
    for row in result.start_activities.to_dicts():
        edges[(START_NODE, row["activity"])] = row["count"]
    for row in result.end_activities.to_dicts():
        edges[(row["activity"], END_NODE)] = row["count"]
    nodes = [START_NODE, *counts, END_NODE] if counts else []
    if not nodes:
        return '<p>No events: the log is empty.</p>'
    edges = _drawn_edges(edges)
    placed, back = layered_layout(nodes, edges, root=START_NODE)
    widest = max(p.layer_size for p in placed.values())
    width = max(2 * (_MARGIN + _GUTTER) + widest * (_NODE_WIDTH + _COLUMN_GAP), 600)
    height = 2 * _MARGIN + (max(p.layer for p in placed.values()) + 1) * (_NODE_HEIGHT + _LAYER_GAP)
    top = max(edges.values())
    labelled = set(sorted(edges, key=lambda e: (-edges[e], e))[:_LABELLED_EDGES])
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
             f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-labelledby="map-title map-desc">',
             '<title id="map-title">Process map</title>',
             f'<desc id="map-desc">Directly-follows graph of {len(counts)} activities and '
             f'{result.directly_follows.height} transitions, of which the {len(edges)} busiest are drawn '
             'with the way in and out of each activity; thicker arrows are more frequent.</desc>',
             '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="10" markerHeight="10" '
             'markerUnits="userSpaceOnUse" orient="auto-start-reverse">'
             '<path d="M0,0 L10,5 L0,10 z" fill="#4a5a70"/></marker></defs>']
    for (source, target), count in sorted(edges.items(), key=lambda item: item[1]):
        stroke = 1 + 7 * math.log1p(count) / math.log1p(top)
        sx, sy = _centre(placed[source], width)
        tx, ty = _centre(placed[target], width)
        half = _NODE_HEIGHT / 2
        if source == target:
            path = (f"M{sx + _NODE_WIDTH / 2:.1f},{sy - 8:.1f} C{sx + _NODE_WIDTH / 2 + 45:.1f},{sy - 30:.1f} "
                    f"{sx + _NODE_WIDTH / 2 + 45:.1f},{sy + 30:.1f} {sx + _NODE_WIDTH / 2:.1f},{sy + 8:.1f}")
            lx, ly = sx + _NODE_WIDTH / 2 + 40, sy
        elif (source, target) in back or placed[target].layer <= placed[source].layer:
            # Against the flow: leave from the side and loop around so that it never hides forward edges.
            bend = min(_MAX_BEND, 60 + 20 * abs(placed[source].layer - placed[target].layer))
            side = 1 if sx >= tx else -1
            path = (f"M{sx + side * _NODE_WIDTH / 2:.1f},{sy:.1f} C{sx + side * (_NODE_WIDTH / 2 + bend):.1f},"
                    f"{sy:.1f} {tx + side * (_NODE_WIDTH / 2 + bend):.1f},{ty:.1f} {tx + side * _NODE_WIDTH / 2:.1f},"
                    f"{ty:.1f}")
            lx, ly = (sx + tx) / 2 + side * (_NODE_WIDTH / 2 + bend * 0.75), (sy + ty) / 2
        else:
            path = (f"M{sx:.1f},{sy + half:.1f} C{sx:.1f},{sy + half + 45:.1f} {tx:.1f},{ty - half - 45:.1f} "
                    f"{tx:.1f},{ty - half:.1f}")
            lx, ly = (sx + tx) / 2, (sy + ty) / 2
        wait = waits.get((source, target))
        description = f"{source} → {target}: {count} times" + (
            f", median wait {human_duration(wait)}" if (source, target) in waits else "")
        parts.append(f'<g><title>{escape(description)}</title><path d="{path}" fill="none" stroke="#4a5a70" '
                     f'stroke-opacity="0.75" stroke-width="{stroke:.1f}" marker-end="url(#arrow)"/>')
        if (source, target) in labelled:
            label = f"{count}" + (f" · {human_duration(wait)}" if (source, target) in waits else "")
            parts.append(f'<text x="{lx:.1f}" y="{ly:.1f}" font-size="11" text-anchor="middle" fill="#1b1b1b" '
                         f'paint-order="stroke" stroke="#fbfbfb" stroke-width="3">{escape(label)}</text>')
        parts.append("</g>")
    for node in nodes:
        x, y = _centre(placed[node], width)
        terminal = node in (START_NODE, END_NODE)
        fill = "#e8eef7" if not terminal else "#dfe9dc"
        stroke = 'stroke="#2d3e57"'
        if node in highlight:
            fill, stroke = "#fde2e1", 'stroke="#a4161a" stroke-width="2" stroke-dasharray="6 3"'
        tooltip = node if terminal else f"{node}: {counts[node]} events"
        label = _short(node) + ("" if terminal else f" ({counts[node]})")
        parts.append(f'<g><title>{escape(tooltip)}</title><rect x="{x - _NODE_WIDTH / 2:.1f}" '
                     f'y="{y - _NODE_HEIGHT / 2:.1f}" width="{_NODE_WIDTH}" height="{_NODE_HEIGHT}" rx="8" '
                     f'fill="{fill}" {stroke}/><text x="{x:.1f}" y="{y + 4:.1f}" font-size="12" '
                     f'text-anchor="middle" fill="#1b1b1b">{escape(label)}</text></g>')
    parts.append("</svg>")
    return "".join(parts)


def _table(caption: str, headers: list[str], rows: list[list[object]], numeric: set[int]) -> str:
    head = "".join(f'<th scope="col"{" class=n" if i in numeric else ""}>{escape(h)}</th>'
                   for i, h in enumerate(headers))
    body = "".join("<tr>" + "".join(f'<td{" class=n" if i in numeric else ""}>{escape(str(c))}</td>'
                                    for i, c in enumerate(row)) + "</tr>" for row in rows)
    return f"<table><caption>{escape(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_html_report(result: PathsResult, *, title: str = "Service paths", top: int = 25) -> str:
    """The whole page as one string: summary, process map, variants, edges, start/end activities, breaks."""
    durations = result.case_durations["duration_s"]
    summary = [("Cases", f"{result.case_count}"), ("Events", f"{result.event_count}"),
               ("Activities", f"{result.activity_count}"),
               ("Median case duration", human_duration(durations.median() if durations.len() else None)),
               ("Flagged events (breaks)", f"{result.breaks.height}")]
    variants = [[i + 1, " → ".join(row["variant"]), row["count"], human_duration(row["mean_duration_s"])]
                for i, row in enumerate(result.variants.head(top).to_dicts())]
    edges = [[row["source"], row["target"], row["frequency"], human_duration(row["wait_mean_s"]),
              human_duration(row["wait_median_s"]), human_duration(row["wait_p90_s"])]
             for row in result.directly_follows.to_dicts()]
    breaks = [[row["case"], row["rule"], row["position"], row["activity"], f"{row['timestamp']:%Y-%m-%d %H:%M}"]
              for row in result.breaks.head(500).to_dicts()]
    sections = [
        f"<h1>{escape(title)}</h1>",
        '<dl class="summary">' + "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in summary) + "</dl>",
        '<h2 id="map">Process map</h2><p>Boxes are activities (with their number of events); arrows show which '
        'activity directly follows which, labelled with how often and the median wait. Large logs show the '
        f'busiest transitions only (at most {_MAP_EDGES} plus the main way in and out of each activity); the '
        'table of transitions lists them all. Hover for details.</p>',
        # Focusable, so that keyboard users can scroll a map wider than the window (WCAG 2.1.1).
        f'<div class="map" tabindex="0" role="region" aria-labelledby="map">{process_map_svg(result)}</div>',
        "<h2>Variants</h2>",
        _table(f"The {len(variants)} most frequent of {result.variants.height} variants",
               ["#", "Activities", "Cases", "Mean duration"], variants, {0, 2, 3}),
        "<h2>Transitions</h2>",
        _table("Directly-follows transitions, most frequent first",
               ["From", "To", "Count", "Mean wait", "Median wait", "90th percentile wait"], edges, {2, 3, 4, 5}),
        "<h2>Start and end</h2>",
        _table("Start activities", ["Activity", "Cases"], result.start_activities.rows(), {1}),
        _table("End activities", ["Activity", "Cases"], result.end_activities.rows(), {1}),
    ]
    if result.breaks.height:
        sections += ["<h2>Breaks</h2>", _table(f"Flagged events (first {len(breaks)} of {result.breaks.height})",
                                               ["Case", "Rule", "Position", "Activity", "Time (UTC)"], breaks, {2})]
    body = "\n".join(sections)
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title><style>{_STYLE}</style></head>\n<body><main>\n{body}\n</main></body></html>\n")


def write_html_report(result: PathsResult, path: str | os.PathLike, *, title: str = "Service paths") -> None:
    """Write render_html_report to a UTF-8 file."""
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(render_html_report(result, title=title))

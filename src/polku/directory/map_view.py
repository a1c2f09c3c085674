"""The map block of the directory page: SVG, legend, and the same figures as a table for screen readers."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from polku.directory import map_svg, selectors


@dataclass(frozen=True)
class MapRow:
    code: str
    name: str
    collaboration_area: str
    count: int
    url: str
    selected: bool


def _texts() -> dict[str, tuple[str, str, str, str]]:
    """Per measure: link label, map title, table caption, and an area's label (with %(area)s, %(count)s)."""
    return {
        "services": (_("services"), _("Wellbeing services areas of Finland by number of services"),
                     _("Services per wellbeing services area"), _("%(area)s: %(count)s services")),
        "actors": (_("network actors"), _("Wellbeing services areas of Finland by number of network actors"),
                   _("Network actors per wellbeing services area"), _("%(area)s: %(count)s network actors")),
        "projects": (_("projects"), _("Wellbeing services areas of Finland by number of projects"),
                     _("Projects per wellbeing services area"), _("%(area)s: %(count)s projects")),
    }


def map_context(measure: str, *, selected: str = "", areas: list | None = None) -> dict:
    """Everything the map block shows for one measure (services, network actors or projects); `areas` when the
    page has read them already (selectors.list_areas)."""
    measure = measure if measure in selectors.MEASURES else "services"
    counts = selectors.map_counts(measure)
    areas = selectors.list_areas() if areas is None else areas
    _link, title, caption, label = _texts()[measure]
    rows = [MapRow(code=area.code, name=area.short_name,
                   collaboration_area=area.collaboration_area.name if area.collaboration_area_id else "—",
                   count=counts.get(area.code, 0), url="?" + urlencode({"area": area.code, "map": measure}),
                   selected=area.code == selected) for area in areas]
    labels = {row.code: label % {"area": row.name, "count": row.count} for row in rows}
    svg = map_svg.render(counts=counts, names={row.code: row.name for row in rows},
                         links={row.code: row.url for row in rows}, labels=labels,
                         collaboration=selectors.collaboration_membership(),
                         title=title,
                         selected=selected)
    ranges = map_svg.class_ranges(max(counts.values(), default=0))
    offset = 5 - len(ranges)
    legend = [(map_svg.PALETTE[0], "0")] + [
        (map_svg.PALETTE[index + 1 + offset], str(low) if low == high else f"{low}–{high}")
        for index, (low, high) in enumerate(ranges)]
    return {"svg": mark_safe(svg), "rows": rows, "measure": measure,  # noqa: S308 -- built from escaped parts
            "measures": [(code, texts[0]) for code, texts in _texts().items()], "caption": caption, "legend": legend,
            "attribution": _("Map data: Yleisradio / Statistics Finland and National Land Survey of Finland, "
                             "CC BY 4.0."), "selected": selected}

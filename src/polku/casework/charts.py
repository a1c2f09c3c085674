"""Server-rendered SVG trend chart of screening totals: works without JavaScript, read by screen readers.

The SVG is one image (``role="img"`` with ``<title>`` and ``<desc>`` that state every value), and the
page shows the same figures as a table next to it, so no one depends on seeing the line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from polku.casework.instruments import Instrument
from polku.casework.instruments.engine import TOTAL_SCALE
from polku.casework.selectors.screening import band_label

WIDTH, HEIGHT = 600, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 150, 16, 40  # room for axis labels left, threshold labels right


@dataclass(frozen=True)
class ChartPoint:
    at: datetime
    total: int


@dataclass(frozen=True)
class Threshold:
    value: int  # a horizontal line at this total
    label: str


def _date(at: datetime) -> str:
    return formats.date_format(timezone.localtime(at), "SHORT_DATE_FORMAT")


def describe_trend(*, title: str, points: Sequence[ChartPoint], thresholds: Sequence[Threshold]) -> str:
    """The chart's text equivalent: every value with its date, and the threshold lines."""
    values = ", ".join(f"{_date(p.at)}: {p.total}" for p in points)
    lines = ", ".join(f"{t.value} ({t.label})" for t in thresholds)
    text = _("%(title)s, totals over time: %(values)s.") % {"title": title, "values": values}
    if lines:
        text += " " + _("Threshold lines: %(lines)s.") % {"lines": lines}
    return text


def render_trend_chart(*, chart_id: str, title: str, points: Sequence[ChartPoint],
                       thresholds: Sequence[Threshold], max_value: int) -> SafeString:
    """An inline SVG line chart of totals over time with thresholds as dashed horizontal lines."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    ordered = sorted(points, key=lambda p: p.at)
    max_value = max(max_value, 1, *(p.total for p in ordered)) if ordered else max(max_value, 1)

    def y(value: int) -> float:
        return round(TOP + plot_h - plot_h * value / max_value, 1)

    if len(ordered) > 1 and ordered[-1].at > ordered[0].at:
        start, span = ordered[0].at, (ordered[-1].at - ordered[0].at).total_seconds()
        xs = [round(LEFT + plot_w * (p.at - start).total_seconds() / span, 1) for p in ordered]
    else:  # one point or equal times: spread evenly
        xs = [round(LEFT + plot_w * (i / max(len(ordered) - 1, 1)), 1) for i in range(len(ordered))]

    parts = [
        format_html('<svg xmlns="http://www.w3.org/2000/svg" class="trend-chart" role="img" viewBox="0 0 {} {}" '
                    'width="100%" preserveAspectRatio="xMinYMin meet" aria-labelledby="{}-title {}-desc" '
                    'focusable="false">', WIDTH, HEIGHT, chart_id, chart_id),
        format_html('<title id="{}-title">{}</title>', chart_id, title),
        format_html('<desc id="{}-desc">{}</desc>', chart_id,
                    describe_trend(title=title, points=ordered, thresholds=thresholds)),
        # Axes: grey #4a4a4a on white is 8.9:1, the accent line #00447a is 10.6:1 (WCAG 1.4.11 needs 3:1).
        format_html('<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#4a4a4a" stroke-width="1"/>',
                    LEFT, TOP, LEFT, TOP + plot_h),
        format_html('<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#4a4a4a" stroke-width="1"/>',
                    LEFT, TOP + plot_h, LEFT + plot_w, TOP + plot_h),
    ]
    for value in sorted({0, max_value}):
        parts.append(format_html('<text x="{}" y="{}" text-anchor="end" font-size="12" fill="#1b1b1b">{}</text>',
                                 LEFT - 6, y(value) + 4, value))
    for threshold in thresholds:
        if 0 < threshold.value <= max_value:
            parts.append(format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#4a4a4a" stroke-width="1" stroke-dasharray="5 4"/>'
                '<text x="{}" y="{}" font-size="12" fill="#1b1b1b">{} {}</text>',
                LEFT, y(threshold.value), LEFT + plot_w, y(threshold.value),
                LEFT + plot_w + 6, y(threshold.value) + 4, threshold.value, threshold.label))
    if ordered:
        coordinates = " ".join(f"{x},{y(p.total)}" for x, p in zip(xs, ordered, strict=True))
        parts.append(format_html('<polyline points="{}" fill="none" stroke="#00447a" stroke-width="2.5"/>',
                                 coordinates))
        for x, point in zip(xs, ordered, strict=True):
            parts.append(format_html('<circle cx="{}" cy="{}" r="4" fill="#00447a"><title>{}: {}</title></circle>',
                                     x, y(point.total), _date(point.at), point.total))
        parts.append(format_html('<text x="{}" y="{}" font-size="12" fill="#1b1b1b">{}</text>',
                                 LEFT, TOP + plot_h + 18, _date(ordered[0].at)))
        if len(ordered) > 1:
            parts.append(format_html('<text x="{}" y="{}" text-anchor="end" font-size="12" fill="#1b1b1b">{}</text>',
                                     LEFT + plot_w, TOP + plot_h + 18, _date(ordered[-1].at)))
    parts.append(mark_safe("</svg>"))  # noqa: S308 - a literal closing tag; every value above went through format_html
    return mark_safe("".join(str(part) for part in parts))  # noqa: S308 - parts are format_html output only


def instrument_thresholds(instrument: Instrument) -> list[Threshold]:
    """Lines where a band starts (its lower bound), or where the total turns positive when there are no bands."""
    if instrument.bands:
        return [Threshold(value=band.min, label=band_label(band.code)) for band in instrument.bands[1:]]
    return [Threshold(value=rule.min, label=_("positive")) for rule in instrument.positive_rules
            if rule.scale == TOTAL_SCALE]

"""Horizontal bar charts as inline SVG (no script, no style attributes; WeasyPrint draws them in the PDF too)."""

from __future__ import annotations

from django.utils.html import escape

from polku.reporting.steering.tables import Table

BAR_COLOUR = "#1f5f8b"  # 7:1 against white: passes WCAG contrast for the text drawn next to it
TEXT_COLOUR = "#1a1a1a"
ROW_HEIGHT = 22
LABEL_WIDTH = 210
BAR_WIDTH = 300
VALUE_WIDTH = 70


def bar_chart_svg(table: Table, column: int, *, title: str) -> str:
    """A bar per row of `table` in `column`; a suppressed row gets no bar and the label "<5"."""
    rows = table.rows
    values = [0.0 if row.cells[column].suppressed or row.cells[column].value is None
              else float(row.cells[column].value) for row in rows]
    peak = max(values, default=0.0) or 1.0
    height = ROW_HEIGHT * len(rows) + 8
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="steering-chart" role="img" '
             f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" aria-label="{escape(title)}">',
             f"<title>{escape(title)}</title>"]
    for index, (row, value) in enumerate(zip(rows, values, strict=True)):
        y = 4 + index * ROW_HEIGHT
        bar = round(BAR_WIDTH * value / peak, 1)
        label = row.label if len(row.label) <= 32 else row.label[:31] + "…"
        parts.append(f'<text x="{LABEL_WIDTH - 6}" y="{y + 15}" text-anchor="end" font-size="12" '
                     f'fill="{TEXT_COLOUR}">{escape(label)}</text>')
        if bar > 0:
            parts.append(f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{bar}" height="{ROW_HEIGHT - 6}" '
                         f'fill="{BAR_COLOUR}"/>')
        parts.append(f'<text x="{LABEL_WIDTH + bar + 4}" y="{y + 15}" font-size="12" fill="{TEXT_COLOUR}">'
                     f"{escape(row.cells[column].display)}</text>")
    parts.append("</svg>")
    return "".join(parts)

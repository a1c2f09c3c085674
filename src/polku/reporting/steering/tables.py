"""Report tables and small-number suppression (aggregates leave the care team: no client may be recognised).

Primary rule: every cell whose *base* is under SMALL_NUMBER is shown as "<5". The base of a count is the count
itself (zero included: the rule is "every count under five", literally); the base of a measure (hours, euros,
days) is the number of people or items behind it; the base of a share n/d is min(n, d - n), because the
complement d - n is a count of people too.

Secondary rule (so totals cannot reveal a suppressed cell): a table declares its additive lines — each
additive column together with the total row, and, for two-way tables, each row together with its row-total
column. In a line whose total is shown, the hidden entries must be at least two and must add up to at least
SMALL_NUMBER (otherwise the total minus the shown entries gives a hidden count, or tells that the hidden ones
together hold fewer than five people — or none); in a line whose total is hidden, at least one entry must be
hidden too (otherwise the entries add up to the total). Until that holds, the shown entry with the smallest
base in the line is hidden as well (the total itself when no entry is left). This repeats over all lines until
nothing changes. In tables whose columns derive from one another (hours, clients, hours per client) a
secondary suppression takes the whole row (`row_linked`), since the row's other cells would give the hidden
one back. Tables without declared lines (overlapping categories, top-N lists) get the primary rule only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

SMALL_NUMBER = 5
HIDDEN = "<5"

COUNT, HOURS, EUROS, SHARE, DAYS = "count", "hours", "euros", "share", "days"


@dataclass
class Cell:
    value: int | float | Decimal | None
    kind: str = COUNT
    base: int | None = None  # people/items behind the figure; None: not about people (never suppressed)
    suppressed: bool = False
    text: str = ""  # a ready-made display (e.g. "3 d 4 h") for a figure computed elsewhere

    def __post_init__(self) -> None:
        if self.kind == COUNT and self.base is None and self.value is not None:
            self.base = int(self.value)
        if self.base is not None and self.base < SMALL_NUMBER:
            self.suppressed = True

    @property
    def display(self) -> str:
        if self.suppressed:
            return HIDDEN
        if self.text:
            return self.text
        if self.value is None:
            return "–"
        if self.kind == COUNT:
            return str(int(self.value))
        if self.kind == SHARE:
            return f"{float(self.value) * 100:.1f} %"
        if self.kind == EUROS:
            return f"{Decimal(self.value):.2f}"
        return f"{float(self.value):.1f}"

    @property
    def export_value(self) -> int | float | str | None:
        """The value for a spreadsheet: "<5" when suppressed, a number otherwise."""
        if self.suppressed:
            return HIDDEN
        if self.value is None:
            return self.text or None
        if self.kind == COUNT:
            return int(self.value)
        if self.kind == SHARE:
            return round(float(self.value), 4)
        return round(float(self.value), 2)


def count(value: int) -> Cell:
    return Cell(value=value)


def measure(value: float | Decimal | None, *, base: int, kind: str) -> Cell:
    return Cell(value=value, kind=kind, base=base)


def share(numerator: int, denominator: int) -> Cell:
    if denominator == 0:
        return Cell(value=None, kind=SHARE, base=0)
    return Cell(value=numerator / denominator, kind=SHARE, base=min(numerator, denominator - numerator))


@dataclass
class Row:
    key: str
    label: str
    cells: list[Cell]


@dataclass
class Table:
    key: str
    title: str
    label_header: str
    columns: list[str]
    rows: list[Row]
    total: Row | None = None
    additive: tuple[int, ...] = ()  # columns whose total-row entry is the sum of the rows
    row_total: tuple[int, tuple[int, ...]] | None = None  # (total column, the columns it sums)
    row_linked: bool = False
    note: str = ""
    chart_column: int | None = None  # draw a bar chart of this column
    drillable: bool = False
    chart_svg: str = ""
    previous: Table | None = field(default=None, repr=False)

    def cell(self, row_key: str, column: int) -> Cell | None:
        for row in self.all_rows():
            if row.key == row_key:
                return row.cells[column]
        return None

    def all_rows(self) -> list[Row]:
        return [*self.rows, *([self.total] if self.total else [])]


def _lines(table: Table) -> list[tuple[list[tuple[int, int]], tuple[int, int]]]:
    """(entries, total entry) per additive line, as (row index, column index); row len(rows) = the total row."""
    lines = []
    n = len(table.rows)
    if table.total is not None:
        for column in table.additive:
            lines.append(([(r, column) for r in range(n)], (n, column)))
    if table.row_total is not None:
        total_column, parts = table.row_total
        for r in range(n + (1 if table.total is not None else 0)):
            lines.append(([(r, c) for c in parts], (r, total_column)))
    return lines


def suppress(table: Table) -> Table:
    """Apply the secondary rule in place (the primary one is applied when a cell is made); returns the table."""
    grid = table.all_rows()

    def at(entry: tuple[int, int]) -> Cell:
        return grid[entry[0]].cells[entry[1]]

    def hide(entry: tuple[int, int]) -> None:
        cells = grid[entry[0]].cells if table.row_linked else [at(entry)]
        for cell in cells:
            cell.suppressed = True

    def needs_more(entries: list[tuple[int, int]], total: tuple[int, int]) -> bool:
        hidden = [e for e in entries if at(e).suppressed]
        if at(total).suppressed:
            return not hidden and bool(entries)
        return bool(hidden) and (len(hidden) == 1 or sum(float(at(e).value or 0) for e in hidden) < SMALL_NUMBER)

    changed = True
    while changed:
        changed = False
        for entries, total in _lines(table):
            if not needs_more(entries, total):
                continue
            candidates = [e for e in entries if not at(e).suppressed]
            if candidates:
                hide(min(candidates, key=lambda e: (at(e).base if at(e).base is not None else 0,
                                                    float(at(e).value or 0), e)))
            else:
                hide(total)
            changed = True
    return table

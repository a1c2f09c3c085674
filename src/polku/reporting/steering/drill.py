"""Drilling into one figure of the report: the same figure per team, suppressed again; a hidden figure is refused."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from polku.casework.models import Team
from polku.core.models import Organisation
from polku.reporting.steering.report import validate_period
from polku.reporting.steering.scope import Scope, organisation_ids
from polku.reporting.steering.sections import client_tables, meeting_tables, work_tables
from polku.reporting.steering.sections_paths import path_tables
from polku.reporting.steering.tables import Cell, Row, Table, suppress

SECTIONS: dict[str, Callable[[Scope], list[Table]]] = {
    "clients_": lambda scope: client_tables(scope)[0],
    "work_": lambda scope: work_tables(scope)[0],
    "meetings_": meeting_tables,
    "paths_": lambda scope: path_tables(scope)[0],
}


@dataclass(frozen=True)
class Drill:
    refused: bool
    table_title: str = ""
    row_label: str = ""
    column: str = ""
    rows: list[tuple[str, Cell]] | None = None


def table_for(scope: Scope, key: str) -> Table | None:
    """The one report table `key` over `scope` (only drillable tables), or None."""
    compute = next((fn for prefix, fn in SECTIONS.items() if key.startswith(prefix)), None)
    if compute is None:
        return None
    return next((table for table in compute(scope) if table.key == key and table.drillable), None)


def drill_by_team(*, organisation: Organisation, team: Team | None, period_start: date, period_end: date,
                  table_key: str, row_key: str) -> Drill | None:
    """The figure in the first column of (table, row) for each team; refused when the figure itself is hidden.

    The team figures are suppressed with the report's figure as their total, so that the teams cannot be
    added up against it to give a hidden team's figure back. None when there is no such table or row.
    """
    validate_period(period_start=period_start, period_end=period_end)
    scope = Scope(organisation=organisation, team=team, start=period_start, end=period_end)
    table = table_for(scope, table_key)
    whole = table.cell(row_key, 0) if table else None
    if table is None or whole is None or row_key == "total":
        return None
    if whole.suppressed:
        return Drill(refused=True)
    teams = [team] if team else list(Team.objects.filter(organisation_id__in=organisation_ids(organisation)))
    rows = []
    for each in teams:
        cell = table_for(Scope(organisation=organisation, team=each, start=period_start, end=period_end),
                         table_key).cell(row_key, 0)
        rows.append(Row(key=str(each.pk), label=each.name, cells=[Cell(value=cell.value, kind=cell.kind,
                                                                       base=cell.base)]))
    breakdown = suppress(Table(key="drill", title="", label_header="", columns=[""], rows=rows,
                               total=Row(key="total", label="", cells=[Cell(value=whole.value, kind=whole.kind,
                                                                            base=whole.base)]),
                               additive=(0,)))
    label = next(row.label for row in table.rows if row.key == row_key)
    return Drill(refused=False, table_title=table.title, row_label=label, column=table.columns[0],
                 rows=[(row.label, row.cells[0]) for row in breakdown.rows])

"""The steering-group report: one call computes every table for an organisation (or team) and period.

`build_steering_report(...)` returns a plain `SteeringReport`; `render.render_html/render_pdf/render_xlsx`
turn it into a document. Nothing here reads a client one by one or shows a client: every figure is an
aggregate, suppressed by `tables` before it leaves this module.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import connection
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from polku.casework.models import Team
from polku.core.errors import DomainError
from polku.core.models import Organisation
from polku.reporting.steering.charts import bar_chart_svg
from polku.reporting.steering.scope import Scope, organisation_ids
from polku.reporting.steering.sections import client_tables, meeting_tables, screening_tables, work_tables
from polku.reporting.steering.sections_paths import cost_tables, path_tables, quality_tables
from polku.reporting.steering.tables import EUROS, HOURS, Row, Table, count, measure, share

MAX_PERIOD_DAYS = 3 * 366  # longer periods are a typing error more often than a wish


@dataclass
class Section:
    key: str
    title: str
    tables: list[Table]
    svg: str = ""  # the process map (service paths only)
    svg_title: str = ""


@dataclass
class SteeringReport:
    organisation_id: int
    organisation_name: str
    team_id: int | None
    team_name: str
    period_start: date
    period_end: date
    language: str
    generated_at: datetime
    is_empty: bool
    sections: list[Section] = field(default_factory=list)
    compare: bool = False
    previous_start: date | None = None
    previous_end: date | None = None

    def table(self, key: str) -> Table:
        for section in self.sections:
            for table in section.tables:
                if table.key == key:
                    return table
        raise KeyError(key)

    @property
    def tables(self) -> list[Table]:
        return [table for section in self.sections for table in section.tables]


def validate_period(*, period_start: date, period_end: date) -> None:
    """An end before the start, or a period longer than three years, is refused naming the field."""
    if period_end < period_start:
        raise DomainError("period_end_before_start", _("The end of the period is before its start."),
                          field="period_end")
    if (period_end - period_start).days > MAX_PERIOD_DAYS:
        raise DomainError("period_too_long", _("The period may be at most three years long."), field="period_end")


def _path_tables_in_thread(scope: Scope, language: str):
    """The service-path section in a thread of its own, with its own database connection, closed after."""
    try:
        with translation.override(language):
            return path_tables(scope)
    finally:
        connection.close()


def _compute(scope: Scope) -> tuple[list[Section], bool]:
    # Reading a million path events is mostly waiting for the database: on PostgreSQL, outside a transaction, it
    # overlaps with the other sections on a second connection. Inside one (tests, a caller's atomic block) a
    # second connection would not see the uncommitted rows, and SQLite (the embedded demo) gains nothing from a
    # second connection to one file, so there everything runs here in turn.
    concurrent = connection.vendor == "postgresql" and not connection.in_atomic_block
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(_path_tables_in_thread, scope, translation.get_language()) if concurrent else None
        clients, people = client_tables(scope)
        work, worked = work_tables(scope)
        screenings, screened = screening_tables(scope, people["active"])
        quality, documented = quality_tables(scope)
        costs, spent = cost_tables(scope)
        meetings = meeting_tables(scope)
        paths, path_summary = pending.result() if pending else path_tables(scope)
    summary = Table(key="summary", title=_("Key figures"), label_header=_("Figure"), columns=[_("Value")], rows=[
        Row(key="new", label=_("New clients"), cells=[count(people["new"])]),
        Row(key="active", label=_("Active clients"), cells=[count(people["active"])]),
        Row(key="closed", label=_("Closed clients"), cells=[count(people["closed"])]),
        Row(key="interpreter", label=_("Share needing an interpreter"),
            cells=[share(people["interpreter"], people["active"])]),
        Row(key="hours", label=_("Work time (hours)"),
            cells=[measure(worked["minutes"] / 60, base=people["active"], kind=HOURS)]),
        Row(key="pair", label=_("Share of held meetings in pair work"), cells=[share(worked["pair"], worked["held"])]),
        Row(key="screened", label=_("Share of active clients screened"),
            cells=[share(screened["screened"], people["active"])]),
        Row(key="on_time", label=_("Share of held meetings' notes signed on time"),
            cells=[share(documented["on_time"], documented["held"])]),
        Row(key="interpreting_cost", label=_("Interpreting costs (EUR)"),
            cells=[measure(spent["interpreting_cost"], base=spent["bookings"], kind=EUROS)]),
    ])
    sections = [
        Section("summary", _("Summary"), [summary]),
        Section("clients", _("Clients"), clients),
        Section("work", _("Work time"), work),
        Section("meetings", _("Meetings"), meetings),
        Section("screening", _("Screening"), screenings),
        Section("paths", _("Service paths"), paths, svg=path_summary.svg,
                svg_title=_("Process map of the service paths in the period")),
        Section("quality", _("Documentation quality"), quality),
        Section("costs", _("Interpreting costs and purchases from associations"), costs),
    ]
    empty = people["active"] == 0 and worked["minutes"] == 0 and spent["bookings"] == 0 and path_summary.events == 0
    return sections, empty


def _attach_previous(sections: list[Section], previous: list[Section]) -> None:
    by_key = {table.key: table for section in previous for table in section.tables}
    for section in sections:
        for table in section.tables:
            table.previous = by_key.get(table.key)


def build_steering_report(*, organisation: Organisation, period_start: date, period_end: date,
                          team: Team | None = None, compare: bool = False, language: str | None = None
                          ) -> SteeringReport:
    """The steering-group report of an organisation (and its units) or one team, suppressed; optionally with the
    previous period of equal length beside it."""
    validate_period(period_start=period_start, period_end=period_end)
    if team is not None and team.organisation_id != organisation.pk and \
            team.organisation_id not in _descendants(organisation):
        raise DomainError("team_not_in_organisation", _("The team does not belong to the organisation."), field="team")
    language = language or translation.get_language() or "fi"
    scope = Scope(organisation=organisation, team=team, start=period_start, end=period_end)
    with translation.override(language):
        sections, empty = _compute(scope)
        previous = scope.previous()
        if compare:
            _attach_previous(sections, _compute(previous)[0])
        for section in sections:
            for table in section.tables:
                if table.chart_column is not None and table.rows:
                    table.chart_svg = bar_chart_svg(table, table.chart_column,
                                                    title=f"{table.title}: {table.columns[table.chart_column]}")
        return SteeringReport(
            organisation_id=organisation.pk, organisation_name=str(organisation), team_id=team.pk if team else None,
            team_name=team.name if team else "", period_start=period_start, period_end=period_end, language=language,
            generated_at=timezone.now(), is_empty=empty, sections=sections, compare=compare,
            previous_start=previous.start if compare else None, previous_end=previous.end if compare else None)


def _descendants(organisation: Organisation) -> set[int]:
    return set(organisation_ids(organisation))

"""Report sections about people and work: clients, work time, meetings, screenings."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from polku.casework.languages import language_name
from polku.casework.models import (
    ClientLegalStatus,
    Gender,
    LegalStatus,
    Meeting,
    MeetingOutcome,
    MeetingParticipant,
    MeetingPlace,
    ParticipantKind,
    ScreeningResponse,
    WorkActivity,
    WorkTime,
)
from polku.core.roles import Profession
from polku.reporting.steering.scope import Scope
from polku.reporting.steering.tables import HOURS, Row, Table, count, measure, share, suppress

UNKNOWN = "unknown"
TOP_LANGUAGES = 10
AGE_BANDS = ((0, 17, "0–17"), (18, 29, "18–29"), (30, 44, "30–44"), (45, 64, "45–64"), (65, 200, "65+"))
FINLAND_BANDS = ((0, 1, "lt2"), (2, 4, "2-4"), (5, 9, "5-9"), (10, 200, "10+"))
# In minutes, both ends inclusive.
HOUR_BANDS = ((0, 59, "lt1"), (60, 299, "1-5"), (300, 599, "5-10"), (600, 1199, "10-20"), (1200, 10**9, "20+"))
# Origin regions (ISO 3166-1 alpha-2); a country not listed here counts as "other".
REGIONS = {
    "middle_east": {"IQ", "SY", "IR", "PS", "TR", "YE", "LB", "JO", "KW", "SA", "EG", "LY", "TN", "MA", "DZ",
                    "SD"},
    "south_central_asia": {"AF", "PK", "BD", "IN", "LK", "NP", "MM", "TJ", "UZ", "TM", "KG", "KZ"},
    "east_africa": {"SO", "ER", "ET", "DJ", "KE", "UG", "SS", "RW", "BI", "TZ"},
    "other_africa": {"CD", "CG", "CF", "CM", "NG", "GH", "CI", "GN", "SL", "LR", "ML", "NE", "TD", "AO", "ZW"},
    "eastern_europe": {"UA", "RU", "BY", "MD", "GE", "AM", "AZ", "XK", "BA", "RS", "AL", "MK", "ME"},
}


def region_labels() -> dict[str, str]:
    return {"middle_east": _("Middle East and North Africa"), "south_central_asia": _("South and Central Asia"),
            "east_africa": _("East Africa"), "other_africa": _("Other Africa"),
            "eastern_europe": _("Eastern Europe and the Balkans"), "other": _("Other"), UNKNOWN: _("Not recorded")}


def region_of(country: str) -> str:
    if not country:
        return UNKNOWN
    return next((region for region, codes in REGIONS.items() if country.upper() in codes), "other")


def band_of(value: int | None, bands: tuple) -> str:
    if value is None:
        return UNKNOWN
    return next((key for low, high, key in bands if low <= value <= high), UNKNOWN)


def distribution(key: str, title: str, header: str, counts: Counter, labels: list[tuple[str, str]],
                 total_label: str, **extra) -> Table:
    """A one-way count table over a partition (every client in exactly one row), with its total."""
    rows = [Row(key=k, label=label, cells=[count(counts.get(k, 0))]) for k, label in labels]
    table = Table(key=key, title=title, label_header=header, columns=[_("Clients")], rows=rows,
                  total=Row(key="total", label=total_label, cells=[count(sum(counts.values()))]),
                  additive=(0,), chart_column=0, drillable=True, **extra)
    return suppress(table)


def active_clients(scope: Scope) -> QuerySet:
    """Registered before the end of the period and not closed before its start."""
    return scope.clients().filter(created_at__lt=scope.end_at) \
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=scope.start_at))


def _legal_status_at(clients: QuerySet, day: date) -> dict[int, str]:
    """Each client's legal status in force on `day` (the latest starting one when several overlap)."""
    statuses = ClientLegalStatus.objects.filter(client_id__in=clients.values("pk"), valid_from__lte=day) \
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day)) \
        .order_by("client_id", "valid_from", "recorded_at", "pk")
    return {client_id: status for client_id, status in statuses.values_list("client_id", "status")}


def client_tables(scope: Scope) -> tuple[list[Table], dict]:
    """Clients: flow (new, active, closed) and the active clients by age, gender, origin, language, time in
    Finland, legal status and interpreter need. Returns the tables and the raw counts the summary needs."""
    active = list(active_clients(scope).values("pk", "created_at", "closed_at", "birth_year", "gender",
                                               "country_of_origin", "preferred_language", "arrival_year",
                                               "interpreter_needed"))
    total_label = _("Active clients")
    new = sum(1 for c in active if c["created_at"] >= scope.start_at)
    closed = sum(1 for c in active if c["closed_at"] is not None and c["closed_at"] < scope.end_at)
    flow = Table(key="clients_flow", title=_("Clients in the period"), label_header=_("Clients"),
                 columns=[_("Number")], rows=[
                     Row(key="new", label=_("New clients"), cells=[count(new)]),
                     Row(key="active", label=_("Active clients"), cells=[count(len(active))]),
                     Row(key="closed", label=_("Closed clients"), cells=[count(closed)])],
                 note=_("Active: registered before the end of the period and not closed before its start."))
    year = scope.end.year
    ages = Counter(band_of(year - c["birth_year"] if c["birth_year"] else None, AGE_BANDS) for c in active)
    genders = Counter(c["gender"] for c in active)
    regions = Counter(region_of(c["country_of_origin"]) for c in active)
    languages = Counter(c["preferred_language"] or UNKNOWN for c in active)
    in_finland = Counter(band_of(year - c["arrival_year"] if c["arrival_year"] else None, FINLAND_BANDS)
                         for c in active)
    legal = _legal_status_at(active_clients(scope), scope.end)
    legal_counts = Counter(legal.get(c["pk"], UNKNOWN) for c in active)
    not_recorded = _("Not recorded")
    top = [code for code, _n in sorted(languages.items(), key=lambda item: (-item[1], item[0]))[:TOP_LANGUAGES]]
    language_counts = Counter({code: languages[code] for code in top})
    language_counts["other"] = sum(n for code, n in languages.items() if code not in top)
    interpreter = sum(1 for c in active if c["interpreter_needed"])
    tables = [
        flow,
        distribution("clients_age", _("Active clients by age at the end of the period"), _("Age"), ages,
                     [(k, k) for _lo, _hi, k in AGE_BANDS] + [(UNKNOWN, not_recorded)], total_label),
        distribution("clients_gender", _("Active clients by gender"), _("Gender"), genders,
                     [(str(v), str(label)) for v, label in Gender.choices], total_label),
        distribution("clients_region", _("Active clients by region of origin"), _("Region"), regions,
                     list(region_labels().items()), total_label),
        distribution("clients_language", _("Active clients by preferred language"), _("Language"), language_counts,
                     [(code, language_name(code) if code != UNKNOWN else not_recorded) for code in top]
                     + [("other", _("Other languages"))], total_label),
        distribution("clients_in_finland", _("Active clients by time in Finland"), _("Years in Finland"),
                     in_finland, [("lt2", _("under 2 years")), ("2-4", _("2–4 years")), ("5-9", _("5–9 years")),
                                  ("10+", _("10 years or more")), (UNKNOWN, not_recorded)], total_label),
        distribution("clients_legal_status", _("Active clients by legal status at the end of the period"),
                     _("Legal status"), legal_counts,
                     [(str(v), str(label)) for v, label in LegalStatus.choices] + [(UNKNOWN, not_recorded)],
                     total_label),
        Table(key="clients_interpreter", title=_("Clients needing an interpreter"), label_header=_("Clients"),
              columns=[_("Number"), _("Share of active clients")],
              rows=[Row(key="interpreter", label=_("Need an interpreter"),
                        cells=[count(interpreter), share(interpreter, len(active))])]),
    ]
    return tables, {"active": len(active), "new": new, "closed": closed, "interpreter": interpreter}


def _work_table(key: str, title: str, header: str, grouped: dict, labels: list[tuple[str, str]],
                total_minutes: int, total_clients: int) -> Table:
    def cells(minutes: int, clients: int) -> list:
        return [measure(minutes / 60, base=clients, kind=HOURS), count(clients),
                measure(minutes / 60 / clients if clients else None, base=clients, kind=HOURS)]

    rows = [Row(key=k, label=label, cells=cells(*grouped.get(k, (0, 0)))) for k, label in labels]
    return suppress(Table(key=key, title=title, label_header=header,
                          columns=[_("Hours"), _("Clients"), _("Hours per client")], rows=rows,
                          total=Row(key="total", label=_("All work"), cells=cells(total_minutes, total_clients)),
                          additive=(0,), row_linked=True, chart_column=0, drillable=True))


def work_tables(scope: Scope) -> tuple[list[Table], dict]:
    """Work time in the period: by activity, by worker's profession, per client; the pair-work share."""
    work = WorkTime.objects.filter(client_id__in=scope.client_ids(), date__gte=scope.start, date__lte=scope.end)
    totals = work.aggregate(minutes=Sum("minutes"), clients=Count("client", distinct=True))
    total_minutes, total_clients = totals["minutes"] or 0, totals["clients"]
    by_activity = {row["activity"]: (row["minutes"], row["clients"]) for row in
                   work.values("activity").annotate(minutes=Sum("minutes"), clients=Count("client", distinct=True))}
    by_role = {(row["worker__profession"] or "other"): (row["minutes"], row["clients"]) for row in
               work.values("worker__profession").annotate(minutes=Sum("minutes"),
                                                          clients=Count("client", distinct=True))}
    per_client = Counter()
    for _client, minutes in work.values("client").annotate(minutes=Sum("minutes")).values_list("client", "minutes"):
        per_client[band_of(minutes, HOUR_BANDS)] += 1
    held = Meeting.objects.filter(client_id__in=scope.client_ids(), outcome=MeetingOutcome.HELD,
                                  starts_at__gte=scope.start_at, starts_at__lt=scope.end_at)
    held_count = held.count()
    pair = MeetingParticipant.objects.filter(meeting__in=held, kind=ParticipantKind.WORKER).values("meeting") \
        .annotate(workers=Count("pk")).filter(workers__gte=2).count()
    tables = [
        _work_table("work_activity", _("Work time by activity"), _("Activity"), by_activity,
                    [(str(v), str(label)) for v, label in WorkActivity.choices], total_minutes, total_clients),
        _work_table("work_role", _("Work time by the worker's profession"), _("Profession"), by_role,
                    [(str(v), str(label)) for v, label in Profession.choices] + [("other", _("Other worker"))],
                    total_minutes, total_clients),
        distribution("work_per_client", _("Clients by work time used on them in the period"), _("Hours"),
                     per_client, [("lt1", _("under 1 h")), ("1-5", _("1–5 h")), ("5-10", _("5–10 h")),
                                  ("10-20", _("10–20 h")), ("20+", _("20 h or more"))],
                     _("Clients with work time")),
        Table(key="work_pair", title=_("Pair work"), label_header=_("Meetings"),
              columns=[_("Number"), _("Share of held meetings")],
              rows=[Row(key="pair", label=_("Held meetings with two or more workers"),
                        cells=[count(pair), share(pair, held_count)])]),
    ]
    return tables, {"minutes": total_minutes, "held": held_count, "pair": pair}


def meeting_tables(scope: Scope) -> list[Table]:
    """Meetings that started in the period: by outcome (no-shows by party), held ones by place and interpreter."""
    meetings = Meeting.objects.filter(client_id__in=scope.client_ids(), starts_at__gte=scope.start_at,
                                      starts_at__lt=scope.end_at)
    outcomes = Counter(dict(meetings.values_list("outcome").annotate(n=Count("pk"))))
    places = defaultdict(lambda: (0, 0))
    for row in meetings.filter(outcome=MeetingOutcome.HELD).values("place").annotate(
            n=Count("pk"), interpreted=Count("pk", filter=Q(interpreter_used=True))):
        places[row["place"]] = (row["n"], row["interpreted"])
    held = meetings.filter(outcome=MeetingOutcome.HELD)
    unrecorded = held.filter(client__interpreter_needed=True, interpreter_used=False).count()
    place_rows = [Row(key=str(v), label=str(label), cells=[count(places[v][0]), count(places[v][1])])
                  for v, label in MeetingPlace.choices]
    return [
        distribution("meetings_outcome", _("Meetings by outcome (no-shows by party)"), _("Outcome"), outcomes,
                     [(str(v), str(label)) for v, label in MeetingOutcome.choices], _("All meetings"),
                     note=_("Meetings that were to start in the period.")),
        suppress(Table(key="meetings_place", title=_("Held meetings by place and interpreter use"),
                       label_header=_("Place"), columns=[_("Held"), _("With an interpreter")], rows=place_rows,
                       total=Row(key="total", label=_("All held meetings"),
                                 cells=[count(sum(p[0] for p in places.values())),
                                        count(sum(p[1] for p in places.values()))]),
                       additive=(0, 1), chart_column=0, drillable=True)),
        Table(key="meetings_interpreter_problems", title=_("Interpreter problems in meetings"),
              label_header=_("Problem"), columns=[_("Meetings")], rows=[
                  Row(key="interpreter_no_show", label=_("Interpreter did not come"),
                      cells=[count(outcomes.get(MeetingOutcome.INTERPRETER_NO_SHOW, 0))]),
                  Row(key="not_recorded", label=_("Held without an interpreter although the client needs one"),
                      cells=[count(unrecorded)])]),
    ]


def screening_tables(scope: Scope, active: int) -> tuple[list[Table], dict]:
    """Screenings in the period: share of the `active` clients screened and positive; per instrument."""
    screenings = ScreeningResponse.objects.filter(client_id__in=active_clients(scope).values("pk"),
                                                  administered_at__gte=scope.start_at,
                                                  administered_at__lt=scope.end_at)
    screened = screenings.values("client").distinct().count()
    positive = screenings.filter(positive=True).values("client").distinct().count()
    by_instrument = screenings.values("instrument").annotate(n=Count("pk"),
                                                             positive=Count("pk", filter=Q(positive=True)))
    instruments = {row["instrument"]: (row["n"], row["positive"]) for row in by_instrument}
    names = sorted(instruments)
    shares = Table(key="screening_shares", title=_("Screening"), label_header=_("Clients"),
                   columns=[_("Clients"), _("Share")], rows=[
                       Row(key="screened", label=_("Screened in the period (share of active clients)"),
                           cells=[count(screened), share(screened, active)]),
                       Row(key="positive", label=_("Screened positive (share of those screened)"),
                           cells=[count(positive), share(positive, screened)])])
    per_instrument = suppress(Table(
        key="screening_instruments", title=_("Screenings by instrument"), label_header=_("Instrument"),
        columns=[_("Screenings"), _("Positive")],
        rows=[Row(key=name, label=name.upper(), cells=[count(instruments[name][0]), count(instruments[name][1])])
              for name in names],
        total=Row(key="total", label=_("All screenings"), cells=[count(sum(v[0] for v in instruments.values())),
                                                                  count(sum(v[1] for v in instruments.values()))]),
        additive=(0, 1)))
    return [shares, per_instrument], {"screened": screened, "positive": positive}

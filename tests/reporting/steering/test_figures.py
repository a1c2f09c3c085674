"""Every figure of the steering-group report against an independent computation written here.

The expected values come from plain ORM queries and loops over rows (one client, meeting or note at a time),
never from the report's own code. Every cell of every table must be checked (the test fails if one is not),
and every shown count must follow the small-number rule.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.db.models import Count, Q, Sum

from polku.casework.models import (
    Client,
    ClientLegalStatus,
    Meeting,
    Note,
    PathEvent,
    ScreeningResponse,
    WorkTime,
)
from polku.casework.workdays import add_working_days
from polku.core.models import Organisation
from polku.interpreting.models import Booking, DeliveredHours
from polku.paths.html_report import human_duration
from polku.referrals.events import activity_label
from polku.referrals.models import PathBreak, Referral
from polku.reporting.steering.report import build_steering_report
from tests.reporting.steering.conftest import HELSINKI, PERIOD

START, END = PERIOD
S = datetime.combine(START, time.min, tzinfo=HELSINKI)
E = datetime.combine(END + timedelta(days=1), time.min, tzinfo=HELSINKI)
REGIONS = {"IQ": "middle_east", "SY": "middle_east", "IR": "middle_east", "PS": "middle_east", "TR": "middle_east",
           "AF": "south_central_asia", "SO": "east_africa", "ER": "east_africa", "UA": "eastern_europe",
           "RU": "eastern_europe", "XK": "eastern_europe", "BA": "eastern_europe", "": "unknown"}
GROUPS = {"sent": "in_progress", "received": "in_progress", "accepted": "in_progress",
          "appointment_booked": "in_progress", "appointment_held": "held", "closed": "held", "rejected": "rejected",
          "withdrawn": "withdrawn", "expired": "expired"}


class Checker:
    """Asserts cells and remembers which were asserted, so that no figure goes unchecked."""

    def __init__(self, report):
        self.report = report
        self.checked: set[tuple[str, str, int]] = set()

    def __call__(self, table_key: str, row_key: str, column: int, expected, *, share_of: tuple | None = None):
        cell = self.report.table(table_key).cell(row_key, column)
        assert cell is not None, (table_key, row_key)
        self.checked.add((table_key, row_key, column))
        if expected is None:
            assert cell.value is None, (table_key, row_key, column)
        elif isinstance(expected, int):
            assert cell.value == expected, (table_key, row_key, column, cell.value, expected)
            if expected < 5:
                assert cell.display == "<5", (table_key, row_key, column)
            elif not cell.suppressed:
                assert cell.display == str(expected)
        else:
            assert float(cell.value) == pytest.approx(float(expected), rel=1e-9, abs=1e-9), \
                (table_key, row_key, column, cell.value, expected)
        if share_of is not None:
            numerator, denominator = share_of
            if numerator < 5 or denominator - numerator < 5:
                assert cell.display == "<5", (table_key, row_key)
        return cell

    def counts(self, table_key: str, expected: dict[str, int], column: int = 0):
        for row_key, value in expected.items():
            self(table_key, row_key, column, value)

    def unchecked(self) -> list:
        return [(t.key, r.key, i) for t in self.report.tables for r in t.all_rows() for i in range(len(r.cells))
                if (t.key, r.key, i) not in self.checked]


def scope_clients(county: Organisation):
    assert not Organisation.objects.filter(parent__parent=county).exists()  # one level of units below
    return Client.objects.filter(Q(organisation=county) | Q(organisation__parent=county)).exclude(status="merged")


def p90_inclusive(values: list[float]) -> float:
    ordered = sorted(values)
    position = 0.9 * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@pytest.mark.django_db
def test_every_figure_of_the_report_matches_an_independent_computation(caseload):
    county = caseload
    report = build_steering_report(organisation=county, period_start=START, period_end=END, language="en")
    check = Checker(report)
    clients = scope_clients(county)
    active = clients.filter(created_at__lt=E).exclude(closed_at__lt=S)
    n_active = active.count()
    assert n_active >= 20 and not report.is_empty

    # --- clients
    new = active.filter(created_at__gte=S).count()
    closed = active.filter(closed_at__isnull=False, closed_at__lt=E).count()
    check.counts("clients_flow", {"new": new, "active": n_active, "closed": closed})
    ages = {"0–17": (0, 17), "18–29": (18, 29), "30–44": (30, 44), "45–64": (45, 64), "65+": (65, 200)}
    expected = {key: active.filter(birth_year__gte=2026 - high, birth_year__lte=2026 - low).count()
                for key, (low, high) in ages.items()}
    expected["unknown"] = active.filter(birth_year__isnull=True).count()
    check.counts("clients_age", {**expected, "total": n_active})
    genders = ("woman", "man", "non_binary", "other", "not_stated")
    check.counts("clients_gender", {g: active.filter(gender=g).count() for g in genders} | {"total": n_active})
    regions = Counter()
    for country in active.values_list("country_of_origin", flat=True):
        regions[REGIONS[country]] += 1
    check.counts("clients_region", {r: regions[r] for r in ("middle_east", "south_central_asia", "east_africa",
                                                             "other_africa", "eastern_europe", "other", "unknown")}
                 | {"total": n_active})
    languages = Counter(active.values_list("preferred_language", flat=True))
    top = sorted(languages, key=lambda code: (-languages[code], code))[:10]
    check.counts("clients_language", {code: languages[code] for code in top}
                 | {"other": sum(n for code, n in languages.items() if code not in top), "total": n_active})
    years = {"lt2": (0, 1), "2-4": (2, 4), "5-9": (5, 9), "10+": (10, 200)}
    expected = {key: active.filter(arrival_year__gte=2026 - high, arrival_year__lte=2026 - low).count()
                for key, (low, high) in years.items()}
    expected["unknown"] = active.filter(arrival_year__isnull=True).count()
    check.counts("clients_in_finland", {**expected, "total": n_active})
    legal = Counter()
    for client in active:
        status = ClientLegalStatus.objects.filter(client=client, valid_from__lte=END) \
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=END)).order_by("-valid_from", "-recorded_at", "-pk") \
            .first()
        legal[status.status if status else "unknown"] += 1
    check.counts("clients_legal_status", {s: legal[s] for s in (
        "asylum_seeker", "quota_refugee", "asylum_granted", "subsidiary_protection", "temporary_protection",
        "family_member", "citizen", "other", "unknown")} | {"total": n_active})
    interpreter = active.filter(interpreter_needed=True).count()
    check("clients_interpreter", "interpreter", 0, interpreter)
    check("clients_interpreter", "interpreter", 1, interpreter / n_active, share_of=(interpreter, n_active))

    # --- work time
    work = WorkTime.objects.filter(client__in=clients, date__gte=START, date__lte=END)
    all_minutes = work.aggregate(m=Sum("minutes"))["m"]
    all_clients = len({c for c in work.values_list("client_id", flat=True)})
    for table, field, keys in (("work_activity", "activity", ["meeting", "phone", "network", "documentation",
                                                               "travel", "other"]),
                               ("work_role", "worker__profession", ["nurse", "social_counsellor", "psychologist",
                                                                     "doctor", "other"])):
        for key in [*keys, "total"]:
            if key == "total":
                rows = work
            elif table == "work_role" and key == "other":
                rows = work.filter(worker__profession="")
            else:
                rows = work.filter(**{field: key})
            minutes = sum(rows.values_list("minutes", flat=True))
            people = len(set(rows.values_list("client_id", flat=True)))
            check(table, key, 0, minutes / 60)
            check(table, key, 1, people)
            check(table, key, 2, minutes / 60 / people if people else None)
            if people < 5:
                assert report.table(table).cell(key, 0).display == "<5"
    per_client = defaultdict(int)
    for client_id, minutes in work.values_list("client_id", "minutes"):
        per_client[client_id] += minutes
    bands = Counter("lt1" if m < 60 else "1-5" if m < 300 else "5-10" if m < 600 else "10-20" if m < 1200 else "20+"
                    for m in per_client.values())
    check.counts("work_per_client", {b: bands[b] for b in ("lt1", "1-5", "5-10", "10-20", "20+")}
                 | {"total": len(per_client)})
    held = Meeting.objects.filter(client__in=clients, outcome="held", starts_at__gte=S, starts_at__lt=E)
    pair = sum(1 for meeting in held if meeting.participants.filter(kind="worker").count() >= 2)
    check("work_pair", "pair", 0, pair)
    check("work_pair", "pair", 1, pair / held.count(), share_of=(pair, held.count()))

    # --- meetings
    meetings = Meeting.objects.filter(client__in=clients, starts_at__gte=S, starts_at__lt=E)
    outcomes = ["planned", "held", "client_no_show", "cancelled_client", "cancelled_worker", "interpreter_no_show"]
    check.counts("meetings_outcome", {o: meetings.filter(outcome=o).count() for o in outcomes}
                 | {"total": meetings.count()})
    for place in ["office", "home", "network_social", "network_hospital", "network_partner", "phone", "video"]:
        check("meetings_place", place, 0, held.filter(place=place).count())
        check("meetings_place", place, 1, held.filter(place=place, interpreter_used=True).count())
    check("meetings_place", "total", 0, held.count())
    check("meetings_place", "total", 1, held.filter(interpreter_used=True).count())
    check("meetings_interpreter_problems", "interpreter_no_show", 0,
          meetings.filter(outcome="interpreter_no_show").count())
    check("meetings_interpreter_problems", "not_recorded", 0,
          sum(1 for m in held.select_related("client") if m.client.interpreter_needed and not m.interpreter_used))

    # --- screenings
    screenings = ScreeningResponse.objects.filter(client__in=active, administered_at__gte=S, administered_at__lt=E)
    screened = len(set(screenings.values_list("client_id", flat=True)))
    positive = len(set(screenings.filter(positive=True).values_list("client_id", flat=True)))
    check("screening_shares", "screened", 0, screened)
    check("screening_shares", "screened", 1, screened / n_active, share_of=(screened, n_active))
    check("screening_shares", "positive", 0, positive)
    check("screening_shares", "positive", 1, positive / screened, share_of=(positive, screened))
    for instrument in set(screenings.values_list("instrument", flat=True)):
        check("screening_instruments", instrument, 0, screenings.filter(instrument=instrument).count())
        check("screening_instruments", instrument, 1, screenings.filter(instrument=instrument, positive=True).count())
    check("screening_instruments", "total", 0, screenings.count())
    check("screening_instruments", "total", 1, screenings.filter(positive=True).count())

    # --- service paths
    paths = defaultdict(list)
    for client_id, activity, at in PathEvent.objects.filter(client__in=clients, at__gte=S, at__lt=E) \
            .order_by("client_id", "at", "id").values_list("client_id", "activity", "at"):
        paths[client_id].append((activity_label(activity), at))
    variants = Counter(tuple(a for a, _at in events) for events in paths.values())
    durations = defaultdict(list)
    for events in paths.values():
        durations[tuple(a for a, _at in events)].append((events[-1][1] - events[0][1]).total_seconds())
    shown = report.table("paths_variants").rows
    tenth = sorted(variants.values(), reverse=True)[9] if len(variants) >= 10 else 0
    must_show = {v for v, n in variants.items() if n >= 5 and n > tenth}
    assert must_show <= {tuple(row.label.split(" → ")) for row in shown}
    for row in shown:
        variant = tuple(row.label.split(" → "))
        check("paths_variants", row.key, 0, variants[variant])
        assert variants[variant] >= 5
        cell = check("paths_variants", row.key, 1, None)
        assert cell.display == human_duration(statistics.fmean(durations[variant]))
    referrals = Referral.objects.filter(client__in=clients, direction="outgoing", sent_at__gte=S, sent_at__lt=E)
    waits = defaultdict(list)
    for referral in referrals.filter(appointment_held_at__isnull=False):
        waits[str(referral.target_service_id)].append(
            (referral.appointment_held_at - referral.sent_at).total_seconds() / 86400)
    assert {row.key for row in report.table("paths_waits").rows} == set(waits)
    for service, days in waits.items():
        check("paths_waits", service, 0, len(days))
        check("paths_waits", service, 1, statistics.median(days))
        check("paths_waits", service, 2, p90_inclusive(days))
    breaks = Counter()
    for item in PathBreak.objects.filter(client__in=clients, since__gte=START, since__lte=END) \
            .select_related("referral__target_service"):
        where = item.referral.target_service.service_type if item.referral_id else "client"
        breaks[(where, item.kind)] += 1
    kinds = ["not_received", "no_appointment", "no_new_appointment", "no_contact", "callback_missed"]
    types = ["psychiatric_outpatient", "health_centre_doctor", "substance_abuse", "trauma_centre", "child_family",
             "employment_integration", "ngo_activity", "native_language_counsellor", "expert_by_experience"]
    for where in [*types, "client"]:
        for index, kind in enumerate(kinds):
            check("paths_breaks", where, index, breaks[(where, kind)])
        check("paths_breaks", where, len(kinds), sum(breaks[(where, k)] for k in kinds))
    for index, kind in enumerate(kinds):
        check("paths_breaks", "total", index, sum(breaks[(w, kind)] for w in [*types, "client"]))
    check("paths_breaks", "total", len(kinds), sum(breaks.values()))
    outcomes = Counter((r.target_service.service_type, GROUPS[r.status]) for r in referrals.select_related(
        "target_service"))
    groups = ["in_progress", "held", "rejected", "withdrawn", "expired"]
    for service_type in types:
        for index, group in enumerate(groups):
            check("paths_referrals", service_type, index, outcomes[(service_type, group)])
        check("paths_referrals", service_type, len(groups), sum(outcomes[(service_type, g)] for g in groups))
    for index, group in enumerate(groups):
        check("paths_referrals", "total", index, sum(outcomes[(t, group)] for t in types))
    check("paths_referrals", "total", len(groups), referrals.count())

    # --- documentation quality
    statuses = Counter()
    months = defaultdict(lambda: [0, 0])
    for meeting in held:
        day = meeting.starts_at.astimezone(HELSINKI).date()
        signed = [n.signed_at for n in meeting.notes.all() if n.status == "signed"]
        if signed:
            status = "on_time" if min(signed).astimezone(HELSINKI).date() <= add_working_days(day, 3) else "late"
        else:
            status = "not_signed" if meeting.notes.exists() else "no_note"
        statuses[status] += 1
        months[day.strftime("%Y-%m")][0] += 1
        months[day.strftime("%Y-%m")][1] += status == "on_time"
    check.counts("quality_signing", {s: statuses[s] for s in ("on_time", "late", "not_signed", "no_note")}
                 | {"total": held.count()})
    corrected = set(Note.objects.filter(corrects__isnull=False).values_list("corrects_id", flat=True))
    notes = [n for n in Note.objects.filter(client__in=clients, created_at__gte=S, created_at__lt=E)
             if n.pk not in corrected]
    counts = {"reason": sum(1 for n in notes if n.reason_for_contact),
              "next_step": sum(1 for n in notes if n.next_step),
              "both": sum(1 for n in notes if n.reason_for_contact and n.next_step)}
    for key, value in counts.items():
        check("quality_fields", key, 0, value)
        check("quality_fields", key, 1, value / len(notes), share_of=(value, len(notes)))
    assert [row.key for row in report.table("quality_trend").rows] == sorted(months)
    for month, (n, ok) in [*months.items(), ("total", (held.count(), statuses["on_time"]))]:
        check("quality_trend", month, 0, n)
        check("quality_trend", month, 1, ok)
        check("quality_trend", month, 2, ok / n)

    # --- costs
    bookings = Booking.objects.filter(client__in=clients, starts_at__gte=S, starts_at__lt=E)
    for status in ["requested", "assigned", "accepted", "declined", "confirmed", "held", "client_no_show",
                   "interpreter_no_show", "late_cancellation", "cancelled", "total"]:
        rows = bookings if status == "total" else bookings.filter(status=status)
        check("costs_interpreting", status, 0, rows.count())
        check("costs_interpreting", status, 1, sum((b.cost or Decimal(0)) for b in rows))
    assert report.table("costs_interpreting").cell("held", 1).display == "591.50"  # 7 x 84.50, written by hand
    deliveries = DeliveredHours.objects.filter(date__gte=START, date__lte=END,
                                               order__agreement__buyer__in=[county, *county.children.all()])
    for kind in ["native_counsellor", "expert_by_experience", "total"]:
        rows = deliveries if kind == "total" else deliveries.filter(order__worker__kind=kind)
        check("costs_purchases", kind, 0, rows.count())
        check("costs_purchases", kind, 1, sum(d.hours for d in rows))
        check("costs_purchases", kind, 2, sum(d.hours * d.hourly_fee for d in rows))
    assert report.table("costs_purchases").cell("native_counsellor", 2).display == "405.00"  # 6 x 1.5 h x 45

    # --- summary
    check("summary", "new", 0, new)
    check("summary", "active", 0, n_active)
    check("summary", "closed", 0, closed)
    check("summary", "interpreter", 0, interpreter / n_active, share_of=(interpreter, n_active))
    check("summary", "hours", 0, all_minutes / 60)
    check("summary", "pair", 0, pair / held.count(), share_of=(pair, held.count()))
    check("summary", "screened", 0, screened / n_active, share_of=(screened, n_active))
    check("summary", "on_time", 0, statuses["on_time"] / held.count(),
          share_of=(statuses["on_time"], held.count()))
    check("summary", "interpreting_cost", 0, bookings.aggregate(c=Sum("cost"))["c"])
    assert all_clients == report.table("work_activity").cell("total", 1).value

    assert check.unchecked() == []


@pytest.mark.django_db
def test_comparison_mode_puts_the_previous_period_of_equal_length_beside(caseload):
    county = caseload
    report = build_steering_report(organisation=county, period_start=START, period_end=END, compare=True,
                                   language="en")
    previous_end = START - timedelta(days=1)
    previous_start = previous_end - (END - START)
    assert (report.previous_start, report.previous_end) == (previous_start, previous_end)
    ps = datetime.combine(previous_start, time.min, tzinfo=HELSINKI)
    pe = datetime.combine(previous_end + timedelta(days=1), time.min, tzinfo=HELSINKI)
    clients = scope_clients(county)
    active = clients.filter(created_at__lt=pe).exclude(closed_at__lt=ps)
    flow = report.table("clients_flow").previous
    assert flow.cell("active", 0).value == active.count()
    assert flow.cell("new", 0).value == active.filter(created_at__gte=ps).count()
    held = Meeting.objects.filter(client__in=clients, outcome="held", starts_at__gte=ps, starts_at__lt=pe).count()
    assert report.table("meetings_outcome").previous.cell("held", 0).value == held
    minutes = WorkTime.objects.filter(client__in=clients, date__gte=previous_start, date__lte=previous_end) \
        .aggregate(m=Sum("minutes"))["m"]
    assert report.table("work_activity").previous.cell("total", 0).value == pytest.approx(minutes / 60)
    by_outcome = dict(Meeting.objects.filter(client__in=clients, starts_at__gte=ps, starts_at__lt=pe)
                      .values_list("outcome").annotate(n=Count("pk")))
    assert report.table("meetings_outcome").previous.cell("client_no_show", 0).value == \
        by_outcome.get("client_no_show", 0)

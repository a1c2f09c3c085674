"""Report sections about service paths, documentation quality and the costs of interpreting and purchases."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Count, Exists, Min, OuterRef, Q, Sum
from django.db.models.functions import TruncDate
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from polku.casework.models import Meeting, MeetingOutcome, Note, NoteStatus, PathEvent
from polku.casework.quality import note_deadline
from polku.interpreting.models import Booking, BookingStatus, DeliveredHours, SupportKind
from polku.paths.html_report import human_duration
from polku.referrals.models import BreakKind, PathBreak, Referral, ReferralDirection, ServiceType
from polku.reporting.steering.paths_map import PathSummary, summarise_paths
from polku.reporting.steering.scope import Scope, organisation_ids
from polku.reporting.steering.tables import DAYS, EUROS, HOURS, Cell, Row, Table, count, measure, share, suppress

OUTCOME_GROUPS = (
    ("in_progress", ("sent", "received", "accepted", "appointment_booked")),
    ("held", ("appointment_held", "closed")),
    ("rejected", ("rejected",)),
    ("withdrawn", ("withdrawn",)),
    ("expired", ("expired",)),
)
CLIENT_LEVEL = "client"
BREAK_KINDS = [kind for kind in BreakKind if kind != BreakKind.EXPIRY]  # expiry ends a referral, it is no break
TOP_LANGUAGES = 10


def outcome_labels() -> dict[str, str]:
    return {"in_progress": _("In progress"), "held": _("Appointment held"), "rejected": _("Rejected"),
            "withdrawn": _("Withdrawn"), "expired": _("Expired")}


def _grid(key: str, title: str, header: str, rows: list[tuple[str, str]], columns: list[tuple[str, str]],
          counts: dict[tuple[str, str], int], total_label: str, **extra) -> Table:
    """A two-way count table with row totals and column totals (secondary suppression in both directions)."""
    body = []
    for row_key, label in rows:
        values = [counts.get((row_key, c), 0) for c, _label in columns]
        body.append(Row(key=row_key, label=label, cells=[*map(count, values), count(sum(values))]))
    sums = [sum(counts.get((r, c), 0) for r, _l in rows) for c, _label in columns]
    n = len(columns)
    headers = [label for _c, label in columns] + [_("Total")]
    return suppress(Table(key=key, title=title, label_header=header, columns=headers,
                          rows=body, total=Row(key="total", label=total_label,
                                               cells=[*map(count, sums), count(sum(sums))]),
                          additive=tuple(range(n + 1)), row_total=(n, tuple(range(n))), **extra))


def _service_name(row: dict) -> str:
    language = (get_language() or "fi")[:2]
    return row.get(f"target_service__name_{language}") or row["target_service__name_fi"]


def path_tables(scope: Scope) -> tuple[list[Table], PathSummary]:
    """Service paths: the process map and top variants (paths engine), waits per service, breaks, referrals."""
    summary = summarise_paths(PathEvent.objects.filter(client_id__in=scope.client_ids(), at__gte=scope.start_at,
                                                       at__lt=scope.end_at))
    # A rare path could point at one person: variants seen fewer than five times are left out altogether.
    variant_table = Table(key="paths_variants", title=_("Most common paths (variants)"), label_header=_("Path"),
                          columns=[_("Clients"), _("Mean duration")],
                          rows=[Row(key=str(i), label=" → ".join(activities),
                                    cells=[count(cases), Cell(value=None, kind=DAYS, base=cases,
                                                              text=human_duration(mean_s))])
                                for i, (activities, cases, mean_s) in enumerate(summary.variants, start=1)],
                          note=_("Paths seen fewer than five times are not shown."))

    referrals = Referral.objects.filter(client_id__in=scope.client_ids(), direction=ReferralDirection.OUTGOING,
                                        sent_at__gte=scope.start_at, sent_at__lt=scope.end_at)
    waits: dict[str, list[float]] = defaultdict(list)
    names: dict[str, str] = {}
    for row in referrals.filter(appointment_held_at__isnull=False).values(
            "target_service_id", "target_service__name_fi", "target_service__name_sv", "target_service__name_en",
            "sent_at", "appointment_held_at"):
        key = str(row["target_service_id"])
        names[key] = _service_name(row)
        waits[key].append((row["appointment_held_at"] - row["sent_at"]).total_seconds() / 86400)
    wait_rows = []
    for key in sorted(waits, key=lambda k: names[k]):
        days = sorted(waits[key])
        p90 = statistics.quantiles(days, n=10, method="inclusive")[-1] if len(days) > 1 else days[0]
        wait_rows.append(Row(key=key, label=names[key], cells=[
            count(len(days)), measure(statistics.median(days), base=len(days), kind=DAYS),
            measure(p90, base=len(days), kind=DAYS)]))
    wait_table = Table(key="paths_waits", title=_("Wait from referral to the first appointment held, per service"),
                       label_header=_("Service"), columns=[_("Referrals"), _("Median (days)"),
                                                           _("90th percentile (days)")], rows=wait_rows,
                       note=_("Referrals sent in the period whose appointment has been held."))
    breaks = Counter()
    for service_type, kind in PathBreak.objects.filter(client_id__in=scope.client_ids(), since__gte=scope.start,
                                                       since__lte=scope.end) \
            .values_list("referral__target_service__service_type", "kind"):
        breaks[(service_type or CLIENT_LEVEL, kind)] += 1
    where = [(str(v), str(label)) for v, label in ServiceType.choices] + [(CLIENT_LEVEL, _("The client's own path"))]
    break_table = _grid("paths_breaks", _("Path breaks by where they happened and kind"), _("Where"), where,
                        [(str(k.value), str(k.label)) for k in BREAK_KINDS], breaks, _("All breaks"),
                        note=_("Breaks that began in the period."))
    outcomes = Counter()
    group_of = {status: group for group, statuses in OUTCOME_GROUPS for status in statuses}
    for service_type, status in referrals.values_list("target_service__service_type", "status"):
        outcomes[(service_type, group_of.get(status, "in_progress"))] += 1
    referral_table = _grid("paths_referrals", _("Referrals sent in the period by destination and current outcome"),
                           _("Destination"), [(str(v), str(label)) for v, label in ServiceType.choices],
                           list(outcome_labels().items()), outcomes, _("All referrals"), drillable=True)
    return [variant_table, wait_table, break_table, referral_table], summary


def quality_tables(scope: Scope) -> tuple[list[Table], dict]:
    """Documentation quality: held meetings' notes signed within 3 working days, required fields, trend by month."""
    held = Meeting.objects.filter(client_id__in=scope.client_ids(), outcome=MeetingOutcome.HELD,
                                  starts_at__gte=scope.start_at, starts_at__lt=scope.end_at)
    # One grouped query: each held meeting's (Finnish) date, its first signing date and whether it has any note;
    # the database turns times into local dates, which is much cheaper than doing it for each row in Python.
    rows = held.order_by().values("pk").annotate(
        day=TruncDate("starts_at"),
        signed_day=TruncDate(Min("notes__signed_at", filter=Q(notes__status=NoteStatus.SIGNED))),
        notes_count=Count("notes")).values_list("day", "signed_day", "notes_count")
    statuses = Counter()
    months: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    deadlines: dict[date, date] = {}
    for day, signed_day, notes_count in rows:
        deadline = deadlines.get(day) or deadlines.setdefault(day, note_deadline(day))
        status = ("on_time" if signed_day <= deadline else "late") if signed_day else (
            "not_signed" if notes_count else "no_note")
        statuses[status] += 1
        month = months[f"{day:%Y-%m}"]
        month[0] += 1
        month[1] += status == "on_time"
    signing = suppress(Table(
        key="quality_signing", title=_("Notes of held meetings"), label_header=_("Note"), columns=[_("Meetings")],
        rows=[Row(key="on_time", label=_("Signed within 3 working days"), cells=[count(statuses["on_time"])]),
              Row(key="late", label=_("Signed later"), cells=[count(statuses["late"])]),
              Row(key="not_signed", label=_("Note not signed"), cells=[count(statuses["not_signed"])]),
              Row(key="no_note", label=_("No note"), cells=[count(statuses["no_note"])])],
        total=Row(key="total", label=_("Held meetings"), cells=[count(sum(statuses.values()))]),
        additive=(0,), chart_column=0))
    notes = Note.objects.filter(client_id__in=scope.client_ids(), created_at__gte=scope.start_at,
                                created_at__lt=scope.end_at).filter(~Exists(Note.objects.filter(corrects=OuterRef("pk"))))
    # Aliases must not be field names: an alias shadows the field inside the other aggregates' filters.
    fields = notes.aggregate(n=Count("pk"), with_reason=Count("pk", filter=~Q(reason_for_contact="")),
                             with_next_step=Count("pk", filter=~Q(next_step="")),
                             with_both=Count("pk", filter=~Q(reason_for_contact="") & ~Q(next_step="")))
    required = Table(key="quality_fields", title=_("Required fields in notes written in the period"),
                     label_header=_("Field"), columns=[_("Notes"), _("Share")], rows=[
                         Row(key="reason", label=_("Reason for contact recorded"),
                             cells=[count(fields["with_reason"]), share(fields["with_reason"], fields["n"])]),
                         Row(key="next_step", label=_("Next step recorded"),
                             cells=[count(fields["with_next_step"]), share(fields["with_next_step"], fields["n"])]),
                         Row(key="both", label=_("Both recorded"),
                             cells=[count(fields["with_both"]), share(fields["with_both"], fields["n"])])],
                     note=_("Current versions of notes (a corrected note counts once, as its correction)."))
    trend = suppress(Table(
        key="quality_trend", title=_("Notes signed on time by month"), label_header=_("Month"),
        columns=[_("Held meetings"), _("Signed on time"), _("Share on time")],
        rows=[Row(key=month, label=month, cells=[count(n), count(ok), share(ok, n)])
              for month, (n, ok) in sorted(months.items())],
        total=Row(key="total", label=_("The whole period"),
                  cells=[count(sum(statuses.values())), count(statuses["on_time"]),
                         share(statuses["on_time"], sum(statuses.values()))]),
        additive=(0, 1), row_linked=True, chart_column=2))
    return [signing, required, trend], {"held": sum(statuses.values()), "on_time": statuses["on_time"]}


def cost_tables(scope: Scope) -> tuple[list[Table], dict]:
    """Interpreter bookings and their costs; hours bought from associations (counsellors, experts by experience)."""
    bookings = Booking.objects.filter(client_id__in=scope.client_ids(), starts_at__gte=scope.start_at,
                                      starts_at__lt=scope.end_at)
    by_status = {row["status"]: (row["n"], row["cost"] or Decimal(0))
                 for row in bookings.values("status").annotate(n=Count("pk"), cost=Sum("cost"))}
    total = bookings.aggregate(n=Count("pk"), cost=Sum("cost"))
    total_cost = total["cost"] or Decimal(0)

    def cost_row(key: str, label: str, n: int, cost: Decimal) -> Row:
        return Row(key=key, label=label, cells=[count(n), measure(cost, base=n, kind=EUROS)])

    status_table = suppress(Table(
        key="costs_interpreting", title=_("Interpreter bookings and costs by outcome"), label_header=_("Outcome"),
        columns=[_("Bookings"), _("Cost (EUR)")],
        rows=[cost_row(str(v), str(label), *by_status.get(v, (0, Decimal(0)))) for v, label in BookingStatus.choices],
        total=cost_row("total", _("All bookings"), total["n"], total_cost),
        additive=(0, 1), row_linked=True, chart_column=1))
    deliveries = DeliveredHours.objects.filter(date__gte=scope.start, date__lte=scope.end)
    if scope.team is not None:
        deliveries = deliveries.filter(order__client_id__in=scope.client_ids())
    else:
        deliveries = deliveries.filter(order__agreement__buyer_id__in=organisation_ids(scope.organisation))
    bought: dict[str, list] = defaultdict(lambda: [0, Decimal(0), Decimal(0)])
    for kind, hours, fee in deliveries.values_list("order__worker__kind", "hours", "hourly_fee"):
        bought[kind][0] += 1
        bought[kind][1] += hours
        bought[kind][2] += hours * fee

    def purchase_row(key: str, label: str, n: int, hours: Decimal, euros: Decimal) -> Row:
        return Row(key=key, label=label, cells=[count(n), measure(hours, base=n, kind=HOURS),
                                                measure(euros, base=n, kind=EUROS)])

    totals = [sum(v[i] for v in bought.values()) for i in range(3)]
    purchase_table = suppress(Table(
        key="costs_purchases", title=_("Hours bought from associations"), label_header=_("Kind"),
        columns=[_("Deliveries"), _("Hours"), _("Cost (EUR)")],
        rows=[purchase_row(str(v), str(label), *bought.get(v, (0, Decimal(0), Decimal(0))))
              for v, label in SupportKind.choices],
        total=purchase_row("total", _("All purchases"), *totals), additive=(0, 1, 2), row_linked=True))
    return [status_table, purchase_table], {"bookings": total["n"], "interpreting_cost": total_cost}

"""The state-compensation claim (Integration Act): interpreting and other special costs of clients in the
Act's target group, for one organisation and period, with totals, the excluded items and why; XLSX and CSV.

Eligibility is decided on each booking's own date from the client's legal-status history: quota refugee,
asylum granted, subsidiary protection, or temporary protection with a municipality of residence; never
from the day the client became a Finnish citizen on. Costs are claimed at actual cost.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from polku.casework.models import Client, ClientLegalStatus, LegalStatus
from polku.core import access
from polku.core.errors import AccessDenied
from polku.core.models import AccessBasis, Organisation, User
from polku.interpreting.models import BookingStatus, CompensableCost
from polku.interpreting.models.bookings import Booking

TARGET_GROUP = frozenset({LegalStatus.QUOTA_REFUGEE, LegalStatus.ASYLUM_GRANTED, LegalStatus.SUBSIDIARY_PROTECTION,
                          LegalStatus.TEMPORARY_PROTECTION})
BILLED = (BookingStatus.HELD, BookingStatus.CLIENT_NO_SHOW, BookingStatus.LATE_CANCELLATION)
CLAIMABLE_BOOKING_STATUSES = (*BILLED, BookingStatus.INTERPRETER_NO_SHOW, BookingStatus.CANCELLED,
                              BookingStatus.CONFIRMED)
EXCLUSION_REASONS = {
    "citizen": gettext_lazy("Finnish citizen on the date"),
    "no_legal_status": gettext_lazy("No legal status recorded for the date"),
    "not_in_target_group": gettext_lazy("Legal status outside the Integration Act target group"),
    "temporary_protection_without_municipality": gettext_lazy(
        "Temporary protection without a municipality of residence"),
    "no_cost": gettext_lazy("No billable cost (cancelled in time or the interpreter did not come)"),
    "outcome_not_recorded": gettext_lazy("Outcome not recorded yet"),
}


@dataclass(frozen=True)
class ClaimLine:
    client_id: int
    client_name: str
    client_identifier: str
    day: date
    kind: str
    reference: str
    amount: Decimal
    legal_status: str
    note: str = ""


@dataclass(frozen=True)
class ExcludedLine:
    client_id: int
    day: date
    kind: str
    reference: str
    amount: Decimal
    reason: str

    @property
    def reason_text(self) -> str:
        return str(EXCLUSION_REASONS[self.reason])


@dataclass
class Claim:
    organisation: Organisation
    first_day: date
    last_day: date
    lines: list[ClaimLine] = field(default_factory=list)
    excluded: list[ExcludedLine] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))

    @property
    def interpreting_total(self) -> Decimal:
        return sum((line.amount for line in self.lines if line.kind == "interpreting"), Decimal("0.00"))

    @property
    def other_total(self) -> Decimal:
        return self.total - self.interpreting_total

    def totals_by_client(self) -> list[tuple[int, str, str, Decimal]]:
        """(client id, name, identifier, total) per client, by name."""
        totals: dict[int, Decimal] = defaultdict(lambda: Decimal("0.00"))
        names: dict[int, tuple[str, str]] = {}
        for line in self.lines:
            totals[line.client_id] += line.amount
            names[line.client_id] = (line.client_name, line.client_identifier)
        return sorted(((cid, *names[cid], total) for cid, total in totals.items()), key=lambda row: row[1])


def status_on(statuses: list[ClientLegalStatus], day: date) -> ClientLegalStatus | None:
    """The legal status valid on the day: the latest that started on or before it and had not ended."""
    valid = [s for s in statuses if s.valid_from <= day and (s.valid_to is None or s.valid_to >= day)]
    return max(valid, key=lambda s: (s.valid_from, s.recorded_at, s.pk)) if valid else None


def exclusion_reason(client: Client, statuses: list[ClientLegalStatus], day: date) -> tuple[str | None, str]:
    """(None, status) if the client is in the target group on the day, else (reason code, status)."""
    citizen_since = min((s.valid_from for s in statuses if s.status == LegalStatus.CITIZEN), default=None)
    if citizen_since is not None and citizen_since <= day:
        return "citizen", LegalStatus.CITIZEN
    status = status_on(statuses, day)
    if status is None:
        return "no_legal_status", ""
    if status.status not in TARGET_GROUP:
        return "not_in_target_group", status.status
    if status.status == LegalStatus.TEMPORARY_PROTECTION and client.municipality_id is None:
        return "temporary_protection_without_municipality", status.status
    return None, status.status


def _identifier(client: Client) -> str:
    return client.identity_code or (client.birth_date.isoformat() if client.birth_date else "") or \
        client.immigration_number


def build_claim(*, actor: User, organisation: Organisation, first_day: date, last_day: date) -> Claim:
    """The claim for the organisation's clients and period; only a team lead of the organisation may build it."""
    if not (actor.has_perm("core.assign_clients") and actor.organisation_id == organisation.pk):
        raise AccessDenied("claim_not_permitted", _("Only a team lead of the organisation prepares its claim."))
    claim = Claim(organisation=organisation, first_day=first_day, last_day=last_day)
    bookings = list(Booking.objects.filter(organisation=organisation, starts_at__date__gte=first_day,
                                           starts_at__date__lte=last_day, status__in=CLAIMABLE_BOOKING_STATUSES)
                    .select_related("client").order_by("starts_at", "id"))
    costs = list(CompensableCost.objects.filter(organisation=organisation, date__gte=first_day, date__lte=last_day)
                 .select_related("client").order_by("date", "id"))
    client_ids = {b.client_id for b in bookings} | {c.client_id for c in costs}
    statuses: dict[int, list[ClientLegalStatus]] = defaultdict(list)
    for status in ClientLegalStatus.objects.filter(client_id__in=client_ids):
        statuses[status.client_id].append(status)
    access.log_list_read(actor=actor, client_ids=sorted(client_ids), object_type="compensation_claim",
                         basis=AccessBasis.ADMINISTRATIVE)
    for booking in bookings:
        day = timezone.localdate(booking.starts_at)
        amount = booking.cost or Decimal("0.00")
        if booking.status == BookingStatus.CONFIRMED:
            reason, status = "outcome_not_recorded", ""
        elif booking.status not in BILLED or amount <= 0:
            reason, status = "no_cost", ""
        else:
            reason, status = exclusion_reason(booking.client, statuses[booking.client_id], day)
        if reason:
            claim.excluded.append(ExcludedLine(client_id=booking.client_id, day=day, kind="interpreting",
                                               reference=booking.reference, amount=amount, reason=reason))
            continue
        note = _("client did not come") if booking.status == BookingStatus.CLIENT_NO_SHOW else (
            _("cancelled late") if booking.status == BookingStatus.LATE_CANCELLATION else "")
        claim.lines.append(ClaimLine(client_id=booking.client_id, client_name=str(booking.client),
                                     client_identifier=_identifier(booking.client), day=day, kind="interpreting",
                                     reference=booking.reference, amount=amount, legal_status=status, note=note))
    for cost in costs:
        reason, status = exclusion_reason(cost.client, statuses[cost.client_id], cost.date)
        reference = f"K-{cost.pk:06d}"
        if reason:
            claim.excluded.append(ExcludedLine(client_id=cost.client_id, day=cost.date, kind=cost.kind,
                                               reference=reference, amount=cost.amount, reason=reason))
            continue
        claim.lines.append(ClaimLine(client_id=cost.client_id, client_name=str(cost.client),
                                     client_identifier=_identifier(cost.client), day=cost.date, kind=cost.kind,
                                     reference=reference, amount=cost.amount, legal_status=status,
                                     note=cost.description))
    return claim


HEADERS = ("client", "identifier", "date", "kind", "reference", "legal status", "amount EUR", "note")
EXCLUDED_HEADERS = ("client id", "date", "kind", "reference", "amount EUR", "reason")


def record_export(*, actor: User, claim: Claim, file_format: str) -> None:
    """The claim leaves the care team for the state authority: one disclosure-log row per client in it."""
    for client_id in sorted({line.client_id for line in claim.lines}):
        access.record_disclosure(
            actor=actor, client_id=client_id, recipient="State compensation authority (Integration Act)",
            purpose="State compensation claim for interpreting and special costs",
            content=f"Claim lines {claim.first_day}..{claim.last_day}: name, identifier, dates, costs ({file_format})",
            channel="export", legal_basis="Integration Act 681/2023, state compensation")


def to_csv(claim: Claim) -> str:
    """Claim lines, a per-client total block, the excluded items with reasons; semicolons for Finnish Excel."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(HEADERS)
    for line in claim.lines:
        writer.writerow([line.client_name, line.client_identifier, line.day.isoformat(), line.kind, line.reference,
                         line.legal_status, f"{line.amount:.2f}", line.note])
    writer.writerow([])
    writer.writerow(["total per client"])
    for _cid, name, identifier, total in claim.totals_by_client():
        writer.writerow([name, identifier, "", "", "", "", f"{total:.2f}", ""])
    writer.writerow(["TOTAL", "", "", "", "", "", f"{claim.total:.2f}", ""])
    writer.writerow([])
    writer.writerow(["excluded"])
    writer.writerow(EXCLUDED_HEADERS)
    for item in claim.excluded:
        writer.writerow([item.client_id, item.day.isoformat(), item.kind, item.reference, f"{item.amount:.2f}",
                         item.reason])
    return out.getvalue()


def to_xlsx(claim: Claim) -> bytes:
    """Three sheets: the claim lines, totals per client (with a SUM formula row), and the excluded items."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Claim"
    sheet.append([f"{claim.organisation}", f"{claim.first_day.isoformat()} – {claim.last_day.isoformat()}"])
    sheet.append(list(HEADERS))
    for line in claim.lines:
        sheet.append([line.client_name, line.client_identifier, line.day, line.kind, line.reference,
                      line.legal_status, line.amount, line.note])
    totals = book.create_sheet("Per client")
    totals.append(["client", "identifier", "amount EUR"])
    for _cid, name, identifier, total in claim.totals_by_client():
        totals.append([name, identifier, total])
    totals.append(["TOTAL", "", claim.total])
    excluded = book.create_sheet("Excluded")
    excluded.append(list(EXCLUDED_HEADERS))
    for item in claim.excluded:
        excluded.append([item.client_id, item.day, item.kind, item.reference, item.amount, item.reason_text])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

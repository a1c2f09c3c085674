"""Hourly purchases from associations: agreements, the people they offer, orders, delivered hours, and the
monthly invoice summary per association (PPMM bought native-language counsellors and experts by
experience by the hour)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from polku.core import access
from polku.core.errors import AccessDenied, DomainError
from polku.core.models import AccessAction, Organisation, OrganisationType, User
from polku.interpreting.models import (
    DeliveredHours,
    OrderStatus,
    PurchaseAgreement,
    SupportKind,
    SupportOrder,
    SupportWorker,
)


def _require_buyer_lead(actor: User, buyer: Organisation) -> None:
    if not (actor.has_perm("core.assign_clients") and actor.organisation_id == buyer.pk):
        raise AccessDenied("purchases_not_permitted", _("Only a team lead of the buying organisation can do this."))


@transaction.atomic
def create_agreement(*, actor: User, association: Organisation, buyer: Organisation, reference: str,
                     valid_from: date, hourly_fee: Decimal, valid_to: date | None = None,
                     max_hours: Decimal | None = None) -> PurchaseAgreement:
    """A purchase agreement with an association (an NGO), made by a team lead of the buyer."""
    _require_buyer_lead(actor, buyer)
    if association.type != OrganisationType.NGO:
        raise DomainError("not_an_association", _("Choose an association."), field="association")
    if hourly_fee is None or hourly_fee < 0:
        raise DomainError("invalid_fee", _("Give the hourly fee (zero or more)."), field="hourly_fee")
    if valid_to is not None and valid_to < valid_from:
        raise DomainError("dates_out_of_order", _("The agreement must end after it starts."), field="valid_to")
    return PurchaseAgreement.objects.create(association=association, buyer=buyer, reference=reference.strip(),
                                            valid_from=valid_from, valid_to=valid_to, hourly_fee=hourly_fee,
                                            max_hours=max_hours)


@transaction.atomic
def add_support_worker(*, actor: User, association: Organisation, name: str, kind: str, languages: list[str],
                       hourly_fee: Decimal | None = None) -> SupportWorker:
    """A counsellor or expert by experience the association offers, with languages and an own fee if any."""
    if not actor.has_perm("core.assign_clients"):
        raise AccessDenied("purchases_not_permitted", _("Only a team lead can do this."))
    if kind not in SupportKind.values:
        raise DomainError("invalid_kind", _("Choose counsellor or expert by experience."), field="kind")
    if not name.strip():
        raise DomainError("name_required", _("Give the person's name."), field="name")
    return SupportWorker.objects.create(association=association, name=name.strip(), kind=kind,
                                        languages=sorted({code.strip() for code in languages if code.strip()}),
                                        hourly_fee=hourly_fee)


def order_support(*, actor: User, agreement: PurchaseAgreement, worker: SupportWorker, day: date, hours: Decimal,
                  language: str = "", purpose: str = "", client_id: int | None = None) -> SupportOrder:
    """Order hours against an agreement: valid on the day, the association's own person, within the hour cap."""
    if client_id is not None:
        access.require_client_access(actor=actor, client_id=client_id, action=AccessAction.WRITE,
                                     object_type="support_order")
    elif not (actor.has_perm("core.work_with_clients") and actor.organisation_id == agreement.buyer_id):
        raise AccessDenied("purchases_not_permitted", _("Only the buying organisation's workers can order."))
    if worker.association_id != agreement.association_id:
        raise DomainError("worker_of_other_association", _("This person is not offered under this agreement."),
                          field="worker")
    if day < agreement.valid_from or (agreement.valid_to and day > agreement.valid_to):
        raise DomainError("agreement_not_valid", _("The agreement is not valid on that day."), field="day")
    if hours is None or hours <= 0:
        raise DomainError("hours_required", _("Give the hours (more than zero)."), field="hours")
    if language and language not in worker.languages:
        raise DomainError("language_not_spoken", _("This person does not work in that language."), field="language")
    with transaction.atomic():
        locked = PurchaseAgreement.objects.select_for_update().get(pk=agreement.pk)
        if locked.max_hours is not None:
            ordered = (SupportOrder.objects.filter(agreement=locked).exclude(status=OrderStatus.CANCELLED)
                       .aggregate(total=Sum("hours"))["total"] or Decimal("0"))
            if ordered + hours > locked.max_hours:
                raise DomainError("agreement_hours_exceeded",
                                  _("The agreement has %(left)s hours left.") % {"left": locked.max_hours - ordered},
                                  field="hours")
        return SupportOrder.objects.create(agreement=locked, worker=worker, client_id=client_id, ordered_by=actor,
                                           language=language, date=day, hours=hours, purpose=purpose.strip()[:300])


@transaction.atomic
def record_delivered_hours(*, actor: User, order: SupportOrder, day: date, hours: Decimal) -> DeliveredHours:
    """Hours the person actually worked; the fee (own, else the agreement's) is fixed on the row."""
    if not (actor.has_perm("core.work_with_clients") and actor.organisation_id == order.agreement.buyer_id):
        raise AccessDenied("purchases_not_permitted", _("Only the buying organisation's workers can record this."))
    order = SupportOrder.objects.select_for_update().select_related("worker", "agreement").get(pk=order.pk)
    if order.status == OrderStatus.CANCELLED:
        raise DomainError("order_cancelled", _("This order is cancelled."))
    if hours is None or hours <= 0:
        raise DomainError("hours_required", _("Give the hours (more than zero)."), field="hours")
    fee = order.worker.hourly_fee if order.worker.hourly_fee is not None else order.agreement.hourly_fee
    delivery = DeliveredHours.objects.create(order=order, date=day, hours=hours, hourly_fee=fee, recorded_by=actor)
    SupportOrder.objects.filter(pk=order.pk).update(status=OrderStatus.DELIVERED)
    return delivery


@dataclass(frozen=True)
class InvoiceRow:
    association: Organisation
    hours: Decimal
    amount: Decimal
    orders: int


def monthly_invoice_summary(*, viewer: User, buyer: Organisation, month: date) -> list[InvoiceRow]:
    """Delivered hours and amounts per association for one calendar month, to check the invoices against."""
    _require_buyer_lead(viewer, buyer)
    first = month.replace(day=1)
    after = first.replace(year=first.year + 1, month=1) if first.month == 12 else first.replace(month=first.month + 1)
    totals: dict[int, list] = {}
    for row in (DeliveredHours.objects.filter(order__agreement__buyer=buyer, date__gte=first, date__lt=after)
                .select_related("order__agreement__association")):
        association = row.order.agreement.association
        entry = totals.setdefault(association.pk, [association, Decimal("0"), Decimal("0"), set()])
        entry[1] += row.hours
        entry[2] += (row.hours * row.hourly_fee).quantize(Decimal("0.01"))
        entry[3].add(row.order_id)
    return sorted((InvoiceRow(association=a, hours=h, amount=m, orders=len(o)) for a, h, m, o in totals.values()),
                  key=lambda r: r.association.name)

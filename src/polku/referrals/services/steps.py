"""The step machinery every referral service shares: lock, ask the machine, write history and path event.

Each step locks the referral row, asks the state machine, writes one ReferralTransition row and one path
event, and bumps the version; the access check (care relationship, or the inbox basis) is logged before the
transaction so that a refusal's log row survives the rollback.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from polku.casework.services.path_events import record_path_event
from polku.core.errors import Conflict, DomainError
from polku.core.models import Organisation, User
from polku.referrals import machine
from polku.referrals.access import require_step_access
from polku.referrals.events import ACTIVITY_OF_STEP
from polku.referrals.models import Referral, ReferralStatus, ReferralStep, ReferralTransition

MAX_NOTE = 1000

# The referral's own timestamp for each step; every ending also sets closed_at.
TIME_FIELD_OF_STEP = {
    ReferralStep.SENT: "sent_at", ReferralStep.RECEIVED: "received_at", ReferralStep.ACCEPTED: "decided_at",
    ReferralStep.REJECTED: "decided_at", ReferralStep.APPOINTMENT_BOOKED: "appointment_booked_at",
    ReferralStep.APPOINTMENT_HELD: "appointment_held_at", ReferralStep.APPOINTMENT_MISSED: "appointment_missed_at",
    ReferralStep.CALLBACK_MISSED: "callback_missed_at",
}


@dataclass
class StepInput:
    """What a step's own checks decide: when it happened, fields to set, attributes for the path event."""

    at: datetime | None = None
    fields: dict = field(default_factory=dict)
    attributes: dict = field(default_factory=dict)


def clean_text(value: str | None, *, field: str, max_length: int, required: str | None = None) -> str:
    """Stripped text; DomainError naming the field when required and empty, or too long."""
    value = (value or "").strip()
    if required and not value:
        raise DomainError(f"{field}_required", required, field=field)
    if len(value) > max_length:
        raise DomainError("too_long", _("Write at most %(max)s characters.") % {"max": max_length}, field=field)
    return value


def occurred_at_or_now(referral: Referral, occurred_at: datetime | None, *,
                       default: datetime | None = None) -> datetime:
    """When a step happened: now, or the time a worker gives when recording it afterwards (never ahead of now)."""
    at = occurred_at or default or timezone.now()
    if at > timezone.now():
        raise DomainError("occurred_in_future", _("This cannot be recorded as happened in the future."),
                          field="occurred_at")
    if at < referral.status_changed_at:
        raise DomainError("occurred_before_previous_step",
                          _("This cannot have happened before the referral's previous step (%(date)s).")
                          % {"date": date_format(timezone.localtime(referral.status_changed_at),
                                                 "SHORT_DATETIME_FORMAT")},
                          field="occurred_at")
    return at


def lock_referral(referral: Referral, expected_version: int | None) -> Referral:
    """The referral row, locked for this transaction; a Conflict when it is no longer the version the user saw."""
    # of=("self",): PostgreSQL cannot lock the nullable side of the outer join to the service.
    current = (Referral.objects.select_for_update(of=("self",))
               .select_related("client", "target_service").get(pk=referral.pk))
    if expected_version is not None and current.version != expected_version:
        raise Conflict("referral_conflict", _("Someone else changed this referral first. Nothing was saved; "
                                              "check its status and try again."),
                       params={"version": current.version})
    return current


def record_step(*, actor: User | None, referral: Referral, step: str, side: str, at: datetime | None = None,
                note: str = "", fields: dict | None = None, attributes: dict | None = None,
                organisation: Organisation | None = None) -> Referral:
    """Apply one step to a locked referral: status and timestamps, a history row, and the path event."""
    from_status = referral.status
    to_status = machine.next_status(from_status, step)
    at = at or timezone.now()
    changes = dict(fields or {})
    if step not in machine.NOTE_STEPS:
        changes.update(status=to_status, status_changed_at=at)
    if step in TIME_FIELD_OF_STEP:
        changes[TIME_FIELD_OF_STEP[step]] = at
    if to_status in machine.TERMINAL:
        changes["closed_at"] = at
    changes["version"] = referral.version + 1
    for name, value in changes.items():
        setattr(referral, name, value)
    referral.save(update_fields=list(changes))
    service = referral.target_service
    attributes = {"referral_id": referral.pk, "step": step, "from_status": from_status, "to_status": to_status,
                  "side": side, "urgency": referral.urgency, **(attributes or {})}
    if service is not None:
        attributes.update(service_id=service.pk, service_type=service.service_type)
    ReferralTransition.objects.create(referral=referral, step=step, from_status=from_status, to_status=to_status,
                                      at=at, actor=actor, side=side, note=note, attributes=attributes)
    # A draft never entered the client's path, so withdrawing one leaves no path event either.
    if from_status != ReferralStatus.DRAFT or step == ReferralStep.SENT:
        if organisation is None and step in machine.HANDLER_STEPS and service is not None:
            organisation = service.organisation  # the service's answer, even when the sender records it by hand
        record_path_event(client=referral.client, activity=ACTIVITY_OF_STEP[step], actor=actor, at=at,
                          subject=referral, organisation=organisation,
                          service=service.name_fi if service else referral.external_sender, attributes=attributes)
    return referral


def take_step(*, actor: User, referral: Referral, step: str, expected_version: int | None,
              prepare: Callable[[Referral], StepInput] | None = None, note: str = "") -> Referral:
    """Access check (logged, before the transaction), then lock, machine, the step's own checks, and the write."""
    side = require_step_access(actor=actor, referral=referral, step=step)
    note = clean_text(note, field="note", max_length=MAX_NOTE)
    with transaction.atomic():
        current = lock_referral(referral, expected_version)
        machine.next_status(current.status, step)  # the machine's refusal comes before any field's
        data = prepare(current) if prepare else StepInput()
        return record_step(actor=actor, referral=current, step=step, side=side, at=data.at, note=note,
                           fields=data.fields, attributes=data.attributes)

"""The receiving service's answers (in the inbox, or recorded by hand for services outside Polku), notes, expiry."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from polku.core.errors import DomainError
from polku.core.models import User
from polku.referrals import machine
from polku.referrals.models import Referral, ReferralStep
from polku.referrals.services.steps import (
    StepInput,
    clean_text,
    lock_referral,
    occurred_at_or_now,
    record_step,
    take_step,
)


def receive_referral(*, actor: User, referral: Referral, expected_version: int | None = None,
                     occurred_at: datetime | None = None) -> Referral:
    """The service has the referral; writes REFERRAL_RECEIVED."""
    return take_step(actor=actor, referral=referral, step=ReferralStep.RECEIVED, expected_version=expected_version,
                 prepare=lambda current: StepInput(at=occurred_at_or_now(current, occurred_at)))


def accept_referral(*, actor: User, referral: Referral, expected_version: int | None = None,
                    occurred_at: datetime | None = None, note: str = "") -> Referral:
    """The service takes the client on; at most once per referral (a database constraint); REFERRAL_ACCEPTED."""
    return take_step(actor=actor, referral=referral, step=ReferralStep.ACCEPTED, expected_version=expected_version,
                 note=note, prepare=lambda current: StepInput(at=occurred_at_or_now(current, occurred_at)))


def reject_referral(*, actor: User, referral: Referral, reason: str, expected_version: int | None = None,
                    occurred_at: datetime | None = None) -> Referral:
    """The service declines; the reason is required (the care team must know what to do next)."""
    reason = clean_text(reason, field="reason", max_length=1000, required=_("Write why the referral is rejected."))
    return take_step(actor=actor, referral=referral, step=ReferralStep.REJECTED, expected_version=expected_version,
                 prepare=lambda current: StepInput(at=occurred_at_or_now(current, occurred_at),
                                                    fields={"rejection_reason": reason},
                                                    attributes={"reason": reason}))


def book_appointment(*, actor: User, referral: Referral, appointment_at: datetime | None,
                     expected_version: int | None = None, occurred_at: datetime | None = None,
                     note: str = "") -> Referral:
    """The service gives the client an appointment time; writes APPOINTMENT_BOOKED with the time."""

    def prepare(current: Referral) -> StepInput:
        if appointment_at is None:
            raise DomainError("appointment_at_required", _("Give the date and time of the appointment."),
                              field="appointment_at")
        if current.sent_at and appointment_at < current.sent_at:
            raise DomainError("appointment_before_referral",
                              _("The appointment cannot be before the referral was sent."), field="appointment_at")
        # Recorded after the appointment already passed: the booking happened earlier, and its date is needed
        # so that the path stays in time order (booked, then held at the appointment time).
        if appointment_at <= timezone.now() and occurred_at is None:
            raise DomainError("booking_date_required",
                              _("The appointment has already passed: give the date it was booked."),
                              field="occurred_at")
        booked_at = occurred_at_or_now(current, occurred_at)
        if booked_at > appointment_at:
            raise DomainError("booked_after_appointment",
                              _("An appointment is booked before it takes place."), field="occurred_at")
        return StepInput(at=booked_at, fields={"appointment_at": appointment_at},
                          attributes={"appointment_at": appointment_at.isoformat()})

    return take_step(actor=actor, referral=referral, step=ReferralStep.APPOINTMENT_BOOKED,
                 expected_version=expected_version, note=note, prepare=prepare)


def _at_appointment(current: Referral, occurred_at: datetime | None) -> StepInput:
    """Held or missed happens at the appointment time, which must have come."""
    if occurred_at is None and current.appointment_at and current.appointment_at > timezone.now():
        raise DomainError("appointment_in_future",
                          _("The appointment is on %(date)s; record what happened after that.")
                          % {"date": date_format(timezone.localtime(current.appointment_at),
                                                 "SHORT_DATETIME_FORMAT")},
                          field="occurred_at")
    at = occurred_at_or_now(current, occurred_at, default=current.appointment_at)
    return StepInput(at=at, attributes={"appointment_at": current.appointment_at.isoformat()
                                         if current.appointment_at else None})


def record_appointment_held(*, actor: User, referral: Referral, expected_version: int | None = None,
                            occurred_at: datetime | None = None, note: str = "") -> Referral:
    """The client attended the first appointment; writes APPOINTMENT_HELD (the end of the referral's wait)."""
    return take_step(actor=actor, referral=referral, step=ReferralStep.APPOINTMENT_HELD,
                 expected_version=expected_version, note=note,
                 prepare=lambda current: _at_appointment(current, occurred_at))


def record_appointment_missed(*, actor: User, referral: Referral, expected_version: int | None = None,
                              occurred_at: datetime | None = None, note: str = "") -> Referral:
    """The client did not come: back to accepted, waiting for a new booking; writes APPOINTMENT_MISSED."""

    def prepare(current: Referral) -> StepInput:
        data = _at_appointment(current, occurred_at)
        data.fields["appointment_at"] = None
        return data

    return take_step(actor=actor, referral=referral, step=ReferralStep.APPOINTMENT_MISSED,
                 expected_version=expected_version, note=note, prepare=prepare)


def close_referral(*, actor: User, referral: Referral, expected_version: int | None = None,
                   occurred_at: datetime | None = None, note: str = "") -> Referral:
    """The referral has done its work (the client is in the service); writes REFERRAL_CLOSED."""
    return take_step(actor=actor, referral=referral, step=ReferralStep.CLOSED, expected_version=expected_version,
                 note=note, prepare=lambda current: StepInput(at=occurred_at_or_now(current, occurred_at)))


def record_missed_callback(*, actor: User, referral: Referral, expected_version: int | None = None,
                           occurred_at: datetime | None = None, note: str = "") -> Referral:
    """The service's call-back reached nobody and the slot was lost (PPMM); writes CALLBACK_MISSED, status unchanged."""
    return take_step(actor=actor, referral=referral, step=ReferralStep.CALLBACK_MISSED,
                 expected_version=expected_version, note=note,
                 prepare=lambda current: StepInput(at=occurred_at_or_now(current, occurred_at)))


def record_client_unreachable(*, actor: User, referral: Referral, expected_version: int | None = None,
                              occurred_at: datetime | None = None, note: str = "") -> Referral:
    """Nobody reached the client about this referral; writes CLIENT_UNREACHABLE, status unchanged."""
    return take_step(actor=actor, referral=referral, step=ReferralStep.CLIENT_UNREACHABLE,
                 expected_version=expected_version, note=note,
                 prepare=lambda current: StepInput(at=occurred_at_or_now(current, occurred_at)))


def expire_referral(*, referral: Referral, at: datetime, reason: str,
                    statuses: Iterable[str] = machine.WAITING) -> Referral | None:
    """Close a referral nobody moved (the break job); None when it moved meanwhile. Writes REFERRAL_EXPIRED."""
    with transaction.atomic():
        current = lock_referral(referral, None)
        if current.status not in statuses or current.status_changed_at != referral.status_changed_at:
            return None
        return record_step(actor=None, referral=current, step=ReferralStep.EXPIRED, side=machine.SYSTEM, at=at,
                            fields={"expire_reason": reason[:300]}, attributes={"reason": reason})

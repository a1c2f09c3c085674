"""Writes for referrals on the sender's side: draft with consent, send, withdraw, incoming; the step buttons' entry.

The service's answers and the notes live in `answers.py`; they are re-exported here, so that callers use
one module for every referral write.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from polku.casework.models import Client, ClientStatus
from polku.casework.services.path_events import record_path_event
from polku.core import access
from polku.core.errors import DomainError
from polku.core.models import AccessAction, User
from polku.referrals import machine
from polku.referrals.access import OBJECT_TYPE, require_step_access
from polku.referrals.events import ACTIVITY_OF_STEP
from polku.referrals.models import (
    DisclosureItem,
    Referral,
    ReferralConsent,
    ReferralDirection,
    ReferralService,
    ReferralStatus,
    ReferralStep,
    ReferralTransition,
    ReferralUrgency,
)
from polku.referrals.services.answers import (
    accept_referral,
    book_appointment,
    close_referral,
    expire_referral,
    receive_referral,
    record_appointment_held,
    record_appointment_missed,
    record_client_unreachable,
    record_missed_callback,
    reject_referral,
)
from polku.referrals.services.steps import StepInput, clean_text, lock_referral, record_step, take_step

__all__ = [
    "ConsentIn", "accept_referral", "book_appointment", "close_referral", "create_referral", "expire_referral",
    "receive_referral", "record_appointment_held", "record_appointment_missed", "record_client_unreachable",
    "record_consent", "record_incoming_referral", "record_missed_callback", "reject_referral", "send_referral",
    "take_referral_step", "withdraw_referral",
]

MAX_REASON = 2000


@dataclass(frozen=True)
class ConsentIn:
    """The client's consent as the worker records it: the checklist, when, in which language, to whom."""

    items: frozenset[str]
    given_at: datetime
    language: str
    recipient: str = ""


# --- validation -----------------------------------------------------------------------------------


def _check_service(*, actor: User, service: ReferralService | None) -> ReferralService:
    if service is None:
        raise DomainError("service_required", _("Choose the service the client is referred to."),
                          field="target_service")
    if not service.active:
        raise DomainError("service_inactive", _("This service no longer takes referrals."), field="target_service")
    # Referring a client to the worker's own team is no referral: nothing leaves the team and no path moves.
    if service.is_internal_team and service.organisation_id == actor.organisation_id:
        raise DomainError("own_team", _("This service is your own team. A referral goes to another service; "
                                        "plan a meeting instead."), field="target_service")
    return service


def _check_client(client: Client) -> None:
    if client.status != ClientStatus.ACTIVE:
        raise DomainError("client_not_active", _("Referrals are made only for active clients."))


def _check_urgency(urgency: str) -> str:
    if urgency not in ReferralUrgency.values:
        raise DomainError("invalid_urgency", _("Choose the urgency from the list."), field="urgency")
    return urgency


def _check_consent(consent: ConsentIn) -> ConsentIn:
    items = frozenset(consent.items)
    if not items <= set(DisclosureItem.values):
        raise DomainError("invalid_consent_item", _("Choose the disclosed information from the list."),
                          field="consent_items")
    if DisclosureItem.IDENTITY not in items:
        raise DomainError("consent_identity_required",
                          _("A referral always tells the service who the client is: tick the identity."),
                          field="consent_items")
    if consent.given_at > timezone.now():
        raise DomainError("consent_in_future", _("The consent cannot be given in the future."),
                          field="consent_given_at")
    language = clean_text(consent.language, field="consent_language", max_length=8,
                     required=_("Give the language in which the client was asked."))
    recipient = clean_text(consent.recipient, field="consent_recipient", max_length=300)
    return ConsentIn(items=items, given_at=consent.given_at, language=language, recipient=recipient)


# --- the sender's side ----------------------------------------------------------------------------


def create_referral(*, actor: User, client: Client, target_service: ReferralService | None, reason: str,
                    urgency: str = ReferralUrgency.ROUTINE, consent: ConsentIn | None = None,
                    send: bool = False) -> Referral:
    """Draft a referral for a client of the actor's care team, with the consent if given; `send` sends it too."""
    access.require_client_access(actor=actor, client_id=client.pk, action=AccessAction.WRITE, object_type=OBJECT_TYPE)
    _check_client(client)
    service = _check_service(actor=actor, service=target_service)
    reason = clean_text(reason, field="reason", max_length=MAX_REASON, required=_("Write the reason for the referral."))
    urgency = _check_urgency(urgency)
    consent = _check_consent(consent) if consent is not None else None
    if send and consent is None:
        raise _consent_required()
    with transaction.atomic():
        referral = Referral.objects.create(
            client=client, direction=ReferralDirection.OUTGOING, target_service=service,
            sending_organisation=actor.organisation, sent_by=actor, reason=reason, urgency=urgency,
            created_by=actor)
        if consent is not None:
            _save_consent(actor=actor, referral=referral, consent=consent)
        if send:
            referral = _send_locked(actor=actor, referral=lock_referral(referral, None))
    return referral


def _consent_required() -> DomainError:
    return DomainError("consent_required", _("Record the client's consent before sending the referral."),
                       field="consent")


def _save_consent(*, actor: User, referral: Referral, consent: ConsentIn) -> ReferralConsent:
    flags = {f"disclose_{item}": item in consent.items for item in DisclosureItem.values}
    row, _created = ReferralConsent.objects.update_or_create(referral=referral, defaults={
        **flags, "recipient": consent.recipient or referral.target_service.name_fi, "given_at": consent.given_at,
        "language": consent.language, "recorded_by": actor, "recorded_at": timezone.now()})
    return row


def record_consent(*, actor: User, referral: Referral, consent: ConsentIn,
                   expected_version: int | None = None) -> ReferralConsent:
    """Record the client's consent and the checklist of what may be disclosed; changeable only before sending."""
    access.require_client_access(actor=actor, client_id=referral.client_id, action=AccessAction.WRITE,
                                 object_type="referral_consent", object_id=referral.pk)
    consent = _check_consent(consent)
    with transaction.atomic():
        current = lock_referral(referral, expected_version)
        if current.status != ReferralStatus.DRAFT:
            raise DomainError("consent_after_sending",
                              _("The referral has been sent; the consent it was sent with cannot be changed."))
        row = _save_consent(actor=actor, referral=current, consent=consent)
        current.version += 1
        current.save(update_fields=["version"])
    return row


def _send_locked(*, actor: User, referral: Referral) -> Referral:
    consent = ReferralConsent.objects.filter(referral=referral).first()
    if consent is None:
        raise _consent_required()
    _check_service(actor=actor, service=referral.target_service)
    referral = record_step(actor=actor, referral=referral, step=ReferralStep.SENT, side=machine.SENDER,
                            fields={"sent_by": actor, "sending_organisation": actor.organisation},
                            attributes={"disclosed": consent.items})
    access.record_disclosure(
        actor=actor, client_id=referral.client_id, recipient=consent.recipient, purpose="referral",
        content=f"referral {referral.pk}: {', '.join(consent.items)}", channel="referral",
        legal_basis=f"client's consent given {timezone.localdate(consent.given_at).isoformat()} "
                    f"(asked in {consent.language})")
    return referral


def send_referral(*, actor: User, referral: Referral, expected_version: int | None = None) -> Referral:
    """Send a draft: needs the recorded consent; writes REFERRAL_SENT and the disclosure-log row."""
    require_step_access(actor=actor, referral=referral, step=ReferralStep.SENT)
    with transaction.atomic():
        current = lock_referral(referral, expected_version)
        machine.next_status(current.status, ReferralStep.SENT)
        return _send_locked(actor=actor, referral=current)


def withdraw_referral(*, actor: User, referral: Referral, reason: str,
                      expected_version: int | None = None) -> Referral:
    """The care team takes the referral back (any time before the appointment is held); the reason is required."""
    reason = clean_text(reason, field="reason", max_length=1000, required=_("Write why the referral is withdrawn."))
    return take_step(actor=actor, referral=referral, step=ReferralStep.WITHDRAWN, expected_version=expected_version,
                 prepare=lambda current: StepInput(fields={"withdraw_reason": reason},
                                                    attributes={"reason": reason}))


def record_incoming_referral(*, actor: User, client: Client, external_sender: str, reason: str,
                             urgency: str = ReferralUrgency.ROUTINE,
                             received_at: datetime | None = None) -> Referral:
    """Record a referral the care team received from outside Polku; it starts as received, writes REFERRAL_RECEIVED."""
    access.require_client_access(actor=actor, client_id=client.pk, action=AccessAction.WRITE, object_type=OBJECT_TYPE)
    _check_client(client)
    sender = clean_text(external_sender, field="external_sender", max_length=300, required=_("Name the sender."))
    reason = clean_text(reason, field="reason", max_length=MAX_REASON, required=_("Write the reason for the referral."))
    urgency = _check_urgency(urgency)
    at = received_at or timezone.now()
    if at > timezone.now():
        raise DomainError("occurred_in_future", _("This cannot be recorded as happened in the future."),
                          field="occurred_at")
    with transaction.atomic():
        referral = Referral.objects.create(
            client=client, direction=ReferralDirection.INCOMING, external_sender=sender, reason=reason,
            urgency=urgency, status=ReferralStatus.RECEIVED, created_by=actor, sent_by=actor, received_at=at,
            status_changed_at=at)
        attributes = {"referral_id": referral.pk, "step": ReferralStep.RECEIVED, "from_status": "",
                      "to_status": ReferralStatus.RECEIVED, "side": machine.SENDER, "direction": "incoming"}
        ReferralTransition.objects.create(referral=referral, step=ReferralStep.RECEIVED,
                                          to_status=ReferralStatus.RECEIVED, at=at, actor=actor,
                                          side=machine.SENDER, attributes=attributes)
        record_path_event(client=client, activity=ACTIVITY_OF_STEP[ReferralStep.RECEIVED], actor=actor, at=at,
                          subject=referral, service=sender, attributes=attributes)
    return referral


def take_referral_step(*, actor: User, referral: Referral, step: str, expected_version: int | None = None,
                       reason: str = "", note: str = "", appointment_at: datetime | None = None,
                       occurred_at: datetime | None = None) -> Referral:
    """Dispatch a step chosen on a page to its own service (each keeps its own rules)."""
    common = {"actor": actor, "referral": referral, "expected_version": expected_version}
    timed = {**common, "occurred_at": occurred_at}
    calls: dict[str, Callable[[], Referral]] = {
        ReferralStep.SENT: lambda: send_referral(**common),
        ReferralStep.WITHDRAWN: lambda: withdraw_referral(**common, reason=reason),
        ReferralStep.RECEIVED: lambda: receive_referral(**timed),
        ReferralStep.ACCEPTED: lambda: accept_referral(**timed, note=note),
        ReferralStep.REJECTED: lambda: reject_referral(**timed, reason=reason),
        ReferralStep.APPOINTMENT_BOOKED: lambda: book_appointment(**timed, appointment_at=appointment_at, note=note),
        ReferralStep.APPOINTMENT_HELD: lambda: record_appointment_held(**timed, note=note),
        ReferralStep.APPOINTMENT_MISSED: lambda: record_appointment_missed(**timed, note=note),
        ReferralStep.CLOSED: lambda: close_referral(**timed, note=note),
        ReferralStep.CALLBACK_MISSED: lambda: record_missed_callback(**timed, note=note),
        ReferralStep.CLIENT_UNREACHABLE: lambda: record_client_unreachable(**timed, note=note),
    }
    if step not in calls:
        raise DomainError("unknown_step", _("This step cannot be taken by hand."))
    return calls[step]()

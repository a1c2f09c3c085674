"""Who hears of a booking change, and what they are told: written to the outbox inside the change's transaction.

Staff messages carry no clinical content and, except to the interpreter when the client agreed, not the
client's name: the booking number identifies the case. The client gets the letter in their language, and
only through a channel they consented to.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from polku.core.models import User
from polku.core.roles import Role
from polku.interpreting.letters import render_letter
from polku.interpreting.models import Booking, MessageKind, OutboxMessage, RecipientKind

# Which letter a client receives for which change.
CLIENT_LETTER_KIND = {MessageKind.CONFIRMED: "confirmation", MessageKind.CHANGED: "change",
                      MessageKind.CANCELLED: "cancellation", MessageKind.REMINDER: "reminder"}


def dispatchers_of(booking: Booking) -> list[User]:
    """The active dispatchers of the booking's interpreter centre."""
    return list(User.objects.filter(organisation_id=booking.centre_id, role=Role.INTERPRETER_DISPATCHER,
                                    is_active=True))


def _staff_text(booking: Booking, *, kind: str, for_interpreter: bool, note: str = "") -> tuple[str, str]:
    start = timezone.localtime(booking.starts_at)
    end = timezone.localtime(booking.ends_at)
    subject = _("Interpreter booking %(reference)s: %(event)s") % {
        "reference": booking.reference, "event": MessageKind(kind).label}
    lines = [
        _("Booking: %(reference)s") % {"reference": booking.reference},
        _("Status: %(status)s") % {"status": booking.get_status_display()},
        _("Time: %(day)s %(start)s–%(end)s") % {"day": f"{start:%d.%m.%Y}", "start": f"{start:%H:%M}",
                                                "end": f"{end:%H:%M}"},
        _("Language: %(language)s %(dialect)s") % {"language": booking.language, "dialect": booking.dialect},
        _("Mode: %(mode)s") % {"mode": booking.get_mode_display()},
    ]
    if booking.address:
        lines.append(_("Address: %(address)s") % {"address": booking.address})
    if booking.remote_details:
        lines.append(_("Phone or video: %(details)s") % {"details": booking.remote_details})
    if booking.contact_person:
        lines.append(_("Ask for: %(person)s %(phone)s") % {"person": booking.contact_person,
                                                           "phone": booking.contact_phone})
    if booking.interpreter_id:
        lines.append(_("Interpreter: %(name)s") % {"name": booking.interpreter.name})
    if for_interpreter and booking.share_client_name:
        lines.append(_("Client (for your conflict-of-interest check): %(name)s") % {
            "name": booking.client.display_name})
    if note:
        lines.append(_("Note: %(note)s") % {"note": note})
    return subject, "\n".join(line.strip() for line in lines)


def _staff_message(booking: Booking, *, kind: str, recipient_kind: str, user: User | None, address: str,
                   language: str, ics: str = "", note: str = "", dedupe_key: str | None = None) -> OutboxMessage:
    with translation.override(language):
        subject, body = _staff_text(booking, kind=kind, for_interpreter=recipient_kind == RecipientKind.INTERPRETER,
                                    note=note)
    return OutboxMessage(booking=booking, kind=kind, recipient_kind=recipient_kind, recipient_user=user,
                         recipient_address=address, language=language, subject=subject, body=body, ics=ics,
                         dedupe_key=dedupe_key)


def client_channel(booking: Booking) -> str:
    """The address the client consented to be messaged at, or "" (then the worker hands over the letter)."""
    client = booking.client
    if client.consent_email and client.email:
        return client.email
    if client.consent_sms and client.phone:
        return client.phone
    return ""


def notify(booking: Booking, *, kind: str, to: Iterable[str], ics_by_language: dict[str, str] | None = None,
           note: str = "", dedupe_suffix: str | None = None) -> list[OutboxMessage]:
    """Write one message per affected person; `to` names the recipient kinds (worker, dispatcher, ...)."""
    ics_by_language = ics_by_language or {}
    to = set(to)
    messages: list[OutboxMessage] = []

    def key(recipient: str) -> str | None:
        return f"{booking.pk}:{kind}:{recipient}:{dedupe_suffix}" if dedupe_suffix else None

    if RecipientKind.WORKER in to:
        worker = booking.requested_by
        language = worker.preferred_language or "fi"
        messages.append(_staff_message(booking, kind=kind, recipient_kind=RecipientKind.WORKER, user=worker,
                                       address=worker.email, language=language,
                                       ics=ics_by_language.get(language, ""), note=note,
                                       dedupe_key=key(f"worker{worker.pk}")))
    if RecipientKind.DISPATCHER in to:
        for dispatcher in dispatchers_of(booking):
            messages.append(_staff_message(booking, kind=kind, recipient_kind=RecipientKind.DISPATCHER,
                                           user=dispatcher, address=dispatcher.email,
                                           language=dispatcher.preferred_language or "fi", note=note,
                                           dedupe_key=key(f"dispatcher{dispatcher.pk}")))
    if RecipientKind.INTERPRETER in to and booking.interpreter_id:
        interpreter = booking.interpreter
        user = interpreter.user
        language = (user.preferred_language if user else "") or "fi"
        messages.append(_staff_message(booking, kind=kind, recipient_kind=RecipientKind.INTERPRETER, user=user,
                                       address=interpreter.email or (user.email if user else ""), language=language,
                                       ics=ics_by_language.get(language, ""), note=note,
                                       dedupe_key=key(f"interpreter{interpreter.pk}")))
    if RecipientKind.CLIENT in to and kind in CLIENT_LETTER_KIND:
        address = client_channel(booking)
        if address:
            letter = render_letter(booking, kind=CLIENT_LETTER_KIND[kind])
            messages.append(OutboxMessage(
                booking=booking, kind=kind, recipient_kind=RecipientKind.CLIENT, recipient_address=address,
                language=letter.language, subject=letter.subject, body=letter.text, html_body=letter.html,
                ics=ics_by_language.get(letter.language, ""), dedupe_key=key("client")))
    # A repeated reminder run meets the unique dedupe key and is skipped, not an error.
    OutboxMessage.objects.bulk_create(messages, ignore_conflicts=dedupe_suffix is not None)
    return messages

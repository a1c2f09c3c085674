"""Who hears of an enrolment or event change, and the calendar messages: written inside the change's transaction.

Messages go to the shared outbox of the interpreting app (kind "training.<event>"), in the recipient's
preferred language, with a link back into Polku; a rolled-back change therefore sends nothing.
"""

from __future__ import annotations

from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from polku.core.errors import DomainError
from polku.interpreting.models import OutboxMessage, RecipientKind
from polku.trainings.ics import build_invitation, event_uid, read_invitation
from polku.trainings.models import CalendarMethod, Enrolment, InvitationIssue, TrainingEvent


def issue_invitation(enrolment: Enrolment, *, method: str) -> str:
    """Record the participant's next calendar message (same UID, SEQUENCE one higher) and return its text.

    A CANCEL to someone who never received a REQUEST is not produced: there is nothing in their calendar.
    """
    event = enrolment.event
    uid = event_uid(event)
    earlier = InvitationIssue.objects.filter(enrolment=enrolment)
    if earlier.exclude(uid=uid).exists():
        raise DomainError("calendar_uid_mismatch",
                          _("The calendar invitation could not be made because of an error in Polku, so "
                            "nothing was saved. Please tell the Polku administrator."))
    last = earlier.aggregate(last=Max("sequence"))["last"]
    if method == CalendarMethod.CANCEL and last is None:
        return ""
    sequence = 0 if last is None else last + 1
    user = enrolment.user
    content = build_invitation(event, method=method, sequence=sequence, attendee_name=user.get_full_name() or
                               user.username, attendee_email=user.email, language=user.preferred_language).decode()
    parsed = read_invitation(content)
    if parsed["uid"] != uid or parsed["sequence"] != sequence:  # belt and braces: check what we produced
        raise DomainError("calendar_uid_mismatch", _("The calendar message could not be produced correctly."))
    InvitationIssue.objects.create(enrolment=enrolment, uid=uid, sequence=sequence, method=method, content=content)
    return content


def _when(event: TrainingEvent) -> str:
    start = timezone.localtime(event.starts_at)
    end = timezone.localtime(event.ends_at)
    return f"{start:%d.%m.%Y %H:%M}–{end:%H:%M}" if start.date() == end.date() else \
        f"{start:%d.%m.%Y %H:%M} – {end:%d.%m.%Y %H:%M}"


# The subject of each notification kind, as a lazy lookup so it is translated in the recipient's language.
def _subject(kind: str) -> str:
    return {
        "enrolled": _("You are enrolled: %(title)s"),
        "waitlisted": _("You are on the waiting list: %(title)s"),
        "promoted": _("A place opened up for you: %(title)s"),
        "enrolment_cancelled": _("Your enrolment is cancelled: %(title)s"),
        "event_cancelled": _("Event cancelled: %(title)s"),
        "event_changed": _("Event changed: %(title)s"),
    }[kind]


def notify(enrolment: Enrolment, *, kind: str, ics: str = "", reason: str = "") -> OutboxMessage:
    """One outbox row for the participant, in their preferred language."""
    user = enrolment.user
    event = enrolment.event
    language = user.preferred_language or "fi"
    with translation.override(language):
        subject = _subject(kind) % {"title": event.title}
        lines = [subject, _("Time: %(when)s") % {"when": _when(event)}]
        lines.append(_("Place: %(place)s") % {"place": event.place or event.online_url})
        lines.append(_("Organiser: %(organiser)s") % {"organiser": event.organiser_name})
        if reason:
            lines.append(_("Reason: %(reason)s") % {"reason": reason})
        if ics:
            lines.append(_("The calendar entry is attached."))
    return OutboxMessage.objects.create(
        kind=f"training.{kind}", recipient_kind=RecipientKind.PROFESSIONAL, recipient_user=user,
        recipient_address=user.email, language=language, subject=subject[:300], body="\n".join(lines), ics=ics,
        link=reverse("trainings:event_detail", args=[event.pk]))

"""Consultation notifications, written to the shared outbox inside the change's transaction.

One row per recipient serves both channels: in-app (the notifications page reads rows by recipient_user)
and e-mail when the user has an address. Texts are in the recipient's preferred language and carry no
case description, only the title, the reference and a link.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse
from django.utils import dateformat, translation
from django.utils.translation import gettext as _

from polku.core.models import User
from polku.interpreting.models import OutboxMessage, RecipientKind
from polku.interpreting.outbox import deliver_after_commit
from polku.network.deadlines import due_day
from polku.network.models import Consultation


def _texts(event: str, consultation: Consultation) -> tuple[str, str]:
    names = {"reference": consultation.reference, "title": consultation.title,
             "date": dateformat.format(due_day(consultation.due_at), "j.n.Y")}
    subjects = {
        "routed": _("New consultation request %(reference)s: %(title)s"),
        "escalated": _("Consultation request %(reference)s moved to national level: %(title)s"),
        "reminder": _("Reminder: the answer to consultation request %(reference)s is due on %(date)s: %(title)s"),
        "answered": _("Your consultation request %(reference)s has an answer: %(title)s"),
        "message": _("New message in consultation %(reference)s: %(title)s"),
        "closed": _("Consultation %(reference)s was closed: %(title)s"),
    }
    subject = subjects[event] % names
    body = "\n".join([
        subject,
        _("Urgency: %(urgency)s") % {"urgency": consultation.get_urgency_display()},
        _("Open it in Polku: %(link)s") % {"link": reverse("network:detail", args=[consultation.pk])},
    ])
    return subject, body


def notify(*, event: str, consultation: Consultation, users: Iterable[User], dedupe: str = "") -> int:
    """Write one outbox message per user (kind consultation.<event>); with `dedupe`, at most one per user ever."""
    rows = []
    link = reverse("network:detail", args=[consultation.pk])
    for user in users:
        key = f"consultation:{consultation.pk}:{dedupe}:{user.pk}" if dedupe else None
        if key and OutboxMessage.objects.filter(dedupe_key=key).exists():
            continue
        language = user.preferred_language or "fi"
        with translation.override(language):
            subject, body = _texts(event, consultation)
        rows.append(OutboxMessage(kind=f"consultation.{event}", recipient_kind=RecipientKind.PROFESSIONAL,
                                  recipient_user=user, recipient_address=user.email, language=language,
                                  subject=subject, body=body, link=link, dedupe_key=key))
    OutboxMessage.objects.bulk_create(rows)
    if rows:
        deliver_after_commit()
    return len(rows)

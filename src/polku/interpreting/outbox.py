"""Delivering the outbox through a pluggable backend. The demo writes files (and can print to the console).

Services only write OutboxMessage rows inside their transaction (so a rolled-back change sends nothing);
`deliver_pending` runs after commit or from `polku send_outbox`, and a failed delivery stays pending.
Choose the backend with the setting POLKU_OUTBOX_BACKEND (a dotted path; from the environment `file` or
`email`); the default is FileBackend. EmailBackend sends through Django's e-mail (SMTP, the EMAIL_* settings).
A failed message waits longer after each failure (retry_delay) and is retried until it is sent.
"""

from __future__ import annotations

import logging
import re
import sys
from datetime import timedelta
from email.mime.text import MIMEText
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from polku import config
from polku.interpreting.models import OutboxMessage

DEFAULT_BACKEND = "polku.interpreting.outbox.FileBackend"
# Waits after the 1st, 2nd, ... failure: 2, 4, 8 ... minutes, at most 6 hours; never given up (retention
# removes old messages), so that a mail server down over a weekend delays messages but loses none.
FIRST_RETRY_MINUTES = 2
LONGEST_RETRY = timedelta(hours=6)
logger = logging.getLogger(__name__)


class Backend(Protocol):
    def send(self, message: OutboxMessage) -> None: ...


class FileBackend:
    """Writes each message as a text file (and its .ics beside it) under var/outbox/."""

    def __init__(self, directory: Path | None = None):
        self.directory = Path(directory or getattr(settings, "POLKU_OUTBOX_DIR", config.VAR_DIR / "outbox"))

    def send(self, message: OutboxMessage) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        stem = f"{message.created_at:%Y%m%dT%H%M%S}-{message.pk:08d}-{message.kind}-{message.recipient_kind}"
        header = (f"To: {message.recipient_address or '(in-app)'}\nLanguage: {message.language}\n"
                  f"Subject: {message.subject}\n\n")
        (self.directory / f"{stem}.txt").write_text(header + message.body + "\n", encoding="utf-8")
        if message.html_body:
            (self.directory / f"{stem}.html").write_text(message.html_body, encoding="utf-8")
        if message.ics:
            (self.directory / f"{stem}.ics").write_text(message.ics, encoding="utf-8")


class NoChannel(Exception):
    """The message's address is of a kind no configured backend delivers (a phone number: no SMS service)."""


CALENDAR_METHOD = re.compile(r"^METHOD:(\w+)\s*$", re.MULTILINE)


class EmailBackend:
    """Sends each message that has an e-mail address through Django's e-mail backend (SMTP by default).

    The text is the message's body, with its HTML version as an alternative and its calendar event as a
    text/calendar part (the iTIP method from the event, so that calendar programs offer to add or cancel it).
    A message without an address is in-app only: nothing to send. A phone number raises NoChannel: Polku
    ships no SMS service, and the message stays pending with that reason rather than counting as sent.
    """

    def __init__(self, connection=None):
        self.connection = connection  # None: Django opens one per message from the EMAIL_* settings

    def send(self, message: OutboxMessage) -> None:
        address = message.recipient_address.strip()
        if not address:
            return
        if "@" not in address:
            raise NoChannel("no SMS service is configured for messages to phone numbers")
        email = EmailMultiAlternatives(subject=message.subject, body=message.body, to=[address],
                                       connection=self.connection,
                                       headers={"Auto-Submitted": "auto-generated",  # RFC 3834: no auto-replies
                                                "Content-Language": message.language})
        if message.html_body:
            email.attach_alternative(message.html_body, "text/html")
        if message.ics:
            calendar = MIMEText(message.ics, "calendar", "utf-8")
            found = CALENDAR_METHOD.search(message.ics)
            if found:
                calendar.set_param("method", found.group(1))
            calendar.add_header("Content-Disposition", "attachment", filename="event.ics")
            email.attach(calendar)
        email.send(fail_silently=False)


class ConsoleBackend:
    """Prints each message to standard output (for `polku send_outbox --console` in a demo)."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def send(self, message: OutboxMessage) -> None:
        self.stream.write(f"--- {message.kind} to {message.recipient_kind} {message.recipient_address or ''}\n"
                          f"Subject: {message.subject}\n{message.body}\n")


class MemoryBackend:
    """Keeps sent messages in a list: for tests of delivery itself."""

    sent: list[OutboxMessage] = []

    def send(self, message: OutboxMessage) -> None:
        MemoryBackend.sent.append(message)


def get_backend() -> Backend:
    """The configured backend instance."""
    return import_string(getattr(settings, "POLKU_OUTBOX_BACKEND", DEFAULT_BACKEND))()


def retry_delay(failures: int) -> timedelta:
    """How long to wait after the given number of failed attempts (1, 2, ...)."""
    return min(timedelta(minutes=FIRST_RETRY_MINUTES * 2 ** (min(failures, 16) - 1)), LONGEST_RETRY)


def deliver_pending(*, backend: Backend | None = None, limit: int = 500) -> tuple[int, int]:
    """Send unsent messages that are due, oldest first; returns (sent, failed). A failure is recorded and the
    message retried after retry_delay.

    Each message is locked while it is sent, and a runner skips a locked one: the loop of `polku send_outbox`
    and a request's delivery after commit may run at once, and neither may send a message the other is
    sending (PostgreSQL; SQLite, the demo's database, ignores the lock). If the database fails after the
    mail server took a message, it stays unsent and goes again: at least once, never silently lost.
    """
    backend = backend or get_backend()
    sent = failed = 0
    now = timezone.now()
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    candidates = list(OutboxMessage.objects.filter(due, sent_at__isnull=True).order_by("created_at", "id")
                      .values_list("pk", flat=True)[:limit])
    for pk in candidates:
        with transaction.atomic():
            message = (OutboxMessage.objects.select_for_update(skip_locked=True)
                       .filter(due, pk=pk, sent_at__isnull=True).first())
            if message is None:  # sent, or being sent, by another runner since the list was read
                continue
            try:
                backend.send(message)
            except Exception as exc:  # any backend failure leaves the message pending; a later run retries it
                failures = message.attempts + 1
                OutboxMessage.objects.filter(pk=message.pk).update(
                    attempts=failures, last_error=f"{type(exc).__name__}: {exc}"[:300],
                    next_attempt_at=timezone.now() + retry_delay(failures))
                failed += 1
                continue
            OutboxMessage.objects.filter(pk=message.pk).update(sent_at=timezone.now(), attempts=message.attempts + 1)
            sent += 1
    return sent, failed


def _deliver_quietly() -> None:
    try:
        deliver_pending()
    except Exception:  # the change is committed; an undelivered message stays pending for `polku send_outbox`
        logger.exception("outbox delivery after commit failed; messages stay pending")


def deliver_after_commit() -> None:
    """Ask for delivery once the current transaction commits (nothing is sent for a rolled-back change).

    A failure here must never look like a failure of the change itself, which has already been committed.
    """
    if getattr(settings, "POLKU_OUTBOX_DELIVER_ON_COMMIT", True):
        transaction.on_commit(_deliver_quietly, robust=True)

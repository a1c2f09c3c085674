"""Delivering the outbox through a pluggable backend. The demo writes files (and can print to the console).

Services only write OutboxMessage rows inside their transaction (so a rolled-back change sends nothing);
`deliver_pending` runs after commit or from `polku send_outbox`, and a failed delivery stays pending.
Choose the backend with the setting POLKU_OUTBOX_BACKEND (a dotted path); the default is FileBackend.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from polku import config
from polku.interpreting.models import OutboxMessage

DEFAULT_BACKEND = "polku.interpreting.outbox.FileBackend"
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


def deliver_pending(*, backend: Backend | None = None, limit: int = 500) -> tuple[int, int]:
    """Send unsent messages, oldest first; returns (sent, failed). A failure is recorded and retried later."""
    backend = backend or get_backend()
    sent = failed = 0
    for message in OutboxMessage.objects.filter(sent_at__isnull=True).order_by("created_at", "id")[:limit]:
        try:
            backend.send(message)
        except Exception as exc:  # any backend failure leaves the message pending; the next run retries it
            OutboxMessage.objects.filter(pk=message.pk).update(attempts=message.attempts + 1,
                                                              last_error=str(exc)[:300])
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

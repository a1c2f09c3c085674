"""Delivery runners: `polku send_outbox --loop`, and two runners at once never sending one message twice."""

from __future__ import annotations

import threading
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from polku.interpreting.management.commands import send_outbox
from polku.interpreting.models import OutboxMessage
from polku.interpreting.outbox import MemoryBackend, deliver_pending


class StopLoop(Exception):
    pass


# transaction=True: the loop closes connections as a request does, which a test inside a transaction cannot
# survive; without the test's transaction it runs as in production.
@pytest.mark.django_db(transaction=True)
def test_the_loop_delivers_what_arrives_between_rounds_until_stopped(settings, monkeypatch):
    settings.POLKU_OUTBOX_BACKEND = "polku.interpreting.outbox.MemoryBackend"
    MemoryBackend.sent = []
    first = OutboxMessage.objects.create(kind="reminder", recipient_kind="worker", subject="1", body="b")
    rounds = []

    def sleep(seconds):
        rounds.append(seconds)
        if len(rounds) == 1:
            OutboxMessage.objects.create(kind="reminder", recipient_kind="worker", subject="2", body="b")
        if len(rounds) == 3:
            raise StopLoop

    monkeypatch.setattr(send_outbox.time, "sleep", sleep)
    out = StringIO()
    with pytest.raises(StopLoop):
        call_command("send_outbox", "--loop", "30", stdout=out)

    assert rounds == [30, 30, 30]
    assert [m.subject for m in MemoryBackend.sent] == ["1", "2"]
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()
    assert out.getvalue().splitlines() == ["outbox: 1 sent, 0 failed", "outbox: 1 sent, 0 failed"]  # quiet round 3
    assert first.pk


@pytest.mark.django_db
def test_a_negative_loop_is_refused():
    with pytest.raises(CommandError, match="--loop must be 0"):
        call_command("send_outbox", "--loop", "-1")


@pytest.mark.django_db(transaction=True)
def test_two_runners_at_once_never_send_the_same_message_twice():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite (the demo database) has no row locks; CI runs this test on PostgreSQL")
    messages = [OutboxMessage.objects.create(kind="reminder", recipient_kind="worker", subject=str(n), body="b",
                                             recipient_address=f"worker{n}@example.invalid") for n in range(6)]
    sends = Counter()
    holding_the_first = threading.Event()
    release = threading.Event()

    class Slow:
        """Holds the oldest message (and its lock) until the other runner has finished."""

        def send(self, message):
            sends[message.pk] += 1
            if message.pk == messages[0].pk:
                holding_the_first.set()
                assert release.wait(30)

    class Quick:
        def send(self, message):
            sends[message.pk] += 1

    results = {}

    def first_runner():
        try:
            results["first"] = deliver_pending(backend=Slow())
        finally:
            connection.close()

    thread = threading.Thread(target=first_runner)
    thread.start()
    assert holding_the_first.wait(30)
    results["second"] = deliver_pending(backend=Quick())
    release.set()
    thread.join(30)

    assert results == {"first": (1, 0), "second": (5, 0)}  # the second skipped the locked one
    assert sends == Counter({m.pk: 1 for m in messages})
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()

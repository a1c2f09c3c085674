"""The e-mail outbox (polku.interpreting.outbox.EmailBackend) against a real SMTP server on loopback (aiosmtpd),
and the growing wait before a failed message is tried again."""

from __future__ import annotations

import email
import socket
from datetime import timedelta
from email import policy

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.utils import timezone

from polku.interpreting.models import OutboxMessage
from polku.interpreting.outbox import EmailBackend, deliver_pending, retry_delay
from tests.interpreting.conftest import NOW, at
from tests.interpreting.test_bookings import confirmed

pytestmark = pytest.mark.django_db


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Recorder:
    """aiosmtpd handler: keeps what it accepted; refuses the recipients in `refuse` with 550."""

    def __init__(self):
        self.received: list[tuple[str, list[str], bytes]] = []
        self.refuse: set[str] = set()
        self.port = free_port()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)  # a stopped one cannot restart
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 Message accepted"

    def message_to(self, address: str) -> email.message.EmailMessage:
        [content] = [content for _sender, to, content in self.received if to == [address]]
        return email.message_from_bytes(content, policy=policy.default)


@pytest.fixture
def smtp(settings):
    recorder = Recorder()
    recorder.start()
    # pytest-django swaps Django's e-mail for an in-memory list; these tests need the real SMTP client.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", recorder.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.DEFAULT_FROM_EMAIL = "polku@hyvinvointialue.example"
    settings.POLKU_OUTBOX_BACKEND = "polku.interpreting.outbox.EmailBackend"
    try:
        yield recorder
    finally:
        recorder.stop()


@pytest.fixture
def clock():
    with time_machine.travel(at(*NOW), tick=False) as traveller:
        yield traveller


@pytest.fixture
def booking(clock, nurse, client_record, centre, dispatcher, interpreter_user, amira):
    nurse.email = "hoitaja@hyvinvointialue.example"
    nurse.save()
    amira.email = "amira@tulkkikeskus.example"
    amira.save()
    client_record.email, client_record.consent_email = "amal@example.invalid", True
    client_record.save()
    return confirmed(nurse, client_record, centre, dispatcher, interpreter_user, amira, share_client_name=True)


def unix(text: str) -> str:
    """SMTP carries lines ending in CRLF; the stored texts end theirs in LF (the .ics already in CRLF)."""
    return text.replace("\r\n", "\n").strip()


def pending() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(sent_at__isnull=True))


def test_each_message_with_an_address_arrives_whole_over_smtp_and_in_app_ones_count_as_sent(booking, smtp):
    OutboxMessage.objects.create(kind="consultation.answered", recipient_kind="professional", recipient_address="",
                                 subject="Vastaus", body="Konsultaatioon on vastattu", link="/konsultaatio/")
    messages = list(OutboxMessage.objects.all())
    addressed = {m.recipient_address for m in messages if m.recipient_address}
    assert {"hoitaja@hyvinvointialue.example", "amira@tulkkikeskus.example", "amal@example.invalid"} <= addressed

    sent, failed = deliver_pending()

    assert (sent, failed) == (len(messages), 0)
    assert pending() == []
    assert sorted(to for _sender, [to], _content in smtp.received) == sorted(
        m.recipient_address for m in messages if m.recipient_address)
    assert {sender for sender, _to, _content in smtp.received} == {"polku@hyvinvointialue.example"}

    letter = OutboxMessage.objects.get(booking=booking, recipient_kind="client", kind="confirmed")
    received = smtp.message_to("amal@example.invalid")
    assert received["Subject"] == letter.subject  # Arabic: encoded on the wire, the same text decoded
    assert (received["From"], received["To"]) == ("polku@hyvinvointialue.example", "amal@example.invalid")
    assert received["Auto-Submitted"] == "auto-generated" and received["Content-Language"] == letter.language
    text = received.get_body(preferencelist=("plain",))
    html = received.get_body(preferencelist=("html",))
    assert unix(text.get_content()) == unix(letter.body)
    assert unix(html.get_content()) == unix(letter.html_body)
    [calendar] = [part for part in received.walk() if part.get_content_type() == "text/calendar"]
    assert calendar.get_param("method") == "REQUEST" and calendar.get_filename() == "event.ics"
    assert unix(calendar.get_content()) == unix(letter.ics)
    assert "BEGIN:VEVENT" in letter.ics


def test_a_message_to_a_phone_number_stays_pending_with_the_reason_and_waits_longer_after_each_try(
        clock, booking, smtp, client_record):
    OutboxMessage.objects.all().delete()
    message = OutboxMessage.objects.create(booking=booking, kind="reminder", recipient_kind="client",
                                           recipient_address="+358401234567", subject="Muistutus", body="Huomenna")

    assert deliver_pending() == (0, 1)
    message.refresh_from_db()
    assert message.sent_at is None and message.attempts == 1
    assert message.last_error == "NoChannel: no SMS service is configured for messages to phone numbers"
    assert message.next_attempt_at == timezone.now() + timedelta(minutes=2)

    assert deliver_pending() == (0, 0)  # not due yet: not tried
    clock.shift(timedelta(minutes=2))
    assert deliver_pending() == (0, 1)
    message.refresh_from_db()
    assert message.attempts == 2 and message.next_attempt_at == timezone.now() + timedelta(minutes=4)
    assert smtp.received == []


def test_a_mail_server_that_is_down_loses_nothing_and_a_later_run_delivers_everything(clock, booking, smtp):
    smtp.stop()
    addressed = OutboxMessage.objects.exclude(recipient_address="").count()

    sent, failed = deliver_pending()

    assert failed == addressed and sent == OutboxMessage.objects.count() - addressed  # in-app ones are done
    assert {m.last_error.split(":")[0] for m in pending()} == {"ConnectionRefusedError"}
    smtp.start()
    clock.shift(timedelta(minutes=2))
    assert deliver_pending() == (addressed, 0)
    assert pending() == [] and len(smtp.received) == addressed


def test_a_refused_recipient_stays_pending_while_the_others_are_delivered(booking, smtp):
    smtp.refuse.add("amal@example.invalid")

    sent, failed = deliver_pending()

    assert failed == 1 and sent == OutboxMessage.objects.count() - 1
    [refused] = pending()
    assert refused.recipient_address == "amal@example.invalid"
    assert refused.last_error.startswith("SMTPRecipientsRefused:") and "550" in refused.last_error


def test_messages_that_keep_failing_do_not_hold_up_the_ones_behind_them(clock, booking, smtp):
    OutboxMessage.objects.all().delete()
    for number in range(3):
        OutboxMessage.objects.create(kind="reminder", recipient_kind="client", recipient_address=f"+35840{number}",
                                     subject="s", body="b", created_at=timezone.now() - timedelta(hours=1))
    newest = OutboxMessage.objects.create(kind="reminder", recipient_kind="worker",
                                          recipient_address="hoitaja@hyvinvointialue.example", subject="s", body="b")

    assert deliver_pending(limit=3) == (0, 3)  # the three oldest, all failing
    assert deliver_pending(limit=3) == (1, 0)  # they wait now; the newer message goes
    newest.refresh_from_db()
    assert newest.sent_at is not None


def test_the_wait_doubles_from_two_minutes_up_to_six_hours():
    # Literal minutes, not computed with the code's formula.
    assert [retry_delay(failures) / timedelta(minutes=1) for failures in range(1, 12)] == [
        2, 4, 8, 16, 32, 64, 128, 256, 360, 360, 360]
    assert retry_delay(10_000) == timedelta(hours=6)


def test_an_in_app_message_sends_nothing_and_needs_no_mail_server(settings):
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens there
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EmailBackend().send(OutboxMessage(kind="consultation.answered", recipient_kind="professional",
                                      recipient_address="", subject="s", body="b"))

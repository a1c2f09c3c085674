"""Confirmations: .ics round trip (RFC 5545 via icalendar), one UID with rising SEQUENCE, letters in every
listed language with the right direction, reminders the day before through the outbox."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from icalendar import Calendar

from polku.core.errors import DomainError
from polku.interpreting.ics import booking_uid, read_event
from polku.interpreting.letters import render_letter, supported_languages, table
from polku.interpreting.models import CalendarIssue, OutboxMessage
from polku.interpreting.outbox import deliver_pending
from polku.interpreting.services.bookings import cancel_booking, change_booking
from tests.interpreting.conftest import at
from tests.interpreting.test_bookings import book, confirmed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

LISTED = ["fi", "sv", "en", "ar", "fa", "prs", "ckb", "kmr", "so", "ru", "uk", "sq", "bs", "et", "ti"]
RTL = {"ar", "fa", "prs", "ckb"}


@pytest.fixture
def booking(nurse, client_record, centre, dispatcher, interpreter_user, amira):
    client_record.email, client_record.consent_email = "amal@example.invalid", True
    client_record.save()
    return confirmed(nurse, client_record, centre, dispatcher, interpreter_user, amira, share_client_name=True,
                     mental_health=True)


def test_the_confirmation_ics_round_trips_through_icalendar_with_the_meetings_time_and_place(booking):
    issue = CalendarIssue.objects.get(booking=booking)

    calendar = Calendar.from_ical(issue.content)
    assert calendar["METHOD"] == "REQUEST" and calendar["VERSION"] == "2.0" and calendar["PRODID"]
    event = read_event(issue.content)
    assert event["uid"] == booking_uid(booking) == issue.uid
    assert event["sequence"] == 0 and event["status"] == "CONFIRMED"
    assert event["start"] == at(2026, 3, 12, 10, 0)
    assert event["end"] == at(2026, 3, 12, 11, 0)  # the meeting itself, not the interpreter's double time
    assert event["location"] == "Yliopistonkatu 1 A, 3rd floor, room 301"
    # re-serialising the parsed calendar gives the same event (a calendar import would see the same)
    again = read_event(Calendar.from_ical(issue.content).to_ical())
    assert again == event


def test_updates_and_cancellation_keep_the_uid_and_raise_the_sequence(nurse, booking):
    change_booking(actor=nurse, booking=booking, starts_at=at(2026, 3, 13, 9, 0), ends_at=at(2026, 3, 13, 10, 0),
                   address="Yliopistonkatu 1 A, room 302", contact_person="Nurse Testinen")
    cancel_booking(actor=nurse, booking=booking, reason="The client moved away")

    events = [read_event(issue.content) for issue in CalendarIssue.objects.filter(booking=booking)]
    assert {e["uid"] for e in events} == {booking_uid(booking)}
    assert [e["sequence"] for e in events] == [0, 1, 2]
    assert [e["method"] for e in events] == ["REQUEST", "REQUEST", "CANCEL"]
    assert events[-1]["status"] == "CANCELLED"
    attached = OutboxMessage.objects.filter(booking=booking, kind="cancelled").exclude(ics="")
    assert attached.exists()
    assert all(read_event(m.ics)["uid"] == booking_uid(booking) for m in attached)


def test_an_update_is_never_produced_under_a_wrong_uid(nurse, booking):
    CalendarIssue.objects.filter(booking=booking).update(uid="someone-else@example.invalid")

    with pytest.raises(DomainError) as error:
        change_booking(actor=nurse, booking=booking, starts_at=at(2026, 3, 13, 9, 0), ends_at=at(2026, 3, 13, 10, 0),
                       address="Yliopistonkatu 1 A")

    assert error.value.code == "calendar_uid_mismatch"
    assert CalendarIssue.objects.filter(booking=booking).count() == 1
    assert not OutboxMessage.objects.filter(booking=booking, kind="changed").exists()


def test_the_client_gets_the_letter_in_arabic_with_the_ics_and_the_interpreter_gets_the_name(booking, amira):
    letter = OutboxMessage.objects.get(booking=booking, kind="confirmed", recipient_kind="client")
    assert letter.language == "ar" and letter.recipient_address == "amal@example.invalid"
    assert 'dir="rtl"' in letter.html_body and 'lang="ar"' in letter.html_body
    assert "تم حجز مترجم لموعدك" in letter.subject
    assert "Amira Tulkki" in letter.html_body  # the client agreed to exchange names
    assert read_event(letter.ics)["uid"] == booking_uid(booking)
    to_interpreter = OutboxMessage.objects.get(booking=booking, kind="confirmed", recipient_kind="interpreter")
    assert "Amal Haddad" in to_interpreter.body and to_interpreter.ics


@pytest.mark.parametrize("language", LISTED)
def test_a_letter_renders_in_every_listed_language_with_the_right_direction(booking, language):
    letter = render_letter(booking, language=language)

    entry = table()["languages"][language]
    assert letter.language == language
    assert f'lang="{language}"' in letter.html
    assert f'dir="{"rtl" if language in RTL else "ltr"}"' in letter.html
    assert entry["strings"]["subject_confirmation"] in letter.html
    assert "12.03.2026" in letter.text and "10:00–11:00" in letter.text
    assert entry["weekdays"][3] in letter.text  # Thursday, in the letter's language
    assert "Yliopistonkatu 1 A" in letter.text and "Nurse Testinen" in letter.text
    assert "{n}" not in letter.text


def test_the_translation_table_covers_every_key_in_every_language():
    document = table()
    assert sorted(document["languages"]) == sorted(LISTED)
    for code, entry in document["languages"].items():
        assert set(entry["strings"]) == set(document["keys"]), code
        assert all(value.strip() for value in entry["strings"].values()), code
        assert len(entry["weekdays"]) == 7 and entry["review"], code
    assert set(supported_languages()) == set(LISTED)


def test_a_client_language_without_a_letter_falls_back_to_english(booking):
    assert render_letter(booking, language="vi").language == "en"


def test_without_the_clients_consent_the_letter_names_no_interpreter(nurse, client_record, centre, dispatcher,
                                                                      interpreter_user, amira):
    plain = confirmed(nurse, client_record, centre, dispatcher, interpreter_user, amira)

    letter = render_letter(plain, language="fi")

    assert "Amira" not in letter.text and "Ammattitulkki" in letter.text


def test_reminders_go_out_the_day_before_through_the_outbox_once(booking, settings):
    settings.POLKU_OUTBOX_DELIVER_ON_COMMIT = False
    call_command("send_reminders", "--day", "2026-03-12")
    call_command("send_reminders", "--day", "2026-03-12")

    reminders = OutboxMessage.objects.filter(booking=booking, kind="reminder")
    assert sorted(reminders.values_list("recipient_kind", flat=True)) == ["client", "dispatcher", "interpreter",
                                                                         "worker"]
    assert all(m.sent_at is not None for m in reminders)
    client_reminder = reminders.get(recipient_kind="client")
    assert client_reminder.language == "ar" and "تذكير" in client_reminder.subject


def test_the_file_outbox_writes_each_message_and_its_ics(booking, outbox_in_tmp):
    deliver_pending()

    files = sorted(p.name for p in outbox_in_tmp.iterdir())
    assert any(name.endswith("-confirmed-client.txt") for name in files)
    assert any(name.endswith("-confirmed-client.ics") for name in files)
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()


def test_a_failing_outbox_backend_leaves_messages_pending_for_the_next_run(booking, settings):
    class Broken:
        def send(self, message):
            raise OSError("mail server down")

    OutboxMessage.objects.update(sent_at=None)
    sent, failed = deliver_pending(backend=Broken())

    assert sent == 0 and failed == OutboxMessage.objects.count()
    assert set(OutboxMessage.objects.values_list("last_error", flat=True)) == {"OSError: mail server down"}


def test_booking_a_request_writes_no_calendar_event_until_it_is_confirmed(nurse, client_record, centre, amira):
    requested = book(nurse, client_record, centre)

    assert not CalendarIssue.objects.filter(booking=requested).exists()

"""Requesting, changing, cancelling bookings: DB rows, path events, access-log rows, outbox messages."""

from __future__ import annotations

import pytest
from django.utils import translation

from polku.casework.models import PathEvent
from polku.core.errors import AccessDenied, DomainError
from polku.core.models import AccessLog
from polku.interpreting.models import (
    Booking,
    BookingStatus,
    BookingStatusChange,
    CalendarIssue,
    OutboxMessage,
)
from polku.interpreting.services.bookings import cancel_booking, change_booking, request_booking
from polku.interpreting.services.dispatch import assign_interpreter, confirm_booking, respond_to_assignment
from tests.interpreting.conftest import at, make_interpreter

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


def book(actor, client, centre, **overrides):
    kwargs = {"starts_at": at(2026, 3, 12, 10, 0), "ends_at": at(2026, 3, 12, 11, 0), "language": "ar",
              "mode": "on_site", "centre": centre, "address": "Yliopistonkatu 1 A, 3rd floor, room 301",
              "contact_person": "Nurse Testinen"}
    kwargs.update(overrides)
    return request_booking(actor=actor, client=client, **kwargs)


def test_requesting_a_booking_stores_it_writes_the_path_event_logs_access_and_tells_the_dispatcher(
        nurse, client_record, centre, dispatcher, amira):
    booking = book(nurse, client_record, centre)

    stored = Booking.objects.get(pk=booking.pk)
    assert stored.status == BookingStatus.REQUESTED
    assert stored.language == "ar" and stored.area.code == "VS" and stored.organisation == client_record.organisation
    assert stored.meeting_minutes == 60 and stored.ends_at == at(2026, 3, 12, 11, 0)
    event = PathEvent.objects.get(client=client_record, activity="INTERPRETER_BOOKED")
    assert event.object_id == str(booking.pk) and event.attributes["language"] == "ar"
    assert AccessLog.objects.filter(actor=nurse, client_id=client_record.pk, object_type="interpreter_booking",
                                    action="write", basis="care_relationship").exists()
    message = OutboxMessage.objects.get(booking=booking)
    assert message.recipient_user == dispatcher and message.kind == "requested"
    assert "Haddad" not in message.body  # the dispatcher is not told the name without consent
    assert BookingStatusChange.objects.filter(booking=booking, to_status="requested").count() == 1


def test_a_mental_health_meeting_books_double_time_by_default(nurse, client_record, centre, amira):
    booking = book(nurse, client_record, centre, mental_health=True)

    assert booking.double_time is True
    assert booking.meeting_minutes == 60
    assert booking.ends_at == at(2026, 3, 12, 12, 0)


def test_double_time_can_be_turned_off_for_a_mental_health_meeting(nurse, client_record, centre, amira):
    booking = book(nurse, client_record, centre, mental_health=True, double_time=False)

    assert booking.ends_at == at(2026, 3, 12, 11, 0)


def test_a_booking_in_the_past_is_refused(nurse, client_record, centre, amira):
    with pytest.raises(DomainError) as error:
        book(nurse, client_record, centre, starts_at=at(2026, 3, 9, 10, 0), ends_at=at(2026, 3, 9, 11, 0))

    assert error.value.code == "booking_in_past" and error.value.field == "starts_at"
    assert not Booking.objects.exists()
    assert not PathEvent.objects.filter(activity="INTERPRETER_BOOKED").exists()


def test_an_end_before_the_start_is_refused(nurse, client_record, centre, amira):
    with pytest.raises(DomainError) as error:
        book(nurse, client_record, centre, ends_at=at(2026, 3, 12, 9, 0))

    assert error.value.code == "end_before_start" and error.value.field == "ends_at"
    assert not Booking.objects.exists()


def test_a_language_no_interpreter_covers_on_site_in_the_area_offers_phone_or_video(nurse, client_record, centre):
    make_interpreter(name="Sahra Helsinki", centre=centre, languages=(("so", "", 2),), areas=("HEL",),
                     video=False)

    with pytest.raises(DomainError) as error, translation.override("en"):
        book(nurse, client_record, centre, language="so")

    assert error.value.code == "no_interpreter_in_area" and error.value.field == "mode"
    assert error.value.params["remote_modes"] == ["phone"]
    assert "phone or video" in str(error.value.message)
    assert not Booking.objects.exists()
    # the same language by phone is accepted
    assert book(nurse, client_record, centre, language="so", mode="phone", address="").status == "requested"


def test_a_language_nobody_works_in_is_refused_with_a_message_naming_it(nurse, client_record, centre, amira):
    with pytest.raises(DomainError) as error:
        book(nurse, client_record, centre, language="ti")

    assert error.value.code == "no_interpreter_for_language" and error.value.field == "language"


def test_a_named_interpreter_who_is_not_free_gets_alternatives_offered(nurse, client_record, centre, amira, bashir):
    amira.availability.filter(weekday=3).delete()  # Amira does not work on Thursdays

    with pytest.raises(DomainError) as error, translation.override("en"):
        book(nurse, client_record, centre, preferred_interpreter=amira)

    assert error.value.code == "preferred_interpreter_unavailable"
    assert error.value.params["alternatives"] == [bashir.pk]
    assert "Bashir Tulkki" in str(error.value.message)
    assert not Booking.objects.exists()
    booking = book(nurse, client_record, centre, preferred_interpreter=amira, accept_alternatives=True)
    assert booking.preferred_interpreter == amira


def test_a_client_refusing_every_free_interpreter_is_a_clear_conflict(nurse, client_record, centre, amira, bashir):
    client_record.refused_interpreters = "Amira Tulkki\nBashir Tulkki"
    client_record.save()

    with pytest.raises(DomainError) as error:
        book(nurse, client_record, centre)

    assert error.value.code == "all_interpreters_refused" and error.value.field == "refused_interpreters"
    assert sorted(error.value.params["refused"]) == sorted([amira.pk, bashir.pk])
    assert not Booking.objects.exists()


def test_the_clients_wishes_are_copied_from_the_client_record(nurse, client_record, centre, amira, bashir):
    client_record.refused_interpreters = "bashir tulkki"
    client_record.preferred_interpreter = "Amira Tulkki"
    client_record.interpreter_gender_preference = "female"
    client_record.save()

    booking = book(nurse, client_record, centre)

    assert list(booking.refused_interpreters.all()) == [bashir]
    assert booking.preferred_interpreter == amira and booking.gender_wish == "female"


def test_someone_outside_the_care_team_cannot_request_and_the_refusal_is_logged(outsider, client_record, centre,
                                                                                  amira):
    with pytest.raises(AccessDenied):
        book(outsider, client_record, centre)

    assert AccessLog.objects.filter(actor=outsider, client_id=client_record.pk, basis="denied").exists()
    assert not Booking.objects.exists()


def confirmed(nurse, client_record, centre, dispatcher, interpreter_user, amira, **overrides):
    booking = book(nurse, client_record, centre, **overrides)
    assign_interpreter(actor=dispatcher, booking=booking, interpreter=amira)
    respond_to_assignment(actor=interpreter_user, booking=booking, accept=True)
    return confirm_booking(actor=dispatcher, booking=booking)


def test_changing_a_confirmed_booking_reissues_the_calendar_event_and_notifies_everyone(
        nurse, client_record, centre, dispatcher, interpreter_user, amira):
    client_record.email, client_record.consent_email = "amal@example.invalid", True
    client_record.save()
    booking = confirmed(nurse, client_record, centre, dispatcher, interpreter_user, amira)
    OutboxMessage.objects.all().delete()

    changed = change_booking(actor=nurse, booking=booking, starts_at=at(2026, 3, 12, 13, 0),
                             ends_at=at(2026, 3, 12, 14, 0), address="Yliopistonkatu 1 A, room 302")

    assert changed.starts_at == at(2026, 3, 12, 13, 0) and changed.status == BookingStatus.CONFIRMED
    assert changed.blocked_from == at(2026, 3, 12, 12, 45) and changed.blocked_until == at(2026, 3, 12, 14, 15)
    assert list(CalendarIssue.objects.filter(booking=booking).values_list("sequence", "method")) == [
        (0, "REQUEST"), (1, "REQUEST")]
    kinds = set(OutboxMessage.objects.filter(booking=booking, kind="changed").values_list("recipient_kind", flat=True))
    assert kinds == {"worker", "dispatcher", "interpreter", "client"}


def test_a_change_to_a_time_the_interpreter_is_not_free_is_refused(nurse, client_record, centre, dispatcher,
                                                                    interpreter_user, amira):
    booking = confirmed(nurse, client_record, centre, dispatcher, interpreter_user, amira)

    with pytest.raises(DomainError) as error:
        change_booking(actor=nurse, booking=booking, starts_at=at(2026, 3, 12, 16, 30), ends_at=at(2026, 3, 12, 17, 30),
                       address="Yliopistonkatu 1 A")

    assert error.value.code == "interpreter_not_free_at_new_time"
    assert Booking.objects.get(pk=booking.pk).starts_at == at(2026, 3, 12, 10, 0)


def test_cancelling_within_the_notice_period_is_a_billable_late_cancellation_with_a_calendar_cancel(
        nurse, client_record, centre, dispatcher, interpreter_user, amira):
    booking = confirmed(nurse, client_record, centre, dispatcher, interpreter_user, amira,
                        starts_at=at(2026, 3, 11, 9, 0), ends_at=at(2026, 3, 11, 10, 30))

    cancelled = cancel_booking(actor=nurse, booking=booking, reason="The client is ill")

    assert cancelled.status == BookingStatus.LATE_CANCELLATION
    assert cancelled.billable_minutes == 90 and str(cancelled.cost) == "90.00"
    cancel = CalendarIssue.objects.get(booking=booking, method="CANCEL")
    assert cancel.sequence == 1
    assert PathEvent.objects.filter(client=client_record, activity="INTERPRETER_CANCELLED").count() == 1
    assert set(OutboxMessage.objects.filter(booking=booking, kind="cancelled").values_list(
        "recipient_kind", flat=True)) == {"worker", "dispatcher", "interpreter"}


def test_cancelling_well_ahead_costs_nothing_and_frees_the_interpreter(nurse, client_record, centre, dispatcher,
                                                                        interpreter_user, amira):
    booking = confirmed(nurse, client_record, centre, dispatcher, interpreter_user, amira)

    cancelled = cancel_booking(actor=nurse, booking=booking, reason="Meeting moved")

    assert cancelled.status == BookingStatus.CANCELLED and cancelled.cost is None
    other = book(nurse, client_record, centre)
    assert assign_interpreter(actor=dispatcher, booking=other, interpreter=amira).status == BookingStatus.ASSIGNED


def test_a_cancelled_booking_cannot_be_confirmed_again(nurse, client_record, centre, dispatcher, interpreter_user,
                                                       amira):
    booking = book(nurse, client_record, centre)
    assign_interpreter(actor=dispatcher, booking=booking, interpreter=amira)
    respond_to_assignment(actor=interpreter_user, booking=booking, accept=True)
    cancel_booking(actor=nurse, booking=booking, reason="Not needed")

    with pytest.raises(DomainError) as error:
        confirm_booking(actor=dispatcher, booking=booking)

    assert error.value.code == "booking_cancelled"
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CANCELLED
    assert not PathEvent.objects.filter(activity="INTERPRETER_CONFIRMED").exists()
    assert not CalendarIssue.objects.filter(booking=booking).exists()

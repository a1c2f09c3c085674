"""The dispatcher and the interpreter: assignment, answer, confirmation; pages without clinical content."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from polku.casework.models import Note, PathEvent
from polku.core.errors import AccessDenied, DomainError
from polku.core.models import AccessLog
from polku.interpreting.models import Booking, BookingStatus, BookingStatusChange, OutboxMessage
from polku.interpreting.services.dispatch import (
    assign_interpreter,
    confirm_booking,
    record_no_interpreter_found,
    respond_to_assignment,
)
from tests.factories import OrganisationFactory, make_user
from tests.interpreting.conftest import at
from tests.interpreting.test_bookings import book

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


def test_assigning_asks_the_interpreter_and_logs_the_dispatchers_administrative_access(
        nurse, client_record, centre, dispatcher, amira):
    booking = book(nurse, client_record, centre)

    assigned = assign_interpreter(actor=dispatcher, booking=booking, interpreter=amira)

    assert assigned.status == BookingStatus.ASSIGNED and assigned.interpreter == amira
    assert assigned.blocked_from == at(2026, 3, 12, 9, 45) and assigned.blocked_until == at(2026, 3, 12, 11, 15)
    assert AccessLog.objects.filter(actor=dispatcher, client_id=client_record.pk, basis="administrative",
                                    object_type="interpreter_booking").exists()
    assert OutboxMessage.objects.filter(booking=booking, kind="assigned", recipient_kind="interpreter").exists()


def test_a_dispatcher_of_another_centre_is_refused_and_logged(nurse, client_record, centre, amira):
    other = make_user(role="interpreter_dispatcher", organisation=OrganisationFactory(type="interpreter_centre"))
    booking = book(nurse, client_record, centre)

    with pytest.raises(AccessDenied):
        assign_interpreter(actor=other, booking=booking, interpreter=amira)

    assert AccessLog.objects.filter(actor=other, client_id=client_record.pk, basis="denied").exists()
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.REQUESTED


def test_an_interpreter_the_client_refused_cannot_be_assigned(nurse, client_record, centre, dispatcher, amira, bashir):
    booking = book(nurse, client_record, centre, refused_interpreters=[bashir])

    with pytest.raises(DomainError) as error:
        assign_interpreter(actor=dispatcher, booking=booking, interpreter=bashir)

    assert error.value.code == "interpreter_unsuitable" and error.value.params["reason"] == "refused_by_client"


def test_a_required_gender_is_enforced(nurse, client_record, centre, dispatcher, amira, bashir):
    booking = book(nurse, client_record, centre, gender_wish="female")

    with pytest.raises(DomainError) as error:
        assign_interpreter(actor=dispatcher, booking=booking, interpreter=bashir)

    assert error.value.params["reason"] == "gender"


def test_a_decline_frees_the_time_and_the_decliner_is_not_asked_again(nurse, client_record, centre, dispatcher,
                                                                      interpreter_user, amira, bashir):
    booking = book(nurse, client_record, centre)
    assign_interpreter(actor=dispatcher, booking=booking, interpreter=amira)

    declined = respond_to_assignment(actor=interpreter_user, booking=booking, accept=False, reason="I know the family")

    assert declined.status == BookingStatus.DECLINED and declined.interpreter is None
    assert BookingStatusChange.objects.filter(booking=booking, to_status="declined", interpreter=amira,
                                              note="I know the family").exists()
    assert OutboxMessage.objects.filter(booking=booking, kind="declined", recipient_kind="dispatcher").exists()
    with pytest.raises(DomainError) as error:
        assign_interpreter(actor=dispatcher, booking=booking, interpreter=amira)
    assert error.value.params["reason"] == "declined"
    assert assign_interpreter(actor=dispatcher, booking=booking, interpreter=bashir).status == "assigned"


def test_only_the_assigned_interpreter_can_answer(nurse, client_record, centre, dispatcher, amira, bashir):
    booking = book(nurse, client_record, centre)
    assign_interpreter(actor=dispatcher, booking=booking, interpreter=bashir)
    amiras_user = amira.user

    with pytest.raises(AccessDenied):
        respond_to_assignment(actor=amiras_user, booking=booking, accept=True)


def test_confirming_writes_the_path_event_and_sends_the_confirmations(nurse, client_record, centre, dispatcher,
                                                                      interpreter_user, amira):
    booking = book(nurse, client_record, centre)
    assign_interpreter(actor=dispatcher, booking=booking, interpreter=amira)
    respond_to_assignment(actor=interpreter_user, booking=booking, accept=True)

    confirmed = confirm_booking(actor=dispatcher, booking=booking)

    assert confirmed.status == BookingStatus.CONFIRMED
    event = PathEvent.objects.get(client=client_record, activity="INTERPRETER_CONFIRMED")
    assert event.object_id == str(booking.pk) and event.actor == dispatcher
    kinds = set(OutboxMessage.objects.filter(booking=booking, kind="confirmed")
                .values_list("recipient_kind", flat=True))
    # the client consented to no channel: the worker hands the letter over
    assert kinds == {"worker", "interpreter"}


def test_confirming_before_the_interpreter_accepted_is_refused(nurse, client_record, centre, dispatcher, amira):
    booking = book(nurse, client_record, centre)
    assign_interpreter(actor=dispatcher, booking=booking, interpreter=amira)

    with pytest.raises(DomainError) as error:
        confirm_booking(actor=dispatcher, booking=booking)

    assert error.value.code == "not_accepted"


def test_when_no_interpreter_is_found_the_path_shows_interpreter_failed(nurse, client_record, centre, dispatcher,
                                                                         amira):
    booking = book(nurse, client_record, centre)

    record_no_interpreter_found(actor=dispatcher, booking=booking, reason="Everyone is booked")

    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CANCELLED
    assert PathEvent.objects.get(client=client_record, activity="INTERPRETER_FAILED").attributes["reason"] == \
        "no_interpreter_found"
    assert OutboxMessage.objects.filter(booking=booking, kind="cancelled", recipient_kind="worker").exists()


def test_the_dispatcher_queue_shows_logistics_but_no_clinical_content_and_no_name_without_consent(
        client, nurse, client_record, centre, dispatcher, amira):
    Note.objects.create(client=client_record, author=nurse, text="SECRET-DIAGNOSIS depression",
                        reason_for_contact="SECRET-REASON")
    anonymous = book(nurse, client_record, centre)
    named = book(nurse, client_record, centre, starts_at=at(2026, 3, 13, 10, 0), ends_at=at(2026, 3, 13, 11, 0),
                 share_client_name=True)
    client.force_login(dispatcher)

    page = client.get(reverse("interpreting:queue")).content.decode()

    assert anonymous.reference in page and named.reference in page
    assert page.count("Haddad") == 1  # only the booking whose client agreed to share the name
    assert "SECRET" not in page and "depression" not in page
    detail = client.get(reverse("interpreting:dispatch_booking", args=[named.pk])).content.decode()
    assert "Amira Tulkki" in detail  # suggested
    assert "SECRET" not in detail


def test_the_dispatcher_assigns_through_the_page_and_a_refusal_is_shown_on_the_field(
        client, nurse, client_record, centre, dispatcher, amira, bashir):
    first = book(nurse, client_record, centre)
    second = book(nurse, client_record, centre)
    assign_interpreter(actor=dispatcher, booking=first, interpreter=amira)
    client.force_login(dispatcher)

    response = client.post(reverse("interpreting:dispatch_booking", args=[second.pk]), {"interpreter": amira.pk})

    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_interpreter_error"' in page and 'href="#id_interpreter"' in page
    response = client.post(reverse("interpreting:dispatch_booking", args=[second.pk]), {"interpreter": bashir.pk})
    assert response.status_code == 302
    assert Booking.objects.get(pk=second.pk).interpreter == bashir


def test_a_worker_cannot_open_the_dispatcher_pages(client, nurse, client_record, centre, amira):
    booking = book(nurse, client_record, centre)
    client.force_login(nurse)

    assert client.get(reverse("interpreting:queue")).status_code == 403
    assert client.get(reverse("interpreting:dispatch_booking", args=[booking.pk])).status_code == 403


def test_the_worker_requests_through_the_form_and_sees_the_status(client, nurse, client_record, centre, amira):
    client.force_login(nurse)
    form = {"date": "2026-03-12", "start_time": "10:00", "end_time": "11:00", "language": "ar", "mode": "on_site",
            "centre": centre.pk, "address": "Yliopistonkatu 1 A", "gender_wish": "any", "mental_health": "on",
            "double_time": "on"}

    response = client.post(reverse("interpreting:booking_new", args=[client_record.pk]), form)

    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.double_time and booking.ends_at == at(2026, 3, 12, 12, 0)
    page = client.get(reverse("interpreting:client_bookings", args=[client_record.pk])).content.decode()
    assert booking.get_status_display() in page and booking.starts_at.strftime("%-d.%-m.%Y") in page


def test_the_request_form_names_the_field_when_the_end_is_before_the_start(client, nurse, client_record, centre,
                                                                           amira):
    client.force_login(nurse)
    form = {"date": "2026-03-12", "start_time": "10:00", "end_time": "09:00", "language": "ar", "mode": "on_site",
            "centre": centre.pk, "address": "Yliopistonkatu 1 A", "gender_wish": "any"}

    response = client.post(reverse("interpreting:booking_new", args=[client_record.pk]), form)

    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="id_end_time_error"' in body
    assert not Booking.objects.exists()
    # Every field that points to a description (its error, its help text) points to one that is on the page.
    described = re.findall(r'aria-describedby="([^"]+)"', body)
    assert 'aria-describedby="id_end_time_error"' in body
    assert all(f'id="{target}"' in body for value in described for target in value.split()), described


def test_someone_outside_the_care_team_gets_404_for_a_booking(client, nurse, outsider, client_record, centre, amira):
    booking = book(nurse, client_record, centre)
    client.force_login(outsider)

    assert client.get(reverse("interpreting:booking_detail", args=[booking.pk])).status_code == 404
    assert client.get(reverse("interpreting:booking_letter", args=[booking.pk])).status_code == 404

"""Certificates render as a one-page PDF naming the person and training; invitations round-trip through icalendar."""

from __future__ import annotations

import io
from datetime import UTC, timedelta

import pytest
import time_machine
from django.utils import translation
from icalendar import Calendar
from pypdf import PdfReader

from polku.core.errors import DomainError
from polku.trainings.certificates import certificate_html, render_certificate_pdf
from polku.trainings.demo import PALOMA_MODULES, _seed_paloma_course
from polku.trainings.models import CalendarMethod, Certificate, CourseModule, EventFormat, InvitationIssue
from polku.trainings.notifications import issue_invitation
from polku.trainings.services import (
    complete_module,
    enrol,
    issue_course_certificate,
    issue_event_certificate,
    mark_attendance,
)
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def pdf_text(pdf: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(pdf))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def attendee(organisation):
    return make_user(role="professional", profession="psychologist", organisation=organisation,
                     username="aino", first_name="Aino", last_name="Äijälä")


def held(event, coordinator, people, attended):
    for person in people:
        enrol(actor=person, event=event)
    with time_machine.travel(event.ends_at, tick=False):
        mark_attendance(actor=coordinator, event=event, attended_user_ids=[p.pk for p in attended])


def test_an_attendee_gets_a_one_page_pdf_certificate_with_name_title_hours_and_code(event, coordinator, attendee):
    held(event, coordinator, [attendee], [attendee])

    certificate = issue_event_certificate(actor=attendee, event=event)
    pages, text = pdf_text(render_certificate_pdf(certificate, language="fi"))

    assert pages == 1
    assert "Aino Äijälä" in text
    assert "Traumakoulutus" in text
    assert certificate.code in text
    assert "3.0" in text or "3,0" in text
    assert "THL / PALOMA" in text


def test_a_second_request_returns_the_same_certificate(event, coordinator, attendee):
    held(event, coordinator, [attendee], [attendee])

    first = issue_event_certificate(actor=attendee, event=event)
    second = issue_event_certificate(actor=attendee, event=event)

    assert first.pk == second.pk and Certificate.objects.count() == 1
    assert len(first.code) == 14 and first.code[4] == "-" and first.code[9] == "-"


def test_a_certificate_for_an_unattended_training_is_refused(event, coordinator, attendee, professionals):
    held(event, coordinator, [attendee, professionals[0]], [professionals[0]])

    for person in (attendee, professionals[1]):  # marked absent; never enrolled
        with pytest.raises(DomainError) as refused:
            issue_event_certificate(actor=person, event=event)
        assert refused.value.code == "not_attended"
    assert not Certificate.objects.filter(user=attendee).exists()


def test_a_certificate_before_attendance_is_marked_is_refused(event, attendee):
    enrol(actor=attendee, event=event)
    with pytest.raises(DomainError):
        issue_event_certificate(actor=attendee, event=event)


def test_the_invitation_round_trips_through_icalendar(event, attendee):
    enrol(actor=attendee, event=event)
    content = attendee_invitation(attendee)

    calendar = Calendar.from_ical(content)
    [vevent] = calendar.walk("VEVENT")
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(vevent["UID"]) == f"training-{event.uid}@polku.invalid"
    assert int(vevent["SEQUENCE"]) == 0
    assert vevent.decoded("DTSTART") == event.starts_at.astimezone(UTC)
    assert vevent.decoded("DTEND") == event.ends_at.astimezone(UTC)
    assert str(vevent["SUMMARY"]) == "Traumakoulutus"  # the attendee's language is Finnish
    assert str(vevent["LOCATION"]) == "Helsinki, Mannerheimintie 166"
    assert "Äijälä" in str(vevent["ATTENDEE"].params["CN"])


def test_an_online_invitation_carries_the_link_and_the_english_title_for_an_english_reader(make_event, attendee):
    event = make_event(format=EventFormat.ONLINE, place="", online_url="https://example.org/webinaari")
    attendee.preferred_language = "en"
    attendee.save(update_fields=["preferred_language"])

    enrol(actor=attendee, event=event)

    [vevent] = Calendar.from_ical(attendee_invitation(attendee)).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Trauma training"
    assert str(vevent["URL"]) == "https://example.org/webinaari"


def attendee_invitation(user) -> str:
    from polku.trainings.models import InvitationIssue

    return InvitationIssue.objects.filter(enrolment__user=user).latest("sequence").content


def test_the_paloma_course_certificate_needs_all_sixteen_modules(attendee):
    _seed_paloma_course(None)
    modules = list(CourseModule.objects.filter(course__slug="paloma-koulutus").order_by("position"))
    assert len(modules) == len(PALOMA_MODULES) == 16

    for module in modules[:15]:
        complete_module(actor=attendee, module=module)
    with pytest.raises(DomainError) as refused:
        issue_course_certificate(actor=attendee, course=modules[0].course)
    assert refused.value.code == "course_incomplete"

    complete_module(actor=attendee, module=modules[15])
    complete_module(actor=attendee, module=modules[15])  # again: harmless
    certificate = issue_course_certificate(actor=attendee, course=modules[0].course)
    pages, text = pdf_text(render_certificate_pdf(certificate, language="en"))
    assert pages == 1 and "Aino Äijälä" in text and "PALOMA" in text


def test_the_certificate_date_is_the_local_day_the_event_ended(make_event, coordinator, attendee):
    event = make_event()
    held(event, coordinator, [attendee], [attendee])
    certificate = issue_event_certificate(actor=attendee, event=event)
    from django.utils import timezone

    assert certificate.completed_on == timezone.localtime(event.ends_at).date()
    assert certificate.completed_on - timezone.localdate() <= timedelta(days=8)


def test_the_certificate_is_one_translated_sentence_with_the_name_and_title_escaped(event, coordinator, attendee):
    held(event, coordinator, [attendee], [attendee])
    certificate = issue_event_certificate(actor=attendee, event=event)
    Certificate.objects.filter(pk=certificate.pk).update(participant_name="Aino <b>Äijälä</b>")
    certificate.refresh_from_db()

    finnish = certificate_html(certificate, language="fi")
    swedish = certificate_html(certificate, language="sv")
    english = certificate_html(certificate, language="en")

    name = '<span class="name">Aino &lt;b&gt;Äijälä&lt;/b&gt;</span>'
    title = f'<span class="title">{certificate.title}</span>'
    assert f"Todistamme, että {name} on suorittanut koulutuksen {title}" in finnish
    assert f"Härmed intygas att {name} har genomgått utbildningen {title}" in swedish
    assert f"This certifies that {name} has completed the training {title}" in english
    assert "<b>" not in finnish


def test_an_enrolment_whose_earlier_invitation_has_another_uid_is_refused_in_plain_words(event, attendee):
    enrolment = enrol(actor=attendee, event=event)
    InvitationIssue.objects.filter(enrolment=enrolment).update(uid="someone-else@example.org")

    with translation.override("en"), pytest.raises(DomainError) as refused:
        issue_invitation(enrolment, method=CalendarMethod.REQUEST)

    assert refused.value.code == "calendar_uid_mismatch"
    with translation.override("en"):
        message = str(refused.value.message)
    assert message.startswith("The calendar invitation could not be made") and "nothing was saved" in message
    assert InvitationIssue.objects.filter(enrolment=enrolment).count() == 1

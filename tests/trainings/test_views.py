"""The trainings pages: list and filters, enrolment, .ics and certificate downloads, the organiser's page."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from polku.core.models import CollaborationArea
from polku.trainings.models import Certificate, Enrolment, EnrolmentStatus, Feedback
from polku.trainings.services import enrol, mark_attendance

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user(client):
    def login(user):
        client.cookies["polku_language"] = "en"
        client.force_login(user)
        return client
    return login


def test_the_list_filters_by_area_and_kind_and_paginates(make_event, as_user, professionals):
    oys = CollaborationArea.objects.get(code="OYS")
    make_event(title_fi="Pohjoinen seminaari", title_en="Northern seminar", kind="seminar", area=oys)
    for n in range(21):
        make_event(title_fi=f"Kansallinen {n:02d}", title_en=f"National {n:02d}")
    client = as_user(professionals[0])

    northern = client.get(reverse("trainings:event_list"), {"area": "OYS"}).content.decode()
    seminars = client.get(reverse("trainings:event_list"), {"kind": "seminar"}).content.decode()
    national_page_2 = client.get(reverse("trainings:event_list"), {"area": "national", "page": 2})

    assert "Northern seminar" in northern and "National 0" not in northern
    assert "Northern seminar" in seminars and "National 00" not in seminars
    assert national_page_2.context["page"].paginator.count == 21
    assert len(national_page_2.context["page"].object_list) == 1


def test_past_events_are_hidden_unless_asked_for(make_event, as_user, professionals):
    event = make_event(title_fi="Mennyt koulutus", title_en="Past training")
    with time_machine.travel(event.ends_at + timedelta(days=1)):
        client = as_user(professionals[0])
        upcoming = client.get(reverse("trainings:event_list")).content.decode()
        past = client.get(reverse("trainings:event_list"), {"past": "on"}).content.decode()
    assert "Past training" not in upcoming and "Past training" in past


def test_a_professional_enrols_and_downloads_the_invitation(event, as_user, professionals):
    client = as_user(professionals[0])

    response = client.post(reverse("trainings:enrol", args=[event.pk]), follow=True)
    ics = client.get(reverse("trainings:invitation_ics", args=[event.pk]))

    assert "You are enrolled" in response.content.decode()
    assert ics.status_code == 200 and ics["Content-Type"].startswith("text/calendar")
    assert f"UID:training-{event.uid}@polku.invalid" in ics.content.decode()


def test_enrolling_twice_through_the_page_shows_the_refusal(event, as_user, professionals):
    client = as_user(professionals[0])
    client.post(reverse("trainings:enrol", args=[event.pk]))

    response = client.post(reverse("trainings:enrol", args=[event.pk]), follow=True)

    assert "You are already enrolled in this event." in response.content.decode()
    assert Enrolment.objects.filter(event=event).count() == 1


def test_a_full_event_offers_the_waiting_list_and_tells_the_place_in_line(event, as_user, professionals):
    for person in professionals[:3]:
        enrol(actor=person, event=event)
    client = as_user(professionals[3])

    assert "Join the waiting list" in client.get(reverse("trainings:event_detail", args=[event.pk])).content.decode()
    response = client.post(reverse("trainings:enrol", args=[event.pk]), follow=True)

    assert "waiting list (number 2)" in response.content.decode()


def test_cancelling_asks_for_confirmation_then_cancels(event, as_user, professionals):
    enrol(actor=professionals[0], event=event)
    client = as_user(professionals[0])

    confirm = client.get(reverse("trainings:cancel_enrolment", args=[event.pk]))
    assert Enrolment.objects.get(event=event).status == EnrolmentStatus.ENROLLED
    client.post(reverse("trainings:cancel_enrolment", args=[event.pk]))

    assert "Yes, cancel my enrolment" in confirm.content.decode()
    assert Enrolment.objects.get(event=event).status == EnrolmentStatus.CANCELLED
    assert "METHOD:CANCEL" in client.get(reverse("trainings:invitation_ics", args=[event.pk])).content.decode()


def test_a_professional_cannot_open_the_organiser_page_or_mark_attendance(event, as_user, professionals):
    enrol(actor=professionals[0], event=event)
    with time_machine.travel(event.ends_at):
        client = as_user(professionals[1])
        page = client.get(reverse("trainings:event_manage", args=[event.pk]))
        post = client.post(reverse("trainings:event_manage", args=[event.pk]), {"attended": [professionals[0].pk]})

    assert page.status_code == 403 and post.status_code == 403
    assert Enrolment.objects.get(event=event).attended is None


def test_an_area_coordinator_of_another_area_cannot_manage_a_national_event(event, as_user, area_coordinator):
    assert as_user(area_coordinator).get(reverse("trainings:event_manage", args=[event.pk])).status_code == 403


def test_the_organiser_sees_the_waiting_list_and_marks_attendance(event, as_user, coordinator, professionals):
    for person in professionals[:3]:
        enrol(actor=person, event=event)
    client = as_user(coordinator)

    page = client.get(reverse("trainings:event_manage", args=[event.pk]))
    with time_machine.travel(event.ends_at):
        client = as_user(coordinator)
        client.post(reverse("trainings:event_manage", args=[event.pk]), {"attended": [str(professionals[1].pk)]})

    assert page.context["participants"].waiting[0].user == professionals[2]
    marks = dict(Enrolment.objects.filter(event=event, status="enrolled").values_list("user_id", "attended"))
    assert marks == {professionals[0].pk: False, professionals[1].pk: True}


def test_lowering_the_capacity_in_the_form_shows_the_error_on_the_capacity_field(event, as_user, coordinator,
                                                                                 professionals):
    from tests.trainings.conftest import event_data

    for person in professionals[:2]:
        enrol(actor=person, event=event)
    data = event_data(capacity=1)
    post = {name: value for name, value in data.__dict__.items() if value is not None}
    post.update(starts_at=timezone.localtime(event.starts_at).strftime("%Y-%m-%dT%H:%M"),
                ends_at=timezone.localtime(event.ends_at).strftime("%Y-%m-%dT%H:%M"), area="", directory_training="")

    response = as_user(coordinator).post(reverse("trainings:event_edit", args=[event.pk]), post)

    assert response.status_code == 200
    assert "already enrolled" in " ".join(response.context["form"].errors["capacity"])
    event.refresh_from_db()
    assert event.capacity == 2


def test_the_certificate_download_is_a_pdf_for_an_attendee_and_refused_otherwise(event, as_user, coordinator,
                                                                                 professionals):
    for person in professionals[:2]:
        enrol(actor=person, event=event)
    with time_machine.travel(event.ends_at, tick=False):
        mark_attendance(actor=coordinator, event=event, attended_user_ids=[professionals[0].pk])
    client = as_user(professionals[1])

    refused = client.get(reverse("trainings:event_certificate", args=[event.pk]), follow=True)
    assert "only to participants marked as attended" in refused.content.decode()
    assert not Certificate.objects.exists()

    client = as_user(professionals[0])
    pdf = client.get(reverse("trainings:event_certificate", args=[event.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "Pro0 Testinen" in text and "Trauma training" in text


def test_feedback_from_a_non_attendee_is_refused_on_the_page(event, as_user, coordinator, professionals):
    enrol(actor=professionals[0], event=event)
    client = as_user(professionals[0])
    response = client.post(reverse("trainings:feedback", args=[event.pk]), {"rating": "5"}, follow=True)
    missing_rating = client.post(reverse("trainings:feedback", args=[event.pk]), {"comment": "hyvä"})

    assert "Only participants marked as attended" in response.content.decode()
    assert missing_rating.status_code == 400 and "rating" in missing_rating.context["feedback_form"].errors
    assert not Feedback.objects.exists()


def test_the_verification_page_confirms_a_real_code_and_not_a_made_up_one(event, client, coordinator, professionals):
    enrol(actor=professionals[0], event=event)
    with time_machine.travel(event.ends_at, tick=False):
        mark_attendance(actor=coordinator, event=event, attended_user_ids=[professionals[0].pk])
    from polku.trainings.services import issue_event_certificate

    certificate = issue_event_certificate(actor=professionals[0], event=event)
    client.cookies["polku_language"] = "en"

    real = client.get(reverse("trainings:verify_certificate", args=[certificate.code]))
    fake = client.get(reverse("trainings:verify_certificate", args=["AAAA-BBBB-CCCC"]))

    assert real.status_code == 200 and "Pro0 Testinen" in real.content.decode()
    assert fake.status_code == 404 and "Pro0" not in fake.content.decode()


def test_the_course_page_checks_off_modules(as_user, professionals):
    from polku.trainings.demo import _seed_paloma_course

    _seed_paloma_course(None)
    client = as_user(professionals[0])
    url = reverse("trainings:course_detail", args=["paloma-koulutus"])
    module = client.get(url).context["progress"].modules[0][0]

    client.post(url, {"module": module.pk})

    progress = client.get(url).context["progress"]
    assert (progress.done, progress.total, progress.complete) == (1, 16, False)
    assert client.get(reverse("trainings:course_certificate", args=["paloma-koulutus"])).status_code == 302


def test_pages_require_login(client, event):
    response = client.get(reverse("trainings:event_detail", args=[event.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_coordinator_creates_an_event_through_the_form(as_user, coordinator):
    from polku.trainings.models import TrainingEvent

    response = as_user(coordinator).post(reverse("trainings:event_new"), {
        "kind": "seminar", "format": "online", "title_fi": "Verkkoseminaari", "organiser_name": "THL",
        "starts_at": "2031-05-04T09:00", "ends_at": "2031-05-04T12:00", "hours": "3", "capacity": "30",
        "online_url": "https://example.org/seminaari", "area": CollaborationArea.objects.get(code="OYS").pk})

    event = TrainingEvent.objects.get(title_fi="Verkkoseminaari")
    assert response.status_code == 302 and response["Location"] == reverse("trainings:event_manage", args=[event.pk])
    assert (event.kind, event.format, event.capacity, event.area.code) == ("seminar", "online", 30, "OYS")
    assert timezone.localtime(event.starts_at).strftime("%Y-%m-%d %H:%M %Z") == "2031-05-04 09:00 EEST"


def test_an_online_event_without_a_link_shows_the_error_on_the_link_field(as_user, coordinator):
    response = as_user(coordinator).post(reverse("trainings:event_new"), {
        "kind": "seminar", "format": "online", "title_fi": "Verkkoseminaari", "organiser_name": "THL",
        "starts_at": "2031-05-04T09:00", "ends_at": "2031-05-04T12:00", "hours": "3", "capacity": "30"})

    assert response.status_code == 200
    assert response.context["form"].errors["online_url"] == ["An online event needs a link."]


def test_cancelling_the_event_asks_for_a_reason_and_tells_the_participants(event, as_user, coordinator,
                                                                           professionals):
    from polku.interpreting.models import OutboxMessage

    enrol(actor=professionals[0], event=event)
    client = as_user(coordinator)

    without_reason = client.post(reverse("trainings:event_cancel", args=[event.pk]), {"reason": ""})
    event.refresh_from_db()
    assert without_reason.status_code == 200 and event.status == "published"

    client.post(reverse("trainings:event_cancel", args=[event.pk]), {"reason": "Sali ei ole käytettävissä"})
    event.refresh_from_db()
    assert event.status == "cancelled"
    message = OutboxMessage.objects.get(recipient_user=professionals[0], kind="training.event_cancelled")
    assert "METHOD:CANCEL" in message.ics and "Sali ei ole käytettävissä" in message.body


def test_every_page_renders_in_every_state_of_an_enrolment(event, make_event, as_user, coordinator, professionals):
    from polku.trainings.demo import _seed_paloma_course
    from polku.trainings.models import CourseModule
    from polku.trainings.services import (
        cancel_enrolment,
        cancel_event,
        complete_module,
        issue_course_certificate,
        issue_event_certificate,
        submit_feedback,
    )

    attended, absent, waiting, cancelled = professionals[:4]
    for person in (attended, absent, waiting):
        enrol(actor=person, event=event)
    enrol(actor=cancelled, event=event)
    cancel_enrolment(actor=cancelled, event=event)
    other = make_event(title_fi="Peruttu", title_en="Called off")
    enrol(actor=attended, event=other)
    cancel_event(actor=coordinator, event=other, reason="Syy")
    with time_machine.travel(event.ends_at, tick=False):
        mark_attendance(actor=coordinator, event=event, attended_user_ids=[attended.pk])
        submit_feedback(actor=attended, event=event, rating=5, comment="Erinomainen")
    issue_event_certificate(actor=attended, event=event)
    _seed_paloma_course(None)
    course = CourseModule.objects.select_related("course").first().course
    for module in course.modules.all():
        complete_module(actor=attended, module=module)
    issue_course_certificate(actor=attended, course=course)

    pages = [reverse("trainings:event_list"), reverse("trainings:my_trainings"), reverse("trainings:course_list"),
             reverse("trainings:course_detail", args=[course.slug]), reverse("trainings:event_detail", args=[event.pk]),
             reverse("trainings:event_detail", args=[other.pk])]
    with time_machine.travel(event.ends_at + timedelta(hours=1)):
        for person in (attended, absent, waiting, cancelled):
            client = as_user(person)
            for url in pages:
                assert client.get(url).status_code == 200, (person.username, url)
        client = as_user(coordinator)
        for url in pages + [reverse("trainings:event_manage", args=[event.pk]),
                            reverse("trainings:event_manage", args=[other.pk]),
                            reverse("trainings:event_edit", args=[event.pk])]:
            assert client.get(url).status_code == 200, url
        manage = client.get(reverse("trainings:event_manage", args=[event.pk])).content.decode()
        mine = as_user(attended).get(reverse("trainings:my_trainings")).content.decode()
    assert "Erinomainen" in manage and "average rating 5.0" in manage
    assert mine.count(".pdf") == 2


def test_the_attendance_message_counts_one_person_and_many_people(event, as_user, coordinator, professionals):
    for person in professionals[:2]:
        enrol(actor=person, event=event)
    url = reverse("trainings:event_manage", args=[event.pk])
    with time_machine.travel(event.ends_at):
        client = as_user(coordinator)
        one = client.post(url, {"attended": [str(professionals[0].pk)]}, follow=True).content.decode()
        both = client.post(url, {"attended": [str(p.pk) for p in professionals[:2]]}, follow=True).content.decode()
        client.cookies["polku_language"] = "fi"
        finnish = client.post(url, {"attended": [str(p.pk) for p in professionals[:2]]}, follow=True).content.decode()

    assert "Attendance is saved: 1 person attended." in one
    assert "Attendance is saved: 2 people attended." in both
    assert "Osallistumiset on tallennettu: 2 henkilöä osallistui." in finnish

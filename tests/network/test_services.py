"""The consultation workflow: routing, escalation with a frozen clock, answers, rating, and refusals."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from polku.core.errors import AccessDenied, DomainError
from polku.interpreting.models import OutboxMessage
from polku.network.models import (
    Consultation,
    ConsultationAttachment,
    ConsultationStatus,
    RecipientReason,
    RoutingLevel,
)
from polku.network.services import (
    check_consultations,
    close_consultation,
    escalate_consultation,
    post_message,
    route_to_expert,
)
from tests.network.conftest import ask, make_expert

pytestmark = pytest.mark.django_db
HKI = ZoneInfo("Europe/Helsinki")
VALID_CODE = "131052-308T"


@pytest.fixture(autouse=True)
def _attachment_dir(settings, tmp_path):
    settings.POLKU_NETWORK_ATTACHMENT_DIR = tmp_path / "attachments"
    settings.POLKU_OUTBOX_DELIVER_ON_COMMIT = False


def at(*args) -> datetime:
    return datetime(*args, tzinfo=HKI)


def routed_usernames(consultation: Consultation, level: str | None = None) -> set[str]:
    rows = consultation.recipients.all()
    if level:
        rows = rows.filter(level=level)
    return set(rows.values_list("user__username", flat=True))


def test_a_lappi_request_routes_to_northern_finland_actors_and_matching_experts_only(network):
    consultation = ask(network)
    assert consultation.collaboration_area.code == "OYS"
    assert consultation.level == RoutingLevel.AREA
    # The area actor regardless of topic, the matching PP trauma expert, the OYS area coordinator; not the TAYS
    # expert, not the expert who takes no consultations, not the national coordinator yet.
    assert routed_usernames(consultation) == {"pohjoinen", "oulu", "aluekoordinaattori"}
    reasons = dict(consultation.recipients.values_list("user__username", "reason"))
    assert reasons == {"pohjoinen": RecipientReason.AREA_ACTOR, "oulu": RecipientReason.MATCHING_EXPERT,
                       "aluekoordinaattori": RecipientReason.AREA_COORDINATOR}
    kinds = set(OutboxMessage.objects.filter(kind="consultation.routed").values_list("recipient_user__username",
                                                                                       flat=True))
    assert kinds == {"pohjoinen", "oulu", "aluekoordinaattori"}


def test_an_expert_who_speaks_none_of_the_requested_languages_is_not_matched(network):
    consultation = ask(network, languages=["ar"])
    assert "oulu" not in routed_usernames(consultation)  # speaks fi, en
    assert "pohjoinen" in routed_usernames(consultation)  # area actors are routed whatever the language


def test_notifications_are_in_the_recipients_preferred_language(network):
    network.trauma_expert.preferred_language = "en"
    network.trauma_expert.save()
    ask(network)
    english = OutboxMessage.objects.get(recipient_user=network.trauma_expert)
    finnish = OutboxMessage.objects.get(recipient_user=network.area_actor)
    assert english.language == "en" and english.subject.startswith("New consultation request K-")
    assert finnish.language == "fi"  # the text itself is Finnish once the catalogue is translated
    assert english.link == f"/konsultaatio/{Consultation.objects.get().pk}/"


def test_a_request_on_the_thursday_before_easter_escalates_only_after_the_second_working_day(network):
    with time_machine.travel(at(2026, 4, 2, 10, 0), tick=False):
        consultation = ask(network, urgency="urgent")
    assert consultation.due_at == at(2026, 4, 9, 0, 0)
    # Easter Monday, and the first working day after: nothing happens.
    for moment in (at(2026, 4, 6, 12, 0), at(2026, 4, 7, 16, 0)):
        assert check_consultations(now=moment).escalated == 0
    # The morning of the due day: the experts are reminded once, however often the job runs.
    result = check_consultations(now=at(2026, 4, 8, 9, 0))
    assert (result.reminded, result.escalated) == (1, 0)
    assert check_consultations(now=at(2026, 4, 8, 15, 0)).reminded == 0
    reminded = set(OutboxMessage.objects.filter(kind="consultation.reminder")
                   .values_list("recipient_user__username", flat=True))
    assert reminded == {"pohjoinen", "oulu"}
    # Midnight after the due day: to national level, with a new target from that moment.
    result = check_consultations(now=at(2026, 4, 9, 0, 5))
    assert result.escalated == 1
    consultation.refresh_from_db()
    assert consultation.level == RoutingLevel.NATIONAL
    assert consultation.escalated_at == at(2026, 4, 9, 0, 5)
    assert consultation.due_at == at(2026, 4, 14, 0, 0)  # Thu 9.4. → Fri 10.4., Mon 13.4.
    assert routed_usernames(consultation, RoutingLevel.NATIONAL) == {"kansallinen", "koordinaattori", "tampere"}
    escalated = OutboxMessage.objects.filter(kind="consultation.escalated")
    assert set(escalated.values_list("recipient_user__username", flat=True)) == {
        "kansallinen", "koordinaattori", "tampere", "pohjoinen", "oulu", "aluekoordinaattori"}
    # Running the job again changes nothing.
    assert check_consultations(now=at(2026, 4, 9, 0, 10)).escalated == 0
    assert OutboxMessage.objects.filter(kind="consultation.escalated").count() == escalated.count()


def test_a_request_before_christmas_is_not_escalated_during_the_holidays(network):
    with time_machine.travel(at(2026, 12, 23, 15, 0), tick=False):
        consultation = ask(network, urgency="normal")
    assert check_consultations(now=at(2027, 1, 4, 23, 59)).escalated == 0
    assert check_consultations(now=at(2027, 1, 5, 0, 0)).escalated == 1
    consultation.refresh_from_db()
    # Tue 5.1. → Thu 7.1. (1; Epiphany Wed 6.1. skipped), 8, 11, 12, 13.1.
    assert consultation.due_at == at(2027, 1, 14, 0, 0)


def test_an_answered_request_is_not_escalated(network):
    with time_machine.travel(at(2026, 4, 2, 10, 0), tick=False):
        consultation = ask(network)
        post_message(actor=network.trauma_expert, consultation=consultation, body="Ehdotan tauotusta.")
    assert check_consultations(now=at(2026, 4, 20, 12, 0)).escalated == 0
    consultation.refresh_from_db()
    assert consultation.level == RoutingLevel.AREA
    assert consultation.status == ConsultationStatus.ANSWERED
    assert consultation.first_answered_at == at(2026, 4, 2, 10, 0)


def test_a_request_with_nobody_in_the_area_goes_national_at_once(network):
    Consultation.objects.all().delete()
    network.area_actor.expert_account.delete()
    network.trauma_expert.expert_account.delete()
    consultation = ask(network)
    assert consultation.level == RoutingLevel.NATIONAL
    assert "kansallinen" in routed_usernames(consultation, RoutingLevel.NATIONAL)


def test_the_expert_answers_and_the_asker_closes_with_a_rating(network):
    consultation = ask(network)
    message = post_message(actor=network.trauma_expert, consultation=consultation, body="Käyttäkää samaa tulkkia.")
    assert message.is_answer
    assert OutboxMessage.objects.filter(kind="consultation.answered", recipient_user=network.worker).exists()
    follow_up = post_message(actor=network.worker, consultation=consultation, body="Kiitos, entä lapset?")
    assert not follow_up.is_answer
    closed = close_consultation(actor=network.worker, consultation=consultation, rating=4, comment="Hyödyllinen")
    assert (closed.status, closed.rating) == (ConsultationStatus.CLOSED, 4)
    assert OutboxMessage.objects.filter(kind="consultation.closed", recipient_user=network.trauma_expert).exists()


@pytest.mark.parametrize("rating", [0, 6, -1])
def test_a_rating_outside_one_to_five_is_refused(network, rating):
    consultation = ask(network)
    post_message(actor=network.trauma_expert, consultation=consultation, body="Vastaus.")
    with pytest.raises(DomainError) as refused:
        close_consultation(actor=network.worker, consultation=consultation, rating=rating)
    assert refused.value.field == "rating"
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.ANSWERED and consultation.rating is None


def test_the_database_refuses_a_rating_outside_the_range(network):
    from django.db import IntegrityError, transaction

    consultation = ask(network)
    with pytest.raises(IntegrityError), transaction.atomic():
        Consultation.objects.filter(pk=consultation.pk).update(rating=9)


def test_answering_a_request_not_routed_to_you_is_refused(network):
    consultation = ask(network)
    # A linked expert in another area cannot even see it.
    with pytest.raises(AccessDenied):
        post_message(actor=network.southern, consultation=consultation, body="Minäkin vastaan.")
    # The area coordinator follows it but is no expert: may not answer.
    with pytest.raises(DomainError) as refused:
        post_message(actor=network.area_coordinator, consultation=consultation, body="Vastaan.")
    assert refused.value.code == "not_routed_to_you"
    assert not consultation.messages.exists()


def test_a_user_without_the_ask_permission_is_refused(network):
    with pytest.raises(AccessDenied):
        ask(network, actor=network.interpreter)
    assert not Consultation.objects.exists()


def test_a_text_with_a_valid_identity_code_is_refused_unless_masked(network):
    text = f"Asiakas {VALID_CODE}, puh. 040 123 4567, kertoo painajaisista."
    with pytest.raises(DomainError) as refused:
        ask(network, description=text)
    assert (refused.value.code, refused.value.field) == ("identifiers_found", "description")
    assert not Consultation.objects.exists()
    consultation = ask(network, description=text, mask=True)
    assert consultation.masked
    assert consultation.description == "Asiakas ******-****, puh. *** *** ****, kertoo painajaisista."


def test_an_invalid_checksum_code_is_sent_as_written(network):
    consultation = ask(network, description="Viitenumero 131052-308U ei ole tunnus.")
    assert not consultation.masked and "131052-308U" in consultation.description


def test_an_attachment_over_five_megabytes_is_refused_with_the_limit_stated(network):
    consultation = ask(network)
    big = SimpleUploadedFile("raportti.pdf", b"%PDF-1.7\n" + b"0" * (5 * 1024 * 1024), "application/pdf")
    with translation.override("en"), pytest.raises(DomainError) as refused:
        post_message(actor=network.trauma_expert, consultation=consultation, body="Liite", attachments=[big])
    with translation.override("en"):  # the message may be lazy: read it in English too
        assert refused.value.field == "attachments" and "5 MB" in str(refused.value.message)
    assert not consultation.messages.exists()


@pytest.mark.parametrize(("name", "content"), [("ohjelma.exe", b"MZ\x90\x00"), ("kuva.png", b"GIF89a...."),
                                                ("teksti.txt", b"\x00\x01binary")])
def test_a_disallowed_or_disguised_file_is_refused_naming_the_allowed_types(network, name, content):
    consultation = ask(network)
    upload = SimpleUploadedFile(name, content, "application/octet-stream")
    with pytest.raises(DomainError) as refused:
        post_message(actor=network.trauma_expert, consultation=consultation, body="Liite", attachments=[upload])
    assert "PDF, PNG, JPEG, DOCX, TXT" in str(refused.value.message)


def test_an_allowed_attachment_is_stored_under_a_generated_name(network, settings):
    consultation = ask(network)
    upload = SimpleUploadedFile("../../etc/ohje.txt", "Tulkin käyttö: varaa kaksinkertainen aika.".encode(),
                                "text/plain")
    post_message(actor=network.trauma_expert, consultation=consultation, body="Liite", attachments=[upload])
    attachment = ConsultationAttachment.objects.get()
    assert attachment.original_name == "../../etc/ohje.txt" or attachment.original_name.endswith("ohje.txt")
    assert ".." not in attachment.file.name and attachment.file.name.endswith(".txt")
    stored = settings.POLKU_NETWORK_ATTACHMENT_DIR / attachment.file.name
    assert stored.read_text(encoding="utf-8").startswith("Tulkin käyttö")


def test_a_coordinator_routes_by_hand_and_escalates_now(network):
    consultation = ask(network)
    route_to_expert(actor=network.coordinator, consultation=consultation, user=network.southern)
    assert consultation.recipients.get(user=network.southern).reason == RecipientReason.MANUAL
    post_message(actor=network.southern, consultation=consultation, body="Vastaus Tampereelta.")
    with pytest.raises(DomainError):
        route_to_expert(actor=network.coordinator, consultation=consultation, user=network.southern)
    with pytest.raises(AccessDenied):
        escalate_consultation(actor=network.trauma_expert, consultation=consultation)
    escalate_consultation(actor=network.coordinator, consultation=consultation)
    consultation.refresh_from_db()
    assert consultation.level == RoutingLevel.NATIONAL


def test_an_expert_linked_only_in_the_directory_is_not_routed(network):
    make_expert(name="Lapin Trauma", area="LA", topics="trauma-therapy")
    consultation = ask(network)
    assert len(routed_usernames(consultation)) == 3


def test_the_management_command_escalates_and_reports(network):
    from io import StringIO

    from django.core.management import call_command

    with time_machine.travel(at(2026, 4, 2, 10, 0), tick=False):
        consultation = ask(network)
    out = StringIO()
    with time_machine.travel(at(2026, 4, 9, 7, 0), tick=False):
        call_command("check_consultations", stdout=out)
        call_command("check_consultations", stdout=out)
    assert out.getvalue().splitlines() == [
        "Consultations: 0 reminders, 1 escalated to national level",
        "Consultations: 0 reminders, 0 escalated to national level"]
    consultation.refresh_from_db()
    assert consultation.level == RoutingLevel.NATIONAL


@pytest.mark.parametrize(("override", "field"), [
    ({"title": "x" * 201}, "title"), ({"title": "  "}, "title"), ({"description": ""}, "description"),
    ({"topics": []}, "topics"), ({"topics": ["astrology"]}, "topics"), ({"urgency": "tomorrow"}, "urgency"),
    ({"area": None}, "area"), ({"languages": ["xx1"]}, "languages"),
])
def test_bad_request_fields_are_refused_naming_the_field(network, override, field):
    with pytest.raises(DomainError) as refused:
        ask(network, **override)
    assert refused.value.field == field
    assert not Consultation.objects.exists()


def test_a_closed_request_takes_no_more_messages_and_cannot_be_rated_twice(network):
    consultation = ask(network)
    post_message(actor=network.trauma_expert, consultation=consultation, body="Vastaus")
    close_consultation(actor=network.worker, consultation=consultation, rating=3)
    with pytest.raises(DomainError):
        post_message(actor=network.trauma_expert, consultation=consultation, body="Vielä yksi")
    with pytest.raises(DomainError):
        close_consultation(actor=network.worker, consultation=consultation, rating=5)
    consultation.refresh_from_db()
    assert consultation.rating == 3


def test_an_unanswered_request_cannot_be_rated_and_only_the_asker_closes(network):
    consultation = ask(network)
    with pytest.raises(DomainError) as refused:
        close_consultation(actor=network.worker, consultation=consultation, rating=4)
    assert refused.value.code == "not_answered"
    with pytest.raises(AccessDenied):
        close_consultation(actor=network.trauma_expert, consultation=consultation, rating=4)


def test_the_reminder_names_the_due_day_in_the_recipients_language(network):
    network.trauma_expert.preferred_language = "en"
    network.trauma_expert.save()
    with time_machine.travel(at(2026, 4, 2, 10, 0), tick=False):
        consultation = ask(network, urgency="urgent")
    # Asked on Maundy Thursday: Good Friday and Easter Monday are holidays, so the 2nd working day is Wed 8 April.
    check_consultations(now=at(2026, 4, 8, 9, 0))
    reminder = OutboxMessage.objects.get(kind="consultation.reminder", recipient_user=network.trauma_expert)
    assert reminder.subject == (f"Reminder: the answer to consultation request {consultation.reference} "
                                f"is due on 8.4.2026: {consultation.title}")
    finnish = OutboxMessage.objects.get(kind="consultation.reminder", recipient_user=network.area_actor)
    assert "8.4.2026" in finnish.subject and finnish.language == "fi"

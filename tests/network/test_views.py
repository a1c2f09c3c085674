"""Consultation pages: the masked preview, refusals, attachments through the form, notifications and language."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from polku.interpreting.models import OutboxMessage
from polku.network.forms import text_digest
from polku.network.models import Consultation, ConsultationStatus
from polku.network.services import escalate_consultation, post_message
from tests.network.conftest import ask

pytestmark = pytest.mark.django_db
VALID_CODE = "131052-308T"


@pytest.fixture(autouse=True)
def _quiet(settings, tmp_path):
    settings.POLKU_NETWORK_ATTACHMENT_DIR = tmp_path / "attachments"
    settings.POLKU_OUTBOX_DELIVER_ON_COMMIT = False


def logged_in(client, user):
    client.force_login(user)
    client.cookies["polku_language"] = "en"
    return client


def form_data(network, description: str, **extra) -> dict:
    data = {"title": "Tulkattu trauma", "topics": ["trauma", "interpreter_mediated"], "urgency": "urgent",
            "area": network.lappi.pk, "languages": ["fi"], "description": description}
    data.update(extra)
    return data


def test_a_valid_identity_code_shows_a_warning_and_a_masked_preview_and_sends_nothing(client, network):
    logged_in(client, network.worker)
    description = f"Asiakas {VALID_CODE} kertoo painajaisista."
    response = client.post(reverse("network:new"), form_data(network, description))
    assert response.status_code == 400
    page = response.content.decode()
    assert "<li>Personal identity code</li>" in page  # a list of plain nouns, not a sentence of fragments
    assert "Asiakas ******-**** kertoo painajaisista." in page
    assert not Consultation.objects.exists()


def test_send_masked_stores_the_masked_text_of_the_previewed_text_only(client, network):
    logged_in(client, network.worker)
    description = f"Asiakas {VALID_CODE} kertoo painajaisista."
    # A digest of some other text: the preview must be shown again, nothing is sent.
    stale = form_data(network, description, send_masked="1", preview_digest=text_digest("x", "y"))
    assert client.post(reverse("network:new"), stale).status_code == 400
    assert not Consultation.objects.exists()
    digest = text_digest("Tulkattu trauma", description)
    response = client.post(reverse("network:new"), form_data(network, description, send_masked="1",
                                                              preview_digest=digest))
    consultation = Consultation.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("network:detail", args=[consultation.pk])
    assert consultation.description == "Asiakas ******-**** kertoo painajaisista." and consultation.masked


def test_an_edited_text_without_identifiers_is_sent_as_written(client, network):
    logged_in(client, network.worker)
    response = client.post(reverse("network:new"), form_data(network, "Aikuinen asiakas, ei tunnisteita."))
    assert response.status_code == 302
    assert Consultation.objects.get().description == "Aikuinen asiakas, ei tunnisteita."


def test_an_invalid_checksum_code_is_not_flagged_in_the_form(client, network):
    logged_in(client, network.worker)
    response = client.post(reverse("network:new"), form_data(network, "Numero 131052-308U."))
    assert response.status_code == 302
    assert not Consultation.objects.get().masked


def test_a_missing_topic_is_named_on_the_form(client, network):
    logged_in(client, network.worker)
    response = client.post(reverse("network:new"), form_data(network, "Kuvaus", topics=[]))
    assert response.status_code == 400
    assert "Topics" in response.content.decode()


def test_a_user_without_the_ask_permission_gets_403(client, network):
    logged_in(client, network.interpreter)
    assert client.get(reverse("network:new")).status_code == 403
    assert client.post(reverse("network:new"), form_data(network, "Kuvaus")).status_code == 403
    assert not Consultation.objects.exists()


def test_a_consultation_not_routed_to_you_is_a_404_and_cannot_be_answered(client, network):
    consultation = ask(network)
    logged_in(client, network.southern)
    assert client.get(reverse("network:detail", args=[consultation.pk])).status_code == 404
    response = client.post(reverse("network:message", args=[consultation.pk]), {"body": "Vastaan silti."})
    assert response.status_code == 404
    assert not consultation.messages.exists()


def test_an_oversized_attachment_is_refused_on_the_form_with_the_limit(client, network):
    consultation = ask(network)
    logged_in(client, network.trauma_expert)
    big = SimpleUploadedFile("iso.pdf", b"%PDF-1.7\n" + b"0" * (5 * 1024 * 1024 + 10), "application/pdf")
    response = client.post(reverse("network:message", args=[consultation.pk]),
                           {"body": "Katso liite", "attachments": [big]})
    assert response.status_code == 400
    assert "at most 5 MB is allowed" in response.content.decode()
    assert not consultation.messages.exists()


def test_the_expert_answers_with_a_file_and_the_asker_downloads_it_and_rates(client, network):
    consultation = ask(network)
    logged_in(client, network.trauma_expert)
    upload = SimpleUploadedFile("ohje.txt", b"Varaa kaksinkertainen aika.", "text/plain")
    response = client.post(reverse("network:message", args=[consultation.pk]),
                           {"body": "Ohje liitteenä", "attachments": [upload]})
    assert response.status_code == 302
    attachment = consultation.messages.get().attachments.get()
    client.logout()
    logged_in(client, network.worker)
    download = client.get(reverse("network:attachment", args=[consultation.pk, attachment.pk]))
    assert b"".join(download.streaming_content) == b"Varaa kaksinkertainen aika."
    bad = client.post(reverse("network:close", args=[consultation.pk]), {"rating": "7"})
    assert bad.status_code == 400
    assert client.post(reverse("network:close", args=[consultation.pk]), {"rating": "5"}).status_code == 302
    consultation.refresh_from_db()
    assert (consultation.status, consultation.rating) == (ConsultationStatus.CLOSED, 5)


def test_the_notifications_page_lists_and_marks_read(client, network):
    consultation = ask(network)
    logged_in(client, network.trauma_expert)
    page = client.get(reverse("network:notifications")).content.decode()
    assert "New consultation request" in page or consultation.reference in page
    message = OutboxMessage.objects.get(recipient_user=network.trauma_expert)
    response = client.post(reverse("network:notification_open", args=[message.pk]))
    assert response["Location"] == reverse("network:detail", args=[consultation.pk])
    message.refresh_from_db()
    assert message.read_at is not None
    # Someone else's notification cannot be opened.
    other = OutboxMessage.objects.get(recipient_user=network.area_actor)
    assert client.post(reverse("network:notification_open", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_the_user_chooses_the_language_of_notifications(client, network):
    logged_in(client, network.trauma_expert)
    assert client.post(reverse("network:notification_settings"), {"language": "sv"}).status_code == 302
    network.trauma_expert.refresh_from_db()
    assert network.trauma_expert.preferred_language == "sv"
    assert client.post(reverse("network:notification_settings"), {"language": "de"}).status_code == 400
    ask(network)
    assert OutboxMessage.objects.get(recipient_user=network.trauma_expert).language == "sv"


def test_the_referral_bridge_lists_the_askers_own_clients_with_links_to_the_referral_form(client, network):
    from tests.factories import add_to_care_team, make_client

    consultation = ask(network, concerns_client=True)
    mine = make_client(organisation=network.worker.organisation, created_by=network.worker,
                       given_names_latin="Omar", family_name_latin="Oma")
    add_to_care_team(client=mine, worker=network.worker)
    make_client(organisation=network.worker.organisation, created_by=network.worker, given_names_latin="Vieras",
                family_name_latin="Asiakas")
    logged_in(client, network.worker)
    detail = client.get(reverse("network:detail", args=[consultation.pk])).content.decode()
    assert reverse("network:referral_bridge", args=[consultation.pk]) in detail
    page = client.get(reverse("network:referral_bridge", args=[consultation.pk])).content.decode()
    assert reverse("referrals:new", args=[mine.pk]) in page
    assert "Vieras" not in page


def test_the_overview_shows_routed_and_own_requests(client, network):
    consultation = ask(network)
    post_message(actor=network.trauma_expert, consultation=consultation, body="Vastaus")
    logged_in(client, network.trauma_expert)
    assert consultation.title in client.get(reverse("network:overview")).content.decode()


def test_the_coordinators_list_is_headed_by_what_it_holds(client, network):
    ask(network)
    # An area coordinator sees their own collaboration area (OYS); a national coordinator sees every area.
    area_page = logged_in(client, network.area_coordinator).get(reverse("network:overview")).content.decode()
    assert "<h2>Open requests in my collaboration area</h2>" in area_page
    assert "all collaboration areas" not in area_page
    national_page = logged_in(client, network.coordinator).get(reverse("network:overview")).content.decode()
    assert "<h2>Open requests in all collaboration areas</h2>" in national_page
    assert "my collaboration area" not in national_page
    plain = logged_in(client, network.worker).get(reverse("network:overview")).content.decode()
    assert "Open requests in" not in plain


def test_the_detail_page_says_when_the_request_moved_to_national_level(client, network):
    consultation = ask(network)
    escalate_consultation(actor=network.coordinator, consultation=consultation)
    consultation.refresh_from_db()
    moved = timezone.localtime(consultation.escalated_at)
    page = logged_in(client, network.worker).get(reverse("network:detail", args=[consultation.pk])).content.decode()
    expected = f"(moved to national level on {moved.day}.{moved.month}.{moved.year} {moved:%H:%M})"
    assert expected in page


def test_the_expert_answers_under_the_heading_your_answer_and_the_asker_adds_a_message(client, network):
    consultation = ask(network)
    expert_page = logged_in(client, network.trauma_expert).get(
        reverse("network:detail", args=[consultation.pk])).content.decode()
    assert "<h2>Your answer</h2>" in expert_page
    asker_page = logged_in(client, network.worker).get(
        reverse("network:detail", args=[consultation.pk])).content.decode()
    assert "<h2>Add a message</h2>" in asker_page and "Your answer" not in asker_page

"""The client's own access report (Act 703/2023 §11): exactly that client's log rows, in seven languages."""

from __future__ import annotations

import io
import unicodedata

import pytest
from django.urls import reverse
from pypdf import PdfReader

from polku.core import access
from polku.core.errors import AccessDenied
from polku.core.models import AccessAction, AccessBasis, AccessLog, DisclosureLog
from polku.reporting.access_labels import LABELS, REPORT_LANGUAGES
from polku.reporting.access_report import build_access_report, render_access_report_html, render_access_report_pdf
from tests.factories import add_to_care_team, make_client


@pytest.fixture
def logged_client(organisation, nurse, outsider):
    """A client with reads, a change, a refused attempt and a disclosure; and another client with its own rows."""
    client = make_client(organisation=organisation, created_by=nurse, given_names_latin="Hodan",
                         family_name_latin="Warsame", preferred_language="so")
    other = make_client(organisation=organisation, created_by=nurse, given_names_latin="Omid",
                        family_name_latin="Karimi")
    add_to_care_team(client=client, worker=nurse)
    add_to_care_team(client=other, worker=nurse)
    access.require_client_access(actor=nurse, client_id=client.pk, object_type="note", object_id=3)
    access.require_client_access(actor=nurse, client_id=client.pk, action=AccessAction.WRITE, object_type="meeting")
    access.require_client_access(actor=nurse, client_id=other.pk)
    with pytest.raises(AccessDenied):
        access.require_client_access(actor=outsider, client_id=client.pk)
    access.record_disclosure(actor=nurse, recipient="Psychiatric outpatient clinic", purpose="Referral",
                             content="Background and screening result", channel="referral", client_id=client.pk)
    access.record_disclosure(actor=nurse, recipient="Other clinic", purpose="Referral", content="x",
                             channel="referral", client_id=other.pk)
    return client


@pytest.mark.django_db
def test_report_lists_exactly_the_clients_access_and_disclosure_rows(data_controller, logged_client):
    report = build_access_report(viewer=data_controller, client_id=logged_client.pk, language="en")
    # Independent: the ORM's rows of this client, after the report's own production was logged.
    expected_access = set(AccessLog.objects.filter(client_id=logged_client.pk).values_list("pk", flat=True))
    expected_disclosure = set(DisclosureLog.objects.filter(client_id=logged_client.pk).values_list("pk", flat=True))
    assert {row.log_id for row in report.accesses} == expected_access
    assert len(report.accesses) == len(expected_access) == 4  # a read, a change, a refusal, and this report
    assert {row.log_id for row in report.disclosures} == expected_disclosure and len(expected_disclosure) == 1
    production = AccessLog.objects.filter(client_id=logged_client.pk, object_type="access_report").get()
    assert production.actor == data_controller and production.basis == AccessBasis.ADMINISTRATIVE
    refused = [row for row in report.accesses if row.basis == "access refused"]
    assert len(refused) == 1 and refused[0].who == "Outsider Testinen"
    html = render_access_report_html(report)
    assert "Psychiatric outpatient clinic" in html and "Other clinic" not in html


@pytest.mark.django_db
def test_the_care_team_can_produce_the_report_and_outsiders_cannot(nurse, outsider, steering_member,
                                                                   logged_client):
    report = build_access_report(viewer=nurse, client_id=logged_client.pk, language="so")
    assert report.labels["title"] == LABELS["so"]["title"]
    assert AccessLog.objects.filter(client_id=logged_client.pk, object_type="access_report", actor=nurse,
                                    basis=AccessBasis.CARE_RELATIONSHIP).count() == 1
    for viewer in (outsider, steering_member):
        with pytest.raises(AccessDenied):
            build_access_report(viewer=viewer, client_id=logged_client.pk, language="fi")
        assert AccessLog.objects.filter(client_id=logged_client.pk, object_type="access_report", actor=viewer,
                                        basis=AccessBasis.DENIED).count() == 1


def _pdf_text(data: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    # Arabic script may come out of a PDF as presentation forms: compare NFKC-normalised text without spaces
    # (pypdf breaks lines and spaces differently from the HTML).
    return unicodedata.normalize("NFKC", text).replace(" ", "").replace("\n", ""), len(reader.pages)


@pytest.mark.django_db
@pytest.mark.parametrize("language", sorted(REPORT_LANGUAGES))
def test_report_renders_in_each_language_with_direction_and_translated_heading(language, data_controller,
                                                                               logged_client):
    report = build_access_report(viewer=data_controller, client_id=logged_client.pk, language=language)
    html = render_access_report_html(report)
    direction = "rtl" if language in ("ar", "prs") else "ltr"
    assert f'<html lang="{language}" dir="{direction}">' in html
    title = LABELS[language]["title"]
    assert f"<h1>{title}</h1>" in html
    text, pages = _pdf_text(render_access_report_pdf(report))
    assert pages >= 1
    assert unicodedata.normalize("NFKC", title).replace(" ", "") in text
    assert "Warsame" in text


@pytest.mark.django_db
def test_titles_differ_between_languages():
    titles = {LABELS[language]["title"] for language in REPORT_LANGUAGES}
    assert len(titles) == len(REPORT_LANGUAGES)
    assert all(set(LABELS[language]) == set(LABELS["en"]) for language in REPORT_LANGUAGES)


@pytest.mark.django_db
def test_views_serve_html_and_pdf_and_hide_the_client_from_others(client, nurse, outsider, logged_client):
    client.force_login(nurse)
    response = client.get(reverse("reporting:access_report", args=[logged_client.pk]) + "?language=ar")
    assert response.status_code == 200
    assert b'dir="rtl"' in response.content and LABELS["ar"]["title"].encode() in response.content
    pdf = client.get(reverse("reporting:access_report_pdf", args=[logged_client.pk]) + "?language=ru")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert AccessLog.objects.filter(client_id=logged_client.pk, object_type="access_report",
                                    action=AccessAction.EXPORT).count() == 1
    client.force_login(outsider)
    assert client.get(reverse("reporting:access_report", args=[logged_client.pk])).status_code == 404
    # No language, or an unknown one: the client's own (Somali here), rather than an error.
    client.force_login(nurse)
    for query in ("?language=xx", ""):
        response = client.get(reverse("reporting:access_report", args=[logged_client.pk]) + query)
        assert b'lang="so"' in response.content and LABELS["so"]["title"].encode() in response.content


@pytest.mark.django_db
def test_start_page_is_for_the_data_controller(client, data_controller, nurse, logged_client):
    client.force_login(data_controller)
    assert client.get(reverse("reporting:access_report_start")).status_code == 200
    response = client.get(reverse("reporting:access_report_start") + f"?client={logged_client.pk}&language=prs")
    assert response.status_code == 302
    report = client.get(response["Location"])
    assert b'lang="prs" dir="rtl"' in report.content
    client.force_login(nurse)
    assert client.get(reverse("reporting:access_report_start")).status_code == 403

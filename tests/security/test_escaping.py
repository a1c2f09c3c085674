"""HTML and JavaScript typed into text fields come back escaped, never as markup."""

from __future__ import annotations

import pytest
from django.urls import reverse

from polku.core import access
from tests.factories import add_to_care_team, make_client

pytestmark = pytest.mark.django_db

PAYLOADS = ['<script>alert("x")</script>', '"><img src=x onerror=alert(1)>', "<svg/onload=alert(1)>",
            "javascript:alert(1)//<b>bold</b>"]


def escaped(payload: str) -> str:
    return (payload.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
            .replace("'", "&#x27;"))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_client_names_with_markup_are_escaped_on_my_clients_and_the_client_page(client, nurse, organisation,
                                                                                payload):
    record = make_client(organisation=organisation, created_by=nurse, given_names_latin=payload,
                         family_name_latin=payload)
    add_to_care_team(client=record, worker=nurse)
    client.force_login(nurse)
    for url in (reverse("casework:my_clients"), reverse("casework:client_detail", args=[record.pk])):
        body = client.get(url).content.decode()
        assert payload not in body, url
        assert escaped(payload) in body or escaped(payload.upper()) in body, url


@pytest.mark.parametrize("payload", PAYLOADS)
def test_directory_search_words_are_echoed_escaped(client, nurse, payload):
    client.force_login(nurse)
    body = client.get(reverse("directory:search"), {"q": payload}).content.decode()
    assert payload not in body


@pytest.mark.parametrize("payload", PAYLOADS)
def test_break_the_glass_reason_is_escaped_in_the_access_log(client, nurse, organisation, data_controller,
                                                             payload):
    record = make_client(organisation=organisation, created_by=nurse)
    access.break_the_glass(actor=nurse, client_id=record.pk, reason=payload)
    client.force_login(data_controller)
    body = client.get(reverse("access_log")).content.decode()
    assert payload not in body
    assert escaped(payload) in body


@pytest.mark.parametrize("payload", PAYLOADS)
def test_review_note_error_page_and_recovery_code_field_do_not_reflect_markup(client, nurse, payload):
    client.force_login(nurse)
    body = client.post(reverse("reauthenticate"), {"password": payload, "next": payload}).content.decode()
    assert payload not in body

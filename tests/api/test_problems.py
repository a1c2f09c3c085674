"""Bad input anywhere under /api/v1/ is a 4xx problem-details body in the caller's language; never HTML, never 500."""

from __future__ import annotations

import json

import pytest

from tests.api.test_auth import assert_problem

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.api.urls_api")]

REFERRALS = "/api/v1/referrals"


@pytest.fixture
def writer(nurse, make_token, bearer):
    token = make_token(nurse)
    return lambda **extra: bearer(token, **extra)


def _body(client_record, polku_service, **overrides) -> dict:
    return {"client_id": client_record.pk, "target_service_id": polku_service.pk, "reason": "Sleep", **overrides}


def test_malformed_json_is_400(client, writer):
    response = client.post(REFERRALS, '{"client_id": 1,', content_type="application/json", **writer())
    assert_problem(response, 400, "malformed_json")


def test_wrong_types_are_422_naming_the_field(client, writer, client_record, polku_service):
    response = client.post(REFERRALS, _body(client_record, polku_service, client_id="one", send="perhaps"),
                           content_type="application/json", **writer(HTTP_ACCEPT_LANGUAGE="en"))
    body = assert_problem(response, 422, "invalid_input")
    assert {"field": "client_id", "message": "Enter a whole number."} in body["errors"]
    assert {"field": "send", "message": "Enter true or false."} in body["errors"]


def test_unknown_fields_are_422(client, writer, client_record, polku_service):
    response = client.post(REFERRALS, _body(client_record, polku_service, priority="high"),
                           content_type="application/json", **writer(HTTP_ACCEPT_LANGUAGE="en"))
    body = assert_problem(response, 422, "invalid_input")
    assert body["errors"] == [{"field": "priority", "message": "Unknown field."}]


def test_missing_field_message_follows_accept_language(client, writer):
    finnish = client.post(REFERRALS, {}, content_type="application/json", **writer(HTTP_ACCEPT_LANGUAGE="fi"))
    english = client.post(REFERRALS, {}, content_type="application/json", **writer(HTTP_ACCEPT_LANGUAGE="en-GB,en"))
    assert {"field": "reason", "message": "This field is required."} in english.json()["errors"]
    assert english["Content-Language"] == "en"
    assert finnish["Content-Language"] == "fi"
    assert {e["field"] for e in finnish.json()["errors"]} == {"client_id", "target_service_id", "reason"}


def test_without_accept_language_the_users_preferred_language_is_used(client, nurse, make_token, bearer):
    nurse.preferred_language = "en"
    nurse.save(update_fields=["preferred_language"])
    response = client.post(REFERRALS, {}, content_type="application/json", **bearer(make_token(nurse)))
    assert response["Content-Language"] == "en"
    assert "This field is required." in {e["message"] for e in response.json()["errors"]}


def test_domain_error_names_the_field(client, writer, client_record, polku_service):
    response = client.post(REFERRALS, _body(client_record, polku_service, reason="   "),
                           content_type="application/json", **writer(HTTP_ACCEPT_LANGUAGE="en"))
    body = assert_problem(response, 422, "reason_required")
    assert body["errors"][0]["field"] == "reason"


def test_body_over_one_megabyte_is_413(client, writer, client_record, polku_service):
    huge = json.dumps(_body(client_record, polku_service, reason="x" * (1024 * 1024 + 10)))
    response = client.post(REFERRALS, huge, content_type="application/json", **writer())
    assert_problem(response, 413, "body_too_large")


def test_wrong_content_type_is_415(client, writer, client_record, polku_service):
    response = client.post(REFERRALS, "client_id=1&reason=x", content_type="text/plain", **writer())
    assert_problem(response, 415, "unsupported_media_type")
    form = client.post(REFERRALS, "client_id=1&reason=x", content_type="application/x-www-form-urlencoded",
                       **writer())
    assert_problem(form, 415, "unsupported_media_type")


def test_unknown_api_path_is_a_404_problem_not_html(client):
    assert_problem(client.get("/api/v1/no-such-thing"), 404, "not_found")
    assert_problem(client.post("/api/v1/no/such/thing", {}), 404, "not_found")


def test_wrong_method_is_a_405_problem(client, writer):
    response = client.delete("/api/v1/areas", **writer())
    assert_problem(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]


def test_query_parameter_out_of_range_is_422(client, writer):
    response = client.get("/api/v1/clients?per_page=100000&page=0", **writer(HTTP_ACCEPT_LANGUAGE="en"))
    body = assert_problem(response, 422)
    assert {e["field"] for e in body["errors"]} == {"per_page", "page"}


def test_path_id_that_is_not_a_number_is_404(client, writer):
    assert_problem(client.get("/api/v1/clients/abc", **writer()), 404)


def test_huge_path_id_is_404_not_500(client, writer):
    assert_problem(client.get(f"/api/v1/clients/{10**30}", **writer()), 404)


def test_interactive_docs_load_only_same_origin_assets_without_inline_script(client):
    import re

    page = client.get("/api/v1/docs").content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, flags=re.S)
    assert scripts, page
    for attributes, _body in scripts:
        assert "src=" in attributes or 'type="application/json"' in attributes, "inline script"
    assert "https://" not in page.replace("https://www.w3.org", "")


def test_nul_characters_are_refused_in_query_body_and_form(client, writer, client_record, polku_service):
    query = client.get("/api/v1/clients?search=a%00b", **writer(HTTP_ACCEPT_LANGUAGE="en"))
    assert assert_problem(query, 422)["errors"] == [{"field": "search",
                                                      "message": "Text may not contain NUL characters."}]
    body = client.post(REFERRALS, _body(client_record, polku_service, reason="a\u0000b"),
                       content_type="application/json", **writer(HTTP_ACCEPT_LANGUAGE="en"))
    assert [e["field"] for e in assert_problem(body, 422)["errors"]] == ["reason"]
    form = client.post("/api/v1/oauth/token", {"grant_type": "client_credentials", "client_id": "x\u0000"})
    assert [e["field"] for e in assert_problem(form, 422)["errors"]] == ["client_id"]


def test_unknown_query_parameters_are_refused(client, writer):
    response = client.get("/api/v1/clients?serach=Amal", **writer(HTTP_ACCEPT_LANGUAGE="en"))
    assert assert_problem(response, 422)["errors"] == [{"field": "serach", "message": "Unknown query parameter."}]
    assert client.get("/api/v1/clients?search=Amal&lang=en", **writer()).status_code == 200


def test_dates_must_be_iso_text_and_times_carry_a_zone(client, writer, client_record, polku_service):
    consent = {"items": ["identity"], "given_at": 0, "language": "ar"}
    response = client.post(REFERRALS, _body(client_record, polku_service, consent=consent),
                           content_type="application/json", **writer(HTTP_ACCEPT_LANGUAGE="en"))
    assert [e["field"] for e in assert_problem(response, 422)["errors"]] == ["consent.given_at"]
    consent["given_at"] = "2026-01-01T10:00:00"
    naive = client.post(REFERRALS, _body(client_record, polku_service, consent=consent),
                        content_type="application/json", **writer(HTTP_ACCEPT_LANGUAGE="en"))
    assert assert_problem(naive, 422)["errors"] == [{"field": "consent.given_at",
                                                      "message": "Give the time with a time zone."}]

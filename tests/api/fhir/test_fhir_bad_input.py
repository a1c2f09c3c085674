"""Bad input to the facade: each gets the right 4xx OperationOutcome naming what is wrong; never a 500."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from fhir.resources.R4B.operationoutcome import OperationOutcome

from polku.api.services import revoke_token
from polku.casework.models import Meeting
from tests.api.fhir.conftest import FhirClient, token_for

pytestmark = pytest.mark.django_db


def outcome(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/fhir+json")
    body = json.loads(response.content)
    OperationOutcome.model_validate(body)
    return body["issue"][0]


def _appointment(record, **changes):
    start = (timezone.now() + timedelta(days=2)).isoformat()
    resource = {"resourceType": "Appointment", "status": "proposed", "start": start, "minutesDuration": 30,
                "participant": [{"actor": {"reference": f"Patient/{record.pk}"}, "status": "needs-action"}]}
    return resource | changes


def test_malformed_json_is_a_400(fhir, record):
    response = fhir.client.post("/fhir/Appointment", data="{not json", content_type="application/fhir+json",
                                **fhir.headers)
    assert outcome(response, 400)["code"] == "structure"


def test_wrong_resource_type_is_a_400_naming_resource_type(fhir, record):
    response = fhir.client.post("/fhir/Appointment", data=json.dumps({"resourceType": "Patient"}),
                                content_type="application/fhir+json", **fhir.headers)
    assert outcome(response, 400)["expression"] == ["Appointment.resourceType"]


@pytest.mark.parametrize(("change", "element"), [
    ({"minutesDuration": "long"}, "Appointment.minutesDuration"),
    ({"colour": "blue"}, "Appointment.colour"),
    ({"participant": [{"actor": {"reference": 5}, "status": "accepted"}]}, "Appointment.participant[0].actor"),
])
def test_a_resource_fhir_resources_rejects_is_a_400_naming_the_element(fhir, record, change, element):
    response = fhir.client.post("/fhir/Appointment", data=json.dumps(_appointment(record, **change)),
                                content_type="application/fhir+json", **fhir.headers)
    found = outcome(response, 400)
    assert any(path.startswith(element) for path in found["expression"]), found
    assert not Meeting.objects.exists()


def test_a_domain_rule_refusal_is_a_422_naming_the_element(fhir, record):
    past = (timezone.now() - timedelta(days=1)).isoformat()
    response = fhir.client.post("/fhir/Appointment", data=json.dumps(_appointment(record, start=past)),
                                content_type="application/fhir+json", **fhir.headers)
    assert outcome(response, 422)["expression"] == ["Appointment.start"]


def test_unknown_search_parameters_are_a_400_listing_each(fhir):
    response = fhir.client.get("/fhir/Appointment?colour=red&patient=1&shoe=9", **fhir.headers)
    found = outcome(response, 400)
    assert found["expression"] == ["colour", "shoe"]
    assert "colour" in found["diagnostics"] and "shoe" in found["diagnostics"]


@pytest.mark.parametrize("query", ["date=yesterday", "_count=-1", "_count=1000", "patient=Practitioner/1",
                                   "status=nonsense", "date=ne2026-01-01"])
def test_bad_search_values_are_a_400(fhir, query):
    assert outcome(fhir.client.get(f"/fhir/Appointment?{query}", **fhir.headers), 400)["severity"] == "error"


def test_unsupported_format_is_a_406(fhir):
    assert outcome(fhir.client.get("/fhir/Patient?_format=xml", **fhir.headers), 406)["expression"] == ["_format"]
    response = fhir.client.get("/fhir/Patient", HTTP_ACCEPT="application/fhir+xml", **fhir.headers)
    outcome(response, 406)


def test_wrong_content_type_and_too_large_body(fhir, record):
    response = fhir.client.post("/fhir/Appointment", data="<Appointment/>", content_type="application/xml",
                                **fhir.headers)
    outcome(response, 415)
    huge = json.dumps(_appointment(record, comment="x" * 1_100_000))
    outcome(fhir.client.post("/fhir/Appointment", data=huge, content_type="application/fhir+json",
                             **fhir.headers), 413)


def test_missing_or_revoked_token_is_a_401_and_a_missing_scope_a_403(client, nurse):
    response = client.get("/fhir/Patient")
    assert outcome(response, 401)["code"] == "login"
    assert "Bearer" in response["WWW-Authenticate"]
    outcome(client.get("/fhir/Patient", HTTP_AUTHORIZATION="Bearer polku_nope_nope"), 401)
    reader = FhirClient(client, token_for(nurse, scopes=("directory:read",)))
    assert outcome(client.get("/fhir/Patient", **reader.headers), 403)["code"] == "forbidden"
    read_only = FhirClient(client, token_for(nurse, scopes=("fhir:read",)))
    outcome(client.post("/fhir/Appointment", data="{}", content_type="application/fhir+json",
                        **read_only.headers), 403)
    from polku.api.models import ApiToken

    token = token_for(nurse, scopes=("fhir:read",))
    revoke_token(actor=nurse, token=ApiToken.objects.get(prefix=token.split("_")[1]))
    outcome(client.get("/fhir/Patient", HTTP_AUTHORIZATION=f"Bearer {token}"), 401)


def test_unknown_types_ids_paths_and_methods(fhir):
    outcome(fhir.client.get("/fhir/Medication", **fhir.headers), 404)
    outcome(fhir.client.get("/fhir/Patient/abc", **fhir.headers), 404)
    outcome(fhir.client.get("/fhir/Appointment/meeting-999999", **fhir.headers), 404)
    outcome(fhir.client.get("/fhir/", **fhir.headers), 404)
    outcome(fhir.client.get("/fhir/Patient/1/_history", **fhir.headers), 404)
    assert outcome(fhir.client.delete("/fhir/Patient/1", **fhir.headers), 405)["code"] == "not-supported"
    outcome(fhir.client.post("/fhir/Patient", data="{}", content_type="application/fhir+json", **fhir.headers), 405)


def test_service_request_without_a_sender_or_patient_is_a_422(fhir, record):
    body = {"resourceType": "ServiceRequest", "status": "active", "intent": "order",
            "subject": {"reference": f"Patient/{record.pk}"}, "reasonCode": [{"text": "Y"}]}
    response = fhir.client.post("/fhir/ServiceRequest", data=json.dumps(body), content_type="application/fhir+json",
                                **fhir.headers)
    assert outcome(response, 422)["expression"] == ["ServiceRequest.requester.display"]
    body["subject"] = {"reference": "Group/1"}
    body["requester"] = {"display": "X"}
    response = fhir.client.post("/fhir/ServiceRequest", data=json.dumps(body), content_type="application/fhir+json",
                                **fhir.headers)
    assert outcome(response, 422)["expression"] == ["ServiceRequest.subject"]


def test_questionnaire_response_with_an_answer_outside_the_options_is_a_422(fhir, record):
    body = {"resourceType": "QuestionnaireResponse", "status": "completed",
            "questionnaire": "https://polku.example/fhir/Questionnaire/phq-9|1.0.0",
            "subject": {"reference": f"Patient/{record.pk}"},
            "item": [{"linkId": "phq9-1", "answer": [{"valueCoding": {"code": "nope"}}]}]}
    response = fhir.client.post("/fhir/QuestionnaireResponse", data=json.dumps(body),
                                content_type="application/fhir+json", **fhir.headers)
    assert outcome(response, 422)["expression"] == ["QuestionnaireResponse.questionnaire"]


def _post(fhir, resource_type, body):
    return fhir.client.post(f"/fhir/{resource_type}", data=json.dumps(body), content_type="application/fhir+json",
                            **fhir.headers)


@pytest.mark.parametrize(("change", "status", "element"), [
    ({"start": "2026-12-01T10:00:00"}, 400, "Appointment.start"),  # an instant needs its time zone
    ({"start": None}, 422, "Appointment.start"),
    ({"minutesDuration": None, "end": "2020-01-01T10:00:00+02:00"}, 422, "Appointment.minutesDuration"),
    ({"status": "fulfilled"}, 422, "Appointment.status"),
    ({"participant": [{"actor": {"reference": "Practitioner/1"}, "status": "accepted"}]}, 422,
     "Appointment.participant"),
])
def test_appointment_requests_that_polku_cannot_plan_are_422_naming_the_element(fhir, record, change, status, element):
    body = {k: v for k, v in _appointment(record, **change).items() if v is not None}
    found = outcome(_post(fhir, "Appointment", body), status)
    assert found["expression"][0].startswith(element), found
    assert not Meeting.objects.exists()


def test_posts_about_unknown_patients_are_404(fhir):
    body = {"resourceType": "ServiceRequest", "status": "active", "intent": "order", "requester": {"display": "X"},
            "subject": {"reference": "Patient/987654"}, "reasonCode": [{"text": "Y"}]}
    outcome(_post(fhir, "ServiceRequest", body), 404)


def test_questionnaire_response_for_an_unknown_questionnaire_or_missing_items_is_a_422(fhir, record):
    body = {"resourceType": "QuestionnaireResponse", "status": "completed",
            "questionnaire": "https://example.org/Questionnaire/x", "subject": {"reference": f"Patient/{record.pk}"}}
    assert outcome(_post(fhir, "QuestionnaireResponse", body), 422)["expression"] == [
        "QuestionnaireResponse.questionnaire"]
    body["questionnaire"] = "https://polku.example/fhir/Questionnaire/phq-9|1.0.0"
    body["item"] = [{"linkId": "phq9-1", "answer": [{"valueInteger": 1}]}]
    assert outcome(_post(fhir, "QuestionnaireResponse", body), 422)["expression"] == ["QuestionnaireResponse.item"]


@pytest.mark.parametrize("url", ["/fhir/Patient?birthdate=1988", "/fhir/Appointment?date=2026",
                                 "/fhir/Appointment?date=2026-02&date=lt2027-01-01T00:00:00Z",
                                 "/fhir/Patient?_count=0", "/fhir/Task?business-status=received",
                                 "/fhir/Patient?lang=en", "/fhir/AuditEvent?date=ge2020-01-01"])
def test_supported_searches_answer_200(fhir, record, url):
    response = fhir.client.get(url, **fhir.headers)
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("url", ["/fhir/Patient?_offset=abc", "/fhir/Patient?birthdate=88",
                                 # Beyond a 64-bit integer: was a 500 from the database (found by the fuzz test).
                                 "/fhir/Patient?_offset=9223372036854775808", "/fhir/Task?_offset=1000001",
                                 "/fhir/Task?business-status=bogus", "/fhir/Appointment?date=2026-13-01",
                                 "/fhir/HealthcareService?location=Location/not-a-uuid",
                                 "/fhir/Patient?name:exact=X"])
def test_bad_search_values_of_other_types_are_a_400(fhir, url):
    outcome(fhir.client.get(url, **fhir.headers), 400)

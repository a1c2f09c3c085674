"""Writes through the facade: a meeting request, an incoming referral and a screening done elsewhere, read back."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from polku.casework.instruments import load_instrument, score
from polku.casework.models import Meeting, PathEvent, PathEventKind, ScreeningResponse
from polku.referrals.models import Referral, ReferralDirection
from tests.api.fhir.conftest import PHQ9

pytestmark = pytest.mark.django_db


def _path(location: str) -> str:
    return location.split("testserver", 1)[1]


def test_posted_appointment_becomes_a_planned_meeting_and_reads_back_equal(fhir, record, nurse, counsellor):
    start = (timezone.now() + timedelta(days=3)).replace(microsecond=0)
    posted = {
        "resourceType": "Appointment", "status": "proposed", "start": start.isoformat(), "minutesDuration": 45,
        "participant": [
            {"actor": {"reference": f"Patient/{record.pk}"}, "status": "needs-action"},
            {"actor": {"reference": f"Practitioner/{nurse.pk}"}, "status": "accepted"},
            {"actor": {"reference": f"Practitioner/{counsellor.pk}"}, "status": "accepted"},
            {"type": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
                                   "code": "INTP"}]}], "status": "needs-action"},
        ],
    }
    response, created = fhir.post("/fhir/Appointment", posted)
    assert response.status_code == 201, created
    meeting = Meeting.objects.get(client=record)
    assert (meeting.starts_at, meeting.planned_minutes, meeting.interpreter_language) == (start, 45, "ar")
    assert PathEvent.objects.filter(client=record, activity=PathEventKind.MEETING_PLANNED).count() == 1
    _response, read = fhir.get(_path(response["Location"]))
    assert read == created
    assert read["status"] == "booked"
    assert read["start"] == timezone.localtime(start).isoformat()
    assert read["minutesDuration"] == 45
    actors = {p["actor"]["reference"] for p in read["participant"] if "reference" in p.get("actor", {})}
    assert actors == {f"Patient/{record.pk}", f"Practitioner/{nurse.pk}", f"Practitioner/{counsellor.pk}"}
    (interpreter,) = [p for p in read["participant"] if p.get("type", [{}])[0].get("coding", [{}])[0].get("code")
                      == "INTP"]
    assert interpreter["status"] == "needs-action"


def test_posted_service_request_is_an_incoming_referral_read_back_equal(fhir, record):
    authored = (timezone.now() - timedelta(days=1)).replace(microsecond=0)
    posted = {"resourceType": "ServiceRequest", "status": "active", "intent": "order", "priority": "asap",
              "subject": {"reference": f"Patient/{record.pk}"}, "authoredOn": authored.isoformat(),
              "requester": {"display": "Terveysasema Keskusta"}, "reasonCode": [{"text": "Painajaiset, univaikeudet"}]}
    response, created = fhir.post("/fhir/ServiceRequest", posted)
    assert response.status_code == 201, created
    referral = Referral.objects.get(client=record)
    assert (referral.direction, referral.external_sender, referral.reason, referral.urgency, referral.received_at) \
        == (ReferralDirection.INCOMING, "Terveysasema Keskusta", "Painajaiset, univaikeudet", "urgent", authored)
    _response, read = fhir.get(f"/fhir/ServiceRequest/{referral.pk}")
    for element in ("subject", "requester", "reasonCode", "priority", "intent"):
        assert read[element] == posted[element], element
    _response, task = fhir.get(f"/fhir/Task/{referral.pk}")
    assert task["status"] == "received"


def test_posted_questionnaire_response_is_scored_and_reads_back_with_the_same_answers(fhir, record, nurse):
    instrument = load_instrument("phq-9")
    items = []
    for link_id, value in PHQ9.items():
        option = next(o for o in instrument.item(link_id).answer_options if o.ordinal == value)
        items.append({"linkId": link_id, "answer": [{"valueCoding": {"system": option.system, "code": option.code}}]})
    posted = {"resourceType": "QuestionnaireResponse", "status": "completed",
              "questionnaire": "https://polku.example/fhir/Questionnaire/phq-9|1.0.0",
              "subject": {"reference": f"Patient/{record.pk}"}, "language": "ar", "item": items}
    response, created = fhir.post("/fhir/QuestionnaireResponse", posted)
    assert response.status_code == 201, created
    stored = ScreeningResponse.objects.get(client=record)
    assert stored.total == sum(PHQ9.values()) == score(instrument=instrument, answers=PHQ9).total
    assert stored.administered_by == nurse
    _response, read = fhir.get(f"/fhir/QuestionnaireResponse/screening-{stored.pk}")
    assert read["questionnaire"] == posted["questionnaire"]
    assert read["subject"] == posted["subject"]
    assert [(i["linkId"], i["answer"][0]["valueCoding"]["code"]) for i in read["item"]] == \
        [(i["linkId"], i["answer"][0]["valueCoding"]["code"]) for i in items]


def test_writes_for_a_client_of_another_organisation_are_refused_as_not_found(fhir_b, record):
    posted = {"resourceType": "ServiceRequest", "status": "active", "intent": "order",
              "subject": {"reference": f"Patient/{record.pk}"}, "requester": {"display": "X"},
              "reasonCode": [{"text": "Y"}]}
    response, body = fhir_b.post("/fhir/ServiceRequest", posted)
    assert response.status_code == 404
    assert body["resourceType"] == "OperationOutcome"
    assert not Referral.objects.exists()


def test_a_session_user_can_post_with_the_csrf_token_only(client, nurse, record):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(nurse)
    body = json.dumps({"resourceType": "ServiceRequest", "status": "active", "intent": "order",
                       "subject": {"reference": f"Patient/{record.pk}"}, "requester": {"display": "X"},
                       "reasonCode": [{"text": "Y"}]})
    response = strict.post("/fhir/ServiceRequest", data=body, content_type="application/fhir+json")
    assert response.status_code == 403
    assert json.loads(response.content)["resourceType"] == "OperationOutcome"

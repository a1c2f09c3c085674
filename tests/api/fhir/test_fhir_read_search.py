"""Reads and searches of the FHIR facade: valid R4 resources, the significant fields, paging, the access log."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from polku.api.fhir.resources import REGISTRY
from polku.casework.models import Meeting, MeetingOutcome
from polku.core.models import AccessBasis, AccessLog
from polku.interpreting.models import Booking, Interpreter
from polku.referrals.services.answers import accept_referral
from tests.api.fhir.conftest import PHQ9, FhirClient, token_for
from tests.factories import add_to_care_team, make_client

pytestmark = pytest.mark.django_db

ALL_TYPES = {"Patient", "Practitioner", "Organization", "Location", "HealthcareService", "CareTeam", "Appointment",
             "Encounter", "ServiceRequest", "Task", "Questionnaire", "QuestionnaireResponse", "CarePlan",
             "AuditEvent"}


def test_capability_statement_lists_every_type_with_its_interactions(fhir):
    response, body = fhir.get("/fhir/metadata")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    assert body["fhirVersion"] == "4.0.1"
    resources = {r["type"]: r for r in body["rest"][0]["resource"]}
    assert set(resources) == ALL_TYPES
    creatable = {name for name, r in resources.items() if {"code": "create"} in r["interaction"]}
    assert creatable == {"Appointment", "ServiceRequest", "QuestionnaireResponse"}
    assert {"name": "identifier", "type": "token"} in resources["Patient"]["searchParam"]


def test_patient_carries_interpreter_need_languages_identity_and_names(fhir, record):
    response, patient = fhir.get(f"/fhir/Patient/{record.pk}")
    assert response.status_code == 200
    assert patient["extension"] == [{"url": "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired",
                                     "valueBoolean": True}]
    languages = [(c["language"]["coding"][0]["code"], c.get("preferred")) for c in patient["communication"]]
    assert languages == [("ar", True), ("fr", False)]
    assert {"use": "official", "system": "urn:oid:1.2.246.21", "value": "020488-998X"} in patient["identifier"]
    assert patient["birthDate"] == "1988-04-02"
    assert patient["gender"] == "female"
    assert patient["name"][0] == {"use": "official", "family": "Hassan", "given": ["Amina"]}
    assert patient["name"][1]["text"] == "أمينة حسن"
    assert patient["managingOrganization"] == {"reference": f"Organization/{record.organisation_id}"}


def test_patient_search_by_identifier_finds_exactly_the_matching_client(fhir, record):
    _response, found = fhir.get("/fhir/Patient?identifier=urn:oid:1.2.246.21|020488-998X")
    assert [e["resource"]["id"] for e in found["entry"]] == [str(record.pk)]
    _response, none = fhir.get("/fhir/Patient?identifier=urn:oid:1.2.246.21|010101-123N")
    assert none["total"] == 0 and "entry" not in none


def test_search_pages_with_count_and_follows_next_links_to_every_match(client, fhir, record, organisation, nurse,
                                                                       team_lead):
    others = [make_client(organisation=organisation, created_by=team_lead, family_name_latin=f"Zeta{n}")
              for n in range(2)]
    for other in others:
        add_to_care_team(client=other, worker=nurse, assigned_by=team_lead)
    seen, url, pages = [], "/fhir/Patient?_count=2", 0
    while url:
        _response, bundle = fhir.get(url)
        assert bundle["total"] == 3
        seen += [e["resource"]["id"] for e in bundle.get("entry", [])]
        nexts = [link["url"] for link in bundle["link"] if link["relation"] == "next"]
        url = (lambda u: f"{u.path}?{u.query}")(urlsplit(nexts[0])) if nexts else None
        pages += 1
    assert pages == 2
    assert sorted(seen) == sorted(str(c.pk) for c in [record, *others])


def test_appointment_search_by_patient_and_date(fhir, record, held_meeting):
    day_before = (held_meeting.starts_at - timedelta(days=1)).date().isoformat()
    _response, found = fhir.get(f"/fhir/Appointment?patient=Patient/{record.pk}&date=ge{day_before}")
    assert [e["resource"]["id"] for e in found["entry"]] == [f"meeting-{held_meeting.pk}"]
    appointment = found["entry"][0]["resource"]
    assert appointment["status"] == "fulfilled"
    assert appointment["minutesDuration"] == 50
    _response, later = fhir.get(f"/fhir/Appointment?patient={record.pk}&date=gt{timezone.now().date().isoformat()}")
    assert later["total"] == 0


def _intp(appointment):
    return [p for p in appointment["participant"]
            if p.get("type") and p["type"][0]["coding"][0]["code"] == "INTP"]


def test_interpreter_is_a_participant_with_the_status_of_their_booking(fhir, record, nurse, centre):
    meeting = Meeting.objects.create(client=record, starts_at=timezone.now() + timedelta(days=2), place="office",
                                     outcome=MeetingOutcome.PLANNED, interpreter_language="ar", created_by=nurse)
    starts = meeting.starts_at
    booking = Booking.objects.create(client=record, meeting=meeting, organisation=record.organisation, centre=centre,
                                     requested_by=nurse, language="ar", mode="on_site", starts_at=starts,
                                     ends_at=starts + timedelta(hours=2), meeting_minutes=60)
    _response, requested = fhir.get(f"/fhir/Appointment/meeting-{meeting.pk}")
    (interpreter,) = _intp(requested)
    assert interpreter["status"] == "needs-action"
    assert requested["status"] == "booked"
    person = Interpreter.objects.create(centre=centre, name="Tulkki Taitava", gender="female")
    Booking.objects.filter(pk=booking.pk).update(status="assigned", interpreter=person, blocked_from=starts,
                                                 blocked_until=starts + timedelta(hours=2))
    _response, assigned = fhir.get(f"/fhir/Appointment/meeting-{meeting.pk}")
    (interpreter,) = _intp(assigned)
    assert (interpreter["status"], interpreter["actor"]["display"]) == ("tentative", "Tulkki Taitava")
    assert {"url": "https://polku.example/fhir/StructureDefinition/interpreter-language", "valueCode": "ar"} in \
        interpreter["extension"]


def test_encounter_is_the_held_meeting_with_its_length_and_workers(fhir, record, held_meeting, nurse, counsellor):
    _response, encounter = fhir.get(f"/fhir/Encounter/meeting-{held_meeting.pk}")
    assert encounter["status"] == "finished"
    assert encounter["length"]["value"] == 50
    workers = {p["individual"]["reference"] for p in encounter["participant"] if "reference" in p.get("individual",
                                                                                                      {})}
    assert workers == {f"Practitioner/{nurse.pk}", f"Practitioner/{counsellor.pk}"}


def test_task_follows_the_referral_state_machine(fhir, record, referral, nurse):
    _response, task = fhir.get(f"/fhir/Task?focus=ServiceRequest/{referral.pk}")
    (entry,) = task["entry"]
    assert entry["resource"]["status"] == "received"
    assert entry["resource"]["businessStatus"]["coding"][0]["code"] == "received"
    accept_referral(actor=nurse, referral=referral)
    _response, accepted = fhir.get(f"/fhir/Task/{referral.pk}")
    assert (accepted["status"], accepted["businessStatus"]["coding"][0]["code"]) == ("accepted", "accepted")
    _response, active = fhir.get(f"/fhir/ServiceRequest?patient={record.pk}&status=active")
    assert [e["resource"]["id"] for e in active["entry"]] == [str(referral.pk)]
    _response, done = fhir.get(f"/fhir/ServiceRequest?patient={record.pk}&status=completed")
    assert done["total"] == 0


def test_questionnaire_response_and_care_plan_read(fhir, record, screening, plan, nurse):
    _response, response = fhir.get(f"/fhir/QuestionnaireResponse/screening-{screening.pk}")
    assert [item["linkId"] for item in response["item"]] == list(PHQ9)
    _response, care_plan = fhir.get(f"/fhir/CarePlan/{plan.pk}")
    assert care_plan["status"] == "draft"
    assert care_plan["contained"][0]["description"]["text"] == "Sleep better"
    assert care_plan["activity"][0]["detail"]["performer"] == [{"reference": f"Practitioner/{nurse.pk}"}]
    _response, questionnaire = fhir.get("/fhir/Questionnaire/phq-9")
    assert questionnaire["url"] == response["questionnaire"].split("|")[0]


def _client_data_urls(record, held_meeting, screening, referral, plan):
    return {
        "Patient": f"/fhir/Patient/{record.pk}", "Appointment": f"/fhir/Appointment/meeting-{held_meeting.pk}",
        "Encounter": f"/fhir/Encounter/meeting-{held_meeting.pk}", "CareTeam": f"/fhir/CareTeam/{record.pk}",
        "ServiceRequest": f"/fhir/ServiceRequest/{referral.pk}", "Task": f"/fhir/Task/{referral.pk}",
        "QuestionnaireResponse": f"/fhir/QuestionnaireResponse/screening-{screening.pk}",
        "CarePlan": f"/fhir/CarePlan/{plan.pk}",
        "AuditEvent": f"/fhir/AuditEvent/{AccessLog.objects.filter(client_id=record.pk).first().pk}",
    }


def test_every_read_and_search_of_client_data_writes_an_access_log_row(fhir, nurse, record, held_meeting, screening,
                                                                       referral, plan):
    reads = _client_data_urls(record, held_meeting, screening, referral, plan)
    assert set(reads) == {name for name, handler in REGISTRY.items() if handler.client_data}
    for name, url in [*reads.items(), *((name, f"/fhir/{name}") for name in reads)]:
        before = AccessLog.objects.count()
        response, _body = fhir.get(url)
        assert response.status_code == 200, url
        rows = AccessLog.objects.order_by("id")[before:]
        assert [(r.actor_id, r.client_id, r.path, r.basis) for r in rows] == [
            (nurse.pk, record.pk, url, AccessBasis.CARE_RELATIONSHIP)], name


def test_organisation_b_reads_nothing_of_organisation_a(fhir_b, nurse_b, record, held_meeting, screening, referral,
                                                        plan):
    for name, url in _client_data_urls(record, held_meeting, screening, referral, plan).items():
        response, body = fhir_b.get(url)
        assert response.status_code == 404, name
        assert body["resourceType"] == "OperationOutcome"
        assert AccessLog.objects.filter(actor=nurse_b, path=url, basis=AccessBasis.DENIED).exists(), name
        response, bundle = fhir_b.get(f"/fhir/{name}?patient={record.pk}" if name != "Patient" else "/fhir/Patient")
        assert (response.status_code, bundle["total"]) == (200, 0), name
    _response, practitioners = fhir_b.get("/fhir/Practitioner")
    assert [e["resource"]["id"] for e in practitioners["entry"]] == [str(nurse_b.pk)]


def test_audit_events_for_the_data_controller_and_the_care_team_only(client, fhir, fhir_b, record, data_controller,
                                                                     counsellor, screening):
    controller = FhirClient(client, token_for(data_controller, scopes=("fhir:read",)))
    expected = AccessLog.objects.filter(client_id=record.pk).count()
    _response, everything = controller.get(f"/fhir/AuditEvent?patient={record.pk}&_count=100")
    assert everything["total"] == expected
    # Reading the log is logged too, on the controller's administrative basis.
    assert AccessLog.objects.filter(actor=data_controller, client_id=record.pk,
                                    basis=AccessBasis.ADMINISTRATIVE).count() == 1
    event = everything["entry"][-1]["resource"]
    assert event["entity"][0]["what"] == {"reference": f"Patient/{record.pk}"}
    _response, team_view = fhir.get(f"/fhir/AuditEvent?patient={record.pk}")
    assert team_view["total"] >= expected
    _response, outsider_view = fhir_b.get(f"/fhir/AuditEvent?patient={record.pk}")
    assert outsider_view["total"] == 0


def _queries(fhir, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response, _body = fhir.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("resource_type", ["Patient", "Appointment", "Encounter", "CareTeam", "ServiceRequest",
                                           "Task", "CarePlan"])
def test_a_search_costs_the_same_queries_for_one_or_three_matches(fhir, record, organisation, nurse, counsellor,
                                                                  team_lead, resource_type):
    def add_client(n):
        other = make_client(organisation=organisation, created_by=team_lead, family_name_latin=f"Other{n}",
                            preferred_language="so")
        add_to_care_team(client=other, worker=nurse, assigned_by=team_lead)
        add_to_care_team(client=other, worker=counsellor, assigned_by=team_lead)
        meeting = Meeting.objects.create(client=other, starts_at=timezone.now() - timedelta(days=n + 1),
                                         actual_minutes=30, place="home", outcome=MeetingOutcome.HELD,
                                         created_by=nurse)
        meeting.participants.create(kind="worker", worker=nurse)
        from polku.casework.services.plans import create_service_plan
        from polku.referrals.services.referrals import record_incoming_referral

        record_incoming_referral(actor=nurse, client=other, external_sender="X", reason="Y")
        create_service_plan(actor=nurse, client=other, agreed_on=None, review_on=None, goals=["G"],
                            actions=[("A", nurse, None, 0)])

    add_client(0)
    fhir.get("/fhir/metadata")  # the token's first use writes its last-use time and rate window: not counted
    fhir.get(f"/fhir/{resource_type}")
    one = _queries(fhir, f"/fhir/{resource_type}")
    add_client(1)
    add_client(2)
    three = _queries(fhir, f"/fhir/{resource_type}")
    assert three == one

"""Screening results as FHIR QuestionnaireResponse: valid per fhir.resources, and back to the same answers.

fhir.resources 8.x has R5 as its default package and R4B as a subpackage (no R4 one); R4B's
QuestionnaireResponse is the same as R4's for every element used here.
"""

from datetime import datetime

import pytest
from django.utils import translation
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from polku.casework.fhir import from_questionnaire_response, to_questionnaire_response
from polku.casework.instruments import load_instrument, score
from polku.casework.services.screening import administer_screening, import_instrument_texts
from polku.core.errors import DomainError
from tests.factories import add_to_care_team, make_client

pytestmark = pytest.mark.django_db

PHQ9 = {f"phq9-{n}": value for n, value in enumerate([2, 1, 0, 3, 1, 2, 1, 2, 1], start=1)}
PCL5 = {f"pcl5-{n}": n % 5 for n in range(1, 21)}
RHS15 = {f"rhs-{n}": n % 5 for n in range(1, 15)} | {"rhs-15": 7}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def client_record(organisation, nurse, team_lead):
    record = make_client(organisation=organisation, created_by=team_lead)
    add_to_care_team(client=record, worker=nurse, assigned_by=team_lead)
    return record


def screen(nurse, client, code, answers):
    return administer_screening(actor=nurse, client=client, instrument_code=code, answers=answers,
                                client_language="ar", worker_language="fi")


def test_phq9_result_is_a_valid_completed_questionnaire_response(nurse, client_record):
    screening = screen(nurse, client_record, "phq-9", PHQ9)
    resource = to_questionnaire_response(screening)
    parsed = QuestionnaireResponse.model_validate(resource)
    assert parsed.status == "completed"
    assert parsed.questionnaire == "https://polku.example/fhir/Questionnaire/phq-9|1.0.0"
    assert parsed.subject.reference == f"Patient/{client_record.pk}"
    assert parsed.author.reference == f"Practitioner/{nurse.pk}"
    assert datetime.fromisoformat(resource["authored"]) == screening.administered_at.replace(microsecond=0)
    assert [item.linkId for item in parsed.item] == list(PHQ9)
    fourth = parsed.item[3].answer[0].valueCoding
    assert (fourth.system, fourth.code, fourth.display) == ("http://loinc.org", "LA6571-9", "Nearly every day")


def test_no_item_texts_leave_in_the_response_not_even_for_a_licensed_instrument(nurse, client_record, organisation):
    import_instrument_texts(organisation=organisation, instrument_code="rhs-15",
                            texts={"en": {f"rhs-{n}": f"Licensed text {n}" for n in range(1, 16)}})
    resource = to_questionnaire_response(screen(nurse, client_record, "rhs-15", RHS15))
    QuestionnaireResponse.model_validate(resource)
    assert "Licensed text" not in str(resource)
    assert all("text" not in item for item in resource["item"])


@pytest.mark.parametrize(("code", "answers"), [("phq-9", PHQ9), ("pcl-5", PCL5)])
def test_the_answers_survive_a_round_trip_and_score_the_same(nurse, client_record, code, answers):
    screening = screen(nurse, client_record, code, answers)
    back = from_questionnaire_response(to_questionnaire_response(screening))
    assert back == screening.answers == answers
    assert score(instrument=load_instrument(code), answers=back).total == screening.total


def test_an_integer_answer_is_read_as_the_ordinal():
    resource = {"resourceType": "QuestionnaireResponse", "status": "completed",
                "questionnaire": "https://polku.example/fhir/Questionnaire/gad-7",
                "item": [{"linkId": "gad7-1", "answer": [{"valueInteger": 2}]}]}
    assert from_questionnaire_response(resource) == {"gad7-1": 2}


@pytest.mark.parametrize(("resource", "code"), [
    ({"resourceType": "Questionnaire"}, "not_a_questionnaire_response"),
    ({"resourceType": "QuestionnaireResponse", "questionnaire": "https://example.org/Questionnaire/htq"},
     "unknown_questionnaire"),
    ({"resourceType": "QuestionnaireResponse", "questionnaire": "https://polku.example/fhir/Questionnaire/phq-9",
      "item": [{"linkId": "phq9-1", "answer": [{"valueCoding": {"system": "http://loinc.org", "code": "LA0"}}]}]},
     "unknown_answer"),
    ({"resourceType": "QuestionnaireResponse", "questionnaire": "https://polku.example/fhir/Questionnaire/phq-9",
      "item": [{"linkId": "gad7-1", "answer": [{"valueInteger": 1}]}]}, "unknown_item"),
    ({"resourceType": "QuestionnaireResponse", "questionnaire": "https://polku.example/fhir/Questionnaire/phq-9",
      "item": [{"linkId": "phq9-1", "answer": []}]}, "invalid_item"),
])
def test_responses_polku_cannot_read_are_refused_with_a_code(resource, code):
    with pytest.raises(DomainError) as refused:
        from_questionnaire_response(resource)
    assert refused.value.code == code

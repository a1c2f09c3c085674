"""Screening and service-plan pages: languages side by side, error summaries, labels, 404 for outsiders."""

import json
import re
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from polku.casework.models import PathEvent, PlanStatus, ScreeningResponse, ServicePlan
from polku.casework.services.plans import create_service_plan
from polku.casework.services.screening import administer_screening, import_instrument_texts
from polku.casework.views import plans as plan_views
from polku.casework.views import screening as screening_views
from polku.core.models import AccessLog
from tests.factories import add_to_care_team, make_client

pytestmark = pytest.mark.django_db

PHQ9 = [f"phq9-{n}" for n in range(1, 10)]


class _Controls(HTMLParser):
    """Collects form controls that need a label, and the ids that labels point at."""

    def __init__(self):
        super().__init__()
        self.controls: list[str] = []
        self.labelled: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "label" and attrs.get("for"):
            self.labelled.add(attrs["for"])
        if tag in ("input", "select", "textarea") and attrs.get("type") not in ("hidden", "submit"):
            self.controls.append(attrs.get("id") or f"<{tag} name={attrs.get('name')} without id>")


def unlabelled(html: str) -> list[str]:
    parser = _Controls()
    parser.feed(html)
    return [control for control in parser.controls if control not in parser.labelled]


@pytest.fixture
def client_record(organisation, nurse, counsellor, team_lead):
    record = make_client(organisation=organisation, created_by=team_lead, preferred_language="sv",
                         given_names_latin="Amina", family_name_latin="Testinen")
    add_to_care_team(client=record, worker=nurse, assigned_by=team_lead)
    add_to_care_team(client=record, worker=counsellor, assigned_by=team_lead, role="social_counsellor")
    return record


@pytest.fixture
def as_nurse(client, nurse):
    client.force_login(nurse)
    client.cookies["polku_language"] = "en"
    return client


def url(name, *args):
    return reverse(f"casework:{name}", args=args)


# ---------------------------------------------------------------------------------------- screening


def test_the_form_shows_each_item_in_the_clients_language_next_to_the_workers(client, nurse, client_record):
    client.force_login(nurse)
    client.cookies["polku_language"] = "fi"
    response = client.get(url("screening_new", client_record.pk, "phq-9"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Vähäinen kiinnostus asioiden tekemiseen" in html  # the worker's (Finnish) text
    assert '<span class="client-text" lang="sv" dir="ltr">Lite intresse eller glädje i att göra saker</span>' in html
    assert html.count("<fieldset") == 9 and html.count("<legend>") == 9
    assert html.count('type="radio"') == 9 * 4
    assert unlabelled(html) == []


def test_without_texts_in_the_clients_language_the_form_says_the_interpreter_translates(as_nurse, client_record):
    client_record.preferred_language = "ar"
    client_record.save()
    html = as_nurse.get(url("screening_new", client_record.pk, "phq-9")).content.decode()
    assert "This questionnaire has no text in Arabic: the interpreter translates" in html
    assert '<option value="ar" selected>Arabic (the interpreter translates)</option>' in html
    assert 'lang="ar"' not in html.split('id="screening-form"')[1]
    chosen = as_nurse.get(url("screening_new", client_record.pk, "phq-9") + "?kieli=sv").content.decode()
    assert 'lang="sv" dir="ltr"' in chosen


def test_right_to_left_client_texts_are_marked_rtl(as_nurse, client_record, organisation):
    client_record.preferred_language = "ar"
    client_record.save()
    import_instrument_texts(organisation=organisation, instrument_code="rhs-15",
                            texts={"ar": {f"rhs-{n}": f"سؤال {n}" for n in range(1, 16)},
                                   "en": {f"rhs-{n}": f"Question {n}" for n in range(1, 16)}})
    html = as_nurse.get(url("screening_new", client_record.pk, "rhs-15")).content.decode()
    assert '<span class="client-text" lang="ar" dir="rtl">سؤال 3</span>' in html
    assert '<span lang="en">Question 3</span>' in html


def test_a_complete_screening_is_saved_and_the_result_page_suggests_a_next_step(as_nurse, client_record):
    answers = dict(zip(PHQ9, ["2", "1", "1", "2", "1", "2", "1", "2", "0"], strict=True))
    response = as_nurse.post(url("screening_new", client_record.pk, "phq-9"), {**answers, "client_language": "sv"})
    screening = ScreeningResponse.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("screening_detail", client_record.pk, screening.pk)
    assert (screening.total, screening.client_language, screening.worker_language) == (12, "sv", "en")
    html = as_nurse.get(response["Location"]).content.decode()
    assert "PHQ-9 total 12 (Moderate)." in html
    assert "Consider discussing with the client a referral" in html and "2–4 weeks" in html
    assert "never a diagnosis" in html
    assert 'role="alert"' not in html


def test_item_9_above_zero_shows_a_prominent_safety_note(as_nurse, client_record):
    answers = dict.fromkeys(PHQ9, "0") | {"phq9-9": "1"}
    as_nurse.post(url("screening_new", client_record.pk, "phq-9"), {**answers, "client_language": "sv"})
    html = as_nurse.get(url("screening_detail", client_record.pk, ScreeningResponse.objects.get().pk)).content.decode()
    alert = re.search(r'<div class="error-summary safety-note" role="alert">(.*?)</div>', html, re.S)
    assert alert and "item 9" in alert.group(1) and "today" in alert.group(1)


def test_missing_answers_give_an_error_summary_naming_the_items_and_save_nothing(as_nurse, client_record):
    answers = dict.fromkeys(PHQ9[:7], "1")  # items 8 and 9 unanswered
    response = as_nurse.post(url("screening_new", client_record.pk, "phq-9"), {**answers, "client_language": "sv"})
    html = response.content.decode()
    assert response.status_code == 400
    summary = html.split('class="error-summary"')[1].split("</div>")[0]
    assert "8 (phq9-8), 9 (phq9-9)" in summary
    assert 'href="#id_phq9-8_0"' in summary and 'href="#id_phq9-9_0"' in summary
    assert 'aria-describedby="error-phq9-8"' in html
    assert 'value="1" checked' in html  # the answers given are kept
    assert not ScreeningResponse.objects.exists()
    assert not PathEvent.objects.exists()


def test_an_out_of_range_answer_is_refused_and_nothing_is_saved(as_nurse, client_record):
    answers = dict.fromkeys(PHQ9, "1") | {"phq9-4": "7"}
    response = as_nurse.post(url("screening_new", client_record.pk, "phq-9"), {**answers, "client_language": "sv"})
    assert response.status_code == 400
    assert "Item 4: Choose one of the answer options." in response.content.decode()
    assert not ScreeningResponse.objects.exists()


def test_an_unknown_instrument_is_refused_with_a_message(as_nurse, client_record):
    response = as_nurse.get(url("screening_new", client_record.pk, "htq-30"))
    assert response.status_code == 400
    assert "There is no screening instrument “htq-30”." in response.content.decode()


def test_a_licensed_instrument_without_texts_cannot_be_started(as_nurse, client_record):
    response = as_nurse.post(url("screening_new", client_record.pk, "rhs-15"), {"client_language": "sv"})
    assert response.status_code == 400
    assert "a licensed organisation must import them" in response.content.decode()
    assert not ScreeningResponse.objects.exists()


def test_a_worker_outside_the_care_team_gets_404_with_no_client_data(client, outsider, client_record):
    client.force_login(outsider)
    for response in (client.get(url("screening_new", client_record.pk, "phq-9")),
                     client.post(url("screening_new", client_record.pk, "phq-9"), dict.fromkeys(PHQ9, "1")),
                     client.get(url("screening_list", client_record.pk))):
        assert response.status_code == 404
        assert "Amina" not in response.content.decode()
    assert not ScreeningResponse.objects.exists()
    assert set(AccessLog.objects.filter(actor=outsider).values_list("basis", flat=True)) == {"denied"}


def test_the_result_downloads_as_fhir_and_the_export_is_logged(as_nurse, nurse, client_record):
    screening = administer_screening(actor=nurse, client=client_record, instrument_code="gad-7",
                                     answers={f"gad7-{n}": 1 for n in range(1, 8)}, client_language="sv",
                                     worker_language="en")
    response = as_nurse.get(url("screening_fhir", client_record.pk, screening.pk))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    assert json.loads(response.content)["resourceType"] == "QuestionnaireResponse"
    assert AccessLog.objects.filter(actor=nurse, action="export", object_type="screening",
                                    object_id=str(screening.pk)).count() == 1


def test_the_section_shows_latest_results_badges_and_a_trend_for_two_or_more_results(as_nurse, nurse, client_record):
    def screen(code, answers, days_ago):
        screening = administer_screening(actor=nurse, client=client_record, instrument_code=code, answers=answers,
                                         client_language="sv", worker_language="en")
        ScreeningResponse.objects.filter(pk=screening.pk).update(
            administered_at=timezone.now() - timedelta(days=days_ago))

    screen("phq-9", dict.fromkeys(PHQ9, 2), 30)  # 18, moderately severe
    screen("phq-9", dict.fromkeys(PHQ9, 1) | {"phq9-9": 0}, 2)  # 8, mild
    screen("gad-7", {f"gad7-{n}": 2 for n in range(1, 8)}, 1)  # 14, moderate, positive
    with translation.override("en"):
        html = render_to_string("casework/includes/_screening.html",
                                screening_views.section_context(viewer=nurse, client=client_record))
    assert html.count('role="img"') == 1  # PHQ-9 only; GAD-7 has one result
    assert "Total 8 / 27" in html and "Total 14 / 21" in html
    assert '<span class="badge warn">Positive screen</span>' in html  # GAD-7
    assert "<table>" in html  # the chart's figures as a table
    page = as_nurse.get(url("screening_list", client_record.pk))
    assert page.status_code == 200 and page.content.decode().count("<svg") == 1


def test_the_instrument_chooser_lists_every_instrument_and_which_need_texts(as_nurse, client_record):
    html = as_nurse.get(url("screening_choose", client_record.pk)).content.decode()
    assert f'href="{url("screening_new", client_record.pk, "phq-9")}"' in html
    assert f'href="{url("screening_new", client_record.pk, "rhs-15")}"' not in html
    assert "item texts not loaded" in html


# -------------------------------------------------------------------------------------------- plans


def formset(prefix, rows, total):
    data = {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000"}
    for index, row in enumerate(rows):
        data |= {f"{prefix}-{index}-{name}": value for name, value in row.items()}
    return data


def plan_post(nurse, *, agreed="", review="", due=None, version=""):
    due = due or (timezone.localdate() + timedelta(days=7)).isoformat()
    return {"agreed_on": agreed, "review_on": review, "version": version,
            **formset("goals", [{"text": "Sleep better"}], 3),
            **formset("actions", [{"text": "Book a doctor", "owner": str(nurse.pk), "due_on": due, "goal": "0"},
                                  {"text": "Visit the library", "owner_text": "the client", "goal": "0"}], 3)}


def test_the_plan_form_labels_every_input(as_nurse, client_record):
    response = as_nurse.get(url("plan_new", client_record.pk))
    assert response.status_code == 200
    assert unlabelled(response.content.decode()) == []


def test_a_plan_is_made_from_the_form(as_nurse, nurse, client_record):
    today = timezone.localdate().isoformat()
    response = as_nurse.post(url("plan_new", client_record.pk), plan_post(nurse, agreed=today))
    plan = ServicePlan.objects.get()
    assert response.status_code == 302 and response["Location"] == url("plan_detail", client_record.pk, plan.pk)
    assert list(plan.goals.values_list("text", flat=True)) == ["Sleep better"]
    assert sorted((a.text, a.owner_id, a.owner_text, a.goal.text) for a in plan.actions.all()) == [
        ("Book a doctor", nurse.pk, "", "Sleep better"), ("Visit the library", None, "the client", "Sleep better")]


def test_a_review_date_before_the_agreement_is_named_in_the_error_summary(as_nurse, nurse, client_record):
    response = as_nurse.post(url("plan_new", client_record.pk), plan_post(nurse, agreed="2025-05-10",
                                                                          review="2025-05-01"))
    html = response.content.decode()
    assert response.status_code == 400
    summary = html.split('class="error-summary"')[1].split("</div>")[0]
    assert '<a href="#id_review_on">Review date: The review date is before the date' in summary
    assert not ServicePlan.objects.exists()


def test_an_action_due_in_the_past_is_named_on_its_row(as_nurse, nurse, client_record):
    past = (timezone.localdate() - timedelta(days=2)).isoformat()
    response = as_nurse.post(url("plan_new", client_record.pk), plan_post(nurse, due=past))
    assert response.status_code == 400
    assert 'href="#id_actions-0-due_on">Action 1 – Due date: The due date of action 1 is in the past.' in (
        response.content.decode())
    assert not ServicePlan.objects.exists()


def test_a_second_open_plan_is_refused_on_the_page(as_nurse, nurse, client_record):
    create_service_plan(actor=nurse, client=client_record, agreed_on=None, review_on=None, goals=["First"])
    assert "already has an open service plan" in as_nurse.get(url("plan_new", client_record.pk)).content.decode()
    response = as_nurse.post(url("plan_new", client_record.pk), plan_post(nurse))
    assert response.status_code == 400
    assert "already has an open service plan" in response.content.decode()
    assert ServicePlan.objects.count() == 1


def test_saving_an_edit_made_on_a_stale_version_is_a_conflict(as_nurse, nurse, client_record):
    plan = create_service_plan(actor=nurse, client=client_record, agreed_on=None, review_on=None, goals=["First"])
    ServicePlan.objects.filter(pk=plan.pk).update(version=2)  # someone saved in between
    response = as_nurse.post(url("plan_edit", client_record.pk, plan.pk), plan_post(nurse, version="1"))
    assert response.status_code == 409
    assert "Someone else changed this plan" in response.content.decode()
    assert list(ServicePlan.objects.get().goals.values_list("text", flat=True)) == ["First"]


def test_activate_mark_done_and_close_through_the_buttons(as_nurse, nurse, client_record):
    today = timezone.localdate()
    plan = create_service_plan(actor=nurse, client=client_record, agreed_on=today, review_on=None,
                               goals=["Sleep better"], actions=[("Book a doctor", nurse, None, 0)])
    stale = as_nurse.post(url("plan_activate", client_record.pk, plan.pk), {"version": "7"})
    assert stale.status_code == 302 and ServicePlan.objects.get().status == PlanStatus.DRAFT
    as_nurse.post(url("plan_activate", client_record.pk, plan.pk), {"version": "1"})
    assert ServicePlan.objects.get().status == PlanStatus.ACTIVE
    action = plan.actions.get()
    as_nurse.post(url("plan_action_done", client_record.pk, plan.pk, action.pk), {"version": "2", "done": "1"})
    assert plan.actions.get().done is True
    close_page = as_nurse.get(url("plan_close", client_record.pk, plan.pk)).content.decode()
    assert unlabelled(close_page) == []
    response = as_nurse.post(url("plan_close", client_record.pk, plan.pk), {"version": "3", "reason": "goals_met"})
    assert response.status_code == 302
    assert ServicePlan.objects.get().status == PlanStatus.CLOSED
    assert list(PathEvent.objects.values_list("activity", flat=True)) == ["PLAN_MADE", "PLAN_CLOSED"]


def test_closing_without_a_reason_is_named_in_the_error_summary(as_nurse, nurse, client_record):
    plan = create_service_plan(actor=nurse, client=client_record, agreed_on=None, review_on=None, goals=["First"])
    response = as_nurse.post(url("plan_close", client_record.pk, plan.pk), {"version": "1"})
    assert response.status_code == 400
    assert '<a href="#id_reason">Why is the plan closed?:' in response.content.decode()
    assert ServicePlan.objects.get().status == PlanStatus.DRAFT


def test_the_plan_section_shows_goals_actions_owners_dates_and_status(nurse, client_record):
    review = date(2030, 1, 31)
    create_service_plan(actor=nurse, client=client_record, agreed_on=timezone.localdate(), review_on=review,
                        goals=["Sleep better"], actions=[("Book a doctor", nurse, review, 0),
                                                         ("Visit the library", "the client", None, None)])
    with translation.override("en"):
        html = render_to_string("casework/includes/_plans.html",
                                plan_views.section_context(viewer=nurse, client=client_record))
    assert "Sleep better" in html and "Book a doctor" in html and "the client" in html
    assert nurse.get_full_name() in html
    assert "Draft" in html and "Activate" in html
    assert url("plan_edit", client_record.pk, ServicePlan.objects.get().pk) in html


def test_a_worker_outside_the_care_team_gets_404_on_plan_pages(client, nurse, outsider, client_record):
    plan = create_service_plan(actor=nurse, client=client_record, agreed_on=None, review_on=None, goals=["First"])
    client.force_login(outsider)
    assert client.get(url("plan_detail", client_record.pk, plan.pk)).status_code == 404
    assert client.post(url("plan_close", client_record.pk, plan.pk), {"version": "1", "reason": "other"}
                       ).status_code == 404
    assert client.post(url("plan_new", client_record.pk), plan_post(outsider)).status_code == 404
    assert ServicePlan.objects.get().status == PlanStatus.DRAFT
    assert AccessLog.objects.filter(actor=outsider, basis="denied").count() == 3

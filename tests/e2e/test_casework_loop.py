"""The client-work loop in a real browser: the "Done when" of the Client-work issue.

A team lead registers a client who has no identity code and assigns the nurse–social counsellor pair;
the nurse records the pair's first meeting with an interpreter, writes and signs a note, administers
PHQ-9 and GAD-7 and makes a service plan; a psychologist outside the care team gets a 404 that names
nobody, and the access log keeps the denial. axe-core checks every page on the way.

The users switch the UI to English with the language switch: the English msgids are the stable
wording, while the Finnish and Swedish catalogues still grow.
"""

from __future__ import annotations

import os
import re
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from polku.casework.models import (
    CareTeamMembership,
    Client,
    Meeting,
    Note,
    PathEvent,
    ScreeningResponse,
    ServicePlan,
    WorkTime,
)
from polku.casework.models.meeting import ParticipantKind
from polku.core.models import AccessBasis, AccessLog
from tests.e2e.helpers import assert_no_serious_violations
from tests.factories import OrganisationFactory, add_to_care_team, make_client, make_user

# Set POLKU_E2E_SCREENSHOTS to a directory to keep full-page screenshots of the client page and the PHQ-9 form.
SCREENSHOTS = os.environ.get("POLKU_E2E_SCREENSHOTS", "")
LATIN_FAMILY, LATIN_GIVEN = "Al-Rashid", "Fatima"
ARABIC_FAMILY, ARABIC_GIVEN = "الرشيد", "فاطمة"
CLIENT_NAMES = (LATIN_FAMILY, LATIN_GIVEN, ARABIC_FAMILY, ARABIC_GIVEN)

# Published cut-offs (Kroenke et al. 2001; Spitzer et al. 2006), written out here so that the test does
# not take the expected band from the engine it checks.
PHQ9_BANDS = ((0, 4, "Minimal"), (5, 9, "Mild"), (10, 14, "Moderate"), (15, 19, "Moderately severe"),
              (20, 27, "Severe"))
GAD7_BANDS = ((0, 4, "Minimal"), (5, 9, "Mild"), (10, 14, "Moderate"), (15, 21, "Severe"))
PHQ9_ANSWERS = (2, 3, 1, 2, 1, 0, 2, 1, 1)  # item 9 above 0: the safety note must show
GAD7_ANSWERS = (1, 2, 1, 0, 1, 2, 1)


def band_for(total: int, bands) -> str:
    return next(label for low, high, label in bands if low <= total <= high)


@pytest.fixture
def people(areas):
    """One organisation: a team lead (a nurse), a nurse, a social counsellor and a psychologist."""
    organisation = OrganisationFactory()
    return SimpleNamespace(
        organisation=organisation,
        lead=make_user(role="team_lead", profession="nurse", organisation=organisation, username="vetaja",
                       first_name="Liisa", last_name="Lahtinen"),
        nurse=make_user(role="professional", profession="nurse", organisation=organisation, username="hoitaja",
                        first_name="Hanna", last_name="Hoitaja"),
        counsellor=make_user(role="professional", profession="social_counsellor", organisation=organisation,
                             username="ohjaaja", first_name="Sami", last_name="Sosiaaliohjaaja"),
        psychologist=make_user(role="professional", profession="psychologist", organisation=organisation,
                               username="psykologi", first_name="Pekka", last_name="Psykologi"),
    )



def checked(page) -> None:
    """Every page the scenario visits: no serious or critical axe-core violation."""
    assert_no_serious_violations(page)


def screenshot(page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=str(Path(SCREENSHOTS) / name), full_page=True)


def url(live_server, name: str, **kwargs) -> str:
    return live_server.url + reverse(f"casework:{name}", kwargs=kwargs)


def answer_items(page, answers) -> None:
    """Tick the answer with the given points for each item, by the item's legend and the option's label."""
    for number, points in enumerate(answers, start=1):
        item = page.get_by_role("group", name=re.compile(rf"^{number}\. "))
        item.get_by_role("radio", name=re.compile(rf"\({points}\)")).check()


def test_team_lead_registers_a_client_and_the_pair_works_through_the_whole_loop_while_an_outsider_gets_404(
        open_as, live_server, people):
    today = timezone.localdate()
    yesterday = today - timedelta(days=1)

    # 1. The team lead registers a client without an identity code and assigns the pair. -------------
    lead = open_as("vetaja")
    lead.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Team").click()
    expect(lead.get_by_role("heading", level=1)).to_have_text("Team")
    expect(lead.get_by_text("No clients are waiting for a care team.")).to_be_visible()
    checked(lead)

    lead.get_by_role("link", name="Register a client").click()
    expect(lead.get_by_role("heading", level=1)).to_have_text("Register a client")
    checked(lead)
    lead.get_by_label("Given names (Latin letters)").fill(LATIN_GIVEN)
    lead.get_by_label("Family name as the client writes it").fill(ARABIC_FAMILY)
    lead.get_by_label("Given names as the client writes them").fill(ARABIC_GIVEN)
    lead.get_by_label("Year of birth, if the date is not known").fill("1987")
    lead.get_by_label("Gender as the client states it").select_option(label="Woman")
    lead.get_by_label("Preferred language").select_option(label="Arabic")
    lead.get_by_label("Language 1", exact=True).select_option(label="Arabic")
    lead.get_by_label("Proficiency in language 1").select_option(label="Native")
    lead.get_by_label("Language 2", exact=True).select_option(label="Finnish")
    lead.get_by_label("Proficiency in language 2").select_option(label="Basic")
    lead.get_by_label("Needs an interpreter").check()
    lead.get_by_label("Interpreting language").select_option(label="Arabic")
    lead.get_by_label("Interpreter gender wish").select_option(label="Female interpreter")
    lead.get_by_label("Country of origin").select_option(label="Iraq")
    lead.get_by_label("Year of arrival in Finland").fill("2024")
    lead.get_by_label("Legal status", exact=True).select_option(label="Quota refugee")
    lead.get_by_label("Legal status valid from").fill("2024-03-12")
    lead.get_by_label("Municipality of residence").select_option(label="Turku")
    expect(lead.get_by_label("Personal identity code")).to_have_value("")
    # The Latin family name is left out on purpose: the form must name it and keep everything else.
    lead.get_by_role("button", name="Register").click()
    summary = lead.locator(".error-summary")
    expect(summary).to_contain_text("Family name (Latin letters)")
    family_latin = lead.get_by_label("Family name (Latin letters)")
    expect(family_latin).to_have_attribute("aria-invalid", "true")
    expect(family_latin).to_have_accessible_description("This field is required.")
    expect(lead.get_by_label("Given names as the client writes them")).to_have_value(ARABIC_GIVEN)
    expect(lead.get_by_label("Legal status", exact=True)).to_have_value("quota_refugee")
    assert not Client.objects.exists()
    checked(lead)

    summary.get_by_role("link", name=re.compile("Family name")).click()
    expect(family_latin).to_be_focused()
    family_latin.fill(LATIN_FAMILY)
    lead.get_by_role("button", name="Register").click()
    expect(lead.get_by_role("heading", level=1)).to_have_text("Team")
    client = Client.objects.get()
    expect(lead.get_by_role("status")).to_contain_text(f"Client registered with number {client.pk}")
    checked(lead)

    assert (client.family_name_latin, client.given_names_latin) == (LATIN_FAMILY, LATIN_GIVEN)
    assert (client.family_name, client.given_names) == (ARABIC_FAMILY, ARABIC_GIVEN)
    assert client.identity_code is None and client.birth_date is None and client.birth_year == 1987
    assert client.preferred_language == "ar"
    assert (client.interpreter_needed, client.interpreter_language, client.interpreter_gender_preference) == (
        True, "ar", "female")
    assert client.country_of_origin == "IQ" and client.arrival_year == 2024
    assert client.municipality.name_fi == "Turku"
    assert sorted(client.languages.values_list("language", "proficiency")) == [("ar", "native"), ("fi", "basic")]
    assert list(client.legal_statuses.values_list("status", "valid_from")) == [("quota_refugee", date(2024, 3, 12))]
    assert client.organisation == people.organisation and client.created_by == people.lead
    assert not CareTeamMembership.objects.filter(client=client).exists()
    assert PathEvent.objects.filter(client=client, activity="CLIENT_REGISTERED").count() == 1

    assign = lead.get_by_role("form", name=f"{LATIN_FAMILY}, {LATIN_GIVEN}")
    assign.get_by_label("Nurse", exact=True).select_option(label="Hanna Hoitaja")
    assign.get_by_label("Social counsellor", exact=True).select_option(label="Sami Sosiaaliohjaaja")
    assign.get_by_role("button", name="Assign").click()
    expect(lead.get_by_role("status")).to_contain_text(f"Care team assigned for client {client.pk}")
    expect(lead.get_by_text("No clients are waiting for a care team.")).to_be_visible()
    checked(lead)
    team = CareTeamMembership.objects.filter(client=client, ended_at__isnull=True)
    assert sorted(team.values_list("worker__username", "role")) == [
        ("hoitaja", "nurse"), ("ohjaaja", "social_counsellor")]
    assert PathEvent.objects.filter(client=client, activity="CARE_TEAM_ASSIGNED").count() == 1

    # 2. The nurse finds the client and records the pair's first meeting with an interpreter. ---------
    nurse = open_as("hoitaja")
    nurse.get_by_role("navigation", name="Main navigation").get_by_role("link", name="My clients").click()
    expect(nurse.get_by_role("heading", level=1)).to_have_text("My clients")
    row = nurse.get_by_role("row").filter(has=nurse.get_by_role("link", name=f"{LATIN_FAMILY}, {LATIN_GIVEN}"))
    expect(row).to_contain_text(f"{ARABIC_GIVEN} {ARABIC_FAMILY}")
    expect(row.locator(".badge")).to_have_text("Interpreter: Arabic")
    checked(nurse)

    row.get_by_role("link", name=f"{LATIN_FAMILY}, {LATIN_GIVEN}").click()
    client_url = url(live_server, "client_detail", client_id=client.pk)
    expect(nurse).to_have_url(client_url)
    heading = nurse.get_by_role("heading", level=1)
    expect(heading).to_contain_text(f"{LATIN_GIVEN} {LATIN_FAMILY}")
    expect(heading.locator("span[dir=auto]")).to_contain_text(f"{ARABIC_GIVEN} {ARABIC_FAMILY}")
    expect(nurse.locator("section", has=nurse.get_by_role("heading", name="Care team"))).to_contain_text(
        "Sami Sosiaaliohjaaja")
    checked(nurse)

    nurse.get_by_role("link", name="Record a meeting").click()
    expect(nurse.get_by_role("heading", level=1)).to_contain_text("Record a meeting")
    checked(nurse)
    expect(nurse.get_by_label("What happened")).to_have_value("held")
    nurse.get_by_label(re.compile(r"^Date\b")).fill(yesterday.isoformat())
    nurse.get_by_label("Start time").fill("10:00")
    nurse.get_by_label("End time").fill("11:00")
    nurse.get_by_label(re.compile(r"^Place\b")).select_option(label="Project office")
    workers = nurse.get_by_role("group", name="Workers taking part")
    workers.get_by_label("Hanna Hoitaja (Nurse)").check()
    workers.get_by_label("Sami Sosiaaliohjaaja (Social counsellor)").check()
    # The client needs an interpreter, so the form starts with the interpreter ticked and the language given.
    expect(nurse.get_by_label("An interpreter took part")).to_be_checked()
    expect(nurse.get_by_label("Interpreting language")).to_have_value("ar")
    nurse.get_by_label("Interpreter's name").fill("Layla Haddad")
    nurse.get_by_role("button", name="Save").click()
    expect(nurse).to_have_url(client_url)
    expect(nurse.get_by_role("status")).to_contain_text("The meeting is recorded.")
    meetings = nurse.locator("section", has=nurse.get_by_role("heading", name="Meetings", exact=True))
    expect(meetings).to_contain_text("First meeting")
    expect(meetings).to_contain_text("60 minutes")
    expect(meetings).to_contain_text("Hanna Hoitaja, Sami Sosiaaliohjaaja, Layla Haddad (interpreter)")
    expect(meetings.get_by_text("Yes, Arabic, Layla Haddad", exact=True)).to_be_visible()
    checked(nurse)

    meeting = Meeting.objects.get(client=client)
    assert (meeting.outcome, meeting.actual_minutes, meeting.place, meeting.is_first_meeting) == (
        "held", 60, "office", True)
    assert timezone.localtime(meeting.starts_at).date() == yesterday
    assert (meeting.interpreter_used, meeting.interpreter_language, meeting.interpreter_name) == (
        True, "ar", "Layla Haddad")
    assert meeting.pair_exception_reason == ""
    worker_ids = set(meeting.participants.filter(kind=ParticipantKind.WORKER).values_list("worker_id", flat=True))
    assert worker_ids == {people.nurse.pk, people.counsellor.pk}
    assert sorted(WorkTime.objects.filter(meeting=meeting).values_list("worker__username", "minutes")) == [
        ("hoitaja", 60), ("ohjaaja", 60)]
    held = PathEvent.objects.get(client=client, activity="MEETING_HELD")
    assert held.attributes["minutes"] == 60

    # 3. A note about the meeting, signed; an edit attempt offers the correction. ---------------------
    meetings.get_by_role("link", name="Write a note about this meeting").click()
    expect(nurse.get_by_role("heading", level=1)).to_contain_text("New note")
    expect(nurse.get_by_label("Meeting")).to_have_value(str(meeting.pk))
    checked(nurse)
    nurse.get_by_label("Reason for contact").fill("First meeting of the care pair")
    topics = nurse.get_by_role("group", name="Topics discussed")
    topics.get_by_label("Trauma").check()
    topics.get_by_label("Sleep").check()
    nurse.get_by_label("Agreed actions").fill("Sleep diary for two weeks\nSocial counsellor books KELA appointment")
    nurse.get_by_label("Next step").fill("Second meeting in two weeks, female Arabic interpreter")
    nurse.get_by_label("Free text").fill("The client talked about nightmares since the journey.")
    nurse.get_by_role("button", name="Save as draft").click()
    expect(nurse.get_by_role("status")).to_contain_text("The draft note is saved.")
    expect(nurse.get_by_role("heading", level=1)).to_contain_text("Note")
    expect(nurse.locator("main .badge").first).to_have_text("Draft")
    checked(nurse)

    nurse.get_by_role("button", name="Sign the note").click()
    expect(nurse.get_by_role("status")).to_contain_text("The note is signed.")
    expect(nurse.locator("main .badge").first).to_have_text("Signed")
    expect(nurse.get_by_text("Signed by Hanna Hoitaja")).to_be_visible()
    expect(nurse.get_by_role("button", name="Sign the note")).to_have_count(0)
    checked(nurse)
    note = Note.objects.get(client=client)
    assert (note.status, note.meeting_id, note.signed_by_id) == ("signed", meeting.pk, people.nurse.pk)
    assert note.topics == ["trauma", "sleep"]
    assert note.reason_for_contact == "First meeting of the care pair"
    assert note.next_step.startswith("Second meeting")

    nurse.goto(url(live_server, "note_edit", client_id=client.pk, note_id=note.pk))
    refusal = nurse.get_by_role("alert")
    expect(refusal).to_contain_text("This note is signed and can no longer be edited")
    expect(nurse.get_by_label("Free text")).to_have_count(0)
    checked(nurse)
    refusal.get_by_role("link", name="Correct the note").click()
    expect(nurse.get_by_role("heading", level=1)).to_contain_text("Correct a note")
    expect(nurse.get_by_label("Reason for the correction")).to_be_visible()
    expect(nurse.get_by_label("Free text")).to_have_value("The client talked about nightmares since the journey.")
    checked(nurse)

    # 4. PHQ-9 and GAD-7. Arabic has no item texts: the interpreter translates; GAD-7 in Finnish. ------
    nurse.goto(client_url)
    nurse.locator("details.screening-chooser summary").click()
    nurse.get_by_role("link", name=re.compile("^PHQ-9")).click()
    expect(nurse.get_by_role("heading", level=1)).to_contain_text("PHQ-9")
    checked(nurse)
    nurse.get_by_role("link", name="Back to the questionnaires").click()
    expect(nurse.get_by_role("heading", level=1)).to_have_text("New screening")
    checked(nurse)
    nurse.get_by_role("link", name=re.compile("^PHQ-9")).click()

    language = nurse.get_by_label("Language of the questionnaire for the client")
    expect(language).to_have_value("ar")
    expect(language.locator("option:checked")).to_have_text("Arabic (the interpreter translates)")
    expect(language.locator("option")).to_have_text(
        ["Arabic (the interpreter translates)", "Finnish", "Swedish", "English"])
    expect(nurse.get_by_role("note")).to_contain_text(
        "This questionnaire has no text in Arabic: the interpreter translates each item")
    first_item = nurse.get_by_role("group", name=re.compile(r"^1\. "))
    expect(first_item.locator("legend span[lang=en]")).to_contain_text("Little interest or pleasure")
    expect(nurse.locator("#screening-form .client-text")).to_have_count(0)  # no Arabic text to show
    expect(nurse.locator("#screening-form input[name=client_language]")).to_have_value("ar")
    expect(nurse.get_by_role("group", name=re.compile(r"^\d\. "))).to_have_count(len(PHQ9_ANSWERS))
    answer_items(nurse, PHQ9_ANSWERS)
    nurse.get_by_label("Meeting", exact=True).select_option(value=str(meeting.pk))
    screenshot(nurse, "phq9-form.png")
    checked(nurse)
    nurse.get_by_role("button", name="Score and save").click()

    phq9_total = sum(PHQ9_ANSWERS)
    phq9_band = band_for(phq9_total, PHQ9_BANDS)
    expect(nurse.get_by_role("status")).to_contain_text("The screening is saved.")
    score = nurse.locator("main .screening-score")
    expect(score).to_contain_text(f"Total {phq9_total} / 27")
    expect(score.locator(".badge").first).to_have_text(phq9_band)
    expect(score).to_contain_text("Positive screen")
    expect(nurse.get_by_role("alert")).to_contain_text("Safety: the client answered item 9")
    expect(nurse.get_by_role("table", name="Answers").get_by_role("row")).to_have_count(1 + len(PHQ9_ANSWERS))
    checked(nurse)
    phq9 = ScreeningResponse.objects.get(client=client, instrument="phq-9")
    assert phq9.total == phq9_total and phq9.band == "moderate" and phq9.positive and phq9.safety_flag
    assert phq9.answers == {f"phq9-{n}": points for n, points in enumerate(PHQ9_ANSWERS, start=1)}
    assert (phq9.client_language, phq9.worker_language, phq9.meeting_id) == ("ar", "en", meeting.pk)

    nurse.get_by_role("link", name="Back to the client").click()
    expect(nurse.locator("section.screening-section")).to_contain_text(f"Total {phq9_total} / 27")
    nurse.locator("details.screening-chooser summary").click()
    nurse.get_by_role("link", name=re.compile("^GAD-7")).click()
    expect(nurse.get_by_role("heading", level=1)).to_contain_text("GAD-7")
    nurse.get_by_label("Language of the questionnaire for the client").select_option(label="Finnish")
    nurse.get_by_role("button", name="Show in this language").click()
    expect(nurse).to_have_url(re.compile(r"\?kieli=fi$"))
    expect(nurse.get_by_role("note")).to_have_count(0)
    first_item = nurse.get_by_role("group", name=re.compile(r"^1\. "))
    expect(first_item.locator("legend span[lang=en]")).to_contain_text("Feeling nervous, anxious")
    client_text = first_item.locator("legend .client-text")
    expect(client_text).to_have_attribute("lang", "fi")
    expect(client_text).to_have_attribute("dir", "ltr")
    expect(client_text).not_to_be_empty()
    expect(client_text).not_to_contain_text("Feeling nervous")
    expect(first_item.locator("label .client-text[lang=fi][dir=ltr]")).to_have_count(4)  # the answer options
    expect(nurse.locator("#screening-form input[name=client_language]")).to_have_value("fi")
    checked(nurse)
    answer_items(nurse, GAD7_ANSWERS)
    nurse.get_by_role("button", name="Score and save").click()

    gad7_total = sum(GAD7_ANSWERS)
    score = nurse.locator("main .screening-score")
    expect(score).to_contain_text(f"Total {gad7_total} / 21")
    expect(score.locator(".badge").first).to_have_text(band_for(gad7_total, GAD7_BANDS))
    expect(score).to_contain_text("Negative screen")
    expect(nurse.get_by_role("alert")).to_have_count(0)
    checked(nurse)
    gad7 = ScreeningResponse.objects.get(client=client, instrument="gad-7")
    assert (gad7.total, gad7.band, gad7.positive, gad7.safety_flag) == (gad7_total, "mild", False, False)
    assert (gad7.client_language, gad7.worker_language) == ("fi", "en")
    assert PathEvent.objects.filter(client=client, activity="SCREENING_DONE").count() == 2

    # 5. The service plan: two goals, two actions with owners and due dates, a review date; activated. -
    nurse.get_by_role("link", name="Back to the client").click()
    nurse.get_by_role("link", name="Make a service plan").click()
    expect(nurse.get_by_role("heading", level=1)).to_have_text("New service plan")
    checked(nurse)
    review_on, first_due, second_due = today + timedelta(days=90), today + timedelta(days=14), today + timedelta(
        days=30)
    nurse.get_by_label("Agreed with the client on").fill(today.isoformat())
    nurse.get_by_label("Review date").fill(review_on.isoformat())
    nurse.get_by_label("Goal 1", exact=True).fill("Sleeps at least six hours most nights")
    nurse.get_by_label("Goal 2", exact=True).fill("Has a family doctor and knows how to reach them")
    for number, (text, owner, due, goal) in enumerate((
            ("Keep a sleep diary and go through it together", "Hanna Hoitaja", first_due, "Goal 1"),
            ("Book a health-centre appointment with an interpreter", "Sami Sosiaaliohjaaja", second_due, "Goal 2"),
    ), start=1):
        action = nurse.get_by_role("group", name=f"Action {number}", exact=True)
        action.get_by_label("What is done").fill(text)
        action.get_by_label("Worker responsible").select_option(label=owner)
        action.get_by_label("Due date").fill(due.isoformat())
        action.get_by_label("For goal").select_option(label=goal)
    nurse.get_by_role("button", name="Save the plan").click()
    expect(nurse.get_by_role("status")).to_contain_text("The service plan is saved as a draft.")
    expect(nurse.get_by_role("heading", level=1)).to_have_text("Service plan")
    expect(nurse.locator("main .badge").first).to_have_text("Draft")
    checked(nurse)
    nurse.get_by_role("button", name="Activate: the plan is agreed with the client").click()
    expect(nurse.get_by_role("status")).to_contain_text("The service plan is active.")
    expect(nurse.locator("main .badge").first).to_have_text("Active")
    actions = nurse.get_by_role("table", name="Actions")
    expect(actions.get_by_role("row")).to_have_count(3)
    expect(actions).to_contain_text("Sami Sosiaaliohjaaja")
    checked(nurse)

    plan = ServicePlan.objects.get(client=client)
    assert (plan.status, plan.agreed_on, plan.review_on) == ("active", today, review_on)
    assert list(plan.goals.order_by("position").values_list("text", flat=True)) == [
        "Sleeps at least six hours most nights", "Has a family doctor and knows how to reach them"]
    assert sorted(plan.actions.values_list("owner__username", "due_on", "goal__position")) == sorted([
        ("hoitaja", first_due, 0), ("ohjaaja", second_due, 1)])
    assert PathEvent.objects.filter(client=client, activity="PLAN_MADE").count() == 1

    nurse.get_by_role("link", name="Back to the client").click()
    expect(nurse.locator("section.plan-section")).to_contain_text("Active")
    checked(nurse)
    screenshot(nurse, "client-page.png")

    # 6. A psychologist outside the care team opens the client's address: 404, no name, a denied row. --
    outsider = open_as("psykologi")
    assert not AccessLog.objects.filter(client_id=client.pk, actor=people.psychologist).exists()
    response = outsider.goto(client_url)
    assert response.status == 404
    expect(outsider.get_by_role("heading", level=1)).to_have_text("Not found")
    html = outsider.content()
    for name in CLIENT_NAMES:
        assert name not in html, f"the 404 page shows {name!r}"
    checked(outsider)
    denied = AccessLog.objects.get(client_id=client.pk, actor=people.psychologist)  # exactly one row
    assert (denied.basis, denied.action, denied.path) == (AccessBasis.DENIED, "read", reverse(
        "casework:client_detail", kwargs={"client_id": client.pk}))


@pytest.fixture
def assigned_client(people):
    """A client of the nurse–counsellor pair, registered and assigned without the browser."""
    client = make_client(organisation=people.organisation, created_by=people.lead, given_names_latin=LATIN_GIVEN,
                         family_name_latin=LATIN_FAMILY, given_names=ARABIC_GIVEN, family_name=ARABIC_FAMILY,
                         interpreter_needed=True, interpreter_language="ar")
    add_to_care_team(client=client, worker=people.nurse, assigned_by=people.lead, role="nurse")
    add_to_care_team(client=client, worker=people.counsellor, assigned_by=people.lead, role="social_counsellor")
    return client


def test_a_first_meeting_recorded_without_the_pair_is_refused_at_the_workers_field(
        open_as, live_server, assigned_client):
    nurse = open_as("hoitaja")
    nurse.goto(url(live_server, "meeting_record", client_id=assigned_client.pk))
    nurse.get_by_label(re.compile(r"^Date\b")).fill((timezone.localdate() - timedelta(days=1)).isoformat())
    nurse.get_by_label("Start time").fill("09:00")
    nurse.get_by_label("End time").fill("08:30")
    nurse.get_by_role("group", name="Workers taking part").get_by_label("Hanna Hoitaja (Nurse)").check()
    nurse.get_by_role("button", name="Save").click()
    expect(nurse.locator(".error-summary")).to_contain_text("End time")
    expect(nurse.get_by_label("End time")).to_have_attribute("aria-invalid", "true")
    expect(nurse.get_by_label("End time")).to_have_accessible_description(
        "Needed when the meeting was held. The end time must be after the start time.")
    checked(nurse)

    nurse.get_by_label("End time").fill("10:00")
    nurse.get_by_role("button", name="Save").click()
    summary = nurse.locator(".error-summary")
    expect(summary).to_contain_text("Workers taking part")
    expect(nurse.get_by_role("group", name="Workers taking part")).to_have_attribute(
        "aria-describedby", re.compile("participants_error"))
    expect(nurse.get_by_label("Reason the pair did not meet together")).to_be_visible()
    checked(nurse)
    assert not Meeting.objects.filter(client=assigned_client).exists()


def test_a_screening_with_unanswered_items_names_them_and_keeps_the_answers_given(
        open_as, live_server, assigned_client):
    nurse = open_as("hoitaja")
    nurse.goto(url(live_server, "screening_new", client_id=assigned_client.pk, instrument_code="gad-7"))
    answer_items(nurse, GAD7_ANSWERS[:5])
    nurse.get_by_role("button", name="Score and save").click()
    summary = nurse.locator(".error-summary")
    expect(summary).to_contain_text("Item 6")
    expect(summary).to_contain_text("Item 7")
    expect(nurse.get_by_role("group", name=re.compile(r"^6\. "))).to_have_attribute("aria-describedby", "error-gad7-6")
    expect(nurse.get_by_role("group", name=re.compile(r"^1\. ")).get_by_role("radio", name=re.compile(r"\(1\)"))
           ).to_be_checked()
    checked(nurse)
    assert not ScreeningResponse.objects.exists()


def test_a_plan_whose_review_comes_before_the_agreement_is_refused_on_the_review_date(
        open_as, live_server, assigned_client):
    today = timezone.localdate()
    nurse = open_as("hoitaja")
    nurse.goto(url(live_server, "plan_new", client_id=assigned_client.pk))
    nurse.get_by_label("Agreed with the client on").fill(today.isoformat())
    nurse.get_by_label("Review date").fill((today - timedelta(days=1)).isoformat())
    nurse.get_by_label("Goal 1", exact=True).fill("Sleeps better")
    nurse.get_by_role("button", name="Save the plan").click()
    expect(nurse.locator(".error-summary")).to_contain_text("Review date")
    review = nurse.get_by_label("Review date")
    expect(review).to_have_attribute("aria-invalid", "true")
    expect(review).to_have_accessible_description(re.compile("review date is before"))
    checked(nurse)
    assert not ServicePlan.objects.exists()


def test_an_outsider_gets_404_without_the_client_name_on_every_client_address(
        open_as, live_server, people, assigned_client):
    outsider = open_as("psykologi")
    for name, kwargs in (("client_detail", {}), ("meeting_record", {}), ("note_new", {}),
                         ("screening_new", {"instrument_code": "phq-9"}), ("plan_new", {})):
        response = outsider.goto(url(live_server, name, client_id=assigned_client.pk, **kwargs))
        assert response.status == 404, name
        html = outsider.content()
        assert not [n for n in CLIENT_NAMES if n in html], name
        checked(outsider)
    assert AccessLog.objects.filter(client_id=assigned_client.pk, actor=people.psychologist,
                                    basis=AccessBasis.DENIED).count() >= 5
    assert not AccessLog.objects.filter(client_id=assigned_client.pk, actor=people.psychologist).exclude(
        basis=AccessBasis.DENIED).exists()

"""The client pages: my clients, register, client page, edit, team lead, merge, break-the-glass; and the
selectors behind them (filters, minimum data, query count, access log)."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from polku.casework import quality
from polku.casework.models import CareTeamMembership, Client, Meeting, PathEvent, ScreeningResponse
from polku.casework.selectors.clients import get_client_page, list_my_clients, list_unassigned_clients
from polku.core.errors import AccessDenied
from polku.core.identity_code import make_identity_code
from polku.core.models import AccessLog, BreakTheGlassGrant
from tests.factories import OrganisationFactory, add_to_care_team, make_client

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
CODE = make_identity_code(birth_date=date(1985, 3, 12), individual_number=123)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def login(client, user):
    client.force_login(user)
    client.cookies["polku_language"] = "en"
    return client


def own_client(worker, organisation, **fields):
    record = make_client(organisation=organisation, created_by=worker, **fields)
    add_to_care_team(client=record, worker=worker)
    return record


def screening(record, worker, *, instrument="PHQ-9", positive, days_ago):
    return ScreeningResponse.objects.create(
        client=record, instrument=instrument, client_language="ar", worker_language="fi", answers={}, total=12,
        band="moderate", positive=positive, administered_by=worker,
        administered_at=timezone.now() - timedelta(days=days_ago))


def held_meeting(record, worker, *, days_ago):
    return Meeting.objects.create(client=record, starts_at=timezone.now() - timedelta(days=days_ago), place="office",
                                  outcome="held", actual_minutes=60, created_by=worker)


# --- selectors ------------------------------------------------------------------------------------------


def test_my_clients_lists_only_active_care_relationships_and_logs_each_client_shown(nurse, counsellor,
                                                                                    organisation):
    mine = own_client(nurse, organisation, family_name_latin="Mine")
    ended = own_client(nurse, organisation, family_name_latin="Ended")
    CareTeamMembership.objects.filter(client=ended).update(ended_at=timezone.now())
    own_client(counsellor, organisation, family_name_latin="Theirs")
    page = list_my_clients(viewer=nurse, today=TODAY)
    assert [c.pk for c in page] == [mine.pk]
    row = AccessLog.objects.get()
    assert (row.actor, row.client_id, row.object_type, row.basis) == (nurse, mine.pk, "my_clients",
                                                                      "care_relationship")


def test_my_clients_annotates_meetings_screens_and_overdue_notes(nurse, organisation):
    record = own_client(nurse, organisation)
    held_meeting(record, nurse, days_ago=10)
    last = held_meeting(record, nurse, days_ago=3)
    planned = Meeting.objects.create(client=record, starts_at=timezone.now() + timedelta(days=2), place="home",
                                     created_by=nurse)
    screening(record, nurse, positive=True, days_ago=5)
    [row] = list_my_clients(viewer=nurse, today=TODAY)
    assert (row.last_meeting_at, row.next_meeting_at, row.has_positive_screen) == (
        last.starts_at, planned.starts_at, True)
    expected_overdue = quality.filter_clients_with_overdue_notes(Client.objects.filter(pk=record.pk),
                                                                 today=TODAY).exists()
    assert row.has_overdue_notes is expected_overdue


def test_search_finds_latin_and_native_names_immigration_number_and_only_the_exact_identity_code(
        nurse, organisation):
    amina = own_client(nurse, organisation, given_names_latin="Amina", family_name_latin="Hassan",
                       given_names="أمينة", immigration_number="AB123", identity_code=CODE)
    own_client(nurse, organisation, given_names_latin="Omar", family_name_latin="Ali")
    for search in ("hass", "amina hassan", "أمينة", "ab 123", CODE.lower()):
        assert [c.pk for c in list_my_clients(viewer=nurse, today=TODAY, search=search)] == [amina.pk], search
    assert list(list_my_clients(viewer=nurse, today=TODAY, search=CODE[:6])) == []


def test_filters_interpreter_positive_latest_screen_and_no_recent_meeting(nurse, organisation):
    interpreted = own_client(nurse, organisation, family_name_latin="A", interpreter_needed=True,
                             interpreter_language="ar")
    positive = own_client(nurse, organisation, family_name_latin="B")
    screening(positive, nurse, positive=True, days_ago=1)
    recovered = own_client(nurse, organisation, family_name_latin="C")
    screening(recovered, nurse, positive=True, days_ago=60)
    screening(recovered, nurse, positive=False, days_ago=2)  # the latest PHQ-9 is negative now
    seen = own_client(nurse, organisation, family_name_latin="D")
    held_meeting(seen, nurse, days_ago=5)
    held_meeting(interpreted, nurse, days_ago=45)

    def ids(**filters):
        return [c.pk for c in list_my_clients(viewer=nurse, today=TODAY, **filters)]

    assert ids(needs_interpreter=True) == [interpreted.pk]
    assert ids(positive_screen=True) == [positive.pk]
    assert ids(no_meeting_days=30) == [interpreted.pk, positive.pk, recovered.pk]


def test_my_clients_pages_by_25_and_logs_only_the_page_shown(nurse, organisation):
    for n in range(30):
        own_client(nurse, organisation, family_name_latin=f"Client{n:02d}")
    first = list_my_clients(viewer=nurse, today=TODAY)
    second = list_my_clients(viewer=nurse, today=TODAY, page=2)
    assert (len(first.object_list), len(second.object_list), first.paginator.num_pages) == (25, 5, 2)
    assert AccessLog.objects.count() == 30


def test_my_clients_query_count_does_not_grow_with_the_clients(nurse, organisation, django_assert_num_queries):
    records = [own_client(nurse, organisation, family_name_latin=f"Client{n}") for n in range(12)]
    for record in records:
        held_meeting(record, nurse, days_ago=40)
        screening(record, nurse, positive=True, days_ago=3)
    nurse.has_perm("core.work_with_clients")  # warms the permission cache, which is per request anyway
    with CaptureQueriesContext(connection) as overdue:
        list(quality.filter_clients_with_overdue_notes(Client.objects.filter(pk__in=[r.pk for r in records]),
                                                       today=TODAY).values_list("pk", flat=True))
    # the page (with last/next meeting and latest screen as subqueries; 12 clients fit on it, so it is its own
    # count) + one access-log insert, plus whatever the documentation-quality rule needs for the badges.
    with django_assert_num_queries(2 + len(overdue)):
        page = list_my_clients(viewer=nurse, today=TODAY)
        assert len(page.object_list) == 12


def test_unassigned_clients_are_the_organisations_clients_without_a_team_in_minimum_data(
        team_lead, nurse, organisation):
    waiting = make_client(organisation=organisation, created_by=nurse, family_name_latin="Waiting")
    own_client(nurse, organisation, family_name_latin="Assigned")
    make_client(organisation=OrganisationFactory(), created_by=nurse, family_name_latin="Elsewhere")
    [row] = list_unassigned_clients(viewer=team_lead)
    assert row.pk == waiting.pk
    assert row.get_deferred_fields() >= {"identity_code", "birth_year", "phone", "given_names", "family_name"}
    log = AccessLog.objects.get()
    assert (log.client_id, log.basis, log.object_type) == (waiting.pk, "administrative", "unassigned_clients")
    with pytest.raises(AccessDenied):
        list_unassigned_clients(viewer=nurse)


def test_client_page_holds_the_team_history_and_legal_statuses(nurse, counsellor, organisation):
    record = own_client(nurse, organisation)
    old = add_to_care_team(client=record, worker=counsellor, role="social_counsellor")
    old.ended_at, old.end_reason = timezone.now(), "left"
    old.save()
    page = get_client_page(viewer=nurse, client_id=record.pk)
    assert ([m.worker for m in page.active_team], [m.worker for m in page.team_history]) == ([nurse], [counsellor])
    assert AccessLog.objects.get().basis == "care_relationship"


# --- views ----------------------------------------------------------------------------------------------


def test_my_clients_page_shows_badges_and_a_search_form(client, nurse, organisation):
    record = own_client(nurse, organisation, family_name_latin="Hassan", interpreter_needed=True,
                        interpreter_language="prs")
    screening(record, nurse, positive=True, days_ago=1)
    response = login(client, nurse).get(reverse("casework:my_clients"), {"search": "hass", "needs_interpreter": "on"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Hassan" in body and "Interpreter: Dari" in body and "Positive screening" in body
    assert '<label for="id_search">' in body and 'type="checkbox" name="overdue_notes"' in body


def test_registering_through_the_form_takes_the_client_and_opens_its_page(client, nurse, organisation):
    response = login(client, nurse).post(reverse("casework:client_register"), {
        "family_name_latin": "Hassan", "given_names_latin": "Amina", "birth_year": "1985", "gender": "woman",
        "preferred_language": "ar", "language_1": "ar", "proficiency_1": "native", "interpreter_gender_preference":
        "any", "take_client": "on"})
    record = Client.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("casework:client_detail",
                                                                             args=[record.pk])
    assert CareTeamMembership.objects.get(client=record).worker == nurse
    assert list(PathEvent.objects.filter(client=record).values_list("activity", flat=True)) == [
        "CLIENT_REGISTERED", "CARE_TEAM_ASSIGNED"]
    assert record.languages.get().language == "ar"


def test_invalid_identity_code_in_the_form_is_listed_in_the_error_summary(client, nurse):
    wrong = CODE[:-1] + ("A" if CODE[-1] != "A" else "B")
    response = login(client, nurse).post(reverse("casework:client_register"), {
        "family_name_latin": "Hassan", "given_names_latin": "Amina", "identity_code": wrong, "gender": "woman",
        "preferred_language": "ar", "interpreter_gender_preference": "any"})
    body = response.content.decode()
    assert response.status_code == 200 and not Client.objects.exists()
    assert 'class="error-summary"' in body
    assert '<a href="#id_identity_code">Personal identity code: Wrong check character' in body
    assert 'aria-invalid="true"' in body and 'aria-describedby="id_identity_code_error"' in body


def test_registration_form_warns_of_a_possible_duplicate_until_confirmed(client, nurse, organisation):
    existing = make_client(organisation=organisation, created_by=nurse, given_names_latin="Amina",
                           family_name_latin="Hassan", birth_year=1985)
    data = {"family_name_latin": "hassan", "given_names_latin": "Amína", "birth_year": "1985", "gender": "woman",
            "preferred_language": "ar", "interpreter_gender_preference": "any"}
    response = login(client, nurse).post(reverse("casework:client_register"), data)
    body = response.content.decode()
    assert "This client may already be registered" in body and f"<td>{existing.pk}</td>" in body
    assert Client.objects.count() == 1
    response = client.post(reverse("casework:client_register"), {**data, "confirm_not_duplicate": "on"})
    assert response.status_code == 302 and Client.objects.count() == 2


def test_client_page_shows_the_summary_team_and_the_four_sections(client, nurse, organisation):
    record = own_client(nurse, organisation, given_names_latin="Amina", family_name_latin="Hassan",
                        country_of_origin="SY", preferred_language="ar")
    response = login(client, nurse).get(reverse("casework:client_detail", args=[record.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert '<dl class="summary">' in body and "Amina Hassan" in body and "Syria" in body
    used = {t.name for t in response.templates}
    assert {"casework/includes/_meetings.html", "casework/includes/_notes.html",
            "casework/includes/_screening.html", "casework/includes/_plans.html"} <= used
    assert AccessLog.objects.filter(client_id=record.pk, actor=nurse, basis="care_relationship").exists()


def test_worker_outside_the_care_team_gets_404_without_client_data_and_a_way_to_break_the_glass(
        client, nurse, outsider, organisation):
    record = own_client(nurse, organisation, given_names_latin="Zainab", family_name_latin="Karimi",
                        immigration_number="MIGRI777")
    response = login(client, outsider).get(reverse("casework:client_detail", args=[record.pk]))
    body = response.content.decode()
    assert response.status_code == 404
    assert "Zainab" not in body and "Karimi" not in body and "MIGRI777" not in body
    assert reverse("casework:break_the_glass", args=[record.pk]) in body
    row = AccessLog.objects.get()
    assert (row.actor, row.client_id, row.basis) == (outsider, record.pk, "denied")


def test_a_client_number_that_does_not_exist_looks_the_same_as_one_without_access(client, outsider):
    response = login(client, outsider).get(reverse("casework:client_detail", args=[987654]))
    assert response.status_code == 404
    assert AccessLog.objects.get().basis == "denied"


def test_break_the_glass_needs_a_reason_shows_no_client_data_and_then_opens_the_client(
        client, nurse, outsider, organisation):
    record = own_client(nurse, organisation, given_names_latin="Zainab", family_name_latin="Karimi")
    url = reverse("casework:break_the_glass", args=[record.pk])
    login(client, outsider)
    page = client.get(url).content.decode()
    assert "Zainab" not in page and "Karimi" not in page and str(record.pk) in page
    response = client.post(url, {"reason": "  "})
    assert response.status_code == 200 and 'class="error-summary"' in response.content.decode()
    assert not BreakTheGlassGrant.objects.exists()
    response = client.post(url, {"reason": "Client in crisis at the emergency unit"})
    assert response.status_code == 302 and response["Location"] == reverse("casework:client_detail",
                                                                             args=[record.pk])
    assert BreakTheGlassGrant.objects.get().reason == "Client in crisis at the emergency unit"
    opened = client.get(response["Location"])
    assert opened.status_code == 200 and "Zainab" in opened.content.decode()
    opened_rows = AccessLog.objects.filter(client_id=record.pk, basis="break_the_glass")
    assert {"break_the_glass", "client"} <= set(opened_rows.values_list("object_type", flat=True))


def test_edit_form_carries_the_version_and_a_stale_save_shows_the_conflict(client, nurse, counsellor,
                                                                            organisation):
    record = own_client(nurse, organisation, given_names_latin="Amina", family_name_latin="Hassan",
                        birth_year=1985, gender="woman")
    url = reverse("casework:client_edit", args=[record.pk])
    form_page = login(client, nurse).get(url).content.decode()
    assert 'name="version" value="1"' in form_page
    data = {"family_name_latin": "Hassan", "given_names_latin": "Amina", "birth_year": "1985", "gender": "woman",
            "preferred_language": "ar", "interpreter_gender_preference": "any", "version": "1",
            "phone": "040 111 1111"}
    assert client.post(url, data).status_code == 302
    response = client.post(url, {**data, "phone": "040 222 2222"})  # the same, now stale, version
    body = response.content.decode()
    assert response.status_code == 200 and "Someone else saved" in body
    record.refresh_from_db()
    assert (record.phone, record.version) == ("040 111 1111", 2)


def test_a_script_tag_in_a_name_is_rendered_escaped(client, nurse, organisation):
    record = own_client(nurse, organisation, given_names="<script>alert(1)</script>")
    login(client, nurse)
    for url in (reverse("casework:client_detail", args=[record.pk]), reverse("casework:my_clients")):
        body = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_team_page_lists_waiting_clients_in_minimum_data_and_assigns_the_pair(client, team_lead, nurse, counsellor,
                                                                             organisation):
    record = make_client(organisation=organisation, created_by=team_lead, given_names_latin="Amina",
                         family_name_latin="Hassan", birth_year=1985, immigration_number="MIGRI555")
    login(client, team_lead)
    body = client.get(reverse("casework:team")).content.decode()
    assert "Hassan, Amina" in body and "MIGRI555" not in body and "1985" not in body
    assert f'<label for="nurse-{record.pk}">' in body and f'<option value="{nurse.pk}"' in body
    url = reverse("casework:care_team_assign", args=[record.pk])
    response = client.post(url, {"nurse": nurse.pk})
    assert response.status_code == 200 and "State the reason for another composition" in response.content.decode()
    assert not CareTeamMembership.objects.exists()
    response = client.post(url, {"nurse": nurse.pk, "social_counsellor": counsellor.pk})
    assert response.status_code == 302
    assert set(CareTeamMembership.objects.values_list("worker", "role")) == {(nurse.pk, "nurse"),
                                                                             (counsellor.pk, "social_counsellor")}


def test_professionals_cannot_open_the_team_page_or_assign(client, nurse, counsellor, organisation):
    record = make_client(organisation=organisation, created_by=nurse)
    login(client, nurse)
    assert client.get(reverse("casework:team")).status_code == 403
    response = client.post(reverse("casework:care_team_assign", args=[record.pk]),
                           {"nurse": nurse.pk, "social_counsellor": counsellor.pk})
    assert response.status_code == 403 and not CareTeamMembership.objects.exists()


def test_team_lead_changes_the_care_team_through_the_form(client, team_lead, nurse, counsellor, outsider,
                                                          organisation):
    record = own_client(nurse, organisation)
    membership = CareTeamMembership.objects.get(client=record)
    add_to_care_team(client=record, worker=counsellor, role="social_counsellor")
    response = login(client, team_lead).post(reverse("casework:care_team_change", args=[record.pk]), {
        "end": [membership.pk], "add_worker": outsider.pk, "add_role": "psychologist", "reason": "Trauma therapy",
        "exception_reason": "Psychologist instead of the nurse for now"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.end_reason == "Trauma therapy"
    assert CareTeamMembership.objects.get(client=record, worker=outsider, ended_at__isnull=True).role == "psychologist"


def test_merge_page_merges_a_duplicate_the_worker_can_access(client, nurse, organisation):
    keep = own_client(nurse, organisation)
    duplicate = own_client(nurse, organisation)
    response = login(client, nurse).post(reverse("casework:client_merge", args=[keep.pk]),
                                         {"duplicate": duplicate.pk, "reason": "Registered twice"})
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into_id) == ("merged", keep.pk)


def test_merge_page_refuses_a_duplicate_without_access_and_moves_nothing(client, nurse, counsellor, organisation):
    keep = own_client(nurse, organisation)
    other = own_client(counsellor, organisation)
    response = login(client, nurse).post(reverse("casework:client_merge", args=[keep.pk]),
                                         {"duplicate": other.pk, "reason": "Registered twice"})
    assert response.status_code == 200
    assert "No client with this number, or you have no access to it." in response.content.decode()
    other.refresh_from_db()
    assert other.status == "active"
    assert AccessLog.objects.filter(client_id=other.pk, basis="denied").exists()


def test_every_input_of_the_register_form_has_a_label(client, nurse):
    import re

    body = login(client, nurse).get(reverse("casework:client_register")).content.decode()
    main = body[body.index("<main"):body.index("</main>")]
    ids = re.findall(r'<(?:input|select|textarea)(?![^>]*type="hidden")[^>]*\sid="([^"]+)"', main)
    labels = set(re.findall(r'<label for="([^"]+)"', main))
    assert ids and set(ids) <= labels, set(ids) - labels
    for legend in ("Names", "Birth and identity", "Languages and interpreting", "Origin and legal status",
                   "Residence and contacts", "Emergency contact"):
        assert f"<legend>{legend}</legend>" in main

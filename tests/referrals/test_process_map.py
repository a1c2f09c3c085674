"""The process map page: own clients in full for workers, small numbers hidden for aggregate viewers, filters."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from polku.casework.models import ClientLegalStatus, PathEvent
from polku.core.models import AccessLog
from tests.factories import OrganisationFactory, add_to_care_team, make_client, make_user
from tests.referrals.conftest import at

pytestmark = pytest.mark.django_db
URL = reverse("referrals:process_map")
FULL = ("REFERRAL_SENT", "REFERRAL_ACCEPTED", "APPOINTMENT_HELD")
MISSED = ("REFERRAL_SENT", "APPOINTMENT_MISSED")


def make_path(*, organisation, created_by, steps, start, **fields):
    client = make_client(organisation=organisation, created_by=created_by, **fields)
    for index, activity in enumerate(steps):
        PathEvent.objects.create(client=client, activity=activity, at=start + timedelta(days=3 * index),
                                 organisation=organisation)
    return client


@pytest.fixture
def dataset(organisation, team_lead, nurse):
    """Five clients go sent → accepted → held; four go sent → missed (edges of 5 and 4); the nurse has three."""
    start = at(2026, 3, 2, 9, 0)
    full = [make_path(organisation=organisation, created_by=team_lead, steps=FULL, start=start + timedelta(days=i))
            for i in range(5)]
    missed = [make_path(organisation=organisation, created_by=team_lead, steps=MISSED, start=start,
                        country_of_origin="SY" if i == 0 else "AF", preferred_language="fa" if i == 0 else "ar")
              for i in range(4)]
    mine = [full[0], full[1], missed[0]]
    for client in mine:
        add_to_care_team(client=client, worker=nurse, assigned_by=team_lead)
    ClientLegalStatus.objects.create(client=full[0], status="asylum_seeker", valid_from=date(2025, 1, 1),
                                     recorded_by=team_lead)
    return {"full": full, "missed": missed, "mine": mine}


@pytest.fixture
def steering(areas):
    return make_user(role="steering_group", organisation=OrganisationFactory(name="Ohjausryhmä"), username="ohjaus")


def page(client, user, **params):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # labels in the English msgids
    return client.get(URL, params)


def test_aggregate_viewer_sees_edges_of_five_but_not_of_four(client, dataset, steering):
    response = page(client, steering)
    assert response.status_code == 200
    found = response.context["map"]
    assert found.suppressed and found.scope == "all" and found.cases == "9"
    assert "Referral accepted (5)" in found.svg and "Appointment held (5)" in found.svg
    assert "Referral sent (9)" in found.svg
    assert "Appointment missed" not in found.svg  # a node of 4 is dropped, and so are its edges
    assert "Referral sent → Appointment missed" not in found.svg
    edges = {(edge.source, edge.target): (edge.count, edge.median_wait) for edge in found.edges}
    assert edges[("Referral sent", "Referral accepted")] == ("5", "3.0 d")
    assert edges[("Referral sent", "Appointment missed")] == ("<5", "<5")
    variants = {tuple(v.activities): v.count for v in found.variants}
    assert variants == {("Referral sent", "Referral accepted", "Appointment held"): "5",
                        ("Referral sent", "Appointment missed"): "<5"}
    assert not AccessLog.objects.filter(object_type="process_map").exists()


def test_break_activities_are_highlighted_and_marked_in_the_table(client, dataset, steering, organisation, team_lead):
    for i in range(5):
        make_path(organisation=organisation, created_by=team_lead, steps=("REFERRAL_SENT", "PATH_BROKEN"),
                  start=at(2026, 4, 1, 9, 0) + timedelta(hours=i))
    found = page(client, steering).context["map"]
    assert 'fill="#fde2e1"' in found.svg and "Path broken (5)" in found.svg
    assert [edge.is_break for edge in found.edges if edge.target == "Path broken"] == [True]
    assert "Path broken" in found.break_labels


def test_small_totals_are_hidden_for_aggregate_viewers(client, dataset, steering):
    found = page(client, steering, maa="SY").context["map"]
    assert (found.cases, found.events) == ("<5", "<5")
    assert "Appointment missed" not in found.svg


def test_a_professional_sees_only_own_clients_in_full_and_each_is_logged_once(client, dataset, nurse):
    response = page(client, nurse)
    found = response.context["map"]
    assert (found.scope, found.suppressed, found.cases, found.events) == ("own", False, "3", "8")
    assert "Appointment missed (1)" in found.svg
    logged = AccessLog.objects.filter(object_type="process_map", actor=nurse)
    assert sorted(logged.values_list("client_id", flat=True)) == sorted(c.pk for c in dataset["mine"])


def test_a_team_lead_sees_the_organisation_aggregated(client, dataset, team_lead, areas):
    other = OrganisationFactory(name="Toinen")
    for i in range(5):
        make_path(organisation=other, created_by=team_lead, steps=("REFERRAL_SENT", "REFERRAL_REJECTED"),
                  start=at(2026, 3, 2, 9, 0) + timedelta(hours=i))
    found = page(client, team_lead).context["map"]
    assert (found.scope, found.suppressed, found.cases) == ("organisation", True, "9")
    assert "Referral rejected" not in found.svg


def test_an_anonymous_visitor_is_sent_to_log_in(client, dataset):
    response = client.get(URL)
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_role_without_reports_or_clients_is_refused(client, dataset, areas):
    interpreter = make_user(role="interpreter", username="tulkki")
    assert page(client, interpreter).status_code == 403


@pytest.mark.parametrize(("params", "cases", "events"), [
    ({"maa": "sy"}, "1", "2"),
    ({"kieli": "fa"}, "1", "2"),
    ({"asema": "asylum_seeker"}, "1", "3"),
    ({"alkaen": "2026-03-05"}, "3", "5"),  # the steps on and after 5 March: 2 + 2 + the missed one
    ({"asti": "2026-03-02"}, "2", "2"),
])
def test_filters_narrow_the_clients_and_the_period(client, dataset, nurse, params, cases, events):
    found = page(client, nurse, **params).context["map"]
    assert (found.cases, found.events) == (cases, events)


@pytest.mark.parametrize(("params", "field"), [
    ({"alkaen": "2026-03-10", "asti": "2026-03-01"}, "asti"),
    ({"maa": "Syria"}, "maa"),
    ({"kieli": "arabic"}, "kieli"),
    ({"asema": "king"}, "asema"),
    ({"alkaen": "yesterday"}, "alkaen"),
])
def test_bad_filters_are_named_and_no_map_is_drawn(client, dataset, nurse, params, field):
    response = page(client, nurse, **params)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert response.context["map"] is None
    assert b"error-summary" in response.content


def test_no_matching_events_says_so(client, dataset, nurse):
    response = page(client, nurse, alkaen="2030-01-01")
    assert response.context["map"].cases == "0"
    assert b"No path events match." in response.content


def test_query_count_does_not_grow_with_clients(client, dataset, steering, organisation, team_lead):
    client.force_login(steering)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for _ in range(20):
        make_path(organisation=organisation, created_by=team_lead, steps=FULL, start=at(2026, 5, 1, 9, 0))
    with CaptureQueriesContext(connection) as many:
        client.get(URL)
    assert len(many) == len(few) <= 11  # 3 of them list the service, team and area choices


def test_breaks_and_wait_times_pages_link_to_the_map(client, dataset, nurse):
    client.force_login(nurse)
    for name in ("referrals:breaks", "referrals:wait_times"):
        assert URL.encode() in client.get(reverse(name)).content


# --- the to-do page: open path breaks come in through casework's hook --------------------------------


def test_the_todo_page_lists_open_breaks_of_own_clients_only(client, sent_referral, nurse, stranger):
    from polku.referrals.models import PathBreak
    from polku.referrals.services.breaks import load_default_break_rules, record_breaks

    load_default_break_rules()
    record_breaks(today=sent_referral.sent_at.date() + timedelta(days=60))
    broken = PathBreak.objects.get(resolved_at__isnull=True)
    client.force_login(nurse)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("casework:todo"))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Amal Testinen" in text and "Broken paths" in text
    with translation.override("en"):
        assert str(broken.get_kind_display()) in text
    assert f"rule {broken.rule.days} days" in text
    assert reverse("referrals:client_referrals", args=[broken.client_id]) in text
    assert AccessLog.objects.filter(actor=nurse, object_type="path_breaks", client_id=broken.client_id).exists()
    client.force_login(stranger)
    assert "Broken paths" not in client.get(reverse("casework:todo")).content.decode()


def test_the_todo_page_has_no_break_section_without_breaks(client, client_record, nurse):
    client.force_login(nurse)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Broken paths" not in client.get(reverse("casework:todo")).content.decode()


def test_a_workers_query_count_does_not_grow_with_clients(client, dataset, nurse, organisation, team_lead):
    client.force_login(nurse)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for _ in range(20):
        add_to_care_team(client=make_path(organisation=organisation, created_by=team_lead, steps=FULL,
                                          start=at(2026, 5, 1, 9, 0)), worker=nurse, assigned_by=team_lead)
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL)
    assert response.context["map"].cases == "23"
    assert len(many) == len(few) <= 13  # 3 of them list the service, team and area choices

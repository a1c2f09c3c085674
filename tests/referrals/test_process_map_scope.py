"""The process map scoped to one referral service, one team or one wellbeing services area.

Every expected figure is counted by hand from the dataset below and cross-checked by counting PathEvent rows
directly with the ORM, never by reusing the selector's own query.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse

from polku.casework.models import PathEvent, Team
from polku.core.models import AccessLog, Area, Municipality
from polku.referrals.models import Referral, ReferralService, ReferralStatus, ServiceType
from tests.factories import OrganisationFactory, add_to_care_team, make_client, make_user
from tests.referrals.conftest import at

pytestmark = pytest.mark.django_db
URL = reverse("referrals:process_map")
START = at(2026, 3, 2, 9, 0)
TEAM_START = at(2026, 1, 1, 8, 0)


def add_path(client, steps, *, referral=None, start=START):
    """Path events a day apart; the referral steps carry their referral as the object, as the services write."""
    for index, activity in enumerate(steps):
        linked = referral is not None and activity != "CLIENT_REGISTERED" and activity != "MEETING_HELD"
        PathEvent.objects.create(client=client, activity=activity, at=start + timedelta(days=index),
                                 organisation=client.organisation,
                                 object_type="referral" if linked else "", object_id=str(referral.pk) if linked else "")


def refer(client, service, created_by):
    return Referral.objects.create(client=client, target_service=service, reason="test", created_by=created_by,
                                   status=ReferralStatus.SENT, sent_at=START, sent_by=created_by)


def join_team(client, worker, team, *, started=TEAM_START, ended=None, assigned_by):
    membership = add_to_care_team(client=client, worker=worker, assigned_by=assigned_by)
    membership.team, membership.started_at, membership.ended_at = team, started, ended
    membership.save(update_fields=["team", "started_at", "ended_at"])
    return membership


@pytest.fixture
def world(organisation, team_lead, nurse, counsellor):
    """Area A = Varsinais-Suomi (the organisation's home area), area B = Pirkanmaa.

    * 6 clients living in Turku (A), in team X: registered → sent → accepted → held (3 steps to service 1);
      the nurse has 3 of them.
    * 5 clients living in Tampere (B), in team Y: sent → rejected (service 2), then a meeting held;
      the nurse has 1 of them.
    * 2 clients with no municipality (the organisation's area A stands in), in no team: sent → broken (service 1).
    """
    area_a, area_b = Area.objects.get(code="VS"), Area.objects.get(code="PI")
    turku, tampere = Municipality.objects.get(code="853"), Municipality.objects.get(code="837")
    assert organisation.home_area == area_a and turku.area == area_a and tampere.area == area_b
    team_x = Team.objects.create(organisation=organisation, name="Tiimi X")
    team_y = Team.objects.create(organisation=organisation, name="Tiimi Y")
    other_organisation = OrganisationFactory(name="Toinen organisaatio")
    foreign_team = Team.objects.create(organisation=other_organisation, name="Vieras tiimi")
    clinic = OrganisationFactory(name="Klinikka")
    service_1 = ReferralService.objects.create(name_fi="Psykiatria 1", service_type=ServiceType.PSYCHIATRIC_OUTPATIENT,
                                               organisation=clinic)
    service_2 = ReferralService.objects.create(name_fi="Lääkäri 2", service_type=ServiceType.HEALTH_CENTRE_DOCTOR,
                                               organisation=clinic)
    in_a, in_b, unknown = [], [], []
    for i in range(6):
        client = make_client(organisation=organisation, created_by=team_lead, municipality=turku)
        add_path(client, ("CLIENT_REGISTERED", "REFERRAL_SENT", "REFERRAL_ACCEPTED", "APPOINTMENT_HELD"),
                 referral=refer(client, service_1, team_lead))
        join_team(client, nurse if i < 3 else counsellor, team_x, assigned_by=team_lead)
        in_a.append(client)
    for i in range(5):
        client = make_client(organisation=organisation, created_by=team_lead, municipality=tampere)
        add_path(client, ("REFERRAL_SENT", "REFERRAL_REJECTED", "MEETING_HELD"),
                 referral=refer(client, service_2, team_lead))
        join_team(client, nurse if i == 0 else counsellor, team_y, assigned_by=team_lead)
        in_b.append(client)
    for _ in range(2):
        client = make_client(organisation=organisation, created_by=team_lead)
        add_path(client, ("REFERRAL_SENT", "PATH_BROKEN"), referral=refer(client, service_1, team_lead))
        unknown.append(client)
    return {"area_a": area_a, "area_b": area_b, "team_x": team_x, "team_y": team_y, "foreign_team": foreign_team,
            "service_1": service_1, "service_2": service_2, "in_a": in_a, "in_b": in_b, "unknown": unknown,
            "other_organisation": other_organisation}


@pytest.fixture
def steering(areas):
    return make_user(role="steering_group", organisation=OrganisationFactory(name="Ohjausryhmä"), username="ohjaus")


def page(client, user, **params):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client.get(URL, params)


def edges_of(found) -> dict:
    return {(edge.source, edge.target): edge.count for edge in found.edges}


def test_a_service_scope_maps_only_the_steps_of_referrals_to_that_service(client, world, steering):
    service = world["service_1"]
    response = page(client, steering, palvelu=service.pk)
    found = response.context["map"]
    assert response.status_code == 200
    # Independent count: the PathEvent rows whose object is a referral to service 1.
    referral_ids = [str(pk) for pk in Referral.objects.filter(target_service=service).values_list("pk", flat=True)]
    expected_events = PathEvent.objects.filter(object_type="referral", object_id__in=referral_ids).count()
    assert expected_events == 6 * 3 + 2 * 2
    assert (found.cases, found.events) == ("8", str(expected_events))
    assert edges_of(found) == {("Referral sent", "Referral accepted"): "6",
                               ("Referral accepted", "Appointment held"): "6",
                               ("Referral sent", "Path broken"): "<5"}  # 2 clients: hidden from a steering group
    assert "Client registered" not in found.svg and "Referral rejected" not in found.svg
    assert "Psykiatria 1" in response.content.decode()  # the page says what the map covers


def test_a_team_scope_maps_the_clients_in_the_care_of_the_teams_workers(client, world, steering):
    response = page(client, steering, tiimi=world["team_x"].pk)
    found = response.context["map"]
    expected = PathEvent.objects.filter(client__care_memberships__team=world["team_x"]).distinct()
    assert expected.count() == 6 * 4
    assert (found.cases, found.events) == ("6", "24")
    assert edges_of(found) == {("Client registered", "Referral sent"): "6",
                               ("Referral sent", "Referral accepted"): "6",
                               ("Referral accepted", "Appointment held"): "6"}


def test_an_area_scope_uses_the_home_municipality_and_else_the_organisations_area(client, world, steering):
    found = page(client, steering, alue=world["area_a"].pk).context["map"]
    in_area = PathEvent.objects.filter(client__municipality__area=world["area_a"]).count()
    fallback = PathEvent.objects.filter(client__municipality__isnull=True,
                                        client__organisation__home_area=world["area_a"]).count()
    assert (in_area, fallback) == (24, 4)
    assert (found.cases, found.events) == ("8", str(in_area + fallback))
    found_b = page(client, steering, alue=world["area_b"].pk).context["map"]
    assert (found_b.cases, found_b.events) == ("5", str(PathEvent.objects.filter(
        client__municipality__area=world["area_b"]).count()))
    assert edges_of(found_b) == {("Referral sent", "Referral rejected"): "5",
                                 ("Referral rejected", "Meeting held"): "5"}
    # An area where nobody lives: nothing, and no error.
    empty = Area.objects.exclude(pk__in=[world["area_a"].pk, world["area_b"].pk]).first()
    assert page(client, steering, alue=empty.pk).context["map"].cases == "0"


def test_scopes_combine_with_each_other_and_with_the_other_filters(client, world, steering):
    both = page(client, steering, tiimi=world["team_y"].pk, alue=world["area_a"].pk).context["map"]
    assert both.cases == "0"
    service_in_b = page(client, steering, palvelu=world["service_2"].pk, alue=world["area_b"].pk).context["map"]
    assert (service_in_b.cases, service_in_b.events) == ("5", "10")  # the meetings are not the service's steps
    period = page(client, steering, tiimi=world["team_x"].pk, alkaen="2026-03-04").context["map"]
    assert (period.cases, period.events) == ("6", "12")  # accepted (4 March) and held (5 March)


def test_a_team_scope_in_a_period_leaves_out_clients_who_left_the_team_before_it(client, world, steering, team_lead,
                                                                                  counsellor, organisation):
    left = make_client(organisation=organisation, created_by=team_lead)
    add_path(left, ("CLIENT_REGISTERED", "MEETING_HELD"))
    join_team(left, counsellor, world["team_x"], ended=at(2026, 2, 1, 8, 0), assigned_by=team_lead)
    assert page(client, steering, tiimi=world["team_x"].pk).context["map"].cases == "7"
    assert page(client, steering, tiimi=world["team_x"].pk, alkaen="2026-02-15").context["map"].cases == "6"


def test_a_professional_scoped_to_a_team_sees_only_their_own_clients_in_it_in_full(client, world, nurse):
    response = page(client, nurse, tiimi=world["team_x"].pk)
    found = response.context["map"]
    mine = PathEvent.objects.filter(client__care_memberships__worker=nurse,
                                    client__care_memberships__team=world["team_x"],
                                    client__care_memberships__ended_at__isnull=True)
    assert (found.scope, found.suppressed) == ("own", False)
    assert (found.cases, found.events) == ("3", str(mine.count()))
    assert edges_of(found)[("Referral sent", "Referral accepted")] == "3"  # small numbers shown in the care team
    logged = set(AccessLog.objects.filter(object_type="process_map", actor=nurse).values_list("client_id", flat=True))
    assert logged == {c.pk for c in world["in_a"][:3]}
    # The service scope for the same nurse: her 3 clients of service 1 (the 2 unknown-area clients are not hers).
    service = page(client, nurse, palvelu=world["service_1"].pk).context["map"]
    assert (service.cases, service.events) == ("3", "9")


def test_a_team_lead_scoped_to_an_area_sees_the_organisation_suppressed(client, world, team_lead):
    found = page(client, team_lead, alue=world["area_a"].pk).context["map"]
    assert (found.scope, found.suppressed, found.cases) == ("organisation", True, "8")
    assert edges_of(found)[("Referral sent", "Path broken")] == "<5"
    assert "Path broken" not in found.svg


def test_the_team_choices_follow_the_role(client, world, team_lead, steering):
    own = page(client, team_lead).context["form"].fields["tiimi"].queryset
    assert set(own) == {world["team_x"], world["team_y"]}
    everything = page(client, steering).context["form"].fields["tiimi"].queryset
    assert world["foreign_team"] in set(everything)
    assert page(client, steering, tiimi=world["foreign_team"].pk).status_code == 200


@pytest.mark.parametrize(("field", "value"), [
    ("palvelu", "999999"),
    ("palvelu", "abc"),
    ("tiimi", "999999"),
    ("tiimi", "foreign"),
    ("alue", "999999"),
    ("alue", "VS"),
])
@pytest.mark.parametrize("who", ["nurse", "team_lead"])
def test_unknown_or_foreign_scope_ids_are_a_form_error_not_a_crash(client, world, request, field, value, who):
    if value == "foreign":
        value = str(world["foreign_team"].pk)
    response = page(client, request.getfixturevalue(who), **{field: value})
    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    assert response.context["map"] is None
    text = response.content.decode()
    assert "error-summary" in text and "from the list" in text
    assert not AccessLog.objects.filter(object_type="process_map").exists()

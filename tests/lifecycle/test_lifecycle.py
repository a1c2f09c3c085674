"""Data lifecycle: retention removes exactly what is past its period, only after a second person approved,
all or nothing; the client's data export holds everything the client owns; a restriction stops changes."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

import pytest
import time_machine
from django.apps import apps
from django.db import DatabaseError, connection, transaction
from django.test import override_settings
from django.utils import timezone

from polku.casework.models import CareTeamMembership, Client, Note, PathEvent
from polku.casework.services.notes import create_note
from polku.core.errors import AccessDenied, DomainError
from polku.core.models import AccessAction, AccessBasis, AccessLog, DisclosureLog
from polku.demo.simulator import simulate_caseload
from polku.lifecycle import graph, services
from polku.lifecycle.models import RunStatus
from tests.factories import add_to_care_team, make_client, make_user

pytestmark = pytest.mark.django_db

UNTIL = dt.date(2026, 11, 1)
LATER = dt.datetime(2039, 12, 1, 12, tzinfo=dt.UTC)  # > 12 years after every simulated event


def client_models() -> list:
    """Every model with a foreign key to Client, found here independently of the lifecycle code."""
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is Client and model is not Client:
                found.append((model, field.name))
    return found


def rows_per_client(client_ids) -> Counter:
    counts = Counter()
    for model, field in client_models():
        for value in model._base_manager.filter(**{f"{field}__in": list(client_ids)}).values_list(field, flat=True):
            counts[(model._meta.label, value)] += 1
    return counts


@pytest.fixture
def caseload(areas):
    simulate_caseload(clients=12, seed=99, until=UNTIL)
    clients = list(Client.objects.order_by("pk").values_list("pk", flat=True))
    ended = clients[: len(clients) // 2]
    # Half the clients' relationships have ended; the others keep an open care-team membership.
    CareTeamMembership.objects.filter(client_id__in=ended, ended_at__isnull=True).update(
        ended_at=timezone.make_aware(dt.datetime(2026, 11, 1, 12)))
    open_ones = [pk for pk in clients if pk not in ended]
    assert CareTeamMembership.objects.filter(client_id__in=open_ones, ended_at__isnull=True).exists()
    return ended, open_ones


@pytest.fixture
def controllers(organisation):
    return (make_user(role="administrator", organisation=organisation, username="rekisterinpitaja1"),
            make_user(role="administrator", organisation=organisation, username="rekisterinpitaja2"))


def test_nothing_is_due_within_the_period_and_the_plan_lists_exactly_the_ended_relationships_after_it(
        caseload, controllers):
    ended, open_ones = caseload
    planner, _approver = controllers
    run = services.plan_retention(actor=planner, today=UNTIL)
    assert not run.items.filter(record_type="client_record").exists()
    with time_machine.travel(LATER, tick=False):
        run = services.plan_retention(actor=planner)
    planned = set(run.items.filter(record_type="client_record").values_list("object_id", flat=True))
    merged_away = set(Client.objects.filter(merged_into__isnull=False).values_list("pk", flat=True))
    assert planned | merged_away >= set(ended) and not planned & set(open_ones)


def test_applying_an_approved_plan_removes_every_row_of_the_ended_clients_and_nothing_else(caseload, controllers):
    ended, open_ones = caseload
    planner, approver = controllers
    kept_before = rows_per_client(open_ones)
    assert sum(count for (_label, _client), count in rows_per_client(ended).items()) > 50
    with time_machine.travel(LATER, tick=False):
        run = services.plan_retention(actor=planner)
        with pytest.raises(DomainError) as same_person:
            services.decide_retention(actor=planner, run=run, approve=True)
        assert same_person.value.code == "four_eyes"
        with pytest.raises(DomainError) as not_yet:
            services.apply_retention(actor=approver, run=run)
        assert not_yet.value.code == "not_approved"
        services.decide_retention(actor=approver, run=run, approve=True)
        run = services.apply_retention(actor=approver, run=run)
    assert run.status == RunStatus.APPLIED
    assert not Client.objects.filter(pk__in=ended).exists()
    assert rows_per_client(ended) == Counter()
    assert rows_per_client(open_ones) == kept_before
    assert run.result["casework.Client"] == len(ended)
    with pytest.raises(DomainError):
        services.apply_retention(actor=approver, run=run)


def test_an_interrupted_apply_removes_nothing_and_the_same_run_can_be_applied_again(
        caseload, controllers, monkeypatch):
    ended, _open = caseload
    planner, approver = controllers
    before = rows_per_client(ended)
    with time_machine.travel(LATER, tick=False):
        run = services.plan_retention(actor=planner)
        services.decide_retention(actor=approver, run=run, approve=True)
        real_erase, calls = graph.erase, []

        def erase_then_fail(obj):
            calls.append(obj.pk)
            if len(calls) == 3:
                raise DatabaseError("simulated crash in the middle of the run")
            return real_erase(obj)

        monkeypatch.setattr(graph, "erase", erase_then_fail)
        with pytest.raises(DatabaseError):
            services.apply_retention(actor=approver, run=run)
        assert rows_per_client(ended) == before
        run.refresh_from_db()
        assert run.status == RunStatus.APPROVED
        monkeypatch.setattr(graph, "erase", real_erase)
        services.apply_retention(actor=approver, run=run)
    assert rows_per_client(ended) == Counter()


def test_old_log_rows_are_removed_and_newer_ones_kept(areas, controllers, nurse):
    planner, approver = controllers
    old = timezone.make_aware(dt.datetime(2013, 1, 1))
    new = timezone.make_aware(dt.datetime(2026, 1, 1))
    for moment in (old, old, new):
        AccessLog.objects.create(at=moment, actor_username="x", client_id=1, action="read", basis="denied")
        DisclosureLog.objects.create(at=moment, actor_username="x", client_id=1, recipient="r", purpose="p",
                                     content="c", channel="export")
    with time_machine.travel(dt.datetime(2026, 6, 1, tzinfo=dt.UTC), tick=False):
        run = services.plan_retention(actor=planner)
        items = {i.record_type: i.rows for i in run.items.all()}
        assert items["access_log"] == 2 and items["disclosure_log"] == 2
        services.decide_retention(actor=approver, run=run, approve=True)
        services.apply_retention(actor=approver, run=run)
    assert list(DisclosureLog.objects.values_list("at", flat=True)) == [new]
    assert not AccessLog.objects.filter(at=old).exists() and AccessLog.objects.filter(at=new).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the append-only triggers exist on PostgreSQL only")
def test_outside_a_retention_run_the_logs_still_refuse_delete_and_update(areas):
    AccessLog.objects.create(actor_username="x", client_id=1, action="read", basis="denied")
    for attempt in (lambda: AccessLog.objects.all().delete(), lambda: AccessLog.objects.update(reason="changed")):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()


def test_rejecting_needs_a_note_and_a_rejected_plan_cannot_be_applied(caseload, controllers):
    planner, approver = controllers
    run = services.plan_retention(actor=planner)
    with pytest.raises(DomainError) as missing:
        services.decide_retention(actor=approver, run=run, approve=False, note=" ")
    assert missing.value.field == "note"
    services.decide_retention(actor=approver, run=run, approve=False, note="periods not confirmed yet")
    with pytest.raises(DomainError):
        services.apply_retention(actor=approver, run=run)


def test_only_the_data_controller_plans_exports_or_restricts(caseload, nurse):
    client_id = caseload[0][0]
    for attempt in (lambda: services.plan_retention(actor=nurse),
                    lambda: services.export_client_data(actor=nurse, client_id=client_id, reason="x"),
                    lambda: services.restrict_processing(actor=nurse, client_id=client_id, reason="x")):
        with pytest.raises(AccessDenied):
            attempt()


def test_the_export_holds_every_row_of_the_client_and_is_logged_as_export_and_disclosure(caseload, controllers):
    controller = controllers[0]
    client_id = caseload[1][0]
    expected = rows_per_client([client_id])
    document = json.loads(services.export_client_data(actor=controller, client_id=client_id,
                                                      reason="request of 3 March"))
    records = document["records"]
    for (label, _client), count in expected.items():
        assert len([row for row in records[label] if row.get("client") == client_id]) == count, label
    assert records["casework.Client"][0]["id"] == client_id
    notes = Note.objects.filter(client_id=client_id).count()
    assert len(records.get("casework.Note", [])) == notes
    assert AccessLog.objects.filter(client_id=client_id, action=AccessAction.EXPORT,
                                    object_type="gdpr_export").count() == 1
    assert DisclosureLog.objects.filter(client_id=client_id, legal_basis="GDPR art. 15 and 20").count() == 1
    # The export lists the access log including its own export row.
    assert len(document["access_log"]) == AccessLog.objects.filter(client_id=client_id).count()
    with pytest.raises(DomainError) as no_reason:
        services.export_client_data(actor=controller, client_id=client_id, reason="")
    assert no_reason.value.field == "reason"
    with pytest.raises(DomainError) as unknown:
        services.export_client_data(actor=controller, client_id=10**9, reason="x")
    assert unknown.value.field == "client"


def test_a_restriction_stops_changes_but_not_reading_until_lifted(areas, organisation, nurse, controllers):
    controller = controllers[0]
    client = make_client(organisation=organisation, created_by=nurse)
    add_to_care_team(client=client, worker=nurse)
    restriction = services.restrict_processing(actor=controller, client_id=client.pk, reason="the client disputes")
    with pytest.raises(DomainError) as refused:
        create_note(actor=nurse, client=client, text="a note")
    assert refused.value.code == "processing_restricted"
    assert not Note.objects.filter(client=client).exists()
    assert AccessLog.objects.filter(client_id=client.pk, action=AccessAction.WRITE, basis=AccessBasis.DENIED,
                                    reason="processing_restricted").exists()
    from polku.core.access import require_client_access

    assert require_client_access(actor=nurse, client_id=client.pk).basis == AccessBasis.CARE_RELATIONSHIP
    with pytest.raises(DomainError) as twice:
        services.restrict_processing(actor=controller, client_id=client.pk, reason="again")
    assert twice.value.code == "already_restricted"
    services.lift_restriction(actor=controller, restriction=restriction, note="resolved")
    assert create_note(actor=nurse, client=client, text="a note").pk


def test_the_pages_ask_for_confirmation_and_refuse_other_roles(client, caseload, controllers, nurse):
    planner, approver = controllers
    client.force_login(nurse)
    assert client.get("/tietosuoja/").status_code == 403
    client.force_login(planner)
    assert client.get("/tietosuoja/").status_code == 200
    response = client.post("/tietosuoja/sailytys/suunnitelma/")
    run_url = response["Location"]
    client.force_login(approver)
    unconfirmed = client.post(run_url, {"decision": "approve"})
    assert unconfirmed.status_code == 200 and b"error-summary" in unconfirmed.content
    assert client.post(run_url, {"decision": "approve", "confirm": "on"}).status_code == 302
    response = client.post("/tietosuoja/asiakas/vienti/", {"client": caseload[0][0], "reason": "request"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    bad = client.post("/tietosuoja/asiakas/vienti/", {"client": "abc", "reason": ""})
    assert bad.status_code == 400


@override_settings(POLKU_RETENTION_YEARS={"client_record": 20})
def test_a_configured_period_overrides_the_default(caseload, controllers):
    with time_machine.travel(LATER, tick=False):
        run = services.plan_retention(actor=controllers[0])
    assert not run.items.filter(record_type="client_record").exists()
    assert PathEvent.objects.exists()

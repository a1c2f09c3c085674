"""Reads: wait times with small-number suppression, the client's path, query counts; merge and demo helpers."""

from datetime import date, timedelta

import pytest
import time_machine
from django.db import transaction
from django.utils import translation

from polku.core.errors import AccessDenied
from polku.core.models import AccessLog
from polku.referrals import selectors
from polku.referrals.demo import DEMO_SERVICES, load_demo_referral_services
from polku.referrals.models import BreakRule, PathBreak, Referral, ReferralService
from polku.referrals.services import referrals as services
from polku.referrals.services.breaks import load_default_break_rules, record_breaks
from polku.referrals.services.merge import move_client_records
from tests.factories import add_to_care_team, make_client, make_user
from tests.referrals.conftest import at, consent

pytestmark = pytest.mark.django_db


def referrals_with_waits(*, actor, client, service, days: list[float]) -> list[Referral]:
    """Sent referrals whose first appointment was held `days` after sending (set directly: reads under test)."""
    made = []
    for wait in days:
        with time_machine.travel(at(2026, 1, 5, 9, 0), tick=False):
            referral = services.create_referral(actor=actor, client=client, target_service=service, reason="x",
                                                consent=consent(), send=True)
        Referral.objects.filter(pk=referral.pk).update(status="appointment_held",
                                                       appointment_held_at=referral.sent_at + timedelta(days=wait))
        made.append(referral)
    return made


def test_wait_times_give_median_p90_and_count_per_service(nurse, client_record, polku_service, manual_service):
    referrals_with_waits(actor=nurse, client=client_record, service=polku_service, days=[10, 20, 30, 40, 50, 60])
    referrals_with_waits(actor=nurse, client=client_record, service=manual_service, days=[3, 5, 7, 9, 11])
    rows = {row.service: row for row in selectors.list_wait_times(viewer=nurse)}
    psychiatry = rows["Psykiatrian poliklinikka (testi)"]
    assert (psychiatry.count, psychiatry.median_days, psychiatry.p90_days) == (6, 35.0, 55.0)
    health_centre = rows["Terveysaseman lääkäri (testi)"]
    assert (health_centre.count, health_centre.median_days, round(health_centre.p90_days, 1)) == (5, 7.0, 10.2)


def test_a_service_with_fewer_than_five_referrals_is_hidden_outside_the_care_team(nurse, client_record,
                                                                                  polku_service, organisation):
    referrals_with_waits(actor=nurse, client=client_record, service=polku_service, days=[1, 2, 3, 4])
    [row] = selectors.list_wait_times(viewer=nurse)
    assert row.suppressed and (row.count, row.median_days, row.p90_days) == (None, None, None)
    [own] = selectors.list_wait_times(viewer=nurse, own_clients_only=True)
    assert (own.count, own.median_days) == (4, 2.5)
    steering = make_user(role="steering_group", organisation=organisation)
    assert selectors.list_wait_times(viewer=steering)[0].suppressed
    with pytest.raises(AccessDenied):
        selectors.list_wait_times(viewer=steering, own_clients_only=True)
    with pytest.raises(AccessDenied):
        selectors.list_wait_times(viewer=make_user(role="interpreter", organisation=organisation))


def test_own_clients_wait_times_leave_out_other_teams_clients(nurse, stranger, client_record, polku_service,
                                                              organisation, team_lead):
    other = make_client(organisation=organisation, created_by=team_lead)
    add_to_care_team(client=other, worker=stranger)
    referrals_with_waits(actor=nurse, client=client_record, service=polku_service, days=[1])
    referrals_with_waits(actor=stranger, client=other, service=polku_service, days=[100])
    [own] = selectors.list_wait_times(viewer=nurse, own_clients_only=True)
    assert (own.count, own.median_days) == (1, 1.0)


def test_the_path_timeline_orders_events_and_measures_the_waits(nurse, client_record, polku_service,
                                                                 clinic_worker):
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        referral = services.create_referral(actor=nurse, client=client_record, target_service=polku_service,
                                            reason="x", consent=consent(), send=True)
    with time_machine.travel(at(2026, 3, 4, 15, 0), tick=False):
        services.receive_referral(actor=clinic_worker, referral=referral)
    with time_machine.travel(at(2026, 3, 4, 18, 0), tick=False):
        services.accept_referral(actor=clinic_worker, referral=referral)
    with translation.override("en"):
        timeline = selectors.get_path_timeline(viewer=nurse, client=client_record)
        labels = [(str(e.label), e.wait_days, e.wait_hours) for e in timeline.entries]
    assert labels == [
        ("Referral sent", 0, 0), ("Referral received", 2, 6), ("Referral accepted", 0, 3)]
    assert timeline.entries[0].wait is None and timeline.open_breaks == []


def test_listing_a_clients_referrals_takes_one_query_however_many(nurse, client_record, polku_service,
                                                                  django_assert_num_queries):
    for _ in range(3):
        services.create_referral(actor=nurse, client=client_record, target_service=polku_service, reason="x",
                                 consent=consent(), send=True)
    with django_assert_num_queries(1):
        rows = list(selectors.list_client_referrals(viewer=nurse, client=client_record))
        assert [r.target_service.organisation.name for r in rows] == ["Psykiatria (testi)"] * 3
        assert all(r.consent.items == ["identity", "reason"] for r in rows)


def test_the_inbox_list_takes_a_fixed_number_of_queries(sent_referral, nurse, client_record, polku_service,
                                                        clinic_worker, django_assert_num_queries):
    services.create_referral(actor=nurse, client=client_record, target_service=polku_service, reason="x",
                             consent=consent(), send=True)
    clinic_worker.has_perm("core.work_with_clients")  # the permission cache, filled once per request anyway
    with django_assert_num_queries(2):  # the referrals, and the access-log rows in one insert
        assert len(selectors.list_inbox(viewer=clinic_worker)) == 2


def test_get_referral_goes_through_the_access_core_and_a_missing_number_is_refused(nurse, sent_referral):
    assert selectors.get_referral(viewer=nurse, referral_id=sent_referral.pk) == sent_referral
    log = AccessLog.objects.filter(actor=nurse, object_type="referral", action="read").get()
    assert log.object_id == str(sent_referral.pk)
    with pytest.raises(AccessDenied):
        selectors.get_referral(viewer=nurse, referral_id=999_999)


def test_merging_moves_referrals_and_breaks_and_resolves_a_clashing_open_break(nurse, team_lead, organisation,
                                                                               client_record, sent_referral):
    load_default_break_rules()
    duplicate = make_client(organisation=organisation, created_by=team_lead)
    rule = BreakRule.objects.get(kind="no_contact", service_type=None)
    for client in (client_record, duplicate):
        PathBreak.objects.create(rule=rule, kind="no_contact", client=client, deadline=date(2026, 1, 1),
                                 since=date(2026, 1, 2), opened_on=date(2026, 1, 2), last_seen_on=date(2026, 1, 2))
    Referral.objects.filter(pk=sent_referral.pk).update(client=duplicate)
    with transaction.atomic():
        moved = move_client_records(keep=client_record, duplicate=duplicate)
    assert moved == {"referrals": 1, "path_breaks": 1}
    assert Referral.objects.get().client == client_record
    assert PathBreak.objects.filter(client=client_record).count() == 2
    assert PathBreak.objects.filter(client=client_record, resolved_at__isnull=True).count() == 1


def test_the_demo_services_are_twelve_simulated_services_in_varsinais_suomi_and_loading_twice_changes_nothing(db):
    BreakRule.objects.all().delete()
    first = load_demo_referral_services()
    second = load_demo_referral_services()
    assert len(first) == len(DEMO_SERVICES) == 12 and [s.pk for s in first] == [s.pk for s in second]
    assert ReferralService.objects.count() == 12
    assert all(s.name_fi.endswith("(demo)") and s.name_en.endswith("(demo)") for s in first)
    assert {s.area.code for s in first} == {"VS"}
    assert ReferralService.objects.filter(uses_polku=True).count() >= 3
    assert len({s.service_type for s in first}) == 9
    assert BreakRule.objects.filter(service_type=None).count() == 6


def test_record_breaks_on_a_merged_pair_keeps_one_open_break_per_kind(nurse, client_record, sent_referral):
    load_default_break_rules()
    # Relative to the referral's real sending time (a fixed date stopped working once the calendar passed it).
    later = sent_referral.sent_at.date() + timedelta(days=90)
    run = record_breaks(today=later)
    assert run.opened >= 1
    assert record_breaks(today=later).opened == 0

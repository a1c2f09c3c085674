"""Break rules with a frozen clock: working days across weekends and Finnish holidays, persistence, expiry."""

import io
from datetime import date

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from polku.casework.models import Meeting, MeetingOutcome, MeetingPlace, PathEvent, PlanStatus, ServicePlan
from polku.referrals.models import BreakRule, PathBreak, Referral, ReferralTransition, ServiceType
from polku.referrals.rules import detect_breaks
from polku.referrals.services import referrals as services
from polku.referrals.services.breaks import expire_referrals, load_default_break_rules, record_breaks
from tests.factories import add_to_care_team, make_client
from tests.referrals.conftest import at, consent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def default_rules(db):
    BreakRule.objects.all().delete()
    load_default_break_rules()


def send_on(day: date, *, actor, client, service, hour: int = 10, minute: int = 0) -> Referral:
    with time_machine.travel(at(day.year, day.month, day.day, hour, minute), tick=False):
        return services.create_referral(actor=actor, client=client, target_service=service, reason="Low mood",
                                        consent=consent(), send=True)


def on(day: date, call, hour: int = 12):
    """Run a service as if on `day` at `hour`."""
    with time_machine.travel(at(day.year, day.month, day.day, hour, 0), tick=False):
        return call()


def kinds(today: date) -> list[tuple[str, int | None, date, int]]:
    return [(b.kind, b.referral_id, b.since, b.days_overdue) for b in detect_breaks(today=today)]


# --- working days ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("sent", "deadline", "why"), [
    (date(2026, 3, 6), date(2026, 3, 13), "sent on a Friday: the weekend does not count"),
    (date(2026, 3, 31), date(2026, 4, 9), "Good Friday and Easter Monday are holidays"),
    (date(2025, 12, 22), date(2026, 1, 2), "Christmas Eve, Christmas, Boxing Day and New Year's Day"),
    (date(2026, 6, 17), date(2026, 6, 25), "Midsummer Eve is a day off"),
])
def test_a_referral_not_received_in_five_working_days_breaks_the_day_after_the_deadline(
        nurse, client_record, polku_service, sent, deadline, why):
    referral = send_on(sent, actor=nurse, client=client_record, service=polku_service)
    assert kinds(deadline) == [], why
    next_day = date.fromordinal(deadline.toordinal() + 1)
    assert kinds(next_day) == [("not_received", referral.pk, next_day, 1)], why
    found = detect_breaks(today=next_day)[0]
    assert (found.client_id, found.deadline, found.service) == (client_record.pk, deadline,
                                                                "Psykiatrian poliklinikka (testi)")


def test_the_day_a_referral_was_sent_is_the_finnish_day(nurse, client_record, polku_service):
    # 00:30 on Friday in Helsinki is still Thursday in UTC; counting from Thursday would break a day early.
    referral = send_on(date(2026, 3, 6), actor=nurse, client=client_record, service=polku_service, hour=0,
                       minute=30)
    assert kinds(date(2026, 3, 13)) == []
    assert kinds(date(2026, 3, 14)) == [("not_received", referral.pk, date(2026, 3, 14), 1)]


def test_a_received_referral_is_no_longer_waiting_to_be_received(nurse, client_record, polku_service,
                                                                 clinic_worker):
    referral = send_on(date(2026, 3, 6), actor=nurse, client=client_record, service=polku_service)
    on(date(2026, 3, 16), lambda: services.receive_referral(actor=clinic_worker, referral=referral))
    assert kinds(date(2026, 3, 16)) == []


# --- calendar-day rules ---------------------------------------------------------------------------


def test_accepted_without_an_appointment_for_thirty_days_breaks(nurse, client_record, polku_service, clinic_worker):
    referral = send_on(date(2026, 3, 2), actor=nurse, client=client_record, service=polku_service)
    on(date(2026, 3, 3), lambda: services.receive_referral(actor=clinic_worker, referral=referral))
    on(date(2026, 3, 4), lambda: services.accept_referral(actor=clinic_worker, referral=referral))
    assert kinds(date(2026, 4, 3)) == []
    assert kinds(date(2026, 4, 4)) == [("no_appointment", referral.pk, date(2026, 4, 4), 1)]
    assert kinds(date(2026, 4, 10)) == [("no_appointment", referral.pk, date(2026, 4, 4), 7)]


def test_a_missed_appointment_without_a_new_one_in_fourteen_days_breaks(nurse, client_record, polku_service,
                                                                        clinic_worker):
    referral = send_on(date(2026, 3, 2), actor=nurse, client=client_record, service=polku_service)
    on(date(2026, 3, 2), lambda: services.receive_referral(actor=clinic_worker, referral=referral), hour=13)
    on(date(2026, 3, 2), lambda: services.accept_referral(actor=clinic_worker, referral=referral), hour=14)
    on(date(2026, 3, 2), lambda: services.book_appointment(actor=clinic_worker, referral=referral,
                                                           appointment_at=at(2026, 3, 9, 9, 0)), hour=15)
    on(date(2026, 3, 9), lambda: services.record_appointment_missed(actor=clinic_worker, referral=referral))
    assert kinds(date(2026, 3, 23)) == []
    # Not "accepted, no appointment": the rule for a missed one applies instead.
    assert kinds(date(2026, 3, 24)) == [("no_new_appointment", referral.pk, date(2026, 3, 24), 1)]


def test_a_missed_call_back_breaks_after_one_working_day_unless_the_referral_moves(
        nurse, client_record, manual_service):
    referral = send_on(date(2026, 3, 2), actor=nurse, client=client_record, service=manual_service)
    on(date(2026, 3, 2), lambda: services.receive_referral(actor=nurse, referral=referral))
    on(date(2026, 3, 6), lambda: services.record_missed_callback(actor=nurse, referral=referral))  # a Friday
    assert kinds(date(2026, 3, 9)) == []  # Monday is the one working day to get a new call-back
    assert kinds(date(2026, 3, 10)) == [("callback_missed", referral.pk, date(2026, 3, 10), 1)]
    on(date(2026, 3, 10), lambda: services.accept_referral(actor=nurse, referral=referral))
    assert kinds(date(2026, 3, 11)) == []


def test_no_contact_for_sixty_days_while_a_service_plan_is_in_force_breaks(nurse, team_lead, organisation):
    with_plan = make_client(organisation=organisation, created_by=team_lead)
    add_to_care_team(client=with_plan, worker=nurse)
    ServicePlan.objects.create(client=with_plan, status=PlanStatus.ACTIVE, agreed_on=date(2026, 1, 5),
                               created_by=nurse)
    Meeting.objects.create(client=with_plan, starts_at=at(2026, 2, 2, 10, 0), actual_minutes=60,
                           place=MeetingPlace.OFFICE, outcome=MeetingOutcome.HELD, created_by=nurse)
    Meeting.objects.create(client=with_plan, starts_at=at(2026, 2, 20, 10, 0), actual_minutes=60,
                           place=MeetingPlace.OFFICE, outcome=MeetingOutcome.CLIENT_NO_SHOW, created_by=nurse)
    draft_only = make_client(organisation=organisation, created_by=team_lead)
    ServicePlan.objects.create(client=draft_only, status=PlanStatus.DRAFT, agreed_on=date(2026, 1, 5),
                               created_by=nurse)
    assert kinds(date(2026, 4, 3)) == []  # 2.2. + 60 days = 3.4., the last day still in time
    assert kinds(date(2026, 4, 4)) == [("no_contact", None, date(2026, 4, 4), 1)]
    assert detect_breaks(today=date(2026, 4, 4))[0].client_id == with_plan.pk
    Meeting.objects.create(client=with_plan, starts_at=at(2026, 4, 4, 9, 0), actual_minutes=60,
                           place=MeetingPlace.PHONE, outcome=MeetingOutcome.HELD, created_by=nurse)
    assert kinds(date(2026, 4, 4)) == []


def test_a_plan_agreed_recently_is_not_broken_by_an_old_meeting(nurse, team_lead, organisation):
    client = make_client(organisation=organisation, created_by=team_lead)
    Meeting.objects.create(client=client, starts_at=at(2025, 10, 1, 10, 0), actual_minutes=60,
                           place=MeetingPlace.OFFICE, outcome=MeetingOutcome.HELD, created_by=nurse)
    ServicePlan.objects.create(client=client, status=PlanStatus.ACTIVE, agreed_on=date(2026, 3, 1), created_by=nurse)
    assert kinds(date(2026, 4, 30)) == []
    assert kinds(date(2026, 5, 1)) == [("no_contact", None, date(2026, 5, 1), 1)]


# --- rules per service type -----------------------------------------------------------------------


def test_a_rule_for_a_service_type_overrides_the_default_for_that_type_only(
        nurse, client_record, polku_service, manual_service):
    BreakRule.objects.create(service_type=ServiceType.PSYCHIATRIC_OUTPATIENT, kind="not_received", days=2,
                             working_days=True)
    psychiatry = send_on(date(2026, 3, 2), actor=nurse, client=client_record, service=polku_service)
    health_centre = send_on(date(2026, 3, 2), actor=nurse, client=client_record, service=manual_service)
    assert kinds(date(2026, 3, 5)) == [("not_received", psychiatry.pk, date(2026, 3, 5), 1)]
    assert {k[1] for k in kinds(date(2026, 3, 10))} == {psychiatry.pk, health_centre.pk}


def test_an_inactive_rule_for_a_type_switches_the_check_off_there_and_an_inactive_default_everywhere(
        nurse, client_record, polku_service, manual_service):
    BreakRule.objects.create(service_type=ServiceType.PSYCHIATRIC_OUTPATIENT, kind="not_received", days=2,
                             active=False)
    send_on(date(2026, 3, 2), actor=nurse, client=client_record, service=polku_service)
    health_centre = send_on(date(2026, 3, 2), actor=nurse, client=client_record, service=manual_service)
    assert [k[1] for k in kinds(date(2026, 3, 20))] == [health_centre.pk]
    BreakRule.objects.filter(service_type=None, kind="not_received").update(active=False)
    assert kinds(date(2026, 3, 20)) == []


def test_the_database_allows_one_default_and_one_rule_per_type_and_kind(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        BreakRule.objects.create(kind="not_received", days=3)
    BreakRule.objects.create(kind="not_received", service_type=ServiceType.TRAUMA_CENTRE, days=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        BreakRule.objects.create(kind="not_received", service_type=ServiceType.TRAUMA_CENTRE, days=4)
    with pytest.raises(IntegrityError), transaction.atomic():
        BreakRule.objects.create(kind="no_contact", service_type=ServiceType.TRAUMA_CENTRE, days=4)


def test_detecting_breaks_takes_the_same_number_of_queries_for_few_and_many_referrals(
        nurse, client_record, polku_service):
    def count(today: date) -> int:
        with CaptureQueriesContext(connection) as queries:
            detect_breaks(today=today)
        return len(queries)

    send_on(date(2026, 3, 2), actor=nurse, client=client_record, service=polku_service)
    few = count(date(2026, 3, 20))
    for day in range(3, 13):
        send_on(date(2026, 3, day), actor=nurse, client=client_record, service=polku_service)
    assert count(date(2026, 3, 30)) == few == 6  # the rules, then one query per rule scope
    assert len(detect_breaks(today=date(2026, 3, 30))) == 11


# --- persisting breaks ----------------------------------------------------------------------------


def test_record_breaks_opens_one_break_and_one_path_event_and_is_idempotent(nurse, client_record, polku_service):
    referral = send_on(date(2026, 3, 6), actor=nurse, client=client_record, service=polku_service)
    run = record_breaks(today=date(2026, 3, 14))
    assert (run.opened, run.still_open, run.resolved) == (1, 0, 0)
    row = PathBreak.objects.get()
    assert (row.kind, row.referral, row.client, row.deadline, row.since, row.days_overdue, row.opened_on) == (
        "not_received", referral, client_record, date(2026, 3, 13), date(2026, 3, 14), 1, date(2026, 3, 14))
    event = PathEvent.objects.get(activity="PATH_BROKEN")
    assert (event.client, event.actor, event.at, event.object_type, event.object_id, event.service) == (
        client_record, None, at(2026, 3, 14, 0, 0), "referral", str(referral.pk), "Psykiatrian poliklinikka (testi)")
    assert event.attributes["kind"] == "not_received" and event.attributes["break_id"] == row.pk
    again = record_breaks(today=date(2026, 3, 14))
    assert (again.opened, again.still_open, again.resolved) == (0, 1, 0)
    later = record_breaks(today=date(2026, 3, 17))
    assert (later.opened, later.still_open) == (0, 1)
    row.refresh_from_db()
    assert (row.days_overdue, row.last_seen_on, row.since) == (4, date(2026, 3, 17), date(2026, 3, 14))
    assert PathEvent.objects.filter(activity="PATH_BROKEN").count() == 1


def test_a_break_is_resolved_when_its_condition_ends_and_kept_as_history(nurse, client_record, polku_service,
                                                                         clinic_worker):
    referral = send_on(date(2026, 3, 6), actor=nurse, client=client_record, service=polku_service)
    record_breaks(today=date(2026, 3, 14))
    on(date(2026, 3, 16), lambda: services.receive_referral(actor=clinic_worker, referral=referral))
    run = on(date(2026, 3, 16), lambda: record_breaks(today=date(2026, 3, 16)))
    assert (run.opened, run.still_open, run.resolved) == (0, 0, 1)
    row = PathBreak.objects.get()
    assert (row.resolved_on, row.resolved_at) == (date(2026, 3, 16), at(2026, 3, 16, 12, 0))
    # The same kind can open again later as a new row; the old one stays resolved.
    on(date(2026, 3, 16), lambda: services.accept_referral(actor=clinic_worker, referral=referral), hour=13)
    record_breaks(today=date(2026, 4, 20))
    assert list(PathBreak.objects.order_by("pk").values_list("kind", "resolved_on")) == [
        ("not_received", date(2026, 3, 16)), ("no_appointment", None)]


def test_the_database_refuses_two_open_breaks_of_one_kind_on_one_referral(nurse, client_record, polku_service):
    referral = send_on(date(2026, 3, 6), actor=nurse, client=client_record, service=polku_service)
    record_breaks(today=date(2026, 3, 14))
    with pytest.raises(IntegrityError), transaction.atomic():
        PathBreak.objects.create(rule=PathBreak.objects.get().rule, kind="not_received", client=client_record,
                                 referral=referral, deadline=date(2026, 3, 13), since=date(2026, 3, 14),
                                 opened_on=date(2026, 3, 15), last_seen_on=date(2026, 3, 15))


# --- expiry and the command -----------------------------------------------------------------------


def test_a_referral_nobody_moves_for_ninety_days_expires_and_its_breaks_resolve(nurse, client_record,
                                                                                manual_service):
    referral = send_on(date(2026, 1, 5), actor=nurse, client=client_record, service=manual_service)
    on(date(2026, 4, 5), lambda: call_command("check_path_breaks", "--today", "2026-04-05", stdout=io.StringIO()))
    assert Referral.objects.get().status == "sent"
    with time_machine.travel(at(2026, 4, 6, 3, 0), tick=False):
        assert expire_referrals(today=date(2026, 4, 6)) == 1
        run = record_breaks(today=date(2026, 4, 6))
    referral.refresh_from_db()
    assert (referral.status, referral.expire_reason, referral.closed_at) == (
        "expired", "no step in 90 days", at(2026, 4, 6, 0, 0))
    transition = ReferralTransition.objects.get(step="expired")
    assert (transition.side, transition.actor, transition.from_status) == ("system", None, "sent")
    event = PathEvent.objects.get(activity="REFERRAL_EXPIRED")
    assert (event.actor, event.at, event.object_id) == (None, at(2026, 4, 6, 0, 0), str(referral.pk))
    assert run.resolved == 1 and not PathBreak.objects.filter(resolved_at__isnull=True).exists()
    assert expire_referrals(today=date(2026, 4, 7)) == 0


def test_the_command_checks_as_of_the_given_day_and_reports_what_it_did(nurse, client_record, polku_service,
                                                                        capsys):
    send_on(date(2026, 3, 6), actor=nurse, client=client_record, service=polku_service)
    with time_machine.travel(at(2026, 3, 20, 6, 0), tick=False):
        call_command("check_path_breaks", "--today", "2026-03-14")
        call_command("check_path_breaks")
    out = capsys.readouterr().out.splitlines()
    assert out == ["2026-03-14: 0 referrals expired; breaks opened 1, still open 0, resolved 0",
                   "2026-03-20: 0 referrals expired; breaks opened 0, still open 1, resolved 0"]
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("check_path_breaks", "--today", "14.3.2026")


def test_the_migration_seeds_the_default_rules(db):
    BreakRule.objects.all().delete()
    assert load_default_break_rules() == 6
    assert load_default_break_rules() == 0
    rules = {r.kind: (r.days, r.working_days) for r in BreakRule.objects.filter(service_type=None)}
    assert rules == {"not_received": (5, True), "no_appointment": (30, False), "no_new_appointment": (14, False),
                     "no_contact": (60, False), "callback_missed": (1, True), "expiry": (90, False)}


def test_an_incoming_referral_without_a_service_falls_under_the_default_rule(nurse, client_record):
    BreakRule.objects.create(service_type=ServiceType.PSYCHIATRIC_OUTPATIENT, kind="no_appointment", days=5)
    referral = on(date(2026, 3, 2), lambda: services.record_incoming_referral(
        actor=nurse, client=client_record, external_sender="Reception centre", reason="Sleep"))
    on(date(2026, 3, 2), lambda: services.accept_referral(actor=nurse, referral=referral), hour=13)
    assert kinds(date(2026, 4, 1)) == []
    assert kinds(date(2026, 4, 2)) == [("no_appointment", referral.pk, date(2026, 4, 2), 1)]
    assert detect_breaks(today=date(2026, 4, 2))[0].service == "Reception centre"

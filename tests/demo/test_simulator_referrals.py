"""The simulator's referral journeys: the state machine, consent and disclosure, path events, waits, breaks.

The allowed steps are checked twice: against `referrals.machine.TRANSITIONS` and against a literal list
written here from docs/apps/referrals.md, so a simulator that followed a wrong machine would fail one.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from polku.casework.models import Client, Meeting, MeetingOutcome, PathEvent
from polku.core.models import AccessLog, DisclosureLog
from polku.demo.simulator import database_digest, simulate_caseload
from polku.referrals import machine
from polku.referrals.models import Referral, ReferralConsent, ReferralService, ReferralTransition

HELSINKI = ZoneInfo("Europe/Helsinki")
SEED = 4242
UNTIL = date(2026, 11, 1)
NOW = datetime(2026, 11, 1, tzinfo=HELSINKI)

# (from status, step, to status), written from the documented machine, not read from machine.py.
ALLOWED = {
    ("draft", "sent", "sent"), ("draft", "withdrawn", "withdrawn"),
    ("sent", "received", "received"), ("sent", "withdrawn", "withdrawn"), ("sent", "expired", "expired"),
    ("received", "accepted", "accepted"), ("received", "rejected", "rejected"),
    ("received", "withdrawn", "withdrawn"), ("received", "expired", "expired"),
    ("accepted", "appointment_booked", "appointment_booked"), ("accepted", "withdrawn", "withdrawn"),
    ("accepted", "expired", "expired"),
    ("appointment_booked", "appointment_held", "appointment_held"),
    ("appointment_booked", "appointment_missed", "accepted"), ("appointment_booked", "withdrawn", "withdrawn"),
    ("appointment_held", "closed", "closed"),
}
for status in ("sent", "received", "accepted", "appointment_booked"):
    ALLOWED |= {(status, "callback_missed", status), (status, "client_unreachable", status)}
ACTIVITY = {"sent": "REFERRAL_SENT", "received": "REFERRAL_RECEIVED", "accepted": "REFERRAL_ACCEPTED",
            "rejected": "REFERRAL_REJECTED", "appointment_booked": "APPOINTMENT_BOOKED",
            "appointment_held": "APPOINTMENT_HELD", "appointment_missed": "APPOINTMENT_MISSED",
            "closed": "REFERRAL_CLOSED", "withdrawn": "REFERRAL_WITHDRAWN", "expired": "REFERRAL_EXPIRED",
            "callback_missed": "CALLBACK_MISSED", "client_unreachable": "CLIENT_UNREACHABLE"}
HANDLER_STEPS = {"received", "accepted", "rejected", "appointment_booked", "appointment_held", "appointment_missed",
                 "closed"}


def is_broken(referral: Referral, steps: list[str]) -> bool:
    """Broken: ended without the service (rejected, withdrawn, expired), or left after a missed appointment."""
    if referral.status in ("rejected", "withdrawn", "expired"):
        return True
    return bool(steps) and steps[-1] == "appointment_missed"


@pytest.fixture(scope="class")
def caseload(django_db_setup, django_db_blocker):
    """300 simulated clients with their referrals, rolled back after the class."""
    print(f"simulator seed: {SEED}")
    with django_db_blocker.unblock():
        with transaction.atomic():
            access_rows = AccessLog.objects.count()
            result = simulate_caseload(clients=300, seed=SEED, until=UNTIL)
            referrals = list(Referral.objects.select_related("target_service", "target_service__organisation",
                                                             "sent_by"))
            history: dict[int, list[ReferralTransition]] = defaultdict(list)
            for row in ReferralTransition.objects.select_related("actor").order_by("at", "id"):
                history[row.referral_id].append(row)
            yield {"result": result, "referrals": referrals, "history": history, "access_rows_before": access_rows}
            transaction.set_rollback(True)


@pytest.mark.django_db
class TestReferralJourneysOf300Clients:
    def test_many_clients_with_several_meetings_get_one_to_three_referrals(self, caseload):
        referrals = caseload["referrals"]
        assert caseload["result"].referrals == len(referrals) == Referral.objects.count()
        assert f"{len(referrals)} referrals" in caseload["result"].summary()
        per_client = Counter(r.client_id for r in referrals)
        assert set(per_client.values()) <= {1, 2, 3}
        held = Counter(Meeting.objects.filter(outcome=MeetingOutcome.HELD).values_list("client_id", flat=True))
        eligible = [client for client, count in held.items() if count >= 2]
        assert 0.5 <= sum(1 for c in eligible if c in per_client) / len(eligible) <= 0.85
        assert all(held[client] >= 2 for client in per_client)  # "after a few meetings"
        types = Counter(r.target_service.service_type for r in referrals)
        assert types.most_common(1)[0][0] == "health_centre_doctor"
        assert {"psychiatric_outpatient", "trauma_centre", "substance_abuse", "employment_integration",
                "ngo_activity", "native_language_counsellor"} <= set(types)
        assert ReferralService.objects.filter(name_fi__endswith="(demo)").count() == 12

    def test_every_referral_follows_the_state_machine_in_strict_time_order(self, caseload):
        for referral in caseload["referrals"]:
            rows = caseload["history"][referral.pk]
            assert rows[0].from_status == "draft" and rows[0].step == "sent"
            status = "draft"
            for previous, row in zip([None, *rows], rows, strict=False):
                assert row.from_status == status
                assert (row.from_status, row.step, row.to_status) in ALLOWED
                assert machine.next_status(row.from_status, row.step) == row.to_status
                assert row.step in machine.TRANSITIONS[row.from_status]
                if previous is not None:
                    assert row.at > previous.at
                status = row.to_status
            assert referral.status == status
            assert referral.version == len(rows) + 1
            assert rows[-1].at < NOW

    def test_timestamps_on_the_referral_match_its_history(self, caseload):
        for referral in caseload["referrals"]:
            rows = caseload["history"][referral.pk]
            first = {}
            for row in rows:
                first.setdefault(row.step, row)
            assert referral.sent_at == first["sent"].at
            assert referral.created_at < referral.sent_at
            changes = [row for row in rows if row.step not in ("callback_missed", "client_unreachable")]
            assert referral.status_changed_at == changes[-1].at
            if referral.status in ("rejected", "closed", "withdrawn", "expired"):
                assert referral.closed_at == rows[-1].at
            for booked, after in zip(rows, rows[1:], strict=False):
                if booked.step == "appointment_booked" and after.step in ("appointment_held", "appointment_missed"):
                    appointment = datetime.fromisoformat(booked.attributes["appointment_at"])
                    assert booked.at < appointment == after.at
            if referral.status == "rejected":
                assert referral.rejection_reason
            if referral.status == "withdrawn":
                assert referral.withdraw_reason

    def test_every_sent_referral_has_a_consent_before_sending_and_a_disclosure_log_row(self, caseload):
        consents = {c.referral_id: c for c in ReferralConsent.objects.all()}
        disclosures = {d.content.split(":")[0]: d for d in DisclosureLog.objects.filter(channel="referral")}
        assert len(disclosures) == DisclosureLog.objects.count() == len(caseload["referrals"])
        for referral in caseload["referrals"]:
            consent = consents[referral.pk]
            assert consent.disclose_identity and consent.given_at < referral.sent_at
            assert consent.recorded_by_id == referral.sent_by_id and consent.language
            log = disclosures[f"referral {referral.pk}"]
            assert log.client_id == referral.client_id and log.at == referral.sent_at
            assert log.actor_id == referral.sent_by_id and log.recipient == consent.recipient
            assert log.content == f"referral {referral.pk}: {', '.join(consent.items)}"
            assert caseload["history"][referral.pk][0].attributes["disclosed"] == consent.items

    def test_every_referral_path_event_matches_a_transition_at_the_same_time(self, caseload):
        expected = Counter()
        for referral in caseload["referrals"]:
            for row in caseload["history"][referral.pk]:
                expected[(str(referral.pk), ACTIVITY[row.step], row.at)] += 1
        events = PathEvent.objects.filter(object_type="referral")
        seen = Counter((e.object_id, e.activity, e.at) for e in events)
        assert seen == expected
        activities = set(ACTIVITY.values()) - {"CLIENT_UNREACHABLE"}  # casework writes that one too
        assert PathEvent.objects.filter(activity__in=activities).exclude(object_type="referral").count() == 0
        for event in events.select_related("organisation")[:400]:
            assert event.attributes["referral_id"] == int(event.object_id)
            assert event.service.endswith("(demo)")

    def test_answers_of_services_outside_polku_are_recorded_by_the_sender(self, caseload):
        by_hand = inbox = 0
        for referral in caseload["referrals"]:
            service = referral.target_service
            for row in caseload["history"][referral.pk]:
                if row.step == "expired":
                    assert row.actor is None and row.side == "system"
                elif row.step in ("sent", "withdrawn"):
                    assert row.actor_id == referral.sent_by_id and row.side == "sender"
                elif service.uses_polku:
                    inbox += 1
                    assert row.side == "recipient" and row.actor.organisation_id == service.organisation_id
                else:
                    by_hand += 1
                    assert row.side == "sender" and row.actor_id == referral.sent_by_id
                    assert row.recorded_at >= row.at
        assert by_hand > 0 and inbox > 0
        handler_events = PathEvent.objects.filter(object_type="referral",
                                                  activity__in=[ACTIVITY[s] for s in HANDLER_STEPS])
        services = {str(r.pk): r.target_service.organisation_id for r in caseload["referrals"]}
        assert all(e.organisation_id == services[e.object_id] for e in handler_events)

    def test_ten_to_twenty_percent_of_referrals_break(self, caseload):
        broken = [r for r in caseload["referrals"]
                  if is_broken(r, [row.step for row in caseload["history"][r.pk]])]
        share = len(broken) / len(caseload["referrals"])
        print(f"broken: {len(broken)} of {len(caseload['referrals'])} = {share:.3f}")
        assert 0.10 <= share <= 0.20
        kinds = Counter(r.status for r in broken)
        assert {"rejected", "withdrawn", "expired"} <= set(kinds)

    def test_some_call_backs_are_missed_and_most_unbroken_old_referrals_are_closed(self, caseload):
        steps = Counter(row.step for rows in caseload["history"].values() for row in rows)
        total = len(caseload["referrals"])
        assert 0.02 * total <= steps["callback_missed"] <= 0.25 * total
        assert steps["client_unreachable"] > 0 and steps["appointment_missed"] > 0
        old = [r for r in caseload["referrals"] if r.sent_at < NOW - timedelta(days=250)
               and not is_broken(r, [row.step for row in caseload["history"][r.pk]])]
        assert len(old) > 50
        assert sum(r.status == "closed" for r in old) / len(old) >= 0.9

    def test_doctors_keep_clients_waiting_more_than_a_month_and_psychiatry_longer(self, caseload):
        waits = defaultdict(list)
        for referral in caseload["referrals"]:
            if referral.appointment_held_at:
                waits[referral.target_service.service_type].append(
                    (referral.appointment_held_at - referral.sent_at).total_seconds() / 86400)
        doctor = sorted(waits["health_centre_doctor"])
        print({kind: round(statistics.median(days)) for kind, days in waits.items()})
        # The simulated median is 42 days (lognormal); held appointments near `until` are the shorter waits, and
        # the sample is some 100 referrals, so 30 days leaves room for both and still says "over a month".
        assert len(doctor) >= 40
        assert statistics.median(doctor) > 30
        assert doctor[int(0.9 * len(doctor))] > 60  # a long tail
        assert statistics.median(waits["psychiatric_outpatient"]) > statistics.median(doctor)
        assert statistics.median(waits["ngo_activity"]) < 30

    def test_no_referral_step_is_at_or_after_now_and_no_access_is_logged(self, caseload):
        assert not ReferralTransition.objects.filter(at__gte=NOW).exists()
        assert not PathEvent.objects.filter(at__gte=NOW).exists()
        assert AccessLog.objects.count() == caseload["access_rows_before"]
        closed = {c.pk: c.closed_at for c in Client.objects.exclude(closed_at=None)}
        for referral in caseload["referrals"]:
            assert referral.client_id not in closed or referral.sent_at < closed[referral.client_id]


# ---------------------------------------------------------------------------------- determinism


def simulate_and_digest(**options) -> str:
    with transaction.atomic():
        simulate_caseload(until=UNTIL, **options)
        digest = database_digest()
        transaction.set_rollback(True)
    return digest


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_referrals_and_digest():
    first = simulate_and_digest(clients=60, seed=SEED)
    with transaction.atomic():
        # Other primary keys for the second run's referrals, so ids inside attributes and texts differ.
        simulate_caseload(clients=5, seed=SEED + 1, until=UNTIL)
        transaction.set_rollback(True)
    assert simulate_and_digest(clients=60, seed=SEED) == first
    assert simulate_and_digest(clients=60, seed=SEED + 1) != first


@pytest.mark.django_db
def test_the_digest_covers_referrals_consents_and_disclosures():
    with transaction.atomic():
        simulate_caseload(clients=60, seed=SEED, until=UNTIL)
        assert Referral.objects.exists()
        before = database_digest()
        referral = Referral.objects.order_by("pk").first()
        for change in (lambda: Referral.objects.filter(pk=referral.pk).update(reason="changed"),
                       lambda: ReferralConsent.objects.filter(referral=referral).update(language="xx"),
                       # The disclosure log is append-only (a trigger on PostgreSQL): add a row instead.
                       lambda: DisclosureLog.objects.create(actor_username="x", recipient="x", purpose="referral",
                                                            content="x", channel="referral")):
            change()
            after = database_digest()
            assert after != before
            before = after
        transaction.set_rollback(True)

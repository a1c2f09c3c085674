"""Two workers accepting the same referral at once on PostgreSQL: exactly one accepted step, whatever the timing."""

import threading
import time

import pytest
from django.db import IntegrityError, connection, connections, transaction

from polku.casework.models import PathEvent
from polku.core.errors import DomainError
from polku.referrals.models import Referral, ReferralTransition
from polku.referrals.services import referrals as services

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="two real connections need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def _run_together(target, args_list) -> list:
    barrier, outcomes = threading.Barrier(len(args_list)), []

    def run(*args):
        try:
            barrier.wait()
            outcomes.append(target(*args))
        except (DomainError, IntegrityError) as error:
            outcomes.append(getattr(error, "code", type(error).__name__))
        finally:
            connections.close_all()  # this thread's own connection, so that the test database can be dropped

    threads = [threading.Thread(target=run, args=args) for args in args_list]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.parametrize("expected_version", [None, 3])
def test_two_recipients_accepting_at_once_leave_exactly_one_accepted_step(sent_referral, clinic_worker,
                                                                          clinic_doctor, expected_version):
    services.receive_referral(actor=clinic_worker, referral=sent_referral)

    def accept(actor):
        referral = Referral.objects.select_related("target_service").get(pk=sent_referral.pk)
        with transaction.atomic():
            services.accept_referral(actor=actor, referral=referral, expected_version=expected_version)
            time.sleep(0.3)  # hold the row lock, so that the other really waits for this transaction
        return "accepted"

    outcomes = _run_together(accept, [(clinic_worker,), (clinic_doctor,)])
    loser = "referral_conflict" if expected_version else "transition_not_allowed"
    assert sorted(outcomes) == sorted(["accepted", loser]), outcomes
    assert ReferralTransition.objects.filter(referral=sent_referral, step="accepted").count() == 1
    assert PathEvent.objects.filter(activity="REFERRAL_ACCEPTED").count() == 1
    referral = Referral.objects.get()
    assert (referral.status, referral.version) == ("accepted", 4)


def test_without_the_row_lock_the_database_still_allows_only_one_accepted_row(sent_referral):
    """The unique constraint is the last line: two bare inserts at once, one commits, the other is refused."""

    def insert():
        with transaction.atomic():
            ReferralTransition.objects.create(referral_id=sent_referral.pk, step="accepted", from_status="received",
                                              to_status="accepted", side="recipient")
            time.sleep(0.3)
        return "inserted"

    outcomes = _run_together(insert, [(), ()])
    assert sorted(outcomes) == ["IntegrityError", "inserted"], outcomes
    assert ReferralTransition.objects.filter(step="accepted").count() == 1

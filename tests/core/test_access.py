from datetime import timedelta

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from polku.core import access
from polku.core.errors import AccessDenied, DomainError
from polku.core.models import AccessBasis, AccessLog, BreakTheGlassGrant, DisclosureLog
from tests.factories import add_to_care_team, make_client, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_record(organisation, team_lead):
    return make_client(organisation=organisation, created_by=team_lead)


def test_care_team_member_is_allowed_and_the_read_is_logged(nurse, client_record):
    add_to_care_team(client=client_record, worker=nurse)
    grant = access.require_client_access(actor=nurse, client_id=client_record.pk)
    assert grant.basis == AccessBasis.CARE_RELATIONSHIP
    row = AccessLog.objects.get()
    assert (row.actor, row.client_id, row.action, row.basis) == (nurse, client_record.pk, "read",
                                                                 "care_relationship")
    assert row.actor_role == "professional"


def test_worker_outside_the_care_team_is_denied_and_the_attempt_logged(outsider, client_record):
    with pytest.raises(AccessDenied):
        access.require_client_access(actor=outsider, client_id=client_record.pk)
    row = AccessLog.objects.get()
    assert (row.actor, row.client_id, row.basis) == (outsider, client_record.pk, "denied")


def test_ended_care_membership_no_longer_gives_access(nurse, client_record):
    membership = add_to_care_team(client=client_record, worker=nurse)
    membership.ended_at = timezone.now()
    membership.save()
    with pytest.raises(AccessDenied):
        access.require_client_access(actor=nurse, client_id=client_record.pk)


def test_roles_without_client_work_are_denied_even_inside_a_care_team(organisation, client_record):
    coordinator = make_user(role="coordinator", organisation=organisation)
    add_to_care_team(client=client_record, worker=coordinator, role="other")
    with pytest.raises(AccessDenied):
        access.require_client_access(actor=coordinator, client_id=client_record.pk)
    assert AccessLog.objects.get().basis == "denied"


def test_break_the_glass_with_empty_reason_is_refused(outsider, client_record):
    for reason in ("", "   "):
        with pytest.raises(DomainError) as error:
            access.break_the_glass(actor=outsider, client_id=client_record.pk, reason=reason)
        assert error.value.field == "reason"
    assert BreakTheGlassGrant.objects.count() == 0


def test_break_the_glass_grants_access_for_four_hours_and_is_flagged_for_review(outsider, client_record):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        grant = access.break_the_glass(actor=outsider, client_id=client_record.pk,
                                       reason="Client in acute crisis at the emergency unit")
        assert grant.expires_at == start + timedelta(hours=4)
        assert grant.reviewed_at is None
        result = access.require_client_access(actor=outsider, client_id=client_record.pk)
        assert result.basis == AccessBasis.BREAK_THE_GLASS
    logged = list(AccessLog.objects.order_by("id").values_list("basis", "reason"))
    assert logged == [("break_the_glass", "Client in acute crisis at the emergency unit")] * 2
    with time_machine.travel(start + timedelta(hours=4, seconds=1), tick=False):
        with pytest.raises(AccessDenied):
            access.require_client_access(actor=outsider, client_id=client_record.pk)
    assert AccessLog.objects.order_by("-id").first().basis == "denied"


def test_break_the_glass_is_refused_for_roles_without_the_permission(organisation, client_record):
    steering = make_user(role="steering_group", organisation=organisation)
    with pytest.raises(AccessDenied):
        access.break_the_glass(actor=steering, client_id=client_record.pk, reason="curious")
    assert BreakTheGlassGrant.objects.count() == 0
    assert AccessLog.objects.get().basis == "denied"


def test_break_the_glass_reason_is_also_required_by_the_database(outsider, client_record):
    with pytest.raises(IntegrityError), transaction.atomic():
        BreakTheGlassGrant.objects.create(user=outsider, client_id=client_record.pk, reason="",
                                          expires_at=timezone.now() + timedelta(hours=1))


def test_data_controller_reviews_break_the_glass(outsider, data_controller, client_record):
    grant = access.break_the_glass(actor=outsider, client_id=client_record.pk, reason="Crisis call")
    access.review_break_the_glass(reviewer=data_controller, grant=grant, note="Justified")
    grant.refresh_from_db()
    assert grant.reviewed_by == data_controller and grant.review_note == "Justified"
    with pytest.raises(DomainError):
        access.review_break_the_glass(reviewer=data_controller, grant=grant, note="again")


def test_disclosure_is_recorded_in_its_own_log(nurse, client_record):
    access.record_disclosure(actor=nurse, client_id=client_record.pk, recipient="Psychiatric outpatient clinic",
                             purpose="referral", content="name, birth date, reason for referral",
                             channel="referral", legal_basis="client consent")
    row = DisclosureLog.objects.get()
    assert row.recipient == "Psychiatric outpatient clinic" and row.actor_username == "nurse"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the append-only trigger exists on PostgreSQL only")
def test_update_and_delete_on_the_access_log_fail_in_postgresql(nurse, client_record):
    from django.db import DatabaseError

    add_to_care_team(client=client_record, worker=nurse)
    access.require_client_access(actor=nurse, client_id=client_record.pk)
    access.record_disclosure(actor=nurse, client_id=client_record.pk, recipient="x", purpose="y", content="z",
                             channel="export")
    for table in ("core_accesslog", "core_disclosurelog"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"UPDATE {table} SET actor_username = 'someone else'")  # noqa: S608
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608
    assert AccessLog.objects.filter(actor_username="nurse").count() == 1
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLog.objects.all().delete()


@pytest.mark.django_db(transaction=True)
def test_a_single_access_log_row_is_one_statement_and_several_rows_are_written_together(nurse, organisation):
    """Outside a transaction (as on a page) one row needs no BEGIN … COMMIT around its INSERT; it is committed
    at once, so it survives whatever the request does next. Several rows still go in one atomic write."""
    first, second = (make_client(organisation=organisation, created_by=nurse) for _ in range(2))
    with CaptureQueriesContext(connection) as single:
        access.log_access(actor=nurse, client_ids=[first.pk], action="read", basis="care_relationship")
    assert [query["sql"].split()[0] for query in single.captured_queries] == ["INSERT"]
    access.log_access(actor=nurse, client_ids=[first.pk, second.pk], action="read", basis="care_relationship",
                      object_type="client_list")
    rows = AccessLog.objects.order_by("pk").values_list("client_id", "object_type", "actor_organisation")
    assert list(rows) == [(first.pk, "", str(organisation)), (first.pk, "client_list", str(organisation)),
                          (second.pk, "client_list", str(organisation))]

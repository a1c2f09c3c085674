"""On PostgreSQL outside a transaction the service-path section runs on a second connection: same report."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.db import connection, transaction

from polku.casework.models import PathEvent
from polku.reporting.steering.report import build_steering_report
from tests.factories import make_client, make_user
from tests.reporting.steering.conftest import HELSINKI


@pytest.mark.django_db(transaction=True)
def test_the_report_is_the_same_whether_the_paths_are_read_alongside_or_in_turn(organisation):
    if connection.vendor != "postgresql":
        pytest.skip("the second connection is used on PostgreSQL only")
    lead = make_user(role="team_lead", organisation=organisation, profession="nurse")
    day = datetime(2026, 3, 2, 10, tzinfo=HELSINKI)
    for _ in range(7):
        client = make_client(organisation=organisation, created_by=lead, created_at=day)
        PathEvent.objects.create(client=client, activity="CLIENT_REGISTERED", at=day)
        PathEvent.objects.create(client=client, activity="MEETING_HELD", at=day.replace(hour=12))
    period = {"organisation": organisation, "period_start": date(2026, 3, 1), "period_end": date(2026, 3, 31),
              "language": "en"}
    assert not connection.in_atomic_block
    alongside = build_steering_report(**period)
    with transaction.atomic():
        in_turn = build_steering_report(**period)
    for report in (alongside, in_turn):
        variants = report.table("paths_variants")
        assert [(row.label, row.cells[0].value) for row in variants.rows] == [
            ("Client registered → Meeting held", 7)]
    assert [s.svg for s in alongside.sections] == [s.svg for s in in_turn.sections]

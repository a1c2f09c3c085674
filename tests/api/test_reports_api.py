"""The steering-group report as data: same suppression as the page, only for report roles and allowed scopes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.api.test_auth import assert_problem
from tests.factories import make_client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.api.urls_api")]


def _query(organisation) -> str:
    today = timezone.localdate()
    return (f"/api/v1/reports/steering?organisation_id={organisation.pk}"
            f"&period_start={(today - timedelta(days=30)).isoformat()}&period_end={today.isoformat()}")


def test_team_lead_gets_the_report_with_small_numbers_hidden(client, team_lead, organisation, make_token, bearer):
    for n in range(3):
        make_client(organisation=organisation, created_by=team_lead, given_names_latin=f"Asiakas{n}")
    response = client.get(_query(organisation), **bearer(make_token(team_lead, {"reports:read"})))
    assert response.status_code == 200, response.content
    body = response.json()
    cells = [cell for section in body["sections"] for table in section["tables"]
             for row in table["rows"] + ([table["total"]] if table["total"] else []) for cell in row["cells"]]
    assert cells and any(cell["suppressed"] for cell in cells)
    assert all(cell["value"] is None for cell in cells if cell["suppressed"])
    counts = [c["value"] for c in cells if c["kind"] == "count" and not c["suppressed"] and c["value"] is not None]
    assert all(value >= 5 for value in counts)


def test_team_lead_cannot_report_on_another_organisation(client, team_lead, other_organisation, make_token, bearer):
    response = client.get(_query(other_organisation), **bearer(make_token(team_lead, {"reports:read"})))
    body = assert_problem(response, 422, "invalid_input")
    assert body["errors"][0]["field"] == "organisation_id"


def test_a_period_ending_before_it_starts_names_the_field(client, team_lead, organisation, make_token, bearer):
    url = (f"/api/v1/reports/steering?organisation_id={organisation.pk}&period_start=2026-03-10"
           f"&period_end=2026-03-01")
    body = assert_problem(client.get(url, **bearer(make_token(team_lead, {"reports:read"}))), 422)
    assert body["errors"][0]["field"] == "period_end"


def test_a_client_worker_has_no_report_scope(client, nurse, organisation, make_token, bearer):
    assert_problem(client.get(_query(organisation), **bearer(make_token(nurse))), 403, "insufficient_scope")

"""Property test: no search query string, however odd, makes the facade answer a 500 or anything but FHIR."""

from __future__ import annotations

import json
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from polku.api.fhir.resources import REGISTRY
from tests.api.fhir.conftest import validate

pytestmark = pytest.mark.django_db

NAMES = sorted({name for handler in REGISTRY.values() for name in handler.search_params}
               | {"_count", "_offset", "_format", "x", "name:exact", "_sort"})
VALUES = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["1", "0", "-1", "Patient/1", "Patient/abc", "ge2026-01-01", "lt2026-13-40", "2026",
                     "eq2026-01-01T10:00:00+02:00", "urn:oid:1.2.246.21|x", "active,completed", "true", "json",
                     "meeting-1", "booking-x", "screening-1", "ServiceRequest/1", "99999999999999999999"]),
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(resource_type=st.sampled_from(sorted(REGISTRY)),
       query=st.lists(st.tuples(st.sampled_from(NAMES), VALUES), max_size=4))
def test_no_search_answers_a_server_error(fhir, record, resource_type, query):
    response = fhir.client.get(f"/fhir/{resource_type}?{urlencode(query)}", **fhir.headers)
    assert response.status_code in (200, 400, 404, 406), (query, response.content)
    body = validate(json.loads(response.content))
    assert body["resourceType"] == ("Bundle" if response.status_code == 200 else "OperationOutcome")


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(resource_type=st.sampled_from(sorted(REGISTRY)), ident=st.text(min_size=1, max_size=70))
def test_no_read_answers_a_server_error(fhir, record, resource_type, ident):
    response = fhir.client.get(f"/fhir/{resource_type}/{quote(ident, safe='')}", **fhir.headers)
    assert response.status_code in (200, 404), (ident, response.content)
    validate(json.loads(response.content))

"""Property-based fuzzing of the whole v1 API from its own OpenAPI document (schemathesis).

Every operation, with a valid bearer token holding every scope of a client worker, a bounded number of
examples each: 0 server errors, every response documented (status, content type, headers) and valid against
its schema, and invalid input refused with a 4xx. The longer run is documented in docs/api.md.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from polku.api.urls import api

MAX_EXAMPLES = int(os.environ.get("POLKU_FUZZ_EXAMPLES", "12"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance, negative_data_rejection]


WSGI_APP = WSGIHandler()
# The same document /api/v1/openapi.json serves (a test below checks that), built without resolving the
# project's URLs at import time.
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1"))
pytestmark = pytest.mark.urls("tests.api.urls_api")


@pytest.fixture
def token(db, settings, nurse, client_record, make_token):
    """A worker with one client in the care team, and a token with every scope the role permits."""
    settings.POLKU_API_RATE_LIMIT = 1_000_000
    return make_token(nurse)


@pytest.fixture
def tokens(token, team_lead, make_token, areas):
    """Per path prefix, the role that can use it: reports need a report role, the centre's queue a dispatcher."""
    from polku.core.models import OrganisationType
    from tests.factories import OrganisationFactory, make_user

    centre = OrganisationFactory(name="Tulkkikeskus (fuzz)", type=OrganisationType.INTERPRETER_CENTRE)
    dispatcher = make_user(role="interpreter_dispatcher", organisation=centre, username="fuzz_dispatcher")
    return {"/api/v1/reports": make_token(team_lead), "/api/v1/bookings/dispatch": make_token(dispatcher),
            "": token}


def token_for(tokens: dict, path: str) -> str:
    return next(value for prefix, value in tokens.items() if path.startswith(prefix))


def auth_headers(case, token: str) -> dict:
    """The valid token, unless this case deliberately mangles or drops headers (the Authorization header among
    them): then the case goes as generated, and the API must refuse it (401)."""
    if case.meta is not None and case.meta.is_negative_at(ParameterLocation.HEADER):
        return {}
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """The raw WSGI handler closes the database connection around each request (request_started/finished), which
    would end the test's transaction on PostgreSQL; Django's own test client disconnects the same receivers."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_openapi_document(case, tokens):
    case.call_and_validate(app=WSGI_APP, headers=auth_headers(case, token_for(tokens, case.path)), checks=CHECKS)


def test_the_fuzzed_document_is_the_served_one(client, db):
    assert client.get("/api/v1/openapi.json").json() == schema.raw_schema


def test_openapi_links_point_at_existing_operations(client, db):
    document = client.get("/api/v1/openapi.json").json()
    operation_ids = {op["operationId"] for ops in document["paths"].values() for op in ops.values()}
    links = [link for ops in document["paths"].values() for op in ops.values()
             for response in op["responses"].values() for link in response.get("links", {}).values()]
    assert len(links) == 8
    assert {link["operationId"] for link in links} <= operation_ids


def test_stateful_sequences_along_the_links(token):
    """Create → read → step, following the documented links, with the same checks on every response."""
    from schemathesis.generation.stateful import run_state_machine_as_test

    base = schema.as_state_machine()

    class Workflow(base):
        def get_call_kwargs(self, case):
            return {"app": WSGI_APP, "headers": auth_headers(case, token)}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS)

    run_state_machine_as_test(Workflow, settings=settings(
        max_examples=max(MAX_EXAMPLES // 2, 3), stateful_step_count=4, deadline=None, derandomize=True,
        suppress_health_check=list(HealthCheck)))

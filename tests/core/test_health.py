"""Health checks (core.health): liveness from the process alone, readiness from the database and the schema."""

from __future__ import annotations

import copy
import os
import subprocess
import sys

import pytest
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder

from polku.core import health

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def forget_the_schema(monkeypatch):
    """Each test starts as a fresh process would, before it has seen the schema complete."""
    monkeypatch.setattr(health, "_schema_complete", False)


def test_liveness_answers_ok_without_login_and_is_never_cached(client):
    response = client.get("/health/live/")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})
    assert "no-store" in response["Cache-Control"]
    assert "Set-Cookie" not in response.headers  # a probe every few seconds must not create sessions


def test_readiness_answers_ok_when_the_database_answers_and_every_migration_is_applied(client):
    response = client.get("/health/ready/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "migrations": "ok"}}
    assert "no-store" in response["Cache-Control"]


def test_readiness_is_503_while_a_migration_of_this_code_is_not_applied(client):
    latest = MigrationRecorder.Migration.objects.filter(app="core").order_by("-applied", "-id").first()
    latest.delete()  # the test's transaction is rolled back afterwards
    response = client.get("/health/ready/")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "checks": {"database": "ok", "migrations": "pending"}}
    assert response["Retry-After"] == "5"


def test_readiness_remembers_a_complete_schema_so_later_probes_ask_the_database_only(client,
                                                                                    django_assert_num_queries):
    assert client.get("/health/ready/").status_code == 200
    with django_assert_num_queries(1):  # SELECT 1; not the migration table again
        assert client.get("/health/ready/").status_code == 200


def unreachable_copy_of_the_default_connection():
    """A real connection attempt that fails: PostgreSQL on a port nobody listens on, SQLite in a folder that
    does not exist."""
    default = connections["default"]
    settings_dict = copy.deepcopy(default.settings_dict)
    if default.vendor == "sqlite":
        settings_dict["NAME"] = "/nonexistent-polku-folder/db.sqlite3"
    else:
        settings_dict.update({"HOST": "127.0.0.1", "PORT": "1", "OPTIONS": {"connect_timeout": 2}})
    return default.__class__(settings_dict, alias="unreachable")


def test_readiness_reports_an_unreachable_database():
    unreachable = unreachable_copy_of_the_default_connection()
    try:
        report = health.readiness(unreachable)
    finally:
        unreachable.close()
    assert (report.ready, report.checks) == (False, {"database": "unreachable"})


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_health_checks_answer_only_get_and_head(client, method):
    assert getattr(client, method)("/health/ready/").status_code == 405
    assert client.head("/health/live/").status_code == 200


PRODUCTION = {"POLKU_ENV": "production", "SECRET_KEY": "s" * 60, "ALLOWED_HOSTS": "polku.example.fi",
              "DATABASE_URL": "postgres://polku@127.0.0.1:5432/polku", "POLKU_VAR_DIR": "/var/lib/polku"}
REDIRECTS = """
import django
django.setup()
from django.http import HttpResponse
from django.middleware.security import SecurityMiddleware
from django.test import RequestFactory
middleware = SecurityMiddleware(lambda request: HttpResponse())
for path in ("/health/live/", "/health/ready/", "/kirjaudu/", "/health/live/x", "/asiakastyo/health/live/"):
    response = middleware.process_request(RequestFactory().get(path, HTTP_HOST="polku.example.fi"))
    print(path, response.status_code if response else "served")
"""


def test_production_serves_the_probes_over_plain_http_and_redirects_everything_else():
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"} | PRODUCTION
    environment["DJANGO_SETTINGS_MODULE"] = "polku.settings"
    result = subprocess.run([sys.executable, "-c", REDIRECTS], capture_output=True, text=True, env=environment,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["/health/live/ served", "/health/ready/ served", "/kirjaudu/ 301",
                                          "/health/live/x 301", "/asiakastyo/health/live/ 301"]

"""Settings from the environment: malformed values give one line naming the variable."""

import os
import subprocess
import sys

import pytest

from polku import config


def run_polku(*args, **env):
    # The browser-test conftest allows Django's async-unsafe mode for the test process only; a deploy
    # check must not inherit it.
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"} | env
    return subprocess.run([sys.executable, "-m", "polku", *args], capture_output=True, text=True,
                          env=environment, timeout=120)


@pytest.mark.parametrize("url", ["mysql://u@h/db", "not a url", "postgres://", "postgres://host:notaport/db"])
def test_malformed_database_url_prints_one_line_naming_the_variable_and_exits_non_zero(url):
    result = run_polku("check", DATABASE_URL=url)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "DATABASE_URL" in lines[0]


def test_unset_database_url_means_embedded_sqlite(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setattr(config, "VAR_DIR", tmp_path)
    database = config.database_from_env()
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == str(tmp_path / "polku.sqlite3")


def test_postgres_url_is_parsed(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://polku@127.0.0.1:5432/polku")
    database = config.database_from_env()
    assert (database["ENGINE"], database["NAME"], database["PORT"]) == (
        "django.db.backends.postgresql", "polku", 5432)


def test_production_profile_passes_the_deploy_check():
    result = run_polku("check", "--deploy", "--fail-level", "WARNING", POLKU_ENV="production",
                       SECRET_KEY="k" * 20 + "-production-secret-for-the-deploy-check-0123456789",
                       ALLOWED_HOSTS="polku.example.fi")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_without_a_secret_key_is_refused_in_one_line():
    result = run_polku("check", POLKU_ENV="production", SECRET_KEY="", ALLOWED_HOSTS="polku.example.fi")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "polku: configuration error: SECRET_KEY must be set when POLKU_ENV=production"]


def test_demo_secret_key_is_generated_once_and_kept(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setattr(config, "VAR_DIR", tmp_path)
    first = config.secret_key_from_env(production=False)
    assert len(first) >= 50
    assert config.secret_key_from_env(production=False) == first

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


PRODUCTION = {"POLKU_ENV": "production", "SECRET_KEY": "k" * 20 + "-production-secret-for-the-deploy-check-0123456789",
              "ALLOWED_HOSTS": "polku.example.fi", "DATABASE_URL": "postgres://polku@127.0.0.1:5432/polku"}


def test_production_profile_passes_the_deploy_check():
    result = run_polku("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION, POLKU_TRUSTED_PROXIES="1")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_check_asks_production_how_many_proxies_stand_in_front_of_it():
    environment = {k: v for k, v in PRODUCTION.items()}
    result = run_polku("check", "--deploy", "--fail-level", "WARNING", **environment)
    assert result.returncode != 0
    assert "polku.W001" in result.stderr and "POLKU_TRUSTED_PROXIES" in result.stderr
    # Zero is an answer: clients connect to Polku directly.
    assert run_polku("check", "--deploy", "--fail-level", "WARNING", **environment,
                     POLKU_TRUSTED_PROXIES="0").returncode == 0


def test_production_without_a_database_url_is_refused_in_one_line():
    result = run_polku("check", **(PRODUCTION | {"DATABASE_URL": ""}))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "polku: configuration error: DATABASE_URL must be set when POLKU_ENV=production "
        "(postgres://user@host:port/name)"]


SWITCH = "must be 1 or 0 (also true/false, yes/no, on/off)"


@pytest.mark.parametrize(("name", "value", "message"), [
    ("POLKU_SESSION_IDLE_MINUTES", "abc", "must be a whole number"),
    ("POLKU_SESSION_IDLE_MINUTES", "0", "must be a whole number from 1 to 1440"),
    ("POLKU_SESSION_ABSOLUTE_HOURS", "inf", "must be a number from 0.25 to 168"),
    ("POLKU_SESSION_ABSOLUTE_HOURS", "nan", "must be a number from 0.25 to 168"),
    ("POLKU_REAUTH_MINUTES", "1.5", "must be a whole number"),
    ("POLKU_TRUSTED_PROXIES", "-1", "must be a whole number from 0 to 5"),
    ("SECURE_SSL_REDIRECT", "ture", SWITCH),
    ("POLKU_REQUIRE_TWO_FACTOR", "maybe", SWITCH),
])
def test_a_malformed_number_or_switch_is_refused_in_one_line_naming_the_variable(name, value, message):
    result = run_polku("check", **(PRODUCTION | {"POLKU_TRUSTED_PROXIES": "1", name: value}))
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.strip().splitlines() == [f"polku: configuration error: {name} {message}, got {value!r}"]


@pytest.mark.parametrize(("value", "expected"), [("true", True), ("On", True), ("1", True), ("no", False),
                                                 ("0", False), ("", True), (None, True)])
def test_switches_take_the_usual_words_and_an_empty_value_means_the_default(monkeypatch, value, expected):
    # Before, SECURE_SSL_REDIRECT=true (not "1") turned the redirect off, and an empty value crashed.
    if value is None:
        monkeypatch.delenv("SECURE_SSL_REDIRECT", raising=False)
    else:
        monkeypatch.setenv("SECURE_SSL_REDIRECT", value)
    assert config.flag_from_env("SECURE_SSL_REDIRECT", True) is expected


def test_an_empty_number_means_the_default(monkeypatch):
    monkeypatch.setenv("POLKU_SESSION_IDLE_MINUTES", " ")
    assert config.number_from_env("POLKU_SESSION_IDLE_MINUTES", 30, minimum=1) == 30


def test_production_without_a_secret_key_is_refused_in_one_line():
    result = run_polku("check", **(PRODUCTION | {"SECRET_KEY": ""}))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "polku: configuration error: SECRET_KEY must be set when POLKU_ENV=production"]


def test_demo_secret_key_is_generated_once_and_kept(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setattr(config, "VAR_DIR", tmp_path)
    first = config.secret_key_from_env(production=False)
    assert len(first) >= 50
    assert config.secret_key_from_env(production=False) == first

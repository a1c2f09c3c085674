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
              "ALLOWED_HOSTS": "polku.example.fi", "DATABASE_URL": "postgres://polku@127.0.0.1:5432/polku",
              "POLKU_VAR_DIR": "/var/lib/polku"}


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
    ("POLKU_API_RATE_LIMIT", "0", "must be a whole number from 1 to 1e+06"),
    ("POLKU_API_RATE_WINDOW_SECONDS", "86401", "must be a whole number from 1 to 86400"),
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


@pytest.mark.parametrize(("value", "message"), [
    ("", "POLKU_VAR_DIR must be set when POLKU_ENV=production (an absolute path such as /var/lib/polku)"),
    ("var", "POLKU_VAR_DIR must be an absolute path, got 'var'"),
])
def test_production_names_its_data_folder_with_an_absolute_path(value, message):
    # The default is derived from where the code is: after a normal install, inside the Python environment.
    result = run_polku("check", **(PRODUCTION | {"POLKU_VAR_DIR": value}))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"polku: configuration error: {message}"]


def test_an_empty_var_dir_outside_production_means_the_default():
    result = run_polku("shell", "-c", "from polku import config; print(config.VAR_DIR)", POLKU_VAR_DIR=" ")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == str(config.PROJECT_ROOT / "var")  # after shell's own line


@pytest.mark.parametrize(("value", "message"), [
    ("client_record", "must be a list of name=number pairs separated by commas, got 'client_record'"),
    ("=5", "must be a list of name=number pairs separated by commas, got '=5'"),
    ("client_record=12,", "must be a list of name=number pairs separated by commas, got ''"),
    ("client_record=ten", "client_record must be a whole number, got 'ten'"),
    ("outbox_message=0", "outbox_message must be from 1 to 100, got '0'"),
    ("access_log=12,access_log=13", "names 'access_log' twice"),
])
def test_a_malformed_retention_override_is_refused_naming_the_variable(monkeypatch, value, message):
    monkeypatch.setenv("POLKU_RETENTION_YEARS", value)
    with pytest.raises(config.ConfigError) as refused:
        config.mapping_from_env("POLKU_RETENTION_YEARS", minimum=1, maximum=100)
    assert str(refused.value).startswith("POLKU_RETENTION_YEARS")
    assert str(refused.value).endswith(message)


def test_retention_overrides_from_the_environment_reach_the_retention_rules():
    result = run_polku("shell", "-c", "from polku.lifecycle.policy import RULES_BY_TYPE as r; "
                       "print(r['client_record'].years, r['outbox_message'].years, r['access_log'].years)",
                       POLKU_RETENTION_YEARS=" client_record = 20, outbox_message=2")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "20 2 12"  # access_log keeps its default


def test_a_retention_override_for_an_unknown_record_type_stops_the_commands():
    # A misspelt name would otherwise leave the default period in force while the controller believes it changed.
    result = run_polku("retention", "show", "1", POLKU_RETENTION_YEARS="client_records=10")
    assert result.returncode != 0
    assert "polku.E001" in result.stderr and "client_records" in result.stderr
    assert "Known record types: client_record, access_log" in result.stderr


EMAIL_PRODUCTION = PRODUCTION | {"POLKU_TRUSTED_PROXIES": "1", "POLKU_OUTBOX_BACKEND": "email",
                                 "DEFAULT_FROM_EMAIL": "polku@hyvinvointialue.example"}


@pytest.mark.parametrize(("changes", "message"), [
    ({"POLKU_OUTBOX_BACKEND": "sms"}, "POLKU_OUTBOX_BACKEND must be one of file, email, got 'sms'"),
    ({"DEFAULT_FROM_EMAIL": ""}, "DEFAULT_FROM_EMAIL must be set when POLKU_OUTBOX_BACKEND=email in production "
                                 "(the sender address recipients see)"),
    ({"EMAIL_USE_TLS": "1", "EMAIL_USE_SSL": "1"},
     "EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on (STARTTLS or TLS from the start)"),
    ({"EMAIL_PORT": "70000"}, "EMAIL_PORT must be a whole number from 1 to 65535, got '70000'"),
])
def test_malformed_mail_settings_are_refused_in_one_line(changes, message):
    result = run_polku("check", **(EMAIL_PRODUCTION | changes))
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.strip().splitlines() == [f"polku: configuration error: {message}"]


@pytest.mark.parametrize(("changes", "warned"), [
    ({"EMAIL_HOST": "smtp.hyvinvointialue.example"}, True),
    ({"EMAIL_HOST": "smtp.hyvinvointialue.example", "EMAIL_USE_TLS": "yes", "EMAIL_PORT": "587"}, False),
    ({"EMAIL_HOST": "smtp.hyvinvointialue.example", "EMAIL_USE_SSL": "1", "EMAIL_PORT": "465"}, False),
    ({"EMAIL_HOST": "127.0.0.1"}, False),  # a relay on the same machine decides for itself
    ({"EMAIL_HOST": "smtp.hyvinvointialue.example", "POLKU_OUTBOX_BACKEND": "file"}, False),
])
def test_the_deploy_check_warns_when_mail_leaves_the_machine_unencrypted(changes, warned):
    result = run_polku("check", "--deploy", "--fail-level", "WARNING", **(EMAIL_PRODUCTION | changes))
    assert ("polku.W002" in result.stderr) is warned, result.stderr
    assert (result.returncode != 0) is warned, result.stdout + result.stderr


@pytest.mark.parametrize(("backend", "expected"), [("file", "FileBackend True"), ("email", "EmailBackend False")])
def test_sending_after_commit_is_on_for_files_and_left_to_the_timer_for_email(backend, expected):
    result = run_polku("shell", "-c", "from django.conf import settings as s; "
                       "print(s.POLKU_OUTBOX_BACKEND.rsplit('.', 1)[1], s.POLKU_OUTBOX_DELIVER_ON_COMMIT)",
                       POLKU_OUTBOX_BACKEND=backend)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == expected

"""The example deployment files under deploy/ (deploy/README.md) are valid and agree with each other.

Each check can fail: gunicorn loads the configuration and the application; every `polku` command in a unit
exists and its arguments parse; systemd's own parser accepts the units and calendar expressions; the
environment file holds what the production profile requires; nginx proxies to gunicorn's address. The
helpers that decide are tested on wrong input too, so that a check that could never fail would show.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.core.management import get_commands, load_command_class
from django.core.management.base import BaseCommand, CommandError

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
UNITS = DEPLOY / "systemd"
GUNICORN_CONF = DEPLOY / "gunicorn.conf.py"
ENV_EXAMPLE = DEPLOY / "polku.env.example"
BACKUP_ENV_EXAMPLE = DEPLOY / "backup.env.example"
NGINX_CONF = DEPLOY / "nginx" / "polku.conf"
VENV_BIN = Path(sys.executable).parent

# The path conventions of deploy/README.md.
POLKU = "/opt/polku/venv/bin/polku"
GUNICORN = "/opt/polku/venv/bin/gunicorn"
INSTALLED_GUNICORN_CONF = "/etc/polku/gunicorn.conf.py"
ENV_FILE = "/etc/polku/polku.env"
BACKUP_ENV_FILE = "/etc/polku/backup.env"

# docs/deployment.md, section 5: every periodic job has a unit, the webhook loop included. `retention apply`
# is left out on purpose: it needs a run a data controller approved, by number (deploy/README.md).
JOB_COMMANDS = {"check_path_breaks", "send_reminders", "check_consultations", "run_scheduled_reports",
                "deliver_webhooks", "send_outbox", "retention", "clearsessions", "backup"}

# What the production profile refuses to start without (src/polku/config.py, src/polku/settings.py).
PRODUCTION_REQUIRES = ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "POLKU_VAR_DIR", "POLKU_TRUSTED_PROXIES")

BLOCK_START = "# --- the same block in every Polku unit"
BLOCK_END = "# --- end of the shared block ---"


def systemd_analyze() -> str:
    tool = shutil.which("systemd-analyze")
    if tool is None:
        pytest.skip("systemd-analyze is not installed (Debian package: systemd); the unit files were not checked")
    return tool


# --- reading the files -------------------------------------------------------------------------------------

def read_unit(path: Path) -> dict[str, list[tuple[str, str]]]:
    """Sections of a unit file as (key, value) pairs in order; keys may repeat, as in systemd."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current = None
    logical = re.sub(r"\\\n", " ", path.read_text(encoding="utf-8"))  # continuation lines
    for number, raw in enumerate(logical.splitlines(), 1):
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
            continue
        key, sep, value = line.partition("=")
        assert sep and current is not None, f"{path.name}:{number}: not a setting: {raw!r}"
        current.append((key.strip(), value.strip()))
    return sections


def values(unit: dict, section: str, key: str) -> list[str]:
    return [value for name, value in unit.get(section, []) if name == key]


def unit_files(suffix: str) -> list[Path]:
    found = sorted(UNITS.glob(f"*{suffix}"))
    assert found, f"no {suffix} files in {UNITS}"
    return found


def read_env_file(path: Path) -> dict[str, str]:
    """NAME=value lines as systemd's EnvironmentFile= reads them (comments only on lines of their own)."""
    variables = {}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        name, sep, value = line.partition("=")
        assert sep and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name), f"{path.name}:{number}: not NAME=value"
        # systemd keeps a `#` after a value as part of it: a comment there would silently change the value.
        assert " #" not in value, f"{path.name}:{number}: a comment after the value becomes part of it"
        variables[name] = value
    return variables


def mentioned_env_names(path: Path) -> set[str]:
    """Variables set in the file, or shown commented out (`#NAME=value`), or named in a comment."""
    text = path.read_text(encoding="utf-8")
    return set(re.findall(r"^#?([A-Za-z_][A-Za-z0-9_]*)=", text, re.MULTILINE)) | set(
        re.findall(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9*]+)+\b|\b(?:DEBUG|PATH)\b", text))


def exec_argv(exec_start: str) -> list[str]:
    """The argv systemd runs for an ExecStart= value: prefixes dropped, %% and $$ unescaped, quotes split.

    Any other `%` would be a systemd specifier, expanded (or refused) before the command sees it."""
    value = exec_start.lstrip("-@:+!")
    unescaped = value.replace("%%", "")
    assert "%" not in unescaped, f"unescaped systemd specifier in {exec_start!r} (write %% for a literal %)"
    return shlex.split(value.replace("%%", "%").replace("$$", "$"))


def polku_argv(exec_start: str) -> list[str] | None:
    """The arguments `polku` gets from an ExecStart= value, or None when it does not run polku.

    A `/bin/sh -c SCRIPT` is run for real with polku replaced by a program that prints its arguments, so
    the shell's expansions (the backup's date) are what the test sees."""
    argv = exec_argv(exec_start)
    if argv[0] == POLKU:
        return argv[1:]
    if argv[0] in ("/bin/sh", "/usr/bin/sh") and argv[1] == "-c":
        script = argv[2]
        if POLKU not in script:
            return None
        printer = f"{shlex.quote(sys.executable)} -c 'import json, sys; print(json.dumps(sys.argv[1:]))'"
        result = subprocess.run(["/bin/sh", "-c", script.replace(POLKU, printer)], capture_output=True, text=True,
                                check=True, timeout=30)
        return json.loads(result.stdout)
    return None


def check_polku_argv(argv: list[str]):
    """Fails unless argv[0] is a management command and its parser accepts the rest, as `polku` would."""
    assert argv, "polku without a command"
    name, args = argv[0], argv[1:]
    commands = get_commands()
    assert name in commands, f"`polku {name}`: no such management command"
    app = commands[name]
    command = app if isinstance(app, BaseCommand) else load_command_class(app, name)
    # Outside the command line, Django's parser raises CommandError instead of exiting.
    return command.create_parser("polku", name).parse_args(args)


def all_exec_starts() -> list[tuple[str, str]]:
    return [(path.name, value) for path in unit_files(".service")
            for value in values(read_unit(path), "Service", "ExecStart")]


def load_gunicorn_conf(**environ: str) -> dict:
    """The settings gunicorn takes from the file: it executes it as Python and reads the module's names."""
    from gunicorn.config import Config

    env = {"PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1", **environ}
    code = ("import json, runpy, sys\n"
            "names = runpy.run_path(sys.argv[1])\n"
            "print(json.dumps({k: v for k, v in names.items() if isinstance(v, (bool, int, float, str, type(None)))}))")
    result = subprocess.run([sys.executable, "-c", code, str(GUNICORN_CONF)], env=env, capture_output=True,
                            text=True, check=True, timeout=60)
    settings = json.loads(result.stdout)
    known = set(Config().settings)
    return {name: value for name, value in settings.items() if name in known}


# --- the helpers refuse what they should ------------------------------------------------------------------

def test_the_argument_check_refuses_unknown_commands_and_bad_arguments():
    with pytest.raises(AssertionError, match="no such management command"):
        check_polku_argv(["send_reminder"])
    for argv in (["retention", "plan", "--bogus"], ["retention", "approve", "1"], ["retention"],
                 ["deliver_webhooks", "--loop", "soon"], ["backup", "a", "b"], ["send_reminders", "--day", "x"]):
        with pytest.raises(CommandError):
            check_polku_argv(argv)
    assert check_polku_argv(["retention", "plan"]).action == "plan"


def test_exec_lines_are_read_as_systemd_and_the_shell_would():
    assert exec_argv("-/opt/x 'a b' %%F $$HOME") == ["/opt/x", "a b", "%F", "$HOME"]
    with pytest.raises(AssertionError, match="specifier"):
        exec_argv("/bin/sh -c 'date +%F'")
    # The real shell runs: an unquoted substitution is split into words, as polku would receive them.
    assert polku_argv(f"/bin/sh -c 'exec {POLKU} backup /b/p-$(echo 1 2).x'") == ["backup", "/b/p-1", "2.x"]
    assert polku_argv(f"/bin/sh -c 'exec {POLKU} backup \"/b/p-$(echo 1 2).x\"'") == ["backup", "/b/p-1 2.x"]
    assert polku_argv("/opt/polku/venv/bin/gunicorn --config x app") is None


def test_the_env_file_reader_refuses_a_comment_after_a_value(tmp_path):
    path = tmp_path / "polku.env"
    path.write_text("POLKU_TRUSTED_PROXIES=1 # one proxy\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="comment after the value"):
        read_env_file(path)


# --- gunicorn ---------------------------------------------------------------------------------------------

def test_gunicorn_accepts_the_configuration_and_loads_the_application(tmp_path):
    """--check-config reads the file and imports polku.wsgi:application, as a worker would."""
    env = {"PATH": f"{VENV_BIN}:/usr/bin:/bin", "POLKU_ENV": "test", "HOME": str(tmp_path),
           "PYTHONDONTWRITEBYTECODE": "1"}
    env.update({name: os.environ[name] for name in ("DATABASE_URL", "POLKU_VAR_DIR") if name in os.environ})
    result = subprocess.run([str(VENV_BIN / "gunicorn"), "--check-config", "--config", str(GUNICORN_CONF),
                             "polku.wsgi:application"], env=env, cwd=ROOT, capture_output=True, text=True,
                            timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr


def test_gunicorn_settings_are_the_documented_ones():
    settings = load_gunicorn_conf()
    assert settings["bind"] == "127.0.0.1:8000"
    assert settings["workers"] >= 2
    assert settings["timeout"] == 30
    assert settings["graceful_timeout"] == 5
    assert settings["loglevel"] == "warning"
    assert settings["accesslog"] is None  # URLs carry client ids
    assert settings["preload_app"] is False  # wsgi.py freezes the objects in each worker
    assert settings["max_requests"] > 0 and 0 < settings["max_requests_jitter"] < settings["max_requests"]
    assert settings["control_socket_disable"] is True
    assert "forwarded_allow_ips" not in settings  # Polku reads X-Forwarded-For itself (POLKU_TRUSTED_PROXIES)


def test_gunicorn_settings_are_what_gunicorn_uses():
    """gunicorn's own Config, given the file, ends up with the same values (no setting name is misspelt)."""
    from gunicorn.config import Config

    config = Config()
    for name, value in load_gunicorn_conf().items():
        config.set(name, value)
    assert config.timeout == 30 and config.graceful_timeout == 5
    assert config.accesslog is None and config.preload_app is False
    assert config.address == [("127.0.0.1", 8000)]
    names = {node.targets[0].id for node in ast.parse(GUNICORN_CONF.read_text(encoding="utf-8")).body
             if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)}
    assert names <= set(Config().settings), f"not gunicorn settings: {sorted(names - set(Config().settings))}"


def test_gunicorn_bind_follows_the_environment():
    assert load_gunicorn_conf(GUNICORN_BIND="unix:/run/polku/gunicorn.sock")["bind"] == \
        "unix:/run/polku/gunicorn.sock"


# --- systemd units ----------------------------------------------------------------------------------------

def test_every_polku_command_in_the_units_exists_and_its_arguments_parse():
    found = {}
    for unit, exec_start in all_exec_starts():
        argv = polku_argv(exec_start)
        if argv is None:
            continue
        try:
            check_polku_argv(argv)
        except CommandError as error:
            pytest.fail(f"{unit}: `polku {shlex.join(argv)}`: {error}")
        found[unit] = argv
    assert {argv[0] for argv in found.values()} == JOB_COMMANDS
    assert found["polku-retention-plan.service"] == ["retention", "plan"]
    assert found["polku-webhooks.service"] == ["deliver_webhooks", "--loop", "15"]
    assert found["polku-outbox.service"] == ["send_outbox", "--loop", "30"]
    # The shell wrote today's date into the name (%%F in the unit is date's %F).
    backup = found["polku-backup.service"]
    assert backup[0] == "backup" and len(backup) == 2
    match = re.fullmatch(r"/var/backups/polku/polku-(\d{4}-\d{2}-\d{2})\.backup", backup[1])
    assert match, backup[1]
    date.fromisoformat(match.group(1))


def test_units_run_the_installed_programs():
    for unit, exec_start in all_exec_starts():
        argv = exec_argv(exec_start)
        assert argv[0] in (POLKU, GUNICORN) or (argv[0] == "/bin/sh" and POLKU in argv[2]), f"{unit}: {argv[0]}"
    gunicorn = [exec_argv(value) for unit, value in all_exec_starts() if exec_argv(value)[0] == GUNICORN]
    assert gunicorn == [[GUNICORN, "--config", INSTALLED_GUNICORN_CONF, "polku.wsgi:application"]]


def test_every_service_runs_as_polku_with_the_environment_and_the_shared_hardening():
    reference = (UNITS / "polku.service").read_text(encoding="utf-8")
    block = reference[reference.index(BLOCK_START):reference.index(BLOCK_END)]
    assert "ProtectSystem=strict" in block and "NoNewPrivileges=yes" in block and "StateDirectory=polku" in block
    for path in unit_files(".service"):
        text = path.read_text(encoding="utf-8")
        assert block in text, f"{path.name}: the shared hardening block differs from polku.service's"
        unit = read_unit(path)
        assert values(unit, "Service", "User") == ["polku"], path.name
        assert values(unit, "Service", "Group") == ["polku"], path.name
        assert values(unit, "Service", "WorkingDirectory") == ["/opt/polku"], path.name
        env_files = values(unit, "Service", "EnvironmentFile")
        assert env_files[0] == ENV_FILE, path.name
        # The backup key is kept apart: only the backup job reads its file.
        assert (BACKUP_ENV_FILE in env_files) == (path.name == "polku-backup.service"), path.name


def test_long_running_services_are_enabled_and_restart():
    timers = {path.stem for path in unit_files(".timer")}
    services = [path for path in unit_files(".service") if path.stem not in timers]
    assert sorted(path.name for path in services) == ["polku-outbox.service", "polku-webhooks.service",
                                                      "polku.service"]
    for path in services:
        unit = read_unit(path)
        assert values(unit, "Install", "WantedBy") == ["multi-user.target"], path.name
        assert values(unit, "Service", "Restart") == ["on-failure"], path.name
        assert values(unit, "Service", "Type") != ["oneshot"], path.name


def test_every_timer_starts_a_oneshot_service_of_its_own():
    for path in unit_files(".timer"):
        timer = read_unit(path)
        target = (values(timer, "Timer", "Unit") or [f"{path.stem}.service"])[0]
        service_path = UNITS / target
        assert service_path.exists(), f"{path.name} starts {target}, which is not in {UNITS}"
        service = read_unit(service_path)
        assert values(service, "Service", "Type") == ["oneshot"], target
        assert "Install" not in service, f"{target}: enable the timer, not the job"
        assert values(service, "Service", "TimeoutStartSec"), f"{target}: a hung run would block the timer"
        assert values(timer, "Install", "WantedBy") == ["timers.target"], path.name
        assert values(timer, "Timer", "OnCalendar"), path.name


def test_every_calendar_expression_is_valid():
    tool = systemd_analyze()
    expressions = [(path.name, value) for path in unit_files(".timer")
                   for value in values(read_unit(path), "Timer", "OnCalendar")]
    assert len(expressions) == len(unit_files(".timer"))
    for unit, expression in expressions:
        result = subprocess.run([tool, "calendar", expression], capture_output=True, text=True, timeout=30)
        assert result.returncode == 0, f"{unit}: OnCalendar={expression}: {result.stderr.strip()}"
    # ... and the check refuses a wrong one.
    assert subprocess.run([tool, "calendar", "*-*-* 25:00"], capture_output=True, timeout=30).returncode != 0


def test_systemd_accepts_the_units(tmp_path):
    """systemd-analyze verify parses every setting. Here /opt/polku is not installed, so the one complaint
    allowed is that its programs are missing; an unknown key, a bad value or specifier fails."""
    tool = systemd_analyze()
    files = [str(path) for path in unit_files(".service") + unit_files(".timer")]
    result = subprocess.run([tool, "verify", "--man=no", *files], capture_output=True, text=True, timeout=120,
                            cwd=tmp_path)
    missing_program = re.compile(r"^[\w@.-]+\.service: Command /opt/polku/venv/bin/(polku|gunicorn) is not "
                                 r"executable: No such file or directory$")
    problems = [line for line in (result.stdout + result.stderr).splitlines()
                if line.strip() and not missing_program.match(line)]
    assert not problems, "\n".join(problems)
    if result.returncode != 0:
        assert not Path(POLKU).exists(), result.stderr


def test_systemd_verify_reports_a_broken_unit(tmp_path):
    tool = systemd_analyze()
    broken = tmp_path / "polku-broken.service"
    broken.write_text((UNITS / "polku-send-reminders.service").read_text(encoding="utf-8")
                      .replace("PrivateTmp=yes", "PrivateTmp=maybe"), encoding="utf-8")
    result = subprocess.run([tool, "verify", "--man=no", str(broken)], capture_output=True, text=True, timeout=60)
    assert "Failed to parse boolean value" in result.stderr


def test_systemd_rates_the_hardening():
    """systemd's own exposure score (0 safest, 10 unprotected), offline; 1.7 when this was written. The
    threshold is given in tenths: 20 fails a unit above 2.0."""
    tool = systemd_analyze()
    for path in unit_files(".service"):
        result = subprocess.run([tool, "security", "--offline=yes", "--threshold=20", "--no-pager", str(path)],
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, f"{path.name}: {result.stdout[-300:]}{result.stderr}"


# --- environment file -------------------------------------------------------------------------------------

def test_the_env_example_sets_what_production_requires():
    variables = read_env_file(ENV_EXAMPLE)
    assert variables["POLKU_ENV"] == "production"
    for name in PRODUCTION_REQUIRES:
        assert name in variables, f"{name} is not set in {ENV_EXAMPLE.name}"
    assert variables["POLKU_TRUSTED_PROXIES"] == "1"  # one nginx that replaces X-Forwarded-For
    assert variables["POLKU_VAR_DIR"] == "/var/lib/polku"
    # No secrets in the repository: the key is left for the operator, and the backup key is elsewhere.
    assert variables["SECRET_KEY"] == ""
    assert "POLKU_BACKUP_KEY" not in variables
    assert read_env_file(BACKUP_ENV_EXAMPLE) == {"POLKU_BACKUP_KEY": ""}


def _start_production(tmp_path, variables: dict[str, str]) -> subprocess.CompletedProcess:
    code = ("import json, django\n"
            "django.setup()\n"
            "from django.conf import settings as s\n"
            "print(json.dumps({'debug': s.DEBUG, 'hosts': s.ALLOWED_HOSTS, 'proxies': s.POLKU_TRUSTED_PROXIES,"
            " 'ssl_header': s.SECURE_PROXY_SSL_HEADER, 'redirect': s.SECURE_SSL_REDIRECT,"
            " 'engine': s.DATABASES['default']['ENGINE'], 'static': str(s.STATIC_ROOT)}))")
    # DJANGO_SETTINGS_MODULE: the default that polku.cli and polku.wsgi set.
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONDONTWRITEBYTECODE": "1",
           "DJANGO_SETTINGS_MODULE": "polku.settings", **variables}
    return subprocess.run([sys.executable, "-c", code], env=env, cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)


def test_the_filled_in_env_example_starts_the_production_profile(tmp_path):
    """With its one blank filled in, the file is all production needs: no other variable is required."""
    variables = read_env_file(ENV_EXAMPLE)
    blank = [name for name, value in variables.items() if not value]
    assert blank == ["SECRET_KEY"]
    result = _start_production(tmp_path, {**variables, "SECRET_KEY": "k" * 64})
    assert result.returncode == 0, result.stderr[-2000:]
    started = json.loads(result.stdout.splitlines()[-1])
    assert started == {"debug": False, "hosts": ["polku.example.fi"], "proxies": 1,
                       "ssl_header": ["HTTP_X_FORWARDED_PROTO", "https"], "redirect": True,
                       "engine": "django.db.backends.postgresql", "static": "/var/lib/polku/static"}


def test_the_unfilled_env_example_refuses_to_start(tmp_path):
    result = _start_production(tmp_path, read_env_file(ENV_EXAMPLE))
    assert result.returncode != 0
    assert "SECRET_KEY must be set when POLKU_ENV=production" in result.stderr


def _documented_variables() -> set[str]:
    """The variables in the tables of docs/deployment.md, section 2 (first column)."""
    text = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
    section = text[text.index("## 2. Environment variables"):]
    section = section[:section.index("\n## ", 1)]
    names = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            names |= set(re.findall(r"`([A-Za-z_][A-Za-z0-9_]*\*?)`", line.split("|")[1]))
    return names


def test_the_env_examples_mention_every_documented_variable():
    names = _documented_variables()
    assert {"POLKU_ENV", "SECRET_KEY", "POLKU_TRUSTED_PROXIES", "POLKU_BACKUP_KEY"} <= names
    mentioned = mentioned_env_names(ENV_EXAMPLE) | mentioned_env_names(BACKUP_ENV_EXAMPLE)
    for name in names:
        if name.endswith("*"):
            assert any(other.startswith(name[:-1]) for other in mentioned), name
        else:
            assert name in mentioned, f"{name} (docs/deployment.md, section 2) is not in the env examples"


def test_every_variable_in_the_env_examples_is_read_somewhere(monkeypatch):
    """A misspelt name would be ignored without a word: each one must be read by Polku, by gunicorn's config or,
    for the proxy variables, by Python's urllib (which the webhook deliveries use)."""
    import urllib.request

    sources = "\n".join(path.read_text(encoding="utf-8") for path in (ROOT / "src" / "polku").rglob("*.py"))
    sources += GUNICORN_CONF.read_text(encoding="utf-8")
    for path in (ENV_EXAMPLE, BACKUP_ENV_EXAMPLE):
        names = re.findall(r"^#?([A-Za-z_][A-Za-z0-9_]*)=", path.read_text(encoding="utf-8"), re.MULTILINE)
        assert names, path.name
        for name in names:
            if name.endswith("_proxy"):
                monkeypatch.setenv(name, "http://proxy.invalid:3128")
                assert urllib.request.getproxies().get(name.removesuffix("_proxy")) == "http://proxy.invalid:3128"
                continue
            assert f'"{name}"' in sources or f"'{name}'" in sources, f"{path.name}: nothing reads {name}"


# --- nginx ------------------------------------------------------------------------------------------------

def nginx_directives(text: str) -> list[tuple[str, str]]:
    """(name, arguments) of every statement, comments removed; block openings (`server`, `location /`) too.
    Enough for this one file: no `#`, `;` or braces inside quoted arguments."""
    text = re.sub(r"#[^\n]*", "", text)
    return [(words[0], " ".join(words[1:])) for words in (chunk.split() for chunk in re.split(r"[;{}]", text))
            if words]


def test_nginx_proxies_to_gunicorn_with_the_headers_polku_trusts():
    directives = nginx_directives(NGINX_CONF.read_text(encoding="utf-8"))
    assert ("proxy_pass", f"http://{load_gunicorn_conf()['bind']}") in directives
    headers = {args.split(" ", 1)[0].lower(): args.split(" ", 1)[1] for name, args in directives
               if name == "proxy_set_header"}
    assert headers["x-forwarded-proto"] == "https"  # set, not passed on from the client
    assert headers["x-forwarded-for"] == "$remote_addr"  # replaced: POLKU_TRUSTED_PROXIES=1
    assert headers["host"] == "$host"
    assert ("client_max_body_size", "30m") in directives
    assert ("return", "301 https://polku.example.fi$request_uri") in directives
    # No request paths in nginx's log either.
    log_formats = [args for name, args in directives if name == "log_format"]
    assert log_formats and all("$request" not in args.replace("$request_method", "").replace("$request_time", "")
                               and "$uri" not in args for args in log_formats)
    assert all(args.split()[-1] == "polku_no_path" for name, args in directives if name == "access_log")
    assert read_env_file(ENV_EXAMPLE)["ALLOWED_HOSTS"] in {args for name, args in directives if name == "server_name"}


def test_the_nginx_reader_sees_a_missing_header():
    text = NGINX_CONF.read_text(encoding="utf-8").replace("proxy_set_header X-Forwarded-Proto https;", "")
    assert "x-forwarded-proto" not in {args.split(" ", 1)[0].lower() for name, args in nginx_directives(text)
                                       if name == "proxy_set_header"}


# --- the README -------------------------------------------------------------------------------------------

def test_the_readme_names_every_file_path_and_timer():
    readme = (DEPLOY / "README.md").read_text(encoding="utf-8")
    for path in sorted(DEPLOY.rglob("*")):
        if path.is_file() and path.name != "README.md" and "__pycache__" not in path.parts:
            relative = path.relative_to(DEPLOY).as_posix()
            assert relative in readme or (path.parent == UNITS and path.stem.startswith("polku-")
                                          and path.stem in readme), f"deploy/README.md does not mention {relative}"
    for path in unit_files(".service"):
        unit = read_unit(path)
        for key in ("EnvironmentFile", "WorkingDirectory", "ReadWritePaths"):
            for value in values(unit, "Service", key):
                assert value in readme, f"{path.name}: {key}={value} is not in deploy/README.md"
    for path in unit_files(".timer"):
        assert f"{path.name}" in readme or f"`{path.stem}`" in readme, path.name
    assert INSTALLED_GUNICORN_CONF in readme and POLKU in readme and GUNICORN in readme

"""The served application's start (polku/wsgi.py): startup objects frozen for the garbage collector, and a
malformed setting stops the server with one line."""

import json
import os
import subprocess
import sys
from pathlib import Path

# A fresh interpreter, as a server's worker starts: the test process has long since imported everything.
START = """
import gc, json, sys
import polku.wsgi
from django.test import Client
response = Client(HTTP_HOST="localhost").get("/kirjaudu/")
print(json.dumps({"frozen": gc.get_freeze_count(), "status": response.status_code,
                  "views_loaded": "polku.casework.views.clients" in sys.modules}))
"""


def test_the_served_application_starts_with_its_view_modules_loaded_and_frozen_and_still_answers():
    result = subprocess.run([sys.executable, "-c", START], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    started = json.loads(result.stdout.strip().splitlines()[-1])
    # Without the freeze the permanent generation is empty; with it, it holds the modules, classes and URL
    # patterns (about 200 000 objects today; a tenth of that is already far more than an empty interpreter's).
    assert started["frozen"] > 20_000
    assert started["views_loaded"]
    assert started["status"] == 200


def start_gunicorn(tmp_path, *options: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL")}
    environment |= {"POLKU_SESSION_IDLE_MINUTES": "abc", "POLKU_VAR_DIR": str(tmp_path)}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    return subprocess.run([str(gunicorn), *options, "polku.wsgi:application", "--workers", "2",
                           "--bind", "127.0.0.1:0", "--log-level", "warning"], capture_output=True, text=True,
                          timeout=120, env=environment, check=False)


MALFORMED = "polku: configuration error: POLKU_SESSION_IDLE_MINUTES must be a whole number, got 'abc'"


def test_with_the_example_configuration_gunicorn_stops_before_listening_with_one_line(tmp_path):
    result = start_gunicorn(tmp_path, "--config", str(Path(__file__).parents[2] / "deploy" / "gunicorn.conf.py"))
    # 4: gunicorn's "App failed to load", which deploy/systemd/polku.service does not restart.
    assert result.returncode == 4, result.stderr
    assert result.stderr.splitlines() == [MALFORMED]


def test_without_it_each_worker_names_the_setting_and_gunicorn_stops(tmp_path):
    # Every worker fails with the line (polku/wsgi.py) and gunicorn halts instead of restarting them. Whether
    # its shutdown then also prints a traceback and exits 1 instead of 4 depends on how the two workers' exits
    # interleave (gunicorn's halt reaps the second one with the same error); the example configuration's
    # on_starting hook avoids that race.
    result = start_gunicorn(tmp_path)
    assert result.returncode in (1, 4), result.stderr
    assert MALFORMED in result.stderr.splitlines()
    assert "App failed to load." in result.stderr

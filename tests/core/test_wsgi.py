"""The served application's start: startup objects frozen for the garbage collector (polku/wsgi.py)."""

import json
import subprocess
import sys

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

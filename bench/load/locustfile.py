"""The load scenario: professionals doing a realistic mix of client work, each logged in as a different
simulated worker (so every request goes through the access core with that worker's care relationships).

Weights (per user, 1–3 s of thinking time unless POLKU_LOAD_THINK=0): my clients 4, a client page 4, directory search 2,
record a meeting 1, book an interpreter 1. `POLKU_LOAD_MODE=ceiling` measures the bare Django view instead,
`POLKU_LOAD_MODE=ceiling-logged-in` the same bare view for users logged in as in the scenario.
Forms are filled from the page itself (its hidden fields, defaults and choices), as a browser would.

Each user logs in once (a real login: password hash, session), then waits until all have; the statistics are
reset at that moment, so the figures are the steady state of logged-in professionals — a login costs a
deliberately slow password hash and happens once a working day, not once per page.

The users are locust's FastHttpUser (geventhttpclient): the load generator shares the server's two cores, and
the requests-based HttpUser cost it several times the CPU per request (locust's documentation says so, and
the ceiling run showed it: locust near a full core). No step follows a redirect: a GET must answer 200
itself, so a user who is not logged in fails at once instead of being measured on the login page.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from datetime import date, timedelta
from urllib.parse import urlencode

import gevent.event
from locust import between, constant, task
from locust.contrib.fasthttp import FastHttpUser

from bench.load.forms import SEARCH_WORDS, booking_data, form_data, meeting_data

INFO = json.loads(open(os.environ["POLKU_LOAD_INFO"], encoding="utf-8").read())  # noqa: SIM115
WORKERS = itertools.cycle(INFO["workers"])
CLIENT_LINK = re.compile(r'href="/asiakastyo/(\d+)/"')
USERS = int(os.environ.get("POLKU_LOAD_USERS", "50"))
MODE = os.environ.get("POLKU_LOAD_MODE", "scenario")
CEILING_PATHS = {"ceiling": "/_bench/ceiling/", "ceiling-logged-in": "/_bench/ceiling-logged-in/"}
_logged_in = 0
ALL_LOGGED_IN = gevent.event.Event()


LOGIN_PATH = "/kirjaudu/"
# The booking service refuses a request that no interpreter of the centre can take (the simulated clients'
# languages and dialects are wider than the demo centre's pool): the form comes back with this field error.
NO_INTERPRETER_FOR_LANGUAGE = re.compile(r'class="field-error" id="id_language_error"')


def checked_get(client, url: str, *, name: str, params=None):
    """GET that counts as a failure unless it is the page asked for: a 200, with no redirect followed.

    Without this, a user whose login failed would be redirected to the login page on every step and the
    cheap login page would be measured as "my clients" (a client that follows redirects sees a 200)."""
    if params:
        url = f"{url}?{urlencode(params)}"
    with client.get(url, name=name, allow_redirects=False, catch_response=True) as response:
        if response.status_code != 200:
            location = response.headers.get("Location", "") if response.headers else ""
            hint = " (the login page: not logged in)" if LOGIN_PATH in location else ""
            response.failure(f"{name}: HTTP {response.status_code}{f', to {location}' if location else ''}{hint}")
        return response


def checked_post(client, url: str, *, name: str, data: dict, host: str, refusal: re.Pattern | None = None,
                 refusal_name: str = ""):
    """POST of a form that must answer with a redirect to a page other than the login page.

    `refusal`: a field error that is the right answer for some of the simulated data (the form shown again
    with that error); such an answer is reported under `refusal_name`, with its own count, not as an error."""
    body = urlencode(data, doseq=True)  # a multiple choice (a list) as repeated fields, as a browser sends it
    headers = {"Referer": host + url, "Content-Type": "application/x-www-form-urlencoded"}
    with client.post(url, data=body, name=name, allow_redirects=False, headers=headers,
                     catch_response=True) as response:
        location = response.headers.get("Location", "")
        if response.status_code == 200 and refusal is not None and refusal.search(response.text):
            response.request_meta["name"] = refusal_name
            response.success()
        elif response.status_code != 302 or LOGIN_PATH in location:
            response.failure(f"{name}: not saved (HTTP {response.status_code}, to {location or '-'})")
        return response


class Professional(FastHttpUser):
    # POLKU_LOAD_THINK=0: no thinking time, to find the most the server can do (the throughput comparison).
    wait_time = constant(0) if os.environ.get("POLKU_LOAD_THINK") == "0" else between(1, 3)

    def on_start(self):
        if MODE == "ceiling":
            return
        self.username = next(WORKERS)
        page = self.client.get("/kirjaudu/", name="login page")
        data = form_data(page.text, overrides={"username": self.username, "password": INFO["password"]})
        checked_post(self.client, LOGIN_PATH, name="login", data=data, host=self.host)
        listing = checked_get(self.client, "/asiakastyo/", name="my clients")
        self.clients = [int(x) for x in CLIENT_LINK.findall(listing.text)]
        if not self.clients:
            raise RuntimeError(f"{self.username} sees no clients: the load database is not as prepare.py left it")
        global _logged_in
        _logged_in += 1
        if _logged_in == USERS:  # the last one in: measure from here
            self.environment.stats.reset_all()
            ALL_LOGGED_IN.set()
        ALL_LOGGED_IN.wait(timeout=300)

    def _client(self) -> int:
        return random.choice(self.clients)

    @task(4)
    def my_clients(self):
        if MODE in CEILING_PATHS:
            checked_get(self.client, CEILING_PATHS[MODE], name=MODE)
            return
        checked_get(self.client, "/asiakastyo/", name="my clients")

    @task(4)
    def client_page(self):
        if MODE in CEILING_PATHS:
            return
        checked_get(self.client, f"/asiakastyo/{self._client()}/", name="client page")

    @task(2)
    def search_directory(self):
        if MODE in CEILING_PATHS:
            return
        checked_get(self.client, "/hakemisto/", params={"q": random.choice(SEARCH_WORDS)}, name="directory search")

    @task(1)
    def record_meeting(self):
        if MODE in CEILING_PATHS:
            return
        client = self._client()
        url = f"/asiakastyo/{client}/tapaamiset/uusi/"
        page = checked_get(self.client, url, name="record meeting form")
        if page.status_code != 200:
            return
        held_on = date.today() - timedelta(days=random.randint(1, 30))  # recorded afterwards, as in real work
        data = meeting_data(page.text, held_on=held_on)
        checked_post(self.client, url, name="record meeting", data=data, host=self.host)

    @task(1)
    def book_interpreter(self):
        if MODE in CEILING_PATHS:
            return
        client = self._client()
        url = f"/tulkkaus/asiakas/{client}/uusi/"
        page = checked_get(self.client, url, name="booking form")
        if page.status_code != 200:
            return
        day = date.today() + timedelta(days=random.randint(7, 60))
        data = booking_data(page.text, day=day)
        checked_post(self.client, url, name="book interpreter", data=data, host=self.host,
                     refusal=NO_INTERPRETER_FOR_LANGUAGE,
                     refusal_name="book interpreter: refused, no interpreter for the language")

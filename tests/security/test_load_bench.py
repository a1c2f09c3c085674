"""The load benchmark measures logged-in work: its loader's passwords are ones the production profile accepts,
and its form filling submits what a browser would. Both once went wrong unnoticed (docs/security/load-test.md,
"Correction"): the loader hashed with the test profile's MD5, no simulated worker could log in, and the
benchmark measured the login page."""

from __future__ import annotations

import pytest
from bench.load.forms import form_data
from bench.load.prepare import PASSWORD, _production_passwords
from django.conf import global_settings
from django.contrib.auth.hashers import get_hashers, identify_hasher
from django.test import override_settings

from polku.core.models import User


@pytest.mark.django_db
def test_the_loaders_passwords_are_hashed_as_the_production_profile_checks_them():
    User.objects.create_user(username="sim.worker.1", password=PASSWORD)  # the test profile's MD5
    User.objects.create_user(username="sim.worker.2", password=PASSWORD)
    assert identify_hasher(User.objects.get(username="sim.worker.1").password).algorithm == "md5"

    _production_passwords(User)

    # The production profile sets no PASSWORD_HASHERS of its own: Django's list is what the server checks.
    with override_settings(PASSWORD_HASHERS=global_settings.PASSWORD_HASHERS):
        get_hashers.cache_clear()
        try:
            for user in User.objects.filter(username__startswith="sim.worker."):
                assert identify_hasher(user.password).algorithm == "pbkdf2_sha256"
                assert user.check_password(PASSWORD)
                assert not user.check_password(PASSWORD + "x")
        finally:
            get_hashers.cache_clear()


PAGE = """
<form method="post" action="/i18n/setlang/"><input name="language" value="sv"></form>
<form method="post" action="/asiakastyo/7/tapaamiset/uusi/">
  <input type="hidden" name="csrfmiddlewaretoken" value="token-1">
  <input type="text" name="place_detail" value="Room 2">
  <select name="outcome" required><option value="">Choose…</option><option value="planned">Planned</option>
    <option value="held">Held</option></select>
  <select name="interpreter"><option value="">No preference</option><option value="12">Interpreter 12</option></select>
  <select name="place" required><option value="">Choose…</option><option value="home" selected>Home</option>
    <option value="office">Office</option></select>
  <input type="checkbox" name="remote" value="yes">
</form>
<form method="post" action="/kirjaudu-ulos/"><input type="hidden" name="csrfmiddlewaretoken" value="token-2"></form>
"""


def test_a_form_is_filled_as_a_browser_submits_it():
    data = form_data(PAGE, overrides={"date": "2026-11-02"})
    assert data == {
        "csrfmiddlewaretoken": "token-1",  # the page's form, not the language switch or logout after it
        "place_detail": "Room 2",
        "outcome": "planned",  # required and left at "Choose…": the first real option, as a user picks one
        "interpreter": "",  # optional: stays empty
        "place": "home",  # the page's own choice stays
        "date": "2026-11-02",  # our answer
    }  # an unticked checkbox is not submitted


def test_overrides_win_over_the_pages_values():
    data = form_data(PAGE, overrides={"outcome": "held", "place": "office"})
    assert data["outcome"] == "held"
    assert data["place"] == "office"

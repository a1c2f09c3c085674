"""Password policy per ASVS 2.1: length 12..128, common/breached passwords refused, no composition rules."""

from __future__ import annotations

import gzip
from pathlib import Path

import django.contrib.auth
import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

COMMON_LIST = Path(django.contrib.auth.__file__).parent / "common-passwords.txt.gz"


def codes(password: str, user=None) -> set[str]:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return {e.code for e in error.error_list}
    return set()


@pytest.mark.parametrize("password", ["kesäaamun kahvi ja pulla", "correcthorsebatterystaple", "x" * 4 + "ylöspäin-12",
                                      "🌲 metsä 🌲 järvi 🌲", "a" * 3 + "7" * 9])
def test_long_passwords_without_any_composition_rule_are_accepted(password):
    assert codes(password) == set()


def test_eleven_characters_are_too_short_and_twelve_are_enough():
    assert codes("mökki-sauna") == {"password_too_short"}
    assert codes("mökki-saunaa") == set()


def test_up_to_128_characters_are_accepted_and_129_refused():
    assert codes("pitkä lause " * 10 + "12345678") == set()  # 128 characters
    assert len("pitkä lause " * 10 + "12345678") == 128
    assert codes("pitkä lause " * 10 + "123456789") == {"password_too_long"}
    assert codes("k" * 64 + "-sixty-four-and-more") == set()


def test_every_long_enough_password_on_the_offline_breach_list_is_refused():
    with gzip.open(COMMON_LIST, "rt", encoding="utf-8") as listing:
        long_common = [line.strip() for line in listing if len(line.strip()) >= 12][:200]
    assert len(long_common) >= 50  # the list really has long entries to test with
    for password in long_common:
        assert "password_too_common" in codes(password), password
    assert "password_too_common" in codes(long_common[0].upper())  # case does not help


def test_a_password_like_the_user_name_is_refused(nurse):
    assert "password_too_similar" in codes("nurse-testinen", nurse)


def test_changing_the_password_keeps_the_session_rotates_its_key_and_refuses_a_short_one(client, nurse):
    client.post(reverse("login"), {"username": "nurse", "password": TEST_PASSWORD})
    url = reverse("password_change")
    short = client.post(url, {"old_password": TEST_PASSWORD, "new_password1": "lyhyt", "new_password2": "lyhyt"})
    assert short.status_code == 200 and 'aria-invalid="true"' in short.content.decode()
    before = client.session.session_key
    new = "uusi pitkä salasana talveksi"
    response = client.post(url, {"old_password": TEST_PASSWORD, "new_password1": new, "new_password2": new})
    assert response.status_code == 302 and response["Location"] == reverse("password_change_done")
    assert client.session.session_key != before
    assert client.get(reverse("home")).status_code == 200
    nurse.refresh_from_db()
    assert nurse.check_password(new)

"""Two-factor login: who must use it, enrolment, verification, forged and replayed codes, recovery codes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import struct
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from polku.core import two_factor
from tests.factories import TEST_PASSWORD, make_user

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
HOME = reverse("home")
VERIFY = reverse("two_factor_verify")
ENROLL = reverse("two_factor_enroll")
START = datetime(2026, 5, 4, 9, 0, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def two_factor_on(settings):
    settings.POLKU_REQUIRE_TWO_FACTOR = True
    settings.POLKU_DEMO_TOTP_HINT = False


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(START, tick=False)
    return time_machine


def rfc6238_code(key_hex: str, at: datetime, *, step: int = 30, digits: int = 6) -> str:
    """An independent TOTP (RFC 6238 / RFC 4226) implementation, so the tests do not trust django-otp's own."""
    counter = int(at.timestamp()) // step
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 10 ** digits:0{digits}d}"


def enrolled(user, key_hex: str = "3132333435363738393031323334353637383930") -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="authenticator", key=key_hex, confirmed=True)


def password_login(client, username: str):
    response = client.post(LOGIN, {"username": username, "password": TEST_PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def test_rfc6238_oracle_matches_the_published_test_vector():
    # RFC 6238 appendix B, SHA-1, T = 59 s: 94287082 (8 digits).
    assert rfc6238_code("3132333435363738393031323334353637383930", datetime.fromtimestamp(59, UTC),
                        digits=8) == "94287082"


@pytest.mark.parametrize("role", ["professional", "team_lead", "administrator"])
def test_every_role_that_sees_client_data_or_its_logs_must_use_two_factor(organisation, role):
    user = make_user(role=role, organisation=organisation, username=f"u-{role}",
                     profession="nurse" if role != "administrator" else "")
    assert two_factor.requires_two_factor(user)


@pytest.mark.parametrize("role", ["interpreter", "interpreter_dispatcher", "coordinator", "steering_group",
                                  "researcher"])
def test_roles_without_client_data_do_not_need_two_factor_and_reach_the_front_page(client, organisation, role):
    make_user(role=role, organisation=organisation, username="plain")
    password_login(client, "plain")
    assert client.get(HOME).status_code == 200


def test_setting_off_means_no_second_step(client, settings, nurse):
    settings.POLKU_REQUIRE_TWO_FACTOR = False
    password_login(client, "nurse")
    assert client.get(HOME).status_code == 200


def test_password_alone_reaches_no_client_page_only_the_enrolment(client, nurse):
    password_login(client, "nurse")
    for url in (HOME, reverse("casework:my_clients"), reverse("casework:client_detail", args=[1])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(ENROLL + "?next=")
    assert client.get(ENROLL).status_code == 200


def test_api_with_a_half_logged_in_session_answers_401_not_data(client, nurse):
    password_login(client, "nurse")
    response = client.get("/api/v1/clients/")
    assert response.status_code == 401
    assert response.json()["code"] == "two_factor_required"


def test_enrolment_shows_an_inline_svg_qr_code_and_the_secret_then_confirms_with_the_first_code(client, nurse,
                                                                                             clock):
    password_login(client, "nurse")
    body = client.get(ENROLL).content.decode()
    device = TOTPDevice.objects.get(user=nurse, confirmed=False)
    secret = base64.b32encode(device.bin_key).decode()
    assert re.search(r'<svg role="img" aria-labelledby="qr-title"[^>]*><title id="qr-title">', body)
    assert " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)) in body
    assert "style=" not in body.split("<svg", 1)[1].split("</svg>", 1)[0]

    response = client.post(ENROLL, {"code": rfc6238_code(device.key, START)})
    body = response.content.decode()
    assert response.status_code == 200
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    shown = re.findall(r"<li>([a-z2-7]{8,16})</li>", body)
    stored = set(StaticToken.objects.filter(device__user=nurse).values_list("token", flat=True))
    assert len(shown) == 10 and set(shown) == stored
    assert response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]
    assert client.get(HOME).status_code == 200


def test_enrolment_with_a_wrong_code_leaves_the_device_unconfirmed(client, nurse, clock):
    password_login(client, "nurse")
    client.get(ENROLL)
    device = TOTPDevice.objects.get(user=nurse)
    wrong = f"{(int(rfc6238_code(device.key, START)) + 1) % 1_000_000:06d}"
    response = client.post(ENROLL, {"code": wrong})
    assert response.status_code == 200 and 'aria-invalid="true"' in response.content.decode()
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get(HOME).status_code == 302


def test_an_enrolled_user_cannot_replace_the_authenticator_with_the_password_alone(client, nurse):
    enrolled(nurse)
    password_login(client, "nurse")
    response = client.get(ENROLL)
    assert response.status_code == 302 and response["Location"] == VERIFY
    assert TOTPDevice.objects.filter(user=nurse).count() == 1


def test_right_code_after_the_password_opens_the_session_with_a_new_session_key(client, nurse, clock):
    device = enrolled(nurse)
    password_login(client, "nurse")
    response = client.get(HOME)
    assert response["Location"] == f"{VERIFY}?next=%2F"
    before = client.session.session_key
    response = client.post(VERIFY, {"code": rfc6238_code(device.key, START), "next": HOME})
    assert response.status_code == 302 and response["Location"] == HOME
    assert client.session.session_key != before
    assert client.get(HOME).status_code == 200


def test_forged_code_is_refused(client, nurse, clock):
    device = enrolled(nurse)
    password_login(client, "nurse")
    forged = f"{(int(rfc6238_code(device.key, START)) + 500_000) % 1_000_000:06d}"
    response = client.post(VERIFY, {"code": forged})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    assert client.get(HOME).status_code == 302


def test_replayed_code_is_refused_in_a_second_session(client, nurse, clock):
    device = enrolled(nurse)
    code = rfc6238_code(device.key, START)
    password_login(client, "nurse")
    assert client.post(VERIFY, {"code": code}).status_code == 302

    other = Client()
    password_login(other, "nurse")
    clock.shift(timedelta(seconds=5))  # same 30-second step: the code is still "current"
    response = other.post(VERIFY, {"code": code})
    assert response.status_code == 200
    assert other.get(HOME).status_code == 302


def test_wrong_codes_throttle_even_the_right_code_for_a_doubling_delay(client, nurse, clock):
    device = enrolled(nurse)
    password_login(client, "nurse")
    now = START

    def right():
        return rfc6238_code(device.key, now)

    def wrong():
        return f"{(int(right()) + 1) % 1_000_000:06d}"

    assert client.post(VERIFY, {"code": wrong()}).status_code == 200
    assert client.post(VERIFY, {"code": right()}).status_code == 200  # refused: 1 s has not passed
    now += timedelta(seconds=1.5)
    clock.move_to(now, tick=False)
    assert client.post(VERIFY, {"code": wrong()}).status_code == 200
    assert TOTPDevice.objects.get(pk=device.pk).throttling_failure_count == 2
    now += timedelta(seconds=1.5)
    clock.move_to(now, tick=False)
    assert client.post(VERIFY, {"code": right()}).status_code == 200  # refused: 2 s have not passed
    assert client.get(HOME).status_code == 302
    now += timedelta(seconds=1)
    clock.move_to(now, tick=False)
    assert client.post(VERIFY, {"code": right()}).status_code == 302
    assert TOTPDevice.objects.get(pk=device.pk).throttling_failure_count == 0


def test_a_recovery_code_works_once(client, nurse, clock):
    enrolled(nurse)
    codes = two_factor.new_recovery_codes(user=nurse)
    password_login(client, "nurse")
    response = client.post(VERIFY, {"code": codes[0]})
    assert response.status_code == 302
    assert StaticToken.objects.filter(device__user=nurse).count() == 9

    other = Client()
    password_login(other, "nurse")
    assert other.post(VERIFY, {"code": codes[0]}).status_code == 200
    assert other.get(HOME).status_code == 302


def test_new_recovery_codes_replace_the_old_ones_after_confirmation(client, nurse, clock):
    device = enrolled(nurse)
    old = two_factor.new_recovery_codes(user=nurse)
    password_login(client, "nurse")
    client.post(VERIFY, {"code": rfc6238_code(device.key, START)})
    page = client.get(reverse("two_factor_recovery_codes"))
    assert page.status_code == 200 and "<form method=\"post\">" in page.content.decode()
    response = client.post(reverse("two_factor_recovery_codes"))
    new = re.findall(r"<li>([a-z2-7]{8,16})</li>", response.content.decode())
    stored = set(StaticToken.objects.filter(device__user=nurse).values_list("token", flat=True))
    assert len(new) == 10 and set(new) == stored and not set(old) & stored


def test_demo_hint_shows_the_current_code_only_in_the_demo_profile(client, settings, nurse, clock):
    settings.POLKU_DEMO_TOTP_HINT = True
    device = two_factor.enroll_demo_device(user=nurse, key_hex="3132333435363738393031323334353637383930")
    password_login(client, "nurse")
    body = client.get(VERIFY).content.decode()
    assert rfc6238_code(device.key, START) in body and 'id="demo-code"' in body

    settings.POLKU_DEMO_TOTP_HINT = False
    assert 'id="demo-code"' not in client.get(VERIFY).content.decode()
    with pytest.raises(RuntimeError):
        two_factor.enroll_demo_device(user=nurse, key_hex="00" * 20)


def test_demo_hint_offers_the_next_code_when_the_current_one_was_used(client, settings, nurse, clock):
    settings.POLKU_DEMO_TOTP_HINT = True
    device = two_factor.enroll_demo_device(user=nurse, key_hex="3132333435363738393031323334353637383930")
    password_login(client, "nurse")
    client.post(VERIFY, {"code": rfc6238_code(device.key, START)})
    client.post(reverse("logout"))
    password_login(client, "nurse")
    assert rfc6238_code(device.key, START + timedelta(seconds=30)) in client.get(VERIFY).content.decode()


def test_demo_users_get_the_published_key_only_if_their_role_needs_it(settings, organisation):
    settings.POLKU_DEMO_TOTP_HINT = True
    nurse = make_user(role="professional", profession="nurse", organisation=organisation, username="hoitaja")
    researcher = make_user(role="researcher", organisation=organisation, username="tutkija")
    assert two_factor.enroll_demo_users([nurse, researcher]) == 1
    assert two_factor.enroll_demo_users([nurse, researcher]) == 0  # idempotent
    device = TOTPDevice.objects.get(user=nurse)
    assert device.key == two_factor.DEMO_TOTP_KEY_HEX
    assert base64.b32encode(bytes.fromhex(device.key)).decode() == two_factor.DEMO_TOTP_SECRET
    assert not TOTPDevice.objects.filter(user=researcher).exists()


def test_reset_command_removes_the_devices_so_the_user_enrols_again(client, nurse, clock):
    from django.core.management import call_command

    enrolled(nurse)
    two_factor.new_recovery_codes(user=nurse)
    call_command("reset_two_factor", "nurse")
    assert not TOTPDevice.objects.filter(user=nurse).exists()
    assert not StaticToken.objects.filter(device__user=nurse).exists()
    password_login(client, "nurse")
    assert client.get(HOME)["Location"].startswith(ENROLL)

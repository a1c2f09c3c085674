"""Two-factor login (ASVS 2.8 / 2.6): who needs it, enrolment of a TOTP app, recovery codes, verification.

Every role that can see client data (or the logs about it) needs a second factor: a stolen password alone
must not open special-category health data (GDPR art. 9, Client Data Act 703/2023 § 7). The TOTP devices
and recovery codes are django-otp's; this module only adds the policy, row locking against replays that race,
and the demo enrolment.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from polku.core.models import User

# Any one of these permissions opens client data or the logs about clients (core.roles).
CLIENT_DATA_PERMISSIONS = ("core.work_with_clients", "core.break_the_glass", "core.review_access_log",
                           "core.act_as_data_controller")
RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "authenticator"
DEMO_DEVICE_NAME = "demo"
RECOVERY_DEVICE_NAME = "recovery"
_TOTP_CODE = re.compile(r"^\d{6}$")
# The demo's published authenticator key (20 bytes; base32 DEMO_TOTP_SECRET): printed with the demo logins,
# refused outside the demo profile by enroll_demo_device.
DEMO_TOTP_KEY_HEX = "706f6c6b752d64656d6f2d746f74702d6b657931"
DEMO_TOTP_SECRET = "OBXWY23VFVSGK3LPFV2G65DQFVVWK6JR"  # noqa: S105 -- published on purpose, demo only


def requires_two_factor(user: User) -> bool:
    """True when the setting is on and the user's role can see client data (superusers included)."""
    if not getattr(settings, "POLKU_REQUIRE_TWO_FACTOR", False):
        return False
    if not (user.is_authenticated and user.is_active):
        return False
    return any(user.has_perm(permission) for permission in CLIENT_DATA_PERMISSIONS)


def confirmed_totp_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def is_enrolled(user: User) -> bool:
    return confirmed_totp_device(user) is not None


def pending_totp_device(user: User) -> TOTPDevice:
    """The unconfirmed device shown during enrolment; one per user, kept until confirmed (reload-safe)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


@dataclass(frozen=True)
class Verification:
    device: TOTPDevice | StaticDevice | None
    throttled: bool = False


def _verify_locked(device_model, device_pk: int, code: str) -> Verification:
    # Locking the device row serialises two submissions of the same code: django-otp's last_t check
    # (replay refusal) and the one-time recovery code would otherwise race between two requests.
    with transaction.atomic():
        device = device_model.objects.select_for_update().get(pk=device_pk)
        allowed, _info = device.verify_is_allowed()
        if not allowed:
            return Verification(device=None, throttled=True)
        return Verification(device=device if device.verify_token(code) else None)


def verify_code(*, user: User, code: str) -> Verification:
    """Check a 6-digit TOTP code or a recovery code; throttled (growing delay) and replay-safe.

    A six-digit input is tried against the authenticator only and anything else against the recovery
    codes only, so that one wrong guess does not throttle both.
    """
    code = (code or "").strip().replace(" ", "").replace("-", "")
    if not code:
        return Verification(device=None)
    if _TOTP_CODE.match(code):
        device = confirmed_totp_device(user)
        return _verify_locked(TOTPDevice, device.pk, code) if device else Verification(device=None)
    recovery = StaticDevice.objects.filter(user=user, confirmed=True, name=RECOVERY_DEVICE_NAME).first()
    if recovery is None:
        return Verification(device=None)
    return _verify_locked(StaticDevice, recovery.pk, code.lower())


@transaction.atomic
def confirm_enrolment(*, user: User, device: TOTPDevice, code: str) -> Verification:
    """Confirm the pending authenticator with its first code; other unconfirmed devices are removed."""
    result = _verify_locked(TOTPDevice, device.pk, code.strip().replace(" ", ""))
    if result.device is not None:
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
        result.device.confirmed = True
    return result


@transaction.atomic
def new_recovery_codes(*, user: User) -> list[str]:
    """Replace the user's recovery codes with ten new one-time codes; only the return value shows them."""
    device, _created = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME,
                                                          defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def remaining_recovery_codes(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__name=RECOVERY_DEVICE_NAME).count()


@transaction.atomic
def reset_two_factor(*, user: User) -> None:
    """Remove every device (lost phone): the user enrols again at the next login. Administrators only."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


@transaction.atomic
def enroll_demo_device(*, user: User, key_hex: str) -> TOTPDevice:
    """Demo only: a confirmed authenticator with a published key, so demo users can log in without enrolling."""
    if not getattr(settings, "POLKU_DEMO_TOTP_HINT", False):
        raise RuntimeError("demo devices are for the demo profile only")
    TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(user=user, name=DEMO_DEVICE_NAME, key=key_hex, confirmed=True)


def enroll_demo_users(users) -> int:
    """Demo only: give every demo user whose role needs two-factor login the published key; idempotent."""
    enrolled = 0
    for user in users:
        if requires_two_factor(user) and not TOTPDevice.objects.filter(user=user, name=DEMO_DEVICE_NAME).exists():
            enroll_demo_device(user=user, key_hex=DEMO_TOTP_KEY_HEX)
            enrolled += 1
    return enrolled


def demo_code_hint(user: User) -> str | None:
    """The current code of a demo device (demo profile only), shown on the verification page."""
    if not getattr(settings, "POLKU_DEMO_TOTP_HINT", False):
        return None
    device = TOTPDevice.objects.filter(user=user, confirmed=True, name=DEMO_DEVICE_NAME).first()
    if device is None:
        return None
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    now = totp.t()
    # A code already used is refused as a replay, so offer the next step's code (still within tolerance).
    step = max(now, device.last_t + 1)
    if step > now + device.tolerance:
        return None
    totp.time = time.time() + (step - now) * device.step
    return f"{totp.token():0{device.digits}d}"

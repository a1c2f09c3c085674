"""The login steps after the password: authenticator enrolment, code verification, recovery codes,
re-authentication, and the user's own security page."""

from __future__ import annotations

import base64

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from polku.core import two_factor
from polku.core.auth_forms import CodeForm, EnrolmentForm, ReauthenticationForm, device_for_code
from polku.core.reauth import mark_authenticated_now, require_recent_authentication


def _safe_next(request, default: str = "home") -> str:
    """The `next` target if it stays on this site (no open redirect), else the default page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    # Only a path on this site: a bare word would be taken for a URL name by redirect() (a server error).
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                                  require_https=request.is_secure()):
        return target
    return reverse(default)


def _verified(request, device) -> None:
    """Mark the session as verified by the device; a new session key, since the privilege changed (ASVS 3.2.1)."""
    request.session.cycle_key()
    django_otp.login(request, device)
    mark_authenticated_now(request)


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    svg = image.to_string(encoding="unicode")
    title = escape(_("QR code for your authenticator app"))
    # The SVG comes from our own generator over our own otpauth URL (no user text), so it is safe to inline.
    return mark_safe(svg.replace("<svg ", '<svg role="img" aria-labelledby="qr-title" ', 1)  # noqa: S308
                     .replace(">", f'><title id="qr-title">{title}</title>', 1))


@never_cache
@sensitive_post_parameters("code")
@login_required
def verify(request):
    if not two_factor.is_enrolled(request.user):
        return redirect("two_factor_enroll")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = device_for_code(form, user=request.user, code=form.cleaned_data["code"])
        if device is not None:
            _verified(request, device)
            if device.name == two_factor.RECOVERY_DEVICE_NAME:
                left = two_factor.remaining_recovery_codes(request.user)
                messages.warning(request, _("You used a recovery code; %(left)s are left. Create new ones on "
                                            "your security page if you are running out.") % {"left": left})
            return redirect(_safe_next(request))
    return render(request, "core/auth/verify.html", {
        "form": form, "next": _safe_next(request), "demo_code": two_factor.demo_code_hint(request.user)})


@never_cache
@sensitive_post_parameters("code")
@login_required
def enroll(request):
    user = request.user
    if two_factor.is_enrolled(user):
        # Replacing an authenticator needs the old one (or an administrator): a password alone is not enough.
        return redirect("account_security" if user.is_verified() else "two_factor_verify")
    device = two_factor.pending_totp_device(user)
    form = EnrolmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = two_factor.confirm_enrolment(user=user, device=device, code=form.cleaned_data["code"])
        if result.throttled:
            form.add_error("code", _("Too many wrong codes. Wait a moment and try again."))
        elif result.device is None:
            form.add_error("code", _("The code does not match. Check the time on your phone and try again."))
        else:
            _verified(request, result.device)
            codes = two_factor.new_recovery_codes(user=user)
            return render(request, "core/auth/recovery_codes.html",
                          {"codes": codes, "next": _safe_next(request), "first_time": True})
    secret = base64.b32encode(device.bin_key).decode()
    return render(request, "core/auth/enroll.html", {
        "form": form, "qr_svg": _qr_svg(device.config_url), "next": _safe_next(request),
        "secret_groups": [secret[i:i + 4] for i in range(0, len(secret), 4)]})


@never_cache
@login_required
def security(request):
    return render(request, "core/auth/security.html", {
        "enrolled": two_factor.is_enrolled(request.user),
        "required": two_factor.requires_two_factor(request.user),
        "recovery_left": two_factor.remaining_recovery_codes(request.user)})


@never_cache
@login_required
@require_recent_authentication
def recovery_codes(request):
    """GET asks for confirmation (the old codes stop working); POST creates and shows the new ones once."""
    if not two_factor.is_enrolled(request.user):
        return redirect("two_factor_enroll")
    if request.method != "POST":
        return render(request, "core/auth/recovery_codes_confirm.html")
    codes = two_factor.new_recovery_codes(user=request.user)
    return render(request, "core/auth/recovery_codes.html", {"codes": codes, "next": _safe_next(request)})


@never_cache
@sensitive_post_parameters("password", "code")
@login_required
def reauthenticate(request):
    oidc_context = {}
    if getattr(settings, "POLKU_OIDC_ENABLED", False):  # a session opened through the identity provider (020)
        from polku.core import oidc

        oidc_context = oidc.reauthentication_context(request, _safe_next(request))
        if oidc_context.get("oidc_code_pending"):
            return oidc.reauthentication_code_step(request, _safe_next(request), oidc_context)
    if oidc_context and not request.user.has_usable_password():
        return render(request, "core/auth/reauthenticate.html", {"form": None, "next": _safe_next(request),
                                                                 **oidc_context})
    form = ReauthenticationForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        if form.device is not None:
            _verified(request, form.device)
        else:
            mark_authenticated_now(request)
        return redirect(_safe_next(request))
    return render(request, "core/auth/reauthenticate.html", {"form": form, "next": _safe_next(request),
                                                             **oidc_context})

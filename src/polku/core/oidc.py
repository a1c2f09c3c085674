"""Login through an organisation's own identity provider (OpenID Connect; decision 020).

mozilla-django-oidc does the protocol: the authorization-code flow with `state`, `nonce` and PKCE, the token
request and the signature check against the provider's JWKS. This module adds Polku's rules:

* The ID token must name this provider (`iss`) and this client (`aud`, and `azp` when there are several
  audiences), and carry `exp`, `iat` and `sub`; an expired token is refused (the library checks none of these
  except the signature and `exp` when present).
* Accounts and roles stay in Polku: an ID token is matched to one **existing, active** user of the provider's
  organisation (POLKU_OIDC_ORGANISATION or a unit under it) by the provider's `sub`, bound to the user at the
  first login (ExternalIdentity); without a binding, by the e-mail address the provider has verified, and the
  binding is made. A `sub` bound to one user whose e-mail now names another, or a user already bound to another
  `sub`, is refused. Nobody is ever created; anybody else sees a refusal page.
* A user locked out by axes for repeated wrong passwords (from this address) is locked out here too.
* The provider's multi-factor authentication counts as Polku's second step only when the ID token proves it
  (`amr` says "mfa", or names a possession and another factor, or `acr` is one the deployment lists);
  otherwise the user goes on to Polku's own TOTP step as after a password (TwoFactorMiddleware).
* Re-authentication (core.reauth) of a session opened through the provider: a round trip with `prompt=login`
  and `max_age=0` (OpenID Connect Core 3.1.2.1); the answer counts only if its `auth_time` is after the round
  trip started and at most REAUTH_MAX_AGE_SECONDS old and its `sub` is the one bound to the session's user.
  Without proof of MFA, a user with a Polku authenticator still gives a code.
"""

from __future__ import annotations

import logging
import time
from enum import StrEnum
from urllib.parse import parse_qs, urlencode, urlsplit

import django_otp
import jwt
import requests
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib import auth, messages
from django.core.exceptions import SuspiciousOperation
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_otp.plugins.otp_static.models import StaticDevice
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from polku.core import two_factor
from polku.core.backends import ModelBackendWithOrganisation
from polku.core.models import ExternalIdentity, Organisation, User
from polku.core.reauth import mark_authenticated_now

logger = logging.getLogger("polku.oidc")

BACKEND_PATH = "polku.core.oidc.PolkuOIDCBackend"
SESSION_KEY = "polku_oidc_login"  # this session was opened through the identity provider
ID_TOKEN_SESSION_KEY = "oidc_id_token"  # noqa: S105 -- a session key name; kept only for the provider's logout
SUBJECT_SESSION_KEY = "polku_oidc_subject"  # the provider's `sub` this session was opened with
# The provider confirmed the user again (re-authentication) but Polku's code is still to be given: {user, at}.
PENDING_CODE_SESSION_KEY = "polku_oidc_reauth_pending"
REAUTH_PURPOSE = "reauthenticate"  # marks a state (in the session's oidc_states) as a re-authentication
REAUTH_MAX_AGE_SECONDS = 300  # the provider's auth_time, and the step to Polku's code, at most this old
MAX_SUBJECT_LENGTH = 255  # OpenID Connect Core 2
# A device without tokens: it can never verify a code; it only records in the session that the identity
# provider proved a second factor (django-otp's is_verified() needs a device).
IDP_DEVICE_NAME = "identity-provider"
CLOCK_SKEW_SECONDS = 60
MAX_ORGANISATION_DEPTH = 10
# RFC 8176 authentication method references: something the user has, and something they know or are.
POSSESSION_METHODS = frozenset({"hwk", "swk", "otp", "sc", "pop"})
OTHER_METHODS = frozenset({"pwd", "pin", "kba", "fpt", "face", "iris", "retina", "vbm", "user", "wia"})


class Refusal(StrEnum):
    NO_ACCOUNT = "no_account"  # unknown, inactive, ambiguous, another organisation or unverified e-mail
    FAILED = "failed"  # protocol failure: state, code, token, signature, provider unreachable
    LOCKED_OUT = "locked_out"  # axes lockout for the matched user name


class Refused(Exception):
    def __init__(self, reason: Refusal, detail: str, *, username: str = ""):
        super().__init__(detail)
        self.reason = reason
        self.username = username


def config():
    return settings.POLKU_OIDC


def idp_proved_mfa(claims: dict) -> bool:
    """True when the ID token shows the provider used more than one factor (decision 020)."""
    cfg = config()
    if not cfg.accept_idp_mfa:
        return False
    amr = claims.get("amr")
    methods = {method for method in amr if isinstance(method, str)} if isinstance(amr, list) else set()
    if "mfa" in methods or (methods & POSSESSION_METHODS and methods & OTHER_METHODS):
        return True
    acr = claims.get("acr")
    return isinstance(acr, str) and acr in cfg.mfa_acr_values


def in_organisation(user: User, organisation_id: int) -> bool:
    """The user belongs to the organisation or to a unit under it."""
    organisation = user.organisation
    for _depth in range(MAX_ORGANISATION_DEPTH):
        if organisation is None:
            return False
        if organisation.pk == organisation_id:
            return True
        organisation = organisation.parent
    return False


class PolkuOIDCBackend(OIDCAuthenticationBackend):
    """Maps a verified ID token to one existing Polku user; never creates or changes users."""

    def authenticate(self, request, **kwargs):
        # Only the OIDC callback passes a nonce; a password login (or anything else) is not ours to try.
        if request is None or "nonce" not in kwargs or {"username", "password"} & kwargs.keys():
            return None
        # Set for a re-authentication: the logged-in user the provider must confirm again.
        self.reauthenticating = kwargs.pop("reauthenticate", None)
        self.reauth_started_at = float(kwargs.pop("reauth_started_at", 0) or 0)
        try:
            return super().authenticate(request, **kwargs)
        except Refused as refusal:
            logger.warning("OIDC login refused (%s): %s", refusal.reason, refusal)
            request.polku_oidc_refusal = refusal
        except (SuspiciousOperation, requests.RequestException, jwt.PyJWTError, ValueError, KeyError,
                TypeError) as exc:
            logger.warning("OIDC login failed: %s: %s", type(exc).__name__, exc)
            request.polku_oidc_refusal = Refused(Refusal.FAILED, str(exc))
        return None

    def _verify_jws(self, payload, key):
        """Signature with the configured algorithm only, and the claims the library leaves unchecked."""
        header = jwt.get_unverified_header(payload)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation(f"ID token algorithm {header.get('alg')!r} is not {self.OIDC_RP_SIGN_ALGO}")
        try:
            claims = jwt.decode(payload, key, algorithms=[self.OIDC_RP_SIGN_ALGO], audience=self.OIDC_RP_CLIENT_ID,
                                issuer=config().issuer, leeway=CLOCK_SKEW_SECONDS,
                                options={"require": ["iss", "aud", "exp", "iat", "sub"]})
        except jwt.PyJWTError as exc:
            raise SuspiciousOperation(f"ID token refused: {exc}") from exc
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise SuspiciousOperation("ID token has several audiences and another authorized party")
        return claims

    def store_tokens(self, access_token, id_token):
        # Kept on the request: the session is flushed at login when another user was logged in before.
        self.request.polku_oidc_id_token = id_token

    def get_userinfo(self, access_token, id_token, payload):
        """The ID token's claims; e-mail claims missing from it come from the userinfo endpoint if configured."""
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT and not {"email", "email_verified"} <= claims.keys():
            response = requests.get(self.OIDC_OP_USER_ENDPOINT, headers={"Authorization": f"Bearer {access_token}"},
                                    verify=self.get_settings("OIDC_VERIFY_SSL", True),
                                    timeout=self.get_settings("OIDC_TIMEOUT", None))
            response.raise_for_status()
            info = response.json()
            # OpenID Connect Core 5.3.2: userinfo about another subject must not be used.
            if not isinstance(info, dict) or info.get("sub") != payload.get("sub"):
                raise SuspiciousOperation("userinfo is about another subject than the ID token")
            for key in ("email", "email_verified"):
                claims.setdefault(key, info.get(key))
        return claims

    def verify_claims(self, claims):
        return True  # get_or_create_user decides, with a reason for the log

    def get_or_create_user(self, access_token, id_token, payload):
        cfg = config()
        subject = payload.get("sub")
        if not isinstance(subject, str) or not subject or len(subject) > MAX_SUBJECT_LENGTH:
            raise Refused(Refusal.FAILED, f"the ID token's sub is not a string of 1-{MAX_SUBJECT_LENGTH} characters")
        label = f"sub={subject!r}"
        if self.reauthenticating is not None:
            return self._confirm_again(self.reauthenticating, payload, subject, label)
        claims = self.get_userinfo(access_token, id_token, payload)
        binding = (ExternalIdentity.objects.filter(issuer=cfg.issuer, subject=subject)
                   .select_related("user__organisation").first())
        by_email = self._users_by_email(claims, label, required=binding is None)
        if binding is not None:
            user = binding.user
            if not user.is_active or not in_organisation(user, cfg.organisation_id):
                raise Refused(Refusal.NO_ACCOUNT, f"{label} is bound to user {user.pk}, who is inactive or no longer "
                                                  f"in organisation {cfg.organisation_id}")
            others = sorted(other.pk for other in by_email if other.pk != user.pk)
            if others:
                raise Refused(Refusal.NO_ACCOUNT, f"{label} is bound to user {user.pk}, but its e-mail address now "
                                                  f"belongs to user(s) {others}; an administrator must resolve it")
        else:
            if len(by_email) != 1:
                raise Refused(Refusal.NO_ACCOUNT, f"{label}: {len(by_email)} active users with this e-mail address "
                                                  f"in organisation {cfg.organisation_id}")
            user = by_email[0]
            bound = ExternalIdentity.objects.filter(user=user, issuer=cfg.issuer).first()
            if bound is not None:
                raise Refused(Refusal.NO_ACCOUNT, f"{label}: user {user.pk} is bound to another subject of this "
                                                  f"provider ({bound.subject!r}); an administrator must resolve it")
        self._check_lockout(user, label)
        if binding is None:
            self._bind(user, cfg.issuer, subject, label)
        else:
            ExternalIdentity.objects.filter(pk=binding.pk).update(last_login_at=timezone.now())
        self.request.polku_oidc_mfa = idp_proved_mfa(payload)
        self.request.polku_oidc_subject = subject
        logger.info("OIDC login of user %s (%s, IdP MFA %s)", user.pk, label, self.request.polku_oidc_mfa)
        return user

    def _users_by_email(self, claims: dict, label: str, *, required: bool) -> list[User]:
        """Active users of the provider's organisation with the provider-verified e-mail address.

        `required`: without a binding the address is the only match, so a missing or unverified one is refused;
        with a binding it only serves to find a conflict, and a missing or unverified one is ignored.
        """
        cfg = config()
        email = claims.get("email")
        if not isinstance(email, str) or "@" not in email:
            if required:
                raise Refused(Refusal.NO_ACCOUNT, f"{label}: no e-mail claim")
            return []
        if cfg.require_email_verified and claims.get("email_verified") not in (True, "true"):
            if required:
                raise Refused(Refusal.NO_ACCOUNT, f"{label}: the provider has not verified the e-mail address")
            return []
        candidates = User.objects.filter(email__iexact=email, is_active=True).select_related("organisation")
        return [user for user in candidates if in_organisation(user, cfg.organisation_id)]

    def _check_lockout(self, user: User, label: str) -> None:
        if not AxesProxyHandler.is_allowed(self.request, {"username": user.get_username()}):
            raise Refused(Refusal.LOCKED_OUT, f"{label}: user {user.pk} is locked out", username=user.get_username())

    @staticmethod
    def _bind(user: User, issuer: str, subject: str, label: str) -> None:
        now = timezone.now()
        try:
            with transaction.atomic():
                ExternalIdentity.objects.create(user=user, issuer=issuer, subject=subject, created_at=now,
                                                last_login_at=now)
        except IntegrityError as exc:  # a simultaneous first login bound the user or the subject first
            raise Refused(Refusal.NO_ACCOUNT, f"{label}: binding to user {user.pk} failed: {exc}") from exc
        logger.info("OIDC subject %s bound to user %s", label, user.pk)

    def _confirm_again(self, user: User, payload: dict, subject: str, label: str) -> User:
        """Re-authentication: the same bound subject, and a login at the provider just now (auth_time)."""
        cfg = config()
        if subject != self.request.session.get(SUBJECT_SESSION_KEY) or not ExternalIdentity.objects.filter(
                user=user, issuer=cfg.issuer, subject=subject).exists():
            raise Refused(Refusal.FAILED, f"re-authentication of user {user.pk} answered by {label}, not the subject "
                                          f"bound to this session")
        auth_time = payload.get("auth_time")
        now = time.time()
        started = self.reauth_started_at
        if isinstance(auth_time, bool) or not isinstance(auth_time, int | float):
            raise Refused(Refusal.FAILED, f"re-authentication of user {user.pk}: no auth_time in the ID token")
        if not (started - CLOCK_SKEW_SECONDS <= auth_time <= now + CLOCK_SKEW_SECONDS
                and now - auth_time <= REAUTH_MAX_AGE_SECONDS):
            raise Refused(Refusal.FAILED, f"re-authentication of user {user.pk}: auth_time {auth_time} is not a "
                                          f"login since the round trip started at {int(started)} (now {int(now)})")
        self._check_lockout(user, label)
        self.request.polku_oidc_mfa = idp_proved_mfa(payload)
        logger.info("OIDC re-authentication of user %s (%s, IdP MFA %s)", user.pk, label, self.request.polku_oidc_mfa)
        return user

    def create_user(self, claims):
        raise Refused(Refusal.NO_ACCOUNT, "users are never created from an identity provider")

    def get_user(self, user_id):
        # The library's get_user returns inactive users too; a deactivated user's session must end.
        return ModelBackendWithOrganisation.get_user(self, user_id)


def provider_name() -> str:
    """The name on the login button: POLKU_OIDC_PROVIDER_NAME, else the organisation's name."""
    cfg = config()
    if cfg.provider_name:
        return cfg.provider_name
    organisation = Organisation.objects.filter(pk=cfg.organisation_id).first()
    return str(organisation) if organisation else ""


def _safe_next(request, target: str | None) -> str:
    if target and target.startswith("/") and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


def refused(request, refusal: Refused, *, status: int = 403):
    if refusal.reason == Refusal.LOCKED_OUT:
        return get_lockout_response(request, None, {"username": refusal.username})
    if refusal.reason == Refusal.NO_ACCOUNT:
        message = _("%(provider)s confirmed who you are, but you have no Polku account that can be used through "
                    "it. Polku accounts and roles are created by your organisation's Polku administrator: ask "
                    "them to add you, with the e-mail address your organisation knows you by.")
    else:
        message = _("Logging in through %(provider)s did not succeed. Start again from the login page; if it "
                    "keeps failing, log in with your Polku user name and password or tell your administrator.")
    name = provider_name() or _("your organisation's identity provider")
    return render(request, "core/auth/oidc_refused.html", {"message": message % {"provider": name}}, status=status)


@never_cache
def callback(request):
    """The provider sends the browser back here: check the state, let the backend check the rest, log in."""
    states = request.session.get("oidc_states")
    entry = states.pop(request.GET.get("state", ""), None) if isinstance(states, dict) else None
    if entry is None:
        # No such login was started in this browser (forged, replayed or from another session).
        logger.warning("OIDC callback with a state this session did not start")
        return refused(request, Refused(Refusal.FAILED, "unknown state"), status=400)
    request.session["oidc_states"] = states  # each state is used once, whatever happens next
    if entry.get("polku_purpose") == REAUTH_PURPOSE:
        return _reauthentication_callback(request, entry)
    next_url = _safe_next(request, request.session.get("oidc_login_next"))
    if request.GET.get("error") or not request.GET.get("code"):
        logger.warning("OIDC provider answered with error %r", request.GET.get("error", "")[:100])
        return refused(request, Refused(Refusal.FAILED, "provider error"))
    # Called directly rather than through auth.authenticate: a refusal here is no password guess, and axes
    # counting it against this address without a user name would let anybody behind the same address lock
    # everyone out of OIDC login. The matched user's own axes lockout is checked by the backend.
    user = PolkuOIDCBackend().authenticate(request, nonce=entry.get("nonce"), code_verifier=entry.get("code_verifier"))
    if user is None:
        return refused(request, getattr(request, "polku_oidc_refusal", Refused(Refusal.FAILED, "no user")))
    auth.login(request, user, backend=BACKEND_PATH)  # rotates the session key (flushes another user's session)
    request.session[SESSION_KEY] = True
    request.session[SUBJECT_SESSION_KEY] = request.polku_oidc_subject
    device = _keep_provider_answer(request, user)
    if device is not None:
        django_otp.login(request, device)
    return redirect(next_url)


def _keep_provider_answer(request, user):
    """Store the ID token for the provider's logout (when configured); when the token proved MFA, the
    identity-provider device that stands for it (to mark the session verified), else None."""
    id_token = getattr(request, "polku_oidc_id_token", None)
    if getattr(settings, "OIDC_STORE_ID_TOKEN", False) and id_token:
        request.session[ID_TOKEN_SESSION_KEY] = id_token
    if not getattr(request, "polku_oidc_mfa", False):
        return None
    device, _created = StaticDevice.objects.get_or_create(user=user, name=IDP_DEVICE_NAME, defaults={"confirmed": True})
    return device


# --- Re-authentication through the provider (core.reauth) ----------------------------------------------------

def is_oidc_session(request) -> bool:
    """The logged-in session was opened through the identity provider (and OIDC login is on)."""
    return bool(getattr(settings, "POLKU_OIDC_ENABLED", False) and request.user.is_authenticated
                and request.session.get(SESSION_KEY) and request.session.get(SUBJECT_SESSION_KEY))


def _reauthentication_page(next_url: str) -> str:
    return f"{reverse('reauthenticate')}?{urlencode({'next': next_url})}"


class ReauthenticationRequestView(OIDCAuthenticationRequestView):
    """Sends the user of an OIDC session to the provider to log in again (OpenID Connect Core 3.1.2.1):
    `prompt=login` asks the provider to authenticate them anew, `max_age=0` makes it state when (`auth_time`)."""

    def get(self, request):
        next_url = _safe_next(request, request.GET.get("next"))
        if not is_oidc_session(request):
            return redirect(_reauthentication_page(next_url))
        response = super().get(request)
        state = parse_qs(urlsplit(response["Location"]).query)["state"][0]
        states = request.session["oidc_states"]
        # The state (single use, in this session) carries what the callback needs to treat the answer as a
        # re-authentication of this user rather than a login.
        states[state].update({"polku_purpose": REAUTH_PURPOSE, "polku_user": request.user.pk,
                              "polku_next": next_url, "polku_started_at": time.time()})
        request.session["oidc_states"] = states
        return response

    def get_extra_params(self, request):
        return {"prompt": "login", "max_age": "0"}


def _reauthentication_callback(request, entry: dict):
    next_url = _safe_next(request, entry.get("polku_next"))
    back = _reauthentication_page(next_url)
    user = request.user
    if not is_oidc_session(request) or user.pk != entry.get("polku_user"):
        logger.warning("OIDC re-authentication answer in a session that did not start it")
        return refused(request, Refused(Refusal.FAILED, "re-authentication of another session"), status=400)
    failed = _("%(provider)s did not confirm that you logged in there again just now. Try again.") % {
        "provider": provider_name() or _("your organisation's identity provider")}
    if request.GET.get("error") or not request.GET.get("code"):
        logger.warning("OIDC provider answered a re-authentication with error %r", request.GET.get("error", "")[:100])
        messages.error(request, failed)
        return redirect(back)
    confirmed = PolkuOIDCBackend().authenticate(request, nonce=entry.get("nonce"),
                                                code_verifier=entry.get("code_verifier"), reauthenticate=user,
                                                reauth_started_at=entry.get("polku_started_at"))
    if confirmed is None:
        refusal = getattr(request, "polku_oidc_refusal", Refused(Refusal.FAILED, "no user"))
        if refusal.reason == Refusal.LOCKED_OUT:
            return refused(request, refusal)
        messages.error(request, failed)
        return redirect(back)
    device = _keep_provider_answer(request, user)
    if device is not None:
        _confirmed_again(request, device)
    elif two_factor.is_enrolled(user):
        # As after a password: the provider proved one factor, the user's own authenticator gives the second.
        request.session[PENDING_CODE_SESSION_KEY] = {"user": user.pk, "at": time.time()}
        return redirect(back)
    else:
        _confirmed_again(request, None)
    return redirect(next_url)


def _confirmed_again(request, device) -> None:
    """Recent authentication proven: a new session key (privilege renewed), the device, the time."""
    request.session.pop(PENDING_CODE_SESSION_KEY, None)
    request.session.cycle_key()
    if device is not None:
        django_otp.login(request, device)
    mark_authenticated_now(request)


def code_pending(request) -> bool:
    """The provider confirmed this user again within REAUTH_MAX_AGE_SECONDS; Polku's code is still to be given."""
    pending = request.session.get(PENDING_CODE_SESSION_KEY)
    return (is_oidc_session(request) and isinstance(pending, dict) and pending.get("user") == request.user.pk
            and isinstance(pending.get("at"), int | float) and time.time() - pending["at"] <= REAUTH_MAX_AGE_SECONDS)


def reauthentication_context(request, next_url: str) -> dict:
    """What the re-authentication page shows for an OIDC session: the provider's button, or the code step."""
    if not is_oidc_session(request):
        return {}
    pending = code_pending(request)
    if not pending:
        request.session.pop(PENDING_CODE_SESSION_KEY, None)
    return {"oidc_provider": provider_name() or _("your organisation's identity provider"),
            "oidc_reauth_url": f"{reverse('oidc_reauthenticate')}?{urlencode({'next': next_url})}",
            "oidc_code_pending": pending}


def reauthentication_code_step(request, next_url: str, context: dict):
    """After the provider confirmed the user again without proof of MFA: the code from their authenticator."""
    from polku.core.auth_forms import CodeForm, device_for_code

    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = device_for_code(form, user=request.user, code=form.cleaned_data["code"])
        if device is not None:
            _confirmed_again(request, device)
            return redirect(next_url)
    return render(request, "core/auth/reauthenticate.html", {"form": None, "code_form": form, "next": next_url,
                                                             **context})


def provider_logout_url(request) -> str:
    """Where logging out sends the browser: the provider's end-session endpoint when configured, with
    id_token_hint (OpenID Connect RP-Initiated Logout 1.0), else Polku's login page."""
    cfg = config()
    id_token = request.session.get(ID_TOKEN_SESSION_KEY)
    if not (cfg.end_session_endpoint and id_token):
        return reverse("login")
    query = urlencode({"id_token_hint": id_token, "client_id": cfg.client_id,
                       "post_logout_redirect_uri": request.build_absolute_uri(reverse("login"))})
    separator = "&" if "?" in cfg.end_session_endpoint else "?"
    return f"{cfg.end_session_endpoint}{separator}{query}"

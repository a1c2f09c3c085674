"""Django settings for Polku, read from the environment (see polku.config)."""

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from polku import config

BASE_DIR = Path(__file__).resolve().parent
PRODUCTION = config.is_production()
SECRET_KEY = config.secret_key_from_env(production=PRODUCTION)
DEBUG = False if PRODUCTION else config.flag_from_env("DEBUG", False)
TESTING = config.is_test()
ALLOWED_HOSTS = config.list_from_env("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise config.ConfigError("ALLOWED_HOSTS must be set when POLKU_ENV=production")
config.var_dir_is_declared(production=PRODUCTION)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "polku.core",
    "polku.casework",
    "polku.directory",
    "polku.interpreting",
    "polku.referrals",
    "polku.network",
    "polku.trainings",
    "polku.reporting",
    "polku.api",
    "polku.lifecycle",
    "polku.demo",
    # django-ninja's own static Swagger UI for /api/v1/docs (otherwise it loads a CDN page with inline script).
    "ninja",
    # Two-factor login (TOTP and recovery codes) and the Content-Security-Policy header (hardening).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The Content-Security-Policy header on every response, static files included (CONTENT_SECURITY_POLICY).
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # --- fault tests: outside the session middleware, so that a database error there is a 503 too ---
    "polku.core.middleware.DatabaseUnavailableMiddleware",
    # --- end fault tests ---
    "django.contrib.sessions.middleware.SessionMiddleware",
    "polku.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified() (django-otp), then inactivity/absolute session limits, then the second factor.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "polku.core.auth_middleware.SessionTimeoutMiddleware",
    "polku.core.auth_middleware.TwoFactorMiddleware",
    "polku.core.auth_middleware.StorageFullMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "polku.core.middleware.RequestContextMiddleware",
    # AxesMiddleware last: it turns a lockout into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "polku.urls"
WSGI_APPLICATION = "polku.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "polku.core.context_processors.navigation",
            ],
        },
    },
]

# Django's form renderer with <select> built in Python (same markup; long option lists were a hot spot).
FORM_RENDERER = "polku.core.form_renderer.PolkuFormRenderer"

DATABASES = {"default": config.database_from_env(production=PRODUCTION)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

AUTHENTICATION_BACKENDS = [
    # Axes first so a locked-out user is refused before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend with the organisation in the per-request user query (a query less on every page).
    "polku.core.backends.ModelBackendWithOrganisation",
]
# ASVS 2.1: at least 12 characters, at most 128 (>= 64 required), the offline list of 20 000 common and
# breached passwords; deliberately no composition rules (ASVS 2.1.9).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "polku.core.password_validation.MaximumLengthValidator", "OPTIONS": {"max_length": 128}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
if TESTING:
    # Tests create many users; a fast hasher keeps the suite quick. Never outside tests.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lockout (django-axes): five failures for a user name from one address lock that pair for 30 minutes.
# The pair, not the user name alone, so that nobody can lock a colleague out from elsewhere.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# --- OIDC login through the organisation's identity provider (decision 020) -----------------------------
# Off unless POLKU_OIDC_ISSUER is set (then the other POLKU_OIDC_* variables are required); no network access
# while the settings load. docs/security/authentication.md lists the variables.
from polku.core.oidc_config import oidc_config_from_env  # noqa: E402 -- pure module, no Django import

POLKU_OIDC = oidc_config_from_env(production=PRODUCTION)
POLKU_OIDC_ENABLED = POLKU_OIDC is not None
if POLKU_OIDC is not None:
    # After axes (which stays first) and the password backend.
    AUTHENTICATION_BACKENDS.append("polku.core.oidc.PolkuOIDCBackend")
    OIDC_RP_CLIENT_ID = POLKU_OIDC.client_id
    OIDC_RP_CLIENT_SECRET = POLKU_OIDC.client_secret
    OIDC_RP_SIGN_ALGO = POLKU_OIDC.sign_algorithm
    OIDC_RP_SCOPES = "openid email"
    OIDC_OP_AUTHORIZATION_ENDPOINT = POLKU_OIDC.authorization_endpoint
    OIDC_OP_TOKEN_ENDPOINT = POLKU_OIDC.token_endpoint
    OIDC_OP_JWKS_ENDPOINT = POLKU_OIDC.jwks_endpoint
    OIDC_OP_USER_ENDPOINT = POLKU_OIDC.userinfo_endpoint  # optional: the ID token's claims suffice
    OIDC_USE_NONCE = True  # the library's default, pinned: the nonce binds the ID token to this browser
    OIDC_USE_PKCE = True  # S256 code challenge: a stolen code is useless without the verifier
    OIDC_CREATE_USER = False  # accounts and roles are managed in Polku only
    OIDC_STORE_ID_TOKEN = bool(POLKU_OIDC.end_session_endpoint)  # id_token_hint for the provider's logout
    OIDC_OP_LOGOUT_URL_METHOD = "polku.core.oidc.provider_logout_url"
    OIDC_TIMEOUT = 10  # seconds per request to the provider
    OIDC_VERIFY_SSL = True
# --- end of OIDC login ----------------------------------------------------------------------------------

# Finnish is the default; Swedish and English are the other UI languages (Language Act 423/2003).
LANGUAGE_CODE = "fi"
LANGUAGES = [("fi", _("Finnish")), ("sv", _("Swedish")), ("en", _("English"))]
LANGUAGE_COOKIE_NAME = "polku_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Helsinki"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = config.VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every start when it is missing
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# --- Outgoing messages (polku.interpreting.outbox) ---------------------------------------------------
# `file` writes each message under $POLKU_VAR_DIR/outbox (the demo's default); `email` sends through SMTP with
# Django's EMAIL_* settings below. Messages to phone numbers stay pending: no SMS service ships.
POLKU_OUTBOX_BACKEND = {"file": "polku.interpreting.outbox.FileBackend",
                        "email": "polku.interpreting.outbox.EmailBackend"}[
    config.choice_from_env("POLKU_OUTBOX_BACKEND", ("file", "email"), "file")]
# Sending right after the change commits happens inside the user's request: instant for files, but a slow
# or unreachable mail server would hold the request (up to EMAIL_TIMEOUT). With `email` the default is
# therefore to leave sending to `polku send_outbox --loop 30` (deploy/systemd/polku-outbox.service).
POLKU_OUTBOX_DELIVER_ON_COMMIT = config.flag_from_env("POLKU_OUTBOX_DELIVER_ON_COMMIT",
                                                      POLKU_OUTBOX_BACKEND.endswith("FileBackend"))
EMAIL_HOST = config.text_from_env("EMAIL_HOST", "localhost")
EMAIL_PORT = config.number_from_env("EMAIL_PORT", 25, minimum=1, maximum=65_535)
EMAIL_HOST_USER = config.text_from_env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = config.text_from_env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = config.flag_from_env("EMAIL_USE_TLS", False)  # STARTTLS, usually port 587
EMAIL_USE_SSL = config.flag_from_env("EMAIL_USE_SSL", False)  # TLS from the start, usually port 465
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise config.ConfigError("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on (STARTTLS or TLS from the start)")
EMAIL_TIMEOUT = config.number_from_env("EMAIL_TIMEOUT", 10, minimum=1, maximum=300)  # Django's default: wait forever
DEFAULT_FROM_EMAIL = config.text_from_env("DEFAULT_FROM_EMAIL", "polku@localhost")
if PRODUCTION and POLKU_OUTBOX_BACKEND.endswith("EmailBackend") and not config.is_set("DEFAULT_FROM_EMAIL"):
    raise config.ConfigError("DEFAULT_FROM_EMAIL must be set when POLKU_OUTBOX_BACKEND=email in production "
                             "(the sender address recipients see)")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# The API's rate limit per token: this many requests per window (polku.api.auth).
POLKU_API_RATE_LIMIT = config.number_from_env("POLKU_API_RATE_LIMIT", 600, minimum=1, maximum=1_000_000)
POLKU_API_RATE_WINDOW_SECONDS = config.number_from_env("POLKU_API_RATE_WINDOW_SECONDS", 60, minimum=1,
                                                       maximum=86_400)
# Retention periods in years that the data controller changed from the defaults, e.g.
# POLKU_RETENTION_YEARS=outbox_message=2,client_record=12 (polku.lifecycle.policy; its system check refuses
# record types it does not know, so that a misspelt name cannot leave the default in force unnoticed).
POLKU_RETENTION_YEARS = config.mapping_from_env("POLKU_RETENTION_YEARS", minimum=1, maximum=100)

# Break-the-glass grants expire after this many hours unless the caller asks for less.
POLKU_BREAK_THE_GLASS_HOURS = 4

# --- Security (ASVS level 2; docs/security/threat-model.md) ------------------------------------------
# Two-factor login for every role that sees client data: on in production, demo and development, off in
# the test profile so that tests which are not about login can use force_login (the security tests turn
# it on). Production refuses to start without it.
POLKU_REQUIRE_TWO_FACTOR = config.flag_from_env("POLKU_REQUIRE_TWO_FACTOR", not TESTING)
if PRODUCTION and not POLKU_REQUIRE_TWO_FACTOR:
    raise config.ConfigError("POLKU_REQUIRE_TWO_FACTOR cannot be turned off when POLKU_ENV=production")
# Demo profile only: demo users have an authenticator with a published key, and the verification page
# shows its current code, so that anyone can try the demo while the two-step flow stays in place.
POLKU_DEMO_TOTP_HINT = config.environment() == "demo"
OTP_TOTP_ISSUER = "Polku"
OTP_TOTP_THROTTLE_FACTOR = 1  # seconds, doubling with each wrong code (django-otp)
OTP_STATIC_THROTTLE_FACTOR = 1

# Sessions end after 30 minutes without requests and 10 hours after login, whichever comes first (ASVS
# 3.3.2); break-the-glass and exports need the password again if it was proven over 15 minutes ago.
POLKU_SESSION_IDLE_MINUTES = config.number_from_env("POLKU_SESSION_IDLE_MINUTES", 30, minimum=1, maximum=24 * 60)
POLKU_SESSION_ABSOLUTE_HOURS = config.number_from_env("POLKU_SESSION_ABSOLUTE_HOURS", 10, minimum=0.25, maximum=7 * 24,
                                                      whole=False)
POLKU_REAUTH_MINUTES = config.number_from_env("POLKU_REAUTH_MINUTES", 15, minimum=1, maximum=24 * 60)
# Webhook receivers (polku.api.webhook_targets, SSRF guard): production sends over HTTPS to public addresses
# only; an on-premises receiver in the deployment's own network needs these set to 1 explicitly.
POLKU_WEBHOOK_ALLOW_HTTP = config.flag_from_env("POLKU_WEBHOOK_ALLOW_HTTP", not PRODUCTION)
POLKU_WEBHOOK_ALLOW_PRIVATE = config.flag_from_env("POLKU_WEBHOOK_ALLOW_PRIVATE", not PRODUCTION)
# Reverse proxies in front of Polku that each append the address they received from to X-Forwarded-For (0: none,
# the header is ignored). The client's address, for the access log and the login lockout, is then read from
# that header's last N entries (polku.core.proxies; polku.wsgi applies it). Production's deploy check asks
# for it to be set, as 0 or a count, because the right value depends on the deployment.
POLKU_TRUSTED_PROXIES = config.number_from_env("POLKU_TRUSTED_PROXIES", 0, minimum=0, maximum=5)
POLKU_TRUSTED_PROXIES_SET = config.is_set("POLKU_TRUSTED_PROXIES")
SESSION_COOKIE_AGE = int(POLKU_SESSION_ABSOLUTE_HOURS * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Request bodies: 1 MiB of form data, 1000 fields; uploaded files above 2.5 MiB go to a temporary file
# instead of memory. Each upload form checks its own size and type limits (e.g. network.attachments); the
# reverse proxy caps the whole body (docs/security/deployment.md).
DATA_UPLOAD_MAX_MEMORY_SIZE = 1_048_576
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_PERMISSIONS = 0o640

# Content-Security-Policy (django-csp 4): nothing inline, nothing from elsewhere (ASVS 14.4.3, 50.2).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

if PRODUCTION:
    SECURE_SSL_REDIRECT = config.flag_from_env("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Probes of a load balancer or of systemd often speak plain HTTP to the application port; a redirect
    # would read as "not ready". These answer nothing but ok/unavailable (polku.core.health).
    SECURE_REDIRECT_EXEMPT = [r"^health/(live|ready)/$"]
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    # __Host- cookies: only over HTTPS, only for this exact host, path / (no subdomain can set or read them).
    SESSION_COOKIE_NAME = "__Host-polku_session"
    CSRF_COOKIE_NAME = "__Host-polku_csrf"
    CSRF_TRUSTED_ORIGINS = [f"https://{host}" for host in ALLOWED_HOSTS if not host.startswith(".")]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

"""Settings read from the environment, with one-line errors that name the variable.

Kept apart from settings.py so that the `polku` command can catch a bad value and print one
line instead of a traceback (a misconfigured server must say what is wrong, not dump a stack).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
# Outside production the default is var/ beside the checkout; production must name it (var_dir_is_declared).
VAR_DIR = Path(os.environ.get("POLKU_VAR_DIR", "").strip() or PROJECT_ROOT / "var")

SUPPORTED_DATABASE_SCHEMES = ("sqlite", "postgres", "postgresql", "pgsql")


class ConfigError(Exception):
    """A setting from the environment is missing or malformed; str() is one line naming it."""


def database_from_env(*, production: bool = False) -> dict:
    """DATABASES['default'] from DATABASE_URL; an embedded SQLite file under var/ when unset, outside production.

    Production must name its database: falling back to a file next to the code would start a server on an
    empty database that nobody backs up, and say nothing."""
    raw = os.environ.get("DATABASE_URL", "").strip()
    if not raw and production:
        raise ConfigError("DATABASE_URL must be set when POLKU_ENV=production (postgres://user@host:port/name)")
    if not raw:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(VAR_DIR / "polku.sqlite3")}
    scheme = raw.split("://", 1)[0] if "://" in raw else ""
    if scheme not in SUPPORTED_DATABASE_SCHEMES:
        raise ConfigError(
            "DATABASE_URL is malformed: expected postgres://user@host:port/name or sqlite:///path, "
            f"got scheme {scheme or '(none)'!r}"
        )
    try:
        config = dj_database_url.parse(raw, conn_max_age=60, conn_health_checks=True)
    except Exception as exc:  # dj_database_url raises several types; all mean "malformed"
        raise ConfigError(f"DATABASE_URL is malformed: {exc}") from None
    if not config.get("NAME"):
        raise ConfigError("DATABASE_URL is malformed: it names no database")
    if config["ENGINE"].endswith("sqlite3"):
        config.pop("CONN_MAX_AGE", None)
        config.pop("CONN_HEALTH_CHECKS", None)
    return config


def environment() -> str:
    value = os.environ.get("POLKU_ENV", "demo").strip().lower()
    if value not in ("demo", "development", "production", "test"):
        raise ConfigError(f"POLKU_ENV must be demo, development, test or production, got {value!r}")
    return value


def is_production() -> bool:
    return environment() == "production"


def is_test() -> bool:
    return environment() == "test"


def secret_key_from_env(*, production: bool) -> str:
    """SECRET_KEY from the environment; for the demo one is generated once and kept in var/."""
    key = os.environ.get("SECRET_KEY", "").strip()
    if key:
        if production and len(key) < 50:
            raise ConfigError("SECRET_KEY must be at least 50 characters in production")
        return key
    if production:
        raise ConfigError("SECRET_KEY must be set when POLKU_ENV=production")
    path = VAR_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(64)
    path.write_text(key)
    path.chmod(0o600)
    return key


def var_dir_is_declared(*, production: bool) -> None:
    """Production names its data folder with an absolute path; raises ConfigError otherwise.

    Why: the default is derived from where this file is, which after a normal (non-editable) install is
    inside the Python environment: production's outbox, reports, research extracts and consultation
    attachments would land there, where an upgrade may replace them and no backup looks."""
    raw = _value("POLKU_VAR_DIR")
    if not production:
        return
    if raw is None:
        raise ConfigError("POLKU_VAR_DIR must be set when POLKU_ENV=production (an absolute path such as "
                          "/var/lib/polku)")
    if not Path(raw).is_absolute():
        raise ConfigError(f"POLKU_VAR_DIR must be an absolute path, got {raw!r}")


def list_from_env(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


def _value(name: str) -> str | None:
    """The variable's value, or None when unset or empty (an empty `NAME=` in an env file means "not set")."""
    raw = os.environ.get(name, "").strip()
    return raw or None


def text_from_env(name: str, default: str = "") -> str:
    return _value(name) or default


def is_set(name: str) -> bool:
    return _value(name) is not None


TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")


def flag_from_env(name: str, default: bool) -> bool:
    """An on/off setting. Anything but the words for on and off is refused: before, a value such as
    SECURE_SSL_REDIRECT=true (not "1") silently turned a protection off."""
    raw = _value(name)
    if raw is None:
        return default
    if raw.lower() in TRUE_WORDS:
        return True
    if raw.lower() in FALSE_WORDS:
        return False
    raise ConfigError(f"{name} must be 1 or 0 (also true/false, yes/no, on/off), got {raw!r}")


def choice_from_env(name: str, choices: tuple[str, ...], default: str) -> str:
    """One of a few words (case-insensitive); one line listing them otherwise."""
    raw = _value(name)
    if raw is None:
        return default
    if raw.lower() not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}, got {raw!r}")
    return raw.lower()


def number_from_env(name: str, default: float, *, minimum: float, maximum: float | None = None,
                    whole: bool = True) -> float:
    """A number within limits (an int when `whole`); one line naming the variable otherwise."""
    raw = _value(name)
    if raw is None:
        return default
    kind = "a whole number" if whole else "a number"
    try:
        value = int(raw) if whole else float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be {kind}, got {raw!r}") from None
    if value < minimum or (maximum is not None and value > maximum) or value != value:  # NaN
        limits = f"from {minimum:g} to {maximum:g}" if maximum is not None else f"at least {minimum:g}"
        raise ConfigError(f"{name} must be {kind} {limits}, got {raw!r}")
    return value


def mapping_from_env(name: str, *, minimum: int, maximum: int) -> dict[str, int]:
    """`key=number,key=number` into a dict of whole numbers within limits; empty or unset is {}.

    Which keys are meaningful is for the code that reads the setting to check (a system check), because
    settings cannot import the apps."""
    raw = _value(name)
    if raw is None:
        return {}
    mapping: dict[str, int] = {}
    for part in raw.split(","):
        key, sep, number = (piece.strip() for piece in part.partition("="))
        if not sep or not key:
            raise ConfigError(f"{name} must be a list of name=number pairs separated by commas, got {part.strip()!r}")
        if key in mapping:
            raise ConfigError(f"{name} names {key!r} twice")
        try:
            value = int(number)
        except ValueError:
            raise ConfigError(f"{name}: {key} must be a whole number, got {number!r}") from None
        if not minimum <= value <= maximum:
            raise ConfigError(f"{name}: {key} must be from {minimum} to {maximum}, got {number!r}")
        mapping[key] = value
    return mapping

"""The client's details as a worker records them, and their validation (every broken rule at once).

Validation raises one DomainError whose ``params["errors"]`` holds the per-field errors, so that a form
can list them all in its error summary; each error names its field and the rule.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, fields, replace
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from polku.casework.languages import COUNTRIES, LANGUAGES
from polku.casework.models import Client, Gender, InterpreterGenderPreference, LanguageProficiency, LegalStatus
from polku.core.errors import DomainError
from polku.core.identity_code import IdentityCode, IdentityCodeError, parse_identity_code
from polku.core.models import Municipality

EARLIEST_BIRTH_YEAR = 1900
_PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{4,24}$")
# Latin letters with any diacritics, plus the separators names use; transliterated names only.
_NAME_SEPARATORS = frozenset(" -'’.")

IDENTITY_CODE_MESSAGES = {
    "format": _("The identity code has the wrong form: it should be DDMMYYCZZZQ (six digits, a century sign, "
                "three digits and a check character)."),
    "century_sign": _("Unknown century sign “%(actual)s” in the identity code: it should be one of %(allowed)s."),
    "date": _("The identity code contains an impossible date (%(day)s.%(month)s.%(year)s)."),
    "individual_number": _("The individual number of the identity code should be from 002 to 999."),
    "check_character": _("Wrong check character in the identity code: it should be “%(expected)s”, "
                         "not “%(actual)s”."),
}


@dataclass(frozen=True)
class ClientDetails:
    """What a worker records about a client; the same shape for registering and for updating."""

    given_names_latin: str
    family_name_latin: str
    preferred_language: str
    given_names: str = ""
    family_name: str = ""
    birth_date: date | None = None
    birth_year: int | None = None
    gender: str = Gender.NOT_STATED
    identity_code: str = ""
    immigration_number: str = ""
    reception_centre_id: str = ""
    languages: tuple[tuple[str, str], ...] = ()  # (language code, LanguageProficiency)
    interpreter_needed: bool = False
    interpreter_language: str = ""
    interpreter_dialect: str = ""
    interpreter_gender_preference: str = InterpreterGenderPreference.ANY
    preferred_interpreter: str = ""
    refused_interpreters: str = ""
    country_of_origin: str = ""
    arrival_year: int | None = None
    legal_status: str = ""
    legal_status_valid_from: date | None = None
    municipality: Municipality | None = None
    phone: str = ""
    email: str = ""
    consent_sms: bool = False
    consent_email: bool = False
    emergency_contact_name: str = ""
    emergency_contact_phone: str = ""
    emergency_contact_relation: str = ""


DETAIL_FIELDS = frozenset(f.name for f in fields(ClientDetails))
# Fields stored on the Client row itself (languages and legal status live in their own tables).
ROW_FIELDS = tuple(sorted(DETAIL_FIELDS - {"languages", "legal_status", "legal_status_valid_from"}))


@dataclass
class CleanedDetails:
    row: dict
    languages: tuple[tuple[str, str], ...]
    legal_status: str
    legal_status_valid_from: date | None
    identity: IdentityCode | None
    errors: list[DomainError] = field(default_factory=list)


def normalise_name(value: str) -> str:
    """Case, whitespace and diacritics folded: "Ähmed  al-Saïd" and "ahmed al said" compare equal."""
    decomposed = unicodedata.normalize("NFKD", value)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[-'’.]", " ", stripped).casefold().split())


def normalise_immigration_number(value: str) -> str:
    """Migri client numbers compare without spaces and case."""
    return "".join(value.split()).upper()


def _is_latin_name(value: str) -> bool:
    return all(ch in _NAME_SEPARATORS or (ch.isalpha() and "LATIN" in unicodedata.name(ch, "")) for ch in value)


def _error(errors: list[DomainError], error_code: str, message, field_name: str, /, **params) -> None:
    errors.append(DomainError(error_code, message % params if params else message, field=field_name, params=params))


def _raise_if_invalid(errors: list[DomainError]) -> None:
    if errors:
        raise DomainError("invalid_client_data", errors[0].message, field=errors[0].field,
                          params={"errors": errors})


def _clean_identity(details: ClientDetails, errors: list[DomainError]) -> IdentityCode | None:
    if not details.identity_code.strip():
        return None
    try:
        return parse_identity_code(details.identity_code)
    except IdentityCodeError as exc:
        _error(errors, f"identity_code_{exc.code}", IDENTITY_CODE_MESSAGES[exc.code], "identity_code",
               **{k: str(v) for k, v in exc.params.items()})
        return None


def _clean_birth(details: ClientDetails, identity: IdentityCode | None, today: date,
                 errors: list[DomainError]) -> tuple[date | None, int | None]:
    birth_date, birth_year = details.birth_date, details.birth_year
    if identity is not None:
        if identity.birth_date > today:
            _error(errors, "identity_code_future_date", _("The birth date in the identity code is in the future."),
                   "identity_code")
        elif birth_date is not None and birth_date != identity.birth_date:
            _error(errors, "identity_code_birth_date_mismatch",
                   _("The birth date in the identity code (%(code_date)s) differs from the date of birth "
                     "given (%(birth_date)s)."), "identity_code",
                   code_date=f"{identity.birth_date:%d.%m.%Y}", birth_date=f"{birth_date:%d.%m.%Y}")
        # The code states the birth date; a worker who typed only the code need not repeat it.
        birth_date = birth_date or identity.birth_date
    if birth_date is not None:
        if birth_date > today:
            _error(errors, "birth_date_in_future", _("The date of birth is in the future."), "birth_date")
        elif birth_date.year < EARLIEST_BIRTH_YEAR:
            _error(errors, "birth_date_too_early", _("The date of birth should be in %(year)s or later."),
                   "birth_date", year=EARLIEST_BIRTH_YEAR)
        if details.birth_year is not None and details.birth_year != birth_date.year:
            _error(errors, "birth_year_mismatch", _("The year of birth differs from the date of birth."),
                   "birth_year")
        birth_year = birth_date.year
    elif birth_year is None:
        _error(errors, "birth_required", _("Give the date of birth, or at least the year of birth."), "birth_year")
    elif not EARLIEST_BIRTH_YEAR <= birth_year <= today.year:
        _error(errors, "birth_year_out_of_range", _("The year of birth should be from %(first)s to %(last)s."),
               "birth_year", first=EARLIEST_BIRTH_YEAR, last=today.year)
    return birth_date, birth_year


def _clean_languages(details: ClientDetails, errors: list[DomainError]) -> tuple[tuple[str, str], ...]:
    seen: set[str] = set()
    for code, proficiency in details.languages:
        if code not in LANGUAGES:
            _error(errors, "unknown_language", _("Unknown language code “%(code)s”."), "languages", code=code)
        elif code in seen:
            _error(errors, "language_twice", _("A language is listed twice."), "languages")
        if proficiency not in LanguageProficiency.values:
            _error(errors, "unknown_proficiency", _("Choose the proficiency for each language."), "languages")
        seen.add(code)
    if not details.preferred_language:
        _error(errors, "preferred_language_required", _("Choose the client's preferred language."),
               "preferred_language")
    elif details.preferred_language not in LANGUAGES:
        _error(errors, "unknown_language", _("Unknown language code “%(code)s”."), "preferred_language",
               code=details.preferred_language)
    if details.interpreter_language and details.interpreter_language not in LANGUAGES:
        _error(errors, "unknown_language", _("Unknown language code “%(code)s”."), "interpreter_language",
               code=details.interpreter_language)
    elif details.interpreter_needed and not details.interpreter_language:
        _error(errors, "interpreter_language_required", _("Choose the interpreting language."),
               "interpreter_language")
    if details.interpreter_gender_preference not in InterpreterGenderPreference.values:
        _error(errors, "unknown_choice", _("Choose one of the options."), "interpreter_gender_preference")
    return tuple(details.languages)


def _clean_origin_and_contacts(details: ClientDetails, birth_year: int | None, today: date,
                               errors: list[DomainError]) -> None:
    if details.gender not in Gender.values:
        _error(errors, "unknown_choice", _("Choose one of the options."), "gender")
    if details.country_of_origin and details.country_of_origin not in COUNTRIES:
        _error(errors, "unknown_country", _("Unknown country code “%(code)s”."), "country_of_origin",
               code=details.country_of_origin)
    if details.arrival_year is not None:
        if details.arrival_year > today.year:
            _error(errors, "arrival_in_future", _("The year of arrival is in the future."), "arrival_year")
        elif birth_year is not None and details.arrival_year < birth_year:
            _error(errors, "arrival_before_birth", _("The year of arrival is before the year of birth."),
                   "arrival_year")
    if details.legal_status:
        if details.legal_status not in LegalStatus.values:
            _error(errors, "unknown_choice", _("Choose one of the options."), "legal_status")
        if details.legal_status_valid_from is None:
            _error(errors, "legal_status_date_required", _("Give the date from which the legal status is valid."),
                   "legal_status_valid_from")
        elif details.legal_status_valid_from > today:
            _error(errors, "legal_status_date_in_future", _("The legal status cannot start in the future."),
                   "legal_status_valid_from")
    for name in ("phone", "emergency_contact_phone"):
        if getattr(details, name) and not _PHONE.match(getattr(details, name)):
            _error(errors, "invalid_phone", _("Write the phone number with digits, e.g. +358 40 123 4567."), name)
    if details.email:
        try:
            validate_email(details.email)
        except ValidationError:
            _error(errors, "invalid_email", _("Write a valid e-mail address."), "email")
    if details.consent_sms and not details.phone:
        _error(errors, "consent_without_phone", _("SMS consent needs a phone number."), "phone")
    if details.consent_email and not details.email:
        _error(errors, "consent_without_email", _("E-mail consent needs an e-mail address."), "email")


def clean_details(details: ClientDetails, *, today: date) -> CleanedDetails:
    """Normalise and validate every field; raise one DomainError listing all broken rules."""
    text = {name: " ".join(str(getattr(details, name) or "").split()) for name in (
        "given_names_latin", "family_name_latin", "given_names", "family_name", "reception_centre_id",
        "interpreter_dialect", "preferred_interpreter", "phone", "email", "emergency_contact_name",
        "emergency_contact_phone", "emergency_contact_relation")}
    details = replace(details, **text, immigration_number=normalise_immigration_number(details.immigration_number),
                      refused_interpreters=details.refused_interpreters.strip())
    errors: list[DomainError] = []
    for name in ("family_name_latin", "given_names_latin"):
        value = getattr(details, name)
        if not value:
            _error(errors, "name_required", _("Write the name in Latin letters."), name)
        elif not _is_latin_name(value):
            _error(errors, "name_not_latin", _("Write this name in Latin letters only; the client's own spelling "
                                               "goes in the field for the name as the client writes it."), name)
    for name in ("given_names", "family_name", "refused_interpreters", "preferred_interpreter"):
        if any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in getattr(details, name)):
            _error(errors, "control_characters", _("The text contains invisible control characters."), name)
    identity = _clean_identity(details, errors)
    birth_date, birth_year = _clean_birth(details, identity, today, errors)
    languages = _clean_languages(details, errors)
    _clean_origin_and_contacts(details, birth_year, today, errors)
    row = {name: getattr(details, name) for name in ROW_FIELDS}
    row.update(birth_date=birth_date, birth_year=birth_year,
               identity_code=identity.value if identity else None,
               identity_code_is_temporary=bool(identity and identity.is_temporary))
    for name, value in row.items():
        max_length = getattr(Client._meta.get_field(name), "max_length", None)
        if max_length and isinstance(value, str) and len(value) > max_length:
            _error(errors, "too_long", _("At most %(max)s characters."), name, max=max_length)
    _raise_if_invalid(errors)
    return CleanedDetails(row=row, languages=languages, legal_status=details.legal_status,
                    legal_status_valid_from=details.legal_status_valid_from, identity=identity)

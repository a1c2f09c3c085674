"""Finnish personal identity code (henkilötunnus): parse, validate, build and mask.

Format ``DDMMYYCZZZQ``: birth date, century sign ``C``, individual number ``ZZZ`` and check
character ``Q``. Century signs: ``+`` 1800s; ``-`` and (since the 2023 reform) ``Y X W V U`` 1900s;
``A`` and (since 2023) ``B C D E F`` 2000s. ``Q`` is ``CHECK_CHARACTERS[int(DDMMYYZZZ) % 31]``.
Individual numbers 002–899 are permanent, 900–999 temporary; 000 and 001 are never issued. An odd
individual number marks a legal sex of male, an even one female — exposed as ``legal_sex_marker``
only, because it is a registry marker, not the person's gender.

Pure Python, no Django: the Django layer translates :class:`IdentityCodeError` by its ``code``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

CHECK_CHARACTERS = "0123456789ABCDEFHJKLMNPRSTUVWXY"
CENTURY_BY_SIGN: dict[str, int] = {
    "+": 1800,
    **dict.fromkeys("-YXWVU", 1900),
    **dict.fromkeys("ABCDEF", 2000),
}
DEFAULT_SIGN_BY_CENTURY: dict[int, str] = {1800: "+", 1900: "-", 2000: "A"}
FIRST_INDIVIDUAL_NUMBER = 2
FIRST_TEMPORARY_NUMBER = 900
LAST_INDIVIDUAL_NUMBER = 999

# The century sign is checked separately so that an unknown sign gets its own error code.
_SHAPE = re.compile(r"^(\d{2})(\d{2})(\d{2})(.)(\d{3})([0-9A-Z])$")

ErrorCode = Literal["format", "century_sign", "date", "individual_number", "check_character"]


class IdentityCodeError(ValueError):
    """An identity code broke one rule; ``code`` is stable, ``params`` feed the translated message."""

    def __init__(self, code: ErrorCode, message: str, params: dict[str, object] | None = None) -> None:
        super().__init__(message)
        self.code: ErrorCode = code
        self.message = message
        self.params: dict[str, object] = params or {}


@dataclass(frozen=True)
class IdentityCode:
    """A valid identity code, normalised, with what it tells about the person."""

    value: str
    birth_date: date
    individual_number: int
    is_temporary: bool
    legal_sex_marker: Literal["male", "female"]


def check_character(*, birth_date: date, individual_number: int) -> str:
    """The check character for a birth date and individual number (mod 31 rule)."""
    return CHECK_CHARACTERS[int(f"{birth_date:%d%m}{birth_date.year % 100:02d}{individual_number:03d}") % 31]


def parse_identity_code(value: str) -> IdentityCode:
    """Parse and fully validate an identity code (trimmed, case-insensitive); raise IdentityCodeError."""
    normalised = value.strip().upper()
    match = _SHAPE.match(normalised)
    if match is None:
        raise IdentityCodeError(
            "format",
            "An identity code has the form DDMMYYCZZZQ: six digits, a century sign, three digits and a "
            "check character.",
            {"length": len(normalised)},
        )
    day, month, year, sign, number, actual = match.groups()
    century = CENTURY_BY_SIGN.get(sign)
    if century is None:
        raise IdentityCodeError(
            "century_sign",
            f"The century sign should be one of {''.join(CENTURY_BY_SIGN)} but is '{sign}'.",
            {"actual": sign, "allowed": "".join(CENTURY_BY_SIGN)},
        )
    try:
        birth_date = date(century + int(year), int(month), int(day))
    except ValueError:
        raise IdentityCodeError(
            "date",
            f"The birth date {day}.{month}.{century + int(year)} does not exist.",
            {"day": day, "month": month, "year": century + int(year)},
        ) from None
    individual_number = int(number)
    if individual_number < FIRST_INDIVIDUAL_NUMBER:
        raise IdentityCodeError(
            "individual_number",
            f"The individual number should be from 002 to 999 but is {number}.",
            {"actual": number},
        )
    expected = check_character(birth_date=birth_date, individual_number=individual_number)
    if actual != expected:
        raise IdentityCodeError(
            "check_character",
            f"The check character should be '{expected}' but is '{actual}'.",
            {"expected": expected, "actual": actual},
        )
    return IdentityCode(
        value=normalised,
        birth_date=birth_date,
        individual_number=individual_number,
        is_temporary=individual_number >= FIRST_TEMPORARY_NUMBER,
        legal_sex_marker="male" if individual_number % 2 else "female",
    )


def is_valid_identity_code(value: str) -> bool:
    """True when the value passes every rule of parse_identity_code."""
    try:
        parse_identity_code(value)
    except IdentityCodeError:
        return False
    return True


def make_identity_code(*, birth_date: date, individual_number: int, century_sign: str | None = None) -> str:
    """Build a valid code; the sign defaults to '+', '-' or 'A' and must match the birth century."""
    century = birth_date.year // 100 * 100
    if century not in DEFAULT_SIGN_BY_CENTURY:
        raise IdentityCodeError(
            "date",
            f"Identity codes cover birth years 1800–2099, not {birth_date.year}.",
            {"year": birth_date.year},
        )
    if not FIRST_INDIVIDUAL_NUMBER <= individual_number <= LAST_INDIVIDUAL_NUMBER:
        raise IdentityCodeError(
            "individual_number",
            f"The individual number should be from 002 to 999 but is {individual_number}.",
            {"actual": individual_number},
        )
    sign = DEFAULT_SIGN_BY_CENTURY[century] if century_sign is None else century_sign.upper()
    if CENTURY_BY_SIGN.get(sign) != century:
        allowed = "".join(s for s, c in CENTURY_BY_SIGN.items() if c == century)
        raise IdentityCodeError(
            "century_sign",
            f"The century sign for {birth_date.year} should be one of {allowed} but is '{century_sign}'.",
            {"actual": century_sign, "allowed": allowed},
        )
    check = check_character(birth_date=birth_date, individual_number=individual_number)
    return f"{birth_date:%d%m}{birth_date.year % 100:02d}{sign}{individual_number:03d}{check}"


def mask_identity_code(value: str) -> str:
    """Keep the birth date and century sign, hide the rest ("010190-****"); never reveal malformed input."""
    normalised = value.strip().upper()
    if _SHAPE.match(normalised) is None:
        return "*" * 11
    return normalised[:7] + "****"

"""Finnish business ID (Y-tunnus): shape and check digit.

Format ``NNNNNNN-C``: seven digits, a hyphen and a check digit. The digits are weighted 7, 9, 10, 5, 8, 4, 2
from the left and summed; of the remainder modulo 11, 0 gives the check digit 0, 1 is never issued (no valid
business ID has it), and any other remainder r gives 11 − r. Older six-digit IDs are written with a leading
zero; a six-digit value is refused rather than padded, because guessing at an identifier is a silent fix.
"""

from __future__ import annotations

import re
from typing import Literal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

WEIGHTS = (7, 9, 10, 5, 8, 4, 2)
# [0-9], not \d: \d also matches other scripts' digits, which int() would quietly accept.
_SHAPE = re.compile(r"([0-9]{7})-([0-9])")

Problem = Literal["format", "check_digit"]

MESSAGES = {
    "format": _("A business ID has the form 1234567-1: seven digits, a hyphen and a check digit."),
    "check_digit": _("The check digit of the business ID does not match its seven digits."),
}


def business_id_check_digit(digits: str) -> int | None:
    """The check digit for seven digits, or None when the remainder is 1 (no business ID has those digits)."""
    remainder = sum(int(digit) * weight for digit, weight in zip(digits, WEIGHTS, strict=True)) % 11
    if remainder == 1:
        return None
    return 0 if remainder == 0 else 11 - remainder


def business_id_problem(value: str) -> Problem | None:
    """What is wrong with a business ID as written ("format" or "check_digit"), or None when it is valid."""
    match = _SHAPE.fullmatch(value)
    if match is None:
        return "format"
    digits, check = match.groups()
    expected = business_id_check_digit(digits)
    return None if expected is not None and expected == int(check) else "check_digit"


def validate_business_id(value: str) -> None:
    """Model-field validator, so that the admin form refuses what the `organisation add` command refuses."""
    problem = business_id_problem(value)
    if problem is not None:
        raise ValidationError(MESSAGES[problem], code=f"business_id_{problem}")

"""Finding and masking what identifies a person in a consultation text: identity codes, phone numbers, e-mails.

Consultations go to experts outside the care team, so the case must be described without the client's
identity. Only *valid* identity codes are flagged (an invalid checksum is just a number); phone numbers and
e-mail addresses are recognised by shape. Masking keeps the text's shape so the sentence still reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from polku.core.identity_code import is_valid_identity_code

Kind = Literal["identity_code", "phone", "email"]

_IDENTITY_CODE = re.compile(r"(?<![\w+-])\d{6}[-+A-FU-Y]\d{3}[0-9A-Y](?!\w)", re.IGNORECASE)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# International (+358 40 123 4567, 00358401234567) or domestic starting with 0 (040 123 4567, 09-1234567).
_PHONE = re.compile(r"(?<![\w+])(?:(?:\+|00)\d{1,3}[\s-]?\(?0?\d{1,3}\)?|0\d{1,3})(?:[\s-]?\d){5,10}(?![\w])")
MIN_PHONE_DIGITS = 7


@dataclass(frozen=True)
class Finding:
    kind: Kind
    start: int
    end: int
    text: str


def find_identifiers(text: str) -> list[Finding]:
    """Valid identity codes, phone numbers and e-mail addresses in the text, in order, without overlaps."""
    found: list[Finding] = []
    for match in _IDENTITY_CODE.finditer(text):
        if is_valid_identity_code(match.group()):
            found.append(Finding("identity_code", match.start(), match.end(), match.group()))
    for match in _EMAIL.finditer(text):
        found.append(Finding("email", match.start(), match.end(), match.group()))
    for match in _PHONE.finditer(text):
        # The shape of an identity code with a wrong check character is a mistyped number, not a phone number.
        if _IDENTITY_CODE.fullmatch(match.group()):
            continue
        if sum(ch.isdigit() for ch in match.group()) >= MIN_PHONE_DIGITS:
            found.append(Finding("phone", match.start(), match.end(), match.group()))
    found.sort(key=lambda f: (f.start, -f.end))
    result: list[Finding] = []
    for finding in found:
        if result and finding.start < result[-1].end:
            continue  # inside an earlier finding (digits of an e-mail, or an identity code read as a phone)
        result.append(finding)
    return result


def _mask(value: str) -> str:
    return "".join("*" if ch.isalnum() else ch for ch in value)


def mask_identifiers(text: str) -> str:
    """The text with every finding's letters and digits replaced by '*' (punctuation kept)."""
    parts: list[str] = []
    position = 0
    for finding in find_identifiers(text):
        parts.append(text[position:finding.start])
        parts.append(_mask(finding.text))
        position = finding.end
    parts.append(text[position:])
    return "".join(parts)

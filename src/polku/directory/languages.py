"""Language codes: ISO 639-1 or ISO 639-3 only, checked against the ISO 639-3 table (Debian iso-codes)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from polku.core.errors import DomainError

DATA = Path(__file__).resolve().parent / "data" / "iso639.json"

# Names of the languages Polku's users most often need, in fi / sv / en / the language itself.
# Other valid codes fall back to the English reference name of ISO 639-3.
NAMES: dict[str, tuple[str, str, str, str]] = {
    "fi": ("suomi", "finska", "Finnish", "suomi"),
    "sv": ("ruotsi", "svenska", "Swedish", "svenska"),
    "en": ("englanti", "engelska", "English", "English"),
    "ar": ("arabia", "arabiska", "Arabic", "العربية"),
    "fa": ("persia (farsi)", "persiska", "Persian (Farsi)", "فارسی"),
    "prs": ("dari", "dari", "Dari", "دری"),
    "so": ("somali", "somaliska", "Somali", "Soomaali"),
    "ru": ("venäjä", "ryska", "Russian", "русский"),
    "uk": ("ukraina", "ukrainska", "Ukrainian", "українська"),
    "ckb": ("soranî (kurdi)", "sorani (kurdiska)", "Sorani Kurdish", "کوردیی ناوەندی"),
    "kmr": ("kurmandži (kurdi)", "kurmanji (kurdiska)", "Kurmanji Kurdish", "Kurmancî"),
    "ku": ("kurdi", "kurdiska", "Kurdish", "Kurdî"),
    "ti": ("tigrinja", "tigrinja", "Tigrinya", "ትግርኛ"),
    "sq": ("albania", "albanska", "Albanian", "shqip"),
    "bs": ("bosnia", "bosniska", "Bosnian", "bosanski"),
    "et": ("viro", "estniska", "Estonian", "eesti"),
    "ps": ("paštu", "pashto", "Pashto", "پښتو"),
    "tr": ("turkki", "turkiska", "Turkish", "Türkçe"),
    "fr": ("ranska", "franska", "French", "français"),
    "se": ("pohjoissaame", "nordsamiska", "Northern Sami", "davvisámegiella"),
    "fse": ("suomalainen viittomakieli", "finskt teckenspråk", "Finnish Sign Language", "viittomakieli"),
}


@cache
def _table() -> tuple[frozenset[str], frozenset[str], dict[str, str]]:
    rows = json.loads(DATA.read_text(encoding="utf-8"))["languages"]
    alpha3 = frozenset(row[0] for row in rows)
    alpha2 = frozenset(row[1] for row in rows if row[1])
    names = {row[0]: row[2] for row in rows} | {row[1]: row[2] for row in rows if row[1]}
    return alpha2, alpha3, names


def is_language_code(code: str) -> bool:
    """True for a lower-case ISO 639-1 (two letters) or ISO 639-3 (three letters) code."""
    alpha2, alpha3, _names = _table()
    return code in alpha2 if len(code) == 2 else (len(code) == 3 and code in alpha3)


def validate_language_code(code: str, *, field: str = "languages") -> str:
    """The code lower-cased, or a DomainError naming the field when it is not ISO 639-1/3."""
    normalised = (code or "").strip().lower()
    if not is_language_code(normalised):
        raise DomainError("unknown_language_code",
                          _("“%(code)s” is not an ISO 639-1 or ISO 639-3 language code.") % {"code": code},
                          field=field, params={"code": code})
    return normalised


def validate_language_codes(codes, *, field: str = "languages") -> list[str]:
    """Each code validated, duplicates removed, order kept."""
    result: list[str] = []
    for code in codes:
        normalised = validate_language_code(code, field=field)
        if normalised not in result:
            result.append(normalised)
    return result


def language_name(code: str, language: str | None = None) -> str:
    """The language's name in the UI language (fi/sv/en), or its ISO reference name."""
    language = (language or get_language() or "fi")[:2]
    if code in NAMES:
        fi, sv, en, _native = NAMES[code]
        return {"fi": fi, "sv": sv}.get(language, en)
    return _table()[2].get(code, code)


def native_name(code: str) -> str:
    """The language's name in itself, for choosing a language one reads."""
    return NAMES[code][3] if code in NAMES else _table()[2].get(code, code)

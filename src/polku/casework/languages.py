"""The languages and countries of origin that client work here meets, with their names in the UI languages.

Language codes are ISO 639-1 where one exists, else ISO 639-3 (Dari ``prs``, Sorani ``ckb``, Kurmanji
``kmr``); ``ku`` stays for "Kurdish, variety not known". Countries are ISO 3166-1 alpha-2, plus ``XK``
(Kosovo, the code the EU and CLDR use) and ``ZZ`` for "other or unknown" (CLDR's unknown region).

The English name is the gettext msgid; the Finnish and Swedish names are kept here as well, as the
source for the catalogues and as the fallback while a catalogue lacks the entry, so that a Finnish
screen never shows an English language name.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Named:
    """A code with its name in English (translatable), Finnish and Swedish."""

    code: str
    name_en: Promise
    name_fi: str
    name_sv: str
    rtl: bool = False

    @property
    def name(self) -> str:
        """The name in the active UI language."""
        english = str(self.name_en)
        translated = gettext(english)
        if translated != english:
            return translated
        language = (get_language() or "fi")[:2]
        return {"fi": self.name_fi, "sv": self.name_sv}.get(language, english)

    def __str__(self) -> str:
        return self.name


LANGUAGES: dict[str, Named] = {item.code: item for item in (
    Named("fi", _("Finnish"), "suomi", "finska"),
    Named("sv", _("Swedish"), "ruotsi", "svenska"),
    Named("en", _("English"), "englanti", "engelska"),
    Named("ar", _("Arabic"), "arabia", "arabiska", rtl=True),
    Named("fa", _("Persian (Farsi)"), "persia (farsi)", "persiska (farsi)", rtl=True),
    Named("prs", _("Dari"), "dari", "dari", rtl=True),
    Named("ps", _("Pashto"), "pašto", "pashto", rtl=True),
    Named("ckb", _("Kurdish (Sorani)"), "kurdi (sorani)", "kurdiska (sorani)", rtl=True),
    Named("kmr", _("Kurdish (Kurmanji)"), "kurdi (kurmandži)", "kurdiska (kurmanji)"),
    Named("ku", _("Kurdish (variety not known)"), "kurdi (muoto ei tiedossa)", "kurdiska (varietet okänd)"),
    Named("so", _("Somali"), "somali", "somaliska"),
    Named("ti", _("Tigrinya"), "tigrinja", "tigrinja"),
    Named("am", _("Amharic"), "amhara", "amhariska"),
    Named("ru", _("Russian"), "venäjä", "ryska"),
    Named("uk", _("Ukrainian"), "ukraina", "ukrainska"),
    Named("sq", _("Albanian"), "albania", "albanska"),
    Named("bs", _("Bosnian"), "bosnia", "bosniska"),
    Named("hr", _("Croatian"), "kroatia", "kroatiska"),
    Named("sr", _("Serbian"), "serbia", "serbiska"),
    Named("et", _("Estonian"), "viro", "estniska"),
    Named("tr", _("Turkish"), "turkki", "turkiska"),
    Named("fr", _("French"), "ranska", "franska"),
    Named("es", _("Spanish"), "espanja", "spanska"),
    Named("zh", _("Chinese"), "kiina", "kinesiska"),
    Named("vi", _("Vietnamese"), "vietnam", "vietnamesiska"),
    Named("th", _("Thai"), "thai", "thailändska"),
    Named("my", _("Burmese"), "burma", "burmesiska"),
)}

COUNTRIES: dict[str, Named] = {item.code: item for item in (
    Named("IQ", _("Iraq"), "Irak", "Irak"),
    Named("SY", _("Syria"), "Syyria", "Syrien"),
    Named("AF", _("Afghanistan"), "Afganistan", "Afghanistan"),
    Named("SO", _("Somalia"), "Somalia", "Somalia"),
    Named("IR", _("Iran"), "Iran", "Iran"),
    Named("ER", _("Eritrea"), "Eritrea", "Eritrea"),
    Named("ET", _("Ethiopia"), "Etiopia", "Etiopien"),
    Named("RU", _("Russia"), "Venäjä", "Ryssland"),
    Named("UA", _("Ukraine"), "Ukraina", "Ukraina"),
    Named("XK", _("Kosovo"), "Kosovo", "Kosovo"),
    Named("AL", _("Albania"), "Albania", "Albanien"),
    Named("BA", _("Bosnia and Herzegovina"), "Bosnia ja Hertsegovina", "Bosnien och Hercegovina"),
    Named("RS", _("Serbia"), "Serbia", "Serbien"),
    Named("TR", _("Turkey"), "Turkki", "Turkiet"),
    Named("CD", _("DR Congo"), "Kongon demokraattinen tasavalta", "Demokratiska republiken Kongo"),
    Named("MM", _("Myanmar"), "Myanmar", "Myanmar"),
    Named("SD", _("Sudan"), "Sudan", "Sudan"),
    Named("SS", _("South Sudan"), "Etelä-Sudan", "Sydsudan"),
    Named("YE", _("Yemen"), "Jemen", "Jemen"),
    Named("PS", _("Palestine"), "Palestiina", "Palestina"),
    Named("ZZ", _("Other or unknown"), "muu tai ei tiedossa", "annat eller okänt"),
)}


def language_name(code: str) -> str:
    """The language's name in the UI language; an unknown code is shown as it is."""
    item = LANGUAGES.get(code)
    return item.name if item else code


def country_name(code: str) -> str:
    """The country's name in the UI language; an unknown code is shown as it is."""
    item = COUNTRIES.get(code)
    return item.name if item else code


def is_rtl(code: str) -> bool:
    """True for a language written right to left (Arabic, Persian, Dari, Pashto, Sorani)."""
    item = LANGUAGES.get(code)
    return bool(item and item.rtl)


def language_choices() -> list[tuple[str, str]]:
    """(code, name) pairs for a select, sorted by name in the UI language."""
    return sorted(((code, item.name) for code, item in LANGUAGES.items()), key=lambda pair: pair[1].casefold())


def country_choices() -> list[tuple[str, str]]:
    """(code, name) pairs for a select, sorted by name with "other or unknown" last."""
    named = sorted(((c, item.name) for c, item in COUNTRIES.items() if c != "ZZ"), key=lambda p: p[1].casefold())
    return [*named, ("ZZ", COUNTRIES["ZZ"].name)]

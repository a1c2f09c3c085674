"""The Finnish and Swedish catalogues: complete for the finished apps, placeholders intact, pages really translated.

Finnish is the default UI language and Swedish the other national language (Language Act 423/2003), so an
untranslated label is a defect a user meets, not a cosmetic issue. The catalogues are read with a small parser
of our own (no polib dependency) so the test can say exactly which entry is wrong.
"""

from __future__ import annotations

import gettext
import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import make_user

LOCALE_DIR = Path(__file__).resolve().parents[2] / "src" / "polku" / "locale"
LANGUAGES = ("fi", "sv")
# Apps whose strings must be fully translated; other apps are still being written and are only reported.
FINISHED_PREFIXES = ("core/", "casework/", "templates/", "settings.py")
# %(name)s, %(seconds).1f, %s, %d; `%%` is a literal percent sign and no placeholder.
PERCENT_PLACEHOLDER = re.compile(r"%%|%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[-#0 +]*\d*(?:\.\d+)?[sdifr]")
# A Django template variable left inside a msgid would show up raw in the page.
TEMPLATE_PLACEHOLDER = re.compile(r"\{\{\s*[\w.]+\s*\}\}")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    references: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def empty(self) -> bool:
        return not self.msgstr or any(not text for text in self.msgstr.values())

    @property
    def apps(self) -> set[str]:
        """The top-level folders (app or `templates`) the references point into."""
        return {reference.split("/", 1)[0] for reference in self.references}

    def is_in(self, prefixes: tuple[str, ...]) -> bool:
        return any(reference.startswith(prefixes) for reference in self.references)


def _unquote(text: str) -> str:
    """A PO string literal's content, with the C escapes gettext uses."""
    body = text.strip()
    assert body.startswith('"') and body.endswith('"'), f"not a PO string: {text!r}"
    return re.sub(r'\\(["\\ntr])', lambda m: {"n": "\n", "t": "\t", "r": "\r"}.get(m[1], m[1]), body[1:-1])


def parse_po(path: Path) -> list[Entry]:
    """Every live entry of a PO file (the header and obsolete `#~` entries left out)."""
    entries: list[Entry] = []
    current = Entry()
    target: tuple[str, int | None] | None = None
    seen_msgid = False

    def finish() -> None:
        nonlocal current, target, seen_msgid
        if seen_msgid and current.msgid:
            entries.append(current)
        current, target, seen_msgid = Entry(), None, False

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#:"):
            if seen_msgid:
                finish()
            current.references += [ref.rsplit(":", 1)[0] for ref in line[2:].split()]
        elif line.startswith("#,"):
            current.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith("msgctxt "):
            if seen_msgid:
                finish()
            current.msgctxt, target = _unquote(line[8:]), ("msgctxt", None)
        elif line.startswith("msgid_plural "):
            current.msgid_plural, target = _unquote(line[13:]), ("msgid_plural", None)
        elif line.startswith("msgid "):
            if seen_msgid:
                finish()
            current.msgid, target, seen_msgid = _unquote(line[6:]), ("msgid", None), True
        elif line.startswith("msgstr["):
            index = int(line[7:line.index("]")])
            current.msgstr[index], target = _unquote(line[line.index("]") + 1:]), ("msgstr", index)
        elif line.startswith("msgstr "):
            current.msgstr[0], target = _unquote(line[7:]), ("msgstr", 0)
        elif line.startswith('"') and target is not None:
            name, index = target
            if name == "msgstr":
                current.msgstr[index] += _unquote(line)
            else:
                setattr(current, name, getattr(current, name) + _unquote(line))
        else:
            raise AssertionError(f"{path.name}: cannot parse line {raw!r}")
    finish()
    return entries


def placeholders(text: str, *, python_format: bool) -> Counter:
    """The placeholders a string uses; bare %s/%d count only in python-format strings, where they are live."""
    found = Counter(TEMPLATE_PLACEHOLDER.findall(text))
    for match in PERCENT_PLACEHOLDER.findall(text):
        if match != "%%" and (python_format or match.startswith("%(")):
            found[match] += 1
    return found


def catalogue(language: str) -> list[Entry]:
    return parse_po(LOCALE_DIR / language / "LC_MESSAGES" / "django.po")


# --- the parser itself: the checks below are only as good as it is


def test_the_parser_reads_references_flags_plurals_and_continued_strings(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: fi\\n"\n\n'
        '#: casework/views.py:10 referrals/x.html:3\n#, fuzzy, python-format\nmsgid "Hello %(name)s"\n'
        'msgstr ""\n"Hei "\n"%(name)s"\n\n'
        '#: core/a.py:1\nmsgid "One \\"quoted\\" %(n)s"\nmsgid_plural "Many %(n)s"\nmsgstr[0] "Yksi"\nmsgstr[1] ""\n\n'
        '#~ msgid "Gone"\n#~ msgstr "Poissa"\n', encoding="utf-8")

    first, second = parse_po(po)

    assert (first.msgid, first.msgstr, first.fuzzy) == ("Hello %(name)s", {0: "Hei %(name)s"}, True)
    assert first.apps == {"casework", "referrals"} and first.is_in(("casework/",))
    assert second.msgid == 'One "quoted" %(n)s' and second.msgid_plural == "Many %(n)s"
    assert second.empty and not second.fuzzy and not second.is_in(("casework/",))


def test_placeholders_are_found_in_every_form_django_writes():
    text = "%(name)s took %(seconds).1f s; 50%% done; %s and {{ count }}"

    assert placeholders(text, python_format=True) == Counter(
        {"%(name)s": 1, "%(seconds).1f": 1, "%s": 1, "{{ count }}": 1})
    assert "%s" not in placeholders(text, python_format=False)


# --- (a) completeness


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_of_the_finished_apps_is_translated_and_reviewed(language):
    entries = catalogue(language)
    assert entries, f"the {language} catalogue is empty"
    per_app: dict[str, Counter] = {}
    for entry in entries:
        for app in entry.apps:
            counts = per_app.setdefault(app, Counter())
            counts["total"] += 1
            counts["fuzzy"] += entry.fuzzy
            counts["empty"] += entry.empty and not entry.fuzzy
    # Shown with -s (or on failure): how far the apps still being written are.
    for app, counts in sorted(per_app.items()):
        print(f"{language} {app}: {counts['total']} entries, {counts['empty']} empty, {counts['fuzzy']} fuzzy")

    missing = [entry.msgid for entry in entries if entry.is_in(FINISHED_PREFIXES) and (entry.empty or entry.fuzzy)]

    assert missing == [], f"{language}: {len(missing)} untranslated or fuzzy strings in core/casework/templates"


# --- (b) placeholders


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_translation_keeps_the_placeholders_of_its_msgid(language):
    wrong = []
    for entry in catalogue(language):
        python_format = "python-format" in entry.flags
        sources = [entry.msgid] if entry.msgid_plural is None else [entry.msgid, entry.msgid_plural]
        for index, text in entry.msgstr.items():
            if not text:
                continue
            # Form 0 of a plural answers the singular msgid, every other form the plural one.
            source = sources[min(index, len(sources) - 1)]
            if placeholders(text, python_format=python_format) != placeholders(source, python_format=python_format):
                wrong.append((entry.msgid, index, text))

    assert wrong == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_plural_entries_have_both_forms_finnish_and_swedish_need(language):
    header = (LOCALE_DIR / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header

    wrong = [entry.msgid for entry in catalogue(language)
             if entry.msgid_plural is not None and not entry.empty and sorted(entry.msgstr) != [0, 1]]

    assert wrong == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_matches_the_po_file(language):
    """A .po edited without compilemessages leaves the UI in English; the .mo must hold every translation."""
    with (LOCALE_DIR / language / "LC_MESSAGES" / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in catalogue(language):
        if entry.fuzzy or entry.empty:
            continue
        if entry.msgid_plural is None:
            shown = [compiled.gettext(entry.msgid) if entry.msgctxt is None
                     else compiled.pgettext(entry.msgctxt, entry.msgid)]
        else:
            # plural=(n != 1): n=1 selects form 0 and n=2 form 1.
            shown = [compiled.ngettext(entry.msgid, entry.msgid_plural, n) if entry.msgctxt is None
                     else compiled.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n) for n in (1, 2)]
        if shown != [entry.msgstr[index] for index in sorted(entry.msgstr)]:
            stale.append(entry.msgid)

    assert stale == [], "run `polku compilemessages` from src/polku"


# --- (c) rendered pages


class _VisibleText(HTMLParser):
    """The labels, headings, buttons, captions and accessible names a page shows, one string each."""

    CONTAINERS = {"label", "legend", "h1", "h2", "h3", "th", "button", "caption", "a", "option", "summary", "dt",
                  "p"}
    NAMED = ("aria-label", "title", "placeholder")

    def __init__(self, language: str) -> None:
        super().__init__()
        self.language = language
        self.texts: list[str] = []
        self._open: list[tuple[list[str], bool]] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in self.NAMED and value:
                self.texts.append(value.strip())
        if tag == "input":
            value = dict(attrs).get("value")
            if dict(attrs).get("type") in ("submit", "button") and value:
                self.texts.append(value.strip())
        if tag in self.CONTAINERS:
            # Text marked as another language is meant to be in it: the language switch names each language
            # in that language ("English"), and client-language texts are the client's.
            lang = dict(attrs).get("lang")
            self._open.append(([], bool(lang) and not lang.startswith(self.language)))

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1
        if tag in self.CONTAINERS and self._open:
            bucket, foreign = self._open.pop()
            text = " ".join("".join(bucket).split())
            if text and not foreign:
                self.texts.append(text)

    def handle_data(self, data):
        if self._skip or any(foreign for _, foreign in self._open):
            return
        for bucket, _ in self._open:
            bucket.append(data)


def _shown(html: str, language: str) -> list[str]:
    parser = _VisibleText(language)
    parser.feed(html)
    return parser.texts


def _page(client, url: str, language: str) -> str:
    response = client.get(url, {"lang": language})
    assert response.status_code == 200
    assert response.headers["Content-Language"] == language
    return response.content.decode()


# Labels a Finnish user must never meet in English on these two pages.
ENGLISH_LABELS = ("Given names", "Family name", "Preferred language", "Personal identity code", "Date of birth",
                  "Needs an interpreter", "Register a client", "My clients", "Save", "Register", "Search", "Clear",
                  "Name as the client writes it", "Last meeting", "Next meeting", "Needs attention",
                  "Show only clients who", "Languages the client speaks")


@pytest.fixture
def signed_in(client, organisation):
    user = make_user(role="professional", profession="nurse", organisation=organisation)
    client.force_login(user)
    return client


@pytest.mark.parametrize("url_name", ["casework:my_clients", "casework:client_register"])
@pytest.mark.parametrize(("language", "expected"), [("fi", ("Omat asiakkaat", "Kirjaa asiakas")),
                                                    ("sv", ("Mina klienter", "Registrera en klient"))])
def test_client_list_and_register_form_show_no_english_label(signed_in, url_name, language, expected):
    url = reverse(url_name)
    english = set(_shown(_page(signed_in, url, "en"), "en"))
    html = _page(signed_in, url, language)
    shown = _shown(html, language)
    # Everything the catalogue translates differently must be gone; names identical in both languages
    # (e.g. "Polku", "Dari") and data (organisation and user names) are not catalogue strings that differ.
    with translation.override(language):
        translatable = {text for text in english if translation.gettext(text) != text}

    leftovers = sorted({text for text in shown if text in translatable})
    hard_coded = sorted({label for label in ENGLISH_LABELS if re.search(rf"(?<![\w-]){re.escape(label)}(?![\w-])",
                                                                         " | ".join(shown))})

    assert any(text in shown for text in expected), f"the {language} page does not look {language} at all"
    assert leftovers == []
    assert hard_coded == []


def test_the_english_page_still_shows_the_english_labels(signed_in):
    """The check above must be able to fail: in English the same labels are there."""
    shown = " | ".join(_shown(_page(signed_in, reverse("casework:client_register"), "en"), "en"))

    assert "Preferred language" in shown and "Register a client" in shown

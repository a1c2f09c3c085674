"""Text normalisation for search: Finnish base forms and compound parts, Swedish and English stems.

One function, `word_forms`, turns a word into its *forms*: the lexeme of the whole word plus, for a
Finnish compound, the lexemes of its parts ("lapsiperheille" -> whole "lapsiperhe", parts "lapsi",
"perhe"). Indexing and querying both go through it, so an inflected query meets the base form in the
index and a compound meets its parts.

Two Finnish analysers, chosen once per process:

* **Voikko** (libvoikko + the voikko-fi dictionary, Debian packages `libvoikko1 voikko-fi`, Python binding
  `libvoikko`): real morphology, as the City of Helsinki's service map uses.
* **Fallback** (pure Python): the Snowball Finnish stemmer, a few rules that fold Finnish stem
  alternations (masennus/masennukse-, pakolainen/pakolaise-) onto one key, and a compound splitter
  against a vocabulary of compound parts shipped in data/fi_compound_parts.txt. Less exact, but the
  embedded demo works without any system package.

The index records which analyser built it (SearchIndexState); lexemes of the two never mix.
"""

from __future__ import annotations

import ctypes.util
import os
import re
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import snowballstemmer

WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)
DATA = Path(__file__).resolve().parent / "data"
MIN_PART = 3  # shorter compound parts are noise ("ala-" in "alaikäinen" is kept only by Voikko)

STOPWORDS = frozenset((
    "ja", "tai", "sekä", "on", "ei", "se", "ne", "että", "kun", "jos", "mutta", "myös", "vain", "kuin", "joka",
    "jotka", "mikä", "mitä", "tämä", "nämä", "hän", "he", "me", "te", "olla", "oli", "ovat", "sen", "sitä", "siitä",
    "siinä", "niin", "kanssa", "ilman", "mukaan", "kautta", "varten", "noin", "eri", "yli", "alle", "och", "eller",
    "att", "det", "den", "som", "är", "för", "med", "på", "av", "till", "från", "en", "ett", "de", "inte", "and",
    "or", "the", "a", "an", "of", "to", "for", "in", "on", "at", "by", "with", "from", "is", "are", "be", "as",
    "that", "this", "it", "not",
))


@dataclass(frozen=True)
class WordForms:
    """The forms of one word: `whole` lexemes (alternative analyses) and compound `parts` (all needed)."""

    whole: tuple[str, ...]
    parts: tuple[tuple[str, ...], ...] = ()

    def all(self) -> set[str]:
        forms = set(self.whole)
        for part in self.parts:
            forms.update(part)
        return forms


def words(text: str) -> list[str]:
    """The lower-case words of a text, letters and digits only (no operator ever survives)."""
    return [match.group(0).lower() for match in WORD_RE.finditer(text or "")]


# --- Voikko -------------------------------------------------------------------------------------------

_forced: list[str] = []  # set by `forced_normaliser` (tests, benchmarks); empty = Voikko when installed


@cache
def _voikko_handle():
    """A Voikko handle for Finnish, or None when the library or its dictionary is missing (or disabled)."""
    if os.environ.get("POLKU_SEARCH_NORMALISER", "").lower() == "fallback":
        return None
    # Without the shared library, constructing Voikko fails halfway and its __del__ then prints a traceback
    # ("no attribute '_Voikko__handle'") into every command's output: look for the library first.
    if ctypes.util.find_library("voikko") is None:
        return None
    try:
        import libvoikko

        return libvoikko.Voikko("fi")
    except Exception:  # noqa: BLE001 -- OSError (no .so), ImportError, VoikkoException (no dictionary)
        return None


def _voikko():
    return None if _forced and _forced[-1] == "snowball-fallback" else _voikko_handle()


def voikko_available() -> bool:
    """Whether libvoikko and the Finnish dictionary can be loaded in this process."""
    return _voikko_handle() is not None


@contextmanager
def forced_normaliser(name: str):
    """Run with the named normaliser ('voikko' or 'snowball-fallback'); the index must be rebuilt inside."""
    if name == "voikko" and not voikko_available():
        raise RuntimeError("Voikko is not installed")
    _forced.append(name)
    try:
        yield
    finally:
        _forced.pop()


def _split_structure(word: str, structure: str) -> list[str]:
    """Cut the surface word at Voikko's compound boundaries ('=' in STRUCTURE marks a new part)."""
    parts: list[str] = []
    current = ""
    position = 0
    for mark in structure:
        if mark == "=":
            if current:
                parts.append(current)
            current = ""
            continue
        if position < len(word):
            current += word[position]
            position += 1
    if current:
        parts.append(current)
    if position < len(word) and parts:
        parts[-1] += word[position:]
    return parts


@lru_cache(maxsize=200_000)
def _voikko_forms(word: str) -> WordForms:
    voikko = _voikko()
    analyses = voikko.analyze(word)
    if not analyses:
        return WordForms(whole=(word,))
    whole: list[str] = []
    parts: list[tuple[str, ...]] = []
    for analysis in analyses[:3]:
        base = (analysis.get("BASEFORM") or word).lower()
        if base not in whole:
            whole.append(base)
        segments = _split_structure(word, analysis.get("STRUCTURE", ""))
        if len(segments) < 2 or parts:
            continue
        consumed = 0
        for index, segment in enumerate(segments):
            if index == len(segments) - 1:
                # The last part carries the inflection; its base form is the rest of the base form.
                prefix = "".join(segments[:-1])
                segment_base = base[len(prefix):] if base.startswith(prefix) else _voikko_base(segment)
            else:
                segment_base = _voikko_base(segment)
            consumed += len(segment)
            if len(segment_base) >= MIN_PART:
                parts.append((segment_base,))
    return WordForms(whole=tuple(whole), parts=tuple(dict.fromkeys(parts)) if len(parts) > 1 else ())


@lru_cache(maxsize=50_000)
def _voikko_base(segment: str) -> str:
    analyses = _voikko().analyze(segment)
    return (analyses[0].get("BASEFORM") or segment).lower() if analyses else segment


# --- Fallback: Snowball + folding rules + compound splitter ------------------------------------------

_STEMMERS = {code: snowballstemmer.stemmer(name) for code, name in
             (("fi", "finnish"), ("sv", "swedish"), ("en", "english"))}
_VOWELS = "aeiouyäöå"
# Stems that inflection changes beyond what the rules fold (consonant gradation, irregular stems).
_IRREGULAR = {"lapsi": "laps", "lap": "laps", "lapse": "laps", "lasten": "laps", "last": "laps", "las": "laps",
              "mies": "mies", "miehe": "mies", "nais": "nais", "nain": "nais"}


def _fold(stem: str, word: str) -> str:
    """Fold Finnish stem alternations onto one key: -nen/-se-, -us/-ukse-, -ys/-yde-, final vowels."""
    if stem in _IRREGULAR:
        return _IRREGULAR[stem]
    if word.endswith("nen") and stem.endswith("n") and len(stem) > 4:
        stem = stem[:-1] + "s"  # pakolainen -> pakolais, as in pakolaisille
    for tail in ("ks", "s", "t", "d", "m", "n"):
        if stem.endswith(tail) and len(stem) - len(tail) >= 5:
            stem = stem[: -len(tail)]
            break
    while len(stem) > 4 and stem[-1] in _VOWELS:
        stem = stem[:-1]
    # Gradation: kk/k, pp/p, tt/t fold to the single consonant.
    stem = re.sub(r"(kk|pp|tt)(?=[^kpt]*$)", lambda m: m.group(0)[0], stem)
    return _IRREGULAR.get(stem, stem)


@lru_cache(maxsize=200_000)
def _fallback_key(word: str) -> str:
    return _fold(_STEMMERS["fi"].stemWord(word), word)


@cache
def _compound_parts() -> tuple[tuple[str, str], ...]:
    """(surface prefix, key) pairs, longest prefix first, from the shipped vocabulary."""
    pairs = []
    for line in (DATA / "fi_compound_parts.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        surface, _sep, base = line.partition("=")
        surface = surface.strip().lower()
        pairs.append((surface, _fallback_key(base.strip().lower() or surface)))
    return tuple(sorted(set(pairs), key=lambda pair: -len(pair[0])))


def _split_fallback(word: str, depth: int = 0) -> list[str]:
    """Keys of the compound parts of `word`, found as known prefixes; [] when it is not a compound.

    The rest after a prefix must be a known part or look like a word of its own (a key of four letters
    or more), so that a case ending ("lapsi|lle") is never taken for a compound part.
    """
    if depth > 3:
        return []
    known = dict(_compound_parts())
    for surface, key in _compound_parts():
        rest = word[len(surface):]
        if not rest or not word.startswith(surface):
            continue
        if rest in known:
            return [key, known[rest]]
        if len(rest) >= 4 and len(_fallback_key(rest)) >= 4:
            tail = _split_fallback(rest, depth + 1)
            return [key, *(tail or [_fallback_key(rest)])]
    return []


@lru_cache(maxsize=200_000)
def _fallback_forms(word: str) -> WordForms:
    parts = _split_fallback(word)
    return WordForms(whole=(_fallback_key(word),),
                     parts=tuple((part,) for part in dict.fromkeys(parts)) if len(parts) > 1 else ())


# --- Public API -----------------------------------------------------------------------------------

def normaliser_name() -> str:
    """Which Finnish analyser runs in this process: 'voikko' or 'snowball-fallback'."""
    return "voikko" if _voikko() is not None else "snowball-fallback"


def word_forms(word: str, language: str) -> WordForms:
    """The forms of one lower-case word of a text in `language` (fi/sv/en)."""
    if language == "fi":
        return _voikko_forms(word) if _voikko() is not None else _fallback_forms(word)
    return WordForms(whole=(_STEMMERS.get(language, _STEMMERS["en"]).stemWord(word),))


def text_lexemes(text: str, language: str) -> list[str]:
    """Every lexeme of a text (whole words and compound parts), stop words left out, order kept."""
    lexemes: list[str] = []
    for word in words(text):
        if word in STOPWORDS:
            continue
        forms = word_forms(word, language)
        lexemes.extend(forms.whole)
        for part in forms.parts:
            lexemes.extend(part)
    return lexemes


def query_forms(word: str) -> WordForms:
    """A query word's forms in every UI language: the user may type Finnish, Swedish or English."""
    finnish = word_forms(word, "fi")
    others = tuple(word_forms(word, code).whole[0] for code in ("sv", "en"))
    whole = tuple(dict.fromkeys((*finnish.whole, *others, word)))
    return WordForms(whole=whole, parts=finnish.parts)

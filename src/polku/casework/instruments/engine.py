"""Screening instruments: FHIR R4 Questionnaire definitions in, frozen scoring results out.

Definitions live in ``definitions/<code>.json`` as FHIR R4 Questionnaire resources:

* items of type ``choice`` are scored; each ``answerOption`` carries the ordinal in the standard
  ``http://hl7.org/fhir/StructureDefinition/ordinalValue`` extension (on the option, or on its
  ``valueCoding``); ``display`` items carry instructions and are never scored;
* the primary ``text`` (and ``title``, answer ``display``) is English; other languages sit in the
  standard translation extension on ``_text`` (sub-extensions ``lang`` and ``content``);
* ``https://polku.example/fhir/StructureDefinition/text-licence`` (valueCode ``free`` or
  ``licensed``) says whether Polku may ship the item texts; licensed definitions have none until an
  organisation with a licence runs :func:`import_licensed_texts`;
* the scoring rules are one Polku extension on the Questionnaire (chosen over a sibling
  ``x-polku-scoring`` key so the files stay valid FHIR), ``SCORING_URL``, with sub-extensions:

  - ``scale`` (0..*): ``code`` (valueCode) and one ``item`` (valueString linkId) per item; the scale
    coded ``total`` is the total, the others are subscales (e.g. the PCL-5 clusters); without a
    ``total`` scale the total is the sum of all choice items;
  - ``band`` (0..*): ``min``, ``max`` (valueInteger, inclusive) and ``code``; bands tile the range
    of the total exactly;
  - ``positive`` (1..*) and ``safety`` (0..*): ``scale`` (valueCode) or ``item`` (valueString) and
    ``min`` (valueInteger); the result is positive (or safety-flagged) when ANY rule is met.

Scoring is pure: no I/O, no Django, and nothing partial — a missing, unknown or out-of-range answer
raises :class:`ScoringError` before anything is summed.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any, Literal

SCORING_URL = "https://polku.example/fhir/StructureDefinition/scoring"
TEXT_LICENCE_URL = "https://polku.example/fhir/StructureDefinition/text-licence"
TRANSLATION_URL = "http://hl7.org/fhir/StructureDefinition/translation"
ORDINAL_VALUE_URL = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
PRIMARY_LANGUAGE = "en"
TOTAL_SCALE = "total"
_LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


class InstrumentError(ValueError):
    """An instrument definition or text import broke a rule; ``code`` is stable for translation."""

    def __init__(self, code: str, message: str, params: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.params: dict[str, Any] = dict(params or {})


class ScoringError(InstrumentError):
    """Answers cannot be scored: ``missing_items``, ``unknown_items`` or ``out_of_range``."""


@dataclass(frozen=True)
class AnswerOption:
    """One allowed answer: its coding and the ordinal value that is summed."""

    code: str
    system: str | None
    ordinal: int
    displays: Mapping[str, str] = field(hash=False)


@dataclass(frozen=True)
class Item:
    """A questionnaire item; ``choice`` items are scored, ``display`` items are instructions."""

    link_id: str
    kind: Literal["choice", "display"]
    prefix: str | None
    texts: Mapping[str, str] = field(hash=False)
    answer_options: tuple[AnswerOption, ...] = ()

    @property
    def allowed_values(self) -> tuple[int, ...]:
        """The ordinal values an answer to this item may take, ascending."""
        return tuple(sorted({option.ordinal for option in self.answer_options}))


@dataclass(frozen=True)
class Band:
    """An inclusive range of the total with its label code (e.g. ``moderate``)."""

    min: int
    max: int
    code: str


@dataclass(frozen=True)
class Rule:
    """Met when the named scale (or single item) reaches ``min``."""

    min: int
    scale: str | None = None
    item: str | None = None


@dataclass(frozen=True)
class Instrument:
    """A parsed, validated instrument definition; ``as_fhir()`` gives the Questionnaire back."""

    code: str
    url: str
    name: str
    titles: Mapping[str, str] = field(hash=False)
    loinc_code: str | None
    texts_licensed: bool
    items: tuple[Item, ...]
    total_link_ids: tuple[str, ...]
    subscales: Mapping[str, tuple[str, ...]] = field(hash=False)
    bands: tuple[Band, ...]
    positive_rules: tuple[Rule, ...]
    safety_rules: tuple[Rule, ...]
    copyright: str
    fhir_json: str = field(repr=False, compare=False)

    @property
    def title(self) -> str:
        """The English title."""
        return self.titles.get(PRIMARY_LANGUAGE, self.name)

    @property
    def scored_items(self) -> tuple[Item, ...]:
        """The items an answer set must cover."""
        return tuple(item for item in self.items if item.kind == "choice")

    def item(self, link_id: str) -> Item:
        """The item with this linkId (KeyError if there is none)."""
        for item in self.items:
            if item.link_id == link_id:
                return item
        raise KeyError(link_id)

    def as_fhir(self) -> dict[str, Any]:
        """A fresh copy of the definition as a FHIR R4 Questionnaire dict."""
        return json.loads(self.fhir_json)


@dataclass(frozen=True)
class ScoreResult:
    """The outcome of scoring one complete answer set."""

    instrument: str
    total: int
    band: str | None
    positive: bool
    safety_flag: bool
    subscales: Mapping[str, int] = field(hash=False)
    items_answered: int


# ---------------------------------------------------------------------------------------- loading


def _fail(message: str, **params: Any) -> InstrumentError:
    return InstrumentError("invalid_definition", message, params)


def _sub(extension: Mapping[str, Any], url: str) -> list[Mapping[str, Any]]:
    return [ext for ext in extension.get("extension", []) if ext.get("url") == url]


def _one_value(extension: Mapping[str, Any], url: str, value_key: str) -> Any:
    found = _sub(extension, url)
    if len(found) != 1 or value_key not in found[0]:
        raise _fail(f"The extension needs exactly one '{url}' with {value_key}.", url=url)
    return found[0][value_key]


def _texts(element: Mapping[str, Any], key: str) -> Mapping[str, str]:
    """Primary (English) text plus its translations, as language → text."""
    texts: dict[str, str] = {}
    if element.get(key):
        texts[PRIMARY_LANGUAGE] = element[key]
    for ext in element.get("_" + key, {}).get("extension", []):
        if ext.get("url") == TRANSLATION_URL:
            texts[_one_value(ext, "lang", "valueCode")] = _one_value(ext, "content", "valueString")
    return MappingProxyType(texts)


def _ordinal(option: Mapping[str, Any], link_id: str) -> int:
    holders = (option, option.get("valueCoding", {}))
    values = [
        ext.get("valueDecimal", ext.get("valueInteger"))
        for holder in holders
        for ext in holder.get("extension", [])
        if ext.get("url") == ORDINAL_VALUE_URL
    ]
    if len(values) != 1 or not isinstance(values[0], int | float) or values[0] != int(values[0]):
        raise _fail(f"Every answer option of item '{link_id}' needs one integral ordinal value.", link_id=link_id)
    return int(values[0])


def _item(raw: Mapping[str, Any]) -> Item:
    link_id = raw.get("linkId")
    kind = raw.get("type")
    if not isinstance(link_id, str) or kind not in ("choice", "display"):
        raise _fail("Items need a linkId and type 'choice' or 'display'.", link_id=link_id, type=kind)
    if any("valueCoding" not in option for option in raw.get("answerOption", [])):
        raise _fail(f"Answer options of item '{link_id}' must be codings.", link_id=link_id)
    options = tuple(
        AnswerOption(
            code=option["valueCoding"]["code"],
            system=option["valueCoding"].get("system"),
            ordinal=_ordinal(option, link_id),
            displays=_texts(option["valueCoding"], "display"),
        )
        for option in raw.get("answerOption", [])
    )
    if kind == "choice" and not options:
        raise _fail(f"Choice item '{link_id}' has no answer options.", link_id=link_id)
    return Item(link_id=link_id, kind=kind, prefix=raw.get("prefix"), texts=_texts(raw, "text"), answer_options=options)


def _rule(ext: Mapping[str, Any], scales: Mapping[str, tuple[str, ...]], items: set[str]) -> Rule:
    rule = Rule(
        min=_one_value(ext, "min", "valueInteger"),
        scale=next((e["valueCode"] for e in _sub(ext, "scale")), None),
        item=next((e["valueString"] for e in _sub(ext, "item")), None),
    )
    if (
        (rule.scale is None) == (rule.item is None)
        or (rule.scale and rule.scale not in scales)
        or (rule.item and rule.item not in items)
    ):
        raise _fail("A rule needs exactly one known scale or item.", scale=rule.scale, item=rule.item)
    return rule


def _range(link_ids: Iterable[str], by_id: Mapping[str, Item]) -> tuple[int, int]:
    values = [by_id[link_id].allowed_values for link_id in link_ids]
    return sum(v[0] for v in values), sum(v[-1] for v in values)


def parse_instrument(resource: Mapping[str, Any]) -> Instrument:
    """Validate a FHIR Questionnaire dict with a Polku scoring extension into an Instrument."""
    if resource.get("resourceType") != "Questionnaire" or not resource.get("id"):
        raise _fail("The definition must be a Questionnaire with an id.")
    items = tuple(_item(raw) for raw in resource.get("item", []))
    by_id = {item.link_id: item for item in items}
    if len(by_id) != len(items):
        raise _fail("Item linkIds must be unique.")
    choice_ids = tuple(item.link_id for item in items if item.kind == "choice")
    extensions = resource.get("extension", [])
    scoring = [ext for ext in extensions if ext.get("url") == SCORING_URL]
    licence = [ext.get("valueCode") for ext in extensions if ext.get("url") == TEXT_LICENCE_URL]
    if len(scoring) != 1 or licence not in (["free"], ["licensed"]):
        raise _fail("The definition needs one scoring and one text-licence extension.")
    scales: dict[str, tuple[str, ...]] = {TOTAL_SCALE: choice_ids}
    for ext in _sub(scoring[0], "scale"):
        link_ids = tuple(e["valueString"] for e in _sub(ext, "item"))
        if not link_ids or not set(link_ids) <= set(choice_ids):
            raise _fail("A scale must list choice items only.", link_ids=list(link_ids))
        scales[_one_value(ext, "code", "valueCode")] = link_ids
    bands = tuple(
        Band(
            min=_one_value(e, "min", "valueInteger"),
            max=_one_value(e, "max", "valueInteger"),
            code=_one_value(e, "code", "valueCode"),
        )
        for e in _sub(scoring[0], "band")
    )
    lowest, highest = _range(scales[TOTAL_SCALE], by_id)
    expected_start = lowest
    for band in sorted(bands, key=lambda b: b.min):
        if band.min != expected_start or band.max < band.min:
            raise _fail("Bands must tile the range of the total without gaps or overlaps.", band=band.code)
        expected_start = band.max + 1
    if bands and expected_start != highest + 1:
        raise _fail("Bands must cover the whole range of the total.", lowest=lowest, highest=highest)
    positive = tuple(_rule(e, scales, set(choice_ids)) for e in _sub(scoring[0], "positive"))
    if not positive:
        raise _fail("The definition needs at least one positive rule.")
    safety = tuple(_rule(e, scales, set(choice_ids)) for e in _sub(scoring[0], "safety"))
    loinc = [c["code"] for c in resource.get("code", []) if c.get("system") == "http://loinc.org"]
    return Instrument(
        code=resource["id"],
        url=resource.get("url", ""),
        name=resource.get("name", resource["id"]),
        titles=_texts(resource, "title"),
        loinc_code=loinc[0] if loinc else None,
        texts_licensed=licence == ["licensed"],
        items=items,
        total_link_ids=scales[TOTAL_SCALE],
        subscales=MappingProxyType({code: ids for code, ids in scales.items() if code != TOTAL_SCALE}),
        bands=tuple(sorted(bands, key=lambda b: b.min)),
        positive_rules=positive,
        safety_rules=safety,
        copyright=resource.get("copyright", ""),
        fhir_json=json.dumps(resource, ensure_ascii=False, sort_keys=True),
    )


@cache
def _bundled() -> Mapping[str, Instrument]:
    folder = resources.files(__package__).joinpath("definitions")
    found = {}
    for entry in folder.iterdir():
        if entry.name.endswith(".json"):
            instrument = parse_instrument(json.loads(entry.read_text(encoding="utf-8")))
            found[instrument.code] = instrument
    return MappingProxyType(dict(sorted(found.items())))


def load_instrument(code: str) -> Instrument:
    """The bundled instrument with this code (e.g. ``phq-9``), case-insensitively."""
    instrument = _bundled().get(code.strip().lower())
    if instrument is None:
        raise InstrumentError("unknown_instrument", f"There is no instrument '{code}'.", {"code": code})
    return instrument


def list_instruments() -> list[Instrument]:
    """All bundled instruments, ordered by code."""
    return list(_bundled().values())


# ---------------------------------------------------------------------------------------- texts


def text_for(item: Item | AnswerOption, language: str) -> str | None:
    """The item's (or answer option's) text in a language, trying ``fi`` for ``fi-FI``; no fallback."""
    texts = item.texts if isinstance(item, Item) else item.displays
    return texts.get(language) or texts.get(language.split("-")[0])


def has_item_texts(instrument: Instrument) -> bool:
    """True when every item has a text in at least one language (licensed ones only after import)."""
    return all(item.texts for item in instrument.items)


def import_licensed_texts(*, instrument: Instrument, texts: Mapping[str, Mapping[str, str]]) -> Instrument:
    """A copy of the instrument with item texts (language → linkId → text) merged in; linkIds must exist."""
    known = {item.link_id for item in instrument.items}
    unknown = sorted({link_id for by_item in texts.values() for link_id in by_item} - known)
    if unknown:
        raise InstrumentError(
            "unknown_link_ids",
            f"These linkIds are not items of {instrument.name}: {', '.join(unknown)}.",
            {"link_ids": unknown, "instrument": instrument.code},
        )
    for language, by_item in texts.items():
        if not _LANGUAGE_TAG.match(language):
            raise InstrumentError("invalid_language", f"'{language}' is not a language tag.", {"language": language})
        blank = sorted(link_id for link_id, text in by_item.items() if not isinstance(text, str) or not text.strip())
        if blank:
            raise InstrumentError(
                "blank_text",
                f"Texts for {', '.join(blank)} in '{language}' are blank.",
                {"link_ids": blank, "language": language},
            )
    resource = copy.deepcopy(instrument.as_fhir())
    for raw in resource.get("item", []):
        for language, by_item in texts.items():
            if raw["linkId"] in by_item:
                _set_text(raw, language, by_item[raw["linkId"]].strip())
    return parse_instrument(resource)


def _set_text(raw: dict[str, Any], language: str, text: str) -> None:
    if language == PRIMARY_LANGUAGE:
        raw["text"] = text
        return
    others = [
        ext
        for ext in raw.get("_text", {}).get("extension", [])
        if not (ext.get("url") == TRANSLATION_URL and any(e.get("valueCode") == language for e in _sub(ext, "lang")))
    ]
    others.append(
        {
            "url": TRANSLATION_URL,
            "extension": [{"url": "lang", "valueCode": language}, {"url": "content", "valueString": text}],
        }
    )
    raw["_text"] = {**raw.get("_text", {}), "extension": others}


# ---------------------------------------------------------------------------------------- scoring


def score(*, instrument: Instrument, answers: Mapping[str, int]) -> ScoreResult:
    """Sum a complete answer set into total, band, subscales, positive and safety flags; never partial."""
    scored = instrument.scored_items
    missing = [item.link_id for item in scored if item.link_id not in answers]
    if missing:
        raise ScoringError(
            "missing_items",
            f"Answers are missing for: {', '.join(missing)}.",
            {"link_ids": missing, "instrument": instrument.code},
        )
    unknown = sorted(set(answers) - {item.link_id for item in scored})
    if unknown:
        raise ScoringError(
            "unknown_items",
            f"These answers are not scored items: {', '.join(unknown)}.",
            {"link_ids": unknown, "instrument": instrument.code},
        )
    for item in scored:
        value = answers[item.link_id]
        allowed = item.allowed_values
        # bool is an int subclass; True is not a rating, so it is refused like any non-integer.
        if isinstance(value, bool) or not isinstance(value, int) or value not in allowed:
            raise ScoringError(
                "out_of_range",
                f"The answer to item '{item.link_id}' should be an integer from {allowed[0]} to "
                f"{allowed[-1]} but is {value!r}.",
                {
                    "link_id": item.link_id,
                    "value": value,
                    "min": allowed[0],
                    "max": allowed[-1],
                    "allowed": list(allowed),
                },
            )
    total = sum(answers[link_id] for link_id in instrument.total_link_ids)
    subscales = {code: sum(answers[link_id] for link_id in link_ids) for code, link_ids in instrument.subscales.items()}
    scales = {**subscales, TOTAL_SCALE: total}

    def met(rule: Rule) -> bool:
        value = scales[rule.scale] if rule.scale is not None else answers[rule.item or ""]
        return value >= rule.min

    return ScoreResult(
        instrument=instrument.code,
        total=total,
        band=next((band.code for band in instrument.bands if band.min <= total <= band.max), None),
        positive=any(met(rule) for rule in instrument.positive_rules),
        safety_flag=any(met(rule) for rule in instrument.safety_rules),
        subscales=MappingProxyType(subscales),
        items_answered=len(scored),
    )

"""Reads for screening: instruments as the viewer's organisation may use them, and a client's results.

Client results go through the access core (object type ``screening``); instrument definitions and an
organisation's licensed item texts are not client data and are read without it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf.locale import LANG_INFO
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from polku.casework.instruments import (
    Instrument,
    InstrumentError,
    has_item_texts,
    import_licensed_texts,
    list_instruments,
    load_instrument,
)
from polku.casework.models import Client, LicensedInstrumentText, Meeting, ScreeningResponse
from polku.core import access
from polku.core.errors import AccessDenied, DomainError
from polku.core.models import AccessAction, Organisation, User

# Right-to-left scripts among the languages refugee-background clients in Finland use most (Arabic,
# Persian, Dari, Sorani Kurdish), plus the other common RTL ones so a stray code is not shown mirrored.
RTL_LANGUAGES = frozenset({"ar", "fa", "prs", "ckb", "he", "ps", "ur"})

# Django's LANG_INFO lacks some client languages; their names are given here.
_EXTRA_LANGUAGE_NAMES: dict[str, Promise] = {
    "prs": _("Dari"),
    "so": _("Somali"),
    "ti": _("Tigrinya"),
    "ps": _("Pashto"),
    "ku": _("Kurdish (Kurmanji)"),
    "am": _("Amharic"),
    "sw": _("Swahili"),
}

BAND_LABELS: dict[str, Promise] = {
    "minimal": _("Minimal"),
    "mild": _("Mild"),
    "moderate": _("Moderate"),
    "moderately_severe": _("Moderately severe"),
    "severe": _("Severe"),
    "below_cut_point": _("Below the cut-point"),
    "probable_ptsd": _("At or above the PTSD cut-point"),
    "low": _("Low"),
    "medium": _("Medium"),
    "high": _("High"),
}

_FOLLOW_UP = _("Consider a follow-up screening in 2–4 weeks and talk about how everyday life is going.")
_DISCUSS_REFERRAL = _(
    "Consider discussing with the client a referral to mental-health services (for example a "
    "psychiatric nurse or psychologist), or a follow-up screening in 2–4 weeks."
)
_DISCUSS_PROMPT_REFERRAL = _(
    "Consider discussing with the client a prompt referral to a doctor or to psychiatric services, "
    "and agree when you will next be in contact."
)
_DISCUSS_TRAUMA_CARE = _(
    "Consider discussing with the client a referral for a trauma-focused assessment (for example a "
    "trauma psychotherapy team), and whether symptoms are straining everyday life."
)
_DISCUSS_ASSESSMENT = _(
    "Consider discussing a further mental-health assessment with the client, for example with a "
    "psychologist or at a mental-health service."
)
_NOTHING_FURTHER = _("The score alone suggests no further step; let the client's own account guide the conversation.")

# (instrument, band or positive/negative) -> suggested next step. Worded as suggestions on purpose: the
# worker and the client decide together; a questionnaire never decides for them.
_SUGGESTIONS: dict[tuple[str, str], Promise] = {
    ("phq-9", "minimal"): _NOTHING_FURTHER,
    ("phq-9", "mild"): _FOLLOW_UP,
    ("phq-9", "moderate"): _DISCUSS_REFERRAL,
    ("phq-9", "moderately_severe"): _DISCUSS_PROMPT_REFERRAL,
    ("phq-9", "severe"): _DISCUSS_PROMPT_REFERRAL,
    ("gad-7", "minimal"): _NOTHING_FURTHER,
    ("gad-7", "mild"): _FOLLOW_UP,
    ("gad-7", "moderate"): _DISCUSS_REFERRAL,
    ("gad-7", "severe"): _DISCUSS_PROMPT_REFERRAL,
    ("pcl-5", "below_cut_point"): _NOTHING_FURTHER,
    ("pcl-5", "probable_ptsd"): _DISCUSS_TRAUMA_CARE,
    ("rhs-15", "positive"): _DISCUSS_ASSESSMENT,
    ("rhs-15", "negative"): _NOTHING_FURTHER,
    ("rhs-13", "positive"): _DISCUSS_ASSESSMENT,
    ("rhs-13", "negative"): _NOTHING_FURTHER,
    ("protect", "low"): _NOTHING_FURTHER,
    ("protect", "medium"): _DISCUSS_ASSESSMENT,
    ("protect", "high"): _DISCUSS_TRAUMA_CARE,
}

_SAFETY_NOTES: dict[str, Promise] = {
    "phq-9": _(
        "Safety: the client answered item 9 (thoughts of being better off dead or of self-harm) above "
        "“not at all”. Ask about these thoughts directly today, follow your organisation's safety procedure "
        "and consult a doctor the same day."
    ),
}
_GENERIC_SAFETY_NOTE = _("Safety: an answer calls for prompt follow-up today. Follow your organisation's "
                         "safety procedure.")


# ------------------------------------------------------------------------------------- languages


def text_direction(language: str) -> str:
    """``rtl`` for right-to-left scripts (Arabic, Persian, Dari, Sorani …), else ``ltr``."""
    return "rtl" if language.split("-")[0].lower() in RTL_LANGUAGES else "ltr"


def language_name(language: str) -> str:
    """The language's name in the current UI language, or the code itself when unknown."""
    base = language.split("-")[0].lower()
    if base in _EXTRA_LANGUAGE_NAMES:
        return str(_EXTRA_LANGUAGE_NAMES[base])
    info = LANG_INFO.get(language) or LANG_INFO.get(base)
    if info and "name" in info:
        return gettext(info["name"])  # Django's own catalogues translate the language names
    return language


def instrument_languages(instrument: Instrument) -> list[str]:
    """Languages in which every item of the instrument has a text, Finnish, Swedish and English first."""
    common: set[str] | None = None
    for item in instrument.items:
        languages = set(item.texts)
        common = languages if common is None else common & languages
    order = {"fi": 0, "sv": 1, "en": 2}
    return sorted(common or (), key=lambda code: (order.get(code, 3), code))


def instrument_title(instrument: Instrument, language: str | None = None) -> str:
    """The instrument's title in the UI language, falling back to English."""
    language = language or get_language() or "en"
    return instrument.titles.get(language) or instrument.titles.get(language.split("-")[0]) or instrument.title


def item_number(instrument: Instrument, link_id: str) -> str:
    """The number the form shows for an item (its prefix without the dot), else the linkId."""
    try:
        prefix = instrument.item(link_id).prefix
    except KeyError:
        return link_id
    return (prefix or link_id).rstrip(".")


def max_total(instrument: Instrument) -> int:
    """The highest total the instrument can give."""
    return sum(instrument.item(link_id).allowed_values[-1] for link_id in instrument.total_link_ids)


def band_label(band: str | None) -> str:
    """A translated label for a band code; empty for instruments without bands."""
    if not band:
        return ""
    return str(BAND_LABELS.get(band, band.replace("_", " ")))


def next_step_suggestion(*, instrument: str, band: str, positive: bool) -> str:
    """The suggested next step for a result (a suggestion for the conversation, never an instruction)."""
    key = band or ("positive" if positive else "negative")
    suggestion = _SUGGESTIONS.get((instrument, key))
    if suggestion is None:
        suggestion = _DISCUSS_ASSESSMENT if positive else _NOTHING_FURTHER
    return str(suggestion)


def safety_note(*, instrument: str) -> str:
    """The prominent safety note shown when a result carries the safety flag."""
    return str(_SAFETY_NOTES.get(instrument, _GENERIC_SAFETY_NOTE))


# ----------------------------------------------------------------------------------- instruments


def _organisation_chain(organisation: Organisation | None) -> list[int]:
    """The organisation and its parents: a county's licence covers its units (cycle-safe, at most 10)."""
    if organisation is None:
        return []
    # The organisation itself is loaded already (with the user); only its parents cost a query each.
    chain: list[int] = [organisation.pk]
    current_id = organisation.parent_id
    while current_id is not None and current_id not in chain and len(chain) < 10:
        chain.append(current_id)
        current_id = Organisation.objects.filter(pk=current_id).values_list("parent_id", flat=True).first()
    return chain


def _licensed_texts(organisation: Organisation | None, codes: Iterable[str]) -> dict[str, dict]:
    """instrument code -> texts, taking the nearest organisation in the chain that imported them."""
    chain = _organisation_chain(organisation)
    rows = LicensedInstrumentText.objects.filter(organisation_id__in=chain, instrument__in=list(codes))
    found: dict[str, tuple[int, dict]] = {}
    for row in rows:
        depth = chain.index(row.organisation_id)
        if row.instrument not in found or depth < found[row.instrument][0]:
            found[row.instrument] = (depth, row.texts)
    return {code: texts for code, (_depth, texts) in found.items()}


def _with_texts(instrument: Instrument, texts: dict | None) -> Instrument | None:
    if not instrument.texts_licensed:
        return instrument
    if not texts:
        return None
    try:
        merged = import_licensed_texts(instrument=instrument, texts=texts)
    except InstrumentError:
        return None
    return merged if has_item_texts(merged) else None


def get_instrument(*, viewer: User, code: str) -> Instrument:
    """An instrument the viewer may administer: free ones always, licensed ones with their organisation's texts."""
    try:
        instrument = load_instrument(code or "")
    except InstrumentError:
        raise DomainError("unknown_instrument", _("There is no screening instrument “%(code)s”.") % {"code": code},
                          field="instrument", params={"code": code}) from None
    texts = _licensed_texts(viewer.organisation, [instrument.code]).get(instrument.code)
    usable = _with_texts(instrument, texts)
    if usable is None:
        raise DomainError(
            "texts_not_loaded",
            _("The item texts of %(instrument)s are not loaded: a licensed organisation must import them.")
            % {"instrument": instrument.name},
            field="instrument", params={"instrument": instrument.code},
        )
    return usable


def get_instrument_definition(code: str) -> Instrument | None:
    """The bundled definition (no licensed texts) for displaying stored results; None if unknown."""
    try:
        return load_instrument(code)
    except InstrumentError:
        return None


@dataclass(frozen=True)
class InstrumentChoice:
    code: str
    name: str
    title: str
    available: bool  # False: licensed texts not loaded for the viewer's organisation


def list_instrument_choices(*, viewer: User) -> list[InstrumentChoice]:
    """Every bundled instrument, marked usable or not for the viewer's organisation (one query per level)."""
    instruments = list_instruments()
    texts = _licensed_texts(viewer.organisation, [i.code for i in instruments if i.texts_licensed])
    return [
        InstrumentChoice(code=i.code, name=i.name, title=instrument_title(i),
                         available=_with_texts(i, texts.get(i.code)) is not None)
        for i in instruments
    ]


def choose_client_language(*, instrument: Instrument, client: Client, requested: str | None = None) -> str:
    """The language to show the client: a requested available one, else the client's own language."""
    available = instrument_languages(instrument)
    if requested and (requested in available or requested == client.preferred_language):
        return requested
    return client.preferred_language or (available[0] if available else "en")


# ------------------------------------------------------------------------------------ client data


@dataclass(frozen=True)
class TrendPoint:
    at: datetime
    total: int
    band: str
    positive: bool
    screening_id: int


def _check(viewer: User, client: Client, action: AccessAction = AccessAction.READ, object_id: str | int = "") -> None:
    access.require_client_access(actor=viewer, client_id=client.pk, action=action, object_type="screening",
                                 object_id=object_id)


def _screenings(client: Client):
    return ScreeningResponse.objects.filter(client=client).select_related("administered_by").order_by(
        "-administered_at", "-id")


def list_screenings(*, viewer: User, client: Client) -> list[ScreeningResponse]:
    """All screening results of the client, newest first (one access-log row)."""
    _check(viewer, client)
    return list(_screenings(client))


def get_screening(*, viewer: User, client: Client, screening_id: int,
                  action: AccessAction = AccessAction.READ) -> ScreeningResponse:
    """One screening result of this client; AccessDenied (shown as 404) when there is none."""
    _check(viewer, client, action=action, object_id=screening_id)
    screening = _screenings(client).filter(pk=screening_id).select_related("meeting").first()
    if screening is None:
        raise AccessDenied("screening_not_found", _("No such screening."))
    return screening


def list_meetings_for_screening(*, viewer: User, client: Client) -> QuerySet[Meeting]:
    """The client's meetings a screening can be linked to: from 60 days back to tomorrow, newest first."""
    _check(viewer, client)
    now = timezone.now()
    return Meeting.objects.filter(client=client, starts_at__gte=now - timedelta(days=60),
                                  starts_at__lte=now + timedelta(days=1)).order_by("-starts_at")


def _latest(screenings: Iterable[ScreeningResponse]) -> list[ScreeningResponse]:
    latest: dict[str, ScreeningResponse] = {}
    for screening in screenings:  # newest first, so the first seen per instrument wins
        latest.setdefault(screening.instrument, screening)
    return sorted(latest.values(), key=lambda s: s.instrument)


def _trend(screenings: Iterable[ScreeningResponse], instrument: str) -> list[TrendPoint]:
    points = [TrendPoint(at=s.administered_at, total=s.total, band=s.band, positive=s.positive, screening_id=s.pk)
              for s in screenings if s.instrument == instrument]
    return sorted(points, key=lambda p: (p.at, p.screening_id))


def latest_per_instrument(*, viewer: User, client: Client) -> list[ScreeningResponse]:
    """The newest result per instrument, ordered by instrument code."""
    _check(viewer, client)
    return _latest(_screenings(client))


def trend(*, viewer: User, client: Client, instrument: str) -> list[TrendPoint]:
    """Totals of one instrument over time, oldest first, for the trend chart."""
    _check(viewer, client)
    code = instrument.strip().lower()
    return _trend(_screenings(client).filter(instrument=code), code)


@dataclass(frozen=True)
class ScreeningOverview:
    latest: list[ScreeningResponse]
    trends: dict[str, list[TrendPoint]]
    count: int


def screening_overview(*, viewer: User, client: Client) -> ScreeningOverview:
    """Latest result per instrument and the trend of every instrument with two or more results, in one query."""
    _check(viewer, client)
    return screening_overview_of_checked_client(client=client)


def screening_overview_of_checked_client(*, client: Client) -> ScreeningOverview:
    """screening_overview for a page that has already checked and logged its read of this client (the client
    page): a second check would only repeat the same decision and add a log row for the same page view."""
    screenings = list(_screenings(client))
    latest = _latest(screenings)
    trends = {s.instrument: _trend(screenings, s.instrument) for s in latest}
    return ScreeningOverview(latest=latest, trends={k: v for k, v in trends.items() if len(v) >= 2},
                             count=len(screenings))

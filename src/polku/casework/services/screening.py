"""Writes for screening: administer an instrument to a client; import an organisation's licensed item texts.

Scoring is all or nothing (the engine refuses a partial answer set), so a refused screening stores no
row and writes no path event. The path event carries the instrument, band and positive flag only:
item answers are health data that the path log, which feeds reports, must not hold.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from polku.casework.instruments import (
    Instrument,
    InstrumentError,
    ScoreResult,
    ScoringError,
    has_item_texts,
    import_licensed_texts,
    load_instrument,
    score,
)
from polku.casework.models import Client, LicensedInstrumentText, Meeting, PathEventKind, ScreeningResponse
from polku.casework.selectors.screening import get_instrument, item_number
from polku.casework.services.path_events import record_path_event
from polku.core import access
from polku.core.errors import DomainError
from polku.core.models import AccessAction, Organisation, User

_LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,4})?$")  # fits the 8-character columns


def _items(instrument: Instrument, link_ids: list[str]) -> str:
    return ", ".join(f"{item_number(instrument, link_id)} ({link_id})" for link_id in link_ids)


def _out_of_range(instrument: Instrument, answers: Mapping[str, Any]) -> list[str]:
    """Every scored item whose answer is not an allowed value (the engine stops at the first)."""
    bad = []
    for item in instrument.scored_items:
        value = answers.get(item.link_id)
        if isinstance(value, bool) or not isinstance(value, int) or value not in item.allowed_values:
            bad.append(item.link_id)
    return bad


def _scoring_refused(instrument: Instrument, answers: Mapping[str, Any], error: ScoringError) -> DomainError:
    """Translate the engine's ScoringError into a DomainError that names the items to correct."""
    if error.code == "missing_items":
        link_ids = list(error.params["link_ids"])
        message = _("Nothing was saved: every item must be answered before the screening is scored. "
                    "No answer to item(s) %(items)s.") % {"items": _items(instrument, link_ids)}
    elif error.code == "unknown_items":
        link_ids = list(error.params["link_ids"])
        message = _("Nothing was saved: %(link_ids)s are not items of %(instrument)s.") % {
            "link_ids": ", ".join(link_ids), "instrument": instrument.name}
    else:
        link_ids = _out_of_range(instrument, answers) or [error.params["link_id"]]
        described = "; ".join(
            _("item %(item)s should be %(min)s–%(max)s but is %(value)s") % {
                "item": _items(instrument, [link_id]), "min": instrument.item(link_id).allowed_values[0],
                "max": instrument.item(link_id).allowed_values[-1], "value": answers[link_id]}
            for link_id in link_ids
        )
        message = _("Nothing was saved: answers out of range: %(items)s.") % {"items": described}
    return DomainError(error.code, message, field="answers", params={"link_ids": link_ids,
                                                                     "instrument": instrument.code})


def _require_language(value: str, field: str) -> str:
    value = (value or "").strip()
    if not _LANGUAGE_TAG.match(value):
        raise DomainError("invalid_language", _("Choose a language (a code such as “ar” or “fi”)."), field=field)
    return value


def administer_screening(*, actor: User, client: Client, instrument_code: str, answers: Mapping[str, int],
                         client_language: str, worker_language: str,
                         meeting: Meeting | None = None) -> ScreeningResponse:
    """Score a complete answer set with the engine and store it with a SCREENING_DONE path event."""
    # Before the transaction: a refusal's access-log row must survive the rollback.
    access.require_client_access(actor=actor, client_id=client.pk, action=AccessAction.WRITE,
                                 object_type="screening")
    instrument = get_instrument(viewer=actor, code=instrument_code)
    client_language = _require_language(client_language, "client_language")
    worker_language = _require_language(worker_language, "worker_language")
    if meeting is not None and meeting.client_id != client.pk:
        raise DomainError("meeting_of_other_client", _("Choose a meeting of this client."), field="meeting")
    try:
        result: ScoreResult = score(instrument=instrument, answers=answers)
    except ScoringError as error:
        raise _scoring_refused(instrument, answers, error) from None
    with transaction.atomic():
        screening = ScreeningResponse.objects.create(
            client=client, meeting=meeting, instrument=instrument.code,
            instrument_version=str(instrument.as_fhir().get("version", ""))[:16],
            client_language=client_language, worker_language=worker_language,
            answers={item.link_id: answers[item.link_id] for item in instrument.scored_items},
            total=result.total, band=result.band or "", positive=result.positive, safety_flag=result.safety_flag,
            subscales=dict(result.subscales), administered_by=actor,
        )
        record_path_event(client=client, activity=PathEventKind.SCREENING_DONE, actor=actor, subject=screening,
                          at=screening.administered_at,
                          attributes={"instrument": instrument.code, "band": screening.band,
                                      "positive": screening.positive})
    return screening


# ---------------------------------------------------------------------------------- licensed texts


def _texts_shape_ok(texts: Any) -> bool:
    return isinstance(texts, Mapping) and bool(texts) and all(
        isinstance(language, str) and isinstance(by_item, Mapping) and by_item
        and all(isinstance(link_id, str) for link_id in by_item)
        for language, by_item in texts.items()
    )


def _import_refused(error: InstrumentError, instrument: Instrument) -> DomainError:
    params = error.params
    if error.code == "unknown_link_ids":
        message = _("These linkIds are not items of %(instrument)s: %(link_ids)s.") % {
            "instrument": instrument.name, "link_ids": ", ".join(params.get("link_ids", []))}
    elif error.code == "invalid_language":
        message = _("“%(language)s” is not a language code (use codes such as “ar”, “fa”, “fi”).") % {
            "language": params.get("language", "")}
    elif error.code == "blank_text":
        message = _("The texts of %(link_ids)s in “%(language)s” are blank.") % {
            "link_ids": ", ".join(params.get("link_ids", [])), "language": params.get("language", "")}
    else:
        message = error.message
    return DomainError(error.code, message, field="texts", params=params)


@transaction.atomic
def import_instrument_texts(*, organisation: Organisation, instrument_code: str,
                            texts: Mapping[str, Mapping[str, str]], source: str = "",
                            actor: User | None = None) -> LicensedInstrumentText:
    """Merge a licence holder's item texts (language → linkId → text) into the organisation's stored set."""
    try:
        instrument = load_instrument(instrument_code or "")
    except InstrumentError:
        raise DomainError("unknown_instrument", _("There is no screening instrument “%(code)s”.")
                          % {"code": instrument_code}, field="instrument") from None
    if not instrument.texts_licensed:
        raise DomainError("texts_not_licensed", _("%(instrument)s ships with its texts; there is nothing to "
                                                  "import.") % {"instrument": instrument.name}, field="instrument")
    if not _texts_shape_ok(texts):
        raise DomainError("invalid_texts", _("The texts must be a JSON object of the form "
                                             "{\"language\": {\"linkId\": \"text\"}}."), field="texts")
    try:
        import_licensed_texts(instrument=instrument, texts=texts)  # names the file's own problems first
    except InstrumentError as error:
        raise _import_refused(error, instrument) from None
    stored = LicensedInstrumentText.objects.select_for_update().filter(
        organisation=organisation, instrument=instrument.code).first()
    merged: dict[str, dict[str, str]] = {lang: dict(by_item) for lang, by_item in (stored.texts if stored else {})
                                         .items()}
    for language, by_item in texts.items():
        merged.setdefault(language, {}).update({link_id: text.strip() for link_id, text in by_item.items()})
    with_texts = import_licensed_texts(instrument=instrument, texts=merged)
    if not has_item_texts(with_texts):
        missing = [item.link_id for item in with_texts.items if not item.texts]
        raise DomainError("items_without_text", _("These items of %(instrument)s would still have no text in any "
                                                  "language: %(link_ids)s.")
                          % {"instrument": instrument.name, "link_ids": ", ".join(missing)}, field="texts",
                          params={"link_ids": missing})
    if stored is None:
        return LicensedInstrumentText.objects.create(organisation=organisation, instrument=instrument.code,
                                                     texts=merged, source=source[:300], imported_by=actor)
    stored.texts, stored.source, stored.imported_by, stored.imported_at = merged, source[:300], actor, timezone.now()
    stored.save(update_fields=["texts", "source", "imported_by", "imported_at"])
    return stored

"""Screening results as FHIR R4 QuestionnaireResponse resources, and back to an answer set.

The response carries coded answers only, never item texts: licensed instruments' texts belong to the
organisation that loaded them, and the Questionnaire (referenced by canonical URL and version) holds
the texts anyway. Each valueCoding keeps the ordinal value in the standard ordinalValue extension so a
receiver can re-score without the Questionnaire.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from polku.casework.instruments import Instrument, list_instruments, load_instrument
from polku.casework.instruments.engine import ORDINAL_VALUE_URL
from polku.casework.models import ScreeningResponse
from polku.core.errors import DomainError


def _canonical(instrument: Instrument, version: str) -> str:
    return f"{instrument.url}|{version}" if version else instrument.url


def _answer(instrument: Instrument, link_id: str, value: int) -> dict[str, Any]:
    try:
        options = instrument.item(link_id).answer_options
    except KeyError:
        options = ()
    for option in options:
        if option.ordinal == value:
            coding: dict[str, Any] = {"code": option.code}
            if option.system:
                coding["system"] = option.system
            if option.displays.get("en"):
                coding["display"] = option.displays["en"]
            coding["extension"] = [{"url": ORDINAL_VALUE_URL, "valueDecimal": value}]
            return {"valueCoding": coding}
    return {"valueInteger": value}


def to_questionnaire_response(screening: ScreeningResponse) -> dict[str, Any]:
    """A FHIR R4 QuestionnaireResponse (status completed) for a stored screening result."""
    instrument = load_instrument(screening.instrument)
    authored = timezone.localtime(screening.administered_at).isoformat(timespec="seconds")
    order = [item.link_id for item in instrument.scored_items]
    link_ids = sorted(screening.answers, key=lambda link_id: (order.index(link_id) if link_id in order
                                                              else len(order), link_id))
    return {
        "resourceType": "QuestionnaireResponse",
        "id": f"screening-{screening.pk}",
        "questionnaire": _canonical(instrument, screening.instrument_version),
        "status": "completed",
        "subject": {"reference": f"Patient/{screening.client_id}"},
        "authored": authored,
        "author": {"reference": f"Practitioner/{screening.administered_by_id}"},
        "item": [{"linkId": link_id, "answer": [_answer(instrument, link_id, int(screening.answers[link_id]))]}
                 for link_id in link_ids],
    }


def _refused(code: str, message: str) -> DomainError:
    return DomainError(code, message, field="resource")


def instrument_for_questionnaire_response(resource: Mapping[str, Any]) -> Instrument:
    """The bundled instrument a QuestionnaireResponse's ``questionnaire`` canonical points at."""
    if not isinstance(resource, Mapping) or resource.get("resourceType") != "QuestionnaireResponse":
        raise _refused("not_a_questionnaire_response", _("This is not a FHIR QuestionnaireResponse."))
    canonical = str(resource.get("questionnaire") or "")
    url = canonical.split("|", 1)[0]
    for instrument in list_instruments():
        if url and instrument.url == url:
            return instrument
    raise _refused("unknown_questionnaire", _("The questionnaire “%(canonical)s” is not one of Polku's "
                                              "instruments.") % {"canonical": canonical})


def from_questionnaire_response(resource: Mapping[str, Any]) -> dict[str, int]:
    """The answer set (linkId → ordinal) of a QuestionnaireResponse, ready for the engine's ``score``."""
    instrument = instrument_for_questionnaire_response(resource)
    answers: dict[str, int] = {}
    for entry in resource.get("item") or []:
        link_id = entry.get("linkId")
        values = entry.get("answer") or []
        if not isinstance(link_id, str) or len(values) != 1:
            raise _refused("invalid_item", _("Item %(link_id)s must have exactly one answer.")
                           % {"link_id": link_id})
        answers[link_id] = _ordinal(instrument, link_id, values[0])
    return answers


def _ordinal(instrument: Instrument, link_id: str, value: Mapping[str, Any]) -> int:
    try:
        options = instrument.item(link_id).answer_options
    except KeyError:
        raise _refused("unknown_item", _("%(link_id)s is not an item of %(instrument)s.")
                       % {"link_id": link_id, "instrument": instrument.name}) from None
    if isinstance(value.get("valueInteger"), int):
        return value["valueInteger"]
    coding = value.get("valueCoding") or {}
    for option in options:
        if option.code == coding.get("code") and (option.system or None) == (coding.get("system") or None):
            return option.ordinal
    raise _refused("unknown_answer", _("The answer to item %(link_id)s is not one of its answer options.")
                   % {"link_id": link_id})

"""Questionnaire (the bundled screening instruments) and QuestionnaireResponse (screening results).

The mapping both ways is casework's (`polku.casework.fhir`); this module only reads, searches and posts.
"""

from __future__ import annotations

from typing import Any

from polku.api.fhir.resources.base import (
    ResourceType,
    SearchResult,
    client_for_write,
    client_scope,
    not_found,
    register,
)
from polku.api.fhir.search import Params, date_filter, int_id, token_codes
from polku.casework.fhir import (
    from_questionnaire_response,
    instrument_for_questionnaire_response,
    to_questionnaire_response,
)
from polku.casework.instruments import list_instruments
from polku.casework.models import ScreeningResponse
from polku.casework.selectors.clients import client_reference
from polku.casework.selectors.screening import get_screening
from polku.casework.services.screening import administer_screening
from polku.core.errors import AccessDenied
from polku.core.models import User


@register
class QuestionnaireType(ResourceType):
    """The instruments as published; licensed instruments carry no item texts (they are the licence holder's)."""

    name = "Questionnaire"
    client_data = False
    search_params = {"_id": "token", "url": "uri", "name": "string", "status": "token"}

    def read(self, *, viewer: User, ident: str) -> dict[str, Any]:
        for instrument in list_instruments():
            if instrument.code == ident:
                return instrument.as_fhir()
        raise not_found(self.name, ident)

    def search(self, *, viewer: User, params: Params) -> SearchResult:
        rows = [instrument.as_fhir() for instrument in list_instruments()]
        if params.get("_id"):
            rows = [row for row in rows if row["id"] in params.get("_id").split(",")]
        for value in params.all("url"):
            rows = [row for row in rows if row.get("url") == value.split("|", 1)[0]]
        for value in params.all("name"):
            rows = [row for row in rows if value.casefold() in str(row.get("name", "")).casefold()]
        for value in params.all("status"):
            rows = [row for row in rows if row.get("status") in value.split(",")]
        return SearchResult(rows=rows, to_fhir=lambda row: row)


def _screenings():
    return ScreeningResponse.objects.select_related("administered_by").order_by("administered_at", "pk")


@register
class QuestionnaireResponseType(ResourceType):
    name = "QuestionnaireResponse"
    creatable = True
    field_elements = {"answers": "QuestionnaireResponse.item", "resource": "QuestionnaireResponse.questionnaire",
                      "client_language": "QuestionnaireResponse.language", "instrument":
                      "QuestionnaireResponse.questionnaire"}
    search_params = {"_id": "token", "patient": "reference", "subject": "reference", "questionnaire": "reference",
                     "authored": "date", "status": "token"}

    def read(self, *, viewer: User, ident: str) -> dict[str, Any]:
        number = ident.removeprefix("screening-")
        if not ident.startswith("screening-") or not number.isdigit() or len(number) > 18:
            raise not_found(self.name, ident)
        client_id = ScreeningResponse.objects.filter(pk=int(number)).values_list("client_id", flat=True).first()
        try:
            if client_id is None:
                raise AccessDenied("screening_not_found", "No such screening.")
            screening = get_screening(viewer=viewer, client=client_reference(client_id=client_id),
                                      screening_id=int(number))
        except AccessDenied:
            raise not_found(self.name, ident) from None
        return to_questionnaire_response(screening)

    def search(self, *, viewer: User, params: Params) -> SearchResult:
        name = "subject" if params.get("subject") and not params.get("patient") else "patient"
        scope = client_scope(viewer=viewer, params=params, object_type="fhir_screening_search", name=name)
        rows = scope.apply(_screenings())
        if params.get("_id"):
            rows = rows.filter(pk__in=[int_id("_id", v, "screening-") for v in params.get("_id").split(",")])
        for value in params.all("questionnaire"):
            url = value.split("|", 1)[0]
            codes = [i.code for i in list_instruments() if url in (i.url, f"Questionnaire/{i.code}", i.code)]
            rows = rows.filter(instrument__in=codes)
        if params.all("authored"):
            rows = rows.filter(date_filter("authored", params.all("authored"), "administered_at"))
        if params.get("status") and "completed" not in token_codes(
                "status", params.get("status"), {"in-progress", "completed", "amended", "entered-in-error",
                                                 "stopped"}):
            rows = rows.none()
        return SearchResult(rows=rows, to_fhir=to_questionnaire_response,
                            client_of=scope.client_of(lambda row: row.client_id))

    def create(self, *, viewer: User, resource: dict[str, Any]) -> dict[str, Any]:
        """A screening done elsewhere, scored by Polku's engine and stored like one done here."""
        client = client_for_write(resource=resource, element="subject")
        instrument = instrument_for_questionnaire_response(resource)
        answers = from_questionnaire_response(resource)
        screening = administer_screening(
            actor=viewer, client=client, instrument_code=instrument.code, answers=answers,
            # Without Resource.language, the client's own language (read before the service's access check,
            # but only used if that check passes).
            client_language=str(resource.get("language") or client.preferred_language or "fi"),
            worker_language=viewer.preferred_language or "fi")
        return to_questionnaire_response(screening)


"""The public "Find help" page (/apua/): no login, no session or CSRF cookie, no tracking, ten languages."""

from __future__ import annotations

from dataclasses import dataclass

from django.shortcuts import render
from django.views.decorators.http import require_safe

from polku.core.models import Municipality
from polku.directory import find_help_i18n as i18n
from polku.directory import selectors
from polku.directory.languages import native_name
from polku.directory.models import Service, Training

CODES = {code for code, _name in i18n.LANGUAGES}


@dataclass(frozen=True)
class Text:
    value: str
    lang: str


def _text(obj, field: str, language: str) -> Text:
    """The field in the reader's content language, else Finnish, else any language there is."""
    for code in dict.fromkeys((i18n.content_language(language), "fi", "en", "sv")):
        value = getattr(obj, f"{field}_{code}", "")
        if value:
            return Text(value, code)
    return Text("", "fi")


@dataclass(frozen=True)
class Card:
    service: Service
    name: Text
    description: Text
    crisis: bool
    low_threshold: bool
    languages: list[tuple[str, str]]  # (code, name in itself)
    speaks_language: bool
    via_interpreter: bool
    phones: list[tuple[str, str, Text]]  # (number, tel: target, description)
    places: list[tuple[str, Text]]  # (address, how to get there)
    hours: list[Text]


def _card(item: selectors.HelpItem, language: str) -> Card:
    service = item.service
    types = {term.code for term in service.service_types.all()}
    return Card(
        service=service, name=_text(service, "name", language), description=_text(service, "description", language),
        crisis=bool(types & {"crisis", "crisis-phone"}), low_threshold="low-threshold" in types,
        languages=sorted({(x.code, native_name(x.code)) for x in service.languages.all()}),
        speaks_language=item.speaks_language, via_interpreter=item.via_interpreter,
        phones=[(p.number, "tel:" + p.number.replace(" ", ""), _text(p, "description", language))
                for p in service.phones.all()],
        places=[(f"{sal.location.address_1}, {sal.location.municipality.name if sal.location.municipality_id else ''}",
                 _text(sal.location, "transportation", language)) for sal in service.service_at_locations.all()],
        hours=[_text(s, "description", language) for s in service.schedules.all()])


def _material(material: Training, language: str) -> tuple[Training, Text, Text]:
    return material, _text(material, "name", language), _text(material, "description", language)


@require_safe
def find_help(request):
    language = request.GET.get("language", "fi")
    language = language if language in CODES else "fi"
    code = request.GET.get("municipality", "")
    municipality = Municipality.objects.select_related("area").filter(code=code).first() if code else None
    cards = [_card(item, language) for item in selectors.find_help(municipality=municipality, language=language)] \
        if municipality else []
    response = render(request, "directory/find_help.html", {
        "t": i18n.strings(language), "language": language, "direction": i18n.direction(language),
        "languages": i18n.LANGUAGES, "municipalities": Municipality.objects.order_by("name_fi"),
        "municipality": municipality, "unknown_municipality": bool(code) and municipality is None, "cards": cards,
        "materials": [_material(m, language) for m in selectors.list_self_help(language=language)]})
    response["Content-Language"] = language
    return response

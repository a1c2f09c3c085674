"""Template helpers: a per-language field in the UI language, a language code as a name."""

from django import template

from polku.directory.languages import language_name
from polku.directory.models import localised as localised_field

register = template.Library()


@register.simple_tag
def localised(obj, field: str) -> str:
    """`{% localised entry "description" %}`: description_fi/_sv/_en in the UI language, with fallbacks."""
    return localised_field(obj, field)


@register.filter
def language_label(code: str) -> str:
    """An ISO 639 code as the language's name in the UI language."""
    return language_name(code)


@register.filter
def language_labels(codes) -> str:
    """Several codes as names, comma-separated."""
    return ", ".join(language_name(code) for code in codes or [])

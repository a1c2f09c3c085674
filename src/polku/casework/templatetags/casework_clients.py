"""Template filters for the client pages: language and country names in the UI language."""

from django import template

from polku.casework.languages import country_name, is_rtl, language_name

register = template.Library()


@register.filter(name="language_name")
def language_name_filter(code: str) -> str:
    """The language's name in the UI language."""
    return language_name(code or "")


@register.filter(name="country_name")
def country_name_filter(code: str) -> str:
    """The country's name in the UI language."""
    return country_name(code or "")


@register.filter(name="text_direction")
def text_direction(code: str) -> str:
    """ "rtl" for a right-to-left language, else "ltr"."""
    return "rtl" if is_rtl(code or "") else "ltr"

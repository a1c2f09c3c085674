"""The form renderer: Django's template renderer, with <select> built in Python.

Django renders a select by including a template per option. A filter list of 300 municipalities or 100
languages then costs hundreds of template renders per page (the directory search spent about a fifth of
its time there in the load test's profile). The markup is the same as Django's templates give, byte for
byte (tests/core/test_form_renderer.py compares them); every other widget keeps its template.
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def _attrs(attrs: dict) -> str:
    """As django/forms/widgets/attrs.html: False leaves the attribute out, True writes its name alone."""
    return "".join(f" {name}" if value is True else f' {name}="{conditional_escape(str(value))}"'
                   for name, value in attrs.items() if value is not False)


def _text(value) -> str:
    """As {{ value }} in a template: localised, then escaped unless already safe."""
    return conditional_escape(str(localize(value)))


def _option(option: dict) -> str:
    return (f'<option value="{conditional_escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
            f'{_text(option["label"])}</option>\n')


def render_select(widget: dict) -> str:
    """A select widget's context (`widget` of Widget.get_context) as django/forms/widgets/select.html renders it."""
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        parts.extend("\n  " + _option(option) for option in group_choices)
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))  # noqa: S308 -- every value above is escaped


class PolkuFormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        widget = context.get("widget") if template_name == SELECT_TEMPLATE else None
        if widget is not None and all(option.get("template_name") == OPTION_TEMPLATE
                                      for _name, options, _index in widget["optgroups"] for option in options):
            return render_select(widget)
        return super().render(template_name, context, request=request)

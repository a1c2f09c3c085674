"""The form renderer: Django's template renderer, with inputs, selects, radio buttons and checkbox lists built in
Python.

Django renders these widgets by including a template per option (four nested ones per checkbox). A filter
list of 300 municipalities or a list of 20 checkboxes then costs hundreds of template renders per page: in
the load test's profile, the directory search spent a fifth of its time on its selects and the interpreter
booking form two fifths on one checkbox list. The markup is the same as Django's templates give, byte for
byte (tests/core/test_form_renderer.py compares them); every other widget, and any widget with a template
of its own, keeps its template.
"""

from __future__ import annotations

import html

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.safestring import mark_safe

SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"
# Widgets whose template is only {% include "django/forms/widgets/input.html" %} (and that template itself).
INPUT_TEMPLATES = {f"django/forms/widgets/{name}.html" for name in (
    "input", "checkbox", "color", "date", "datetime", "email", "file", "hidden", "number", "password", "search",
    "tel", "text", "time", "url")}
# Widget template -> its options' template; both include django/forms/widgets/multiple_input.html and
# input_option.html unchanged.
MULTIPLE_INPUT_TEMPLATES = {"django/forms/widgets/radio.html": "django/forms/widgets/radio_option.html",
                            "django/forms/widgets/checkbox_select.html": "django/forms/widgets/checkbox_option.html"}


def _escaped(value) -> str:
    """conditional_escape without its SafeString wrapper per call (the whole select is marked safe once)."""
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


def _attrs(attrs: dict) -> str:
    """As django/forms/widgets/attrs.html: False leaves the attribute out, True writes its name alone."""
    return "".join(f" {name}" if value is True else f' {name}="{_escaped(str(value))}"'
                   for name, value in attrs.items() if value is not False)


def _text(value) -> str:
    """As {{ value }} in a template: localised, then escaped unless already safe."""
    return _escaped(localize(value))


def _option(option: dict) -> str:
    return (f'<option value="{_escaped(str(option["value"]))}"{_attrs(option["attrs"])}>'
            f'{_text(option["label"])}</option>\n')


def render_select(widget: dict) -> str:
    """A select widget's context (`widget` of Widget.get_context) as django/forms/widgets/select.html renders it."""
    parts = [f'<select name="{_escaped(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        parts.extend("\n  " + _option(option) for option in group_choices)
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))  # noqa: S308 -- every value above is escaped


def _input(widget: dict) -> str:
    """As django/forms/widgets/input.html (with the file's closing newline, which includes keep)."""
    value = "" if widget["value"] is None else f' value="{_escaped(str(widget["value"]))}"'
    kind, name = _escaped(widget["type"]), _escaped(widget["name"])
    return f'<input type="{kind}" name="{name}"{value}{_attrs(widget["attrs"])}>\n'


def _input_option(option: dict) -> str:
    """As django/forms/widgets/input_option.html, included by radio_option.html and checkbox_option.html."""
    if not option["wrap_label"]:
        return _input(option) + "\n"
    for_id = option["attrs"].get("id")
    opening = f'<label for="{_escaped(for_id)}">' if for_id else "<label>"
    return f'{opening}{_input(option)} {_text(option["label"])}</label>\n'


def render_multiple_input(widget: dict) -> str:
    """A radio or checkbox list's context as django/forms/widgets/multiple_input.html renders it."""
    element_id, css_class = widget["attrs"].get("id"), widget["attrs"].get("class")
    parts = ["<div", f' id="{_escaped(element_id)}"' if element_id else "",
             f' class="{_escaped(css_class)}"' if css_class else "", ">"]
    for group, options, _index in widget["optgroups"]:
        if group:
            parts.append(f"\n  <div><label>{_text(group)}</label>")
        parts.extend(f"<div>\n    {_input_option(option)}\n</div>" for option in options)
        if group:
            parts.append("\n  </div>")
    parts.append("\n</div>")
    return mark_safe("".join(parts))  # noqa: S308 -- every value above is escaped


def _options_use(widget: dict, template_name: str) -> bool:
    return all(option.get("template_name") == template_name
               for _name, options, _index in widget["optgroups"] for option in options)


class PolkuFormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        widget = context.get("widget")
        if widget is not None and template_name in INPUT_TEMPLATES:
            return mark_safe(_input(widget).rstrip("\n"))  # noqa: S308 -- escaped in _input
        if widget is not None and template_name == SELECT_TEMPLATE and _options_use(widget, OPTION_TEMPLATE):
            return render_select(widget)
        if (widget is not None and template_name in MULTIPLE_INPUT_TEMPLATES
                and _options_use(widget, MULTIPLE_INPUT_TEMPLATES[template_name])):
            return render_multiple_input(widget)
        return super().render(template_name, context, request=request)

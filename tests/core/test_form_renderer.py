"""Polku's <select> rendering against the independent oracle: Django's own widget templates."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from polku.core.form_renderer import PolkuFormRenderer

CHOICES = [("", "All"), ("fi", "suomi"), ("a&b", 'Tom & "Jerry" <b>'), (3, 1234567), ("safe", mark_safe("<i>x</i>")),
           ("lazy", gettext_lazy("Search"))]
GROUPED = [("", "—"), ("Pohjoismaat", [("sv", "ruotsi"), ("no", "norja")]), ("<Muut>", [("ar", "arabia")])]


class ExampleForm(forms.Form):
    plain = forms.ChoiceField(choices=CHOICES, required=False)
    grouped = forms.ChoiceField(choices=GROUPED)
    many = forms.MultipleChoiceField(choices=CHOICES, required=False)
    yes_no = forms.NullBooleanField(required=False)
    with_attrs = forms.ChoiceField(choices=CHOICES, widget=forms.Select(
        attrs={"autofocus": True, "disabled": False, "data-x": 'a"b', "aria-describedby": "help"}))
    typed = forms.TypedChoiceField(choices=[(1, "one"), (2, "two")], coerce=int)


@pytest.mark.parametrize("language", ["fi", "en"])
@pytest.mark.parametrize("data", [None, {"plain": "a&b", "grouped": "no", "many": ["fi", "3"], "yes_no": "true",
                                         "with_attrs": "lazy", "typed": "2"},
                                  {"plain": "nope", "grouped": "", "many": ["zz"], "typed": "x"}])
def test_every_select_is_rendered_as_djangos_templates_render_it(data, language):
    with override(language):
        ours = ExampleForm(data, renderer=PolkuFormRenderer())
        djangos = ExampleForm(data, renderer=DjangoTemplates())
        for name in ExampleForm.base_fields:
            assert str(ours[name]) == str(djangos[name]), name
        assert str(ours) == str(djangos)  # the whole form too: labels, errors, help texts around the widgets


def test_the_select_is_built_without_the_option_template():
    """The point of the renderer: the per-option template is not rendered (else it saved nothing)."""
    class Counting(PolkuFormRenderer):
        templates: list[str] = []

        def get_template(self, template_name):
            self.templates.append(template_name)
            return super().get_template(template_name)

    renderer = Counting()
    html = str(ExampleForm(renderer=renderer)["plain"])
    assert html.count("<option") == len(CHOICES)
    assert "django/forms/widgets/select_option.html" not in renderer.templates


def test_a_custom_option_template_keeps_the_template_path():
    class Fancy(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    class FancyForm(forms.Form):
        choice = forms.ChoiceField(choices=[("a", "A")], widget=Fancy)

    ours = str(FancyForm(renderer=PolkuFormRenderer())["choice"])
    assert ours == str(FancyForm(renderer=DjangoTemplates())["choice"])
    assert "<option" not in ours  # the custom template was used, not the built-in markup

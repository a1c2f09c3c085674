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
    text = forms.CharField(required=False, max_length=20, help_text="Help & <more>",
                           widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}))
    email = forms.EmailField(required=False)
    number = forms.IntegerField(required=False, min_value=1)
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    at = forms.TimeField(required=False, widget=forms.TimeInput(format="%H:%M"))
    agree = forms.BooleanField(required=False)
    secret = forms.CharField(required=False, widget=forms.PasswordInput(render_value=True))
    hidden = forms.CharField(required=False, widget=forms.HiddenInput)
    upload = forms.FileField(required=False)
    web = forms.URLField(required=False, assume_scheme="https")
    radio = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect, required=False)
    radio_grouped = forms.ChoiceField(choices=GROUPED, widget=forms.RadioSelect(attrs={"class": "inline <x>"}))
    boxes = forms.MultipleChoiceField(choices=CHOICES, widget=forms.CheckboxSelectMultiple, required=False)
    boxes_grouped = forms.MultipleChoiceField(choices=GROUPED, widget=forms.CheckboxSelectMultiple,
                                              required=False)


@pytest.mark.parametrize("language", ["fi", "en"])
@pytest.mark.parametrize("data", [None, {"plain": "a&b", "grouped": "no", "many": ["fi", "3"], "yes_no": "true",
                                         "with_attrs": "lazy", "typed": "2", "radio": "a&b", "radio_grouped": "sv",
                                         "boxes": ["", "3", "safe"], "boxes_grouped": ["no", "ar"],
                                         "text": 'x"<y>&', "email": "a@b.fi", "number": "1234567", "day": "2026-12-07",
                                         "at": "09:30", "agree": "on", "secret": "s&s", "hidden": "h<", "web": "x.fi"},
                                  {"plain": "nope", "grouped": "", "many": ["zz"], "typed": "x", "radio": "zz",
                                   "boxes": ["zz"], "number": "-5", "day": "7.12.", "email": "no", "at": "25:00"}])
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
    form = ExampleForm(renderer=renderer)
    assert str(form["plain"]).count("<option") == len(CHOICES)
    assert str(form["boxes"]).count('type="checkbox"') == len(CHOICES)
    assert str(form["radio"]).count('type="radio"') == len(CHOICES)
    assert 'type="search"' in str(form["text"])
    assert not {"django/forms/widgets/select_option.html", "django/forms/widgets/input_option.html",
                "django/forms/widgets/multiple_input.html", "django/forms/widgets/input.html"} & set(renderer.templates)


def test_a_widget_without_an_id_and_its_subwidgets_render_as_djangos():
    form_ours = ExampleForm(renderer=PolkuFormRenderer(), auto_id=False)
    form_djangos = ExampleForm(renderer=DjangoTemplates(), auto_id=False)
    for name in ("radio", "boxes", "radio_grouped"):
        assert str(form_ours[name]) == str(form_djangos[name])
        # Iterating a radio or checkbox field renders each option on its own (the template path).
        assert [str(o) for o in form_ours[name]] == [str(o) for o in form_djangos[name]]


def test_a_custom_option_template_keeps_the_template_path():
    class Fancy(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    class FancyForm(forms.Form):
        choice = forms.ChoiceField(choices=[("a", "A")], widget=Fancy)

    ours = str(FancyForm(renderer=PolkuFormRenderer())["choice"])
    assert ours == str(FancyForm(renderer=DjangoTemplates())["choice"])
    assert "<option" not in ours  # the custom template was used, not the built-in markup

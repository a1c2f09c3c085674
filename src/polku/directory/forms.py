"""Forms of the directory pages: the search with its filters, and the coordinators' edit forms."""

from __future__ import annotations

from django import forms
from django.db import models
from django.forms import modelform_factory
from django.utils.translation import gettext_lazy as _

from polku.directory import selectors
from polku.directory.languages import language_name
from polku.directory.models import Service, TaxonomyTerm
from polku.directory.search import SearchFilters
from polku.directory.services import EDITABLE, TERM_FIELDS

KIND_CHOICES = [("", _("Everything")), ("service", _("Services")), ("organisation", _("Organisations")),
                ("expert", _("Experts")), ("project", _("Projects")), ("training", _("Trainings and tools")),
                ("publication", _("Publications"))]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search words"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}))
    kind = forms.ChoiceField(label=_("Show"), required=False, choices=KIND_CHOICES)
    area = forms.ChoiceField(label=_("Wellbeing services area"), required=False)
    municipality = forms.ChoiceField(label=_("Municipality"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)
    target_group = forms.ChoiceField(label=_("Target group"), required=False)
    service_type = forms.ChoiceField(label=_("Service type or topic"), required=False)
    free = forms.BooleanField(label=_("Free of charge only"), required=False)

    def __init__(self, *args, areas=None, **kwargs):
        """`areas`: the page's list of areas when it has one already (the map shows them too)."""
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        areas = selectors.list_areas() if areas is None else areas
        self.fields["area"].choices = everything + [(a.code, a.short_name) for a in areas]
        self.fields["municipality"].choices = everything + selectors.municipality_choices()
        self.fields["language"].choices = everything + sorted(
            ((code, language_name(code)) for code in selectors.service_language_codes()), key=lambda c: c[1])
        self.fields["target_group"].choices = everything + [(t.code, t.name) for t in selectors.target_groups()]
        self.fields["service_type"].choices = everything + [(t.code, t.name) for t in selectors.service_types()]

    def filters(self) -> SearchFilters:
        """The chosen filters (none when the form is invalid, so a bad value never narrows silently)."""
        if not self.is_valid():
            return SearchFilters()
        data = self.cleaned_data
        return SearchFilters(kinds=(data["kind"],) if data["kind"] else (), area=data["area"],
                             municipality=data["municipality"], language=data["language"],
                             target_group=data["target_group"], service_type=data["service_type"],
                             free_only=data["free"])


def _terms(taxonomy: str):
    return TaxonomyTerm.objects.filter(taxonomy__code=taxonomy).order_by("name_fi")


class CodesField(forms.CharField):
    """Comma-separated codes (languages, municipalities, areas); checked by the services."""

    def to_python(self, value):
        return [code.strip() for code in (value or "").replace(";", ",").split(",") if code.strip()]

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list | tuple) else value


def _formfield(model_field, **kwargs):
    if isinstance(model_field, models.URLField):
        kwargs["assume_scheme"] = "https"  # Django 6's default, chosen now
    return model_field.formfield(**kwargs)


def entry_form_class(model):
    """A form with the model's editable fields (per services.EDITABLE) and its taxonomy terms."""
    term_fields = TERM_FIELDS.get(model, {})
    extra = {name: forms.ModelMultipleChoiceField(queryset=_terms(taxonomy), required=False,
                                                  widget=forms.CheckboxSelectMultiple, to_field_name="code",
                                                  label=model._meta.get_field(name).verbose_name)
             for name, taxonomy in term_fields.items()}
    if model is Service:
        help_codes = _("ISO 639 codes separated by commas, e.g. ar, prs, so")
        extra |= {
            "staff_languages": CodesField(label=_("Languages the staff speak"), required=False, help_text=help_codes),
            "interpreter_languages": CodesField(label=_("Languages through an interpreter"), required=False,
                                                help_text=help_codes),
            "municipality_codes": CodesField(label=_("Municipalities (codes)"), required=False,
                                             help_text=_("Statistics Finland numbers, e.g. 837 for Tampere")),
            "area_codes": CodesField(label=_("Whole wellbeing services areas (codes)"), required=False,
                                     help_text=_("e.g. PI for Pirkanmaa")),
        }
    base = modelform_factory(model, fields=list(EDITABLE[model]), formfield_callback=_formfield)
    return type(f"{model.__name__}EditForm", (base,), extra)


def initial_for(entry) -> dict:
    """Initial values of the extra fields: codes of terms, languages and areas."""
    initial = {name: list(getattr(entry, name).values_list("code", flat=True))
               for name in TERM_FIELDS.get(type(entry), {})}
    if isinstance(entry, Service):
        languages = list(entry.languages.all())
        initial |= {
            "staff_languages": [x.code for x in languages if x.provision == "staff"],
            "interpreter_languages": [x.code for x in languages if x.provision == "interpreter"],
            "municipality_codes": [a.municipality.code for a in entry.service_areas.select_related("municipality")
                                   if a.municipality_id],
            "area_codes": [a.area.code for a in entry.service_areas.select_related("area") if a.area_id],
        }
    return initial


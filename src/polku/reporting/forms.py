"""Forms of the reporting app (research extracts, the client's access report, the quality dashboard)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from polku.core.models import Organisation
from polku.reporting.access_labels import REPORT_LANGUAGES
from polku.reporting.extracts.data import ALLOWED_FIELDS, DEFAULT_FIELDS

FIELD_LABELS = {
    "birth_year": _("Year of birth (generalised to bands when needed)"),
    "gender": _("Gender"),
    "origin": _("Country of origin (generalised to region when needed)"),
    "municipality": _("Municipality (generalised to area when needed)"),
    "legal_status": _("Legal status at the end of the period"),
    "language": _("Preferred language (rare languages as 'other')"),
    "arrival_year": _("Year of arrival in Finland"),
    "interpreter_needed": _("Needs an interpreter"),
    "client_status": _("Client status"),
    "meetings_held": _("Meetings held in the period"),
    "path_events": _("Service-path events in the period"),
}


class DateInput(forms.DateInput):
    input_type = "date"


class ExtractRequestForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.all())
    purpose = forms.CharField(label=_("Purpose of the research"), widget=forms.Textarea(attrs={"rows": 3}),
                              max_length=2000)
    period_start = forms.DateField(label=_("Period start"), widget=DateInput)
    period_end = forms.DateField(label=_("Period end"), widget=DateInput)
    fields = forms.MultipleChoiceField(label=_("Fields"), widget=forms.CheckboxSelectMultiple,
                                       choices=[(name, FIELD_LABELS[name]) for name in ALLOWED_FIELDS],
                                       initial=list(DEFAULT_FIELDS))
    include_event_log = forms.BooleanField(label=_("Include the service-path event log (XES and OCEL)"),
                                           required=False, initial=True)


class ExtractDecisionForm(forms.Form):
    reason = forms.CharField(label=_("Reason (required for a rejection)"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class AccessReportForm(forms.Form):
    language = forms.ChoiceField(label=_("Language of the report"), required=False,
                                 choices=[("", _("The client's own language")),
                                          *((code, name) for code, name in REPORT_LANGUAGES.items())])

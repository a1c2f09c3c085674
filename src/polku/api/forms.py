"""The personal access token form: a name, the scopes (only those the role permits) and a lifetime."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from polku.api.auth import permitted_scopes

SCOPE_LABELS = {
    "clients:read": _("Read my clients' data"),
    "clients:write": _("Change my clients' data"),
    "referrals:read": _("Read referrals"),
    "referrals:write": _("Create and move referrals"),
    "bookings:read": _("Read interpreter bookings"),
    "bookings:write": _("Request, change and cancel interpreter bookings"),
    "directory:read": _("Read the services directory"),
    "consultations:read": _("Read consultations"),
    "trainings:read": _("Read trainings"),
    "reports:read": _("Read aggregate reports"),
    "paths:read": _("Read clients' service paths"),
    "fhir:read": _("Read through the FHIR interface"),
    "fhir:write": _("Record through the FHIR interface"),
    "webhooks:manage": _("Manage webhooks"),
}
LIFETIMES = [(7, _("7 days")), (30, _("30 days")), (90, _("90 days")), (365, _("1 year"))]


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100,
                           help_text=_("Where you use the token, e.g. 'reporting script on my laptop'."))
    scopes = forms.MultipleChoiceField(label=_("Permissions"), widget=forms.CheckboxSelectMultiple)
    days = forms.TypedChoiceField(label=_("Valid for"), choices=LIFETIMES, coerce=int, initial=30)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = sorted(permitted_scopes(user))
        self.fields["scopes"].choices = [(scope, f"{SCOPE_LABELS.get(scope, scope)} ({scope})") for scope in allowed]

from django import forms
from django.utils.translation import gettext_lazy as _

from polku.core.models import AccessAction, AccessBasis


class AccessLogFilterForm(forms.Form):
    username = forms.CharField(label=_("User name"), required=False, max_length=150)
    client_id = forms.IntegerField(label=_("Client number"), required=False, min_value=1)
    basis = forms.ChoiceField(label=_("Basis"), required=False,
                              choices=[("", _("Any"))] + list(AccessBasis.choices))
    action = forms.ChoiceField(label=_("Action"), required=False,
                               choices=[("", _("Any"))] + list(AccessAction.choices))
    date_from = forms.DateField(label=_("From"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


class ReviewForm(forms.Form):
    note = forms.CharField(label=_("Review note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

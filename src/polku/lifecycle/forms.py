from django import forms
from django.utils.translation import gettext_lazy as _


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[("approve", _("Approve the plan")),
                                                               ("reject", _("Reject the plan"))],
                                 widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), required=False, max_length=500,
                           help_text=_("Required when the plan is rejected."))
    confirm = forms.BooleanField(label=_("I have checked the list: once applied, these records are removed "
                                         "permanently."), required=False)

    def clean(self):
        data = super().clean()
        if data.get("decision") == "approve" and not data.get("confirm"):
            self.add_error("confirm", _("Confirm that you have checked the list."))
        return data


class ApplyForm(forms.Form):
    confirm = forms.BooleanField(label=_("Remove the listed records now. This cannot be undone."))


class ClientRequestForm(forms.Form):
    client = forms.IntegerField(label=_("Client number"), min_value=1)
    reason = forms.CharField(label=_("Request or reason"), max_length=500,
                             help_text=_("For example: the client's request of 3 March, reference 2026-14."))


class LiftForm(forms.Form):
    note = forms.CharField(label=_("Why the restriction is lifted"), max_length=500)

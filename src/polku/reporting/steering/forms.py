"""The report's choices: organisation (and team), period, comparison with the previous period."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from polku.casework.models import Team
from polku.core.models import Organisation, User
from polku.reporting.steering.report import MAX_PERIOD_DAYS
from polku.reporting.steering.scope import organisation_ids


def allowed_organisations(viewer: User):
    """A team lead reports on their own organisation (and its units); the other report roles on any."""
    if viewer.has_perm("core.assign_clients"):
        if viewer.organisation_id is None:
            return Organisation.objects.none()
        return Organisation.objects.filter(pk__in=organisation_ids(viewer.organisation))
    return Organisation.objects.all()


def previous_month(today: date) -> tuple[date, date]:
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


class SteeringReportForm(forms.Form):
    organisaatio = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())
    tiimi = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False,
                                   empty_label=_("All teams"))
    alkaen = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    asti = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    vertailu = forms.BooleanField(label=_("Compare with the previous period"), required=False)

    def __init__(self, *args, viewer: User, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = allowed_organisations(viewer)
        self.fields["organisaatio"].queryset = organisations
        self.fields["tiimi"].queryset = Team.objects.filter(organisation__in=organisations).select_related(
            "organisation")

    def clean(self):
        data = super().clean()
        start, end = data.get("alkaen"), data.get("asti")
        if start and end and end < start:
            self.add_error("asti", _("The end of the period is before its start."))
        elif start and end and (end - start).days > MAX_PERIOD_DAYS:
            self.add_error("asti", _("The period may be at most three years long."))
        team, organisation = data.get("tiimi"), data.get("organisaatio")
        if team and organisation and team.organisation_id not in organisation_ids(organisation):
            self.add_error("tiimi", _("The team does not belong to the organisation."))
        return data

"""Forms for referrals: they parse what the worker typed; the services decide what is allowed."""

from __future__ import annotations

from datetime import date, datetime, time

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from polku.casework.languages import language_choices
from polku.core import web as core_web
from polku.core.errors import DomainError
from polku.referrals import machine
from polku.referrals.models import DisclosureItem, ReferralService, ReferralStep, ReferralUrgency
from polku.referrals.services.referrals import ConsentIn

# Service field names that a form asks for under another name.
SERVICE_FIELD_TO_FORM_FIELD = {
    "consent": "consent_given", "consent_items": "disclose", "consent_given_at": "consent_date",
    "consent_language": "consent_language", "consent_recipient": "consent_recipient",
    "appointment_at": "appointment_date", "occurred_at": "occurred_date",
}


def apply_domain_error(form: forms.Form, error: DomainError) -> None:
    """Show a service's refusal on the field it names, or at the top of the form."""
    core_web.apply_domain_error(form, error, field_map=SERVICE_FIELD_TO_FORM_FIELD)


def _moment(day: date | None, at: time | None) -> datetime | None:
    if day is None:
        return None
    return timezone.make_aware(datetime.combine(day, at or time(12, 0)))


def _consent_moment(day: date) -> datetime:
    # Today's consent is "now"; an earlier day's is recorded at noon of that day (the hour is not asked).
    return timezone.now() if day == timezone.localdate() else _moment(day, None)


class ServiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ReferralService) -> str:
        return f"{obj.name} – {obj.get_service_type_display()} ({obj.organisation})"


class ConsentFields(forms.Form):
    """The consent checklist, as the worker records what the client agreed to."""

    consent_given = forms.BooleanField(
        label=_("The client consents to this referral and to disclosing the information ticked below"),
        required=False)
    disclose = forms.MultipleChoiceField(
        label=_("Information the client agrees to disclose"), choices=DisclosureItem.choices, required=False,
        widget=forms.CheckboxSelectMultiple, initial=[DisclosureItem.IDENTITY, DisclosureItem.REASON],
        help_text=_("Identity is always part of a referral."))
    consent_date = forms.DateField(label=_("Consent given on"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    consent_language = forms.ChoiceField(label=_("Language used when asking the client"), required=False)

    def __init__(self, *args, client_language: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent_language"].choices = [("", "–"), *language_choices()]
        self.fields["consent_language"].initial = client_language
        self.fields["consent_date"].initial = timezone.localdate()

    def clean(self):
        data = super().clean()
        if data.get("consent_given"):
            if not data.get("consent_date") and "consent_date" not in self.errors:
                self.add_error("consent_date", _("Give the date the client gave the consent."))
            if not data.get("consent_language") and "consent_language" not in self.errors:
                self.add_error("consent_language", _("Give the language in which the client was asked."))
        return data

    def consent(self) -> ConsentIn | None:
        data = self.cleaned_data
        if not data.get("consent_given"):
            return None
        return ConsentIn(items=frozenset(data["disclose"]), given_at=_consent_moment(data["consent_date"]),
                         language=data["consent_language"])


class ReferralForm(ConsentFields):
    target_service = ServiceChoiceField(label=_("Service"), queryset=ReferralService.objects.none())
    reason = forms.CharField(label=_("Reason for referral"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5}))
    urgency = forms.ChoiceField(label=_("Urgency"), choices=ReferralUrgency.choices, initial=ReferralUrgency.ROUTINE,
                                widget=forms.RadioSelect)

    field_order = ["target_service", "reason", "urgency", "consent_given", "disclose", "consent_date",
                   "consent_language"]

    def __init__(self, *args, services: QuerySet[ReferralService], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_service"].queryset = services

    def service_kwargs(self, *, send: bool) -> dict:
        data = self.cleaned_data
        return {"target_service": data["target_service"], "reason": data["reason"], "urgency": data["urgency"],
                "consent": self.consent(), "send": send}


class ConsentForm(ConsentFields):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if not data.get("consent_given") and "consent_given" not in self.errors:
            self.add_error("consent_given", _("Tick this once the client has given the consent."))
        return data


class StepForm(forms.Form):
    """The fields one step needs: a reason, an appointment time, or when it happened (recorded afterwards)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    appointment_date = forms.DateField(label=_("Appointment date"),
                                       widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    appointment_time = forms.TimeField(label=_("Appointment time"),
                                       widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    occurred_date = forms.DateField(label=_("Date it happened"), required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                    help_text=_("Leave empty if it happened just now."))
    occurred_time = forms.TimeField(label=_("Time it happened"), required=False,
                                    widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    note = forms.CharField(label=_("Note"), max_length=1000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, step: str, manual: bool, **kwargs):
        super().__init__(*args, **kwargs)
        keep = {"version", "note"}
        if step in (ReferralStep.REJECTED, ReferralStep.WITHDRAWN):
            keep = {"version", "reason"}
        if step == ReferralStep.APPOINTMENT_BOOKED:
            keep |= {"appointment_date", "appointment_time"}
        if manual and step != ReferralStep.WITHDRAWN:
            keep |= {"occurred_date", "occurred_time"}
        if step in (ReferralStep.APPOINTMENT_HELD, ReferralStep.APPOINTMENT_MISSED):
            self.fields["occurred_date"].help_text = _("Leave empty to use the appointment time.")
        if step == ReferralStep.APPOINTMENT_BOOKED and manual:
            self.fields["occurred_date"].label = _("Date the appointment was given")
            self.fields["occurred_date"].help_text = _("Needed when the appointment has already passed.")
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {"expected_version": data["version"], "reason": data.get("reason", ""),
                  "note": data.get("note", ""),
                  "occurred_at": _moment(data.get("occurred_date"), data.get("occurred_time"))}
        if "appointment_date" in data:
            kwargs["appointment_at"] = _moment(data["appointment_date"], data["appointment_time"])
        return kwargs


# What a step's button says (the step names read as states; buttons say what they do).
STEP_ACTION_LABELS = {
    ReferralStep.SENT: _("Send the referral"),
    ReferralStep.RECEIVED: _("Mark as received"),
    ReferralStep.ACCEPTED: _("Accept"),
    ReferralStep.REJECTED: _("Reject"),
    ReferralStep.APPOINTMENT_BOOKED: _("Give an appointment"),
    ReferralStep.APPOINTMENT_HELD: _("The client attended the appointment"),
    ReferralStep.APPOINTMENT_MISSED: _("The client missed the appointment"),
    ReferralStep.CLOSED: _("Close the referral"),
    ReferralStep.WITHDRAWN: _("Withdraw the referral"),
    ReferralStep.CALLBACK_MISSED: _("Record a missed call-back"),
    ReferralStep.CLIENT_UNREACHABLE: _("Record that the client could not be reached"),
}


def step_needs_form(step: str, *, side: str, handled_in_polku: bool) -> bool:
    """True when a step asks for input; the rest are one-click buttons."""
    manual = side == machine.SENDER and step in machine.HANDLER_STEPS and not handled_in_polku
    return step in machine.STEPS_WITH_INPUT or manual

"""Forms of the interpreting pages: they parse; the services decide."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from polku.casework.languages import language_choices
from polku.core import web as core_web
from polku.core.errors import DomainError
from polku.core.models import Organisation, OrganisationType
from polku.interpreting.models import BookingStatus, GenderWish, Interpreter, InterpretingMode

# Service field names that the booking form asks for under another name.
SERVICE_TO_FORM_FIELD = {"starts_at": "start_time", "ends_at": "end_time"}


def apply_domain_error(form: forms.Form, error: DomainError) -> None:
    """Show a service's refusal on the field it names, or at the top of the form."""
    core_web.apply_domain_error(form, error, field_map=SERVICE_TO_FORM_FIELD)


class InterpreterChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Interpreter) -> str:
        return obj.name


class InterpreterMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Interpreter) -> str:
        return obj.name


class BookingRequestForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    start_time = forms.TimeField(label=_("Start time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    end_time = forms.TimeField(label=_("End time of the meeting"),
                               widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    language = forms.ChoiceField(label=_("Interpreting language"), choices=())
    dialect = forms.CharField(label=_("Dialect"), required=False, max_length=100)
    mode = forms.ChoiceField(label=_("Mode"), choices=InterpretingMode.choices)
    centre = forms.ModelChoiceField(label=_("Interpreter centre"), queryset=Organisation.objects.none())
    address = forms.CharField(label=_("Exact address (street, floor, room)"), required=False, max_length=300)
    remote_details = forms.CharField(label=_("Phone number or video link"), required=False, max_length=300)
    contact_person = forms.CharField(label=_("Who to ask for on arrival"), required=False, max_length=200)
    contact_phone = forms.CharField(label=_("Contact phone"), required=False, max_length=32)
    mental_health = forms.BooleanField(label=_("Mental-health meeting"), required=False)
    double_time = forms.BooleanField(label=_("Book double time for the interpreter"), required=False,
                                     help_text=_("Recommended for mental-health meetings: interpreting doubles the "
                                                 "talk time."))
    gender_wish = forms.ChoiceField(label=_("Interpreter gender"), choices=GenderWish.choices)
    preferred_interpreter = InterpreterChoiceField(label=_("Named interpreter the client wishes"), required=False,
                                                   queryset=Interpreter.objects.none())
    refused_interpreters = InterpreterMultipleChoiceField(label=_("Interpreters the client refuses"), required=False,
                                                          queryset=Interpreter.objects.none(),
                                                          widget=forms.CheckboxSelectMultiple)
    share_client_name = forms.BooleanField(label=_("The client agrees that the interpreter is told their name "
                                                   "(for a conflict-of-interest check)"), required=False)
    accept_alternatives = forms.BooleanField(label=_("If the named interpreter is not free, book another suitable "
                                                     "interpreter"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = language_choices()
        self.fields["centre"].queryset = Organisation.objects.filter(type=OrganisationType.INTERPRETER_CENTRE)
        interpreters = Interpreter.objects.filter(active=True).order_by("name")
        self.fields["preferred_interpreter"].queryset = interpreters
        self.fields["refused_interpreters"].queryset = interpreters

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        day = data.pop("date")
        start, end = data.pop("start_time"), data.pop("end_time")
        data["starts_at"] = timezone.make_aware(datetime.combine(day, start))
        data["ends_at"] = timezone.make_aware(datetime.combine(day, end))
        data["refused_interpreters"] = list(data["refused_interpreters"])
        return data


class AssignForm(forms.Form):
    interpreter = InterpreterChoiceField(label=_("Interpreter"), queryset=Interpreter.objects.none())

    def __init__(self, *args, interpreters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["interpreter"].queryset = interpreters


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class AnswerForm(forms.Form):
    accept = forms.TypedChoiceField(label=_("Answer"), coerce=lambda value: value == "yes",
                                    choices=[("yes", _("Accept")), ("no", _("Decline"))], widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reason for declining (for example a conflict of interest)"), required=False,
                             max_length=300)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("What happened"), choices=[
        (status.value, status.label) for status in (BookingStatus.HELD, BookingStatus.CLIENT_NO_SHOW,
                                                    BookingStatus.INTERPRETER_NO_SHOW)])
    actual_minutes = forms.IntegerField(label=_("Interpreting lasted (minutes)"), required=False, min_value=1,
                                        max_value=480)


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All open"))] + list(BookingStatus.choices))
    day = forms.DateField(label=_("Day"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class ProposeForm(forms.Form):
    first_day = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    last_day = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}))
    method = forms.ChoiceField(label=_("Method"), choices=[("cp-sat", _("Optimised (CP-SAT solver)")),
                                                           ("greedy", _("First free interpreter"))])

    def clean(self):
        data = super().clean()
        if data.get("first_day") and data.get("last_day") and data["last_day"] < data["first_day"]:
            self.add_error("last_day", _("The last day must not be before the first day."))
        elif data.get("first_day") and data.get("last_day") and (data["last_day"] - data["first_day"]).days > 13:
            self.add_error("last_day", _("Plan at most two weeks at a time."))
        return data


class ClaimForm(forms.Form):
    first_day = forms.DateField(label=_("Period from"), widget=forms.DateInput(attrs={"type": "date"}))
    last_day = forms.DateField(label=_("Period until"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("first_day") and data.get("last_day") and data["last_day"] < data["first_day"]:
            self.add_error("last_day", _("The end of the period must not be before its start."))
        return data


class InvoiceMonthForm(forms.Form):
    month = forms.DateField(label=_("Month"), input_formats=["%Y-%m"],
                            widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"))

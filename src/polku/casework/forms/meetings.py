"""Forms for planning and recording meetings and for work time; they parse, the services decide."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from polku.casework.languages import language_choices
from polku.casework.models import CareTeamRole, Client, Meeting, MeetingOutcome, MeetingPlace, WorkActivity
from polku.casework.models.meeting import ParticipantKind
from polku.core import web as core_web
from polku.core.errors import DomainError
from polku.core.models import User

# Service field names that the forms ask for under another name (the form asks for an end time, not minutes).
SERVICE_FIELD_TO_FORM_FIELD = {"starts_at": "start_time", "actual_minutes": "end_time",
                               "planned_minutes": "end_time"}


def apply_domain_error(form: forms.Form, error: DomainError) -> None:
    """Show a service's refusal on the field it names, or at the top of the form."""
    core_web.apply_domain_error(form, error, field_map=SERVICE_FIELD_TO_FORM_FIELD)


def _interpreting_languages(blank_label) -> list[tuple[str, str]]:
    """The languages by name in the UI language: a worker picks "Arabic", not the code "ar"."""
    return [("", blank_label), *language_choices()]


def _lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


class WorkerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        role = getattr(obj, "care_role", "")
        name = obj.get_full_name() or obj.get_username()
        return f"{name} ({CareTeamRole(role).label})" if role in CareTeamRole.values else name


class MeetingTimeForm(forms.Form):
    """Date, start and end time; the duration is computed, and the end must come after the start."""

    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    start_time = forms.TimeField(label=_("Start time"), widget=forms.TimeInput(attrs={"type": "time"},
                                                                                 format="%H:%M"))
    end_time = forms.TimeField(label=_("End time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    end_required = True

    def clean(self):
        data = super().clean()
        day, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
        if day is None or start is None:
            return data
        data["starts_at"] = timezone.make_aware(datetime.combine(day, start))
        data["minutes"] = None
        if end is None:
            if self.end_required and "end_time" not in self.errors:
                self.add_error("end_time", _("Give the end time."))
        elif end <= start:
            self.add_error("end_time", _("The end time must be after the start time."))
        else:
            data["minutes"] = (datetime.combine(day, end) - datetime.combine(day, start)).seconds // 60
        return data


class PlanMeetingForm(MeetingTimeForm):
    place = forms.ChoiceField(label=_("Place"), choices=MeetingPlace.choices)
    place_detail = forms.CharField(label=_("Address or details"), required=False, max_length=300)
    participants = WorkerChoiceField(label=_("Workers taking part"), queryset=User.objects.none(),
                                     widget=forms.CheckboxSelectMultiple)
    interpreter_language = forms.ChoiceField(label=_("Interpreting language"), required=False,
                                             choices=lambda: _interpreting_languages(_("No interpreter needed")))

    def __init__(self, *args, workers: QuerySet[User], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = workers

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"starts_at": data["starts_at"], "planned_minutes": data["minutes"], "place": data["place"],
                "place_detail": data["place_detail"], "participants": list(data["participants"]),
                "interpreter_language": data["interpreter_language"]}


class InterpreterFieldsMixin(forms.Form):
    interpreter_used = forms.BooleanField(label=_("An interpreter took part"), required=False)
    interpreter_language = forms.ChoiceField(label=_("Interpreting language"), required=False,
                                             choices=lambda: _interpreting_languages(_("None")))
    interpreter_name = forms.CharField(label=_("Interpreter's name"), required=False, max_length=200)


class RecordMeetingForm(MeetingTimeForm, InterpreterFieldsMixin):
    outcome = forms.ChoiceField(label=_("What happened"),
                                choices=[c for c in MeetingOutcome.choices if c[0] != MeetingOutcome.PLANNED])
    place = forms.ChoiceField(label=_("Place"), choices=MeetingPlace.choices)
    place_detail = forms.CharField(label=_("Address or details"), required=False, max_length=300)
    participants = WorkerChoiceField(label=_("Workers taking part"), queryset=User.objects.none(),
                                     widget=forms.CheckboxSelectMultiple)
    family_members = forms.CharField(label=_("Family members taking part"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 2}), help_text=_("One per line."))
    partner_professionals = forms.CharField(label=_("Partner professionals taking part"), required=False,
                                            widget=forms.Textarea(attrs={"rows": 2}),
                                            help_text=_("One per line, with their organisation."))
    pair_exception_reason = forms.CharField(
        label=_("Reason the pair did not meet together"), required=False, max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed only when the client's first meeting was not held by the nurse and the social "
                    "counsellor together."))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    field_order = ["outcome", "date", "start_time", "end_time", "place", "place_detail", "participants",
                   "family_members", "partner_professionals", "interpreter_used", "interpreter_language",
                   "interpreter_name", "pair_exception_reason"]

    def __init__(self, *args, workers: QuerySet[User], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = workers
        # A meeting that did not take place has no duration to record.
        self.end_required = self.data.get(self.add_prefix("outcome"), MeetingOutcome.HELD) == MeetingOutcome.HELD
        self.fields["end_time"].required = False
        self.fields["end_time"].help_text = _("Needed when the meeting was held.")

    @classmethod
    def initial_for_client(cls, client: Client) -> dict:
        """A new record starts from what the client needs: most PPMM meetings needed an interpreter."""
        return {"outcome": MeetingOutcome.HELD, "interpreter_used": client.interpreter_needed,
                "interpreter_language": client.interpreter_language if client.interpreter_needed else ""}

    @classmethod
    def initial_from_planned(cls, meeting: Meeting) -> dict:
        """Start the outcome form from what was planned."""
        local = timezone.localtime(meeting.starts_at)
        return {"outcome": MeetingOutcome.HELD, "date": local.date(), "start_time": local.time(),
                "end_time": (local + timedelta(minutes=meeting.planned_minutes)).time(), "place": meeting.place,
                "place_detail": meeting.place_detail, "interpreter_language": meeting.interpreter_language,
                "interpreter_used": bool(meeting.interpreter_language), "version": meeting.version,
                "participants": [p.worker_id for p in meeting.participants.all()
                                 if p.kind == ParticipantKind.WORKER]}

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"starts_at": data["starts_at"], "actual_minutes": data["minutes"], "place": data["place"],
                "place_detail": data["place_detail"], "participants": list(data["participants"]),
                "family_members": _lines(data["family_members"]),
                "partner_professionals": _lines(data["partner_professionals"]),
                "interpreter_used": data["interpreter_used"], "interpreter_language": data["interpreter_language"],
                "interpreter_name": data["interpreter_name"], "outcome": data["outcome"],
                "pair_exception_reason": data["pair_exception_reason"], "expected_version": data["version"]}


class MeetingDetailsForm(InterpreterFieldsMixin):
    place = forms.ChoiceField(label=_("Place"), choices=MeetingPlace.choices)
    place_detail = forms.CharField(label=_("Address or details"), required=False, max_length=300)
    version = forms.IntegerField(widget=forms.HiddenInput)
    field_order = ["place", "place_detail", "interpreter_used", "interpreter_language", "interpreter_name"]

    @classmethod
    def initial_from(cls, meeting: Meeting) -> dict:
        return {"place": meeting.place, "place_detail": meeting.place_detail, "version": meeting.version,
                "interpreter_used": meeting.interpreter_used, "interpreter_language": meeting.interpreter_language,
                "interpreter_name": meeting.interpreter_name}

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"expected_version": data["version"], "place": data["place"], "place_detail": data["place_detail"],
                "interpreter_used": data["interpreter_used"], "interpreter_language": data["interpreter_language"],
                "interpreter_name": data["interpreter_name"]}


class WorkTimeForm(forms.Form):
    activity = forms.ChoiceField(label=_("Activity"),
                                 choices=[c for c in WorkActivity.choices if c[0] != WorkActivity.MEETING])
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1)
    description = forms.CharField(label=_("Description"), required=False, max_length=300)


class AdjustWorkTimeForm(forms.Form):
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1)
    description = forms.CharField(label=_("Description"), required=False, max_length=300)


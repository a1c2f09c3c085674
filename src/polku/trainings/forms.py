"""Forms of the trainings app: input parsing only; the rules live in services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from polku.core.models import CollaborationArea
from polku.directory.models import Training
from polku.trainings.models import EventFormat, EventKind
from polku.trainings.selectors import NATIONAL
from polku.trainings.services import EventData


class EventFilterForm(forms.Form):
    area = forms.ChoiceField(label=_("Area"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=[("", _("All kinds"))] + list(EventKind.choices))
    past = forms.BooleanField(label=_("Show past events instead of upcoming ones"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = ([("", _("All areas")), (NATIONAL, _("National"))]
                                       + [(area.code, area.name) for area in CollaborationArea.objects.all()])


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class EventForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices)
    format = forms.ChoiceField(label=_("Format"), choices=EventFormat.choices)
    title_fi = forms.CharField(label=_("Title in Finnish"), max_length=200)
    title_sv = forms.CharField(label=_("Title in Swedish"), max_length=200, required=False)
    title_en = forms.CharField(label=_("Title in English"), max_length=200, required=False)
    description_fi = forms.CharField(label=_("Description in Finnish"), widget=forms.Textarea(attrs={"rows": 4}),
                                     required=False)
    description_sv = forms.CharField(label=_("Description in Swedish"), widget=forms.Textarea(attrs={"rows": 4}),
                                     required=False)
    description_en = forms.CharField(label=_("Description in English"), widget=forms.Textarea(attrs={"rows": 4}),
                                     required=False)
    area = forms.ModelChoiceField(label=_("Collaboration area"), queryset=CollaborationArea.objects.all(),
                                  required=False, empty_label=_("National (all of Finland)"))
    organiser_name = forms.CharField(label=_("Organiser"), max_length=200)
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=_("Ends"), widget=DateTimeInput())
    hours = forms.DecimalField(label=_("Hours of training"), max_digits=5, decimal_places=1, min_value=0.5)
    place = forms.CharField(label=_("Place (in person)"), max_length=300, required=False)
    online_url = forms.URLField(label=_("Link (online)"), required=False, assume_scheme="https")
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=100_000)
    directory_training = forms.ModelChoiceField(label=_("Training in the directory"), required=False,
                                                queryset=Training.objects.all())

    def event_data(self) -> EventData:
        return EventData(**self.cleaned_data)

    @staticmethod
    def initial_from(event) -> dict:
        return {name: getattr(event, name) for name in EventData.__dataclass_fields__}


class CancelEventForm(forms.Form):
    reason = forms.CharField(label=_("Reason (sent to the participants)"), widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=2000)


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(label=_("Rating"), coerce=int, widget=forms.RadioSelect,
                                    choices=[(n, str(n)) for n in range(1, 6)],
                                    help_text=_("1 = poor, 5 = excellent"))
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 4}), required=False,
                              max_length=4000)


class AttendanceForm(forms.Form):
    """One checkbox per enrolled participant."""

    def __init__(self, *args, enrolments, **kwargs):
        super().__init__(*args, **kwargs)
        self.enrolments = enrolments
        self.fields["attended"] = forms.MultipleChoiceField(
            label=_("Attended"), required=False, widget=forms.CheckboxSelectMultiple,
            choices=[(str(row.user_id), str(row.user)) for row in enrolments],
            initial=[str(row.user_id) for row in enrolments if row.attended])

    def attended_ids(self) -> set[int]:
        return {int(value) for value in self.cleaned_data["attended"]}

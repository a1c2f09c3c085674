"""Forms for notes: structured fields, topics as a checkbox group, the version the writer saw as a hidden field."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from polku.casework.models import Meeting, Note, NoteTopic


def topic_labels(codes: list[str]) -> list[str]:
    """The translated labels of stored topic codes (codes no longer on the list are shown as they are)."""
    return [str(NoteTopic(code).label) if code in NoteTopic.values else code for code in codes]


class MeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Meeting) -> str:
        when = formats.date_format(timezone.localtime(obj.starts_at), "SHORT_DATETIME_FORMAT")
        return f"{when} · {obj.get_place_display()} · {obj.get_outcome_display()}"


class NoteForm(forms.Form):
    meeting = MeetingChoiceField(label=_("Meeting"), queryset=Meeting.objects.none(), required=False,
                                 empty_label=_("Not about a meeting"))
    reason_for_contact = forms.CharField(label=_("Reason for contact"), required=False, max_length=500)
    topics = forms.MultipleChoiceField(label=_("Topics discussed"), choices=NoteTopic.choices, required=False,
                                       widget=forms.CheckboxSelectMultiple)
    agreed_actions = forms.CharField(label=_("Agreed actions"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 3}))
    next_step = forms.CharField(label=_("Next step"), required=False, max_length=500)
    text = forms.CharField(label=_("Free text"), required=False, widget=forms.Textarea(attrs={"rows": 8}))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, meetings: QuerySet[Meeting] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if meetings is None:
            # Editing and correcting keep the note's meeting: the meeting is chosen when the note is made.
            del self.fields["meeting"]
        else:
            self.fields["meeting"].queryset = meetings

    @classmethod
    def initial_from(cls, note: Note) -> dict:
        return {"reason_for_contact": note.reason_for_contact, "topics": note.topics,
                "agreed_actions": note.agreed_actions, "next_step": note.next_step, "text": note.text,
                "version": note.version}

    def note_kwargs(self) -> dict:
        data = self.cleaned_data
        return {key: data[key] for key in ("reason_for_contact", "topics", "agreed_actions", "next_step", "text")}

    def rebase(self, version: int) -> None:
        """After a conflict: keep the writer's text but take the saved version, so a new save is a choice."""
        self.data = self.data.copy()
        self.data[self.add_prefix("version")] = str(version)


class CorrectNoteForm(NoteForm):
    reason = forms.CharField(label=_("Reason for the correction"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": _("State the reason for the correction.")})
    field_order = ["reason"]


class SignNoteForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)

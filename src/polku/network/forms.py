"""Forms of the network app: input parsing only; the rules live in the services."""

from __future__ import annotations

import hashlib

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from polku.casework.languages import language_choices
from polku.core.models import Area, AreaKind, CollaborationArea
from polku.directory.models import Publication
from polku.network.models import ConsultationTopic, ExpertAccount, Urgency


def text_digest(*parts: str) -> str:
    """Identifies the exact text a masked preview was shown for, so that "send masked" applies to that text only."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


class ConsultationForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200,
                            help_text=_("A short description of the question, without names."))
    topics = forms.MultipleChoiceField(label=_("Topics"), choices=ConsultationTopic.choices,
                                       widget=forms.CheckboxSelectMultiple)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL,
                                widget=forms.RadioSelect)
    area = forms.ModelChoiceField(label=_("Wellbeing services area"), queryset=Area.objects.none(),
                                  help_text=_("The request goes first to the experts of this area's collaboration "
                                              "area."))
    languages = forms.MultipleChoiceField(label=_("Languages"), required=False, choices=(),
                                          help_text=_("Languages the answer or the case involves (optional). Choose "
                                                      "several with Ctrl or Cmd."))
    concerns_client = forms.BooleanField(label=_("The question concerns a specific client of mine"), required=False)
    description = forms.CharField(
        label=_("Case description"), widget=forms.Textarea(attrs={"rows": 8}), max_length=10_000,
        help_text=_("Describe the case anonymously: no names, identity codes, phone numbers or e-mail addresses."))
    preview_digest = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.exclude(kind=AreaKind.ALAND).order_by("short_name_fi")
        self.fields["languages"].choices = language_choices()

    def digest(self) -> str:
        return text_digest(self.cleaned_data["title"], self.cleaned_data["description"])

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"title": data["title"], "description": data["description"], "topics": data["topics"],
                "urgency": data["urgency"], "area": data["area"], "languages": data["languages"],
                "concerns_client": data["concerns_client"]}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the size and type rules are the service's (attachments.py)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 6}))
    attachments = MultipleFileField(
        label=_("Attachments"), required=False,
        help_text=_("At most 5 MB per file; allowed types: PDF, PNG, JPEG, DOCX, TXT."))


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(label=_("How useful was the consultation?"), coerce=int,
                                    choices=[(n, str(n)) for n in range(1, 6)], widget=forms.RadioSelect,
                                    help_text=_("1 = not useful, 5 = very useful"))
    comment = forms.CharField(label=_("Comment (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class RouteForm(forms.Form):
    expert = forms.ModelChoiceField(label=_("Expert"), queryset=ExpertAccount.objects.none())

    def __init__(self, *args, experts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expert"].queryset = ExpertAccount.objects.filter(pk__in=[e.pk for e in experts]).select_related(
            "expert").order_by("expert__name")
        self.fields["expert"].label_from_instance = lambda account: account.expert.name


class NewsForm(forms.Form):
    collaboration_area = forms.ModelChoiceField(label=_("Collaboration area"), required=False,
                                                queryset=CollaborationArea.objects.all(),
                                                empty_label=_("National (whole network)"))
    title_fi = forms.CharField(label=_("Title in Finnish"), max_length=200)
    body_fi = forms.CharField(label=_("Text in Finnish"), widget=forms.Textarea(attrs={"rows": 5}))
    title_sv = forms.CharField(label=_("Title in Swedish"), max_length=200, required=False)
    body_sv = forms.CharField(label=_("Text in Swedish"), widget=forms.Textarea(attrs={"rows": 5}), required=False)
    title_en = forms.CharField(label=_("Title in English"), max_length=200, required=False)
    body_en = forms.CharField(label=_("Text in English"), widget=forms.Textarea(attrs={"rows": 5}), required=False)


class ResearchApplicationForm(forms.Form):
    organisation_name = forms.CharField(label=_("Organisation"), max_length=200)
    research_interests = forms.CharField(label=_("Research interests"), widget=forms.Textarea(attrs={"rows": 4}))
    collaboration_area = forms.ModelChoiceField(label=_("Collaboration area"), required=False,
                                                queryset=CollaborationArea.objects.all(),
                                                empty_label=_("National"))
    publications = forms.ModelMultipleChoiceField(label=_("Your publications in the directory"), required=False,
                                                  queryset=Publication.objects.all())


class ResearchCallForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 5}))
    contact = forms.CharField(label=_("Contact details"), max_length=200)
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    publications = forms.ModelMultipleChoiceField(label=_("Related publications"), required=False,
                                                  queryset=Publication.objects.all())


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language of notifications"), choices=settings.LANGUAGES,
                                 widget=forms.RadioSelect)

"""The screening form: one radio group per item, texts in the worker's and the client's language side by side.

Fields are not required here on purpose: a missing answer is the engine's rule (through the service),
which names every unanswered item in one message; the form only maps that message onto the items.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from polku.casework.instruments import AnswerOption, Instrument, Item, text_for
from polku.casework.instruments.engine import PRIMARY_LANGUAGE
from polku.casework.models import Meeting
from polku.casework.selectors.screening import item_number, language_name, text_direction
from polku.core.errors import DomainError


def _worker_text(element: Item | AnswerOption, language: str) -> str | None:
    return text_for(element, language) or text_for(element, PRIMARY_LANGUAGE)


def _worker_lang(element: Item | AnswerOption, language: str) -> str:
    """The language the worker's text is actually in (English when the UI language has none)."""
    return language if text_for(element, language) else PRIMARY_LANGUAGE


@dataclass(frozen=True)
class OptionRow:
    value: int
    input_id: str
    worker_label: str
    worker_lang: str
    client_label: str | None
    checked: bool
    has_text: bool  # False: the option has no wording, only its number (e.g. RHS-15's 0–4 scale)


@dataclass(frozen=True)
class ItemRow:
    link_id: str
    number: str
    worker_text: str | None
    worker_lang: str
    client_text: str | None
    options: list[OptionRow]
    errors: list[str]
    first_input_id: str


class MeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Meeting) -> str:
        return formats.date_format(timezone.localtime(obj.starts_at), "SHORT_DATETIME_FORMAT")


class ScreeningForm(forms.Form):
    client_language = forms.CharField(widget=forms.HiddenInput, max_length=8)
    meeting = MeetingChoiceField(queryset=Meeting.objects.none(), required=False, label=_("Meeting"),
                                 empty_label=_("Not linked to a meeting"))

    def __init__(self, *args, instrument: Instrument, client_language: str, worker_language: str,
                 meetings=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.worker_language = worker_language
        self.fields["client_language"].initial = client_language
        if meetings is not None:
            self.fields["meeting"].queryset = meetings
        for item in instrument.scored_items:
            self.fields[item.link_id] = forms.TypedChoiceField(
                label=_("Item %(number)s") % {"number": item_number(instrument, item.link_id)},
                choices=[(option.ordinal, str(option.ordinal)) for option in item.answer_options],
                coerce=int, required=False, empty_value=None, widget=forms.RadioSelect,
                error_messages={"invalid_choice": _("Choose one of the answer options.")},
            )

    @property
    def shown_language(self) -> str:
        """The language the client's texts are shown in (as submitted, or as first offered)."""
        if self.is_bound:
            return (self.data.get("client_language") or self.fields["client_language"].initial or "")[:8]
        return self.fields["client_language"].initial or ""

    def answers(self) -> dict[str, int]:
        """The answered items, linkId → ordinal (unanswered items are left out for the engine to name)."""
        return {item.link_id: self.cleaned_data[item.link_id] for item in self.instrument.scored_items
                if self.cleaned_data.get(item.link_id) is not None}

    def apply_error(self, error: DomainError) -> None:
        """Put a service refusal on the items (or field) it names, and its full message in the summary."""
        link_ids = [link_id for link_id in error.params.get("link_ids", []) if link_id in self.fields]
        for link_id in link_ids:
            self.add_error(link_id, _("Answer this item with one of the options.")
                           if error.code == "missing_items" else _("This answer is out of range."))
        field = error.field if error.field in self.fields else None
        self.add_error(field, str(error.message))

    def instructions(self) -> list[dict]:
        """Display items (instructions) with the worker's and the client's text."""
        return [{"worker_text": _worker_text(item, self.worker_language),
                 "worker_lang": _worker_lang(item, self.worker_language),
                 "client_text": text_for(item, self.shown_language)}
                for item in self.instrument.items if item.kind == "display"]

    def item_rows(self) -> list[ItemRow]:
        """Everything the template needs per item, texts already chosen per language."""
        rows = []
        for item in self.instrument.scored_items:
            bound = self[item.link_id]
            current = str(bound.value()) if bound.value() not in (None, "") else None
            options = [
                OptionRow(value=option.ordinal, input_id=f"id_{item.link_id}_{index}",
                          worker_label=_worker_text(option, self.worker_language) or str(option.ordinal),
                          worker_lang=_worker_lang(option, self.worker_language),
                          client_label=text_for(option, self.shown_language)
                          if not self.same_language else None,
                          checked=current == str(option.ordinal),
                          has_text=_worker_text(option, self.worker_language) is not None)
                for index, option in enumerate(item.answer_options)
            ]
            rows.append(ItemRow(
                link_id=item.link_id, number=item_number(self.instrument, item.link_id),
                worker_text=_worker_text(item, self.worker_language),
                worker_lang=_worker_lang(item, self.worker_language),
                client_text=text_for(item, self.shown_language), options=options,
                errors=list(self.errors.get(item.link_id, [])), first_input_id=options[0].input_id,
            ))
        return rows

    @property
    def same_language(self) -> bool:
        """True when the client reads the worker's language: the texts are then shown once."""
        return self.shown_language.split("-")[0] == self.worker_language.split("-")[0]

    @property
    def client_language_name(self) -> str:
        return language_name(self.shown_language)

    @property
    def client_dir(self) -> str:
        return text_direction(self.shown_language)

    def error_summary(self) -> list[tuple[str, str]]:
        """(anchor id, message) pairs for the error summary at the top of the form."""
        summary = [("screening-form", str(message)) for message in self.non_field_errors()]
        for name, errors in self.errors.items():
            if name == "__all__":
                continue
            scored = {item.link_id for item in self.instrument.scored_items}
            anchor = f"id_{name}_0" if name in scored else f"id_{name}"
            summary.extend((anchor, f"{self.fields[name].label}: {message}") for message in errors)
        return summary


class ClientLanguageForm(forms.Form):
    """Which language the client's texts are shown in: the available ones, plus the client's own."""

    kieli = forms.ChoiceField(label=_("Language of the questionnaire for the client"))

    def __init__(self, *args, languages: list[str], client_language: str, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(code, language_name(code)) for code in languages]
        if client_language and client_language not in languages:
            choices.insert(0, (client_language, _("%(language)s (the interpreter translates)")
                               % {"language": language_name(client_language)}))
        self.fields["kieli"].choices = choices
        self.fields["kieli"].initial = client_language

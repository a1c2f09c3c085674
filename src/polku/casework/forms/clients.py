"""Forms for clients and care teams. They parse input; the rules live in the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from polku.casework.languages import country_choices, language_choices
from polku.casework.models import (
    CareTeamMembership,
    CareTeamRole,
    Gender,
    InterpreterGenderPreference,
    LanguageProficiency,
    LegalStatus,
)
from polku.casework.services.client_details import ClientDetails
from polku.core.errors import DomainError
from polku.core.models import Municipality, User
from polku.core.roles import Profession, Role

LANGUAGE_ROWS = 4
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AccessibleFormMixin:
    """Marks fields with errors as aria-invalid and points them to their error message."""

    def add_error(self, field, error):
        super().add_error(field, error)
        names = [field] if field else []
        if field is None and isinstance(error, dict):
            names = list(error)
        for name in names:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["aria-invalid"] = "true"
                widget.attrs["aria-describedby"] = f"{self[name].auto_id}_error"


def add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Show a service's error on the form: each field error at its field, the rest at the top."""
    aliases = getattr(form, "DOMAIN_FIELD_ALIASES", {})
    for item in error.params.get("errors") or [error]:
        name = aliases.get(item.field, item.field)
        form.add_error(name if name in form.fields else None, str(item.message))


def _blank(label):
    return [("", label)]


class ClientForm(AccessibleFormMixin, forms.Form):
    """Register or edit a client. Field names are those of ClientDetails."""

    DOMAIN_FIELD_ALIASES = {"languages": "language_1"}

    family_name_latin = forms.CharField(label=_("Family name (Latin letters)"), max_length=200)
    given_names_latin = forms.CharField(label=_("Given names (Latin letters)"), max_length=200)
    family_name = forms.CharField(label=_("Family name as the client writes it"), max_length=200, required=False)
    given_names = forms.CharField(label=_("Given names as the client writes them"), max_length=200, required=False)
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DATE_INPUT)
    birth_year = forms.IntegerField(label=_("Year of birth, if the date is not known"), required=False)
    gender = forms.ChoiceField(label=_("Gender as the client states it"), choices=Gender.choices,
                               initial=Gender.NOT_STATED)
    identity_code = forms.CharField(label=_("Personal identity code"), max_length=20, required=False,
                                    help_text=_("Optional. Many clients have no identity code yet."))
    immigration_number = forms.CharField(label=_("Finnish Immigration Service client number"), max_length=32,
                                         required=False)
    reception_centre_id = forms.CharField(label=_("Reception centre client id"), max_length=32, required=False)
    preferred_language = forms.ChoiceField(label=_("Preferred language"))
    interpreter_needed = forms.BooleanField(label=_("Needs an interpreter"), required=False)
    interpreter_language = forms.ChoiceField(label=_("Interpreting language"), required=False)
    interpreter_dialect = forms.CharField(label=_("Dialect"), max_length=100, required=False)
    interpreter_gender_preference = forms.ChoiceField(label=_("Interpreter gender wish"),
                                                      choices=InterpreterGenderPreference.choices,
                                                      initial=InterpreterGenderPreference.ANY)
    preferred_interpreter = forms.CharField(label=_("Preferred named interpreter"), max_length=200, required=False)
    refused_interpreters = forms.CharField(label=_("Interpreters the client refuses (one per line)"),
                                           required=False, widget=forms.Textarea(attrs={"rows": 2}))
    country_of_origin = forms.ChoiceField(label=_("Country of origin"), required=False)
    arrival_year = forms.IntegerField(label=_("Year of arrival in Finland"), required=False)
    legal_status = forms.ChoiceField(label=_("Legal status"), required=False,
                                     choices=_blank(_("Not known")) + list(LegalStatus.choices))
    legal_status_valid_from = forms.DateField(label=_("Legal status valid from"), required=False, widget=DATE_INPUT)
    municipality = forms.ModelChoiceField(label=_("Municipality of residence"), required=False,
                                          queryset=Municipality.objects.order_by("name_fi"))
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    consent_sms = forms.BooleanField(label=_("Consents to SMS messages"), required=False)
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    consent_email = forms.BooleanField(label=_("Consents to e-mail messages"), required=False)
    emergency_contact_name = forms.CharField(label=_("Emergency contact"), max_length=200, required=False)
    emergency_contact_relation = forms.CharField(label=_("Relation to the client"), max_length=100, required=False)
    emergency_contact_phone = forms.CharField(label=_("Emergency contact phone"), max_length=32, required=False)

    FIELDSETS = (
        (_("Names"), ("family_name_latin", "given_names_latin", "family_name", "given_names")),
        (_("Birth and identity"), ("birth_date", "birth_year", "gender", "identity_code", "immigration_number",
                                   "reception_centre_id")),
        (_("Languages and interpreting"), ("preferred_language", "LANGUAGES", "interpreter_needed",
                                           "interpreter_language", "interpreter_dialect",
                                           "interpreter_gender_preference", "preferred_interpreter",
                                           "refused_interpreters")),
        (_("Origin and legal status"), ("country_of_origin", "arrival_year", "legal_status",
                                        "legal_status_valid_from")),
        (_("Residence and contacts"), ("municipality", "phone", "consent_sms", "email", "consent_email")),
        (_("Emergency contact"), ("emergency_contact_name", "emergency_contact_relation", "emergency_contact_phone")),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        languages = language_choices()
        self.fields["preferred_language"].choices = _blank(_("Choose a language")) + languages
        self.fields["interpreter_language"].choices = _blank(_("None")) + languages
        self.fields["country_of_origin"].choices = _blank(_("Not known")) + country_choices()
        self.fields["municipality"].empty_label = _("Not known")
        for row in range(1, LANGUAGE_ROWS + 1):
            self.fields[f"language_{row}"] = forms.ChoiceField(
                label=_("Language %(n)s") % {"n": row}, required=False, choices=_blank(_("None")) + languages)
            self.fields[f"proficiency_{row}"] = forms.ChoiceField(
                label=_("Proficiency in language %(n)s") % {"n": row}, required=False,
                choices=_blank(_("Choose")) + list(LanguageProficiency.choices))
        for name in ("family_name", "given_names", "refused_interpreters", "preferred_interpreter"):
            self.fields[name].widget.attrs["dir"] = "auto"  # the client's own script may be right to left
        self.fields["identity_code"].widget.attrs.update(autocomplete="off", spellcheck="false")

    def clean(self):
        data = super().clean()
        for row in range(1, LANGUAGE_ROWS + 1):
            if data.get(f"language_{row}") and not data.get(f"proficiency_{row}"):
                self.add_error(f"proficiency_{row}", _("Choose the proficiency."))
        return data

    @property
    def fieldsets(self):
        """(legend, [bound fields or the "LANGUAGES" marker]) for the template."""
        return [(legend, [name if name == "LANGUAGES" else self[name] for name in names])
                for legend, names in self.FIELDSETS]

    @property
    def language_rows(self):
        return [(self[f"language_{row}"], self[f"proficiency_{row}"]) for row in range(1, LANGUAGE_ROWS + 1)]

    def details_values(self) -> dict:
        """The cleaned data as ClientDetails keyword arguments."""
        data = self.cleaned_data
        values = {name: data.get(name) for name in ClientDetails.__dataclass_fields__ if name in self.fields}
        for name, value in values.items():
            if value is None and name not in ("birth_date", "birth_year", "arrival_year", "legal_status_valid_from",
                                              "municipality"):
                values[name] = ""
        values["languages"] = tuple((data[f"language_{row}"], data[f"proficiency_{row}"])
                                    for row in range(1, LANGUAGE_ROWS + 1) if data.get(f"language_{row}"))
        return values

    @classmethod
    def initial_from(cls, details: ClientDetails) -> dict:
        """Initial values for editing a stored client."""
        initial = {name: getattr(details, name) for name in ClientDetails.__dataclass_fields__ if name != "languages"}
        for row, (code, proficiency) in enumerate(details.languages[:LANGUAGE_ROWS], start=1):
            initial[f"language_{row}"], initial[f"proficiency_{row}"] = code, proficiency
        return initial


class RegisterClientForm(ClientForm):
    confirm_not_duplicate = forms.BooleanField(
        label=_("I have checked the records above: this is a different person, register anyway"), required=False)
    take_client = forms.BooleanField(label=_("I join this client's care team myself"), required=False)


class EditClientForm(ClientForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ClientSearchForm(AccessibleFormMixin, forms.Form):
    search = forms.CharField(label=_("Search by name, identity code or immigration number"), required=False,
                             max_length=100)
    needs_interpreter = forms.BooleanField(label=_("Needs an interpreter"), required=False)
    overdue_notes = forms.BooleanField(label=_("Notes overdue"), required=False)
    positive_screen = forms.BooleanField(label=_("Positive screening"), required=False)
    no_recent_meeting = forms.BooleanField(label=_("No meeting in 30 days"), required=False)


def _professionals(organisation_id, profession: str | None = None):
    workers = User.objects.filter(organisation_id=organisation_id, is_active=True,
                                  role__in=[Role.PROFESSIONAL, Role.TEAM_LEAD]).order_by("last_name", "first_name")
    return workers.filter(profession=profession) if profession else workers.exclude(profession="")


class WorkerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.get_full_name() or obj.username} ({obj.get_profession_display()})"


class AssignPairForm(AccessibleFormMixin, forms.Form):
    """The team lead's form: the nurse and the social counsellor for one client."""

    DOMAIN_FIELD_ALIASES = {"workers": "nurse"}

    nurse = WorkerChoiceField(label=_("Nurse"), queryset=User.objects.none(), required=False,
                              empty_label=_("Choose"))
    social_counsellor = WorkerChoiceField(label=_("Social counsellor"), queryset=User.objects.none(), required=False,
                                          empty_label=_("Choose"))
    exception_reason = forms.CharField(label=_("Reason, if not a nurse and a social counsellor"), required=False,
                                       max_length=500)

    def __init__(self, *args, organisation_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nurse"].queryset = _professionals(organisation_id, Profession.NURSE)
        self.fields["social_counsellor"].queryset = _professionals(organisation_id, Profession.SOCIAL_COUNSELLOR)

    def clean(self):
        data = super().clean()
        if not data.get("nurse") and not data.get("social_counsellor"):
            self.add_error("nurse", _("Choose the nurse, the social counsellor or both."))
        return data

    def assignments(self) -> list[tuple[User, str]]:
        pairs = [(self.cleaned_data.get("nurse"), CareTeamRole.NURSE),
                 (self.cleaned_data.get("social_counsellor"), CareTeamRole.SOCIAL_COUNSELLOR)]
        return [(worker, role) for worker, role in pairs if worker is not None]


class ChangeCareTeamForm(AccessibleFormMixin, forms.Form):
    DOMAIN_FIELD_ALIASES = {"workers": "add_worker"}

    end = forms.ModelMultipleChoiceField(label=_("Leaves the care team"), queryset=CareTeamMembership.objects.none(),
                                         required=False, widget=forms.CheckboxSelectMultiple)
    add_worker = WorkerChoiceField(label=_("Joins the care team"), queryset=User.objects.none(), required=False,
                                   empty_label=_("Nobody"))
    add_role = forms.ChoiceField(label=_("Role of the joining worker"), choices=CareTeamRole.choices,
                                 required=False)
    reason = forms.CharField(label=_("Reason for the change"), max_length=300)
    exception_reason = forms.CharField(label=_("Reason, if the team is not a nurse and a social counsellor"),
                                       required=False, max_length=500)

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["end"].queryset = client.care_memberships.filter(ended_at__isnull=True).select_related("worker")
        self.fields["end"].label_from_instance = (
            lambda m: f"{m.worker.get_full_name() or m.worker} ({m.get_role_display()})")
        self.fields["add_worker"].queryset = _professionals(client.organisation_id)

    def additions(self) -> list[tuple[User, str]]:
        worker = self.cleaned_data.get("add_worker")
        if worker is None:
            return []
        role = self.cleaned_data.get("add_role") or CareTeamRole.OTHER
        return [(worker, role)]


class MergeForm(AccessibleFormMixin, forms.Form):
    duplicate = forms.IntegerField(label=_("Client number of the duplicate record"), min_value=1)
    reason = forms.CharField(label=_("Why are these the same client?"), max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 3}))


class BreakTheGlassForm(AccessibleFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for opening this client's data"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))

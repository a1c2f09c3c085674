"""Forms for the service plan: dates, goal rows and action rows, mapped to and from the plan services.

Empty rows are skipped, so the services see compact lists; the bundle remembers which row each
entry came from to put a service's field error back on the right input.
"""

from __future__ import annotations

import re

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from polku.casework.models import PlanCloseReason, ServicePlan
from polku.casework.services.plans import PlanActionIn
from polku.core.errors import Conflict, DomainError
from polku.core.models import User

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_ROW_FIELD = re.compile(r"^(goals|actions)-(\d+)-(\w+)$")


class PlanDatesForm(forms.Form):
    agreed_on = forms.DateField(label=_("Agreed with the client on"), required=False, widget=DATE_INPUT)
    review_on = forms.DateField(label=_("Review date"), required=False, widget=DATE_INPUT)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class GoalForm(forms.Form):
    text = forms.CharField(label=_("Goal"), required=False, max_length=500)


class ActionForm(forms.Form):
    action_id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    text = forms.CharField(label=_("What is done"), required=False, max_length=500)
    owner = forms.ChoiceField(label=_("Worker responsible"), required=False)
    owner_text = forms.CharField(label=_("Or someone else responsible (e.g. the client)"), required=False,
                                 max_length=200)
    due_on = forms.DateField(label=_("Due date"), required=False, widget=DATE_INPUT)
    goal = forms.TypedChoiceField(label=_("For goal"), required=False, coerce=int, empty_value=None)

    def is_blank(self) -> bool:
        """True for a row the user left (or made) empty."""
        data = self.cleaned_data
        return not any(data.get(name) not in (None, "") for name in ("text", "owner", "owner_text", "due_on",
                                                                      "goal"))

    def clean(self):
        data = super().clean()
        if data.get("owner") and (data.get("owner_text") or "").strip():
            self.add_error("owner_text", _("Choose a worker or write a name, not both."))
        return data


class PlanFormBundle:
    """The dates form, the goal rows and the action rows of one plan, validated and mapped together."""

    def __init__(self, data=None, *, workers: list[User], plan: ServicePlan | None = None,
                 extra_goals: int = 2, extra_actions: int = 3):
        self.workers = {str(worker.pk): worker for worker in workers}
        goals = list(plan.goals.all()) if plan else []
        actions = list(plan.actions.all()) if plan else []
        goal_rows = len(goals) + (extra_goals if plan else extra_goals + 1)
        self.dates = PlanDatesForm(data, initial={"agreed_on": plan.agreed_on if plan else None,
                                                  "review_on": plan.review_on if plan else None,
                                                  "version": plan.version if plan else None})
        goal_set = formset_factory(GoalForm, extra=goal_rows - len(goals))
        self.goals = goal_set(data, prefix="goals", initial=[{"text": goal.text} for goal in goals])
        goal_index = {goal.pk: index for index, goal in enumerate(goals)}
        action_set = formset_factory(ActionForm, extra=extra_actions)
        self.actions = action_set(data, prefix="actions", initial=[
            {"action_id": a.pk, "text": a.text, "owner": str(a.owner_id or ""), "owner_text": a.owner_text,
             "due_on": a.due_on, "goal": goal_index.get(a.goal_id), "done": a.done} for a in actions])
        owner_choices = [("", _("(none: write a name below)"))] + [
            (pk, worker.get_full_name() or worker.get_username()) for pk, worker in self.workers.items()]
        goal_choices = [("", _("(not tied to one goal)"))] + [
            (index, _("Goal %(number)s") % {"number": index + 1}) for index in range(goal_rows)]
        for form in self.actions.forms:
            form.fields["owner"].choices = owner_choices
            form.fields["goal"].choices = goal_choices
        self._goal_rows: list[int] = []
        self._action_rows: list[int] = []
        self.conflict = False  # set when the service refused a stale version

    @property
    def is_bound(self) -> bool:
        return self.dates.is_bound

    def is_valid(self) -> bool:
        """All parts valid (each part validates even when an earlier one failed, to show every error)."""
        results = [self.dates.is_valid(), self.goals.is_valid(), self.actions.is_valid()]
        return all(results)

    def goal_texts(self) -> list[str]:
        """The non-empty goals in row order (remembering which row each came from)."""
        self._goal_rows = [i for i, form in enumerate(self.goals.forms) if (form.cleaned_data.get("text") or "")
                           .strip()]
        return [self.goals.forms[i].cleaned_data["text"] for i in self._goal_rows]

    def action_inputs(self) -> list[PlanActionIn]:
        """The non-empty action rows as service inputs, goal rows mapped to goal-list indexes."""
        if not self._goal_rows:
            self.goal_texts()
        self._action_rows, actions = [], []
        for index, form in enumerate(self.actions.forms):
            data = form.cleaned_data
            if form.is_blank():  # an empty row; for an existing action, emptying its row removes it
                continue
            goal_row = data.get("goal")
            goal_index = self._goal_rows.index(goal_row) if goal_row in self._goal_rows else (
                -1 if goal_row is not None else None)  # -1: the chosen goal row is empty; the service refuses it
            owner = self.workers.get(data.get("owner") or "") or (data.get("owner_text") or "").strip() or None
            self._action_rows.append(index)
            actions.append(PlanActionIn(text=data.get("text") or "", owner=owner, due_on=data.get("due_on"),
                                        goal_index=goal_index, action_id=data.get("action_id")))
        return actions

    def service_kwargs(self) -> dict:
        """Keyword arguments for create_service_plan / update_plan (without actor, client, plan, version)."""
        goals = self.goal_texts()
        return {"agreed_on": self.dates.cleaned_data.get("agreed_on"),
                "review_on": self.dates.cleaned_data.get("review_on"),
                "goals": goals, "actions": self.action_inputs()}

    @property
    def version(self) -> int | None:
        """The plan version the form was opened with."""
        return self.dates.cleaned_data.get("version") if hasattr(self.dates, "cleaned_data") else None

    def apply_error(self, error: DomainError) -> None:
        """Put a service refusal on the input it names (mapping compact indexes back to rows)."""
        self.conflict = self.conflict or isinstance(error, Conflict)
        message = str(error.message)
        match = _ROW_FIELD.match(error.field or "")
        if match:
            kind, index, part = match.group(1), int(match.group(2)), match.group(3)
            rows = self._goal_rows if kind == "goals" else self._action_rows
            formset = self.goals if kind == "goals" else self.actions
            if index < len(rows) and part in formset.forms[rows[index]].fields:
                formset.forms[rows[index]].add_error(part, message)
                return
        if error.field == "goals" and self.goals.forms:
            self.goals.forms[0].add_error("text", message)
        elif error.field in ("agreed_on", "review_on"):
            self.dates.add_error(error.field, message)
        else:
            self.dates.add_error(None, message)

    def error_summary(self) -> list[tuple[str, str]]:
        """(anchor id, message) pairs naming every field with an error, in page order."""
        summary = [("plan-form", str(message)) for message in self.dates.non_field_errors()]
        summary += [(f"id_{name}", f"{self.dates.fields[name].label}: {message}")
                    for name, errors in self.dates.errors.items() if name != "__all__" for message in errors]
        for kind, formset, label in (("goals", self.goals, _("Goal %(number)s")),
                                     ("actions", self.actions, _("Action %(number)s"))):
            for index, form in enumerate(formset.forms):
                for name, errors in form.errors.items():
                    field_label = "" if name == "__all__" else f" – {form.fields[name].label}"
                    anchor = f"id_{kind}-{index}-{name if name != '__all__' else 'text'}"
                    summary += [(anchor, f"{label % {'number': index + 1}}{field_label}: {message}")
                                for message in errors]
        return summary


class ClosePlanForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why is the plan closed?"), choices=[("", "")] + PlanCloseReason.choices)
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=500,
                           widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def apply_error(self, error: DomainError) -> None:
        """Put a service refusal on its field, or above the form."""
        self.add_error(error.field if error.field in self.fields else None, str(error.message))


class VersionForm(forms.Form):
    """The plan version a button (activate, mark done) was shown with."""

    version = forms.IntegerField(widget=forms.HiddenInput)

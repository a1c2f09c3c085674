"""Views for the meetings slice of client work: the timeline, planning, recording, work time."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from polku.casework.forms.meetings import (
    AdjustWorkTimeForm,
    MeetingDetailsForm,
    PlanMeetingForm,
    RecordMeetingForm,
    WorkTimeForm,
    apply_domain_error,
)
from polku.casework.models import Client, MeetingOutcome
from polku.casework.selectors import get_client
from polku.casework.selectors.meetings import (
    get_meeting,
    get_work_time,
    list_care_team_workers,
    list_meetings,
    list_work_time,
    total_work_minutes,
)
from polku.casework.services import meetings as services
from polku.core.models import User
from polku.core.web import attempt_service, client_worker_view

client_view = client_worker_view


def run_service(form: forms.Form, call: Callable[[], Any]) -> Any:
    """Call a service; a domain refusal becomes a form error (an access refusal propagates to a 404)."""
    return attempt_service(form, call, on_error=lambda error: apply_domain_error(form, error))


def _render_form(request, client: Client, form: forms.Form, title: str, **extra):
    return render(request, "casework/meeting_form.html", {"client": client, "form": form, "title": title, **extra})


@client_view
def meeting_list(request, client_id: int):
    client = get_client(viewer=request.user, client_id=client_id)
    return render(request, "casework/meeting_list.html",
                  {"client": client, **section_context(viewer=request.user, client=client)})


@client_view
def meeting_plan(request, client_id: int):
    client = get_client(viewer=request.user, client_id=client_id)
    form = PlanMeetingForm(request.POST or None, workers=list_care_team_workers(viewer=request.user, client=client),
                           initial={"interpreter_language": client.interpreter_language})
    if request.method == "POST" and form.is_valid() and run_service(form, lambda: services.plan_meeting(
            actor=request.user, client=client, **form.service_kwargs())):
        messages.success(request, _("The meeting is planned."))
        return redirect("casework:client_detail", client_id=client.pk)
    return _render_form(request, client, form, _("Plan a meeting"))


@client_view
def meeting_record(request, client_id: int, meeting_id: int | None = None):
    client = get_client(viewer=request.user, client_id=client_id)
    meeting = meeting_id and get_meeting(viewer=request.user, client_id=client_id, meeting_id=meeting_id)
    initial = (RecordMeetingForm.initial_from_planned(meeting) if meeting
               else RecordMeetingForm.initial_for_client(client))
    form = RecordMeetingForm(request.POST or None, workers=list_care_team_workers(viewer=request.user, client=client),
                             initial=initial)
    if request.method == "POST" and form.is_valid() and run_service(form, lambda: services.record_meeting(
            actor=request.user, client=client, meeting=meeting, **form.service_kwargs())):
        messages.success(request, _("The meeting is recorded."))
        return redirect("casework:client_detail", client_id=client.pk)
    return _render_form(request, client, form, _("Record a meeting"), meeting=meeting)


@client_view
def meeting_edit(request, client_id: int, meeting_id: int):
    meeting = get_meeting(viewer=request.user, client_id=client_id, meeting_id=meeting_id)
    form = MeetingDetailsForm(request.POST or None, initial=MeetingDetailsForm.initial_from(meeting))
    if request.method == "POST" and form.is_valid() and run_service(form, lambda: services.update_meeting_details(
            actor=request.user, meeting=meeting, **form.service_kwargs())):
        messages.success(request, _("The meeting is updated."))
        return redirect("casework:client_detail", client_id=client_id)
    return _render_form(request, meeting.client, form, _("Correct the meeting's details"), meeting=meeting)


@client_view
def work_time_new(request, client_id: int):
    client = get_client(viewer=request.user, client_id=client_id)
    form = WorkTimeForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and run_service(form, lambda: services.record_work_time(
            actor=request.user, client=client, **form.cleaned_data)):
        messages.success(request, _("The work time is recorded."))
        return redirect("casework:client_detail", client_id=client.pk)
    return _render_form(request, client, form, _("Record work time"))


@client_view
def work_time_edit(request, client_id: int, work_time_id: int):
    row = get_work_time(viewer=request.user, client_id=client_id, work_time_id=work_time_id)
    form = AdjustWorkTimeForm(request.POST or None, initial={"minutes": row.minutes, "description": row.description})
    if request.method == "POST" and form.is_valid() and run_service(form, lambda: services.adjust_work_time(
            actor=request.user, work_time=row, **form.cleaned_data)):
        messages.success(request, _("The work time is updated."))
        return redirect("casework:client_detail", client_id=client_id)
    return _render_form(request, row.client, form, _("Change your work time"))


urlpatterns = [
    path("<int:client_id>/tapaamiset/", meeting_list, name="meeting_list"),
    path("<int:client_id>/tapaamiset/suunnittele/", meeting_plan, name="meeting_plan"),
    path("<int:client_id>/tapaamiset/uusi/", meeting_record, name="meeting_record"),
    path("<int:client_id>/tapaamiset/<int:meeting_id>/kirjaa/", meeting_record, name="meeting_record_outcome"),
    path("<int:client_id>/tapaamiset/<int:meeting_id>/muokkaa/", meeting_edit, name="meeting_edit"),
    path("<int:client_id>/tyoaika/uusi/", work_time_new, name="work_time_new"),
    path("<int:client_id>/tyoaika/<int:work_time_id>/muokkaa/", work_time_edit, name="work_time_edit"),
]


def section_context(*, viewer: User, client: Client, limit: int | None = None) -> dict:
    """Context for this slice's section on the client page (the client is already access-checked).

    With a limit (the client page), the newest `limit` meetings and work-time rows, and whether there are
    more (the page then links to the full list); without, every meeting and the newest 20 work-time rows."""
    rows = limit if limit is not None else 20
    meetings = list_meetings(viewer=viewer, client=client)
    meetings = list(meetings[:limit + 1]) if limit is not None else list(meetings)
    work_time = list(list_work_time(viewer=viewer, client=client)[:rows + 1])
    return {"meetings_section": {
        "client": client, "viewer": viewer, "planned": MeetingOutcome.PLANNED, "held": MeetingOutcome.HELD,
        "meetings": meetings[:limit] if limit is not None else meetings,
        "work_time": work_time[:rows],
        "more": limit is not None and (len(meetings) > limit or len(work_time) > rows),
        "total_minutes": total_work_minutes(viewer=viewer, client=client),
    }}

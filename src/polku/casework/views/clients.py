"""Views for clients, the care team and the team lead's assignment page.

A refused access is answered with a 404 whose body holds no client data; it offers the break-the-glass
form to roles that may use it. The client page includes the sections of the other slices (meetings,
notes, screening, plans): each view module gives `section_context(viewer=, client=)` and a partial
template `casework/includes/_<slice>.html`.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from polku.casework import extensions
from polku.casework.forms.clients import (
    AssignPairForm,
    BreakTheGlassForm,
    ChangeCareTeamForm,
    ClientForm,
    ClientSearchForm,
    EditClientForm,
    MergeForm,
    RegisterClientForm,
    add_domain_error,
)
from polku.casework.selectors import clients as selectors
from polku.casework.selectors import get_client
from polku.casework.services import care_team, clients
from polku.casework.services.client_details import ClientDetails
from polku.casework.views import meetings, notes, plans, screening
from polku.core import access
from polku.core.errors import AccessDenied, Conflict, DomainError
from polku.core.models import User
from polku.core.reauth import require_recent_authentication
from polku.core.roles import Profession

# The client page shows the newest rows of the long sections and links to their full lists: a client with
# years of meetings would otherwise make every visit to the page slower (the load test's busiest page).
CLIENT_PAGE_ROWS = 5
client_worker = permission_required("core.work_with_clients", raise_exception=True)
team_lead = permission_required("core.assign_clients", raise_exception=True)


def not_found(request, client_id: int):
    """The 404 for a client the user may not open: no client data, a way to break the glass."""
    return render(request, "casework/client_not_found.html", {"client_id": client_id}, status=404)


def answers_denied_with_404(view):
    @wraps(view)
    def wrapper(request, client_id: int, *args, **kwargs):
        try:
            return view(request, client_id, *args, **kwargs)
        except AccessDenied:
            return not_found(request, client_id)
    return wrapper


def _after_organising(request, client_id: int):
    """Back to the client page when the user may open it, else to the team page."""
    if access.has_care_relationship(user=request.user, client_id=client_id):
        return redirect("casework:client_detail", client_id=client_id)
    return redirect("casework:team")


@login_required
@client_worker
def my_clients(request):
    form = ClientSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = selectors.list_my_clients(
        viewer=request.user, today=timezone.localdate(), search=filters.get("search", ""),
        needs_interpreter=True if filters.get("needs_interpreter") else None,
        overdue_notes=bool(filters.get("overdue_notes")), positive_screen=bool(filters.get("positive_screen")),
        no_meeting_days=selectors.NO_MEETING_DAYS if filters.get("no_recent_meeting") else None,
        page=request.GET.get("page", 1))
    return render(request, "casework/my_clients.html", {"form": form, "page": page})


@login_required
@client_worker
def register_client(request):
    form = RegisterClientForm(request.POST or None,
                              initial={"take_client": not request.user.has_perm("core.assign_clients")})
    candidates = []
    if request.method == "POST" and form.is_valid():
        try:
            client = clients.register_client(actor=request.user, organisation=request.user.organisation,
                                             details=ClientDetails(**form.details_values()),
                                             confirm_not_duplicate=form.cleaned_data["confirm_not_duplicate"])
        except DomainError as error:
            candidates = error.params.get("candidates", [])
            if not candidates:
                add_domain_error(form, error)
        else:
            return _after_registration(request, client, take=form.cleaned_data["take_client"])
    return render(request, "casework/client_form.html", {"form": form, "candidates": candidates, "mode": "register"})


def _after_registration(request, client, *, take: bool):
    if take:
        care_team.take_client(actor=request.user, client=client)
        messages.success(request, _("Client registered. You are now in the client's care team."))
        return redirect("casework:client_detail", client_id=client.pk)
    messages.success(request, _("Client registered with number %(number)s. The team lead assigns the care team.")
                     % {"number": client.pk})
    return redirect("casework:team" if request.user.has_perm("core.assign_clients") else "casework:my_clients")


@login_required
@client_worker
@answers_denied_with_404
def client_detail(request, client_id: int):
    page = selectors.get_client_page(viewer=request.user, client_id=client_id)
    context = {}
    for section in (meetings, notes):
        context.update(section.section_context(viewer=request.user, client=page.client, limit=CLIENT_PAGE_ROWS))
    for section in (screening, plans):
        context.update(section.section_context(viewer=request.user, client=page.client))
    extra_templates = []
    for extra in extensions.client_page_sections():
        context.update(extra.context(viewer=request.user, client=page.client))
        extra_templates.extend(extra.templates)
    context["extra_section_templates"] = extra_templates
    context.update(page=page, client=page.client, can_assign=request.user.has_perm("core.assign_clients"))
    return render(request, "casework/client_detail.html", context)


@login_required
@client_worker
@answers_denied_with_404
def edit_client(request, client_id: int):
    client = get_client(viewer=request.user, client_id=client_id)
    initial = {**ClientForm.initial_from(clients.current_details(client)), "version": client.version}
    form = EditClientForm(request.POST or None, initial=initial)
    conflict = False
    if request.method == "POST" and form.is_valid():
        try:
            clients.update_client(actor=request.user, client=client, expected_version=form.cleaned_data["version"],
                                  **form.details_values())
        except DomainError as error:
            conflict = isinstance(error, Conflict)
            add_domain_error(form, error)
        else:
            messages.success(request, _("Client details saved."))
            return redirect("casework:client_detail", client_id=client.pk)
    return render(request, "casework/client_form.html",
                  {"form": form, "client": client, "mode": "edit", "conflict": conflict})


def _team_context(request, *, failed_client_id=None, failed_form=None):
    workers = User.objects.filter(organisation_id=request.user.organisation_id, is_active=True).order_by(
        "last_name", "first_name")
    return {"unassigned": selectors.list_unassigned_clients(viewer=request.user),
            "nurses": [w for w in workers if w.profession == Profession.NURSE],
            "counsellors": [w for w in workers if w.profession == Profession.SOCIAL_COUNSELLOR],
            "failed_client_id": failed_client_id, "failed_form": failed_form}


@login_required
@team_lead
def team(request):
    return render(request, "casework/team.html", _team_context(request))


@login_required
@team_lead
@require_POST
@answers_denied_with_404
def assign_care_team(request, client_id: int):
    client = selectors.client_reference(client_id=client_id)
    form = AssignPairForm(request.POST, organisation_id=request.user.organisation_id, auto_id=f"%s-{client_id}")
    if form.is_valid():
        try:
            care_team.assign_care_team(actor=request.user, client=client, workers=form.assignments(),
                                       exception_reason=form.cleaned_data["exception_reason"])
        except AccessDenied:
            raise
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Care team assigned for client %(number)s.") % {"number": client_id})
            return redirect("casework:team")
    return render(request, "casework/team.html", _team_context(request, failed_client_id=client_id, failed_form=form))


@login_required
@team_lead
@answers_denied_with_404
def change_care_team(request, client_id: int):
    client = selectors.get_client_for_organising(viewer=request.user, client_id=client_id, object_type="care_team")
    form = ChangeCareTeamForm(request.POST or None, client=client)
    if request.method == "POST" and form.is_valid():
        try:
            care_team.change_care_team(actor=request.user, client=client, reason=form.cleaned_data["reason"],
                                       add=form.additions(), end=list(form.cleaned_data["end"]),
                                       exception_reason=form.cleaned_data["exception_reason"])
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Care team changed."))
            return _after_organising(request, client_id)
    return render(request, "casework/care_team_change.html", {"form": form, "client": client})


@login_required
@client_worker
@answers_denied_with_404
def merge_clients(request, client_id: int):
    keep = selectors.get_client_for_organising(viewer=request.user, client_id=client_id, object_type="merge")
    form = MergeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            duplicate = selectors.client_reference(client_id=form.cleaned_data["duplicate"])
            clients.merge_clients(actor=request.user, keep=keep, duplicate=duplicate,
                                  reason=form.cleaned_data["reason"])
        except AccessDenied:
            form.add_error("duplicate", _("No client with this number, or you have no access to it."))
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Records merged into client %(number)s.") % {"number": keep.pk})
            return _after_organising(request, keep.pk)
    return render(request, "casework/client_merge.html", {"form": form, "client": keep})


@login_required
@permission_required("core.break_the_glass", raise_exception=True)
@require_recent_authentication  # a stolen open session must not open any client (ASVS 3.7.1)
def break_the_glass(request, client_id: int):
    form = BreakTheGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            clients.open_client_in_emergency(actor=request.user, client_id=client_id,
                                             reason=form.cleaned_data["reason"])
        except AccessDenied:
            return not_found(request, client_id)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return redirect("casework:client_detail", client_id=client_id)
    return render(request, "casework/break_the_glass.html", {"form": form, "client_id": client_id})


urlpatterns = [
    path("", my_clients, name="my_clients"),
    path("uusi/", register_client, name="client_register"),
    path("tiimi/", team, name="team"),
    path("tiimi/<int:client_id>/nimea/", assign_care_team, name="care_team_assign"),
    path("<int:client_id>/", client_detail, name="client_detail"),
    path("<int:client_id>/muokkaa/", edit_client, name="client_edit"),
    path("<int:client_id>/hoitotiimi/", change_care_team, name="care_team_change"),
    path("<int:client_id>/yhdista/", merge_clients, name="client_merge"),
    path("<int:client_id>/hatakaytto/", break_the_glass, name="break_the_glass"),
]

"""Directory pages for logged-in professionals: search with filters and the map, entries, curation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from polku.core.errors import DomainError
from polku.directory import search, selectors, services
from polku.directory.forms import SearchForm, entry_form_class, initial_for
from polku.directory.inputs import LanguageInput
from polku.directory.map_view import map_context
from polku.directory.models import DirectoryOrganisation, NetworkMember, Service
from polku.directory.services import EDITABLE, TERM_FIELDS

PAGE_SIZE = 20
# Service-layer field names that the edit form shows under another name.
FORM_FIELDS = {"service_areas": "municipality_codes", "languages": "staff_languages"}
EDITABLE_KINDS = {"service": Service, "organisation": DirectoryOrganisation, "network_member": NetworkMember,
                  **{kind: selectors.KIND_MODELS[kind] for kind in ("project", "training", "publication", "expert")}}


def _page(request) -> int:
    value = request.GET.get("page", "1")
    return int(value) if value.isdigit() and 0 < int(value) < 10_000 else 1


@login_required
def search_page(request):
    areas = selectors.list_areas()
    form = SearchForm(request.GET or None, areas=areas)
    text = form.cleaned_data["q"] if form.is_valid() else ""
    page = _page(request)
    result = search.search(text, filters=form.filters(), limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    return render(request, "directory/search.html", {
        "form": form, "result": result, "rows": selectors.result_rows(result), "page": page,
        "has_next": page * PAGE_SIZE < min(result.total, search.CANDIDATES), "query": request.GET.copy(),
        "candidates": search.CANDIDATES,
        "map": map_context(request.GET.get("map", ""), selected=request.GET.get("area", ""), areas=areas)})


def _curation(request, entry) -> dict:
    can_curate = request.user.has_perm("core.curate_directory")
    return {"can_curate": can_curate, "history": selectors.list_history(entry) if can_curate else []}


@login_required
def service_detail(request, uuid):
    service = selectors.get_service(uuid)
    return render(request, "directory/service_detail.html",
                  {"entry": service, "kind": "service", **_curation(request, service)})


@login_required
def entry_detail(request, uuid, kind: str):
    entry = selectors.get_entry(kind, uuid)
    return render(request, f"directory/{kind}_detail.html", {"entry": entry, "kind": kind,
                                                              **_curation(request, entry)})


@login_required
def organisation_detail(request, pk: int):
    organisation, entry, member = selectors.get_organisation(pk)
    context = {"organisation": organisation, "entry": entry, "member": member, "can_curate": False, "history": []}
    if entry or member:
        context |= _curation(request, entry or member)
    return render(request, "directory/organisation_detail.html", context)


def _editable(kind: str, uuid):
    model = EDITABLE_KINDS.get(kind)
    if model is None:
        raise Http404
    return selectors.get_service(uuid) if model is Service else get_object_or_404(model, uuid=uuid)


@login_required
@permission_required("core.curate_directory", raise_exception=True)
def edit_entry(request, kind: str, uuid):
    entry = _editable(kind, uuid)
    form_class = entry_form_class(type(entry))
    form = form_class(request.POST or None, instance=entry, initial=initial_for(entry))
    if request.method == "POST" and form.is_valid():
        try:
            _save(request.user, entry, form.cleaned_data)
            messages.success(request, _("Changes saved."))
            return redirect(selectors.entry_url(kind, entry))
        except DomainError as error:
            field = FORM_FIELDS.get(error.field, error.field)
            form.add_error(field if field in form.fields else None, error.message)
    return render(request, "directory/edit.html", {"form": form, "entry": entry, "kind": kind,
                                                   "history": selectors.list_history(entry)},
                  status=400 if form.errors else 200)


def _save(actor, entry, data: dict) -> None:
    model = type(entry)
    changes = {name: data[name] for name in EDITABLE[model]}
    changes |= {name: [term.code for term in data[name]] for name in TERM_FIELDS.get(model, {})}
    if model is not Service:
        services.update_entry(actor=actor, entry=entry, changes=changes)
        return
    languages = ([LanguageInput(code=code) for code in data["staff_languages"]]
                 + [LanguageInput(code=code, provision="interpreter") for code in data["interpreter_languages"]])
    services.curate_service(actor=actor, service=entry, changes=changes, languages=languages,
                            municipality_codes=data["municipality_codes"], area_codes=data["area_codes"])


@login_required
@permission_required("core.curate_directory", raise_exception=True)
@require_POST
def verify(request, kind: str, uuid):
    entry = _editable(kind, uuid)
    services.verify_entry(actor=request.user, entry=entry)
    messages.success(request, _("Marked as verified today."))
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False)
    return redirect(target if safe else selectors.entry_url(kind, entry))


@login_required
@permission_required("core.curate_directory", raise_exception=True)
def stale_list(request):
    return render(request, "directory/stale.html", {"rows": selectors.list_stale(),
                                                    "days": selectors.STALE_AFTER_DAYS})

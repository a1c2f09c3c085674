"""Research extracts: request, decide, generate, download."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from polku.core.errors import AccessDenied, DomainError
from polku.core.web import attempt_service, denied_as_404
from polku.reporting import selectors
from polku.reporting.extracts import services
from polku.reporting.forms import FIELD_LABELS, ExtractDecisionForm, ExtractRequestForm
from polku.reporting.models import ExtractStatus

# The engine's ladder step names (plain English, no Django inside the engine), shown translated.
LEVEL_LABELS = {
    "year": gettext_lazy("year"), "5-year band": gettext_lazy("5-year band"),
    "10-year band": gettext_lazy("10-year band"), "20-year band": gettext_lazy("20-year band"),
    "as stated": gettext_lazy("as stated"), "woman / man / other": gettext_lazy("woman / man / other"),
    "country": gettext_lazy("country"), "region": gettext_lazy("region of origin"),
    "rare regions": gettext_lazy("rare regions as 'other'"), "municipality": gettext_lazy("municipality"),
    "wellbeing services area": gettext_lazy("wellbeing services area"),
    "collaboration area": gettext_lazy("collaboration area"),
    "rare collaboration areas": gettext_lazy("rare collaboration areas as 'other'"),
    "status": gettext_lazy("legal status"), "group": gettext_lazy("group of legal statuses"),
    "rare groups": gettext_lazy("rare groups as 'other'"), "language": gettext_lazy("language"),
    "rare languages": gettext_lazy("rare languages as 'other'"),
}


def _generalisations(extract) -> list[tuple[str, str]]:
    applied = (extract.k_report or {}).get("generalisations", {})
    return [(str(FIELD_LABELS.get(name, name)), str(LEVEL_LABELS.get(level, level))) for name, level in applied.items()]


def _extract_rights(view):
    @login_required
    @denied_as_404
    def wrapper(request, *args, **kwargs):
        if not selectors.may_see_extracts(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)
    wrapper.__name__ = view.__name__
    return wrapper


@_extract_rights
def extract_list(request):
    page = Paginator(selectors.list_extracts(viewer=request.user), 25).get_page(request.GET.get("page"))
    return render(request, "reporting/extract_list.html", {"page": page})


@_extract_rights
def extract_new(request):
    if not request.user.has_perm("core.request_research_extract"):
        raise PermissionDenied
    form = ExtractRequestForm(request.POST or None, initial={"organisation": request.user.organisation_id})
    if request.method == "POST" and form.is_valid():
        extract = attempt_service(form, lambda: services.request_extract(actor=request.user, **form.cleaned_data))
        if extract is not None:
            messages.success(request, _("Extract requested; the data controller decides on it."))
            return redirect("reporting:extract_detail", extract_id=extract.pk)
    return render(request, "reporting/extract_form.html", {"form": form})


@_extract_rights
def extract_detail(request, extract_id: int):
    extract = selectors.get_extract(viewer=request.user, extract_id=extract_id)
    return render(request, "reporting/extract_detail.html", {
        "extract": extract, "decision_form": ExtractDecisionForm(), "statuses": ExtractStatus,
        "field_labels": [FIELD_LABELS[name] for name in extract.fields],
        "generalisations": _generalisations(extract),
        "can_decide": (request.user.has_perm("core.act_as_data_controller")
                       and extract.requested_by_id != request.user.pk and extract.status == ExtractStatus.REQUESTED),
        "formats": [name for name in services.FILES if extract.include_event_log or name in ("csv", "parquet")],
    })


@require_POST
@_extract_rights
def extract_decide(request, extract_id: int):
    extract = selectors.get_extract(viewer=request.user, extract_id=extract_id)
    form = ExtractDecisionForm(request.POST)
    form.is_valid()
    reason = form.cleaned_data.get("reason", "")
    try:
        if request.POST.get("decision") == "approve":
            services.approve_extract(actor=request.user, extract=extract, reason=reason)
            messages.success(request, _("Extract approved."))
        else:
            services.reject_extract(actor=request.user, extract=extract, reason=reason)
            messages.success(request, _("Extract rejected."))
    except AccessDenied:
        raise PermissionDenied from None
    except DomainError as error:
        messages.error(request, str(error.message))
    return redirect("reporting:extract_detail", extract_id=extract.pk)


@require_POST
@_extract_rights
def extract_generate(request, extract_id: int):
    extract = selectors.get_extract(viewer=request.user, extract_id=extract_id)
    try:
        extract = services.generate_extract(actor=request.user, extract=extract)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        if extract.status == ExtractStatus.BLOCKED:
            messages.error(request, _("The k-anonymity check failed: the extract was not generated."))
        else:
            messages.success(request, _("Extract generated."))
    return redirect("reporting:extract_detail", extract_id=extract.pk)


@_extract_rights
def extract_download(request, extract_id: int, file_format: str):
    extract = selectors.get_extract(viewer=request.user, extract_id=extract_id)
    try:
        path, spec = services.download_extract(actor=request.user, extract=extract, file_format=file_format)
    except AccessDenied:
        raise
    except DomainError as error:
        messages.error(request, str(error.message))
        return redirect("reporting:extract_detail", extract_id=extract.pk)
    return FileResponse(path.open("rb"), as_attachment=True, content_type=spec.content_type,
                        filename=f"polku-extract-{extract.pk}-{spec.name}")

"""The client's own access report (Client Data Act 703/2023 §11): who processed their data, when, on what basis,
and to whom it was disclosed, printable in the client's language.

Produced by the data controller (review_access_log) or by the client's care team; producing it is logged like
any other read of the client's data (object type "access_report"), before the log is read, so the report
includes its own production.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from polku.casework.models import Client
from polku.core import access
from polku.core.errors import AccessDenied, DomainError
from polku.core.models import AccessAction, AccessBasis, AccessLog, DisclosureLog, User
from polku.reporting.access_labels import ACTIONS, BASES, LABELS, REPORT_LANGUAGES, RTL_LANGUAGES, object_label


@dataclass(frozen=True)
class AccessRow:
    log_id: int
    at: datetime
    who: str
    organisation: str
    action: str
    data: str
    basis: str
    reason: str


@dataclass(frozen=True)
class DisclosureRow:
    log_id: int
    at: datetime
    recipient: str
    purpose: str
    content: str
    legal_basis: str


@dataclass(frozen=True)
class AccessReport:
    client_id: int
    client_name: str
    client_native_name: str
    language: str
    rtl: bool
    labels: dict[str, str]
    produced_at: datetime
    accesses: list[AccessRow]
    disclosures: list[DisclosureRow]


def _who(row: AccessLog, names: dict[int, str]) -> str:
    return names.get(row.actor_id or 0) or row.actor_username


def build_access_report(*, viewer: User, client_id: int, language: str | None = None,
                        action: AccessAction = AccessAction.READ) -> AccessReport:
    """The access report of one client, for the data controller or the client's care team; logs its production.

    Without a language, the client's preferred language when the report has it, else Finnish.
    """
    if language is not None and language not in REPORT_LANGUAGES:
        raise DomainError("unknown_language", _("Choose one of the report languages."), field="language")
    if viewer.is_authenticated and viewer.is_active and viewer.has_perm("core.review_access_log"):
        # The controller's basis is the supervision duty itself, not a care relationship.
        access.log_access(actor=viewer, client_ids=[client_id], action=action, basis=AccessBasis.ADMINISTRATIVE,
                          object_type="access_report", object_id=str(client_id))
    else:
        access.require_client_access(actor=viewer, client_id=client_id, action=action,
                                     object_type="access_report", object_id=client_id)
    client = Client.objects.filter(pk=client_id).first()
    if client is None:
        raise AccessDenied("client_not_found", _("No such client."))
    if language is None:
        language = client.preferred_language if client.preferred_language in REPORT_LANGUAGES else "fi"
    logs = list(AccessLog.objects.filter(client_id=client_id).order_by("at", "id"))
    disclosures = list(DisclosureLog.objects.filter(client_id=client_id).order_by("at", "id"))
    names = {user.pk: (user.get_full_name() or user.username)
             for user in User.objects.filter(pk__in={row.actor_id for row in logs if row.actor_id})}
    actions, bases = ACTIONS[language], BASES[language]
    return AccessReport(
        client_id=client.pk, client_name=client.display_name, client_native_name=client.native_name,
        language=language, rtl=language in RTL_LANGUAGES, labels=LABELS[language], produced_at=timezone.now(),
        accesses=[AccessRow(log_id=row.pk, at=timezone.localtime(row.at), who=_who(row, names),
                            organisation=row.actor_organisation, action=actions.get(row.action, row.action),
                            data=object_label(row.object_type, language), basis=bases.get(row.basis, row.basis),
                            reason=row.reason) for row in logs],
        disclosures=[DisclosureRow(log_id=row.pk, at=timezone.localtime(row.at), recipient=row.recipient,
                                   purpose=row.purpose, content=row.content, legal_basis=row.legal_basis)
                     for row in disclosures],
    )


def render_access_report_html(report: AccessReport, *, for_pdf: bool = False, pdf_url: str = "") -> str:
    """The report as one standalone HTML document in the report's language (lang and dir set on <html>)."""
    return render_to_string("reporting/access_report_document.html",
                            {"report": report, "for_pdf": for_pdf, "pdf_url": pdf_url})


def _stylesheet() -> Path:
    found = finders.find("reporting/access_report.css")
    if not found:
        raise FileNotFoundError("reporting/access_report.css")
    return Path(found)


def render_access_report_pdf(report: AccessReport) -> bytes:
    """The report as a printable PDF (WeasyPrint), page numbers in the footer."""
    from weasyprint import CSS, HTML  # heavy import, only when a PDF is asked for

    html = render_access_report_html(report, for_pdf=True)
    return HTML(string=html).write_pdf(stylesheets=[CSS(filename=str(_stylesheet()))])

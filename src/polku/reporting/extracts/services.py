"""Research extracts: a researcher requests, a data controller decides, and only then is the extract generated.

Every generated extract is written to the disclosure log (one summary row, and one row per client included so
that the client's own access report can tell them their pseudonymised data went to research). Every download
is recorded. The pseudonym key stays in the database and never leaves it.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from polku import config, paths
from polku.core import access
from polku.core.errors import AccessDenied, DomainError
from polku.core.models import Organisation, User
from polku.reporting.extracts.anonymity import anonymise
from polku.reporting.extracts.data import (
    ALLOWED_FIELDS,
    CLIENT_ID,
    PSEUDONYM,
    QUASI_IDENTIFIER_FIELDS,
    client_frame,
    event_frame,
    pseudonym,
)
from polku.reporting.models import ExtractDownload, ExtractStatus, ResearchExtract

K_REQUIRED = 5


@dataclass(frozen=True)
class ExtractFile:
    name: str
    content_type: str


FILES: dict[str, ExtractFile] = {
    "csv": ExtractFile("extract.csv", "text/csv; charset=utf-8"),
    "parquet": ExtractFile("extract.parquet", "application/vnd.apache.parquet"),
    "xes": ExtractFile("events.xes", "application/xml"),
    "ocel": ExtractFile("events.jsonocel", "application/json"),
}


def extract_dir(extract: ResearchExtract) -> Path:
    return config.VAR_DIR / "extracts" / str(extract.pk)


def _require(actor: User, permission: str, code: str, message) -> None:
    if not (actor.is_authenticated and actor.is_active and actor.has_perm(permission)):
        raise AccessDenied(code, message)


@transaction.atomic
def request_extract(*, actor: User, organisation: Organisation, purpose: str, period_start: date,
                    period_end: date, fields: list[str], include_event_log: bool = True) -> ResearchExtract:
    """A researcher asks for a pseudonymised extract of one organisation's clients for a period and purpose."""
    _require(actor, "core.request_research_extract", "extract_request_not_permitted",
             _("Only a researcher can request a research extract."))
    purpose = (purpose or "").strip()
    if not purpose:
        raise DomainError("purpose_required", _("State the purpose of the research."), field="purpose")
    if period_end < period_start:
        raise DomainError("period_end_before_start", _("The period ends before it starts."), field="period_end")
    unknown = [name for name in fields if name not in ALLOWED_FIELDS]
    if unknown or not fields:
        raise DomainError("fields_not_allowed", _("Choose at least one field from the allowed list."),
                          field="fields")
    chosen = [name for name in ALLOWED_FIELDS if name in fields]
    return ResearchExtract.objects.create(
        requested_by=actor, organisation=organisation, purpose=purpose, period_start=period_start,
        period_end=period_end, fields=chosen, include_event_log=include_event_log,
        quasi_identifiers=[name for name in chosen if name in QUASI_IDENTIFIER_FIELDS], k_required=K_REQUIRED)


def _decide(*, actor: User, extract: ResearchExtract) -> ResearchExtract:
    _require(actor, "core.act_as_data_controller", "extract_decision_not_permitted",
             _("Only the data controller decides on research extracts."))
    extract = ResearchExtract.objects.select_for_update().get(pk=extract.pk)
    if extract.requested_by_id == actor.pk:
        raise AccessDenied("own_extract", _("You cannot decide on an extract you requested yourself."))
    if extract.status != ExtractStatus.REQUESTED:
        raise DomainError("already_decided", _("This extract has already been decided."))
    return extract


@transaction.atomic
def approve_extract(*, actor: User, extract: ResearchExtract, reason: str = "") -> ResearchExtract:
    """The data controller approves a requested extract (never their own request)."""
    extract = _decide(actor=actor, extract=extract)
    extract.status, extract.decided_by, extract.decided_at = ExtractStatus.APPROVED, actor, timezone.now()
    extract.decision_reason = (reason or "").strip()
    extract.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    return extract


@transaction.atomic
def reject_extract(*, actor: User, extract: ResearchExtract, reason: str) -> ResearchExtract:
    """The data controller rejects a requested extract, stating the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("reason_required", _("State the reason for the rejection."), field="reason")
    extract = _decide(actor=actor, extract=extract)
    extract.status, extract.decided_by, extract.decided_at = ExtractStatus.REJECTED, actor, timezone.now()
    extract.decision_reason = reason
    extract.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    return extract


def _may_handle(actor: User, extract: ResearchExtract) -> bool:
    """The requesting researcher, or a data controller."""
    if not (actor.is_authenticated and actor.is_active):
        return False
    if actor.has_perm("core.act_as_data_controller"):
        return True
    return extract.requested_by_id == actor.pk and actor.has_perm("core.request_research_extract")


def _write_files(extract: ResearchExtract, table: pl.DataFrame, events: pl.DataFrame | None) -> None:
    directory = extract_dir(extract)
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    table.write_csv(directory / FILES["csv"].name)
    table.write_parquet(directory / FILES["parquet"].name)
    if events is not None:
        paths.write_xes(events, directory / FILES["xes"].name)
        log = paths.events_to_ocel(events, objects=[paths.ObjectColumn(paths.CASE, "client")])
        paths.write_ocel(log, directory / FILES["ocel"].name)


@transaction.atomic
def generate_extract(*, actor: User, extract: ResearchExtract) -> ResearchExtract:
    """Build an approved extract: pseudonymise, generalise to k ≥ 5 or block naming the failing combinations."""
    if not _may_handle(actor, extract):
        raise AccessDenied("extract_not_permitted", _("This extract is not yours."))
    extract = ResearchExtract.objects.select_for_update().get(pk=extract.pk)
    if extract.status != ExtractStatus.APPROVED:
        raise DomainError("extract_not_approved", _("Only an approved extract can be generated."))
    frame = client_frame(organisation_id=extract.organisation_id, period_start=extract.period_start,
                         period_end=extract.period_end)
    check = anonymise(frame, quasi_identifiers=extract.quasi_identifiers, k=extract.k_required)
    extract.k_report = check.as_report()
    extract.k_achieved = check.k_achieved
    if not check.passed:
        extract.status = ExtractStatus.BLOCKED
        extract.save(update_fields=["status", "k_report", "k_achieved"])
        return extract
    anonymous = check.frame
    client_ids = anonymous[CLIENT_ID].to_list()
    names = {client_id: pseudonym(extract.pseudonym_key, client_id) for client_id in client_ids}
    table = anonymous.select(
        pl.col(CLIENT_ID).replace_strict(names, return_dtype=pl.String).alias(PSEUDONYM), *extract.fields)
    events = None
    if extract.include_event_log:
        raw = event_frame(client_ids=client_ids, period_start=extract.period_start, period_end=extract.period_end)
        events = raw.select(pl.col(CLIENT_ID).replace_strict(names, return_dtype=pl.String).alias(paths.CASE),
                            pl.exclude(CLIENT_ID))
    _write_files(extract, table, events)
    extract.status, extract.generated_at = ExtractStatus.GENERATED, timezone.now()
    extract.row_count, extract.event_count = table.height, (events.height if events is not None else 0)
    extract.save(update_fields=["status", "generated_at", "k_report", "k_achieved", "row_count", "event_count"])
    _record_disclosures(actor=actor, extract=extract, client_ids=client_ids)
    return extract


def _record_disclosures(*, actor: User, extract: ResearchExtract, client_ids: list[int]) -> None:
    recipient = f"{extract.requested_by.get_full_name() or extract.requested_by.username} (researcher)"
    purpose = f"Research extract #{extract.pk}: {extract.purpose}"[:300]
    content = (f"Pseudonymised extract #{extract.pk}, {extract.period_start}–{extract.period_end}: "
               f"{extract.row_count} clients, fields {', '.join(extract.fields)}; k = {extract.k_achieved} "
               f"(generalised: {', '.join(f'{k}: {v}' for k, v in extract.k_report['generalisations'].items())})"
               + (f"; {extract.event_count} path events (XES, OCEL)" if extract.include_event_log else ""))
    basis = f"Approved by the data controller {extract.decided_by.username} on {extract.decided_at:%Y-%m-%d}"
    access.record_disclosure(actor=actor, recipient=recipient, purpose=purpose, content=content,
                             channel="research_extract", legal_basis=basis)
    for client_id in client_ids:
        access.record_disclosure(actor=actor, recipient=recipient, purpose=purpose, channel="research_extract",
                                 content=f"Pseudonymised data in research extract #{extract.pk}",
                                 client_id=client_id, legal_basis=basis)


@transaction.atomic
def download_extract(*, actor: User, extract: ResearchExtract, file_format: str) -> tuple[Path, ExtractFile]:
    """The path of one generated file, for the requesting researcher or a data controller; the download is logged."""
    if not _may_handle(actor, extract):
        raise AccessDenied("extract_not_permitted", _("This extract is not yours."))
    extract = ResearchExtract.objects.get(pk=extract.pk)
    if extract.status != ExtractStatus.GENERATED:
        raise DomainError("extract_not_generated", _("Only an approved and generated extract can be downloaded."))
    spec = FILES.get(file_format)
    if spec is None or (file_format in ("xes", "ocel") and not extract.include_event_log):
        raise DomainError("unknown_format", _("No such file in this extract."), field="format")
    ExtractDownload.objects.create(extract=extract, user=actor, file_format=file_format)
    return extract_dir(extract) / spec.name, spec

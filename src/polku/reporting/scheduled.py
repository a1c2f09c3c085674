"""Scheduled reports: each month, the previous month's report for a schedule's recipients, announced in the outbox.

The message carries a link, never the data: the file stays under the var directory and is served only to the
run's recipients who still hold the aggregate-report right. A run is idempotent per period (one
GeneratedReport per schedule and period, one outbox message per recipient through the dedupe key), so the
command can run daily from cron.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from polku import config
from polku.core.errors import AccessDenied, DomainError
from polku.core.models import Organisation, User
from polku.interpreting.models import OutboxMessage
from polku.interpreting.models.outbox import RecipientKind
from polku.reporting.models import GeneratedReport, ReportKind, ReportSchedule

UI_LANGUAGES = ("fi", "sv", "en")
CONTENT_TYPES = {"html": "text/html; charset=utf-8", "pdf": "application/pdf",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}

Builder = Callable[..., Any]
Renderer = Callable[[Any], bytes | str]


@dataclass(frozen=True)
class SteeringBackend:
    """How a steering report is built and rendered; injected in tests, the real one by default."""

    build: Builder
    renderers: dict[str, Renderer]


def steering_backend() -> SteeringBackend:
    """The steering-group report of polku.reporting.steering, imported only when a schedule runs."""
    from polku.reporting import steering

    return SteeringBackend(build=steering.build_steering_report,
                           renderers={"html": steering.render_html, "pdf": steering.render_pdf,
                                      "xlsx": steering.render_xlsx})


def previous_month(today: date) -> tuple[date, date]:
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def report_path(report: GeneratedReport) -> Path:
    return config.VAR_DIR / "reports" / str(report.schedule_id) / report.file_name


def _eligible(users: Iterable[User]) -> list[User]:
    return [user for user in users if user.is_active and user.has_perm("core.view_aggregate_reports")]


@transaction.atomic
def create_schedule(*, actor: User, organisation: Organisation, recipients: list[User], day_of_month: int = 1,
                    language: str = "fi", file_format: str = "pdf",
                    kind: str = ReportKind.STEERING) -> ReportSchedule:
    """Schedule a monthly report; every recipient must hold the aggregate-report right."""
    if not (actor.is_authenticated and actor.is_active and (actor.has_perm("core.view_aggregate_reports")
                                                            or actor.has_perm("core.act_as_data_controller"))):
        raise AccessDenied("schedule_not_permitted", _("Your role cannot schedule reports."))
    if not 1 <= day_of_month <= 28:
        raise DomainError("day_out_of_range", _("Choose a day between 1 and 28."), field="day_of_month")
    if file_format not in CONTENT_TYPES:
        raise DomainError("unknown_format", _("Choose HTML, PDF or XLSX."), field="file_format")
    if language not in UI_LANGUAGES:
        raise DomainError("unknown_language", _("Choose Finnish, Swedish or English."), field="language")
    if not recipients or len(_eligible(recipients)) != len(recipients):
        raise DomainError("recipient_without_rights",
                          _("Every recipient must be allowed to view aggregate reports."), field="recipients")
    schedule = ReportSchedule.objects.create(kind=kind, organisation=organisation, day_of_month=day_of_month,
                                             language=language, file_format=file_format, created_by=actor)
    schedule.recipients.set(recipients)
    return schedule


def _render(schedule: ReportSchedule, start: date, end: date, backend: SteeringBackend) -> bytes:
    with translation.override(schedule.language):
        report = backend.build(organisation=schedule.organisation, period_start=start, period_end=end,
                               language=schedule.language)
        content = backend.renderers[schedule.file_format](report)
    return content.encode("utf-8") if isinstance(content, str) else content


def _announce(report: GeneratedReport, recipients: list[User]) -> int:
    link = reverse("reporting:generated_report", args=[report.pk])
    created = 0
    for user in recipients:
        language = user.preferred_language if user.preferred_language in UI_LANGUAGES else "fi"
        with translation.override(language):
            subject = gettext("Steering-group report %(start)s–%(end)s is ready") % {
                "start": report.period_start.isoformat(), "end": report.period_end.isoformat()}
            body = gettext("The monthly report is ready in Polku. Log in to open it: %(link)s") % {"link": link}
        _message, new = OutboxMessage.objects.get_or_create(
            dedupe_key=f"report.{report.schedule_id}.{report.period_start:%Y-%m}.{user.pk}",
            defaults={"kind": "report.scheduled", "recipient_kind": RecipientKind.PROFESSIONAL,
                      "recipient_user": user, "language": language, "subject": subject[:300], "body": body,
                      "link": link})
        created += new
    return created


def run_schedule(*, schedule: ReportSchedule, today: date, backend: SteeringBackend) -> tuple[GeneratedReport, int]:
    """Generate (once) the previous month's report of one schedule and announce it (once per recipient)."""
    start, end = previous_month(today)
    with transaction.atomic():
        schedule = ReportSchedule.objects.select_for_update().get(pk=schedule.pk)
        report = GeneratedReport.objects.filter(schedule=schedule, period_start=start).first()
        if report is None:
            content = _render(schedule, start, end, backend)
            extension = schedule.file_format
            report = GeneratedReport.objects.create(
                schedule=schedule, period_start=start, period_end=end, content_type=CONTENT_TYPES[extension],
                file_name=f"{schedule.kind}-{schedule.organisation_id}-{start:%Y-%m}.{extension}")
            path = report_path(report)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
            # A recipient who lost the right since scheduling gets neither the link nor the file.
            report.recipients.set(_eligible(schedule.recipients.all()))
            schedule.last_run_at, schedule.last_period_start = timezone.now(), start
            schedule.save(update_fields=["last_run_at", "last_period_start"])
        created = _announce(report, list(report.recipients.all()))
    return report, created


def run_scheduled_reports(*, today: date | None = None,
                          backend: SteeringBackend | None = None) -> list[tuple[GeneratedReport, int]]:
    """Every active schedule whose day of the month has come: the previous month's report, delivered once."""
    today = today or timezone.localdate()
    due = ReportSchedule.objects.filter(active=True, day_of_month__lte=today.day).order_by("pk")
    if not due.exists():
        return []
    backend = backend or steering_backend()
    return [run_schedule(schedule=schedule, today=today, backend=backend) for schedule in due]

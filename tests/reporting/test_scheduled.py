"""Scheduled reports: the previous month's report once per period, a link (never the data) in each recipient's
outbox, the file only for the recipients."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse

from polku.core.errors import AccessDenied, DomainError
from polku.interpreting.models import OutboxMessage
from polku.reporting import scheduled
from polku.reporting.models import GeneratedReport
from tests.factories import make_user


class FakeSteering:
    """Stands in for the steering report: records what it was asked to build, renders a marker text."""

    def __init__(self):
        self.calls = []

    def build(self, *, organisation, period_start, period_end, language, compare=False):
        self.calls.append((organisation.pk, period_start, period_end, language))
        return {"organisation": organisation.pk, "start": period_start, "end": period_end}

    def render(self, report) -> bytes:
        return f"FAKE REPORT {report['organisation']} {report['start']}..{report['end']}".encode()

    @property
    def backend(self):
        return scheduled.SteeringBackend(build=self.build, renderers={"pdf": self.render, "html": self.render,
                                                                      "xlsx": self.render})


@pytest.fixture
def schedule(organisation, steering_member, team_lead, data_controller):
    return scheduled.create_schedule(actor=data_controller, organisation=organisation,
                                     recipients=[steering_member, team_lead], day_of_month=3, language="fi")


@pytest.mark.django_db
def test_run_generates_previous_month_once_and_messages_each_recipient_once(schedule, steering_member, team_lead):
    fake = FakeSteering()
    runs = scheduled.run_scheduled_reports(today=date(2026, 3, 5), backend=fake.backend)
    assert fake.calls == [(schedule.organisation_id, date(2026, 2, 1), date(2026, 2, 28), "fi")]
    report = GeneratedReport.objects.get()
    assert (report.period_start, report.period_end) == (date(2026, 2, 1), date(2026, 2, 28))
    assert runs == [(report, 2)]
    assert scheduled.report_path(report).read_bytes() == (
        f"FAKE REPORT {schedule.organisation_id} 2026-02-01..2026-02-28".encode())
    messages = OutboxMessage.objects.order_by("recipient_user_id")
    assert {m.recipient_user_id for m in messages} == {steering_member.pk, team_lead.pk}
    link = reverse("reporting:generated_report", args=[report.pk])
    assert all(m.link == link and link in m.body and m.kind == "report.scheduled" for m in messages)
    assert all("FAKE REPORT" not in m.body for m in messages)  # a link, never the data
    # Running again (same month, later day) changes nothing.
    again = scheduled.run_scheduled_reports(today=date(2026, 3, 20), backend=fake.backend)
    assert again == [(report, 0)] and len(fake.calls) == 1
    assert OutboxMessage.objects.count() == 2 and GeneratedReport.objects.count() == 1
    schedule.refresh_from_db()
    assert schedule.last_period_start == date(2026, 2, 1)


@pytest.mark.django_db
def test_nothing_runs_before_the_day_of_the_month(schedule):
    fake = FakeSteering()
    assert scheduled.run_scheduled_reports(today=date(2026, 3, 2), backend=fake.backend) == []
    assert not fake.calls and not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_only_recipients_with_report_rights_can_open_the_file(schedule, steering_member, organisation, nurse,
                                                               client):
    scheduled.run_scheduled_reports(today=date(2026, 1, 10), backend=FakeSteering().backend)
    report = GeneratedReport.objects.get()
    assert report.period_start == date(2025, 12, 1)
    url = reverse("reporting:generated_report", args=[report.pk])
    client.force_login(steering_member)
    response = client.get(url)
    assert response.status_code == 200 and b"FAKE REPORT" in b"".join(response.streaming_content)
    listing = client.get(reverse("reporting:generated_report_list")).content.decode()
    assert url in listing
    other_member = make_user(role="steering_group", organisation=organisation, username="not_a_recipient")
    for user in (other_member, nurse):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.force_login(other_member)
    assert url not in client.get(reverse("reporting:generated_report_list")).content.decode()
    client.force_login(nurse)
    assert client.get(reverse("reporting:generated_report_list")).status_code == 403


@pytest.mark.django_db
def test_schedule_refuses_recipients_without_rights_and_bad_days(organisation, data_controller, nurse,
                                                                 steering_member):
    with pytest.raises(DomainError) as recipient:
        scheduled.create_schedule(actor=data_controller, organisation=organisation, recipients=[nurse])
    assert recipient.value.field == "recipients"
    with pytest.raises(DomainError) as day:
        scheduled.create_schedule(actor=data_controller, organisation=organisation, recipients=[steering_member],
                                  day_of_month=31)
    assert day.value.field == "day_of_month"
    with pytest.raises(AccessDenied):
        scheduled.create_schedule(actor=nurse, organisation=organisation, recipients=[steering_member])


@pytest.mark.django_db
def test_command_runs_due_schedules(schedule, monkeypatch):
    fake = FakeSteering()
    monkeypatch.setattr(scheduled, "steering_backend", lambda: fake.backend)
    call_command("run_scheduled_reports", "--date", "2026-04-03")
    call_command("run_scheduled_reports", "--date", "2026-04-04")
    assert [call[1] for call in fake.calls] == [date(2026, 3, 1)]
    assert OutboxMessage.objects.filter(kind="report.scheduled").count() == 2


@pytest.mark.django_db
def test_delivery_with_the_real_steering_report(schedule, steering_member):
    backend = scheduled.steering_backend()
    # A period with no data: the real report says so rather than failing.
    report, created = scheduled.run_scheduled_reports(today=date(2026, 3, 5), backend=backend)[0]
    data = scheduled.report_path(report).read_bytes()
    assert data.startswith(b"%PDF") and created == 2
    from pypdf import PdfReader

    assert len(PdfReader(scheduled.report_path(report)).pages) >= 1

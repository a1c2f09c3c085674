"""Billable time by the centre's rules, outcomes, and the state-compensation claim (totals vs an independent sum)."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from polku.casework.models import ClientLegalStatus, LegalStatus, PathEvent
from polku.core.errors import AccessDenied, DomainError
from polku.core.models import DisclosureLog
from polku.interpreting.compensation import TARGET_GROUP, build_claim, record_export, to_csv, to_xlsx
from polku.interpreting.costs import Tariff, billable_minutes, cost_of
from polku.interpreting.demo import seed_interpreting_demo
from polku.interpreting.models import Booking, BookingStatus, CompensableCost
from polku.interpreting.services.bookings import record_outcome
from polku.interpreting.services.costs_records import record_compensable_cost
from tests.interpreting.conftest import at
from tests.interpreting.test_bookings import confirmed

TARIFF = Tariff(hourly_rate=Decimal("60.00"), minimum_minutes=60, increment_minutes=30)


@pytest.mark.parametrize(("status", "booked", "actual", "expected"), [
    (BookingStatus.HELD, 120, 20, 60),     # minimum billing
    (BookingStatus.HELD, 120, 61, 90),     # a started half-hour is billed
    (BookingStatus.HELD, 120, 90, 90),
    (BookingStatus.HELD, 120, 91, 120),
    (BookingStatus.CLIENT_NO_SHOW, 90, None, 90),  # billed as booked
    (BookingStatus.LATE_CANCELLATION, 45, None, 60),
    (BookingStatus.INTERPRETER_NO_SHOW, 120, None, 0),
    (BookingStatus.CANCELLED, 120, None, 0),
])
def test_billable_minutes_follow_the_centres_rules(status, booked, actual, expected):
    assert billable_minutes(status=status, booked_minutes=booked, actual_minutes=actual, tariff=TARIFF) == expected


def test_cost_is_rounded_to_the_cent():
    assert cost_of(90, Tariff(hourly_rate=Decimal("62.35"), minimum_minutes=60, increment_minutes=30)) == \
        Decimal("93.53")


@pytest.mark.django_db
class TestOutcomes:
    def test_a_held_booking_is_priced_by_the_interpreters_own_rate(self, nurse, client_record, centre, dispatcher,
                                                                   interpreter_user, amira, time_machine):
        time_machine.move_to(at(2026, 3, 10, 12, 0), tick=False)
        amira.hourly_rate = Decimal("70.00")
        amira.save()
        booking = confirmed(nurse, client_record, centre, dispatcher, interpreter_user, amira)
        time_machine.move_to(at(2026, 3, 12, 12, 0), tick=False)

        held = record_outcome(actor=nurse, booking=booking, outcome="held", actual_minutes=70)

        assert held.status == BookingStatus.HELD and held.billable_minutes == 90 and held.cost == Decimal("105.00")

    def test_an_interpreter_no_show_costs_nothing_and_writes_interpreter_failed(
            self, nurse, client_record, centre, dispatcher, interpreter_user, amira, time_machine):
        time_machine.move_to(at(2026, 3, 10, 12, 0), tick=False)
        booking = confirmed(nurse, client_record, centre, dispatcher, interpreter_user, amira)
        time_machine.move_to(at(2026, 3, 12, 12, 0), tick=False)

        failed = record_outcome(actor=nurse, booking=booking, outcome="interpreter_no_show")

        assert failed.cost == Decimal("0.00")
        event = PathEvent.objects.get(client=client_record, activity="INTERPRETER_FAILED")
        assert event.at == at(2026, 3, 12, 10, 0) and event.attributes["reason"] == "interpreter_no_show"

    def test_an_outcome_cannot_be_recorded_before_the_booking_starts(self, nurse, client_record, centre, dispatcher,
                                                                     interpreter_user, amira, time_machine):
        time_machine.move_to(at(2026, 3, 10, 12, 0), tick=False)
        booking = confirmed(nurse, client_record, centre, dispatcher, interpreter_user, amira)

        with pytest.raises(DomainError) as error:
            record_outcome(actor=nurse, booking=booking, outcome="held", actual_minutes=60)

        assert error.value.code == "not_yet_started"

    def test_a_held_outcome_needs_the_minutes(self, nurse, client_record, centre, dispatcher, interpreter_user, amira,
                                             time_machine):
        time_machine.move_to(at(2026, 3, 10, 12, 0), tick=False)
        booking = confirmed(nurse, client_record, centre, dispatcher, interpreter_user, amira)
        time_machine.move_to(at(2026, 3, 12, 12, 0), tick=False)

        with pytest.raises(DomainError) as error:
            record_outcome(actor=nurse, booking=booking, outcome="held")

        assert error.value.field == "actual_minutes"


PERIOD_START = date(2026, 1, 5)


@pytest.fixture
def demo(organisation, team_lead, time_machine):
    time_machine.move_to(at(2026, 6, 1, 12, 0), tick=False)
    return seed_interpreting_demo(organisation=organisation, created_by=team_lead, period_start=PERIOD_START)


def independent_expected_total(organisation, first: date, last: date) -> tuple[Decimal, int]:
    """Recomputed here without the claim module: status on the day from raw rows, until citizenship."""
    total, count = Decimal("0.00"), 0
    from django.utils import timezone

    def eligible(client, day):
        rows = list(ClientLegalStatus.objects.filter(client=client))
        if any(r.status == LegalStatus.CITIZEN and r.valid_from <= day for r in rows):
            return False
        valid = sorted((r for r in rows if r.valid_from <= day and (r.valid_to is None or r.valid_to >= day)),
                       key=lambda r: r.valid_from)
        if not valid or valid[-1].status not in TARGET_GROUP:
            return False
        return not (valid[-1].status == LegalStatus.TEMPORARY_PROTECTION and client.municipality_id is None)

    for booking in Booking.objects.filter(organisation=organisation):
        day = timezone.localdate(booking.starts_at)
        if first <= day <= last and booking.cost and booking.cost > 0 and eligible(booking.client, day):
            total += booking.cost
            count += 1
    for cost in CompensableCost.objects.filter(organisation=organisation):
        if first <= cost.date <= last and eligible(cost.client, cost.date):
            total += cost.amount
            count += 1
    return total, count


@pytest.mark.django_db
def test_the_claim_on_the_demo_data_equals_an_independent_sum_and_lists_exclusions_with_reasons(
        demo, organisation, team_lead):
    first, last = PERIOD_START, PERIOD_START + timedelta(days=89)

    claim = build_claim(actor=team_lead, organisation=organisation, first_day=first, last_day=last)

    expected, count = independent_expected_total(organisation, first, last)
    assert demo.bookings > 50 and count > 10
    assert claim.total == expected and len(claim.lines) == count
    assert sum(total for *_rest, total in claim.totals_by_client()) == expected
    reasons = {item.reason for item in claim.excluded}
    assert {"citizen", "not_in_target_group", "no_legal_status", "no_cost",
            "temporary_protection_without_municipality"} <= reasons
    assert all(item.reason_text for item in claim.excluded)
    assert claim.other_total > 0 and claim.interpreting_total > 0


@pytest.mark.django_db
def test_a_status_change_mid_period_splits_eligibility_by_the_booking_date(demo, organisation, team_lead):
    claim = build_claim(actor=team_lead, organisation=organisation, first_day=PERIOD_START,
                        last_day=PERIOD_START + timedelta(days=89))
    granted_on = PERIOD_START + timedelta(days=45)
    late_grant = [line for line in claim.lines if line.legal_status == LegalStatus.ASYLUM_GRANTED]
    assert late_grant and all(line.day >= granted_on for line in late_grant)
    citizen_from = PERIOD_START + timedelta(days=60)
    subsidiary = [line for line in claim.lines if line.legal_status == LegalStatus.SUBSIDIARY_PROTECTION]
    assert all(line.day < citizen_from for line in subsidiary)


@pytest.mark.django_db
def test_the_xlsx_and_csv_exports_carry_the_same_totals_and_write_the_disclosure_log(demo, organisation, team_lead):
    claim = build_claim(actor=team_lead, organisation=organisation, first_day=PERIOD_START,
                        last_day=PERIOD_START + timedelta(days=89))

    book = load_workbook(io.BytesIO(to_xlsx(claim)))
    assert book.sheetnames == ["Claim", "Per client", "Excluded"]
    per_client = list(book["Per client"].iter_rows(values_only=True))
    assert per_client[-1][0] == "TOTAL" and Decimal(str(per_client[-1][2])) == claim.total
    lines = list(book["Claim"].iter_rows(min_row=3, values_only=True))
    assert sum(Decimal(str(row[6])) for row in lines) == claim.total
    assert book["Excluded"].max_row == len(claim.excluded) + 1
    rows = list(csv.reader(io.StringIO(to_csv(claim)), delimiter=";"))
    total_row = next(row for row in rows if row and row[0] == "TOTAL")
    assert Decimal(total_row[6]) == claim.total
    record_export(actor=team_lead, claim=claim, file_format="xlsx")
    assert DisclosureLog.objects.filter(actor=team_lead, channel="export").count() == \
        len({line.client_id for line in claim.lines})


@pytest.mark.django_db
def test_only_a_team_lead_of_the_organisation_builds_the_claim(demo, organisation, nurse):
    with pytest.raises(AccessDenied):
        build_claim(actor=nurse, organisation=organisation, first_day=PERIOD_START, last_day=PERIOD_START)


@pytest.mark.django_db
def test_other_compensable_costs_are_recorded_per_client_by_the_care_team(nurse, client_record, time_machine):
    time_machine.move_to(at(2026, 3, 10, 12, 0), tick=False)
    cost = record_compensable_cost(actor=nurse, client=client_record, day=date(2026, 3, 2), kind="special_social",
                                   amount=Decimal("120.00"), description="Housing support invoice")

    assert CompensableCost.objects.get(pk=cost.pk).organisation == client_record.organisation
    with pytest.raises(DomainError):
        record_compensable_cost(actor=nurse, client=client_record, day=date(2026, 3, 2), kind="special_social",
                                amount=Decimal("0"))


@pytest.mark.django_db
def test_the_claim_page_shows_totals_and_the_csv_download_is_logged_as_a_disclosure(client, demo, organisation,
                                                                                     team_lead):
    from django.urls import reverse

    client.force_login(team_lead)
    query = {"first_day": PERIOD_START.isoformat(), "last_day": (PERIOD_START + timedelta(days=89)).isoformat()}
    claim = build_claim(actor=team_lead, organisation=organisation, first_day=PERIOD_START,
                        last_day=PERIOD_START + timedelta(days=89))

    page = client.get(reverse("interpreting:claim"), query).content.decode()
    download = client.get(reverse("interpreting:claim"), {**query, "muoto": "csv"})

    assert f"{claim.total:.2f}".replace(".", ",") in page  # Finnish decimal comma
    assert download["Content-Type"].startswith("text/csv")
    assert f"{claim.total:.2f}" in download.content.decode("utf-8-sig")
    assert DisclosureLog.objects.filter(actor=team_lead, channel="export").exists()


@pytest.mark.django_db
def test_the_claim_page_refuses_a_period_that_ends_before_it_starts(client, team_lead):
    from django.urls import reverse

    client.force_login(team_lead)

    response = client.get(reverse("interpreting:claim"), {"first_day": "2026-03-01", "last_day": "2026-02-01"})

    assert response.status_code == 200 and 'id="id_last_day_error"' in response.content.decode()

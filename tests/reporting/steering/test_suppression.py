"""Small-number suppression: the primary rule, the secondary rule (totals cannot give a hidden cell back), and
the same on a crafted set of clients through the whole report."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from polku.casework.models import Team
from polku.reporting.steering.report import build_steering_report
from polku.reporting.steering.tables import HOURS, Row, Table, count, measure, share, suppress
from tests.factories import make_client, make_user
from tests.reporting.steering.conftest import HELSINKI


def one_way(values: list[int]) -> Table:
    return suppress(Table(key="t", title="t", label_header="", columns=["n"],
                          rows=[Row(key=str(i), label=str(i), cells=[count(v)]) for i, v in enumerate(values)],
                          total=Row(key="total", label="total", cells=[count(sum(values))]), additive=(0,)))


def two_way(grid: list[list[int]]) -> Table:
    columns = len(grid[0])
    rows = [Row(key=str(r), label=str(r), cells=[*map(count, values), count(sum(values))])
            for r, values in enumerate(grid)]
    sums = [sum(row[c] for row in grid) for c in range(columns)]
    return suppress(Table(key="g", title="g", label_header="", columns=[str(c) for c in range(columns + 1)],
                          rows=rows, total=Row(key="total", label="total", cells=[*map(count, sums),
                                                                                     count(sum(sums))]),
                          additive=tuple(range(columns + 1)), row_total=(columns, tuple(range(columns)))))


def shown(table: Table) -> list[list[str]]:
    return [[cell.display for cell in row.cells] for row in table.all_rows()]


def test_a_count_under_five_is_hidden_and_so_is_the_next_smallest_in_its_column():
    assert shown(one_way([3, 20, 30])) == [["<5"], ["<5"], ["30"], ["53"]]


def test_zero_is_hidden_like_any_count_under_five():
    assert count(0).display == "<5"
    assert count(4).display == "<5"
    assert count(5).display == "5"


def test_hidden_cells_adding_up_to_fewer_than_five_take_one_more_cell_with_them():
    # 1 + 2 = 3 hidden: the total minus the shown cells would tell that these two rows hold three people.
    assert shown(one_way([1, 2, 9, 40])) == [["<5"], ["<5"], ["<5"], ["40"], ["52"]]


def test_a_column_without_small_counts_is_shown_whole():
    assert shown(one_way([5, 6, 70])) == [["5"], ["6"], ["70"], ["81"]]


def test_a_hidden_total_hides_an_entry_too_so_that_the_entries_do_not_add_up_to_it():
    table = suppress(Table(key="t", title="t", label_header="", columns=["n"],
                           rows=[Row(key="a", label="a", cells=[count(2)])],
                           total=Row(key="total", label="total", cells=[count(2)]), additive=(0,)))
    assert shown(table) == [["<5"], ["<5"]]


def test_secondary_suppression_in_a_two_way_table_works_along_rows_and_columns():
    table = two_way([[3, 10, 12], [8, 9, 20], [15, 16, 30]])
    hidden = [[cell.suppressed for cell in row.cells] for row in table.all_rows()]
    assert hidden[0][0]  # the 3
    assert_no_line_gives_a_hidden_cell_back(table)


def test_a_linked_row_is_hidden_whole_so_its_other_columns_cannot_give_the_hidden_cell_back():
    rows = [Row(key=k, label=k, cells=[measure(minutes / 60, base=people, kind=HOURS), count(people)])
            for k, minutes, people in (("a", 120, 3), ("b", 600, 7), ("c", 3000, 30))]
    table = suppress(Table(key="w", title="w", label_header="", columns=["h", "n"], rows=rows,
                           total=Row(key="total", label="total", cells=[measure(62.0, base=40, kind=HOURS),
                                                                        count(40)]),
                           additive=(0,), row_linked=True))
    assert shown(table) == [["<5", "<5"], ["<5", "<5"], ["50.0", "30"], ["62.0", "40"]]


def test_a_share_is_hidden_when_either_it_or_its_complement_counts_fewer_than_five():
    assert share(3, 100).display == "<5"
    assert share(97, 100).display == "<5"
    assert share(50, 100).display == "50.0 %"


def assert_no_line_gives_a_hidden_cell_back(table: Table) -> None:
    grid = table.all_rows()
    n_rows, n_cols = len(table.rows), len(grid[0].cells) - 1
    lines = [([(r, c) for r in range(n_rows)], (n_rows, c)) for c in range(n_cols + 1)]
    lines += [([(r, c) for c in range(n_cols)], (r, n_cols)) for r in range(n_rows + 1)]
    for entries, total in lines:
        hidden = [grid[r].cells[c] for r, c in entries if grid[r].cells[c].suppressed]
        total_cell = grid[total[0]].cells[total[1]]
        if total_cell.suppressed:
            assert hidden or not entries, "the entries add up to the hidden total"
        elif hidden:
            assert len(hidden) >= 2, "a single hidden entry is the total minus the others"
            assert sum(cell.value for cell in hidden) >= 5, "the hidden entries together hold fewer than five"


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.integers(min_value=0, max_value=40), min_size=2, max_size=5), min_size=2, max_size=6)
       .filter(lambda g: len({len(r) for r in g}) == 1))
def test_no_random_two_way_table_gives_a_small_count_back(grid):
    table = two_way(grid)
    for row in table.all_rows():
        for cell in row.cells:
            if cell.value < 5:
                assert cell.suppressed
    assert_no_line_gives_a_hidden_cell_back(table)


@pytest.mark.django_db
def test_a_crafted_caseload_is_suppressed_in_the_report(organisation):
    lead = make_user(role="team_lead", organisation=organisation, profession="nurse")
    registered = datetime(2026, 3, 2, 10, tzinfo=HELSINKI)
    for index in range(15):
        make_client(organisation=organisation, created_by=lead, created_at=registered,
                    gender="woman" if index < 12 else "man", birth_year=1990 if index < 9 else 1970,
                    country_of_origin="SY" if index < 7 else "AF")
    report = build_steering_report(organisation=organisation, period_start=date(2026, 3, 1),
                                   period_end=date(2026, 3, 31), language="en")
    gender = report.table("clients_gender")
    # 12 women, 3 men, nobody else: the men are hidden, and so are the women (else 15 - 12 = 3 men).
    assert [gender.cell(k, 0).display for k in ("woman", "man", "non_binary", "total")] == ["<5", "<5", "<5", "15"]
    # 9 aged 36 (30–44), 6 aged 56 (45–64), none elsewhere: the empty bands are hidden, and as they add up to
    # fewer than five (to none) the 6 is hidden too.
    age = report.table("clients_age")
    assert [age.cell(k, 0).display for k in ("30–44", "45–64", "0–17", "total")] == ["9", "<5", "<5", "15"]
    region = report.table("clients_region")  # 7 Middle East, 8 South and Central Asia
    assert region.cell("middle_east", 0).display == "<5" and region.cell("south_central_asia", 0).display == "8"
    assert report.table("clients_flow").cell("new", 0).display == "15"


@pytest.mark.django_db
def test_a_team_report_counts_only_the_team_clients(organisation):
    lead = make_user(role="team_lead", organisation=organisation, profession="nurse")
    team = Team.objects.create(organisation=organisation, name="Tiimi A")
    from polku.casework.models import CareTeamMembership

    for index in range(8):
        client = make_client(organisation=organisation, created_by=lead,
                             created_at=datetime(2026, 3, 2, 10, tzinfo=HELSINKI))
        if index < 6:
            CareTeamMembership.objects.create(client=client, worker=lead, role="nurse", assigned_by=lead, team=team)
    whole = build_steering_report(organisation=organisation, period_start=date(2026, 3, 1),
                                  period_end=date(2026, 3, 31))
    only_team = build_steering_report(organisation=organisation, team=team, period_start=date(2026, 3, 1),
                                      period_end=date(2026, 3, 31))
    assert whole.table("clients_flow").cell("active", 0).value == 8
    assert only_team.table("clients_flow").cell("active", 0).value == 6


@pytest.mark.django_db
def test_paths_seen_fewer_than_five_times_are_left_out_of_the_variants_and_the_map(organisation):
    from polku.casework.models import PathEvent

    lead = make_user(role="team_lead", organisation=organisation, profession="nurse")
    day = datetime(2026, 3, 2, 10, tzinfo=HELSINKI)
    for index in range(8):
        client = make_client(organisation=organisation, created_by=lead, created_at=day)
        steps = ["CLIENT_REGISTERED", "MEETING_HELD"] if index < 6 else ["CLIENT_REGISTERED", "RECORDS_MERGED"]
        for hour, activity in enumerate(steps):
            PathEvent.objects.create(client=client, activity=activity, at=day.replace(hour=10 + hour))
    with translation.override("en"):
        report = build_steering_report(organisation=organisation, period_start=date(2026, 3, 1),
                                       period_end=date(2026, 3, 31), language="en")
    variants = report.table("paths_variants")
    assert [(row.label, row.cells[0].display, row.cells[1].display) for row in variants.rows] == [
        ("Client registered → Meeting held", "6", "1.0 h")]
    svg = next(section.svg for section in report.sections if section.key == "paths")
    assert "Meeting held" in svg and "Duplicate records merged" not in svg

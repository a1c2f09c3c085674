"""Break rules: typed frozen dataclasses, evaluated per case, returning the flagged events and positions."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import polars as pl
import pytest

from polku import paths

T0 = datetime(2024, 3, 1, tzinfo=UTC)


def log(rows: list[tuple[str, str, float]]) -> pl.DataFrame:
    return pl.DataFrame({"case:concept:name": [r[0] for r in rows], "concept:name": [r[1] for r in rows],
                         "time:timestamp": [T0 + timedelta(days=r[2]) for r in rows]})


PATHS = log([
    ("late", "referral sent", 0), ("late", "first meeting", 20), ("late", "closed", 21),
    ("on time", "referral sent", 0), ("on time", "first meeting", 3), ("on time", "closed", 40),
    ("never", "referral sent", 1), ("never", "referral declined", 2),
    ("recent", "referral sent", 38),
    ("twice", "referral sent", 0), ("twice", "first meeting", 5), ("twice", "referral sent", 10),
    ("twice", "closed", 30),
])
FIRST_MEETING = paths.NotFollowedWithin("referral sent", "first meeting", days=14)


def flagged(rules, frame=PATHS, **kwargs) -> list[tuple]:
    return [(r["case"], r["position"], r["activity"]) for r in paths.find_breaks(frame, rules, **kwargs).to_dicts()]


def test_not_followed_within_flags_late_and_missing_follow_ups_at_the_first_event():
    assert flagged([FIRST_MEETING]) == [("late", 0, "referral sent"), ("never", 0, "referral sent"),
                                        ("twice", 2, "referral sent")]


def test_not_followed_within_measures_the_wait_or_leaves_it_empty_when_none_came():
    found = {r["case"]: r["measured_s"] for r in paths.find_breaks(PATHS, [FIRST_MEETING]).to_dicts()}
    assert found == {"late": 20 * 86400.0, "never": None, "twice": None}


def test_deadline_not_yet_passed_is_not_a_break_until_the_as_of_time():
    # "recent" was referred on day 38 and the log ends on day 40: it still has 12 days.
    assert "recent" not in [case for case, *_ in flagged([FIRST_MEETING])]
    later = T0 + timedelta(days=60)
    assert ("recent", 0, "referral sent") in flagged([FIRST_MEETING], as_of=later)
    assert ("recent", 0, "referral sent") in flagged([FIRST_MEETING], as_of=later.replace(tzinfo=None))


def test_ends_with_flags_the_last_event_of_cases_ending_there():
    assert flagged([paths.EndsWith("referral declined")]) == [("never", 1, "referral declined")]


def test_gap_longer_than_flags_the_event_after_the_gap_with_the_gap_in_seconds():
    breaks = paths.find_breaks(PATHS, [paths.GapLongerThan(days=15)]).to_dicts()
    assert [(b["case"], b["position"], b["measured_s"]) for b in breaks] == [
        ("late", 1, 20 * 86400.0), ("on time", 2, 37 * 86400.0), ("twice", 3, 20 * 86400.0)]


def test_several_rules_are_reported_together_by_case_and_position_with_their_labels():
    rules = [paths.GapLongerThan(days=15, name="long silence"), FIRST_MEETING]
    breaks = paths.find_breaks(PATHS, rules)
    assert breaks.columns == ["case", "rule", "position", "activity", "timestamp", "measured_s"]
    late = breaks.filter(pl.col("case") == "late")
    assert late.select("position", "rule").rows() == [
        (0, "'referral sent' not followed by 'first meeting' within 14 days"), (1, "long silence")]
    assert late["timestamp"].to_list() == [T0, T0 + timedelta(days=20)]


def test_rules_are_frozen_and_refuse_non_positive_days():
    with pytest.raises(dataclasses.FrozenInstanceError):
        FIRST_MEETING.days = 3
    with pytest.raises(ValueError, match="positive number of days"):
        paths.GapLongerThan(days=0)
    with pytest.raises(ValueError, match="positive number of days"):
        paths.NotFollowedWithin("a", "b", days=-1)


def test_no_rules_or_no_events_give_an_empty_frame_with_the_columns():
    assert paths.find_breaks(PATHS, []).is_empty()
    empty = paths.find_breaks(PATHS.clear(), [FIRST_MEETING])
    assert empty.is_empty() and empty.columns[:3] == ["case", "rule", "position"]


def test_analyze_reports_breaks_of_the_given_rules():
    result = paths.analyze(PATHS, rules=[paths.EndsWith("closed")])
    assert sorted(result.breaks["case"].to_list()) == ["late", "on time", "twice"]

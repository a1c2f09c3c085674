"""CSV and Parquet event tables, and the ISO 8601 timestamp reader they share with XES and OCEL."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest

from polku import paths
from polku.paths.errors import EventLogError
from polku.paths.timestamps import parse_timestamps

CSV = """client,step,at,minutes
c1,referral sent,2024-01-01T10:00:00+02:00,
c1,first meeting,2024-01-03 09:30:00,45
c2,referral sent,2024-01-02T08:00:00.5Z,
"""


def test_csv_with_its_own_column_names_reads_into_the_xes_names(tmp_path):
    (tmp_path / "log.csv").write_text(CSV)
    frame = paths.read_csv(tmp_path / "log.csv", case="client", activity="step", timestamp="at")
    assert frame.columns == ["case:concept:name", "concept:name", "time:timestamp", "minutes"]
    assert frame["time:timestamp"].to_list() == [datetime(2024, 1, 1, 8, tzinfo=UTC),
                                                 datetime(2024, 1, 3, 9, 30, tzinfo=UTC),
                                                 datetime(2024, 1, 2, 8, 0, 0, 500000, tzinfo=UTC)]
    assert paths.analyze(frame).directly_follows.rows()[0][:3] == ("referral sent", "first meeting", 1)


def test_csv_row_with_a_bad_timestamp_is_refused_with_its_data_row(tmp_path):
    (tmp_path / "log.csv").write_text(CSV.replace("2024-01-03 09:30:00", "03.01.2024 09:30"))
    with pytest.raises(EventLogError, match=r"^row 2: log.csv: column 'at': '03.01.2024 09:30' is not an ISO 8601"):
        paths.read_csv(tmp_path / "log.csv", case="client", activity="step", timestamp="at")


def test_csv_without_the_named_columns_is_refused_naming_the_columns_found(tmp_path):
    (tmp_path / "log.csv").write_text(CSV)
    with pytest.raises(EventLogError, match=r"missing column\(s\) 'case:concept:name'.*found 'client', 'step'"):
        paths.read_csv(tmp_path / "log.csv")


def test_csv_event_with_an_empty_case_id_is_refused(tmp_path):
    (tmp_path / "log.csv").write_text(CSV.replace("c2,", ","))
    with pytest.raises(EventLogError, match=r"row 3: log.csv: event without case id"):
        paths.read_csv(tmp_path / "log.csv", case="client", activity="step", timestamp="at")


def test_parquet_round_trip_keeps_the_table(tmp_path):
    (tmp_path / "log.csv").write_text(CSV)
    frame = paths.read_csv(tmp_path / "log.csv", case="client", activity="step", timestamp="at")
    paths.write_parquet(frame, tmp_path / "log.parquet")
    assert paths.read_parquet(tmp_path / "log.parquet").equals(frame)


def test_parquet_with_naive_timestamps_and_own_names_reads_as_utc(tmp_path):
    pl.DataFrame({"id": [1, 1], "what": ["a", "b"], "when": [datetime(2024, 1, 1), datetime(2024, 1, 2)]}) \
        .write_parquet(tmp_path / "log.parquet")
    frame = paths.read_parquet(tmp_path / "log.parquet", case="id", activity="what", timestamp="when")
    assert frame.rows() == [("1", "a", datetime(2024, 1, 1, tzinfo=UTC)), ("1", "b", datetime(2024, 1, 2, tzinfo=UTC))]


def test_file_that_is_not_parquet_is_an_event_log_error(tmp_path):
    (tmp_path / "log.parquet").write_text("not parquet")
    with pytest.raises(EventLogError, match="cannot read as Parquet"):
        paths.read_parquet(tmp_path / "log.parquet")


@pytest.mark.parametrize(("text", "expected"), [
    ("2024-05-02T13:45:00.000+03:00", datetime(2024, 5, 2, 10, 45, tzinfo=UTC)),
    ("2024-05-02T13:45:00Z", datetime(2024, 5, 2, 13, 45, tzinfo=UTC)),
    ("2024-05-02T13:45:00", datetime(2024, 5, 2, 13, 45, tzinfo=UTC)),
    ("2024-05-02T13:45:00-0930", datetime(2024, 5, 2, 23, 15, tzinfo=UTC)),
    ("2024-05-02T13:45:00.1234567+00:00", datetime(2024, 5, 2, 13, 45, 0, 123456, tzinfo=UTC)),
    ("2024-05-02 13:45:00+14:00", datetime(2024, 5, 1, 23, 45, tzinfo=UTC)),
])
def test_iso_timestamps_are_read_to_utc_microseconds(text, expected):
    parsed, bad = parse_timestamps(pl.Series([text]))
    assert bad is None and parsed.to_list() == [expected]


@pytest.mark.parametrize(("text", "reason"), [
    ("2024-05-02T13:45:00+14:30", "unknown or invalid time-zone offset '+14:30'"),
    ("2024-05-02T13:45:00+02:60", "unknown or invalid time-zone offset '+02:60'"),
    ("2024-05-02T13:45:00 Europe/Helsinki", "unknown or invalid time-zone offset ' Europe/Helsinki'"),
    ("2024-02-30T13:45:00Z", "is not a valid date and time"),
    ("2024-05-02T13:45:00.Z", "is not a valid date and time"),
    ("2 May 2024", "is not an ISO 8601 date-time"),
])
def test_bad_timestamps_are_reported_with_position_and_reason(text, reason):
    parsed, bad = parse_timestamps(pl.Series(["2024-01-01T00:00:00Z", None, text]))
    assert bad is not None and bad.index == 2 and reason in bad.reason


def test_uniform_millisecond_timestamps_take_the_fast_path_with_the_same_result(monkeypatch):
    """A column all written like OpenXES ("...T..:..:...fff±hh:mm") is read by slicing; the result must be the
    general parser's, value for value, and any odd value sends the whole column back to the general parser."""
    from polku.paths import timestamps

    texts = ["2011-10-01T00:38:44.546+02:00", "2011-10-30T03:00:00.001+01:00", "2024-02-29T23:59:59.999-09:30",
             "2024-05-02T13:45:00.000+14:00", "1999-12-31T23:59:59.000-00:00"]
    fast = timestamps._uniform_milliseconds(pl.Series(texts))
    monkeypatch.setattr(timestamps, "_uniform_milliseconds", lambda text: None)
    general, bad = parse_timestamps(pl.Series(texts))
    assert fast is not None and bad is None and fast.to_list() == general.to_list()
    assert fast[0] == datetime(2011, 9, 30, 22, 38, 44, 546000, tzinfo=UTC)
    for odd in ("2011-10-01T00:38:44.546+15:00", "2011-10-01T00:38:44,546+02:00", "2011-10-01T00:38:44.5x6+02:00",
                "2011-02-30T00:38:44.546+02:00", "2011-10-01T00:38:44.546+02:0x", "2011-10-01T00:38:44.5460+02:00"):
        assert timestamps._uniform_milliseconds(pl.Series([*texts, odd])) is None, odd

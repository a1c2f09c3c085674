"""XES import and export: both parsers agree, round trips are exact, and bad files fail by line."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime

import polars as pl
import pytest

from polku import paths
from polku.paths import xes, xes_lines
from polku.paths.errors import EventLogError

HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<log xes.version="1.0" xmlns="http://www.xes-standard.org/">\n'


def document(*traces: str, head: str = HEAD) -> bytes:
    return (head + "".join(traces) + "</log>\n").encode("utf-8")


def trace(case: str | None, *events: str, extra: str = "") -> str:
    name = f'\t\t<string key="concept:name" value="{case}"/>\n' if case is not None else ""
    return f"\t<trace>\n{name}{extra}" + "".join(events) + "\t</trace>\n"


def event(activity: str | None, time: str | None, *attributes: str) -> str:
    lines = []
    if activity is not None:
        lines.append(f'\t\t\t<string key="concept:name" value="{activity}"/>\n')
    if time is not None:
        lines.append(f'\t\t\t<date key="time:timestamp" value="{time}"/>\n')
    return "\t\t<event>\n" + "".join(lines) + "".join(f"\t\t\t{a}\n" for a in attributes) + "\t\t</event>\n"


RICH = document(
    trace("c1",
          event("referral sent", "2024-01-01T10:00:00.000+02:00", '<string key="org:resource" value="nurse &amp; co"/>',
                '<int key="minutes" value="45"/>', '<boolean key="interpreter" value="true"/>'),
          event("first meeting", "2024-01-02T10:00:00Z", '<float key="score" value="2.5"/>',
                '<date key="booked" value="2023-12-30T08:00:00+00:00"/>'),
          extra='\t\t<int key="age" value="34"/>\n'),
    trace("c2", event("referral sent", "2024-01-01T10:00:00.123456-05:00", '<string key="note" value="&lt;b&gt;"/>')),
)


def read_all_ways(data: bytes, monkeypatch) -> list[pl.DataFrame]:
    """The fast line reader (if it accepts the file; whole and in tiny blocks), lxml, and the stdlib parser."""
    frames = [xes.read_xes_bytes(data)]
    fast = xes_lines.read_canonical([data])
    if fast is not None:
        frames.append(fast)
        with monkeypatch.context() as patch:
            patch.setattr(xes_lines, "BLOCK_BYTES", 150)  # a block per trace or so, fed in 7-byte pieces
            blocked = xes_lines.read_canonical(data[i:i + 7] for i in range(0, len(data), 7))
        assert blocked is not None
        frames.append(blocked)
    with monkeypatch.context() as patch:
        patch.setattr(xes, "_lxml_etree", None)
        frames.append(xes.read_xes_bytes(data))
    return frames


def test_xes_attributes_become_typed_columns_and_trace_attributes_case_columns(monkeypatch):
    frames = read_all_ways(RICH, monkeypatch)
    assert len(frames) == 4  # the canonical layout takes the fast path too
    frame = frames[0]
    for other in frames[1:]:
        assert other.equals(frame)
    assert frame.columns == ["case:concept:name", "concept:name", "time:timestamp", "case:age", "org:resource",
                             "minutes", "interpreter", "score", "booked", "note"]
    assert frame.schema["minutes"] == pl.Int64 and frame.schema["score"] == pl.Float64
    assert frame.schema["interpreter"] == pl.Boolean and frame.schema["booked"] == pl.Datetime("us", "UTC")
    assert frame["time:timestamp"].to_list() == [datetime(2024, 1, 1, 8, tzinfo=UTC),
                                                 datetime(2024, 1, 2, 10, tzinfo=UTC),
                                                 datetime(2024, 1, 1, 15, 0, 0, 123456, tzinfo=UTC)]
    assert frame["org:resource"].to_list() == ["nurse & co", None, None]
    assert frame["note"].to_list() == [None, None, "<b>"]
    assert frame["case:age"].to_list() == [34, 34, None]


def test_files_outside_the_canonical_layout_are_read_by_the_xml_parser_alike(monkeypatch):
    one_line = RICH.replace(b"\n", b" ").replace(b"?> ", b"?>\n")
    nested = RICH.replace(b'<int key="minutes" value="45"/>',
                          b'<int key="minutes" value="45"><string key="unit" value="min"/></int>')
    repeated = RICH.replace(b'<int key="minutes" value="45"/>',
                            b'<int key="minutes" value="40"/><int key="minutes" value="45"/>')
    reference = xes.read_xes_bytes(RICH)
    for variant in (one_line, nested, repeated):
        assert xes_lines.read_canonical([variant]) is None
        for frame in read_all_ways(variant, monkeypatch):
            assert frame.equals(reference)


def test_running_example_reads_the_same_by_every_path(running_example, monkeypatch):
    frames = read_all_ways(running_example.read_bytes(), monkeypatch)
    assert len(frames) == 4 and all(f.equals(frames[0]) for f in frames)
    assert frames[0].shape == (42, 8) and frames[0]["case:concept:name"].n_unique() == 6


def test_write_then_read_gives_the_same_table_plain_and_gzipped(tmp_path):
    original = xes.read_xes_bytes(RICH)
    for name in ("log.xes", "log.xes.gz"):
        target = tmp_path / name
        paths.write_xes(original, target)
        assert paths.read_xes(target).equals(original)
    assert (tmp_path / "log.xes.gz").read_bytes()[:2] == b"\x1f\x8b"


def test_write_keeps_table_order_within_a_case_so_ties_survive(tmp_path):
    tied = datetime(2024, 5, 2, 12, tzinfo=UTC)
    frame = pl.DataFrame({"case:concept:name": ["x", "y", "x"], "concept:name": ["b", "a", "a"],
                          "time:timestamp": [tied, tied, tied]})
    paths.write_xes(frame, tmp_path / "ties.xes")
    back = paths.read_xes(tmp_path / "ties.xes")
    assert back.rows() == [("x", "b", tied), ("x", "a", tied), ("y", "a", tied)]


def test_empty_log_reads_as_an_empty_table():
    for data in (document(), document(trace("lonely"))):
        frame = xes.read_xes_bytes(data)
        assert frame.is_empty() and frame.columns == ["case:concept:name", "concept:name", "time:timestamp"]
        assert paths.analyze(frame).case_count == 0


def fails(tmp_path, data: bytes, pattern: str, *, name: str = "bad.xes", stdlib_pattern: str | None = None,
          monkeypatch=None) -> None:
    """read_xes raises EventLogError matching `pattern` (and with the stdlib parser `stdlib_pattern`)."""
    target = tmp_path / name
    target.write_bytes(data)
    with pytest.raises(EventLogError, match=pattern):
        paths.read_xes(target)
    if monkeypatch is not None:
        with monkeypatch.context() as patch:
            patch.setattr(xes, "_lxml_etree", None)
            with pytest.raises(EventLogError, match=stdlib_pattern or pattern):
                paths.read_xes(target)


def test_event_without_timestamp_is_refused_with_its_line(tmp_path, monkeypatch):
    data = document(trace("c1", event("a", "2024-01-01T10:00:00Z"), event("b", None)))
    fails(tmp_path, data, r"line 9: event without timestamp", monkeypatch=monkeypatch,
          stdlib_pattern=r"trace #0: event without timestamp")


def test_invalid_time_zone_offset_is_refused_with_its_line(tmp_path, monkeypatch):
    data = document(trace("c1", event("a", "2024-01-01T10:00:00+25:00")))
    fails(tmp_path, data, r"line 5: .*'2024-01-01T10:00:00\+25:00' has an unknown or invalid time-zone offset",
          monkeypatch=monkeypatch, stdlib_pattern=r"row 0: .*invalid time-zone offset '\+25:00'")


def test_unknown_time_zone_name_is_refused_with_its_line(tmp_path):
    data = document(trace("c1", event("a", "2024-01-01T10:00:00Z"), event("b", "2024-01-01T11:00:00 EET")))
    fails(tmp_path, data, r"line 9: .*unknown or invalid time-zone offset ' EET'")


def test_bytes_that_are_not_utf8_are_refused_with_their_line(tmp_path, monkeypatch):
    data = document(trace("c1", event("a", "2024-01-01T10:00:00Z"), event("Ã¤", "2024-01-01T11:00:00Z")))
    data = data.replace("Ã¤".encode(), "Ä".encode("latin-1"))
    fails(tmp_path, data, r"line 10: not well-formed XES", monkeypatch=monkeypatch,
          stdlib_pattern=r"line 10: not well-formed XES")


def test_truncated_gzip_is_refused(tmp_path):
    packed = gzip.compress(RICH)
    fails(tmp_path, packed[: len(packed) // 2], r"truncated or corrupt gzip", name="cut.xes.gz")


def test_trace_without_case_id_is_refused_with_its_index_and_line(tmp_path, monkeypatch):
    data = document(trace("c1", event("a", "2024-01-01T10:00:00Z")), trace(None, event("b", "2024-01-01T10:00:00Z")))
    fails(tmp_path, data, r"line 10, trace #1: trace has no concept:name, so its events have no case id",
          monkeypatch=monkeypatch, stdlib_pattern=r"trace #1: trace has no concept:name")


def test_event_outside_any_trace_is_refused_as_without_case_id(tmp_path, monkeypatch):
    data = document(trace("c1", event("a", "2024-01-01T10:00:00Z")), event("b", "2024-01-01T10:00:00Z"))
    fails(tmp_path, data, r"line 10: an <event> outside any <trace> has no case id", monkeypatch=monkeypatch,
          stdlib_pattern=r"an <event> outside any <trace> has no case id")


def test_event_without_activity_is_refused_with_its_line(tmp_path):
    data = document(trace("c1", event(None, "2024-01-01T10:00:00Z")))
    fails(tmp_path, data, r"line 5: event without activity")


def test_value_that_does_not_fit_its_type_is_refused_with_its_line(tmp_path):
    data = document(trace("c1", event("a", "2024-01-01T10:00:00Z", '<int key="minutes" value="forty"/>')))
    fails(tmp_path, data, r"line 5: event attribute 'minutes': 'forty' is not a valid int")


def test_unclosed_element_is_refused_with_its_line(tmp_path, monkeypatch):
    data = document(trace("c1", event("a", "2024-01-01T10:00:00Z"))).replace(b"\t\t</event>\n", b"")
    fails(tmp_path, data, r"line \d+: not well-formed XES", monkeypatch=monkeypatch)


def test_missing_file_is_an_event_log_error(tmp_path):
    with pytest.raises(EventLogError, match="cannot read the file"):
        paths.read_xes(tmp_path / "nowhere.xes")


def test_concatenated_gzip_members_read_as_one_log(tmp_path):
    half = RICH.index(b"\t<trace>\n", RICH.index(b"\t<trace>\n") + 1)
    (tmp_path / "two.xes.gz").write_bytes(gzip.compress(RICH[:half]) + gzip.compress(RICH[half:]))
    assert paths.read_xes(tmp_path / "two.xes.gz").equals(xes.read_xes_bytes(RICH))


def test_truncated_gzip_is_refused_also_when_the_xml_parser_reads_it(tmp_path, monkeypatch):
    # A nested attribute in the first trace makes the fast path give up after its first small block, so the
    # XML parser meets the truncation.
    nested = event("a", "2024-01-01T10:00:00Z", '<string key="x" value="1"><string key="y" value="2"/></string>')
    data = document(trace("c0", nested), *[trace(f"c{i}", event("a", "2024-01-01T10:00:00Z")) for i in range(1, 400)])
    packed = gzip.compress(data)
    monkeypatch.setattr(xes_lines, "BLOCK_BYTES", 200)
    monkeypatch.setattr(xes, "_COMPRESSED_PIECE", 64)
    fails(tmp_path, packed[: len(packed) * 3 // 4], r"truncated or corrupt gzip", name="cut.xes.gz")
    (tmp_path / "whole.xes.gz").write_bytes(packed)
    assert paths.read_xes(tmp_path / "whole.xes.gz").height == 400


def test_character_references_and_a_second_angle_bracket_in_the_header_are_read_alike(monkeypatch):
    """The line reader skips its per-value searches when the block's bytes show they cannot match ("&", "&#",
    more than one "<" a line); a file that has them must still be read exactly like the XML parser reads it."""
    with_reference = RICH.replace(b'value="nurse &amp; co"', b'value="nurse &#228; co"')
    assert xes_lines.read_canonical([with_reference]) is None  # character references: the XML parser's job
    bracket_in_comment = RICH.replace(b"<log ", b"<!-- a < b -->\n<log ", 1)
    for variant in (with_reference, bracket_in_comment):
        frames = read_all_ways(variant, monkeypatch)
        assert all(frame.equals(frames[0]) for frame in frames)
    assert read_all_ways(bracket_in_comment, monkeypatch)[0].equals(xes.read_xes_bytes(RICH))
    assert xes.read_xes_bytes(with_reference)["org:resource"][0] == "nurse ä co"

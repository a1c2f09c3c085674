"""Vectorised fast path for canonical XES: one XML element per line, as OpenXES, ProM, pm4py and Polku write.

Reading a large log element by element in Python costs about a microsecond per attribute; here polars
classifies the lines and pivots the attributes into columns, several times faster. The document is read
in blocks of whole traces, so memory stays near the size of the result. The fast path accepts only a
strict subset of XML and returns None for anything else — other layouts, character references, CDATA,
DOCTYPE, multi-line comments, nested or list attributes inside traces, repeated keys, and every kind of
error — so that `xes.read_xes` reads it with a real XML parser and reports problems by line. The tests
check that both paths give identical frames.
"""

from __future__ import annotations

import io
import re
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import polars as pl

from polku.paths.columns import ACTIVITY, CASE, CASE_PREFIX, TIMESTAMP

_OPENERS = {f"<{kind} key=": kind for kind in ("string", "date", "int", "float", "boolean", "id")}
_CLOSERS = ("/>", " />")
_DECLARATION = re.compile(rb'^\s*<\?xml[^>]*?encoding\s*=\s*["\']([A-Za-z0-9._-]+)["\']')
_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&"))
EVENT_OPEN, EVENT_CLOSE, TRACE_OPEN, TRACE_CLOSE = 1, 2, 3, 4
# Blocks of about this many bytes, cut just before a <trace> line.
BLOCK_BYTES = 8 * 1024 * 1024
# Blocks in flight at once (threads: polars works without the GIL).
_WORKERS = 2


class _Decline(Exception):  # noqa: N818 - control flow, not an error: "let the XML parser read this file"
    pass


def _unescape(column: pl.Expr) -> pl.Expr:
    for entity, character in _ENTITIES:
        column = column.str.replace_all(entity, character, literal=True)
    return column


def blocks(pieces: Iterable[bytes]) -> Iterator[bytes]:
    """Re-cut a byte stream into blocks that end just before a line holding only <trace>."""
    buffer = bytearray()
    for piece in pieces:
        buffer += piece
        if len(buffer) < BLOCK_BYTES:
            continue
        cut = buffer.rfind(b"<trace>")
        start = buffer.rfind(b"\n", 0, cut) + 1 if cut > 0 else -1
        if start > 0 and not bytes(buffer[start:cut]).strip():
            with memoryview(buffer) as view:  # one copy (slicing the bytearray itself would make two)
                block = bytes(view[:start])
            yield block
            del buffer[:start]
    if buffer:
        yield bytes(buffer)


def _lines(data: bytes) -> pl.DataFrame:
    """Non-blank lines with their structure tag (trace/event open or close) and running counts."""
    try:
        lines = pl.read_csv(io.BytesIO(data), has_header=False, separator="\x1f", quote_char=None,
                            schema={"line": pl.String}, raise_if_empty=False, comment_prefix=None)
    except pl.exceptions.PolarsError:
        raise _Decline from None  # not UTF-8, or a line holding our separator byte
    line = pl.col("line")
    # 0 for any other line; integer codes are cheaper to test and count than the tag text.
    code = (pl.when(line == "<event>").then(EVENT_OPEN).when(line == "</event>").then(EVENT_CLOSE)
            .when(line == "<trace>").then(TRACE_OPEN).when(line == "</trace>").then(TRACE_CLOSE)
            .otherwise(0).cast(pl.Int8))
    is_code = {number: (pl.col("code") == number).cast(pl.Int32)
               for number in (EVENT_OPEN, EVENT_CLOSE, TRACE_OPEN, TRACE_CLOSE)}
    return (
        lines.lazy()
        .with_columns(line.str.strip_chars())
        .filter(line.is_not_null() & (line != ""))
        .with_columns(code.alias("code"))
        .with_columns(
            # Depths rise on an opening tag and fall after the closing one; the numbers count openings.
            trace_depth=(is_code[TRACE_OPEN] - is_code[TRACE_CLOSE]).cum_sum(),
            event_depth=(is_code[EVENT_OPEN] - is_code[EVENT_CLOSE]).cum_sum(),
            trace_no=is_code[TRACE_OPEN].cum_sum() - 1,
            event_no=is_code[EVENT_OPEN].cum_sum() - 1,
        )
        .collect()
    )


def _check_layout(lines: pl.DataFrame) -> None:
    """Traces hold events, events hold nothing nested, one tag per line, no constructs we do not model.

    The text checks run on the lines outside traces only (the header and the end): inside a trace every
    line must be a trace or event tag or an attribute of the exact canonical shape, which _attributes
    checks, so anything else there (comments, CDATA, other elements) declines the file all the same.
    """
    if lines.is_empty():
        raise _Decline
    structure = lines.select(
        traces=pl.col("trace_depth").is_between(0, 1).all(),
        events=pl.col("event_depth").is_between(0, 1).all(),
        events_in_traces=(pl.col("event_depth") <= pl.col("trace_depth")).all(),
    ).row(0)
    if not all(structure) or lines["trace_depth"][-1] != 0 or lines["event_depth"][-1] != 0:
        raise _Decline
    line = pl.col("line")
    checks = lines.lazy().filter((pl.col("trace_depth") == 0) & (pl.col("code") == 0)).select(
        tags=(line.str.starts_with("<") & line.str.ends_with(">")).all(),
        # A trace or event tag in any other spelling (attributes, whitespace, prefixes) is not modelled.
        plain=(~line.str.contains(r"^</?(?:\w+:)?(?:trace|event)\b")).all(),
        # A comment must open and close on its line, or it could hide (or fake) a trace.
        comments=(line.str.contains("<!--", literal=True) == line.str.contains("-->", literal=True)).all(),
        markup=~(line.str.contains("<![CDATA[", literal=True) | line.str.contains("<!DOCTYPE", literal=True)
                 | line.str.contains("<!ENTITY", literal=True)).any(),
    ).collect().row(0)
    if not all(checks):
        raise _Decline


def _attributes(lines: pl.DataFrame, data: bytes) -> pl.DataFrame:
    """Attribute lines inside traces as (trace_no, event_no, in_event, kind, key, value).

    `data` is the block's text: when it holds exactly one "<" per line, and no "&#" or "&" at all, the
    per-field searches for them (most of the cost here) are known to find nothing and are skipped.
    """
    parts = (
        lines.lazy()
        .filter((pl.col("trace_depth") == 1) & (pl.col("code") == 0))
        .select("trace_no", "event_no", (pl.col("event_depth") == 1).alias("in_event"),
                pl.col("line").str.split_exact('"', 5).alias("p"))
        .unnest("p")
        .with_columns(pl.col("field_0").replace_strict(_OPENERS, default=None).alias("kind"))
        .collect()
    )
    shape = (pl.col("kind").is_not_null() & (pl.col("field_2") == " value=") & pl.col("field_4").is_in(_CLOSERS)
             & pl.col("field_5").is_null())
    # Every line starts with "<" (checked), so one "<" per line means none inside a key or value.
    # (Looking for "&" first: a search for "&#" in text without any "&" is much slower.)
    has_ampersand = b"&" in data
    for text, needed in (("<", data.count(b"<") != lines.height), ("&#", has_ampersand and b"&#" in data)):
        if needed:
            shape &= (~pl.col("field_1").str.contains(text, literal=True)
                      & ~pl.col("field_3").str.contains(text, literal=True))
    if not parts.select(shape.all()).item():
        raise _Decline  # nested, list, oddly written attributes, or character references inside a trace
    parts = parts.select("trace_no", "event_no", "in_event", "kind",
                         pl.col("field_1").alias("key"), pl.col("field_3").alias("value"))
    if has_ampersand and (parts["key"].str.contains("&", literal=True).any()
                         or parts["value"].str.contains("&", literal=True).any()):
        parts = parts.with_columns(_unescape(pl.col("key")), _unescape(pl.col("value")))
    return parts


def _wide(parts: pl.DataFrame, row: str, rows: int) -> tuple[pl.DataFrame, dict[str, set[str]]]:
    """Attributes as one text column per key (in first-seen order), and the XES kinds seen per key.

    Attribute lines come in document order, so `row` never decreases: each key's rows are picked out with
    one comparison and placed by position, cheaper than a general pivot.
    """
    if parts.is_empty():
        if rows:
            raise _Decline  # elements without attributes: the XML path says what is missing
        return pl.DataFrame(), {}
    numbers = parts[row]
    if (numbers != numbers.shift(1)).fill_null(True).sum() != rows:
        raise _Decline  # elements without attributes: the XML path says what is missing
    keys = parts.group_by("key", maintain_order=True).agg(pl.col("kind").unique())
    kinds = {key: set(found) for key, found in keys.iter_rows()}
    columns = []
    for key in kinds:
        mask = parts["key"] == key
        at, values = numbers.filter(mask), parts["value"].filter(mask).alias(key)
        if at.len() > 1 and not (at.diff().slice(1) > 0).all():
            raise _Decline  # a key repeated within one element: the XML path applies "last one wins"
        # Strictly rising numbers below `rows`: as many as rows means every row has the key, in order.
        columns.append(values if at.len() == rows else
                       pl.repeat(None, rows, dtype=pl.String, eager=True).alias(key).scatter(at, values))
    return pl.DataFrame(columns), kinds


@dataclass(frozen=True)
class _Block:
    """One block's events and traces as text columns (with each event's block-local trace number)."""

    events: pl.DataFrame
    traces: pl.DataFrame
    event_kinds: dict[str, set[str]]
    trace_kinds: dict[str, set[str]]
    trace_count: int
    last_line: str


def _read_block(data: bytes) -> _Block:
    lines = _lines(data)
    _check_layout(lines)
    parts = _attributes(lines, data)
    event_count, trace_count = int(lines["event_no"][-1]) + 1, int(lines["trace_no"][-1]) + 1
    event_table, event_kinds = _wide(parts.filter(pl.col("in_event")), "event_no", event_count)
    trace_table, trace_kinds = _wide(parts.filter(~pl.col("in_event")), "trace_no", trace_count)
    event_trace = lines.filter(pl.col("code") == EVENT_OPEN)["trace_no"]
    return _Block(events=event_table.with_columns(event_trace.alias("__trace")), traces=trace_table,
                  event_kinds=event_kinds, trace_kinds=trace_kinds, trace_count=trace_count,
                  last_line=lines["line"][-1])


def _read_blocks(pieces: Iterable[bytes]) -> list[_Block]:
    """All blocks, two at a time: polars releases the GIL, so a second block keeps the second core busy."""
    done: list[_Block] = []
    with ThreadPoolExecutor(max_workers=_WORKERS) as pool:
        running: deque[Future[_Block]] = deque()
        try:
            for block in blocks(pieces):
                running.append(pool.submit(_read_block, block))
                if len(running) > _WORKERS:  # bounded, so memory stays near a few blocks
                    done.append(running.popleft().result())
            done.extend(future.result() for future in list(running))
        finally:
            for future in running:
                future.cancel()
    return done


def _merge(into: dict[str, set[str]], found: dict[str, set[str]]) -> None:
    for key, kinds in found.items():
        into.setdefault(key, set()).update(kinds)


def _typed(frame: pl.DataFrame, kinds: dict[str, set[str]]) -> list[pl.Series]:
    from polku.paths.xes import typed_column

    columns = []
    for key, found in kinds.items():
        # The same key with two types keeps its text, as in the XML path.
        column = typed_column(frame[key], next(iter(found)) if len(found) == 1 else "string")
        if column is None:
            raise _Decline  # a value that does not fit its type: the XML path reports its line
        columns.append(column)
    return columns


def read_canonical(pieces: Iterable[bytes]) -> pl.DataFrame | None:
    """The event table of a canonical XES document given as byte pieces, or None for the XML parser."""
    pieces = iter(pieces)
    first = next(pieces, b"")
    declared = _DECLARATION.match(first[:512])
    if declared and declared.group(1).lower().replace(b"_", b"-") not in (b"utf-8", b"utf8"):
        return None
    try:
        read = _read_blocks(_chain(first, pieces))
        if not read or read[-1].last_line != "</log>":
            return None
        offsets = [0]
        for block in read[:-1]:
            offsets.append(offsets[-1] + block.trace_count)
        event_kinds: dict[str, set[str]] = {}
        trace_kinds: dict[str, set[str]] = {}
        for block in read:
            _merge(event_kinds, block.event_kinds)
            _merge(trace_kinds, block.trace_kinds)
        collected_events = [b.events.with_columns(pl.col("__trace") + offset) for b, offset in zip(read, offsets,
                                                                                                    strict=True)]
        collected_traces = [b.traces for b in read]
        events = pl.concat([f for f in collected_events if f.width], how="diagonal") if any(
            f.height for f in collected_events) else pl.DataFrame()
        traces = pl.concat([f for f in collected_traces if f.width], how="diagonal") if any(
            f.height for f in collected_traces) else pl.DataFrame()
        if (events.is_empty() or not {ACTIVITY, TIMESTAMP} <= set(events.columns)
                or "concept:name" not in traces.columns):
            return None
        if event_kinds[TIMESTAMP] != {"date"}:
            return None
        if events[ACTIVITY].null_count() or events[TIMESTAMP].null_count() or traces["concept:name"].null_count():
            return None
        event_columns = {c.name: c for c in _typed(events, event_kinds)}
        trace_columns = _typed(traces, trace_kinds)
    except _Decline:
        return None
    frame = pl.DataFrame([event_columns[ACTIVITY], event_columns[TIMESTAMP]]).with_columns(
        [column.gather(events["__trace"]).alias(f"{CASE_PREFIX}{column.name}") for column in trace_columns])
    frame = frame.with_columns([c for key, c in event_columns.items() if key not in (ACTIVITY, TIMESTAMP)])
    ordered = [CASE, ACTIVITY, TIMESTAMP] + [c for c in frame.columns if c not in (CASE, ACTIVITY, TIMESTAMP)]
    return frame.select(ordered)


def _chain(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    yield first
    yield from rest

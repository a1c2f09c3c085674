"""XES import (.xes and .xes.gz) into one polars event table, and XES export from one.

Canonical files (one element per line, as OpenXES, ProM, pm4py and Polku write them) take a vectorised
fast path (`xes_lines`), decompressed and read in blocks. Anything else, and every error, goes through the
streaming XML parser here (lxml's iterparse when lxml is installed, else the standard library's), which
collects attributes into one Python list per column and builds a single frame at the end, so messages name
the line. Both give the same frame. Nothing is returned until the whole file has been read and checked.
"""

from __future__ import annotations

import gzip
import io
import os
import zlib
from collections.abc import Iterator
from pathlib import Path

import polars as pl

from polku.paths.columns import ACTIVITY, CASE, CASE_PREFIX, TIME_TYPE, TIMESTAMP
from polku.paths.errors import EventLogError
from polku.paths.timestamps import parse_timestamps

try:  # lxml is faster and reports the line of every element; the standard library parser is the fallback.
    from lxml import etree as _lxml_etree
except ImportError:  # pragma: no cover - depends on the environment
    _lxml_etree = None

XES_NAMESPACE = "http://www.xes-standard.org/"
_GZIP_MAGIC = b"\x1f\x8b"
# XES attribute elements and the polars type each becomes. Nested attributes (children of an attribute)
# and collections (<list>, <container>) carry no single value and are skipped.
KINDS = {"string": pl.String, "id": pl.String, "date": TIME_TYPE, "int": pl.Int64, "float": pl.Float64,
         "boolean": pl.Boolean}
_KIND_OF = {**{k: k for k in KINDS}, **{f"{{{XES_NAMESPACE}}}{k}": k for k in KINDS}}
_EVENT_TAGS = frozenset({"event", f"{{{XES_NAMESPACE}}}event"})


def _local(tag: object) -> str:
    text = str(tag)
    return text.rsplit("}", 1)[-1]


def _kind(tag: object) -> str | None:
    kind = _KIND_OF.get(tag)
    if kind is None and isinstance(tag, str) and tag.startswith("{"):
        kind = _KIND_OF.get(_local(tag))
    return kind


def open_maybe_gzip(path: str | os.PathLike) -> io.BufferedIOBase:
    """The file's bytes, transparently decompressed when it starts with the gzip magic number."""
    raw = open(path, "rb")  # noqa: SIM115 - returned to the caller, who closes it
    if raw.peek(2)[:2] == _GZIP_MAGIC:
        raw.close()
        return gzip.open(path, "rb")
    return raw


class _Columns:
    """One Python list per attribute key, padded with None, plus the XES type seen for each key."""

    def __init__(self) -> None:
        self.values: dict[str, list] = {}
        self.kinds: dict[str, str] = {}
        self.rows = 0

    def add(self, key: str, kind: str, value: str | None) -> None:
        """Set `key` in the current (unfinished) row."""
        column = self.values.get(key)
        if column is None:
            column = self.values[key] = [None] * self.rows
            self.kinds[key] = kind
        elif self.kinds[key] != kind:
            self.kinds[key] = "string"  # the same key with two types: keep the text
        if len(column) == self.rows:
            column.append(value)
        else:  # a repeated key within one element: the last one wins, as in OpenXES
            column[self.rows] = value

    def end_row(self) -> None:
        """Finish the current row, padding the keys it did not have."""
        self.rows = rows = self.rows + 1
        for column in self.values.values():
            if len(column) < rows:
                column.append(None)


def _iter_traces(stream) -> Iterator:
    """Yield <trace> elements as each ends, freeing the parsed ones behind it."""
    if _lxml_etree is not None:
        context = _lxml_etree.iterparse(stream, events=("end",), tag="{*}trace", huge_tree=True,
                                        resolve_entities=False, no_network=True)
        for _, element in context:
            yield element
            element.clear()
            while element.getprevious() is not None:
                del element.getparent()[0]
        # Traces are freed as they end; what remains under <log> is the log's own content.
        for child in context.root:
            if _local(child.tag) == "event":
                raise EventLogError("an <event> outside any <trace> has no case id", line=child.sourceline)
        return
    import xml.etree.ElementTree as StdElementTree  # noqa: S405 - local files the user chose, entities not expanded

    depth = 0
    for event, element in StdElementTree.iterparse(stream, events=("start", "end")):  # noqa: S314 - see import
        name = _local(element.tag)
        if event == "start":
            if name == "trace":
                depth += 1
            elif name == "event" and depth == 0:
                raise EventLogError("an <event> outside any <trace> has no case id")
            continue
        if name == "trace":
            depth -= 1
            yield element
            element.clear()


def _parse_stream(stream) -> tuple[_Columns, _Columns, list[int], list[int | None], list[int | None]]:
    """Events and traces as columns; per event its trace index and line; per trace its line."""
    events, traces = _Columns(), _Columns()
    event_trace: list[int] = []
    event_lines: list[int | None] = []
    trace_lines: list[int | None] = []
    has_lines = _lxml_etree is not None
    kind_of, event_tags = _KIND_OF, _EVENT_TAGS
    # This loop runs once per attribute of the whole log, so it is written out flat: the per-event work
    # is inlined from _Columns.add/end_row (the same logic), which halves the parse time.
    values, kinds = events.values, events.kinds
    for trace_index, trace in enumerate(_iter_traces(stream)):
        trace_lines.append(trace.sourceline if has_lines else None)
        for child in trace:
            tag = child.tag
            if tag in event_tags or (tag not in kind_of and _local(tag) == "event"):
                rows = events.rows
                for attribute in child:
                    kind = kind_of.get(attribute.tag) or _kind(attribute.tag)
                    if kind is None:
                        continue
                    key = attribute.get("key")
                    column = values.get(key)
                    if column is None:
                        column = values[key] = [None] * rows
                        kinds[key] = kind
                    elif kinds[key] != kind:
                        kinds[key] = "string"
                    if len(column) == rows:
                        column.append(attribute.get("value"))
                    else:
                        column[rows] = attribute.get("value")
                events.rows = rows = rows + 1
                for column in values.values():
                    if len(column) < rows:
                        column.append(None)
                event_trace.append(trace_index)
                event_lines.append(child.sourceline if has_lines else None)
                continue
            kind = kind_of.get(tag) or _kind(tag)
            if kind is not None:
                traces.add(child.get("key"), kind, child.get("value"))
        traces.end_row()
    return events, traces, event_trace, event_lines, trace_lines


def typed_column(text: pl.Series, kind: str) -> pl.Series | None:
    """A raw text column as its XES type, or None when a value does not fit (the caller says where)."""
    return _convert(text, kind)[0]


def _convert(text: pl.Series, kind: str) -> tuple[pl.Series | None, tuple[int, str] | None]:
    """(typed column, None) or (None, (index of the first bad value, reason))."""
    if kind == "date":
        parsed, bad = parse_timestamps(text)
        return (None, (bad.index, bad.reason)) if bad is not None else (parsed.alias(text.name), None)
    if kind in ("int", "float"):
        cast = text.str.strip_chars().cast(pl.Int64 if kind == "int" else pl.Float64, strict=False)
        failed = text.is_not_null() & cast.is_null()
        if failed.any():
            index = int(failed.arg_max())
            return None, (index, f"{text[index]!r} is not a valid {kind}")
        return cast, None
    if kind == "boolean":
        lowered = text.str.strip_chars().str.to_lowercase()
        failed = text.is_not_null() & ~lowered.is_in(["true", "false", "1", "0"]).fill_null(False)
        if failed.any():
            index = int(failed.arg_max())
            return None, (index, f"{text[index]!r} is not a valid boolean")
        return lowered.is_in(["true", "1"]).alias(text.name).zip_with(text.is_not_null(),
                                                                        pl.Series([None], dtype=pl.Boolean)), None
    return text, None


def _typed(name: str, kind: str, values: list, lines: list[int | None], *, traces: bool) -> pl.Series:
    """Like typed_column, raising EventLogError with the line (or trace/row) of the first bad value."""
    column, bad = _convert(pl.Series(name, values, dtype=pl.String), kind)
    if bad is None:
        return column
    index, reason = bad
    line = lines[index] if index < len(lines) else None
    raise EventLogError(f"{'trace' if traces else 'event'} attribute {name!r}: {reason}", line=line,
                        trace_index=index if traces and line is None else None,
                        row=None if traces or line is not None else index)


def _empty_log() -> pl.DataFrame:
    return pl.DataFrame(schema={CASE: pl.String, ACTIVITY: pl.String, TIMESTAMP: TIME_TYPE})


def build_event_table(events: _Columns, traces: _Columns, event_trace: list[int], event_lines: list[int | None],
                      trace_lines: list[int | None]) -> pl.DataFrame:
    """Check and type the collected columns and assemble the event table (trace attributes as case:*)."""
    if events.rows == 0:
        return _empty_log()
    case_names = traces.values.get("concept:name", [None] * traces.rows)
    missing_case = [index for index, name in enumerate(case_names) if name is None]
    if missing_case:
        index = missing_case[0]
        raise EventLogError("trace has no concept:name, so its events have no case id",
                            line=trace_lines[index], trace_index=index)
    for key, what in ((ACTIVITY, "activity (concept:name)"), (TIMESTAMP, "timestamp (time:timestamp)")):
        column = events.values.get(key)
        index = 0 if column is None else next((i for i, value in enumerate(column) if value is None), None)
        if index is not None:
            raise EventLogError(f"event without {what}", line=event_lines[index],
                                trace_index=event_trace[index] if event_lines[index] is None else None)
    if events.kinds[TIMESTAMP] != "date":
        raise EventLogError(f"time:timestamp must be a <date>, not <{events.kinds[TIMESTAMP]}>",
                            line=event_lines[0])
    event_columns = {key: _typed(key, events.kinds[key], values, event_lines, traces=False)
                     for key, values in events.values.items()}
    trace_columns = [_typed(f"{CASE_PREFIX}{key}", traces.kinds[key], values, trace_lines, traces=True)
                     for key, values in traces.values.items()]
    index = pl.Series("trace", event_trace, dtype=pl.Int64)
    frame = pl.DataFrame([event_columns[ACTIVITY], event_columns[TIMESTAMP]])
    frame = frame.with_columns([column.gather(index) for column in trace_columns])
    others = [column for key, column in event_columns.items() if key not in (ACTIVITY, TIMESTAMP)]
    frame = frame.with_columns(others)
    ordered = [CASE, ACTIVITY, TIMESTAMP] + [c for c in frame.columns if c not in (CASE, ACTIVITY, TIMESTAMP)]
    return frame.with_columns(pl.col(CASE).cast(pl.String)).select(ordered)


# Compressed bytes read at a time; XES compresses about twentyfold, so this yields pieces of ~5 MB.
_COMPRESSED_PIECE = 256 * 1024
_PLAIN_PIECE = 16 * 1024 * 1024


def _pieces(path: str | os.PathLike) -> Iterator[bytes]:
    """The file's bytes in pieces, decompressed on the fly when it starts with the gzip magic number."""
    with open(path, "rb") as raw:
        if raw.peek(2)[:2] != _GZIP_MAGIC:
            while piece := raw.read(_PLAIN_PIECE):
                yield piece
            return
        decompressor = zlib.decompressobj(wbits=31)
        while compressed := raw.read(_COMPRESSED_PIECE):
            while compressed:
                if decompressor.eof:  # a further gzip member follows (concatenated .gz files are valid)
                    decompressor = zlib.decompressobj(wbits=31)
                yield decompressor.decompress(compressed)
                compressed = decompressor.unused_data if decompressor.eof else b""
        if not decompressor.eof:
            raise EOFError("compressed file ended before the end-of-stream marker was reached")


def read_xes(path: str | os.PathLike) -> pl.DataFrame:
    """Read an XES log (.xes, or gzip-compressed .xes.gz) into an event table in file order.

    Columns: case:concept:name, concept:name, time:timestamp (UTC), every other event attribute by its key,
    and trace attributes as case:<key>. Raises EventLogError, naming the line or trace, for malformed XML,
    bytes that are not in the declared encoding, a truncated or corrupt .gz, an event without case id,
    activity or timestamp, and unreadable values (including unknown time-zone offsets).
    """
    from polku.paths import xes_lines

    name = Path(path).name
    try:
        fast = xes_lines.read_canonical(_pieces(path))
        if fast is not None:
            return fast
        with open_maybe_gzip(path) as stream:
            return _read_stream(stream)
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise EventLogError(f"{name}: truncated or corrupt gzip data ({exc})") from None
    except OSError as exc:
        raise EventLogError(f"{name}: cannot read the file ({exc.strerror or exc})") from None


def read_xes_bytes(data: bytes) -> pl.DataFrame:
    """Read XES from bytes with the streaming XML parser (the general path behind read_xes)."""
    return _read_stream(io.BytesIO(data))


def _read_stream(stream) -> pl.DataFrame:
    xml_errors: tuple[type[BaseException], ...] = (SyntaxError,)
    if _lxml_etree is not None:
        xml_errors = (_lxml_etree.XMLSyntaxError, SyntaxError)
    try:
        collected = _parse_stream(stream)
    except EventLogError:
        raise
    except xml_errors as exc:
        line = getattr(exc, "lineno", None) or (getattr(exc, "position", None) or (None,))[0]
        message = getattr(exc, "msg", None) or str(exc)
        raise EventLogError(f"not well-formed XES: {message}", line=line) from None
    return build_event_table(*collected)


_XES_HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by Polku (polku.paths) -->
<log xes.version="1849-2016" xes.features="nested-attributes" xmlns="http://www.xes-standard.org/">
\t<extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
\t<extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>
\t<extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>
\t<extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>
\t<classifier name="Activity" keys="concept:name"/>
"""
# Traces are written in slices so that a multi-million-event log never becomes one giant string.
_WRITE_SLICE = 20_000


def _xml_escaped(value: pl.Expr) -> pl.Expr:
    value = value.str.replace_all("&", "&amp;", literal=True)
    for character, entity in (("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&apos;")):
        value = value.str.replace_all(character, entity, literal=True)
    return value


def _attribute_line(name: str, key: str, dtype: pl.DataType, indent: str) -> pl.Expr:
    """One `<kind key=".." value=".."/>` line for a column, null where the value is null."""
    column = pl.col(name)
    if isinstance(dtype, pl.Datetime | pl.Date):
        kind = "date"
        if isinstance(dtype, pl.Date) or dtype.time_zone is None:
            column = column.cast(pl.Datetime("us")).dt.replace_time_zone("UTC")
        text = column.dt.convert_time_zone("UTC").dt.to_string("%Y-%m-%dT%H:%M:%S%.6f+00:00")
    elif dtype.is_integer():
        kind, text = "int", column.cast(pl.String)
    elif dtype.is_float():
        kind, text = "float", column.cast(pl.String)
    elif dtype == pl.Boolean:
        kind, text = "boolean", pl.when(column).then(pl.lit("true")).when(~column).then(pl.lit("false"))
    else:
        kind, text = "string", column.cast(pl.String)
    key_text = key.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    return pl.concat_str([pl.lit(f'{indent}<{kind} key="{key_text}" value="'), _xml_escaped(text), pl.lit('"/>')])


def write_xes(frame: pl.DataFrame, path: str | os.PathLike, *, case: str = CASE, activity: str = ACTIVITY,
              timestamp: str = TIMESTAMP) -> None:
    """Write an event table as XES (gzip-compressed when the path ends in .gz), one trace per case.

    Cases appear in order of their first event and events keep their table order within a case (no sorting,
    so ties stay as they are). Columns named case:<key> become trace attributes (first value per case), all
    other columns event attributes typed by their polars type; nulls are left out.
    """
    for name, what in ((case, "case id"), (activity, "activity"), (timestamp, "timestamp")):
        if name not in frame.columns:
            raise EventLogError(f"missing column {name!r} ({what})")
        nulls = frame[name].is_null()
        if nulls.any():
            raise EventLogError(f"event without {what} (column {name!r})", row=int(nulls.arg_max()))
    schema = frame.schema
    trace_columns = [c for c in frame.columns if c.startswith(CASE_PREFIX) and c != case]
    event_columns = [activity, timestamp] + [c for c in frame.columns
                                             if c not in (case, activity, timestamp) and c not in trace_columns]
    keys = {activity: ACTIVITY, timestamp: TIMESTAMP}
    event_lines = [_attribute_line(c, keys.get(c, c), schema[c], "\t\t\t") for c in event_columns]
    trace_lines = [_attribute_line(c, c[len(CASE_PREFIX):], schema[c], "\t\t") for c in trace_columns]
    blocks = (
        frame.lazy()
        .with_columns(pl.col(case).cast(pl.String).alias("__case"))
        .with_columns(pl.concat_str([pl.lit("\t\t<event>"), *event_lines, pl.lit("\t\t</event>")],
                                    separator="\n", ignore_nulls=True).alias("__event"))
        .group_by("__case", maintain_order=True)
        .agg(pl.col("__event").str.join("\n"), *[pl.col(c).first() for c in trace_columns])
        .select(pl.concat_str([
            pl.lit("\t<trace>"),
            _attribute_line("__case", "concept:name", pl.String(), "\t\t"),
            *trace_lines,
            pl.col("__event"),
            pl.lit("\t</trace>"),
        ], separator="\n", ignore_nulls=True).alias("trace"))
        .collect()["trace"]
    )
    opener = gzip.open if str(path).endswith(".gz") else open
    # Level 6 is zlib's default trade-off; level 9 (gzip.open's default) is several times slower for ~2 % less.
    options = {"compresslevel": 6} if opener is gzip.open else {}
    with opener(path, "wt", encoding="utf-8", newline="\n", **options) as out:
        out.write(_XES_HEADER)
        for start in range(0, blocks.len(), _WRITE_SLICE):
            out.write("\n".join(blocks.slice(start, _WRITE_SLICE).to_list()))
            out.write("\n")
        out.write("</log>\n")

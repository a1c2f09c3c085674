"""ISO 8601 / xs:dateTime text to UTC timestamps, vectorised, with the first bad value pinpointed."""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from polku.paths.columns import TIME_TYPE

# Real offsets run from -12:00 to +14:00; anything beyond is a typo, not a time zone.
_MAX_OFFSET_MINUTES = 14 * 60
_OFFSET = re.compile(r"([+-])(\d{2}):?(\d{2})?")


@dataclass(frozen=True)
class BadTimestamp:
    """The first value that could not be read, its position in the input, and why."""

    index: int
    value: str
    reason: str


def _offset_minutes(suffix: str) -> int | None:
    """Minutes east of UTC for 'Z', '' (read as UTC, as pm4py does), '+02:00', '+0200' or '+02'; None if invalid."""
    if suffix in ("", "Z", "z"):
        return 0
    match = _OFFSET.fullmatch(suffix)
    if match is None:
        return None
    hours, minutes = int(match[2]), int(match[3] or 0)
    total = hours * 60 + minutes
    if minutes >= 60 or total > _MAX_OFFSET_MINUTES:
        return None
    return -total if match[1] == "-" else total


def parse_timestamps(values: pl.Series) -> tuple[pl.Series, BadTimestamp | None]:
    """Parse ISO 8601 strings to UTC microseconds; nulls stay null, the first unreadable value is reported.

    The fixed-width date and time are parsed by polars' fast path; the few distinct fraction/offset suffixes
    are decided in Python once each. Fractions beyond microseconds are cut (XES and pm4py carry microseconds).
    """
    text = values.cast(pl.String).str.strip_chars()
    uniform = _uniform_milliseconds(text)
    if uniform is not None:
        return uniform.alias(values.name), None
    if (text.str.slice(10, 1) == " ").any():
        # "2024-05-02 13:45:00" (common in CSV) is read like the xs:dateTime "2024-05-02T13:45:00".
        text = text.str.replace(r"^(\d{4}-\d{2}-\d{2}) ", "${1}T")
    rest = text.str.slice(19)
    offset_text = rest.str.strip_chars_start(".,0123456789")
    fraction_text = rest.str.head(rest.str.len_chars() - offset_text.str.len_chars())
    suffixes = offset_text.drop_nulls().unique()
    offsets = pl.DataFrame({"suffix": suffixes, "minutes": [_offset_minutes(s) for s in suffixes]},
                           schema={"suffix": pl.String, "minutes": pl.Int64})
    frame = pl.DataFrame({"text": text, "suffix": offset_text, "fraction": fraction_text})
    parsed_frame = (
        frame.lazy()
        .join(offsets.lazy(), on="suffix", how="left", maintain_order="left")
        .with_columns(
            local=pl.col("text").str.slice(0, 19).str.to_datetime("%Y-%m-%dT%H:%M:%S", time_unit="us",
                                                                  strict=False),
            # "" or ".ddd"/",ddd": anything else leaves a null and marks the value as bad.
            micros=pl.when(pl.col("fraction") == "").then(0).otherwise(
                pl.when(pl.col("fraction").str.len_chars() > 1)
                .then(pl.col("fraction").str.slice(1, 6).str.pad_end(6, "0")
                      .str.to_integer(strict=False))),
        )
        .with_columns(fraction_ok=(pl.col("fraction") == "") | pl.col("fraction").str.contains(r"^[.,]\d+$"))
        .select(
            parsed=(pl.col("local") + pl.duration(microseconds=pl.col("micros"), time_unit="us")
                    - pl.duration(minutes=pl.col("minutes"), time_unit="us")).dt.replace_time_zone("UTC"),
            bad_offset=pl.col("local").is_not_null() & pl.col("fraction_ok") & pl.col("minutes").is_null(),
            shape_ok=pl.col("local").is_not_null(),
        )
        .collect()
    )
    parsed = parsed_frame["parsed"].cast(TIME_TYPE).alias(values.name)
    failed = text.is_not_null() & parsed.is_null()
    if not failed.any():
        return parsed, None
    index = int(failed.arg_max())
    value = values.cast(pl.String)[index]
    if parsed_frame["bad_offset"][index]:
        reason = f"{value!r} has an unknown or invalid time-zone offset {offset_text[index]!r}"
    elif re.match(r"\s*\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}", value):
        reason = f"{value!r} is not a valid date and time"
    else:
        reason = f"{value!r} is not an ISO 8601 date-time (expected e.g. 2024-05-02T13:45:00.000+03:00)"
    return parsed, BadTimestamp(index=index, value=value, reason=reason)


# "2011-10-01T00:38:44.546+02:00": what OpenXES, ProM and pm4py write, milliseconds and an offset.
_UNIFORM_LENGTH = 29


def _uniform_milliseconds(text: pl.Series) -> pl.Series | None:
    """Fast path for a column of date-times all written "YYYY-MM-DDTHH:MM:SS.fff±HH:MM" with valid offsets.

    The same arithmetic as the general path (local time + fraction − offset) without its per-value search
    for where the fraction and the offset begin; None when any value has another shape (or is null), so the
    general path decides and explains.
    """
    if text.is_empty() or text.null_count() or not (text.str.len_bytes() == _UNIFORM_LENGTH).all():
        return None
    suffixes = text.str.slice(23).unique()
    minutes = [_offset_minutes(suffix) for suffix in suffixes] if suffixes.len() <= 64 else [None]
    if any(value is None or suffix[0] not in "+-" for suffix, value in zip(suffixes, minutes, strict=True)):
        return None
    parsed = pl.DataFrame({"text": text}).select(
        local=pl.col("text").str.slice(0, 19).str.to_datetime("%Y-%m-%dT%H:%M:%S", time_unit="us", strict=False),
        dot=pl.col("text").str.slice(19, 1) == ".",
        millis=pl.col("text").str.slice(20, 3).str.to_integer(strict=False),
        digits=pl.col("text").str.slice(20, 3).str.contains(r"^\d{3}$"),
        minutes=pl.col("text").str.slice(23).replace_strict(suffixes, pl.Series(minutes, dtype=pl.Int64)),
    )
    if parsed["local"].null_count() or not (parsed["dot"].all() and parsed["digits"].all()):
        return None
    return parsed.select(
        (pl.col("local") + pl.duration(milliseconds=pl.col("millis"), time_unit="us")
         - pl.duration(minutes=pl.col("minutes"), time_unit="us")).dt.replace_time_zone("UTC").cast(TIME_TYPE)
    ).to_series()


def to_utc(values: pl.Series) -> tuple[pl.Series, BadTimestamp | None]:
    """Any timestamp-like column to UTC microseconds: text is parsed, naive datetimes are taken as UTC."""
    dtype = values.dtype
    if isinstance(dtype, pl.Datetime):
        if dtype.time_zone is None:
            return values.dt.replace_time_zone("UTC").cast(TIME_TYPE), None
        return values.dt.convert_time_zone("UTC").cast(TIME_TYPE), None
    if dtype == pl.Date:
        return values.cast(pl.Datetime("us")).dt.replace_time_zone("UTC").cast(TIME_TYPE), None
    if dtype == pl.String:
        return parse_timestamps(values)
    return values, BadTimestamp(index=0, value=str(dtype), reason=f"a {dtype} column cannot hold timestamps")

"""`polku paths ...`: the argparse side of the paths engine (used by the Django command and `python -m`).

`polku paths analyze FILE [--json OUT] [--html OUT]` reads an event log (XES, .xes.gz, CSV, Parquet or
OCEL 2.0), prints a summary and writes the full result as JSON and/or a self-contained HTML page.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

import polars as pl

from polku.paths.analysis import PathsResult, analyze_events
from polku.paths.columns import ACTIVITY, CASE, TIMESTAMP
from polku.paths.errors import EventLogError
from polku.paths.html_report import human_duration, write_html_report
from polku.paths.result_json import write_result_json

_OCEL_SUFFIXES = (".json", ".jsonocel", ".xml", ".xmlocel", ".sqlite", ".sqlite3", ".db")
# Exit status for unusable input, as argparse uses for unusable arguments.
EXIT_BAD_INPUT = 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the `analyze` sub-command and its options to a parser (ours or Django's CommandParser)."""
    commands = parser.add_subparsers(dest="paths_command", metavar="COMMAND", required=True,
                                     parser_class=argparse.ArgumentParser)
    analyze = commands.add_parser("analyze", help="summarise an event log; write the result as JSON and/or HTML",
                                  description="Read an event log (XES, .xes.gz, CSV, Parquet or OCEL 2.0), print a "
                                              "summary and write the full result.")
    analyze.add_argument("file", help="the event log: .xes, .xes.gz, .csv, .parquet, or OCEL 2.0 .json/.xml/.sqlite")
    analyze.add_argument("--json", dest="json_out", metavar="OUT", help="write the full result as JSON here")
    analyze.add_argument("--html", dest="html_out", metavar="OUT", help="write a self-contained HTML report here")
    analyze.add_argument("--case-column", default=CASE, help=f"case id column (default: {CASE})")
    analyze.add_argument("--activity-column", default=ACTIVITY, help=f"activity column (default: {ACTIVITY})")
    analyze.add_argument("--timestamp-column", default=TIMESTAMP, help=f"timestamp column (default: {TIMESTAMP})")
    analyze.add_argument("--object-type", help="OCEL only: the object type whose objects are the cases "
                                               "(default: client, when the log has clients)")
    analyze.add_argument("--top", type=int, default=10, help="how many variants and transitions to print (10)")


def load_events(path: Path, *, case: str, activity: str, timestamp: str,
                object_type: str | None) -> tuple[pl.DataFrame, str, str, str]:
    """The event table of a file and the names of its key columns, by the file's kind."""
    from polku.paths import ocel, tabular, xes

    name = path.name.lower()
    if name.endswith((".xes", ".xes.gz")):
        return xes.read_xes(path), case, activity, timestamp
    if name.endswith(".csv"):
        return tabular.read_csv(path, case=case, activity=activity, timestamp=timestamp), CASE, ACTIVITY, TIMESTAMP
    if name.endswith(".parquet"):
        return tabular.read_parquet(path, case=case, activity=activity, timestamp=timestamp), CASE, ACTIVITY, TIMESTAMP
    if name.endswith(_OCEL_SUFFIXES):
        log = ocel.read_ocel(path)
        types = log.objects[ocel.OBJECT_TYPE].unique().sort().to_list()
        chosen = object_type or ("client" if "client" in types else None)
        if chosen is None:
            raise EventLogError(f"{path.name}: say which objects are the cases with --object-type "
                                f"({', '.join(types) or 'the log has no objects'})")
        return ocel.ocel_to_events(log, object_type=chosen), CASE, ACTIVITY, TIMESTAMP
    raise EventLogError(f"{path.name}: unknown kind of file; expected .xes, .xes.gz, .csv, .parquet or OCEL 2.0")


def summary_lines(result: PathsResult, *, source: str, top: int) -> list[str]:
    """The printed summary: counts, top variants, top transitions with their median wait."""
    lines = [f"{source}: {result.case_count} cases, {result.event_count} events, "
             f"{result.activity_count} activities"]
    if result.case_count == 0:
        return [*lines, "The log is empty: no variants and no transitions."]
    lines.append(f"Top variants ({min(top, result.variants.height)} of {result.variants.height}):")
    for index, row in enumerate(result.variants.head(top).to_dicts(), start=1):
        share = 100 * row["count"] / result.case_count
        cases = f"{row['count']} case{'s' if row['count'] != 1 else ''}"
        lines.append(f"  {index:>2}. {cases} ({share:.1f} %), mean {human_duration(row['mean_duration_s'])}: "
                     f"{' → '.join(row['variant'])}")
    lines.append(f"Top transitions by frequency ({min(top, result.directly_follows.height)} of "
                 f"{result.directly_follows.height}), with median wait:")
    for row in result.directly_follows.head(top).to_dicts():
        lines.append(f"  {row['source']} → {row['target']}: {row['frequency']} times, "
                     f"median wait {human_duration(row['wait_median_s'])}")
    return lines


def run(options: argparse.Namespace, *, out: TextIO, err: TextIO) -> int:
    """Carry out a parsed `polku paths` command; 0 on success, 2 for unusable input (message on `err`)."""
    path = Path(options.file)
    try:
        events, case, activity, timestamp = load_events(
            path, case=options.case_column, activity=options.activity_column, timestamp=options.timestamp_column,
            object_type=options.object_type)
        result = analyze_events(events, case=case, activity=activity, timestamp=timestamp)
    except EventLogError as exc:
        err.write(f"polku paths: {exc}\n")
        return EXIT_BAD_INPUT
    for line in summary_lines(result, source=path.name, top=options.top):
        out.write(line + "\n")
    if options.json_out:
        write_result_json(result, options.json_out)
        out.write(f"Wrote the result as JSON to {options.json_out}\n")
    if options.html_out:
        write_html_report(result, options.html_out, title=f"Service paths: {path.name}")
        out.write(f"Wrote the HTML report to {options.html_out}\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    """`python -m polku.paths.cli analyze FILE ...`: the same command without Django."""
    parser = argparse.ArgumentParser(prog="polku paths", description="Service paths (process mining).")
    add_arguments(parser)
    return run(parser.parse_args(argv), out=sys.stdout, err=sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())

"""The one error the paths engine raises for input it cannot use."""

from __future__ import annotations


class EventLogError(ValueError):
    """An event log (file or frame) is unusable; the message names the line, trace or row at fault.

    Readers raise it before returning anything, so a failed import never yields a partial log.
    """

    def __init__(self, message: str, *, line: int | None = None, trace_index: int | None = None,
                 row: int | None = None):
        where = []
        if line is not None:
            where.append(f"line {line}")
        if trace_index is not None:
            where.append(f"trace #{trace_index}")
        if row is not None:
            where.append(f"row {row}")
        super().__init__(f"{', '.join(where)}: {message}" if where else message)
        self.line = line
        self.trace_index = trace_index
        self.row = row

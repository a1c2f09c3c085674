"""Path-event kinds the interpreting app writes into the shared service-path log."""

from __future__ import annotations

from polku.casework.models import PathEventKind

INTERPRETER_BOOKED = "INTERPRETER_BOOKED"  # a booking was requested
INTERPRETER_CONFIRMED = "INTERPRETER_CONFIRMED"
INTERPRETER_FAILED = str(PathEventKind.INTERPRETER_FAILED)  # the interpreter did not come, or none was found
INTERPRETER_CANCELLED = "INTERPRETER_CANCELLED"

"""Billable time and cost of a booking by the interpreter centre's rules.

Rules (typical of Finnish interpreter centres' price lists): the interpreter's minimum billing applies,
time beyond it is billed in started blocks (half-hours by default); a client no-show and a late
cancellation are billed as booked; an interpreter no-show, a cancellation in time, and anything not yet
held cost nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from polku.interpreting.models import BookingStatus, CentreTerms, Interpreter

DEFAULT_MINIMUM_MINUTES = 60
DEFAULT_INCREMENT_MINUTES = 30
DEFAULT_RATE = Decimal("60.00")
CENTS = Decimal("0.01")


@dataclass(frozen=True)
class Tariff:
    hourly_rate: Decimal
    minimum_minutes: int
    increment_minutes: int


def tariff_for(interpreter: Interpreter) -> Tariff:
    """The interpreter's own rate and minimum where set, else the centre's terms, else the defaults."""
    terms: CentreTerms | None = None
    if interpreter.centre_id:
        terms = CentreTerms.objects.filter(centre_id=interpreter.centre_id).first()
    rate = interpreter.hourly_rate if interpreter.hourly_rate is not None else (
        terms.hourly_rate if terms else DEFAULT_RATE)
    minimum = interpreter.minimum_minutes if interpreter.minimum_minutes is not None else (
        terms.minimum_minutes if terms else DEFAULT_MINIMUM_MINUTES)
    increment = terms.increment_minutes if terms else DEFAULT_INCREMENT_MINUTES
    return Tariff(hourly_rate=Decimal(rate), minimum_minutes=minimum, increment_minutes=increment)


def billable_minutes(*, status: str, booked_minutes: int, actual_minutes: int | None, tariff: Tariff) -> int:
    """Minutes to bill: the minimum, then started increments; zero when nothing is billable."""
    if status == BookingStatus.HELD:
        used = max(actual_minutes or booked_minutes, 1)
    elif status in (BookingStatus.CLIENT_NO_SHOW, BookingStatus.LATE_CANCELLATION):
        used = booked_minutes
    else:
        return 0
    minutes = max(used, tariff.minimum_minutes)
    increment = tariff.increment_minutes
    return -(-minutes // increment) * increment  # started blocks: ceil to the increment


def cost_of(minutes: int, tariff: Tariff) -> Decimal:
    """Price of the billable minutes, to the cent."""
    return (tariff.hourly_rate * minutes / 60).quantize(CENTS, rounding=ROUND_HALF_UP)

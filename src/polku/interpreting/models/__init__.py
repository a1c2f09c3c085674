"""Interpreting models: interpreters, bookings, outbox and calendar messages, purchases, compensable costs."""

from polku.interpreting.models.bookings import (
    FINAL_STATUSES,
    OCCUPYING_STATUSES,
    OPEN_STATUSES,
    OUTCOME_STATUSES,
    AssignmentProposal,
    Booking,
    BookingStatus,
    BookingStatusChange,
    GenderWish,
)
from polku.interpreting.models.compensation import CompensableCost, CompensableCostKind
from polku.interpreting.models.interpreters import (
    Absence,
    Availability,
    CentreTerms,
    Interpreter,
    InterpreterGender,
    InterpreterLanguage,
    InterpretingMode,
    Qualification,
)
from polku.interpreting.models.outbox import CalendarIssue, CalendarMethod, MessageKind, OutboxMessage, RecipientKind
from polku.interpreting.models.purchases import (
    DeliveredHours,
    OrderStatus,
    PurchaseAgreement,
    SupportKind,
    SupportOrder,
    SupportWorker,
)

__all__ = [
    "FINAL_STATUSES", "OCCUPYING_STATUSES", "OPEN_STATUSES", "OUTCOME_STATUSES", "Absence", "AssignmentProposal",
    "Availability", "Booking", "BookingStatus", "BookingStatusChange", "CalendarIssue", "CalendarMethod",
    "CentreTerms", "CompensableCost", "CompensableCostKind", "DeliveredHours", "GenderWish", "Interpreter",
    "InterpreterGender", "InterpreterLanguage", "InterpretingMode", "MessageKind", "OrderStatus", "OutboxMessage",
    "PurchaseAgreement", "Qualification", "RecipientKind", "SupportKind", "SupportOrder", "SupportWorker",
]

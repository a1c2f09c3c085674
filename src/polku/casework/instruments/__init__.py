"""Screening instruments (PHQ-9, GAD-7, PCL-5, RHS-15/RHS-13, PROTECT): definitions and scoring."""

from polku.casework.instruments.engine import (
    AnswerOption,
    Band,
    Instrument,
    InstrumentError,
    Item,
    Rule,
    ScoreResult,
    ScoringError,
    has_item_texts,
    import_licensed_texts,
    list_instruments,
    load_instrument,
    parse_instrument,
    score,
    text_for,
)

__all__ = [
    "AnswerOption",
    "Band",
    "Instrument",
    "InstrumentError",
    "Item",
    "Rule",
    "ScoreResult",
    "ScoringError",
    "has_item_texts",
    "import_licensed_texts",
    "list_instruments",
    "load_instrument",
    "parse_instrument",
    "score",
    "text_for",
]

"""Confirmation letters in the client's language, from the reviewable table in data/letters.json.

The table, not gettext: the client languages are not UI languages, and professional translators review
one file per language more easily than .po catalogues. Right-to-left languages render with dir="rtl".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone

from polku.interpreting.models import Booking, InterpretingMode

TABLE_PATH = Path(__file__).resolve().parent / "data" / "letters.json"
FALLBACK_LANGUAGE = "en"
KINDS = ("confirmation", "change", "cancellation", "reminder")


@lru_cache(maxsize=1)
def table() -> dict:
    """The translation table, loaded once."""
    return json.loads(TABLE_PATH.read_text(encoding="utf-8"))


def supported_languages() -> list[str]:
    """Codes of the languages a letter can be written in."""
    return list(table()["languages"])


def letter_language(code: str) -> str:
    """The letter language for a client's language: itself when the table has it, else English."""
    return code if code in table()["languages"] else FALLBACK_LANGUAGE


@dataclass(frozen=True)
class Letter:
    language: str
    direction: str
    subject: str
    text: str
    html: str


def letter_context(booking: Booking, *, language: str, kind: str, show_client_name: bool = True) -> dict:
    """Everything the letter says: date, weekday, time, duration, place or link, whom to ask for, interpreter."""
    if kind not in KINDS:
        raise ValueError(f"unknown letter kind {kind!r}")
    entry = table()["languages"][letter_language(language)]
    strings = entry["strings"]
    local_start = timezone.localtime(booking.starts_at)
    # The client's appointment is the meeting itself; the double time is the interpreter's booking.
    local_end = timezone.localtime(booking.starts_at + timedelta(minutes=booking.meeting_minutes))
    interpreter_name = ""
    # Names are exchanged only when the client agreed (the same consent that lets the interpreter hear the
    # client's name for a conflict-of-interest check); otherwise the letter promises "a professional interpreter".
    if booking.share_client_name and booking.interpreter_id and booking.status not in ("requested", "declined"):
        interpreter_name = booking.interpreter.name
    booked_language = table()["languages"].get(booking.language, {}).get("endonym", booking.language)
    rows = [
        (strings["label_date"], f"{entry['weekdays'][local_start.weekday()]} {local_start:%d.%m.%Y}"),
        (strings["label_time"], f"{local_start:%H:%M}–{local_end:%H:%M}"),
        (strings["label_duration"], strings["minutes"].replace("{n}", str(booking.meeting_minutes))),
    ]
    if booking.mode == InterpretingMode.ON_SITE:
        rows.append((strings["label_place"], booking.address))
    elif booking.mode == InterpretingMode.PHONE:
        rows.append((strings["label_phone"], booking.remote_details))
    else:
        rows.append((strings["label_video"], booking.remote_details))
    if booking.contact_person:
        rows.append((strings["label_ask_for"], booking.contact_person))
    rows.append((strings["label_language"], booked_language))
    rows.append((strings["label_interpreter"], interpreter_name or strings["interpreter_unnamed"]))
    rows.append((strings["label_reference"], booking.reference))
    name = booking.client.display_name if show_client_name else ""
    return {"lang": letter_language(language), "dir": entry["dir"], "subject": strings[f"subject_{kind}"],
            "greeting": strings["greeting"], "name": name, "intro": strings[f"intro_{kind}"], "rows": rows,
            "closing": strings["closing"], "kind": kind, "booking": booking}


def render_letter(booking: Booking, *, language: str | None = None, kind: str = "confirmation") -> Letter:
    """The letter as HTML (a fragment with lang and dir on its root) and as plain text."""
    context = letter_context(booking, language=language or booking.client.preferred_language, kind=kind)
    html = render_to_string("interpreting/letter_body.html", context)
    lines = [context["subject"], "", f"{context['greeting']} {context['name']}".strip() + ",", context["intro"], ""]
    lines += [f"{label}: {value}" for label, value in context["rows"]]
    lines += ["", context["closing"]]
    text = "\n".join(lines)
    if context["dir"] == "rtl":
        # Plain-text readers lay out bidirectional text by the first strong character; the RLM mark makes each
        # line start right-to-left even when it begins with a number or a Latin address.
        text = "\n".join(f"\u200f{line}" if line else line for line in lines)
    return Letter(language=context["lang"], direction=context["dir"], subject=context["subject"], text=text,
                  html=html)

"""Filling a page's form as a browser would, for the load scenario. Kept apart from the locustfile, which
imports locust (and with it gevent's patching of the standard library), so that tests can check it."""

from __future__ import annotations

from datetime import date

import lxml.html

# What the load users type into the directory search (inflected and compound Finnish, a place, a language).
SEARCH_WORDS = ["masennus", "tulkille", "lapsiperheille", "traumaterapiaan", "päihdeongelmiin", "kriisiapu",
                "arabiaksi", "Tampere", "vertaistuki", "nuorille"]


def form_data(html: str, *, action_contains: str = "", overrides: dict | None = None) -> dict:
    """The values a browser would submit from the page's main POST form, with our answers filled in."""
    document = lxml.html.fromstring(html)
    forms = [f for f in document.forms if (f.method or "").lower() == "post"
             and "i18n" not in (f.action or "") and "kirjaudu-ulos" not in (f.action or "")
             and action_contains in (f.action or "")]
    form = forms[-1]
    data: dict[str, object] = dict(form.form_values())
    for select in form.xpath(".//select"):
        name = select.get("name")
        # A required select left at "choose…" gets the first real option, as a user would pick one; an optional
        # one (a named interpreter, say) stays empty.
        if name and not data.get(name) and select.get("required") is not None:
            options = [o.get("value") for o in select.xpath(".//option") if o.get("value")]
            if options:
                data[name] = options[0]
    for name, value in (overrides or {}).items():
        data[name] = value
    return data


def meeting_data(html: str, *, held_on: date) -> dict:
    """A held meeting recorded afterwards, with the pair of workers that the form offers: always a valid first
    meeting."""
    document = lxml.html.fromstring(html)
    participants = [box.get("value") for box in document.xpath('//input[@name="participants"]')]
    data = form_data(html, overrides={"outcome": "held", "place": "office", "date": held_on.isoformat(),
                                      "start_time": "09:00", "end_time": "10:00"})
    data["participants"] = participants
    return data


def booking_data(html: str, *, day: date) -> dict:
    """An interpreter booked by phone for an hour on `day`."""
    return form_data(html, overrides={
        "date": day.isoformat(), "start_time": "13:00", "end_time": "14:00", "mode": "phone",
        "remote_details": "+358 40 123 4567", "address": "Yliopistonkatu 1, 2. krs",
        "contact_person": "Vastaanotto", "contact_phone": "+358 40 765 4321"})

"""Checks made when a booking is requested, before anything is written: can this request be met at all?"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from polku.casework.languages import language_name
from polku.core.errors import DomainError
from polku.interpreting.matching import ON_SITE, Candidate, Request, refusal, score
from polku.interpreting.models import Booking, Interpreter
from polku.interpreting.problem import build_candidates, interpreters_for, previous_interpreters, request_for

MAX_ALTERNATIVES = 3


def candidates_for(booking: Booking) -> tuple[Request, list[Candidate], dict[int, Interpreter]]:
    """The booking as a solver request and the centre's interpreters (with freelancers) as candidates."""
    interpreters = {i.pk: i for i in interpreters_for(centre_id=booking.centre_id)}
    day = timezone.localdate(booking.starts_at)
    candidates = build_candidates(interpreters.values(), first_day=day, last_day=day,
                                  exclude_booking_ids=[booking.pk] if booking.pk else [])
    previous = previous_interpreters([booking.client_id], before=booking.starts_at).get(booking.client_id)
    request = request_for(booking, previous=previous, refused=[])
    return request, candidates, interpreters


def ranked_alternatives(request: Request, candidates: Sequence[Candidate], interpreters: dict[int, Interpreter],
                        *, exclude: int | None = None) -> list[Interpreter]:
    """Interpreters who pass every hard rule for the request, best match first."""
    fitting = [c for c in candidates if c.id != exclude and refusal(request, c) is None]
    fitting.sort(key=lambda c: (-score(request, c), c.id))
    return [interpreters[c.id] for c in fitting]


def check_request(booking: Booking, *, refused: Sequence[Interpreter], accept_alternatives: bool) -> None:
    """Refuse a request that cannot be met, with a message that says what to do instead."""
    request, candidates, interpreters = candidates_for(booking)
    request = replace(request, refused=frozenset(i.pk for i in refused))
    name = language_name(booking.language)
    speaking = [c for c in candidates if c.qualification(request.language, request.dialect) is not None]
    if not speaking:
        raise DomainError("no_interpreter_for_language",
                          _("No interpreter of this centre works in %(language)s%(dialect)s. Ask the centre about "
                            "another centre or a related language.") % {
                              "language": name, "dialect": f" ({booking.dialect})" if booking.dialect else ""},
                          field="language")
    if request.mode == ON_SITE:
        local = [c for c in speaking if ON_SITE in c.modes and (request.area is None or request.area in c.areas)]
        if not local:
            remote = sorted({mode for c in speaking for mode in c.modes} - {ON_SITE})
            raise DomainError(
                "no_interpreter_in_area",
                _("No interpreter of %(language)s works on site in this area. Book the interpreting by phone or "
                  "video instead.") % {"language": name},
                field="mode", params={"remote_modes": remote})
    without_refusals = replace(request, refused=frozenset())
    fit_apart_from_refusal = [c for c in speaking if refusal(without_refusals, c) is None]
    if fit_apart_from_refusal and all(c.id in request.refused for c in fit_apart_from_refusal):
        raise DomainError(
            "all_interpreters_refused",
            _("The client refuses every interpreter who is free at this time. Talk with the client about it, "
              "choose another time, or book by phone or video from another area."),
            field="refused_interpreters", params={"refused": sorted(c.id for c in fit_apart_from_refusal)})
    named = booking.preferred_interpreter
    if named is not None and not accept_alternatives:
        named_candidate = next((c for c in candidates if c.id == named.pk), None)
        reason = "not_in_centre" if named_candidate is None else refusal(request, named_candidate)
        if reason is not None:
            alternatives = ranked_alternatives(request, candidates, interpreters, exclude=named.pk)[:MAX_ALTERNATIVES]
            names = ", ".join(i.name for i in alternatives)
            message = (_("%(name)s is not free at this time. Free interpreters: %(alternatives)s. Choose one, or "
                         "accept any suitable interpreter.") % {"name": named.name, "alternatives": names}
                       if alternatives else
                       _("%(name)s is not free at this time, and no other interpreter is either. Choose another "
                         "time.") % {"name": named.name})
            raise DomainError("preferred_interpreter_unavailable", message, field="preferred_interpreter",
                              params={"reason": reason, "alternatives": [i.pk for i in alternatives]})

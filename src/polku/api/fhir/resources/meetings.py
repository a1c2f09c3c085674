"""Appointment (meetings, and interpreter bookings without a meeting) and Encounter (held meetings)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils.translation import gettext as _

from polku.api.fhir.outcome import FhirError
from polku.api.fhir.resources.base import (
    SD,
    ResourceType,
    SearchResult,
    aware_datetime,
    client_for_write,
    client_scope,
    codeable,
    drop_empty,
    instant,
    not_found,
    ref,
    register,
)
from polku.api.fhir.search import Params, date_filter, int_id, reference_id, token_codes
from polku.casework.models import (
    Meeting,
    MeetingOutcome,
    MeetingPlace,
    ParticipantKind,
)
from polku.casework.models.meeting import DEFAULT_MEETING_MINUTES
from polku.casework.selectors.meetings import get_meeting
from polku.casework.services.meetings import plan_meeting
from polku.core.errors import AccessDenied
from polku.core.models import User
from polku.interpreting.models import Booking
from polku.interpreting.models.bookings import BookingStatus
from polku.interpreting.selectors import get_booking_for_worker

PARTICIPATION = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
MEETING_PLACE_URL = f"{SD}/meeting-place"
INTERPRETER_LANGUAGE_URL = f"{SD}/interpreter-language"
BOOKING_STATUS_URL = f"{SD}/interpreter-booking-status"

MEETING_STATUS = {MeetingOutcome.PLANNED: "booked", MeetingOutcome.HELD: "fulfilled",
                  MeetingOutcome.CLIENT_NO_SHOW: "noshow", MeetingOutcome.CANCELLED_BY_CLIENT: "cancelled",
                  MeetingOutcome.CANCELLED_BY_WORKER: "cancelled", MeetingOutcome.INTERPRETER_NO_SHOW: "cancelled"}
BOOKING_APPOINTMENT_STATUS = {
    BookingStatus.REQUESTED: "pending", BookingStatus.ASSIGNED: "pending", BookingStatus.DECLINED: "pending",
    BookingStatus.ACCEPTED: "booked", BookingStatus.CONFIRMED: "booked", BookingStatus.HELD: "fulfilled",
    BookingStatus.CLIENT_NO_SHOW: "noshow", BookingStatus.INTERPRETER_NO_SHOW: "cancelled",
    BookingStatus.LATE_CANCELLATION: "cancelled", BookingStatus.CANCELLED: "cancelled"}
# The interpreter's own answer, as an Appointment participant status.
INTERPRETER_STATUS = {
    BookingStatus.REQUESTED: "needs-action", BookingStatus.DECLINED: "needs-action",
    BookingStatus.ASSIGNED: "tentative", BookingStatus.ACCEPTED: "accepted", BookingStatus.CONFIRMED: "accepted",
    BookingStatus.HELD: "accepted", BookingStatus.CLIENT_NO_SHOW: "accepted",
    BookingStatus.INTERPRETER_NO_SHOW: "declined", BookingStatus.LATE_CANCELLATION: "declined",
    BookingStatus.CANCELLED: "declined"}
APPOINTMENT_STATUSES = {"proposed", "pending", "booked", "arrived", "fulfilled", "cancelled", "noshow",
                        "entered-in-error", "checked-in", "waitlist"}
ENCOUNTER_CLASS = {MeetingPlace.HOME: ("HH", "home health"), MeetingPlace.PHONE: ("VR", "virtual"),
                   MeetingPlace.VIDEO: ("VR", "virtual")}


def _participation(code: str) -> list[dict[str, Any]]:
    return [codeable(PARTICIPATION, code)]


def _interpreter_participant(*, status: str, language: str, name: str = "", booking: Booking | None = None,
                             ) -> dict[str, Any]:
    extension = [{"url": INTERPRETER_LANGUAGE_URL, "valueCode": language}] if language else []
    if booking is not None:
        extension.append({"url": BOOKING_STATUS_URL, "valueCode": booking.status})
    return drop_empty({"extension": extension, "type": _participation("INTP"),
                       "actor": {"display": name} if name else None, "required": "required", "status": status})


def _meeting_interpreter(meeting: Meeting) -> dict[str, Any] | None:
    bookings = [b for b in meeting.interpreter_bookings.all() if b.status != BookingStatus.CANCELLED]
    booking = max(bookings, key=lambda b: b.pk) if bookings else None
    if booking is not None:
        name = booking.interpreter.name if booking.interpreter_id else ""
        return _interpreter_participant(status=INTERPRETER_STATUS[booking.status], language=booking.language,
                                        name=name, booking=booking)
    if meeting.interpreter_used:
        return _interpreter_participant(status="accepted", language=meeting.interpreter_language,
                                        name=meeting.interpreter_name)
    if meeting.interpreter_language:
        return _interpreter_participant(status="needs-action", language=meeting.interpreter_language)
    return None


def _meeting_end(meeting: Meeting) -> datetime:
    return meeting.starts_at + timedelta(minutes=meeting.actual_minutes or meeting.planned_minutes)


def appointment_of_meeting(meeting: Meeting) -> dict[str, Any]:
    participants: list[dict[str, Any]] = [{"actor": ref("Patient", meeting.client_id), "required": "required",
                                           "status": "accepted"}]
    for person in meeting.participants.all():
        if person.kind == ParticipantKind.WORKER:
            participants.append({"type": _participation("PART"), "actor": ref("Practitioner", person.worker_id),
                                 "required": "required", "status": "accepted"})
        elif person.kind in (ParticipantKind.FAMILY, ParticipantKind.PARTNER) and person.description:
            participants.append({"type": _participation("ESC" if person.kind == ParticipantKind.FAMILY else "CON"),
                                 "actor": {"display": person.description}, "required": "optional",
                                 "status": "accepted"})
    interpreter = _meeting_interpreter(meeting)
    if interpreter is not None:
        participants.append(interpreter)
    minutes = meeting.actual_minutes or meeting.planned_minutes
    return drop_empty({
        "resourceType": "Appointment", "id": f"meeting-{meeting.pk}",
        "extension": [{"url": MEETING_PLACE_URL, "valueCode": meeting.place}],
        "status": MEETING_STATUS[meeting.outcome],
        "cancelationReason": {"text": meeting.get_outcome_display()} if MEETING_STATUS[meeting.outcome] == "cancelled"
        else None,
        "description": meeting.get_place_display(),
        "start": instant(meeting.starts_at), "end": instant(meeting.starts_at + timedelta(minutes=minutes)),
        "minutesDuration": minutes, "created": meeting.created_at.date().isoformat(),
        "comment": meeting.place_detail, "participant": participants,
    })


def appointment_of_booking(booking: Booking) -> dict[str, Any]:
    """An interpreter booking that no Polku meeting carries (e.g. a meeting elsewhere)."""
    name = booking.interpreter.name if booking.interpreter_id else ""
    participants = [{"actor": ref("Patient", booking.client_id), "required": "required", "status": "accepted"},
                    {"type": _participation("PART"), "actor": ref("Practitioner", booking.requested_by_id),
                     "required": "required", "status": "accepted"},
                    _interpreter_participant(status=INTERPRETER_STATUS[booking.status], language=booking.language,
                                             name=name, booking=booking)]
    status = BOOKING_APPOINTMENT_STATUS[booking.status]
    return drop_empty({
        "resourceType": "Appointment", "id": f"booking-{booking.pk}", "status": status,
        "cancelationReason": {"text": booking.cancel_reason or booking.get_status_display()}
        if status == "cancelled" else None,
        "description": f"{booking.reference} ({booking.get_mode_display()})",
        "start": instant(booking.starts_at), "end": instant(booking.ends_at),
        "minutesDuration": booking.minutes, "created": booking.created_at.date().isoformat(),
        "participant": participants,
    })


def _meetings():
    return Meeting.objects.prefetch_related("participants", "interpreter_bookings__interpreter")


def _appointment_sort_key(row: Meeting | Booking) -> tuple:
    return (row.starts_at, 0 if isinstance(row, Meeting) else 1, row.pk)


@register
class AppointmentType(ResourceType):
    name = "Appointment"
    creatable = True
    field_elements = {"starts_at": "Appointment.start", "planned_minutes": "Appointment.minutesDuration",
                      "place": "Appointment.extension", "place_detail": "Appointment.comment",
                      "participants": "Appointment.participant",
                      "interpreter_language": "Appointment.participant.extension"}
    search_params = {"_id": "token", "patient": "reference", "date": "date", "status": "token",
                     "practitioner": "reference"}

    def read(self, *, viewer: User, ident: str) -> dict[str, Any]:
        kind, _sep, number = ident.partition("-")
        if kind not in ("meeting", "booking") or not number.isdigit() or len(number) > 18:
            raise not_found(self.name, ident)
        try:
            if kind == "booking":
                return appointment_of_booking(get_booking_for_worker(viewer=viewer, booking_id=int(number)))
            client_id = Meeting.objects.filter(pk=int(number)).values_list("client_id", flat=True).first()
            if client_id is None:
                raise not_found(self.name, ident)
            get_meeting(viewer=viewer, client_id=client_id, meeting_id=int(number))
        except AccessDenied:
            raise not_found(self.name, ident) from None
        return appointment_of_meeting(_meetings().get(pk=int(number)))

    def search(self, *, viewer: User, params: Params) -> SearchResult:
        scope = client_scope(viewer=viewer, params=params, object_type="fhir_appointment_search")
        meetings = scope.apply(_meetings())
        bookings = scope.apply(Booking.objects.filter(meeting__isnull=True).select_related("interpreter"))
        if params.get("_id"):
            wanted = params.get("_id").split(",")
            meetings = meetings.filter(pk__in=[int_id("_id", v, "meeting-") for v in wanted
                                               if not v.startswith("booking-")])
            bookings = bookings.filter(pk__in=[int_id("_id", v, "booking-") for v in wanted
                                               if v.startswith("booking-")])
        if params.all("date"):
            meetings = meetings.filter(date_filter("date", params.all("date"), "starts_at"))
            bookings = bookings.filter(date_filter("date", params.all("date"), "starts_at"))
        if params.get("status"):
            codes = token_codes("status", params.get("status"), APPOINTMENT_STATUSES)
            meetings = meetings.filter(outcome__in=[k for k, v in MEETING_STATUS.items() if v in codes])
            bookings = bookings.filter(status__in=[k for k, v in BOOKING_APPOINTMENT_STATUS.items() if v in codes])
        for value in params.all("practitioner"):
            worker = int_id("practitioner", reference_id("practitioner", value, "Practitioner"))
            meetings = meetings.filter(participants__worker_id=worker)
            bookings = bookings.filter(requested_by_id=worker)
        # Two sources in one time line: a client's (or a worker's clients') appointments, bounded in number.
        rows = sorted([*meetings.distinct(), *bookings], key=_appointment_sort_key)
        return SearchResult(rows=rows, to_fhir=_appointment, client_of=scope.client_of(lambda row: row.client_id))

    def create(self, *, viewer: User, resource: dict[str, Any]) -> dict[str, Any]:
        return appointment_of_meeting(_meetings().get(pk=request_meeting(viewer=viewer, resource=resource).pk))


def _appointment(row: Meeting | Booking) -> dict[str, Any]:
    return appointment_of_meeting(row) if isinstance(row, Meeting) else appointment_of_booking(row)


def _invalid(element: str, message: str) -> FhirError:
    return FhirError(422, "invalid", message, expression=[element])


def request_meeting(*, viewer: User, resource: dict[str, Any]) -> Meeting:
    """A posted Appointment (status proposed, pending or booked) becomes a planned meeting through plan_meeting."""
    if resource.get("status") not in ("proposed", "pending", "booked"):
        raise _invalid("Appointment.status", _("A new appointment has the status proposed, pending or booked."))
    starts_at = aware_datetime(resource, "start", required=True)
    minutes = resource.get("minutesDuration")
    ends_at = aware_datetime(resource, "end")
    if minutes is None and ends_at is not None:
        minutes = int((ends_at - starts_at).total_seconds() // 60)
    patients = [p for p in resource.get("participant", []) if str((p.get("actor") or {}).get("reference", ""))
                .startswith("Patient/")]
    if len(patients) != 1:
        raise _invalid("Appointment.participant", _("Name exactly one Patient participant (the client)."))
    client = client_for_write(resource=patients[0], element="actor")
    worker_ids = []
    interpreter_language = ""
    for index, person in enumerate(resource.get("participant", [])):
        reference = str((person.get("actor") or {}).get("reference", ""))
        codes = {c.get("code") for t in person.get("type") or [] for c in t.get("coding") or []}
        if "INTP" in codes:
            interpreter_language = _extension_code(person, INTERPRETER_LANGUAGE_URL) or client.interpreter_language \
                or client.preferred_language
        elif reference.startswith("Practitioner/"):
            ident = reference.split("/", 1)[1]
            if not ident.isdigit():
                raise _invalid(f"Appointment.participant[{index}].actor", _("%(reference)s is not a worker of "
                                                                            "Polku.") % {"reference": reference})
            worker_ids.append(int(ident))
    workers = list(User.objects.filter(pk__in=worker_ids)) if worker_ids else [viewer]
    if len(workers) != len(set(worker_ids)) and worker_ids:
        raise _invalid("Appointment.participant", _("A Practitioner participant is not a worker of Polku."))
    place = _extension_code(resource, MEETING_PLACE_URL) or MeetingPlace.OFFICE
    return plan_meeting(actor=viewer, client=client, starts_at=starts_at,
                        planned_minutes=DEFAULT_MEETING_MINUTES if minutes is None else minutes, place=place,
                        place_detail=str(resource.get("comment") or ""), participants=workers,
                        interpreter_language=interpreter_language)


def _extension_code(element: dict[str, Any], url: str) -> str:
    for extension in element.get("extension") or []:
        if extension.get("url") == url:
            return str(extension.get("valueCode") or "")
    return ""


def encounter(meeting: Meeting) -> dict[str, Any]:
    code, display = ENCOUNTER_CLASS.get(meeting.place, ("AMB", "ambulatory"))
    participants = [{"type": _participation("PART"), "individual": ref("Practitioner", person.worker_id)}
                    for person in meeting.participants.all() if person.kind == ParticipantKind.WORKER]
    if meeting.interpreter_used:
        participants.append(drop_empty({"type": _participation("INTP"),
                                        "individual": {"display": meeting.interpreter_name}
                                        if meeting.interpreter_name else None}))
    return drop_empty({
        "resourceType": "Encounter", "id": f"meeting-{meeting.pk}", "status": "finished",
        "class": {"system": ACT_CODE, "code": code, "display": display},
        "subject": ref("Patient", meeting.client_id), "participant": participants,
        "appointment": [ref("Appointment", f"meeting-{meeting.pk}")],
        "period": {"start": instant(meeting.starts_at), "end": instant(_meeting_end(meeting))},
        "length": {"value": meeting.actual_minutes, "unit": "min", "system": "http://unitsofmeasure.org",
                   "code": "min"},
        "serviceProvider": ref("Organization", meeting.client.organisation_id),
        "extension": [{"url": INTERPRETER_LANGUAGE_URL, "valueCode": meeting.interpreter_language}]
        if meeting.interpreter_used else [],
    })


@register
class EncounterType(ResourceType):
    name = "Encounter"
    search_params = {"_id": "token", "patient": "reference", "date": "date", "status": "token"}

    def _held(self):
        return (Meeting.objects.filter(outcome=MeetingOutcome.HELD).select_related("client")
                .prefetch_related("participants").order_by("starts_at", "pk"))

    def read(self, *, viewer: User, ident: str) -> dict[str, Any]:
        number = ident.removeprefix("meeting-")
        if not ident.startswith("meeting-") or not number.isdigit() or len(number) > 18:
            raise not_found(self.name, ident)
        client_id = self._held().filter(pk=int(number)).values_list("client_id", flat=True).first()
        if client_id is None:
            raise not_found(self.name, ident)
        try:
            get_meeting(viewer=viewer, client_id=client_id, meeting_id=int(number))
        except AccessDenied:
            raise not_found(self.name, ident) from None
        return encounter(self._held().get(pk=int(number)))

    def search(self, *, viewer: User, params: Params) -> SearchResult:
        scope = client_scope(viewer=viewer, params=params, object_type="fhir_encounter_search")
        rows = scope.apply(self._held())
        if params.get("_id"):
            rows = rows.filter(pk__in=[int_id("_id", v, "meeting-") for v in params.get("_id").split(",")])
        if params.all("date"):
            rows = rows.filter(date_filter("date", params.all("date"), "starts_at"))
        if params.get("status") and "finished" not in token_codes(
                "status", params.get("status"), {"planned", "arrived", "triaged", "in-progress", "onleave",
                                                 "finished", "cancelled", "entered-in-error", "unknown"}):
            rows = rows.none()
        return SearchResult(rows=rows, to_fhir=encounter, client_of=scope.client_of(lambda row: row.client_id))

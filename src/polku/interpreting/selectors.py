"""Reads of bookings. Workers go through the access core; dispatchers and interpreters see bookings
without clinical content (the booking holds none) and the client's name only when the client allowed it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import QuerySet
from django.utils import timezone

from polku.casework.selectors import get_client
from polku.core import access
from polku.core.errors import AccessDenied
from polku.core.models import AccessBasis, User
from polku.interpreting.models import FINAL_STATUSES, AssignmentProposal, Booking, BookingStatus, Interpreter
from polku.interpreting.permissions import is_dispatcher_of, require_dispatcher, require_interpreter
from polku.interpreting.services.feasibility import candidates_for, ranked_alternatives

DISPATCH_FIELDS = ("id", "uid", "client_id", "centre_id", "language", "dialect", "mode", "starts_at", "ends_at",
                   "meeting_minutes", "double_time", "mental_health", "address", "remote_details", "contact_person",
                   "contact_phone", "gender_wish", "share_client_name", "interpreter_id", "status", "version",
                   "preferred_interpreter_id", "area_id", "organisation_id", "requested_by_id", "cancel_reason")


@dataclass(frozen=True)
class DispatchRow:
    """What a dispatcher sees of one booking: logistics only; the client's name only with consent."""

    booking: Booking
    client_label: str


def _client_label(booking: Booking) -> str:
    if booking.share_client_name:
        return booking.client.display_name
    return booking.reference


def list_dispatch_queue(*, viewer: User, status: str = "", day: date | None = None) -> list[DispatchRow]:
    """The viewer's centre's bookings, open ones first by time; logged as an administrative list read."""
    if not is_dispatcher_of(viewer, viewer.organisation_id):
        raise AccessDenied("not_dispatcher", "Only a dispatcher of an interpreter centre sees the queue.")
    rows = (Booking.objects.filter(centre_id=viewer.organisation_id)
            .select_related("interpreter", "client", "organisation", "area").only(
                *DISPATCH_FIELDS, "interpreter__name", "client__given_names_latin", "client__family_name_latin",
                "organisation__name", "area__code", "area__short_name_fi"))
    rows = rows.filter(status=status) if status else rows.exclude(status__in=FINAL_STATUSES)
    if day is not None:
        rows = rows.filter(starts_at__date=day)
    rows = list(rows.order_by("starts_at", "id")[:500])
    access.log_list_read(actor=viewer, client_ids=sorted({b.client_id for b in rows}),
                         object_type="interpreter_booking", basis=AccessBasis.ADMINISTRATIVE)
    return [DispatchRow(booking=b, client_label=_client_label(b)) for b in rows]


def get_booking_for_dispatcher(*, viewer: User, booking_id: int) -> DispatchRow:
    """One booking of the viewer's centre (logged); AccessDenied otherwise."""
    booking = (Booking.objects.select_related("interpreter", "client", "organisation", "area", "preferred_interpreter")
               .only(*DISPATCH_FIELDS, "interpreter__name", "client__given_names_latin", "client__family_name_latin",
                     "organisation__name", "area__code", "area__short_name_fi", "preferred_interpreter__name")
               .filter(pk=booking_id).first())
    if booking is None:
        raise AccessDenied("booking_not_found", "No such booking.")
    require_dispatcher(actor=viewer, booking=booking)
    return DispatchRow(booking=booking, client_label=_client_label(booking))


def suggest_interpreters(*, viewer: User, booking: Booking) -> list[Interpreter]:
    """Interpreters who pass every hard rule for the booking, best match first (continuity, wishes, cost)."""
    require_dispatcher(actor=viewer, booking=booking)
    request, candidates, interpreters = candidates_for(Booking.objects.select_related("area").get(pk=booking.pk))
    refused = set(booking.refused_interpreters.values_list("pk", flat=True))
    from dataclasses import replace

    from polku.interpreting.problem import declined_by

    request = replace(request, refused=frozenset(refused), declined=frozenset(declined_by([booking.pk])[booking.pk]))
    return ranked_alternatives(request, candidates, interpreters)


def list_proposals(*, viewer: User, batch) -> QuerySet[AssignmentProposal]:
    """The proposals of one solver run of the viewer's, for review."""
    return (AssignmentProposal.objects.filter(batch=batch, created_by=viewer)
            .select_related("booking", "interpreter").order_by("booking__starts_at", "id"))


def list_client_bookings(*, viewer: User, client_id: int) -> tuple[object, list[Booking]]:
    """A client's bookings with their status, for the care team (through the access core)."""
    client = get_client(viewer=viewer, client_id=client_id)
    bookings = list(Booking.objects.filter(client=client).select_related("interpreter", "centre")
                    .order_by("-starts_at")[:100])
    return client, bookings


def list_worker_bookings(*, viewer: User) -> list[Booking]:
    """Upcoming and open bookings of the viewer's clients (care relationship), logged as a list read."""
    from polku.casework.selectors import visible_clients

    rows = list(Booking.objects.filter(client__in=visible_clients(viewer=viewer))
                .exclude(status__in=FINAL_STATUSES).select_related("client", "interpreter").order_by("starts_at")[:200])
    access.log_list_read(actor=viewer, client_ids=sorted({b.client_id for b in rows}),
                         object_type="interpreter_booking_list")
    return rows


def get_booking_for_worker(*, viewer: User, booking_id: int) -> Booking:
    """One booking for the client's care team; the access core decides and logs."""
    client_id = Booking.objects.filter(pk=booking_id).values_list("client_id", flat=True).first()
    if client_id is None:
        raise AccessDenied("booking_not_found", "No such booking.")
    get_client(viewer=viewer, client_id=client_id, object_type="interpreter_booking")
    return Booking.objects.select_related("client", "interpreter", "centre", "organisation", "requested_by",
                                          "area").get(pk=booking_id)


def list_my_assignments(*, viewer: User, since: datetime | None = None) -> list[DispatchRow]:
    """The interpreter's own assignments from today on (logged)."""
    profile = getattr(viewer, "interpreter_profile", None)
    if profile is None or not viewer.has_perm("core.interpret"):
        raise AccessDenied("not_interpreter", "Only interpreters have assignments.")
    since = since or timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    rows = list(Booking.objects.filter(interpreter=profile, starts_at__gte=since)
                .exclude(status=BookingStatus.CANCELLED).select_related("client", "area")
                .only(*DISPATCH_FIELDS, "client__given_names_latin", "client__family_name_latin", "area__code")
                .order_by("starts_at"))
    access.log_list_read(actor=viewer, client_ids=sorted({b.client_id for b in rows}),
                         object_type="interpreter_assignment", basis=AccessBasis.ADMINISTRATIVE)
    return [DispatchRow(booking=b, client_label=_client_label(b)) for b in rows]


def get_assignment(*, viewer: User, booking_id: int) -> Booking:
    """One assignment of the interpreter's own (logged)."""
    booking = Booking.objects.select_related("client").filter(pk=booking_id).first()
    if booking is None:
        raise AccessDenied("booking_not_found", "No such booking.")
    require_interpreter(actor=viewer, booking=booking)
    return booking

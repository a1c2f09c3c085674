"""Writes for meetings and work time (PPMM: the pair meets a new client together; time used is reported)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from polku.casework.models import (
    CareTeamMembership,
    CareTeamRole,
    Client,
    Meeting,
    MeetingOutcome,
    MeetingParticipant,
    MeetingPlace,
    ParticipantKind,
    PathEventKind,
    WorkActivity,
    WorkTime,
)
from polku.casework.models.meeting import DEFAULT_MEETING_MINUTES, MAX_MEETING_MINUTES
from polku.casework.services.path_events import record_path_event
from polku.core import access
from polku.core.errors import Conflict, DomainError
from polku.core.models import AccessAction, User

# Outcomes a worker records after the fact; PLANNED is only set by plan_meeting.
RECORDED_OUTCOMES = frozenset(MeetingOutcome.values) - {MeetingOutcome.PLANNED}
# Outcomes that can only be known once the start time has passed.
OUTCOMES_AFTER_START = frozenset({MeetingOutcome.HELD, MeetingOutcome.CLIENT_NO_SHOW,
                                  MeetingOutcome.INTERPRETER_NO_SHOW})
PATH_EVENT_OF_OUTCOME = {
    MeetingOutcome.HELD: PathEventKind.MEETING_HELD,
    MeetingOutcome.CLIENT_NO_SHOW: PathEventKind.MEETING_MISSED,
    MeetingOutcome.CANCELLED_BY_CLIENT: PathEventKind.MEETING_CANCELLED,
    MeetingOutcome.CANCELLED_BY_WORKER: PathEventKind.MEETING_CANCELLED,
    MeetingOutcome.INTERPRETER_NO_SHOW: PathEventKind.INTERPRETER_FAILED,
}
OTHER_WORK_ACTIVITIES = frozenset(WorkActivity.values) - {WorkActivity.MEETING}
PAIR_ROLES = frozenset({CareTeamRole.NURSE, CareTeamRole.SOCIAL_COUNSELLOR})


def validate_minutes(minutes: int | None, *, field: str) -> None:
    """A duration is 1–480 minutes: anything over 8 hours is a typing error, not a meeting."""
    if minutes is None or minutes < 1:
        raise DomainError("duration_required", _("Give a duration of at least one minute."), field=field)
    if minutes > MAX_MEETING_MINUTES:
        raise DomainError("duration_too_long",
                          _("A meeting or work entry lasts at most 8 hours (480 minutes)."), field=field)


def _validate_place(place: str) -> None:
    if place not in MeetingPlace.values:
        raise DomainError("invalid_place", _("Choose the place from the list."), field="place")


def _validate_text(value: str, *, field: str, max_length: int) -> str:
    value = (value or "").strip()
    if len(value) > max_length:
        raise DomainError("too_long", _("Write at most %(max)s characters.") % {"max": max_length}, field=field)
    return value


def _active_care_team(client: Client) -> dict[int, str]:
    """worker id -> care-team role for the client's active care team."""
    return dict(CareTeamMembership.objects.filter(client=client, ended_at__isnull=True)
                .values_list("worker_id", "role"))


def _validate_workers(workers: Sequence[User], team: dict[int, str]) -> list[User]:
    if not workers:
        raise DomainError("participants_required", _("Choose at least one worker who takes part."),
                          field="participants")
    outside = [worker for worker in workers if worker.pk not in team]
    if outside:
        raise DomainError("participant_not_in_care_team",
                          _("Only workers of the client's care team can be recorded as participants."),
                          field="participants")
    return list({worker.pk: worker for worker in workers}.values())


def _pair_took_part(workers: Sequence[User], team: dict[int, str]) -> bool:
    return PAIR_ROLES.issubset(team[worker.pk] for worker in workers)


def _add_participants(meeting: Meeting, *, workers: Sequence[User], family_members: Sequence[str] = (),
                      partner_professionals: Sequence[str] = (), interpreter_name: str = "") -> None:
    rows = [MeetingParticipant(meeting=meeting, kind=ParticipantKind.WORKER, worker=worker) for worker in workers]
    rows += [MeetingParticipant(meeting=meeting, kind=ParticipantKind.FAMILY, description=name)
             for name in family_members]
    rows += [MeetingParticipant(meeting=meeting, kind=ParticipantKind.PARTNER, description=name)
             for name in partner_professionals]
    if meeting.interpreter_used:
        rows.append(MeetingParticipant(meeting=meeting, kind=ParticipantKind.INTERPRETER,
                                       description=interpreter_name))
    MeetingParticipant.objects.bulk_create(rows)


def _clean_names(names: Sequence[str], *, field: str) -> list[str]:
    cleaned = [_validate_text(name, field=field, max_length=200) for name in names]
    return [name for name in cleaned if name]


def plan_meeting(*, actor: User, client: Client, starts_at: datetime, planned_minutes: int = DEFAULT_MEETING_MINUTES,
                 place: str, place_detail: str = "", participants: Sequence[User],
                 interpreter_language: str = "") -> Meeting:
    """Plan a future meeting with care-team workers; writes MEETING_PLANNED."""
    access.require_client_access(actor=actor, client_id=client.pk, action=AccessAction.WRITE, object_type="meeting")
    _validate_place(place)
    validate_minutes(planned_minutes, field="planned_minutes")
    place_detail = _validate_text(place_detail, field="place_detail", max_length=300)
    interpreter_language = _validate_text(interpreter_language, field="interpreter_language", max_length=8)
    if starts_at <= timezone.now():
        raise DomainError("planned_in_past",
                          _("A planned meeting starts in the future. Record a meeting that has already happened."),
                          field="starts_at")
    with transaction.atomic():
        workers = _validate_workers(participants, _active_care_team(client))
        meeting = Meeting.objects.create(
            client=client, starts_at=starts_at, planned_minutes=planned_minutes, place=place,
            place_detail=place_detail, outcome=MeetingOutcome.PLANNED, interpreter_language=interpreter_language,
            created_by=actor,
        )
        _add_participants(meeting, workers=workers)
        record_path_event(client=client, activity=PathEventKind.MEETING_PLANNED, actor=actor, subject=meeting,
                          attributes={"starts_at": starts_at.isoformat(), "place": place,
                                      "planned_minutes": planned_minutes,
                                      "interpreter_language": interpreter_language})
    return meeting


def record_meeting(*, actor: User, client: Client, meeting: Meeting | None = None, expected_version: int | None = None,
                   starts_at: datetime, actual_minutes: int | None, place: str, place_detail: str = "",
                   participants: Sequence[User], family_members: Sequence[str] = (),
                   partner_professionals: Sequence[str] = (), interpreter_used: bool = False,
                   interpreter_language: str = "", interpreter_name: str = "",
                   outcome: str = MeetingOutcome.HELD, pair_exception_reason: str = "") -> Meeting:
    """Record a meeting or the outcome of a planned one; the first held meeting needs the pair (or a reason)."""
    access.require_client_access(actor=actor, client_id=client.pk, action=AccessAction.WRITE, object_type="meeting",
                                 object_id=meeting.pk if meeting else "")
    if meeting is not None and meeting.client_id != client.pk:
        raise DomainError("meeting_of_other_client", _("This meeting belongs to another client."))
    if outcome not in RECORDED_OUTCOMES:
        raise DomainError("invalid_outcome", _("Choose what happened from the list."), field="outcome")
    _validate_place(place)
    if outcome == MeetingOutcome.HELD or actual_minutes is not None:
        validate_minutes(actual_minutes, field="actual_minutes")
    if outcome in OUTCOMES_AFTER_START and starts_at > timezone.now():
        raise DomainError("not_yet_started", _("This meeting has not started yet; its outcome cannot be recorded."),
                          field="starts_at")
    interpreter_language = _validate_text(interpreter_language, field="interpreter_language", max_length=8)
    if interpreter_used and not interpreter_language:
        raise DomainError("interpreter_language_required", _("Give the language that was interpreted."),
                          field="interpreter_language")
    fields = {
        "starts_at": starts_at, "actual_minutes": actual_minutes, "place": place,
        "place_detail": _validate_text(place_detail, field="place_detail", max_length=300),
        "outcome": outcome, "interpreter_used": interpreter_used, "interpreter_language": interpreter_language,
        "interpreter_name": _validate_text(interpreter_name, field="interpreter_name", max_length=200),
        "pair_exception_reason": _validate_text(pair_exception_reason, field="pair_exception_reason",
                                                max_length=500),
        "recorded_at": timezone.now(),
    }
    family_members = _clean_names(family_members, field="family_members")
    partner_professionals = _clean_names(partner_professionals, field="partner_professionals")
    with transaction.atomic():
        # Lock the client so two recordings at once cannot both count as "the first meeting".
        Client.objects.select_for_update().filter(pk=client.pk).first()
        team = _active_care_team(client)
        workers = _validate_workers(participants, team)
        earlier_held = Meeting.objects.filter(client=client, outcome=MeetingOutcome.HELD)
        if meeting is not None:
            earlier_held = earlier_held.exclude(pk=meeting.pk)
        is_first = outcome == MeetingOutcome.HELD and not earlier_held.exists()
        pair = _pair_took_part(workers, team)
        if is_first and not pair and not fields["pair_exception_reason"]:
            raise DomainError(
                "pair_required",
                _("The first meeting with a client is held by the care team's nurse and social counsellor "
                  "together. Choose both, or give the reason the pair did not meet together."),
                field="participants")
        fields["is_first_meeting"] = is_first
        meeting = _save_meeting(actor=actor, client=client, meeting=meeting, expected_version=expected_version,
                                fields=fields)
        _add_participants(meeting, workers=workers, family_members=family_members,
                          partner_professionals=partner_professionals, interpreter_name=fields["interpreter_name"])
        if actual_minutes is not None:
            WorkTime.objects.bulk_create(
                WorkTime(worker=worker, client=client, meeting=meeting, activity=WorkActivity.MEETING,
                         date=timezone.localdate(starts_at), minutes=actual_minutes) for worker in workers)
        record_path_event(
            client=client, activity=PATH_EVENT_OF_OUTCOME[outcome], actor=actor, subject=meeting,
            # A cancellation is known when it is recorded; the others happened at the meeting's start.
            at=timezone.now() if PATH_EVENT_OF_OUTCOME[outcome] == PathEventKind.MEETING_CANCELLED else starts_at,
            attributes={"outcome": outcome, "place": place, "minutes": actual_minutes,
                        "workers": len(workers), "pair": pair, "first_meeting": is_first,
                        "interpreter_used": interpreter_used, "interpreter_language": interpreter_language})
    return meeting


def _save_meeting(*, actor: User, client: Client, meeting: Meeting | None, expected_version: int | None,
                  fields: dict) -> Meeting:
    if meeting is None:
        return Meeting.objects.create(client=client, created_by=actor, **fields)
    expected = meeting.version if expected_version is None else expected_version
    # Optimistic locking: the UPDATE only matches the version the worker saw.
    updated = Meeting.objects.filter(pk=meeting.pk, version=expected, outcome=MeetingOutcome.PLANNED).update(
        version=F("version") + 1, **fields)
    current = Meeting.objects.get(pk=meeting.pk)
    if not updated:
        if current.version != expected:
            raise Conflict("meeting_conflict", _("Someone else changed this meeting first. Nothing was saved; "
                                                 "check the meeting and record it again."),
                           params={"version": current.version})
        raise DomainError("meeting_already_recorded", _("The outcome of this meeting has already been recorded."))
    current.participants.all().delete()
    return current


def update_meeting_details(*, actor: User, meeting: Meeting, expected_version: int, place: str, place_detail: str = "",
                           interpreter_used: bool, interpreter_language: str = "",
                           interpreter_name: str = "") -> Meeting:
    """Correct the place and interpreter details of a meeting; a stale version is a Conflict."""
    access.require_client_access(actor=actor, client_id=meeting.client_id, action=AccessAction.WRITE,
                                 object_type="meeting", object_id=meeting.pk)
    _validate_place(place)
    interpreter_language = _validate_text(interpreter_language, field="interpreter_language", max_length=8)
    if interpreter_used and not interpreter_language:
        raise DomainError("interpreter_language_required", _("Give the language that was interpreted."),
                          field="interpreter_language")
    interpreter_name = _validate_text(interpreter_name, field="interpreter_name", max_length=200)
    with transaction.atomic():
        updated = Meeting.objects.filter(pk=meeting.pk, version=expected_version).update(
            version=F("version") + 1, place=place,
            place_detail=_validate_text(place_detail, field="place_detail", max_length=300),
            interpreter_used=interpreter_used, interpreter_language=interpreter_language,
            interpreter_name=interpreter_name)
        if not updated:
            raise Conflict("meeting_conflict", _("Someone else changed this meeting first. Nothing was saved; "
                                                 "check the meeting and save again."))
        meeting = Meeting.objects.get(pk=meeting.pk)
        meeting.participants.filter(kind=ParticipantKind.INTERPRETER).delete()
        if interpreter_used:
            MeetingParticipant.objects.create(meeting=meeting, kind=ParticipantKind.INTERPRETER,
                                              description=interpreter_name)
    return meeting


def record_work_time(*, actor: User, client: Client, activity: str, date: date, minutes: int,
                     description: str = "") -> WorkTime:
    """Record the actor's own work on a client outside meetings (phone, network work, documentation, travel)."""
    access.require_client_access(actor=actor, client_id=client.pk, action=AccessAction.WRITE,
                                 object_type="work_time")
    if activity not in OTHER_WORK_ACTIVITIES:
        raise DomainError("invalid_activity", _("Choose the activity from the list; meeting time is recorded "
                                                "with the meeting."), field="activity")
    validate_minutes(minutes, field="minutes")
    if date > timezone.localdate():
        raise DomainError("date_in_future", _("Work time cannot be recorded for a future date."), field="date")
    description = _validate_text(description, field="description", max_length=300)
    with transaction.atomic():
        return WorkTime.objects.create(worker=actor, client=client, activity=activity, date=date, minutes=minutes,
                                       description=description)


def adjust_work_time(*, actor: User, work_time: WorkTime, minutes: int, description: str = "") -> WorkTime:
    """A worker corrects the minutes of their own work-time row (e.g. left a meeting early)."""
    access.require_client_access(actor=actor, client_id=work_time.client_id, action=AccessAction.WRITE,
                                 object_type="work_time", object_id=work_time.pk)
    if work_time.worker_id != actor.pk:
        raise DomainError("not_own_work_time", _("You can only change your own work time."))
    validate_minutes(minutes, field="minutes")
    description = _validate_text(description, field="description", max_length=300)
    with transaction.atomic():
        WorkTime.objects.filter(pk=work_time.pk).update(minutes=minutes, description=description)
        return WorkTime.objects.get(pk=work_time.pk)

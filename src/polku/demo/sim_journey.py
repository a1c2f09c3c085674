"""One client's journey: care team, meetings with their outcomes, work time, and the path events.

PPMM's model: the nurse + social counsellor pair meets every new client together first; later one or
both as needed. Meetings last mostly an hour, most need an interpreter. Notes, screenings and the
service plan hang off held meetings (sim_records).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from polku.casework.instruments import Instrument
from polku.casework.models import (
    CareTeamMembership,
    CareTeamRole,
    Client,
    ClientStatus,
    Meeting,
    MeetingOutcome,
    MeetingParticipant,
    MeetingPlace,
    ParticipantKind,
    PathEventKind,
    PlanCloseReason,
    PlanStatus,
    WorkActivity,
    WorkTime,
)
from polku.core.models import User
from polku.demo import sim_records, sim_texts
from polku.demo.sim_batch import (
    OFFICE_END,
    OFFICE_START,
    Batch,
    PendingEvent,
    local,
    minute_of,
    working_day_on_or_after,
)
from polku.demo.sim_people import ClientDraft, weighted
from polku.demo.sim_world import Pair

FIRST_PLACES = ((MeetingPlace.OFFICE, 0.55), (MeetingPlace.HOME, 0.20), (MeetingPlace.NETWORK_SOCIAL_OFFICE, 0.10),
                (MeetingPlace.NETWORK_HOSPITAL, 0.08), (MeetingPlace.NETWORK_PARTNER, 0.07))
LATER_PLACES = ((MeetingPlace.OFFICE, 0.52), (MeetingPlace.HOME, 0.14), (MeetingPlace.NETWORK_SOCIAL_OFFICE, 0.06),
                (MeetingPlace.NETWORK_HOSPITAL, 0.04), (MeetingPlace.NETWORK_PARTNER, 0.05),
                (MeetingPlace.PHONE, 0.11), (MeetingPlace.VIDEO, 0.08))
NETWORK_PLACES = (MeetingPlace.NETWORK_SOCIAL_OFFICE, MeetingPlace.NETWORK_HOSPITAL, MeetingPlace.NETWORK_PARTNER)
IN_PERSON_MINUTES = ((60, 0.80), (90, 0.13), (120, 0.07))
NETWORK_MINUTES = ((60, 0.55), (90, 0.32), (120, 0.13))
PHONE_MINUTES = ((30, 0.5), (60, 0.5))
VIDEO_MINUTES = ((60, 0.9), (90, 0.1))
DISCHARGE_REASONS = (("goals_met", 0.45), ("referred_onwards", 0.30), ("moved", 0.10), ("client_declined", 0.15))
# Most meetings end on time; some run a little short or long.
DURATION_DRIFT = (0, 0, 0, 0, 0, 0, -10, -5, 5, 10, 15)
UNREACHABLE_AFTER = 3  # consecutive no-shows before the pair records the client as unreachable
PLAN_CLOSE_REASONS = {"goals_met": PlanCloseReason.GOALS_MET, "referred_onwards": PlanCloseReason.CLIENT_WORK_ENDED,
                      "moved": PlanCloseReason.CLIENT_MOVED, "client_declined": PlanCloseReason.CLIENT_DECLINED,
                      "unreachable": PlanCloseReason.CLIENT_UNREACHABLE}


@dataclass
class RunState:
    """Run-wide state the journeys share: randomness, the clock's end, calendars, counters."""

    rng: random.Random
    seed: int
    now: datetime  # simulated "now": every past step happens before it
    instruments: dict[str, Instrument]
    instrument_versions: dict[str, str]
    calendars: dict[tuple[str, int], list[tuple[int, int]]] = field(default_factory=dict)
    note_language: dict[str, str] = field(default_factory=dict)

    def busy(self, who: str, day: date, start: int, minutes: int) -> bool:
        """True when `who` already has something overlapping [start, start + minutes) on `day`."""
        return any(s < start + minutes and start < e for s, e in self.calendars.get((who, day.toordinal()), ()))

    def occupy(self, who: str, day: date, start: int, minutes: int) -> None:
        """Mark [start, start + minutes) on `day` as taken for `who`."""
        self.calendars.setdefault((who, day.toordinal()), []).append((start, start + minutes))

    def language_of(self, worker: User) -> str:
        """The language a worker writes notes in (most Finnish), stable per user name."""
        if worker.username not in self.note_language:
            self.note_language[worker.username] = "en" if random.Random(f"lang:{worker.username}").random() < 0.15 \
                else "fi"
        return self.note_language[worker.username]


class Journey:
    """Builds every row of one client's path from registration to discharge or to `now`."""

    def __init__(self, state: RunState, batch: Batch, draft: ClientDraft, pair: Pair, *, ordinal: int,
                 registered_at: datetime, registrar: User) -> None:
        self.state, self.rng, self.batch = state, state.rng, batch
        self.draft, self.client, self.traits, self.pair = draft, draft.client, draft.traits, pair
        self.ordinal, self.registered_at, self.registrar = ordinal, registered_at, registrar
        self.events: list[PendingEvent] = []
        self.memberships: list[CareTeamMembership] = []
        self.held: list[Meeting] = []
        self.records = sim_records.Records(self)

    # ------------------------------------------------------------------ events
    def event(self, activity: str, at: datetime, actor: User | None, subject=None, **attributes) -> None:
        """Queue a path event of this client; written after its subject has a primary key."""
        self.events.append(PendingEvent(client=self.client, activity=activity, at=at, actor=actor, subject=subject,
                                        attributes=attributes, seq=len(self.events)))

    # ------------------------------------------------------------------ the journey
    def run(self) -> None:
        """Register, assign the pair, meet until the course ends or `now`, then discharge or stay open."""
        batch, client = self.batch, self.client
        batch.clients.append(client)
        batch.languages += self.draft.languages
        batch.legal_statuses += self.draft.legal_statuses
        # register_client's attributes, plus where the record came from (and its stable key, seed + ordinal).
        self.event(PathEventKind.CLIENT_REGISTERED, self.registered_at, self.registrar, client,
                   interpreter_needed=client.interpreter_needed, has_identity_code=bool(client.identity_code),
                   source="simulation", seed=self.state.seed, ordinal=self.ordinal)
        assigned_at = self.office_after(self.registered_at, self.rng.randint(10, 300))
        if assigned_at >= self.state.now:
            assigned_at = self.registered_at + timedelta(minutes=5)
        roles = ((self.pair.nurse, CareTeamRole.NURSE), (self.pair.counsellor, CareTeamRole.SOCIAL_COUNSELLOR))
        for worker, role in roles:
            self.memberships.append(CareTeamMembership(client=client, worker=worker, team=self.pair.team, role=role,
                                                       started_at=assigned_at, assigned_by=self.pair.lead))
        batch.memberships += self.memberships
        # As assign_care_team writes it: one event for the pair, the team as worker ids and roles.
        self.event(PathEventKind.CARE_TEAM_ASSIGNED, assigned_at, self.pair.lead, None,
                   team=[{"worker_id": w.pk, "role": str(r)} for w, r in roles], pair=True, exception_reason="")
        last_time = assigned_at
        earliest = assigned_at.date() + timedelta(days=self.rng.randint(3, 25))
        misses = 0
        closed = False
        while len(self.held) < self.traits.course_meetings:
            meeting = self.meeting(earliest=earliest, booked_at=last_time)
            if meeting is None:  # booked beyond `now`: the planned meeting is the open end of the path
                break
            last_time = meeting.recorded_at or meeting.starts_at
            if meeting.outcome == MeetingOutcome.HELD:
                misses = 0
                earliest = meeting.starts_at.date() + timedelta(days=self.interval())
            else:
                misses = misses + 1 if meeting.outcome == MeetingOutcome.CLIENT_NO_SHOW else misses
                earliest = meeting.starts_at.date() + timedelta(days=self.rng.randint(3, 10))
                if misses >= UNREACHABLE_AFTER:
                    closed = self.discharge(after=meeting.starts_at, reason="unreachable")
                    break
        else:
            if self.held and self.rng.random() < 0.85:
                closed = self.discharge(after=self.held[-1].starts_at, reason=weighted(self.rng, DISCHARGE_REASONS))
        if not closed:
            client.updated_at = self.registered_at
        self.events.sort(key=lambda e: (e.at, e.seq))
        batch.events += self.events

    def interval(self) -> int:
        """Days to the next meeting after a held one."""
        # Weekly to fortnightly at first, sparser as the relationship settles.
        return self.rng.randint(6, 15) if len(self.held) < 4 else self.rng.randint(10, 28)

    def office_after(self, moment: datetime, minutes: int) -> datetime:
        """`moment` + minutes, moved to the next working morning when it falls outside office hours."""
        later = moment + timedelta(minutes=minutes)
        if later.date() == moment.date() and minute_of(later) < OFFICE_END:
            return later
        day = working_day_on_or_after(moment.date() + timedelta(days=1))
        return local(day, OFFICE_START + self.rng.randint(0, 90))

    # ------------------------------------------------------------------ meetings
    def meeting(self, *, earliest: date, booked_at: datetime) -> Meeting | None:
        """Book and resolve the next meeting; None when it falls after `now` (it stays planned)."""
        rng, pair = self.rng, self.pair
        first = not self.held
        if first:
            place = weighted(rng, FIRST_PLACES)
            workers = [pair.nurse, pair.counsellor]
        else:
            place = weighted(rng, LATER_PLACES)
            both = 0.7 if place == MeetingPlace.HOME else 0.5 if place in NETWORK_PLACES else 0.35
            workers = [pair.nurse, pair.counsellor] if rng.random() < both else \
                [pair.nurse] if rng.random() < 0.54 else [pair.counsellor]
        minutes = int(weighted(rng, NETWORK_MINUTES if place in NETWORK_PLACES else PHONE_MINUTES
                               if place == MeetingPlace.PHONE else VIDEO_MINUTES if place == MeetingPlace.VIDEO
                               else IN_PERSON_MINUTES))
        wants_interpreter = self.client.interpreter_needed and rng.random() < 0.96
        day, start, interpreter = self.book(earliest, workers, minutes, wants_interpreter)
        starts_at = local(day, start)
        booker = rng.choice(workers)
        meeting = Meeting(client=self.client, starts_at=starts_at, planned_minutes=minutes, place=place,
                          place_detail=self.place_detail(place),
                          interpreter_language=self.client.interpreter_language if interpreter else "",
                          interpreter_name=interpreter, created_by=booker)
        self.batch.meetings.append(meeting)
        for worker in workers:
            self.batch.participants.append(MeetingParticipant(meeting=meeting, kind=ParticipantKind.WORKER,
                                                              worker=worker))
        if starts_at >= self.state.now:
            # The open end of the path, as plan_meeting leaves it: the interpreter is booked separately.
            meeting.outcome, meeting.interpreter_name = MeetingOutcome.PLANNED, ""
            meeting.created_at = min(booked_at, self.state.now - timedelta(minutes=1))
            self.event(PathEventKind.MEETING_PLANNED, meeting.created_at, booker, meeting,
                       starts_at=starts_at.isoformat(), place=place, planned_minutes=minutes,
                       interpreter_language=meeting.interpreter_language)
            return None
        meeting.outcome = self.outcome(interpreter)
        meeting.is_first_meeting = first and meeting.outcome == MeetingOutcome.HELD
        # The interpreter counts as used when they came (held, or the client did not come).
        meeting.interpreter_used = bool(interpreter) and meeting.outcome in (MeetingOutcome.HELD,
                                                                             MeetingOutcome.CLIENT_NO_SHOW)
        self.resolve(meeting, workers, booker, booked_at)
        return meeting

    def book(self, earliest: date, workers: list[User], minutes: int, wants_interpreter: bool) -> tuple[date, int, str]:
        """A slot when the workers (and an acceptable interpreter, preferred first) are free."""
        rng, state = self.rng, self.state
        candidates = self.interpreter_candidates() if wants_interpreter else []
        found = None
        for attempt in range(30):
            day = working_day_on_or_after(earliest + timedelta(days=attempt // 3))
            start = rng.randrange(OFFICE_START, OFFICE_END - minutes + 1, 30)
            if any(state.busy(w.username, day, start, minutes) for w in workers):
                continue
            # The first free one in the order asked (the familiar interpreter first); stop looking once found.
            free = next((name for name in candidates if not state.busy(name, day, start, minutes)), None)
            if candidates and free is None:
                continue
            found = (day, start, free or "")
            break
        if found is None:  # a crowded month: accept an overlap rather than loop forever
            found = (day, start, candidates[0] if candidates else "")
        day, start, interpreter = found
        for who in [w.username for w in workers] + ([interpreter] if interpreter else []):
            state.occupy(who, day, start, minutes)
        if interpreter and not self.traits.regular_interpreter:
            self.traits.regular_interpreter = interpreter
        return found

    def interpreter_candidates(self) -> list[str]:
        """Acceptable interpreters in the order they are asked: the familiar one first."""
        names = [i.name for i in self.traits.interpreters]
        regular = self.traits.regular_interpreter
        # The same familiar interpreter, when possible (PPMM: often a condition of confidential talk).
        if regular and (self.client.preferred_interpreter or self.rng.random() < 0.8):
            return [regular] + [n for n in names if n != regular]
        return self.rng.sample(names, len(names))

    def place_detail(self, place: str) -> str:
        """Where, in words (no street addresses: the people are fictional)."""
        city = self.pair.site.city
        return {MeetingPlace.OFFICE: f"Tiimin toimisto, {city}",
                MeetingPlace.NETWORK_SOCIAL_OFFICE: f"Sosiaalitoimisto, {city}",
                MeetingPlace.NETWORK_HOSPITAL: f"Psykiatrian poliklinikka, {city}",
                MeetingPlace.NETWORK_PARTNER: f"Yhteistyökumppanin tilat, {city}"}.get(place, "")

    def outcome(self, interpreter: str) -> str:
        """Held, or one of the ways a meeting fails (the client's own no-show rate drives the most common)."""
        r = self.rng.random()
        limits = ((self.traits.no_show, MeetingOutcome.CLIENT_NO_SHOW), (0.05, MeetingOutcome.CANCELLED_BY_CLIENT),
                  (0.03, MeetingOutcome.CANCELLED_BY_WORKER),
                  (0.02 if interpreter else 0.0, MeetingOutcome.INTERPRETER_NO_SHOW))
        for share, outcome in limits:
            if r < share:
                return outcome
            r -= share
        return MeetingOutcome.HELD

    def resolve(self, meeting: Meeting, workers: list[User], booker: User, booked_at: datetime) -> None:
        """Record what happened: duration, participants, work time, the path event, notes and the rest."""
        rng, outcome = self.rng, meeting.outcome
        start = meeting.starts_at
        held = outcome == MeetingOutcome.HELD
        if held:
            meeting.actual_minutes = max(15, meeting.planned_minutes + rng.choice(DURATION_DRIFT))
        elif outcome in (MeetingOutcome.CLIENT_NO_SHOW, MeetingOutcome.INTERPRETER_NO_SHOW) and rng.random() < 0.7:
            meeting.actual_minutes = rng.choice((15, 20, 30))  # the time the workers waited
        cancelled = outcome in (MeetingOutcome.CANCELLED_BY_CLIENT, MeetingOutcome.CANCELLED_BY_WORKER)
        if cancelled:
            meeting.recorded_at = max(booked_at + timedelta(minutes=10),
                                      start - timedelta(hours=rng.choice((2, 4, 24, 48, 72))))
        else:
            end = start + timedelta(minutes=meeting.actual_minutes or meeting.planned_minutes)
            meeting.recorded_at = end + timedelta(minutes=rng.randint(5, 90))
        # Recorded after the fact (record_meeting): the row is created when the outcome is recorded.
        meeting.created_at = meeting.recorded_at
        # record_meeting's attributes; a cancellation is dated when it is recorded, the rest at the start.
        attrs = {"outcome": outcome, "place": meeting.place, "minutes": meeting.actual_minutes,
                 "workers": len(workers), "pair": len(workers) == 2, "first_meeting": meeting.is_first_meeting,
                 "interpreter_used": meeting.interpreter_used, "interpreter_language": meeting.interpreter_language}
        if cancelled:
            self.event(PathEventKind.MEETING_CANCELLED, meeting.recorded_at, booker, meeting, **attrs)
            return
        if meeting.interpreter_used:
            self.batch.participants.append(MeetingParticipant(meeting=meeting, kind=ParticipantKind.INTERPRETER,
                                                              description=meeting.interpreter_name))
        for worker in workers:
            if meeting.actual_minutes is not None:
                self.batch.work_times.append(WorkTime(
                    worker=worker, client=self.client, meeting=meeting, activity=WorkActivity.MEETING,
                    date=start.date(), minutes=meeting.actual_minutes, created_at=meeting.recorded_at))
            if meeting.place == MeetingPlace.HOME or meeting.place in NETWORK_PLACES:
                self.batch.work_times.append(WorkTime(
                    worker=worker, client=self.client, activity=WorkActivity.TRAVEL, date=start.date(),
                    minutes=rng.choice((15, 20, 30, 40)), created_at=meeting.recorded_at,
                    description="Matka kotikäynnille" if meeting.place == MeetingPlace.HOME else
                    "Matka verkostotapaamiseen"))
        if not held:
            kind = PathEventKind.MEETING_MISSED if outcome == MeetingOutcome.CLIENT_NO_SHOW else \
                PathEventKind.INTERPRETER_FAILED
            self.event(kind, start, booker, meeting, **attrs)
            if outcome == MeetingOutcome.CLIENT_NO_SHOW and rng.random() < 0.35:
                self.records.no_show_note(meeting, rng.choice(workers))
            return
        if meeting.place in NETWORK_PLACES:
            self.batch.participants.append(MeetingParticipant(meeting=meeting, kind=ParticipantKind.PARTNER,
                                                              description=rng.choice(sim_texts.PARTNER_ROLES)))
        if rng.random() < 0.05:
            self.batch.participants.append(MeetingParticipant(meeting=meeting, kind=ParticipantKind.FAMILY,
                                                              description=rng.choice(sim_texts.FAMILY_ROLES)))
        self.held.append(meeting)
        self.event(PathEventKind.MEETING_HELD, start, booker, meeting, **attrs)
        self.records.after_held(meeting, workers)
        self.extra_work(meeting)

    def extra_work(self, meeting: Meeting) -> None:
        """Phone calls and network work between meetings (the steering group asked for work time)."""
        rng = self.rng
        for activity, share, choices in ((WorkActivity.PHONE, 0.25, (10, 15, 20, 25)),
                                         (WorkActivity.NETWORK, 0.10, (20, 30, 45, 60))):
            if rng.random() >= share:
                continue
            day = working_day_on_or_after(meeting.starts_at.date() + timedelta(days=rng.randint(1, 5)))
            moment = local(day, rng.randint(OFFICE_START, OFFICE_END - 30))
            if moment >= self.state.now:
                continue
            worker = rng.choice([self.pair.nurse, self.pair.counsellor])
            description = "Puhelu asiakkaalle" if activity == WorkActivity.PHONE else "Yhteydenpito verkostoon"
            self.batch.work_times.append(WorkTime(worker=worker, client=self.client, activity=activity, date=day,
                                                  minutes=rng.choice(choices), description=description,
                                                  created_at=moment))

    # ------------------------------------------------------------------ the end of the path
    def discharge(self, *, after: datetime, reason: str) -> bool:
        """Close the client some days after the last meeting, if that day is before `now`."""
        day = working_day_on_or_after(after.date() + timedelta(days=self.rng.randint(1, 20)))
        at = local(day, self.rng.randint(OFFICE_START, OFFICE_END - 30))
        if at >= self.state.now:
            return False
        actor = self.pair.nurse
        if reason == "unreachable":
            self.event(PathEventKind.CLIENT_UNREACHABLE, at - timedelta(minutes=1), actor, self.client)
        for plan in self.records.open_plans():
            plan.status, plan.closed_at, plan.closed_reason = PlanStatus.CLOSED, at, PLAN_CLOSE_REASONS[reason]
            plan.version += 1
            self.event(PathEventKind.PLAN_CLOSED, at, actor, plan, reason=plan.closed_reason)
        for membership in self.memberships:
            membership.ended_at = at
            membership.end_reason = sim_texts.DISCHARGE_REASONS[reason]
        client: Client = self.client
        client.status, client.closed_at, client.updated_at = ClientStatus.CLOSED, at, at
        self.event(PathEventKind.CLIENT_DISCHARGED, at, actor, client, reason=reason)
        return True

"""What follows a held meeting: the note (mostly on time, some late, some missing), screenings, the plan."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from polku.casework.instruments import Instrument, score
from polku.casework.models import (
    Meeting,
    Note,
    NoteStatus,
    NoteTopic,
    PathEventKind,
    PlanAction,
    PlanGoal,
    PlanStatus,
    ScreeningResponse,
    ServicePlan,
    WorkActivity,
    WorkTime,
)
from polku.casework.workdays import add_working_days
from polku.core.models import User
from polku.demo import sim_texts
from polku.demo.sim_batch import OFFICE_END, OFFICE_START, local
from polku.demo.sim_people import weighted

if TYPE_CHECKING:
    from polku.demo.sim_journey import Journey

# How a held meeting's note turns out: signed within 0–3 working days, signed late, left a draft, or none.
NOTE_FATES = (("on_time", 0.84), ("late", 0.07), ("draft", 0.05), ("missing", 0.04))
# Instrument codes as administer_screening stores them: the engine's codes.
PHQ9, GAD7, PCL5 = "phq-9", "gad-7", "pcl-5"
# Item means relative to the latent severity; item 9 of PHQ-9 (thoughts of self-harm) is answered
# above 0 far less often than the other items.
ITEM_SCALE = {PHQ9: 0.85, GAD7: 0.85, PCL5: 0.78}
LOW_ITEMS = {"phq9-9": 0.3}


class Records:
    """Notes, screenings and plans of one journey."""

    def __init__(self, journey: Journey) -> None:
        self.journey = journey
        self.rng = journey.rng
        traits, rng = journey.traits, journey.rng
        # Which held meeting (1-based) brings each step, decided up front so the story is coherent.
        self.phq_at = weighted(rng, ((1, 0.45), (2, 0.30), (0, 0.25)))
        pcl_none = 0.25 if traits.trauma > 0.5 else 0.45
        self.pcl_at = weighted(rng, ((2, (1 - pcl_none) / 2), (3, (1 - pcl_none) / 2), (0, pcl_none)))
        self.follow_up = rng.random() < 0.5
        self.plan_at = weighted(rng, ((2, 0.3), (3, 0.3), (4, 0.2), (0, 0.2)))
        self.first_screening: datetime | None = None
        self.followed_up = False
        self.plans: list[ServicePlan] = []
        self.relief = rng.uniform(0.6, 1.0)  # how much symptoms ease by the follow-up screening

    def open_plans(self) -> list[ServicePlan]:
        """Plans not yet closed (at most one: one open plan per client)."""
        return [plan for plan in self.plans if plan.status != PlanStatus.CLOSED]

    # ------------------------------------------------------------------ after a held meeting
    def after_held(self, meeting: Meeting, workers: list[User]) -> None:
        """Note, screenings and plan for the n-th held meeting."""
        n = len(self.journey.held)
        author = self.rng.choice(workers)
        self.note(meeting, author)
        traits = self.journey.traits
        nurse_first = sorted(workers, key=lambda w: w.profession != "nurse")[0]
        offset = 15
        if n == self.phq_at:
            offset = self.screen(meeting, nurse_first, PHQ9, traits.depression, offset)
            offset = self.screen(meeting, nurse_first, GAD7, traits.anxiety, offset)
            self.first_screening = meeting.starts_at
        if n == self.pcl_at:
            offset = self.screen(meeting, nurse_first, PCL5, traits.trauma, offset)
        if (self.follow_up and not self.followed_up and self.first_screening is not None
                and meeting.starts_at - self.first_screening >= timedelta(days=120)):
            self.followed_up = True
            offset = self.screen(meeting, nurse_first, PHQ9, traits.depression * self.relief, offset)
            offset = self.screen(meeting, nurse_first, GAD7, traits.anxiety * self.relief, offset)
            if self.pcl_at and self.pcl_at < n and self.rng.random() < 0.6:
                self.screen(meeting, nurse_first, PCL5, traits.trauma * self.relief, offset)
        if n == self.plan_at:
            self.plan(meeting, author)

    # ------------------------------------------------------------------ notes
    def note(self, meeting: Meeting, author: User) -> None:
        """The held meeting's note: signed in time, signed late, left a draft, or never written."""
        rng, journey = self.rng, self.journey
        fate = weighted(rng, NOTE_FATES)
        if fate == "missing":
            return
        end = meeting.starts_at + timedelta(minutes=meeting.actual_minutes or meeting.planned_minutes)
        created = end + timedelta(minutes=rng.randint(5, 90))
        if created >= journey.state.now:
            return
        lang = journey.state.language_of(author)
        topics = self.topics()
        note = self.new_note(meeting, author, lang, topics, created)
        signed_at = None
        if fate in ("on_time", "late"):
            delay = weighted(rng, ((0, 0.45), (1, 0.3), (2, 0.15), (3, 0.1))) if fate == "on_time" \
                else rng.randint(4, 15)
            day = add_working_days(meeting.starts_at.date(), delay)
            signed_at = created + timedelta(minutes=rng.randint(10, 60)) if delay == 0 else \
                local(day, rng.randint(OFFICE_START, OFFICE_END - 15))
        if signed_at is not None and signed_at < journey.state.now:
            note.status, note.signed_at, note.signed_by = NoteStatus.SIGNED, signed_at, author
            note.updated_at, note.version = signed_at, 2  # sign_note bumps the draft's version
            if rng.random() < 0.5:
                journey.batch.work_times.append(WorkTime(
                    worker=author, client=journey.client, activity=WorkActivity.DOCUMENTATION, date=signed_at.date(),
                    minutes=rng.choice((15, 20, 30)), description="Kirjaaminen", created_at=signed_at))
        journey.batch.notes.append(note)

    def no_show_note(self, meeting: Meeting, author: User) -> None:
        """A short signed note about a missed meeting, written the same day."""
        lang = self.journey.state.language_of(author)
        created = meeting.starts_at + timedelta(minutes=meeting.planned_minutes + self.rng.randint(5, 60))
        note = Note(client=self.journey.client, meeting=meeting, author=author,
                    reason_for_contact=sim_texts.REASONS["no_show"][lang], topics=[],
                    next_step=sim_texts.NO_SHOW_NEXT_STEP[lang],
                    text=f"{sim_texts.NO_SHOW_TEXT[lang]} {sim_texts.FICTIONAL[lang]}", status=NoteStatus.SIGNED,
                    signed_at=created, signed_by=author, created_at=created, updated_at=created, version=2)
        self.journey.batch.notes.append(note)

    def topics(self) -> list[str]:
        """One to three NoteTopic codes, weighted by the client's concerns."""
        traits, rng = self.journey.traits, self.rng
        count = weighted(rng, ((1, 0.35), (2, 0.45), (3, 0.2)))
        chosen: list[str] = []
        while len(chosen) < count:
            topic = rng.choices(traits.topics, weights=traits.topic_weights)[0]
            if topic not in chosen:
                chosen.append(topic)
        return [topic for topic in NoteTopic.values if topic in chosen]  # validate_topics keeps this order

    def new_note(self, meeting: Meeting, author: User, lang: str, topics: list[str], created: datetime) -> Note:
        """A draft note from the templates, in the author's language."""
        rng, client = self.rng, self.journey.client
        reason = sim_texts.REASONS["first" if meeting.is_first_meeting else meeting.place][lang]
        sentences = [rng.choice(sim_texts.TOPIC_SENTENCES[topic][lang]) for topic in topics]
        if meeting.interpreter_used:
            sentences.insert(0, sim_texts.INTERPRETER_TEXT[lang].format(
                language=sim_texts.language_name(meeting.interpreter_language, lang)))
        sentences.append(sim_texts.FICTIONAL[lang])
        actions = " ".join(sim_texts.TOPIC_ACTIONS[topic][lang] for topic in topics)
        # A few notes forget the next step: one of the gaps the quality to-do list shows.
        next_step = "" if rng.random() < 0.03 else sim_texts.NEXT_STEP[lang].format(weeks=rng.choice((1, 2, 3)))
        return Note(client=client, meeting=meeting, author=author, reason_for_contact=reason, topics=topics,
                    agreed_actions=actions, next_step=next_step,
                    text=" ".join(sentences), status=NoteStatus.DRAFT, created_at=created, updated_at=created)

    # ------------------------------------------------------------------ screenings
    def screen(self, meeting: Meeting, worker: User, code: str, latent: float, offset: int) -> int:
        """Answer every item from the latent severity, score with the instrument engine, record it."""
        journey, rng = self.journey, self.rng
        instrument: Instrument = journey.state.instruments[code]
        answers: dict[str, int] = {}
        for item in instrument.scored_items:
            top = item.allowed_values[-1]
            mean = latent * top * ITEM_SCALE[code] * LOW_ITEMS.get(item.link_id, 1.0)
            answers[item.link_id] = min(top, max(0, round(rng.gauss(mean, 0.8))))
        result = score(instrument=instrument, answers=answers)
        at = meeting.starts_at + timedelta(minutes=offset)
        client = journey.client
        language = meeting.interpreter_language if meeting.interpreter_used else client.preferred_language
        response = ScreeningResponse(
            client=client, meeting=meeting, instrument=code, instrument_version=journey.state.instrument_versions[code],
            client_language=language, worker_language="fi", answers=answers, total=result.total, band=result.band or "",
            positive=result.positive, safety_flag=result.safety_flag, subscales=dict(result.subscales),
            administered_at=at, administered_by=worker)
        journey.batch.screenings.append(response)
        journey.event(PathEventKind.SCREENING_DONE, at, worker, response, instrument=code, band=response.band,
                      positive=response.positive)
        return offset + 10 + len(answers)

    # ------------------------------------------------------------------ the service plan
    def plan(self, meeting: Meeting, author: User) -> None:
        """An active service plan agreed at this meeting: goals from the client's concerns, actions with owners."""
        rng, journey = self.rng, self.journey
        end = meeting.starts_at + timedelta(minutes=meeting.actual_minutes or meeting.planned_minutes)
        created = end + timedelta(minutes=rng.randint(10, 60))
        if created >= journey.state.now:
            return
        lang = journey.state.language_of(author)
        agreed = meeting.starts_at.date()
        # create_service_plan makes a draft (version 1); activate_plan makes it active (2) and writes PLAN_MADE.
        plan = ServicePlan(client=journey.client, status=PlanStatus.ACTIVE, agreed_on=agreed,
                           review_on=agreed + timedelta(days=rng.randint(90, 180)), created_by=author,
                           created_at=created, version=2)
        self.plans.append(plan)
        journey.batch.plans.append(plan)
        now_day = journey.state.now.date()
        actions_made = 0
        topics: list[str] = []
        wanted = rng.randint(2, 4)
        while len(topics) < wanted:
            topic = rng.choices(journey.traits.topics, weights=journey.traits.topic_weights)[0]
            if topic not in topics:
                topics.append(topic)
        owners = {"nurse": journey.pair.nurse, "counsellor": journey.pair.counsellor}
        for position, topic in enumerate(topics):
            text, actions = sim_texts.PLAN_GOALS[topic][lang]
            goal = PlanGoal(plan=plan, text=text, position=position)
            journey.batch.goals.append(goal)
            all_done = True
            for owner_kind, action_text in actions:
                due = agreed + timedelta(days=rng.randint(14, 120))
                done = due < now_day and rng.random() < 0.65
                all_done = all_done and done
                actions_made += 1
                plan.version += done  # mark_action_done bumps the plan's version
                journey.batch.actions.append(PlanAction(
                    plan=plan, goal=goal, text=action_text, owner=owners.get(owner_kind),
                    owner_text=sim_texts.CLIENT_OWNER[lang] if owner_kind == "client" else "", due_on=due, done=done))
            goal.achieved = all_done and rng.random() < 0.6
        journey.event(PathEventKind.PLAN_MADE, created, author, plan, goals=len(topics), actions=actions_made,
                      review_on=plan.review_on.isoformat())

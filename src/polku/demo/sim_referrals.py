"""Referral journeys of simulated clients: consent, sending, the service's answers, waits and broken paths.

After a few held meetings many clients are referred onwards (PALOMA: doctors, psychiatry, trauma care,
substance services, employment and integration services, NGO activity, native-language counselling).
Each referral follows `referrals.machine` step by step and writes the rows the referral services write:
the consent before sending, one `ReferralTransition` per step, the disclosure-log row on sending, and a
path event at each step's own time. Waits have long tails (lognormal; PPMM: clients often waited more
than a month for a doctor), call-backs lose slots, and about one referral in seven breaks somewhere.

Randomness comes from a `Random` of its own per client, derived from the seed and the client's ordinal,
so the casework rows of a seed are the same with or without referrals.
"""

from __future__ import annotations

import contextlib
import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from polku.casework.models import Meeting
from polku.core.models import DisclosureLog, User
from polku.core.roles import Profession, Role
from polku.core.services import create_user
from polku.demo.sim_batch import OFFICE_END, OFFICE_START, Batch, PendingEvent, local, working_day_on_or_after
from polku.demo.sim_people import weighted
from polku.demo.sim_world import Pair, worker_name
from polku.referrals import machine
from polku.referrals.demo import load_demo_referral_services
from polku.referrals.events import ACTIVITY_OF_STEP
from polku.referrals.models import (
    DisclosureItem,
    Referral,
    ReferralConsent,
    ReferralDirection,
    ReferralService,
    ReferralStatus,
    ReferralStep,
    ReferralTransition,
    ReferralUrgency,
    ServiceType,
)
from polku.referrals.services.steps import TIME_FIELD_OF_STEP

T = ReferralStep
S = ReferralStatus


@dataclass(frozen=True)
class Waits:
    """How one type of service answers: days to receive and decide, and the lognormal wait to the appointment."""

    receive: tuple[int, int]
    decide: tuple[int, int]
    median_days: float  # sent → first appointment, median of the lognormal
    sigma: float
    callback_share: float  # the service books by calling the client back; some calls reach nobody
    by_nurse: bool  # the nurse sends (health care); otherwise the social counsellor


# The simulator's assumptions, shaped by PPMM / PALOMA: a month or more for a doctor, longer for
# psychiatry and longest for the torture-victim and trauma teams; low-threshold activities within days.
WAITS: dict[str, Waits] = {
    ServiceType.HEALTH_CENTRE_DOCTOR: Waits((1, 5), (1, 7), 42, 0.55, 0.30, True),
    ServiceType.PSYCHIATRIC_OUTPATIENT: Waits((0, 3), (3, 21), 63, 0.55, 0.25, True),
    ServiceType.TRAUMA_CENTRE: Waits((0, 4), (7, 28), 80, 0.60, 0.15, True),
    ServiceType.SUBSTANCE_ABUSE: Waits((0, 4), (1, 10), 21, 0.60, 0.20, True),
    ServiceType.EMPLOYMENT_AND_INTEGRATION: Waits((1, 7), (2, 14), 28, 0.55, 0.10, False),
    ServiceType.NGO_ACTIVITY: Waits((1, 5), (1, 5), 9, 0.70, 0.05, False),
    ServiceType.NATIVE_LANGUAGE_COUNSELLOR: Waits((1, 5), (1, 7), 14, 0.60, 0.05, False),
    ServiceType.EXPERT_BY_EXPERIENCE: Waits((1, 5), (1, 7), 14, 0.60, 0.05, False),
}
REFERRAL_COUNTS = ((1, 0.55), (2, 0.30), (3, 0.15))
REFERRED_SHARE = 0.70  # of clients with at least two held meetings
# How a referral breaks (PALOMA: paths break easily); the rest reach an appointment. About 15 % in all.
FATES = (("ok", 0.845), ("not_received", 0.030), ("rejected", 0.040), ("withdrawn", 0.025),
         ("unreachable", 0.025), ("missed_no_new", 0.035))
MISSED_THEN_REBOOKED = 0.06  # of the referrals that reach an appointment
EXPIRY_DAYS = 90  # the default expiry rule (referrals.rules): 90 days without a step
REASONS = {
    ServiceType.HEALTH_CENTRE_DOCTOR: "Somaattisten oireiden ja unettomuuden arvio, lääkityksen tarve.",
    ServiceType.PSYCHIATRIC_OUTPATIENT: "Vaikea-asteiset masennus- ja ahdistusoireet, psykiatrinen arvio.",
    ServiceType.TRAUMA_CENTRE: "Traumaperäiset oireet (PCL-5 koholla), traumaterapian arvio.",
    ServiceType.SUBSTANCE_ABUSE: "Alkoholin ja rauhoittavien käyttö lisääntynyt, päihdearvio.",
    ServiceType.EMPLOYMENT_AND_INTEGRATION: "Kotoutumissuunnitelma ja työllistymisen polku.",
    ServiceType.NGO_ACTIVITY: "Matalan kynnyksen ryhmätoiminta, yksinäisyys.",
    ServiceType.NATIVE_LANGUAGE_COUNSELLOR: "Palveluohjaus omalla kielellä.",
    ServiceType.EXPERT_BY_EXPERIENCE: "Vertaistuki kokemusasiantuntijalta.",
}
REJECT_REASONS = ("Ei kuulu palvelun piiriin; hoito perusterveydenhuollossa.",
                  "Lähetteestä puuttuu lääkärin arvio; pyydetään lääkärin lähete.",
                  "Asiakas asuu palvelun alueen ulkopuolella.")
WITHDRAW_REASONS = ("Asiakas ei halua palvelua nyt.", "Asiakas muuttaa toiselle paikkakunnalle.",
                    "Tilanne muuttunut; lähete ei enää ajankohtainen.")
LOST_REASON = "Lähete ei ole tullut perille; tehdään uusi lähete."
UNREACHABLE_REASON = "Asiakasta ei tavoiteta; lähete perutaan."
EXPIRE_REASON = f"Ei vaihetta {EXPIRY_DAYS} päivään."
# The Polku-inbox services' receiving workers: user name suffix and profession per service type.
RECEIVER_PROFESSIONS = {ServiceType.PSYCHIATRIC_OUTPATIENT: Profession.PSYCHOLOGIST,
                        ServiceType.TRAUMA_CENTRE: Profession.PSYCHOLOGIST,
                        ServiceType.SUBSTANCE_ABUSE: Profession.NURSE}


@dataclass(frozen=True)
class ServiceDesk:
    """A receiving service and who answers its inbox (None: the sender records its answers by hand)."""

    service: ReferralService
    receiver: User | None


def load_services() -> dict[str, list[ServiceDesk]]:
    """The demo services by type (loaded when missing) and a receiving worker for each Polku-inbox service."""
    services = list(ReferralService.objects.filter(active=True, is_internal_team=False,
                                                   service_type__in=list(WAITS)).select_related("organisation"))
    if not services:
        services = [s for s in load_demo_referral_services() if s.service_type in WAITS]
    desks: dict[str, list[ServiceDesk]] = {}
    counters: dict[str, int] = {}
    for service in sorted(services, key=lambda s: (s.service_type, s.name_fi, s.organisation.name)):
        receiver = None
        if service.uses_polku:
            counters[service.service_type] = counters.get(service.service_type, 0) + 1
            receiver = _receiver(f"sim.ref.{service.service_type}.{counters[service.service_type]}", service)
        desks.setdefault(service.service_type, []).append(ServiceDesk(service=service, receiver=receiver))
    return desks


def _receiver(username: str, service: ReferralService) -> User:
    existing = User.objects.filter(username=username).first()
    if existing is not None:
        return existing
    profession = RECEIVER_PROFESSIONS.get(service.service_type, Profession.NURSE)
    first, last = worker_name(username, profession)
    return create_user(username=username, password=None, role=Role.PROFESSIONAL, profession=profession,
                       organisation=service.organisation, first_name=first, last_name=last)


class ReferralJourney:
    """The referrals of one client, from the consent at a held meeting to the service's last answer or `now`."""

    def __init__(self, *, seed: int, ordinal: int, batch: Batch, pair: Pair, client, traits, held: list[Meeting],
                 now: datetime, desks: dict[str, list[ServiceDesk]]) -> None:
        # Its own Random: the casework stream of the seed stays exactly as it was without referrals.
        self.rng = random.Random(f"polku-referrals:{seed}:{ordinal}")
        self.batch, self.pair, self.client, self.traits = batch, pair, client, traits
        self.held, self.now, self.desks = held, now, desks

    def run(self) -> None:
        """Choose the services and the meetings where each referral is made, then play each one out."""
        rng = self.rng
        if len(self.held) < 2 or rng.random() >= REFERRED_SHARE:
            return
        count = int(weighted(rng, REFERRAL_COUNTS))
        weights = self.type_weights()
        chosen: list[str] = []
        while len(chosen) < count and weights:
            service_type = weighted(rng, weights.items())
            chosen.append(service_type)
            del weights[service_type]
        for service_type in chosen:
            meeting = self.held[rng.randint(1, min(len(self.held) - 1, 5))]  # the 2nd … 6th held meeting
            desk = rng.choice(self.desks[service_type])
            self.referral(desk, meeting)

    def type_weights(self) -> dict[str, float]:
        """Which services fit this client: symptoms, gender, language (the simulator's assumptions)."""
        traits, client = self.traits, self.client
        weights = {
            ServiceType.HEALTH_CENTRE_DOCTOR: 1.0 + traits.depression,
            ServiceType.PSYCHIATRIC_OUTPATIENT: 0.2 + 1.2 * max(traits.depression, traits.anxiety) ** 2,
            ServiceType.TRAUMA_CENTRE: 1.2 * traits.trauma ** 2,
            ServiceType.SUBSTANCE_ABUSE: 0.20 if client.gender == "male" else 0.06,
            ServiceType.EMPLOYMENT_AND_INTEGRATION: 0.15 if client.reception_centre_id else 0.55,
            ServiceType.NGO_ACTIVITY: 0.5,
            ServiceType.NATIVE_LANGUAGE_COUNSELLOR: 0.7 if client.preferred_language in ("ar", "prs") else 0.1,
            ServiceType.EXPERT_BY_EXPERIENCE: 0.12,
        }
        return {t: w for t, w in weights.items() if self.desks.get(t) and w > 0}

    # ------------------------------------------------------------------ one referral
    def referral(self, desk: ServiceDesk, meeting: Meeting) -> None:
        """Consent at the meeting, the draft and sending, then the service's answers until the end or `now`."""
        rng, client, service = self.rng, self.client, desk.service
        waits = WAITS[service.service_type]
        sender = self.pair.nurse if waits.by_nurse else self.pair.counsellor
        minutes = meeting.actual_minutes or meeting.planned_minutes
        given_at = meeting.starts_at + timedelta(minutes=rng.randint(10, max(11, minutes - 5)))
        created_at = meeting.starts_at + timedelta(minutes=minutes + rng.randint(10, 90))
        sent_at = created_at + timedelta(minutes=rng.randint(1, 20)) if rng.random() < 0.7 else \
            self.office_day(created_at, rng.randint(1, 3))
        # Sent while the client is still a client, and before `now`; otherwise no referral at all.
        if sent_at >= self.now or (client.closed_at is not None and sent_at >= client.closed_at):
            return
        urgency = ReferralUrgency.SOON if rng.random() < 0.15 else ReferralUrgency.ROUTINE
        referral = Referral(client=client, direction=ReferralDirection.OUTGOING, target_service=service,
                            sending_organisation=sender.organisation, sent_by=sender,
                            reason=REASONS[service.service_type],
                            urgency=urgency, status=S.DRAFT, created_at=created_at, created_by=sender,
                            status_changed_at=created_at, version=1)
        items = [DisclosureItem.IDENTITY, DisclosureItem.REASON]
        items += [item for item, share in ((DisclosureItem.CONTACT_DETAILS, 0.9),
                                           (DisclosureItem.SCREENING_RESULTS, 0.6 if waits.by_nurse else 0.15),
                                           (DisclosureItem.INTERPRETER_NEEDS, 0.95 if client.interpreter_needed
                                            else 0.0)) if rng.random() < share]
        consent = ReferralConsent(referral=referral, recipient=service.name_fi, given_at=given_at,
                                  language=client.interpreter_language or client.preferred_language,
                                  recorded_by=sender, recorded_at=created_at,
                                  **{f"disclose_{item}": item in items for item in DisclosureItem.values})
        self.batch.referrals.append(referral)
        self.batch.referral_consents.append(consent)
        path = _Path(self, referral, desk, sender)
        path.step(T.SENT, sent_at, sender, machine.SENDER, disclosed=consent.items)
        disclosure = DisclosureLog(
            at=sent_at, actor=sender, actor_username=sender.username, recipient=consent.recipient,
            purpose="referral", channel="referral",
            legal_basis=f"client's consent given {given_at.date().isoformat()} (asked in {consent.language})")
        self.batch.disclosures.append(disclosure)
        self.batch.after_keys.append(lambda: _fill_disclosure(disclosure, referral, consent))
        path.play(weighted(rng, FATES), waits)

    def office_day(self, after: datetime, days: int) -> datetime:
        """A time in office hours `days` calendar days after `after` (the next working day when needed)."""
        day = working_day_on_or_after(after.date() + timedelta(days=max(0, days)))
        moment = local(day, self.rng.randrange(OFFICE_START, OFFICE_END - 30))
        return moment if moment > after else after + timedelta(minutes=self.rng.randint(5, 60))


def _fill_disclosure(disclosure: DisclosureLog, referral: Referral, consent: ReferralConsent) -> None:
    # As access.record_disclosure is called on sending: content names the referral (now it has a key).
    disclosure.client_id = referral.client_id
    disclosure.content = f"referral {referral.pk}: {', '.join(consent.items)}"


class _Stop(Exception):
    """The next step would happen at or after `now`: the referral stays where it is."""


class _Path:
    """The steps of one referral, each applied as record_step applies it."""

    def __init__(self, journey: ReferralJourney, referral: Referral, desk: ServiceDesk, sender: User) -> None:
        self.journey, self.rng, self.referral, self.desk, self.sender = journey, journey.rng, referral, desk, sender
        self.last = referral.created_at

    # -------------------------------------------------------------- the story
    def play(self, fate: str, waits: Waits) -> None:
        """Play the referral out along its fate; stop quietly when `now` comes first."""
        with contextlib.suppress(_Stop):
            self._play(fate, waits)

    def _play(self, fate: str, waits: Waits) -> None:
        rng, referral = self.rng, self.referral
        sent_at = referral.sent_at
        if fate == "not_received":
            # Lost on the way: the team notices and withdraws it, or the break job expires it after 90 days.
            if rng.random() < 0.5:
                self.sender_step(T.WITHDRAWN, self.at_days(rng.randint(20, 60)), reason=LOST_REASON,
                                 withdraw_reason=LOST_REASON)
            else:
                self.expire()
            return
        if fate == "withdrawn" and rng.random() < 0.3:
            self.withdraw(rng)
            return
        self.answer(T.RECEIVED, self.at_days(rng.randint(*waits.receive)))
        if fate == "rejected":
            reason = rng.choice(REJECT_REASONS)
            self.answer(T.REJECTED, self.at_days(rng.randint(*waits.decide)), reason=reason, rejection_reason=reason)
            return
        if fate == "withdrawn" and rng.random() < 0.4:
            self.withdraw(rng)
            return
        self.answer(T.ACCEPTED, self.at_days(rng.randint(*waits.decide)))
        if fate == "withdrawn":
            self.withdraw(rng)
            return
        if fate == "unreachable":
            self.note(T.CLIENT_UNREACHABLE, self.at_days(rng.randint(3, 15)))
            if rng.random() < 0.5:
                self.note(T.CALLBACK_MISSED, self.at_days(rng.randint(2, 10)))
            if rng.random() < 0.5:
                self.sender_step(T.WITHDRAWN, self.at_days(rng.randint(14, 45)), reason=UNREACHABLE_REASON,
                                 withdraw_reason=UNREACHABLE_REASON)
            else:
                self.expire()
            return
        wait = math.exp(math.log(waits.median_days) + waits.sigma * rng.gauss(0.0, 1.0))
        if rng.random() < waits.callback_share * 0.5:
            # The service's call-back reached nobody and the slot was lost: a later booking, a longer wait.
            self.note(T.CALLBACK_MISSED, self.at_days(rng.randint(1, 10)))
            wait += rng.randint(7, 28)
        appointment = self.appointment(sent_at + timedelta(days=wait))
        self.book(appointment)
        if fate == "missed_no_new" or rng.random() < MISSED_THEN_REBOOKED:
            self.answer(T.APPOINTMENT_MISSED, self.appointment_time(), appointment_at=None)
            if fate == "missed_no_new":
                # No new time: the path waits; the break job expires it when nothing happens for 90 days.
                self.expire()
                return
            self.book(self.appointment(self.last + timedelta(days=rng.randint(10, 40))))
        self.answer(T.APPOINTMENT_HELD, self.appointment_time())
        self.answer(T.CLOSED, self.at_days(rng.randint(0, 21)))

    def withdraw(self, rng: random.Random) -> None:
        reason = rng.choice(WITHDRAW_REASONS)
        self.sender_step(T.WITHDRAWN, self.at_days(rng.randint(5, 40)), reason=reason, withdraw_reason=reason)

    def expire(self) -> None:
        """The break job's expiry: the night after 90 days without a status change."""
        day = self.referral.status_changed_at.date() + timedelta(days=EXPIRY_DAYS + 1)
        at = max(local(day, 2 * 60), self.last + timedelta(minutes=1))
        self.step(T.EXPIRED, at, None, machine.SYSTEM, reason=EXPIRE_REASON, expire_reason=EXPIRE_REASON[:300])

    def book(self, appointment: datetime) -> None:
        """Booked some time between the last step and the appointment (a few days to weeks ahead)."""
        span = (appointment - self.last).total_seconds() / 86400
        booked = self.at_days(int(span * self.rng.uniform(0.05, 0.6)))
        if booked >= appointment:
            booked = self.last + (appointment - self.last) / 2
        self.answer(T.APPOINTMENT_BOOKED, booked, appointment_at=appointment)

    def appointment(self, around: datetime) -> datetime:
        """A slot in office hours on a working day, on the quarter hour, after the last step."""
        day = working_day_on_or_after(max(around.date(), self.last.date() + timedelta(days=1)))
        return local(day, self.rng.randrange(OFFICE_START, OFFICE_END - 45, 15))

    def appointment_time(self) -> datetime:
        return self.referral.appointment_at

    def at_days(self, days: int) -> datetime:
        return self.journey.office_day(self.last, days)

    # -------------------------------------------------------------- steps
    def answer(self, step: str, at: datetime, **fields) -> None:
        """The service's answer: in its inbox by its worker, or recorded by hand by the sender."""
        receiver = self.desk.receiver
        if receiver is not None:
            self.step(step, at, receiver, machine.RECIPIENT, **fields)
        else:
            self.step(step, at, self.sender, machine.SENDER, by_hand=True, **fields)

    def note(self, step: str, at: datetime) -> None:
        """A note that keeps the status (call-back missed, client unreachable), from whoever handles the answers."""
        self.answer(step, at)

    def sender_step(self, step: str, at: datetime, **fields) -> None:
        self.step(step, at, self.sender, machine.SENDER, **fields)

    def step(self, step: str, at: datetime, actor: User | None, side: str, *, by_hand: bool = False,
             reason: str | None = None, disclosed: list[str] | None = None, **fields) -> None:
        """Apply one step as `steps.record_step` does: status and times, the history row, the path event."""
        if at >= self.journey.now:
            raise _Stop
        if at <= self.last:
            raise AssertionError("referral steps must be strictly ordered")  # a bug in the simulator
        referral, service = self.referral, self.desk.service
        from_status = referral.status
        to_status = machine.next_status(from_status, step)  # the machine's own table refuses a wrong step
        extra: dict = {}
        if disclosed is not None:
            extra["disclosed"] = disclosed
        if reason is not None:
            extra["reason"] = reason
        if step == T.APPOINTMENT_BOOKED:
            extra["appointment_at"] = fields["appointment_at"].isoformat()
        elif step in (T.APPOINTMENT_HELD, T.APPOINTMENT_MISSED):
            extra["appointment_at"] = referral.appointment_at.isoformat()
        for name, value in fields.items():
            setattr(referral, name, value)
        if step not in machine.NOTE_STEPS:
            referral.status, referral.status_changed_at = to_status, at
        time_field = TIME_FIELD_OF_STEP.get(step)
        if time_field:
            setattr(referral, time_field, at)
        if step == T.SENT:
            referral.sending_organisation = actor.organisation
        if to_status in machine.TERMINAL:
            referral.closed_at = at
        referral.version += 1
        attributes = {"referral_id": None, "step": str(step), "from_status": str(from_status),
                      "to_status": str(to_status), "side": side, "urgency": str(referral.urgency), **extra,
                      "service_id": service.pk, "service_type": service.service_type}
        recorded_at = at
        if by_hand:  # the sender records the service's answer afterwards, with the date it happened
            recorded_at = min(self.journey.office_day(at, self.rng.randint(0, 3)), self.journey.now - timedelta(
                minutes=1))
            recorded_at = max(recorded_at, at)
        self.journey.batch.referral_transitions.append(ReferralTransition(
            referral=referral, step=step, from_status=from_status, to_status=to_status, at=at,
            recorded_at=recorded_at, actor=actor, side=side, attributes=attributes))
        self.journey.batch.after_keys.append(lambda: attributes.__setitem__("referral_id", referral.pk))
        # The service's answers carry the service's organisation, even when the sender records them.
        organisation = service.organisation if step in machine.HANDLER_STEPS else None
        self.journey.batch.events.append(PendingEvent(
            client=self.journey.client, activity=ACTIVITY_OF_STEP[step], at=at, actor=actor, subject=referral,
            attributes=attributes, seq=len(self.journey.batch.events), service=service.name_fi,
            organisation=organisation))
        self.last = at


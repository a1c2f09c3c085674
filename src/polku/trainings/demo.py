"""Demo trainings: a few upcoming events (one full, with a waiting list), one past event with attendance, and
the PALOMA training as a self-paced course of 16 video modules. Idempotent: a second run adds nothing.

The PALOMA training's 16 themed videos are real (THL, free, web-based); their exact titles are not in the
seed facts, so the module titles here are illustrative and marked as such.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from polku.core.models import CollaborationArea, User
from polku.directory.models import Training
from polku.trainings import services
from polku.trainings.models import (
    CourseModule,
    Enrolment,
    EnrolmentStatus,
    EventFormat,
    EventKind,
    SelfPacedCourse,
    TrainingEvent,
)

PALOMA_COURSE_SLUG = "paloma-koulutus"
PALOMA_MODULES = [  # (fi, en): illustrative titles for the 16 themed videos
    ("Pakolaisuus ja mielenterveys", "Refugee background and mental health"),
    ("Trauma ja sen vaikutukset", "Trauma and its effects"),
    ("Kidutuksesta selviytyneiden kohtaaminen", "Meeting survivors of torture"),
    ("Lapset ja perheet", "Children and families"),
    ("Nuoret ja ilman huoltajaa tulleet", "Young people and unaccompanied minors"),
    ("Kulttuurisensitiivinen työote", "Culturally sensitive practice"),
    ("Tulkin välityksellä työskentely", "Working through an interpreter"),
    ("Mielenterveyden puheeksi ottaminen", "Raising mental health in conversation"),
    ("Päihteet ja riippuvuudet", "Substance use and addiction"),
    ("Psykoosioireiden tunnistaminen", "Recognising psychotic symptoms"),
    ("Oleskelulupa ja palvelut", "Residence status and services"),
    ("Palvelupolut ja lähetteet", "Service paths and referrals"),
    ("Ryhmämuotoinen tuki", "Group-based support"),
    ("Kokemusasiantuntijat ja järjestöt", "Experts by experience and associations"),
    ("Työntekijän oma jaksaminen", "Looking after yourself as a worker"),
    ("Yhteenveto ja hyvät käytännöt", "Summary and good practices"),
]


@dataclass(frozen=True)
class SeedResult:
    events: int
    enrolments: int
    courses: int
    modules: int

    def summary(self) -> str:
        return (f"Trainings: {self.events} events, {self.enrolments} enrolments, {self.courses} web course(s) "
                f"with {self.modules} modules")


def _at(day: datetime, hour: int) -> datetime:
    return day.replace(hour=hour, minute=0, second=0, microsecond=0)


def _event(organiser: User, *, title_fi: str, title_en: str, title_sv: str = "", **fields) -> TrainingEvent:
    existing = TrainingEvent.objects.filter(title_fi=title_fi).first()
    if existing:
        return existing
    return services.create_event(actor=organiser, data=services.EventData(
        title_fi=title_fi, title_en=title_en, title_sv=title_sv, organiser_name=fields.pop("organiser_name",
                                                                                          "THL / PALOMA"), **fields))


def seed_trainings_demo(*, organiser: User, participants: Sequence[User] = (), now: datetime | None = None
                        ) -> SeedResult:
    """Seed the demo's events and the PALOMA course; `organiser` must be a (national) coordinator."""
    now = timezone.localtime(now or timezone.now())
    paloma = Training.objects.filter(name_fi="PALOMA-koulutus").first()
    oys = CollaborationArea.objects.filter(code="OYS").first()
    hus = CollaborationArea.objects.filter(code="HUS").first()
    national = _event(
        organiser, kind=EventKind.TRAINING, format=EventFormat.ONLINE,
        title_fi="Traumatietoinen työote pakolaistaustaisten asiakkaiden kanssa",
        title_sv="Traumamedvetet arbetssätt med klienter med flyktingbakgrund",
        title_en="Trauma-informed work with clients of refugee background",
        description_fi="Valtakunnallinen verkkokoulutus (demo).", description_en="A national online training (demo).",
        starts_at=_at(now + timedelta(days=21), 9), ends_at=_at(now + timedelta(days=21), 12),
        hours=Decimal("3"), capacity=100, online_url="https://example.org/polku-demo-webinaari",
        directory_training=paloma)
    _event(organiser, kind=EventKind.SEMINAR, format=EventFormat.IN_PERSON, area=oys,
           title_fi="Pohjois-Suomen PALOMA-seminaari", title_en="Northern Finland PALOMA seminar",
           description_fi="Alueellinen seminaari (demo).", description_en="An area seminar (demo).",
           starts_at=_at(now + timedelta(days=35), 9), ends_at=_at(now + timedelta(days=35), 16),
           hours=Decimal("6"), capacity=40, place="Oulu, Kaupungintalo (demo)", organiser_name="OYS-alue / PALOMA")
    full = _event(organiser, kind=EventKind.NETWORK_MEETING, format=EventFormat.IN_PERSON, area=hus,
                  title_fi="Etelä-Suomen verkostotapaaminen", title_en="Southern Finland network meeting",
                  description_fi="Pieni verkostotapaaminen: täynnä, jonotuslista käytössä (demo).",
                  description_en="A small network meeting: full, with a waiting list (demo).",
                  starts_at=_at(now + timedelta(days=10), 13), ends_at=_at(now + timedelta(days=10), 15),
                  hours=Decimal("2"), capacity=3, place="Helsinki, Mannerheimintie 166 (demo)")
    enrolments = 0
    with transaction.atomic():
        for person in participants:
            if not full.enrolments.filter(user=person).exists():
                services.enrol(actor=person, event=full)
                enrolments += 1
        for person in participants[:2]:
            if not national.enrolments.filter(user=person).exists():
                services.enrol(actor=person, event=national)
                enrolments += 1
        enrolments += _seed_past_event(organiser, participants, now)
    modules = _seed_paloma_course(paloma)
    return SeedResult(events=TrainingEvent.objects.count(), enrolments=enrolments,
                      courses=SelfPacedCourse.objects.count(), modules=modules)


def _seed_past_event(organiser: User, participants: Sequence[User], now: datetime) -> int:
    """A held training with attendance marked, so the demo shows certificates and feedback.

    Enrolment closes when an event starts, so the rows of a past event are written directly (seed only).
    """
    past = _event(organiser, kind=EventKind.TRAINING, format=EventFormat.ONLINE,
                  title_fi="Tulkin välityksellä työskentely", title_en="Working through an interpreter",
                  description_fi="Pidetty verkkokoulutus (demo).", description_en="A training already held (demo).",
                  starts_at=_at(now - timedelta(days=14), 9), ends_at=_at(now - timedelta(days=14), 12),
                  hours=Decimal("3"), capacity=50, online_url="https://example.org/polku-demo-tulkkaus")
    created = 0
    for person in participants[:3]:
        _enrolment, was_created = Enrolment.objects.get_or_create(
            event=past, user=person, defaults={"status": EnrolmentStatus.ENROLLED, "queued_at": past.created_at,
                                               "enrolled_at": past.created_at, "attended": True,
                                               "attendance_marked_at": past.ends_at,
                                               "attendance_marked_by": organiser})
        created += was_created
    return created


def _seed_paloma_course(paloma: Training | None) -> int:
    course, _created = SelfPacedCourse.objects.get_or_create(slug=PALOMA_COURSE_SLUG, defaults={
        "title_fi": "PALOMA-koulutus", "title_sv": "PALOMA-utbildning", "title_en": "PALOMA training",
        "description_fi": "16 teemavideota pakolaistaustaisten ihmisten kohtaamisesta ja hyvinvoinnin tukemisesta. "
                          "Moduulien nimet ovat havainnollistavia (demo).",
        "description_en": "16 themed videos on meeting people of refugee background and supporting their wellbeing. "
                          "The module titles are illustrative (demo).",
        "organiser_name": "THL / PALOMA", "hours": Decimal("8"), "directory_training": paloma})
    url = (paloma.url if paloma and paloma.url else "")
    for position, (title_fi, title_en) in enumerate(PALOMA_MODULES, start=1):
        CourseModule.objects.get_or_create(course=course, position=position, defaults={
            "title_fi": title_fi, "title_en": title_en, "video_url": url, "minutes": 20})
    return course.modules.count()

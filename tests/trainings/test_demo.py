"""The demo seed: events (one full with a waiting list), a held training, the PALOMA course; idempotent."""

from __future__ import annotations

import pytest

from polku.trainings.demo import seed_trainings_demo
from polku.trainings.models import CourseModule, Enrolment, EnrolmentStatus, TrainingEvent

pytestmark = pytest.mark.django_db


def test_the_demo_seed_makes_a_full_event_with_a_waiting_list_and_the_sixteen_module_course(coordinator,
                                                                                           professionals):
    first = seed_trainings_demo(organiser=coordinator, participants=professionals)
    again = seed_trainings_demo(organiser=coordinator, participants=professionals)

    full = TrainingEvent.objects.get(title_en="Southern Finland network meeting")
    statuses = list(full.enrolments.values_list("status", flat=True))
    assert statuses.count(EnrolmentStatus.ENROLLED) == full.capacity == 3
    assert statuses.count(EnrolmentStatus.WAITING) == 2
    assert CourseModule.objects.filter(course__slug="paloma-koulutus").count() == 16
    assert Enrolment.objects.filter(attended=True).count() == 3
    assert first.events == again.events == 4 and again.enrolments == 0

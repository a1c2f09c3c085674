"""Who sees which consultation, and pinned query counts of the lists."""

from __future__ import annotations

import pytest

from polku.core.errors import AccessDenied
from polku.network.selectors import get_consultation, list_for_coordinator, list_routed_to_me, visible_consultations
from tests.network.conftest import ask

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _quiet(settings):
    settings.POLKU_OUTBOX_DELIVER_ON_COMMIT = False


def test_the_asker_the_routed_and_the_coordinators_in_scope_see_a_request(network):
    consultation = ask(network)
    for viewer in (network.worker, network.trauma_expert, network.area_actor, network.area_coordinator,
                   network.coordinator):
        assert get_consultation(viewer=viewer, consultation_id=consultation.pk) == consultation
    for viewer in (network.southern, network.busy, network.interpreter, network.national_expert):
        with pytest.raises(AccessDenied):
            get_consultation(viewer=viewer, consultation_id=consultation.pk)


def test_an_area_coordinator_sees_only_their_own_areas_requests(network):
    from polku.core.models import Area, CollaborationArea
    from tests.factories import make_user

    other = make_user(role="coordinator", organisation=network.coordinator.organisation, username="tays",
                      coordinator_scope="area", coordinator_area=CollaborationArea.objects.get(code="TAYS"))
    ask(network)
    assert not visible_consultations(viewer=other).exists()
    assert list_for_coordinator(viewer=other).paginator.count == 0
    assert list_for_coordinator(viewer=network.coordinator).paginator.count == 1
    assert list_for_coordinator(viewer=network.worker) is None
    assert Area.objects.get(code="LA").collaboration_area.code == "OYS"


def test_the_routed_list_reads_in_two_queries_whatever_its_length(network, django_assert_num_queries):
    for _ in range(3):
        ask(network)
    with django_assert_num_queries(2):  # the count and the page, areas joined
        page = list_routed_to_me(viewer=network.trauma_expert)
        rows = [(c.reference, c.collaboration_area.name, c.topic_labels) for c in page.object_list]
    assert len(rows) == 3

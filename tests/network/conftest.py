"""Fixtures for the consultation tests: a social worker in Lappi, and experts in Northern Finland and elsewhere."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from polku.core.models import Area, CollaborationArea
from polku.directory.models import Expert, NetworkRole, Taxonomy, TaxonomyTerm
from polku.directory.models.taxonomy import TaxonomyCode
from polku.network.models import ExpertAccount
from tests.factories import OrganisationFactory, make_user


def term(code: str) -> TaxonomyTerm:
    taxonomy, _ = Taxonomy.objects.get_or_create(code=TaxonomyCode.SERVICE_TYPE,
                                                 defaults={"name": "Service types", "description": "test"})
    found, _ = TaxonomyTerm.objects.get_or_create(taxonomy=taxonomy, code=code, defaults={"name_fi": code})
    return found


def make_expert(*, name: str, area: str | None, topics: str = "", languages: str = "fi en", takes: bool = True,
                role: tuple[str, str | None] | None = None, username: str | None = None, user_role="professional"):
    """A directory expert, optionally linked to a new Polku user (who then can answer)."""
    expert = Expert.objects.create(name=name, profession="psychologist", languages=languages.split(),
                                   area=Area.objects.get(code=area) if area else None, takes_consultations=takes)
    expert.topics.set([term(code) for code in topics.split()])
    if role:
        kind, ca = role
        NetworkRole.objects.create(expert=expert, role=kind,
                                   collaboration_area=CollaborationArea.objects.get(code=ca) if ca else None)
    if username is None:
        return expert, None
    organisation = OrganisationFactory(home_area=expert.area or Area.objects.get(code="HEL"))
    extra = {"profession": "psychologist"} if user_role == "professional" else {}
    user = make_user(role=user_role, organisation=organisation, username=username, **extra)
    ExpertAccount.objects.create(expert=expert, user=user)
    return expert, user


@pytest.fixture
def network(areas):
    """Lappi's social counsellor; OYS area actor and a PP trauma expert; a TAYS expert; national coordinators."""
    lappi = OrganisationFactory(name="Lapin sosiaalipalvelut", home_area=Area.objects.get(code="LA"))
    worker = make_user(role="professional", profession="social_counsellor", organisation=lappi, username="sosiaali")
    _, area_actor = make_expert(name="Kaisa Pohjoinen", area="PP", topics="family-counselling",
                                role=("area_actor", "OYS"), username="pohjoinen")
    _, trauma_expert = make_expert(name="Olli Oulu", area="PP", topics="trauma-therapy interpreting",
                                   username="oulu")
    # Takes consultations and knows the topic, but has no Polku user: cannot be routed to.
    make_expert(name="Ilman Tunnusta", area="LA", topics="trauma-therapy")
    # Knows the topic but takes no consultations.
    _, busy = make_expert(name="Kiireinen Kemi", area="LA", topics="trauma-therapy", takes=False, username="kemi")
    _, southern = make_expert(name="Tampereen Trauma", area="PI", topics="trauma-therapy",
                              role=("area_actor", "TAYS"), username="tampere")
    _, national_expert = make_expert(name="Noora Kansallinen", area=None, topics="consultation",
                                     role=("national_coordinator", None), username="kansallinen")
    thl = OrganisationFactory(name="THL testi", home_area=Area.objects.get(code="HEL"))
    coordinator = make_user(role="coordinator", organisation=thl, username="koordinaattori",
                            coordinator_scope="national")
    area_coordinator = make_user(role="coordinator", organisation=thl, username="aluekoordinaattori",
                                 coordinator_scope="area", coordinator_area=CollaborationArea.objects.get(code="OYS"))
    interpreter = make_user(role="interpreter", organisation=thl, username="tulkki")
    return SimpleNamespace(worker=worker, area_actor=area_actor, trauma_expert=trauma_expert, busy=busy,
                           southern=southern, national_expert=national_expert, coordinator=coordinator,
                           area_coordinator=area_coordinator, interpreter=interpreter,
                           lappi=Area.objects.get(code="LA"))


def ask(network, **overrides):
    """The Lappi worker's interpreter-mediated trauma question through the real service."""
    from polku.network.services import ask_consultation

    kwargs = {"actor": network.worker, "title": "Tulkattu traumakeskustelu",
              "description": "Aikuinen asiakas kertoo sotakokemuksista tulkin välityksellä ja keskeyttää tapaamiset.",
              "topics": ["trauma", "interpreter_mediated"], "urgency": "urgent", "area": network.lappi,
              "languages": ["fi"]}
    kwargs.update(overrides)
    return ask_consultation(**kwargs)

"""Demo data for consultations: demo users linked to the directory's simulated experts, and simulated requests.

Call after the demo users and the directory facts exist. Every request and answer is invented; none describes
a real person. Safe to call twice: it does nothing when consultations already exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from polku.core.models import User
from polku.directory.models import Expert
from polku.network import services
from polku.network.deadlines import response_due
from polku.network.models import Consultation, ConsultationMessage, ExpertAccount, NewsItem

# demo user -> simulated directory expert they answer as
DEMO_EXPERT_LINKS = {
    "psykologi": "Liisa Kuuslahti (demo)",  # collaboration-area actor of Western Finland (TYKS)
    "laakari": "Samir Haddad (demo)",
    "koordinaattori": "Noora Salmivaara (demo)",  # national coordinator
}

# asker, days ago, topics, urgency, title, description, answered by, rating
REQUESTS = [
    ("hoitaja", 40, ["trauma", "interpreter_mediated"], "normal", "Traumamuistot tulkatuissa tapaamisissa",
     "Aikuinen asiakas, jolla on vahvoja traumamuistoja, keskeyttää tapaamiset kun tulkki kääntää tietyt aiheet. "
     "Miten tapaamisen voi rakentaa turvallisemmaksi?", "psykologi", 5),
    ("ohjaaja", 25, ["service_paths", "legal_status"], "normal", "Palvelupolku oleskeluluvan odotusaikana",
     "Perhe odottaa jatkolupapäätöstä. Mihin palveluihin he ovat oikeutettuja odotusaikana?", "koordinaattori", 4),
    ("hoitaja", 12, ["substance_use"], "urgent", "Päihteiden käytön puheeksi ottaminen",
     "Nuori aikuinen käyttää alkoholia unilääkkeenä. Miten asian voi ottaa puheeksi kulttuurisensitiivisesti?",
     "psykologi", 4),
    ("ohjaaja", 6, ["children_families", "cultural"], "normal", "Lapsen koulunkäynti ja vanhempien huoli",
     "Vanhemmat pelkäävät, että lapsen väsymys koulussa johtuu sotakokemuksista. Miten tukea perhettä?", None, None),
    ("hoitaja", 1, ["psychosis"], "urgent", "Psykoosioireet ja tulkin käyttö",
     "Asiakkaalla on ollut aistiharhoja. Miten arvioida oireita tulkin välityksellä?", None, None),
]


@dataclass(frozen=True)
class NetworkDemo:
    expert_accounts: int
    consultations: int

    def summary(self) -> str:
        return f"Consultations: {self.expert_accounts} demo experts linked, {self.consultations} simulated requests"


def _link_experts() -> int:
    linked = 0
    for username, expert_name in DEMO_EXPERT_LINKS.items():
        user = User.objects.filter(username=username).first()
        expert = Expert.objects.filter(name=expert_name).first()
        if user is None or expert is None or ExpertAccount.objects.filter(user=user).exists():
            continue
        ExpertAccount.objects.get_or_create(expert=expert, defaults={"user": user})
        linked += 1
    return linked


def _backdate(consultation: Consultation, *, days: int) -> None:
    asked = timezone.now() - timedelta(days=days)
    Consultation.objects.filter(pk=consultation.pk).update(
        created_at=asked, due_at=response_due(asked_at=asked, urgency=consultation.urgency))
    consultation.refresh_from_db()


@transaction.atomic
def seed_network_demo() -> NetworkDemo:
    """Link demo users to simulated experts; add simulated requests, answers, ratings and a news item."""
    linked = _link_experts()
    if Consultation.objects.exists():
        return NetworkDemo(expert_accounts=linked, consultations=0)
    created = 0
    for asker_name, days, topics, urgency, title, description, answerer_name, rating in REQUESTS:
        asker = User.objects.filter(username=asker_name).first()
        if asker is None or asker.organisation is None or asker.organisation.home_area is None:
            continue
        consultation = services.ask_consultation(actor=asker, title=title, description=description, topics=topics,
                                                 urgency=urgency, area=asker.organisation.home_area, languages=["fi"])
        _backdate(consultation, days=days)
        created += 1
        answerer = User.objects.filter(username=answerer_name).first() if answerer_name else None
        if answerer is None:
            continue
        if not consultation.recipients.filter(user=answerer).exists():
            services.route_to_expert(actor=User.objects.get(username="koordinaattori"), consultation=consultation,
                                     user=answerer)
        services.post_message(actor=answerer, consultation=consultation,
                              body="Kiitos kysymyksestä. Ehdotan, että sovitte tapaamisen rakenteen etukäteen, "
                                   "käytätte samaa tulkkia ja varaatte tauoille aikaa. Voimme jatkaa puhelimessa.")
        answered_at = consultation.created_at + timedelta(hours=20 + days)
        Consultation.objects.filter(pk=consultation.pk).update(first_answered_at=answered_at)
        ConsultationMessage.objects.filter(consultation=consultation).update(created_at=answered_at)
        if rating:
            consultation.refresh_from_db()
            services.close_consultation(actor=asker, consultation=consultation, rating=rating)
    coordinator = User.objects.filter(username="koordinaattori").first()
    if coordinator is not None and not NewsItem.objects.exists():
        NewsItem.objects.create(
            author=coordinator, title_fi="Konsultaatiot nyt Polussa (demo)",
            body_fi="PALOMA-verkoston asiantuntijoilta voi nyt kysyä konsultaatiota Polun kautta.",
            title_en="Consultations now in Polku (demo)",
            body_en="Professionals can now ask the PALOMA expert network for consultation in Polku.")
    return NetworkDemo(expert_accounts=linked, consultations=created)


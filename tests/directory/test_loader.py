"""The seeded directory: every project, training and publication of the seeds, in Polku's own words."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from polku.directory.models import ChangeRecord, Expert, NetworkMember, Project, Publication, Service, Training

pytestmark = pytest.mark.django_db

SHARED = Path(__file__).resolve().parents[2].parent / "shared"

STM_PROJECTS = [
    "Digitaalisten palvelujen lisääminen ja hyödyntäminen",
    "Hyvä mieli! – Etelä-Karjalan mielenterveysosaamisen vahvistaminen kunnissa",
    "Yhdessä mielessä – mielenterveysosaaminen paikalliseksi pääomaksi",
    "ARMI – Arjen yhteisöllisyys mielen hyvinvoinnin tukena",
    "Etiäppäin! Yhdessä sun puolella. Kokemusasiantuntijatoiminta osaksi kuntien peruspalveluita",
    "Opastavaa tukea psyykkisesti kuormittuneille perheille, joissa alaikäisiä lapsia – HMT-Opa",
    "Poikkea MIELIPOINTTIIN, POIMI",
    "Mielenterveysosaamisella ratkaisuja iäkkäiden palveluihin",
    "Mielenterveysosaamisen vahvistaminen Haminan kasvatus- ja koulutuspalveluissa",
    "MEIDÄN MIELESSÄ",
    "PASEK-hanke",
    "Itsenäisesti asuvien 16–18-vuotiaiden nuorten mielenterveyden edistäminen",
    "Hyvinvointilähetti tukena Covid-19-pandemian jälkeisessä arjessa",
    "Miten jaksat omaishoitaja?",
    "Hyvän mielen kunta",
]
PPMM = "Parempia palveluja maahanmuuttajille (PPMM)"
PALOMA_PROJECTS = ["PALOMA", "PALOMA2", "PALOMA3"]
TRAININGS = [
    "PALOMA-koulutus", "Mental Health for Migration -videosarja", "Antirasismin verkkokurssi ammattilaisille",
    "PALOMA-käsikirja", "PALOMA-tutkijaverkosto",
    "Puheeksi otto – mielenterveysongelmien tunnistaminen ja ohjaaminen",
    "Puheeksi otto – päihdeongelmien tunnistaminen ja ohjaaminen", "Kulttuuritietoisuus ja kohtaamiset",
    "Traumaattiset kriisit", "Kulttuurinen varhaiskasvatus ja mielenterveys", "Verkostoitumiskoulutukset",
]
PUBLICATION_AUTHORS_YEARS = [
    ("Castaneda AE et al.", 2020), ("Garoff F.", 2022), ("Garoff F et al.", 2021), ("Garoff F et al.", 2021),
    ("Kieseppä V.", 2022), ("Kieseppä V et al.", 2020), ("Markkula N et al.", 2017),
]


def test_every_project_of_seeds_003_and_004_and_the_three_paloma_projects_is_seeded(directory):
    seeded = set(Project.objects.values_list("name", flat=True))
    assert seeded == {*STM_PROJECTS, PPMM, *PALOMA_PROJECTS}
    assert len(STM_PROJECTS) == 15


def test_each_seeded_project_has_recipient_region_period_and_its_source(directory):
    for project in Project.objects.all():
        assert project.recipient and project.region and project.period, project.name
        assert project.description_fi and project.description_en, project.name
        assert project.source.startswith("seeds/0"), project.name
    ppmm = Project.objects.get(name=PPMM)
    assert (ppmm.recipient, ppmm.region, ppmm.eura_code) == ("Turun kaupunki / Hyvinvointitoimiala",
                                                             "Varsinais-Suomi", "S20742")
    assert (ppmm.start_date.isoformat(), ppmm.end_date.isoformat()) == ("2016-09-01", "2018-05-31")
    assert ppmm.budget_band == "100 000–500 000 €" and not ppmm.period_estimated
    assert set(ppmm.methods.values_list("code", flat=True)) >= {"pair-work", "native-language-guidance",
                                                                "experts-by-experience", "interpreting"}
    pasek = Project.objects.get(name="PASEK-hanke")
    assert (pasek.recipient, pasek.region, pasek.funding_round) == ("Pirkanmaan sairaanhoitopiiri", "Pirkanmaa", "main")
    assert list(pasek.areas.values_list("code", flat=True)) == ["PI"]
    # Two STM projects state their period; for the others the programme's period stands in, marked as such.
    stated = set(Project.objects.filter(source__startswith="seeds/003", period_estimated=False)
                 .values_list("name", flat=True))
    assert stated == {STM_PROJECTS[1], STM_PROJECTS[5]}


def test_the_paloma_trainings_and_ppmm_trainings_are_seeded_with_audience_and_format(directory):
    real = Training.objects.filter(is_demo=False)
    assert sorted(real.values_list("name_fi", flat=True)) == sorted(TRAININGS)
    paloma = Training.objects.get(name_fi="PALOMA-koulutus")
    assert (paloma.languages, paloma.free_of_charge, paloma.duration) == (["fi", "en"], True, "16 videos")
    assert "professionals" in paloma.audience
    assert Training.objects.get(name_fi="Mental Health for Migration -videosarja").self_help


def test_the_seven_research_network_publications_are_seeded_with_year_authors_and_venue(directory):
    rows = list(Publication.objects.order_by("authors", "year", "title").values_list("authors", "year"))
    assert sorted(rows) == sorted(PUBLICATION_AUTHORS_YEARS)
    assert all(publication.venue for publication in Publication.objects.all())


def test_demo_services_include_arabic_low_threshold_and_crisis_help_in_tampere_and_trauma_care(directory):
    tampere = Service.objects.filter(service_areas__municipality__code="837") | Service.objects.filter(
        service_areas__area__code="PI")
    arabic = tampere.filter(languages__code="ar").distinct()
    kinds = set(arabic.values_list("service_types__code", flat=True))
    assert {"low-threshold", "crisis"} <= kinds
    for area in ("PI", "VS"):
        assert Service.objects.filter(service_areas__area__code=area, service_types__code="trauma-therapy").exists()
    assert all(service.is_demo and "(demo)" in service.name_fi for service in Service.objects.all())


def test_the_paloma_network_has_a_national_coordinator_and_an_actor_in_every_collaboration_area(directory):
    thl = NetworkMember.objects.get(organisation__name="Terveyden ja hyvinvoinnin laitos (THL)")
    assert set(thl.roles.values_list("role", flat=True)) == {"national_coordinator", "research_network"}
    areas = set(NetworkMember.objects.filter(roles__role="area_actor")
                .values_list("roles__collaboration_area__code", flat=True))
    assert areas == {"HUS", "KYS", "TAYS", "TYKS", "OYS"}
    assert any("ar" in expert.languages for expert in Expert.objects.filter(takes_consultations=True))


def test_loading_twice_adds_nothing_and_every_entry_has_a_creation_row_in_its_history(directory):
    from polku.directory.loader import load_directory_facts

    before = (Project.objects.count(), Training.objects.count(), Service.objects.count(), ChangeRecord.objects.count())
    load_directory_facts()
    after = (Project.objects.count(), Training.objects.count(), Service.objects.count(), ChangeRecord.objects.count())
    assert before == after
    for project in Project.objects.all():
        record = ChangeRecord.objects.get(resource_uuid=project.uuid, action="create")
        assert (record.resource_type, record.updated_by, record.replacement_value) == ("project", "polku", project.name)


def _sentences_of_seeds() -> str:
    text = " ".join(path.read_text(encoding="utf-8") for path in (SHARED / "seeds").glob("*.txt"))
    return " ".join(re.findall(r"\w+", text.lower()))


@pytest.mark.skipif(not (SHARED / "seeds").exists(), reason="the shared seeds are not beside the project")
def test_no_description_copies_eight_consecutive_words_of_the_seed_documents():
    seeds = _sentences_of_seeds()
    own = json.loads((Path(__file__).resolve().parents[2] / "src/polku/directory/data/directory_seed.json")
                     .read_text(encoding="utf-8"))
    texts = [value for group in ("projects", "trainings", "publications") for entry in own[group]
             for key, value in entry.items() if key.split("_")[0] in ("description", "results", "good", "transfer")]
    assert len(texts) > 40
    copied = []
    for text in texts:
        words = re.findall(r"\w+", text.lower())
        for start in range(len(words) - 7):
            window = " ".join(words[start:start + 8])
            if window in seeds:
                copied.append(window)
    assert not copied, copied

"""Directory search: 50 000 simulated services, Polku's Finnish-aware search vs. a naive `icontains` scan.

Both run in the same process on the same database. Polku's search normalises the query (Voikko or the
fallback), checks the words against the vocabulary (typo pass), and runs one full-text query plus a
count (PostgreSQL: tsvector 'simple' over normalised lexemes, GIN; SQLite: FTS5). The baseline filters
title and summary columns with `icontains` for every word, as a plain Django search would. Recall
columns count how many of the benchmark's inflected queries reach a service whose text has the base form.
"""

from __future__ import annotations

import random
import time

from bench.table import measure, print_table, summarise
from polku.core.models import Area, Municipality, Organisation, OrganisationType
from polku.directory import finnish, search
from polku.directory.loader import load_taxonomies
from polku.directory.models import (
    DirectoryOrganisation,
    SearchDocument,
    Service,
    ServiceArea,
    ServiceLanguage,
    TaxonomyTerm,
)
from polku.directory.search import SearchFilters

SERVICES = 50_000
SEED = 20_260_101
REPEAT = 300
# (query, a base form the matching services contain): inflected and compound forms, as people type them.
QUERIES = [
    ("masennukseen", "masennus"), ("tulkille", "tulkki"), ("lapsiperheille", "lapsiperhe"),
    ("traumaterapiaan", "traumaterapia"), ("päihdeongelmiin", "päihdeongelma"), ("kriisipuhelimeen", "kriisipuhelin"),
    ("ahdistukseen", "ahdistus"), ("unettomuuteen", "unettomuus"), ("vertaistukeen", "vertaistuki"),
    ("nuorille", "nuori"), ("keskusteluapuun", "keskusteluapu"), ("psykologille", "psykologi"),
    ("perheneuvolaan", "perheneuvola"), ("kidutetuille", "kidutettu"), ("alaikäisille", "alaikäinen"),
    ("ryhmään", "ryhmä"), ("omakieliseen ohjaukseen", "omakielinen"), ("surusta", "suru"),
    ("traumaterapia arabiaksi", "traumaterapia"), ("matalan kynnyksen tukeen", "kynnys"),
]
SENTENCES = [
    "Tarjoamme keskusteluapua masennus- ja ahdistusoireisiin.", "Matalan kynnyksen tukea ilman ajanvarausta.",
    "Tulkki järjestetään tarvittaessa maksutta.", "Traumaterapia pakolaistaustaisille aikuisille.",
    "Vertaistukiryhmä kokoontuu viikoittain.", "Lapsiperheiden tukea vanhemmuuteen ja arkeen.",
    "Päihdeongelmiin neuvontaa ja hoitoa.", "Kriisipuhelin palvelee ympäri vuorokauden.",
    "Unettomuus ja stressi ovat yleisiä syitä hakeutua palveluun.", "Nuorten mielenterveyspiste koulun lähellä.",
    "Psykologi ja sairaanhoitaja työskentelevät työparina.", "Omakielinen ohjaus arabiaksi, dariksi ja somaliksi.",
    "Kidutettujen kuntoutus moniammatillisena työnä.", "Perheneuvola auttaa lasten ja nuorten kasvatuksessa.",
    "Suru ja menetys ovat osa elämää; ryhmässä niistä voi puhua.", "Ilman huoltajaa tulleet alaikäiset.",
    "Palveluohjausta sosiaali- ja terveyspalveluihin.", "Etävastaanotto videoyhteydellä.",
    "Kokemusasiantuntijat mukana toiminnassa.", "Yksinäisyyttä vähentävää toimintaa asukkaille.",
]
NAME_HEADS = ["Keskusteluapu", "Kriisiapu", "Traumaterapia", "Vertaistukiryhmä", "Perheneuvola", "Päihdeneuvonta",
              "Mielenterveyspiste", "Psykologin vastaanotto", "Omakielinen ohjaus", "Kriisipuhelin"]


def _simulate(rng: random.Random) -> None:
    load_taxonomies()
    types = list(TaxonomyTerm.objects.filter(taxonomy__code="polku-service-type"))
    groups = list(TaxonomyTerm.objects.filter(taxonomy__code="polku-target-group"))
    municipalities = list(Municipality.objects.select_related("area"))
    areas = list(Area.objects.exclude(code="AL"))
    providers = []
    for index in range(200):
        org = Organisation.objects.create(name=f"Simuloitu palveluntuottaja {index}", type=OrganisationType.UNIT)
        providers.append(DirectoryOrganisation.objects.create(organisation=org, description_fi="Simuloitu.",
                                                              is_demo=True))
    services = []
    for index in range(SERVICES):
        place = rng.choice(municipalities)
        services.append(Service(organisation=rng.choice(providers), is_demo=True, status="active",
                                name_fi=f"{rng.choice(NAME_HEADS)}, {place.name_fi} (sim {index})",
                                description_fi=" ".join(rng.sample(SENTENCES, 3)),
                                free_of_charge=rng.random() < 0.7, interpretation_available=rng.random() < 0.5))
    Service.objects.bulk_create(services, batch_size=2000)
    services = list(Service.objects.filter(name_fi__contains="(sim ").only("pk"))
    type_links, group_links, languages, service_areas = [], [], [], []
    for service in services:
        type_links += [Service.service_types.through(service_id=service.pk, taxonomyterm_id=t.pk)
                       for t in rng.sample(types, rng.randint(1, 3))]
        group_links += [Service.target_groups.through(service_id=service.pk, taxonomyterm_id=g.pk)
                        for g in rng.sample(groups, rng.randint(1, 2))]
        languages += [ServiceLanguage(service_id=service.pk, code=code)
                      for code in rng.sample(["fi", "sv", "en", "ar", "so", "prs", "fa", "ru", "uk", "ckb"], 3)]
        if rng.random() < 0.7:
            service_areas.append(ServiceArea(service_id=service.pk, municipality=rng.choice(municipalities)))
        else:
            service_areas.append(ServiceArea(service_id=service.pk, area=rng.choice(areas)))
    for model, rows in ((Service.service_types.through, type_links), (Service.target_groups.through, group_links),
                        (ServiceLanguage, languages), (ServiceArea, service_areas)):
        model.objects.bulk_create(rows, batch_size=5000)


def _cycle(items):
    position = {"i": -1}

    def next_item():
        position["i"] = (position["i"] + 1) % len(items)
        return items[position["i"]]
    return next_item


def _recall(find) -> str:
    """Queries whose results include a service with the query's base form (e.g. "masennus" for
    "masennukseen") in its name or summary."""
    hits = 0
    for query, base in QUERIES:
        stem = base[: max(4, len(base) - 3)]  # "kynnys" also in "kynnyksen": compare the stable beginning
        if any(stem in " ".join(finnish.words(text)) for text in find(query)):
            hits += 1
    return f"{hits}/{len(QUERIES)}"


def run() -> None:
    rng = random.Random(SEED)
    print(f"(seed {SEED}; normaliser: {finnish.normaliser_name()})")
    started = time.perf_counter()
    _simulate(rng)
    simulated = time.perf_counter() - started
    started = time.perf_counter()
    documents = search.rebuild_index()
    indexed = time.perf_counter() - started
    print(f"simulated {SERVICES} services in {simulated:.1f} s; indexed {documents} documents in {indexed:.1f} s "
          f"({SearchDocument.objects.count()} in the index)")
    queries = [query for query, _base in QUERIES]
    next_query = _cycle(queries)
    filters = SearchFilters(area="PI", language="ar")
    polku = summarise(measure(lambda: search.search(next_query(), limit=20), repeat=REPEAT))
    polku_filtered = summarise(measure(lambda: search.search(next_query(), filters=filters, limit=20), repeat=REPEAT))
    naive = summarise(measure(lambda: search.naive_search(next_query(), limit=20), repeat=REPEAT))
    polku_recall = _recall(lambda q: [h.document.title_fi + " " + h.document.summary_fi
                                      for h in search.search(q, limit=20).hits])
    naive_recall = _recall(lambda q: [d.title_fi + " " + d.summary_fi for d in search.naive_search(q, limit=20)])
    print_table(
        ["search over 50 000 services", "mean ms", "p50 ms", "p95 ms", "queries finding the base form"],
        [["polku search (normalised FTS, typo pass, count)", polku["mean_ms"], polku["p50_ms"], polku["p95_ms"],
          polku_recall],
         ["polku search + area and language filters", polku_filtered["mean_ms"], polku_filtered["p50_ms"],
          polku_filtered["p95_ms"], "—"],
         ["baseline: icontains on titles and summaries", naive["mean_ms"], naive["p50_ms"], naive["p95_ms"],
          naive_recall]],
    )

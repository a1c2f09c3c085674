from collections import Counter

import pytest

from polku.core.models import Area, AreaKind, CollaborationArea, Municipality

pytestmark = pytest.mark.django_db


def test_there_are_five_collaboration_areas_with_their_university_hospitals():
    assert sorted(CollaborationArea.objects.values_list("code", flat=True)) == ["HUS", "KYS", "OYS", "TAYS", "TYKS"]


def test_there_are_22_wellbeing_services_areas_and_aland_apart():
    wellbeing = Area.objects.exclude(kind=AreaKind.ALAND)
    assert wellbeing.count() == 22
    assert wellbeing.filter(kind=AreaKind.CITY_OF_HELSINKI).get().short_name_fi == "Helsinki"
    assert Area.objects.filter(kind=AreaKind.ALAND).count() == 1


def test_there_are_309_municipalities_each_in_exactly_one_area():
    assert Municipality.objects.count() == 309
    assert Municipality.objects.filter(area__isnull=True).count() == 0
    assert len(set(Municipality.objects.values_list("code", flat=True))) == 309


def test_every_wellbeing_services_area_is_in_exactly_one_collaboration_area():
    for area in Area.objects.exclude(kind=AreaKind.ALAND):
        assert area.collaboration_area is not None, area.code


def test_collaboration_areas_match_decree_91_2022():
    """Independent oracle: the list in DOMAIN.md, by Finnish short name."""
    expected = {
        "HUS": {"Etelä-Karjala", "Helsinki", "Itä-Uusimaa", "Keski-Uusimaa", "Kymenlaakso", "Länsi-Uusimaa",
                "Päijät-Häme", "Vantaa ja Kerava"},
        "KYS": {"Pohjois-Savo", "Keski-Suomi", "Etelä-Savo", "Pohjois-Karjala"},
        "TAYS": {"Pirkanmaa", "Kanta-Häme", "Etelä-Pohjanmaa"},
        "TYKS": {"Varsinais-Suomi", "Satakunta", "Pohjanmaa"},
        "OYS": {"Pohjois-Pohjanmaa", "Keski-Pohjanmaa", "Kainuu", "Lappi"},
    }
    for collab in CollaborationArea.objects.all():
        assert set(collab.areas.values_list("short_name_fi", flat=True)) == expected[collab.code]


def test_known_municipalities_are_in_the_right_areas():
    by_name = {m.name_fi: m.area.short_name_fi for m in Municipality.objects.select_related("area")}
    assert by_name["Turku"] == "Varsinais-Suomi"
    assert by_name["Helsinki"] == "Helsinki"
    assert by_name["Tampere"] == "Pirkanmaa"
    assert by_name["Rovaniemi"] == "Lappi"
    assert by_name["Vantaa"] == "Vantaa ja Kerava"
    assert by_name["Maarianhamina"] == "Ahvenanmaa"
    assert Municipality.objects.get(name_fi="Maarianhamina").name_sv == "Mariehamn"


def test_municipality_counts_per_area_sum_to_309_and_aland_has_16():
    counts = Counter(Municipality.objects.values_list("area__code", flat=True))
    assert sum(counts.values()) == 309
    assert counts["AL"] == 16
    assert counts["HEL"] == 1


def test_loading_twice_changes_nothing():
    from polku.core.services import load_areas

    before = list(Municipality.objects.order_by("code").values_list("code", "area__code", "population_2020"))
    result = load_areas()
    after = list(Municipality.objects.order_by("code").values_list("code", "area__code", "population_2020"))
    assert before == after
    assert (result.collaboration_areas, result.areas, result.municipalities) == (5, 23, 309)


def test_an_area_outside_aland_cannot_lack_a_collaboration_area():
    from django.db import IntegrityError, transaction

    area = Area.objects.get(code="VS")
    area.collaboration_area = None
    with pytest.raises(IntegrityError), transaction.atomic():
        area.save()

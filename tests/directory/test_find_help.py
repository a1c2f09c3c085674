"""The public Find-help page: no login, no cookies, ten languages with right-to-left, the right services."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from polku.directory import find_help_i18n as i18n

pytestmark = pytest.mark.django_db

URL = "/apua/"


def test_the_page_is_at_apua_and_needs_no_login(directory, client):
    assert reverse("findhelp:find_help") == URL
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Language"] == "fi"


@pytest.mark.parametrize("params", [{}, {"language": "ar", "municipality": "837"}, {"language": "so"}])
def test_a_get_sets_no_cookie_at_all(directory, client, params):
    response = client.get(URL, params)
    assert response.cookies == {} and "Set-Cookie" not in str(response.serialize_headers())
    assert "csrfmiddlewaretoken" not in response.content.decode()


def test_the_ten_languages_each_have_every_phrase_and_the_municipality_at_the_end_of_the_heading():
    codes = [code for code, _name in i18n.LANGUAGES]
    assert codes == ["fi", "sv", "en", "ar", "fa", "prs", "so", "ru", "uk", "ckb"]
    keys = set(i18n.STRINGS["en"])
    for code in codes:
        assert set(i18n.STRINGS[code]) == keys, code
        assert i18n.STRINGS[code]["results"].endswith("{municipality}"), code
        assert all(value.strip() for value in i18n.STRINGS[code].values()), code


@pytest.mark.parametrize("language,direction", [("fi", "ltr"), ("sv", "ltr"), ("en", "ltr"), ("ar", "rtl"),
                                                ("fa", "rtl"), ("prs", "rtl"), ("so", "ltr"), ("ru", "ltr"),
                                                ("uk", "ltr"), ("ckb", "rtl")])
def test_each_language_renders_its_own_words_with_the_right_direction(directory, client, language, direction):
    response = client.get(URL, {"language": language, "municipality": "837"})
    body = response.content.decode()
    assert f'<html lang="{language}" dir="{direction}">' in body
    assert f"<h1>{i18n.STRINGS[language]['title']}</h1>" in body
    assert response["Content-Language"] == language


def test_a_person_in_tampere_reading_arabic_sees_low_threshold_and_crisis_help_in_arabic_first(directory, client):
    response = client.get(URL, {"language": "ar", "municipality": "837"})
    cards = response.context["cards"]
    names = [card.service.name_fi for card in cards]
    assert "Olohuone – matalan kynnyksen keskustelupiste (demo)" in names
    assert "Kriisiapu arabiaksi ja suomeksi, Tampere (demo)" in names
    assert "Kriisipuhelin monella kielellä (demo)" in names  # nationwide
    assert all(card.crisis or card.low_threshold for card in cards)
    assert not any("Oulu" in name for name in names)
    speaking = [card.speaks_language for card in cards]
    assert speaking == sorted(speaking, reverse=True) and speaking[0]
    body = response.content.decode()
    assert "الموظفون يتحدثون لغتك" in body  # "staff speak your language"
    assert 'href="tel:+358500000101"' in body
    assert '<h3 id="service-1" lang="en" dir="auto">' in body  # the service text is English, marked so


def test_self_help_materials_in_the_persons_language_are_shown(directory, client):
    body = client.get(URL, {"language": "prs"}).content.decode()
    assert "Mental Health for Migration" in body  # languages not stated by the source: shown to all
    assert "Kun mieli on raskas" in body or "When your mind feels heavy" in body
    fi_body = client.get(URL, {"language": "fi"}).content.decode()
    assert "Kun mieli on raskas" not in fi_body  # that demo material has no Finnish version


@pytest.mark.parametrize("code", ["999", "abc", "'; DROP TABLE x; --", "<script>"])
def test_an_unknown_municipality_asks_to_choose_from_the_list(directory, client, code):
    response = client.get(URL, {"language": "en", "municipality": code})
    body = response.content.decode()
    assert response.status_code == 200 and "Choose your municipality from the list." in body
    assert "<script>" not in body


def test_an_unknown_language_falls_back_to_finnish_and_a_post_is_refused(directory, client):
    body = client.get(URL, {"language": "xx"}).content.decode()
    assert '<html lang="fi" dir="ltr">' in body
    assert client.post(URL, {"language": "ar"}).status_code == 405


def test_touch_targets_are_at_least_48_pixels_in_the_stylesheet():
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "src/polku/directory/static/directory/find_help.css").read_text()
    heights = [int(value) for value in re.findall(r"min-height: (\d+)px", css)]
    assert heights and min(heights) >= 48

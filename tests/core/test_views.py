"""The UI shell without a browser: login and lockout, language choice, the access-log page, bad input."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import formats, translation

from polku.core import access
from polku.core.models import AccessLog, BreakTheGlassGrant, User
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
HOME = reverse("home")
LOGS = reverse("access_log")
SCRIPT = "<script>alert(1)</script>"
SCRIPT_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
SQL_INJECTION = "' OR 1=1; DROP TABLE core_user; --"
HELSINKI = ZoneInfo("Europe/Helsinki")


def text(response) -> str:
    return response.content.decode()


def log_row(*, username: str = "hoitaja", client_id: int = 1, at: datetime | None = None, **fields) -> AccessLog:
    """An access-log row as the access core writes it (the core's own tests cover the writing)."""
    defaults = {"actor_username": username, "actor_role": "professional", "client_id": client_id,
                "object_type": "client", "action": "read", "basis": "care_relationship"}
    if at is not None:
        defaults["at"] = at
    return AccessLog.objects.create(**{**defaults, **fields})


# --- Login and logout ---------------------------------------------------------------------------------

def test_front_page_sends_an_anonymous_visitor_to_the_login_page(client):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={HOME}"


def test_login_page_is_in_finnish_with_labelled_fields(client):
    body = text(client.get(LOGIN))
    assert '<html lang="fi"' in body
    assert "<h1>Kirjaudu sisään</h1>" in body
    assert '<label for="id_username">Käyttäjätunnus</label>' in body
    assert '<label for="id_password">Salasana</label>' in body


def test_right_password_logs_in_and_logout_ends_the_session(client, nurse):
    response = client.post(LOGIN, {"username": "nurse", "password": TEST_PASSWORD})
    assert response.status_code == 302 and response["Location"] == HOME
    assert client.session["_auth_user_id"] == str(nurse.pk)
    body = text(client.get(HOME))
    assert "Tervetuloa, Nurse" in body and "Kirjaudu ulos" in body

    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session
    assert client.get(HOME).status_code == 302


def test_logout_by_get_is_refused_so_a_link_elsewhere_cannot_log_the_user_out(client, nurse):
    client.force_login(nurse)
    assert client.get(reverse("logout")).status_code == 405
    assert client.session["_auth_user_id"] == str(nurse.pk)


def test_wrong_password_shows_a_finnish_error_and_keeps_the_user_name(client, nurse):
    response = client.post(LOGIN, {"username": "nurse", "password": "not-the-password"})
    body = text(response)
    assert response.status_code == 200
    assert 'class="error-summary" role="alert"' in body
    assert "syötä kelvollinen käyttäjätunnus ja salasana" in body
    assert 'value="nurse"' in body
    assert "_auth_user_id" not in client.session


def test_empty_login_form_names_each_missing_field(client):
    body = text(client.post(LOGIN, {"username": "", "password": ""}))
    assert '<a href="#id_username">Käyttäjätunnus: Tämä kenttä vaaditaan.</a>' in body
    assert '<a href="#id_password">Salasana: Tämä kenttä vaaditaan.</a>' in body
    assert 'aria-invalid="true" aria-describedby="id_username_error"' in body
    assert '<span class="field-error" id="id_password_error">Tämä kenttä vaaditaan.</span>' in body


def test_sixth_attempt_after_five_wrong_passwords_is_locked_out_even_with_the_right_password(client, nurse):
    for attempt in range(1, 5):
        response = client.post(LOGIN, {"username": "nurse", "password": f"wrong-{attempt}"})
        assert response.status_code == 200, f"attempt {attempt} should still show the login form"
    client.post(LOGIN, {"username": "nurse", "password": "wrong-5"})

    response = client.post(LOGIN, {"username": "nurse", "password": TEST_PASSWORD})
    body = text(response)
    assert response.status_code == 429
    assert "<h1>Tunnus lukittu</h1>" in body
    minutes = int(settings.AXES_COOLOFF_TIME * 60)
    assert f"kirjautuminen tällä käyttäjätunnuksella on estetty {minutes} minuutiksi" in body
    assert "_auth_user_id" not in client.session
    assert client.get(HOME).status_code == 302


def test_lockout_of_one_user_name_does_not_lock_a_colleague_out(client, nurse, counsellor):
    for attempt in range(6):
        client.post(LOGIN, {"username": "nurse", "password": f"wrong-{attempt}"})
    response = client.post(LOGIN, {"username": "counsellor", "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(counsellor.pk)


def test_script_in_the_login_form_is_shown_escaped_and_not_executed(client):
    body = text(client.post(LOGIN, {"username": SCRIPT, "password": SCRIPT}))
    assert SCRIPT not in body
    assert f'value="{SCRIPT_ESCAPED}"' in body


def test_sql_injection_in_the_login_form_logs_nobody_in_and_leaves_the_users_table(client, nurse):
    response = client.post(LOGIN, {"username": SQL_INJECTION, "password": SQL_INJECTION})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "core_user" in connection.introspection.table_names()
    assert User.objects.filter(username="nurse").exists()
    assert "&#x27; OR 1=1; DROP TABLE core_user; --" in text(response)


# --- Language -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("code", ["xx", "de", "ar", "", "SV", SCRIPT])
def test_unknown_language_in_the_address_falls_back_to_finnish_without_a_cookie(client, code):
    response = client.get(LOGIN, {"lang": code})
    body = text(response)
    assert '<html lang="fi"' in body and "<h1>Kirjaudu sisään</h1>" in body
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert SCRIPT not in body


@pytest.mark.parametrize("code", ["xx", "de", SCRIPT])
def test_unknown_language_in_the_cookie_falls_back_to_finnish(client, code):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = code
    body = text(client.get(LOGIN))
    assert '<html lang="fi"' in body and "<h1>Kirjaudu sisään</h1>" in body


def test_swedish_in_the_address_switches_the_page_and_sets_the_cookie(client):
    response = client.get(LOGIN, {"lang": "sv"})
    body = text(response)
    assert '<html lang="sv"' in body and "<h1>Logga in</h1>" in body
    assert "Hoppa till huvudinnehållet" in body
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "sv"
    assert "<h1>Logga in</h1>" in text(client.get(LOGIN)), "the cookie keeps Swedish on the next page"


def test_english_is_served_from_the_english_msgids(client, nurse):
    client.force_login(nurse)
    body = text(client.get(HOME, {"lang": "en"}))
    assert '<html lang="en"' in body and "Log out" in body and "Welcome, Nurse" in body


def test_language_buttons_drop_a_lang_parameter_so_the_choice_sticks(client):
    body = text(client.get(LOGIN, {"lang": "sv", "next": "/"}))
    assert f'name="next" type="hidden" value="{LOGIN}"' in body
    response = client.post(reverse("set_language"), {"language": "fi", "next": LOGIN}, follow=True)
    assert '<html lang="fi"' in text(response)
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fi"


def test_role_and_profession_labels_are_translated(client, nurse):
    client.force_login(nurse)
    assert "Rooli: Ammattilainen" in text(client.get(HOME))
    assert "Roll: Yrkesperson" in text(client.get(HOME, {"lang": "sv"}))


def test_finnish_dates_are_day_month_year_with_dots():
    with translation.override("fi"):
        assert formats.date_format(date(2026, 11, 23), "SHORT_DATE_FORMAT") == "23.11.2026"
        assert formats.date_format(datetime(2026, 11, 23, 9, 5), "SHORT_DATETIME_FORMAT") == "23.11.2026 9.05"
    with translation.override("sv"):
        assert formats.date_format(date(2026, 11, 23), "SHORT_DATE_FORMAT") == "2026-11-23"


# --- Error pages --------------------------------------------------------------------------------------

def test_unknown_address_gives_the_finnish_not_found_page(client, nurse):
    client.force_login(nurse)
    response = client.get("/ei-ole-olemassa/")
    assert response.status_code == 404
    assert "<h1>Sivua ei löytynyt</h1>" in text(response)


# --- Access log ---------------------------------------------------------------------------------------

def test_access_log_is_forbidden_to_a_professional(client, nurse):
    client.force_login(nurse)
    response = client.get(LOGS)
    assert response.status_code == 403
    assert "<h1>Ei käyttöoikeutta</h1>" in text(response)


def test_access_log_asks_an_anonymous_visitor_to_log_in(client):
    response = client.get(LOGS)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_access_log_opens_for_the_administrator_with_finnish_dates(client, data_controller):
    log_row(username="hoitaja", client_id=7, at=datetime(2026, 11, 23, 10, 5, tzinfo=HELSINKI))
    client.force_login(data_controller)
    response = client.get(LOGS)
    body = text(response)
    assert response.status_code == 200
    assert "<h1>Lokitiedot</h1>" in body
    assert "<td>23.11.2026 10.05</td><td>hoitaja</td>" in body
    assert "1 rivi" in body
    assert 'href="/hallinta/lokit/">Lokitiedot</a>' in body, "the administrator's navigation links the log"


def test_access_log_filters_by_user_name_client_basis_and_dates(client, data_controller):
    log_row(username="hoitaja", client_id=1, at=datetime(2026, 11, 2, 12, 0, tzinfo=HELSINKI))
    log_row(username="hoitaja", client_id=2, at=datetime(2026, 11, 20, 12, 0, tzinfo=HELSINKI),
            basis="break_the_glass", reason="Kriisitilanne")
    log_row(username="ohjaaja", client_id=1, at=datetime(2026, 11, 20, 12, 0, tzinfo=HELSINKI))
    client.force_login(data_controller)

    def rows(**query):
        return client.get(LOGS, query).context["page"].object_list

    assert {r.actor_username for r in rows(username="HOITAJA")} == {"hoitaja"}
    assert {r.client_id for r in rows(username="hoitaja")} == {1, 2}
    assert [r.actor_username for r in rows(client_id=1, date_from="2026-11-10")] == ["ohjaaja"]
    assert [r.client_id for r in rows(basis="break_the_glass")] == [2]
    assert len(rows(date_from="2026-11-01", date_to="2026-11-02")) == 1
    assert len(rows()) == 3


def test_end_date_before_start_date_is_a_field_error_naming_the_field(client, data_controller):
    client.force_login(data_controller)
    response = client.get(LOGS, {"date_from": "2026-11-23", "date_to": "2026-11-01"})
    body = text(response)
    assert response.status_code == 200
    assert response.context["form"].errors == {"date_to": ["Loppupäivä on ennen alkupäivää."]}
    assert '<a href="#id_date_to">Päättyen: Loppupäivä on ennen alkupäivää.</a>' in body
    assert 'aria-invalid="true"' in body and 'aria-describedby="id_date_to_error"' in body


@pytest.mark.parametrize("query", [{"client_id": "abc"}, {"client_id": "-1"}, {"date_from": "23.13.2026"},
                                   {"basis": "everything"}, {"page": "abc"}, {"page": "9999"}])
def test_malformed_filters_give_a_page_not_a_server_error(client, data_controller, query):
    client.force_login(data_controller)
    response = client.get(LOGS, query)
    assert response.status_code == 200
    field = next(iter(query))
    if field != "page":
        assert field in response.context["form"].errors


def test_access_log_pages_by_fifty_and_keeps_the_filter_in_the_page_links(client, data_controller):
    for n in range(51):
        log_row(username="hoitaja", client_id=n + 1)
    log_row(username="ohjaaja")
    client.force_login(data_controller)
    body = text(client.get(LOGS, {"username": "hoitaja"}))
    assert "51 riviä" in body
    assert "Sivu 1 / 2" in body
    assert 'href="?username=hoitaja&amp;page=2" rel="next">Seuraava</a>' in body
    second = client.get(LOGS, {"username": "hoitaja", "page": "2"})
    assert len(second.context["page"].object_list) == 1
    assert "Sivu 2 / 2" in text(second) and 'rel="prev"' in text(second)


def test_script_and_sql_in_the_log_search_are_escaped_and_harmless(client, data_controller):
    log_row(username="hoitaja")
    client.force_login(data_controller)
    for value in (SCRIPT, SQL_INJECTION):
        response = client.get(LOGS, {"username": value})
        body = text(response)
        assert response.status_code == 200
        assert SCRIPT not in body
        assert "0 riviä" in body
    assert f'value="{SCRIPT_ESCAPED}"' in text(client.get(LOGS, {"username": SCRIPT}))
    assert "core_user" in connection.introspection.table_names()
    assert AccessLog.objects.count() == 1 and User.objects.filter(pk=data_controller.pk).exists()


def test_script_in_a_stored_break_the_glass_reason_is_shown_escaped(client, nurse, data_controller):
    access.break_the_glass(actor=nurse, client_id=42, reason=SCRIPT)
    client.force_login(data_controller)
    body = text(client.get(LOGS))
    assert SCRIPT not in body
    assert f"<td>{SCRIPT_ESCAPED}</td>" in body


# --- Reviewing break-the-glass ------------------------------------------------------------------------

@pytest.fixture
def grant(nurse):
    return access.break_the_glass(actor=nurse, client_id=42, reason="Asiakas kriisissä päivystyksessä")


def test_administrator_marks_a_break_the_glass_grant_reviewed_from_the_log_page(client, data_controller, grant):
    client.force_login(data_controller)
    assert "Asiakas kriisissä päivystyksessä" in text(client.get(LOGS))
    response = client.post(reverse("review_break_the_glass", args=[grant.pk]), {"note": "Peruste asianmukainen."},
                           follow=True)
    grant.refresh_from_db()
    assert grant.reviewed_at is not None
    assert (grant.reviewed_by, grant.review_note) == (data_controller, "Peruste asianmukainen.")
    body = text(response)
    assert "Hätäkäyttö on merkitty tarkastetuksi." in body
    waiting_list = body[body.index('id="pending-heading"'):body.index('id="search-heading"')]
    assert "Ei yhtään." in waiting_list, "a reviewed grant leaves the waiting list"
    assert not response.context["pending"].exists()


def test_review_without_a_note_is_refused_with_a_message(client, data_controller, grant):
    client.force_login(data_controller)
    response = client.post(reverse("review_break_the_glass", args=[grant.pk]), {"note": "  "}, follow=True)
    grant.refresh_from_db()
    assert grant.reviewed_at is None
    assert "Kirjoita tarkastusmerkintä." in text(response)


def test_second_review_of_the_same_grant_is_refused_without_a_server_error(client, data_controller, grant):
    client.force_login(data_controller)
    url = reverse("review_break_the_glass", args=[grant.pk])
    client.post(url, {"note": "Ensimmäinen."})
    response = client.post(url, {"note": "Toinen."}, follow=True)
    assert response.status_code == 200
    assert "Tämä hätäkäyttö on jo tarkastettu." in text(response)
    grant.refresh_from_db()
    assert grant.review_note == "Ensimmäinen."


def test_professional_cannot_review_a_grant(client, nurse, grant):
    client.force_login(nurse)
    response = client.post(reverse("review_break_the_glass", args=[grant.pk]), {"note": "Oma tarkastus."})
    assert response.status_code == 403
    grant.refresh_from_db()
    assert grant.reviewed_at is None


def test_review_of_an_unknown_grant_is_not_found_and_get_is_not_allowed(client, data_controller, grant):
    client.force_login(data_controller)
    assert client.post(reverse("review_break_the_glass", args=[grant.pk + 1000]), {"note": "x"}).status_code == 404
    assert client.get(reverse("review_break_the_glass", args=[grant.pk])).status_code == 405
    assert BreakTheGlassGrant.objects.get(pk=grant.pk).reviewed_at is None

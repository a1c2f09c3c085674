"""`polku organisation add|list|rename`: operators make tenants without the admin; bad input is one line, no row."""

from __future__ import annotations

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import translation

from polku.core import selectors
from polku.core.models import Area, Organisation, OrganisationType, User
from tests.factories import OrganisationFactory, make_user

pytestmark = pytest.mark.django_db

# Business IDs that pass the Y-tunnus rule. The rule is written out again here, independently of
# polku.core.business_id, so that a mistake in the code is not repeated in the test that checks it.
VALID_REMAINDER_ZERO = "0246246-0"  # remainder 0 → check digit 0
VALID = "0245437-2"
NO_CHECK_DIGIT_EXISTS = "1000008-0"  # remainder 1: no business ID is issued with these seven digits


def check_digit_by_the_published_rule(seven_digits: str) -> int | None:
    remainder = sum(int(d) * w for d, w in zip(seven_digits, (7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
    return {0: 0, 1: None}.get(remainder, 11 - remainder)


def test_the_business_ids_used_here_are_what_the_published_rule_says_they_are():
    assert check_digit_by_the_published_rule(VALID_REMAINDER_ZERO[:7]) == 0
    assert check_digit_by_the_published_rule(VALID[:7]) == 2
    assert check_digit_by_the_published_rule(NO_CHECK_DIGIT_EXISTS[:7]) is None
    assert check_digit_by_the_published_rule("1234567") == 1  # so 1234567-8 is wrong


@pytest.fixture(autouse=True)
def _areas(areas):
    """The real areas (codes VS, HEL, AL, ...) that --area looks up."""


def run(*args: str) -> str:
    out = io.StringIO()
    with translation.override("en"):
        call_command("organisation", *args, stdout=out)
    return out.getvalue()


def refused(*args: str) -> str:
    """The one-line error of a refused command, after checking that no organisation was stored or changed."""
    before = list(Organisation.objects.order_by("pk").values_list("pk", "name", "parent_id"))
    with pytest.raises(CommandError) as failure, translation.override("en"):
        call_command("organisation", *args, stdout=io.StringIO())
    message = str(failure.value)
    assert "\n" not in message and "Traceback" not in message
    # On PostgreSQL this query would fail if a refused INSERT had left the test's transaction aborted.
    assert list(Organisation.objects.order_by("pk").values_list("pk", "name", "parent_id")) == before
    return message


@pytest.fixture
def county():
    return Organisation.objects.create(name="Testin hyvinvointialue", type=OrganisationType.WELLBEING_SERVICES_COUNTY)


# ------------------------------------------------------------------------------------------------ add


def test_add_stores_every_field_links_parent_and_area_and_prints_id_and_name(county):
    output = run("add", "  Mielenterveystiimi (testi)  ", "--type", "unit", "--parent", "Testin hyvinvointialue",
                 "--area", "VS", "--business-id", VALID, "--name-sv", "Mentalvårdsteamet (test)",
                 "--name-en", "Mental health team (test)")

    team = Organisation.objects.get(name="Mielenterveystiimi (testi)")
    assert output == f"created organisation {team.pk}: Mielenterveystiimi (testi)\n"
    assert (team.type, team.parent, team.home_area, team.business_id) == (
        OrganisationType.UNIT, county, Area.objects.get(code="VS"), VALID)
    assert (team.name_sv, team.name_en) == ("Mentalvårdsteamet (test)", "Mental health team (test)")


def test_a_user_can_be_created_in_the_new_organisation_by_its_name():
    run("add", "Järjestö (testi)", "--type", "ngo", "--business-id", VALID_REMAINDER_ZERO)

    call_command("createuser", "tiina", "--role", "professional", "--profession", "nurse",
                 "--organisation", "Järjestö (testi)", "--password", "correct-horse-battery-staple",
                 stdout=io.StringIO())

    assert User.objects.get(username="tiina").organisation == Organisation.objects.get(name="Järjestö (testi)")


def test_createuser_refuses_an_organisation_name_used_under_two_parents_instead_of_picking_one(county):
    # Before, createuser took the first match: a user could land in the other county's unit.
    other = Organisation.objects.create(name="Toinen hyvinvointialue", type=OrganisationType.WELLBEING_SERVICES_COUNTY)
    for parent in (county, other):
        Organisation.objects.create(name="Aikuissosiaalityö", type=OrganisationType.UNIT, parent=parent)

    with pytest.raises(CommandError) as failure, translation.override("en"):
        call_command("createuser", "tiina", "--role", "professional", "--profession", "nurse",
                     "--organisation", "Aikuissosiaalityö", "--password", "correct-horse-battery-staple",
                     stdout=io.StringIO())

    assert str(failure.value) == ("--organisation: Several organisations are named “Aikuissosiaalityö” (under "
                                  "different parents); give one of them another name first.")
    assert not User.objects.filter(username="tiina").exists()


def test_only_name_and_type_are_needed():
    run("add", "Pelkkä nimi", "--type", "other")

    bare = Organisation.objects.get(name="Pelkkä nimi")
    assert (bare.parent, bare.home_area, bare.business_id, bare.name_sv, bare.name_en) == (None, None, "", "", "")


@pytest.mark.parametrize(("given", "code"), [("hel", "HEL"), ("Varsinais-Suomi", "VS"), ("åland", "AL"),
                                             ("Egentliga Finlands välfärdsområde", "VS")])
def test_the_area_is_found_by_its_code_or_any_of_its_names_in_any_case(given, code):
    run("add", "Alueellinen yksikkö", "--type", "unit", "--area", given)

    assert Organisation.objects.get(name="Alueellinen yksikkö").home_area.code == code


def test_the_same_name_is_allowed_under_another_parent(county):
    other = Organisation.objects.create(name="Toinen hyvinvointialue", type=OrganisationType.WELLBEING_SERVICES_COUNTY)
    run("add", "Sosiaalipäivystys", "--type", "unit", "--parent", county.name)

    run("add", "Sosiaalipäivystys", "--type", "unit", "--parent", other.name)

    assert set(Organisation.objects.filter(name="Sosiaalipäivystys").values_list("parent__name", flat=True)) == {
        county.name, other.name}


@pytest.mark.parametrize(("args", "expected"), [
    (["", "--type", "unit"], "NAME: Give the organisation a name."),
    (["   ", "--type", "unit"], "NAME: Give the organisation a name."),
    (["x" * 201, "--type", "unit"], "NAME: A name is at most 200 characters long; this one has 201."),
    (["Nimi", "--type", "unit", "--name-sv", "x" * 201], "--name-sv: A name is at most 200 characters long"),
    (["Nimi", "--type", "unit", "--name-en", "x" * 201], "--name-en: A name is at most 200 characters long"),
    (["Nimi", "--type", "hospitl"], "--type: “hospitl” is not an organisation type; choose one of: county, "
                                    "municipality, national_agency, hospital, ngo, interpreter_centre, "
                                    "education, unit, other."),
    (["Nimi", "--type", "unit", "--parent", "Ei ole olemassa"],
     "--parent: There is no organisation named “Ei ole olemassa”."),
    (["Nimi", "--type", "unit", "--area", "XX"], "--area: There is no area “XX”; give an area code (AL, EK, "),
    (["Nimi", "--type", "unit", "--business-id", "1234567"],
     "--business-id: A business ID has the form 1234567-1: seven digits, a hyphen and a check digit."),
    (["Nimi", "--type", "unit", "--business-id", "1234567-8"],
     "--business-id: The check digit of the business ID does not match its seven digits."),
    (["Nimi", "--type", "unit", "--business-id", NO_CHECK_DIGIT_EXISTS],
     "--business-id: The check digit of the business ID does not match its seven digits."),
])
def test_bad_input_is_refused_with_one_line_naming_the_option_and_nothing_is_stored(args, expected):
    OrganisationFactory(name="Olemassa oleva")

    assert refused("add", *args).startswith(expected)


def test_a_parent_name_used_under_two_parents_is_ambiguous_not_guessed(county):
    other = Organisation.objects.create(name="Toinen hyvinvointialue", type=OrganisationType.WELLBEING_SERVICES_COUNTY)
    for parent in (county, other):
        Organisation.objects.create(name="Aikuissosiaalityö", type=OrganisationType.UNIT, parent=parent)

    message = refused("add", "Tiimi", "--type", "unit", "--parent", "Aikuissosiaalityö")

    assert message == ("--parent: Several organisations are named “Aikuissosiaalityö” (under different parents); "
                       "give one of them another name first.")


def test_a_second_organisation_of_the_same_name_under_the_same_parent_is_refused(county):
    run("add", "Perhekeskus", "--type", "unit", "--parent", county.name)

    message = refused("add", "Perhekeskus", "--type", "unit", "--parent", county.name)

    assert message == "NAME: “Testin hyvinvointialue” already has an organisation named “Perhekeskus”."


def test_a_second_top_level_organisation_of_the_same_name_is_refused(county):
    # The (name, parent) constraint alone would allow this: NULL parents never compare equal in an index.
    message = refused("add", county.name, "--type", "county")

    assert message == "NAME: There is already a top-level organisation named “Testin hyvinvointialue”."


def test_the_name_is_compared_after_stripping(county):
    assert refused("add", f" {county.name} ", "--type", "county").startswith("NAME: There is already")


def test_errors_are_in_the_default_language_finnish_when_none_is_chosen():
    with pytest.raises(CommandError) as failure:
        call_command("organisation", "add", "", "--type", "unit")

    assert str(failure.value) == "NAME: Anna organisaatiolle nimi."


# ----------------------------------------------------------------------------------------- the admin


def test_the_model_refuses_a_bad_business_id_and_a_duplicate_top_level_name_as_the_admin_form_checks(county):
    """The admin's form runs full_clean(), so the admin is held to the same rules as the command."""
    with pytest.raises(ValidationError) as refused_id:
        Organisation(name="Uusi", type=OrganisationType.NGO, business_id="1234567-8").full_clean()
    with pytest.raises(ValidationError) as refused_name:
        Organisation(name=county.name, type=OrganisationType.NGO).full_clean()

    assert refused_id.value.error_dict["business_id"][0].code == "business_id_check_digit"
    assert "__all__" in refused_name.value.error_dict
    Organisation(name="Uusi", type=OrganisationType.NGO, business_id=VALID).full_clean()


# ----------------------------------------------------------------------------------------------- list


def test_list_shows_one_aligned_row_per_organisation_with_its_number_of_users(county):
    team = Organisation.objects.create(name="Lastensuojelu", type=OrganisationType.UNIT, parent=county,
                                       home_area=Area.objects.get(code="HEL"), business_id=VALID)
    for username in ("eka", "toka"):
        make_user(role="professional", profession="nurse", organisation=team, username=username)

    header, *lines = run("list").splitlines()

    # Cells are separated by at least two spaces; no name here holds two spaces in a row. Other rows may be
    # there too: session fixtures of other tests load the directory's organisations for good.
    rows = {cells[1]: cells for cells in (re.split(r"\s{2,}", line.strip()) for line in lines)}
    assert rows["Lastensuojelu"] == [str(team.pk), "Lastensuojelu", "unit", "Testin hyvinvointialue", "HEL", VALID,
                                     "2"]
    assert rows["Testin hyvinvointialue"] == [str(county.pk), "Testin hyvinvointialue", "county", "-", "-", "-",
                                              "0"]
    assert len(lines) == Organisation.objects.count()
    labels = ["name", "type", "parent", "area", "business id"]
    for line in lines:
        cells = re.split(r"\s{2,}", line.strip())
        # Text columns start under their heading; the counts are right-aligned, so every line ends together.
        starts = [line[header.index(label):].startswith(cell) for label, cell in zip(labels, cells[1:6], strict=True)]
        assert starts == [True] * len(labels)
        assert len(line) == len(header)


def test_list_says_so_when_there_are_no_organisations(monkeypatch):
    # Emptying the table is not possible here: other tests' session data refer to their organisations.
    monkeypatch.setattr(selectors, "list_organisations", Organisation.objects.none)

    assert run("list") == "no organisations\n"


# --------------------------------------------------------------------------------------------- rename


def test_rename_changes_the_name_and_keeps_the_users(county):
    user = make_user(role="administrator", organisation=county, username="admin1")

    output = run("rename", str(county.pk), "  Uusi nimi  ")

    county.refresh_from_db()
    user.refresh_from_db()
    assert output == f"renamed organisation {county.pk}: Testin hyvinvointialue -> Uusi nimi\n"
    assert county.name == "Uusi nimi" and user.organisation == county


def test_rename_to_a_sibling_s_name_or_to_nothing_is_refused(county):
    for name in ("Yksikkö A", "Yksikkö B"):
        Organisation.objects.create(name=name, type=OrganisationType.UNIT, parent=county)
    b = Organisation.objects.get(name="Yksikkö B")

    assert refused("rename", str(b.pk), "Yksikkö A") == (
        "NEW_NAME: “Testin hyvinvointialue” already has an organisation named “Yksikkö A”.")
    assert refused("rename", str(b.pk), " ") == "NEW_NAME: Give the organisation a name."


def test_rename_of_an_unknown_id_is_refused():
    assert refused("rename", "999999", "Nimi") == "no organisation 999999"

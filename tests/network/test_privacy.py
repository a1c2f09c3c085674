"""Identifiers in consultation texts: valid identity codes, phone numbers and e-mails are found and masked."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from polku.core.identity_code import make_identity_code
from polku.network.privacy import find_identifiers, mask_identifiers

# 131052-308T is the Population Register Centre's documented example of a valid code.
VALID = "131052-308T"
INVALID_CHECKSUM = "131052-308U"


def test_a_valid_identity_code_is_found_and_masked():
    text = f"Asiakkaan henkilötunnus on {VALID} ja hän asuu Rovaniemellä."
    [finding] = find_identifiers(text)
    assert (finding.kind, finding.text) == ("identity_code", VALID)
    assert mask_identifiers(text) == "Asiakkaan henkilötunnus on ******-**** ja hän asuu Rovaniemellä."


def test_an_identity_code_with_a_wrong_check_character_is_not_flagged():
    assert find_identifiers(f"Numero {INVALID_CHECKSUM} ei ole henkilötunnus.") == []


def test_new_century_signs_of_2023_are_recognised():
    code = make_identity_code(birth_date=date(2004, 5, 6), individual_number=123, century_sign="B")
    assert [f.kind for f in find_identifiers(f"tunnus {code.lower()}")] == ["identity_code"]


def test_phone_numbers_in_finnish_and_international_forms_are_found():
    text = "Soita 040 123 4567 tai +358 40 765 4321 tai 09-1234567."
    assert [f.text for f in find_identifiers(text)] == ["040 123 4567", "+358 40 765 4321", "09-1234567"]
    assert "4567" not in mask_identifiers(text)


def test_years_dates_and_short_numbers_are_not_phone_numbers():
    assert find_identifiers("Tuli Suomeen 2019, syntynyt 1.2.1980, 3 lasta, huone 301, puh. 12345.") == []


def test_an_email_address_is_found_and_masked_keeping_its_shape():
    text = "Yhteys: maija.meikalainen@example.fi kiitos"
    [finding] = find_identifiers(text)
    assert finding.kind == "email"
    assert mask_identifiers(text) == "Yhteys: *****.***********@*******.** kiitos"


@given(day=st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)),
       number=st.integers(min_value=2, max_value=999), prefix=st.text(alphabet="abc .,", max_size=10))
def test_every_valid_code_embedded_in_text_is_masked_away(day, number, prefix):
    code = make_identity_code(birth_date=day, individual_number=number)
    masked = mask_identifiers(f"{prefix} {code} loppu")
    assert code not in masked
    assert masked.endswith(" loppu")


def test_an_invalid_code_ending_in_a_digit_is_not_taken_for_a_phone_number():
    # 010190-1230 has the shape of an identity code (check character 0) but fails the checksum.
    assert find_identifiers("Numero 010190-1230 on virheellinen.") == []

"""Finnish personal identity code: parsing, validation, building and masking.

Check characters in this file were computed by hand from the rule
Q = "0123456789ABCDEFHJKLMNPRSTUVWXY"[int(DDMMYYZZZ) % 31]
(index: 0–9 are the digits, then A10 B11 C12 D13 E14 F15 H16 J17 K18 L19 M20 N21 P22 R23 S24 T25 U26
V27 W28 X29 Y30):

* 131052-308T (DVV's published example): 131052308 = 31 × 4227493 + 25 → T.
* 010594Y9021 and 010594Y9032 (DVV's examples for the 2023 signs): 010594902 = 31 × 341771 + 1 → 1;
  010594903 = 31 × 341771 + 2 → 2. Both are valid.
* 020502E902X and 020502A902X: 020502902 = 31 × 661383 + 29 → X. Both are valid (the sign is not in
  the checksum).
* 010180+1232: 010180123 = 31 × 328391 + 2 → 2.
* 290200A2457 (29.2.2000, a leap day): 290200245 = 31 × 9361298 + 7 → 7.
* 290296-350C (29.2.1996): 290296350 = 31 × 9364398 + 12 → C.
* 311299A999E (31.12.2099): 311299999 = 31 × 10041935 + 14 → E.
* 010190-002R: 010190002 = 31 × 328709 + 23 → R; 010190-000N (…000 → 21 → N) and 010190-001P
  (…001 → 22 → P) have the right check character but a never-issued individual number.
* Impossible dates with otherwise right check characters: 290223A2455 (290223245 → 5),
  290200-2457 (29.2.1900; 1900 was no leap year), 300299-123F (300299123 = 31 × 9687068 + 15 → F),
  310490-123D (310490123 = 31 × 10015810 + 13 → D), 011390-123A (011390123 = 31 × 367423 + 10 → A),
  000190-1230 (000190123 = 31 × 6133 + 0 → 0).
"""

from datetime import date

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from polku.core.identity_code import (
    CENTURY_BY_SIGN,
    IdentityCode,
    IdentityCodeError,
    is_valid_identity_code,
    make_identity_code,
    mask_identity_code,
    parse_identity_code,
)


def error_of(value: str) -> IdentityCodeError:
    with pytest.raises(IdentityCodeError) as caught:
        parse_identity_code(value)
    return caught.value


# ------------------------------------------------------------------------------- valid codes


def test_published_dvv_example_parses_with_birth_date_and_individual_number():
    assert parse_identity_code("131052-308T") == IdentityCode(
        value="131052-308T",
        birth_date=date(1952, 10, 13),
        individual_number=308,
        is_temporary=False,
        legal_sex_marker="female",
    )


@pytest.mark.parametrize(
    ("value", "birth_date"),
    [
        ("010180+1232", date(1880, 1, 1)),
        ("131052-308T", date(1952, 10, 13)),
        ("020502A902X", date(2002, 5, 2)),
        ("311299A999E", date(2099, 12, 31)),
    ],
)
def test_codes_of_all_three_centuries_are_valid(value, birth_date):
    assert parse_identity_code(value).birth_date == birth_date
    assert is_valid_identity_code(value)


@pytest.mark.parametrize("sign", ["-", "Y", "X", "W", "V", "U"])
def test_every_1900s_century_sign_gives_a_valid_code_born_in_the_1900s(sign):
    parsed = parse_identity_code(f"010594{sign}9021")
    assert parsed.birth_date == date(1994, 5, 1)
    assert parsed.value == f"010594{sign}9021"


@pytest.mark.parametrize("sign", ["A", "B", "C", "D", "E", "F"])
def test_every_2000s_century_sign_gives_a_valid_code_born_in_the_2000s(sign):
    assert parse_identity_code(f"020502{sign}902X").birth_date == date(2002, 5, 2)


def test_both_dvv_examples_for_the_new_century_signs_are_valid():
    assert parse_identity_code("010594Y9021").individual_number == 902
    assert parse_identity_code("010594Y9032").individual_number == 903


def test_leap_day_is_valid_in_a_leap_year():
    assert parse_identity_code("290200A2457").birth_date == date(2000, 2, 29)
    assert parse_identity_code("290296-350C").birth_date == date(1996, 2, 29)


@pytest.mark.parametrize("value", ["010594Y9021", "010594Y9032", "311299A999E", "020502E902X"])
def test_individual_numbers_from_900_are_marked_temporary(value):
    assert parse_identity_code(value).is_temporary is True


def test_individual_number_899_and_below_is_not_temporary():
    code = make_identity_code(birth_date=date(1990, 1, 1), individual_number=899)
    assert parse_identity_code(code).is_temporary is False


def test_individual_number_002_is_the_first_one_accepted():
    assert parse_identity_code("010190-002R").individual_number == 2


def test_odd_individual_number_is_a_male_marker_and_even_a_female_marker():
    assert parse_identity_code("010594Y9032").legal_sex_marker == "male"  # 903
    assert parse_identity_code("010594Y9021").legal_sex_marker == "female"  # 902


def test_lowercase_input_with_surrounding_whitespace_is_accepted_and_normalised():
    parsed = parse_identity_code("  020502e902x\n")
    assert parsed.value == "020502E902X"
    assert parsed.birth_date == date(2002, 5, 2)
    assert is_valid_identity_code("131052-308t")


# ------------------------------------------------------------------------------- invalid codes


@pytest.mark.parametrize(
    "value",
    ["", "131052-308", "131052-308TT", "13105a-308T", "131052-3O8T", "131052 308", "131052-308-"],
)
def test_malformed_codes_are_refused_with_format(value):
    assert error_of(value).code == "format"
    assert not is_valid_identity_code(value)


@pytest.mark.parametrize("sign", ["G", "Z", "*", "1", " "])
def test_unknown_century_sign_is_refused_with_century_sign(sign):
    error = error_of(f"131052{sign}308T")
    assert error.code == "century_sign"
    assert error.params["actual"] == sign
    assert f"'{sign}'" in error.message


def test_wrong_check_character_is_refused_naming_the_expected_and_actual_character():
    error = error_of("131052-308U")
    assert error.code == "check_character"
    assert error.message == "The check character should be 'T' but is 'U'."
    assert error.params == {"expected": "T", "actual": "U"}


@pytest.mark.parametrize("letter", ["G", "I", "O", "Q", "Z"])
def test_letters_that_are_never_check_characters_are_refused(letter):
    assert error_of(f"131052-308{letter}").code == "check_character"


@pytest.mark.parametrize(
    "value",
    [
        "310490-123D",  # 31 April
        "290223A2455",  # 29 February 2023, not a leap year
        "290200-2457",  # 29 February 1900: divisible by 100, not by 400, so no leap year
        "300299-123F",  # 30 February
        "011390-123A",  # month 13
        "000190-1230",  # day 0
    ],
)
def test_impossible_birth_dates_are_refused_with_date(value):
    error = error_of(value)
    assert error.code == "date"
    assert str(error) == error.message


@pytest.mark.parametrize("value", ["010190-000N", "010190-001P"])
def test_individual_numbers_000_and_001_are_refused(value):
    assert error_of(value).code == "individual_number"


def test_errors_are_value_errors_so_callers_can_catch_them_generically():
    with pytest.raises(ValueError, match="check character"):
        parse_identity_code("131052-308A")


# ------------------------------------------------------------------------------- building


def test_made_code_uses_minus_plus_or_a_by_default():
    assert make_identity_code(birth_date=date(1952, 10, 13), individual_number=308) == "131052-308T"
    assert make_identity_code(birth_date=date(1880, 1, 1), individual_number=123) == "010180+1232"
    assert make_identity_code(birth_date=date(2002, 5, 2), individual_number=902) == "020502A902X"


def test_made_code_uses_a_requested_new_century_sign():
    assert make_identity_code(birth_date=date(1994, 5, 1), individual_number=902, century_sign="y") == ("010594Y9021")


def test_making_a_code_with_a_sign_of_another_century_is_refused():
    with pytest.raises(IdentityCodeError) as caught:
        make_identity_code(birth_date=date(1994, 5, 1), individual_number=902, century_sign="A")
    assert caught.value.code == "century_sign"


@pytest.mark.parametrize("number", [0, 1, 1000, -5])
def test_making_a_code_with_an_unissuable_individual_number_is_refused(number):
    with pytest.raises(IdentityCodeError) as caught:
        make_identity_code(birth_date=date(1994, 5, 1), individual_number=number)
    assert caught.value.code == "individual_number"


@pytest.mark.parametrize("birth_date", [date(1799, 12, 31), date(2100, 1, 1)])
def test_making_a_code_outside_1800_to_2099_is_refused(birth_date):
    with pytest.raises(IdentityCodeError) as caught:
        make_identity_code(birth_date=birth_date, individual_number=900)
    assert caught.value.code == "date"


# ------------------------------------------------------------------------------- masking


def test_mask_keeps_birth_date_and_century_sign_only():
    assert mask_identity_code("131052-308T") == "131052-****"
    assert mask_identity_code(" 020502e902x ") == "020502E****"


def test_mask_of_malformed_input_reveals_nothing():
    assert mask_identity_code("hello world, 123") == "***********"
    assert mask_identity_code("") == "***********"


# ------------------------------------------------------------------------------- properties

birth_dates = st.dates(min_value=date(1800, 1, 1), max_value=date(2099, 12, 31))
individual_numbers = st.integers(min_value=2, max_value=999)


@given(birth_date=birth_dates, individual_number=individual_numbers)
@example(birth_date=date(1800, 1, 1), individual_number=2)
@example(birth_date=date(2099, 12, 31), individual_number=999)
def test_made_code_round_trips_birth_date_and_individual_number(birth_date, individual_number):
    parsed = parse_identity_code(make_identity_code(birth_date=birth_date, individual_number=individual_number))
    assert parsed.birth_date == birth_date
    assert parsed.individual_number == individual_number
    assert parsed.is_temporary == (individual_number >= 900)


@given(birth_date=birth_dates, individual_number=individual_numbers, data=st.data())
def test_made_code_with_any_sign_of_the_right_century_round_trips(birth_date, individual_number, data):
    century = birth_date.year // 100 * 100
    sign = data.draw(st.sampled_from([s for s, c in CENTURY_BY_SIGN.items() if c == century]))
    code = make_identity_code(birth_date=birth_date, individual_number=individual_number, century_sign=sign)
    assert code[6] == sign
    assert parse_identity_code(code).birth_date == birth_date


@given(birth_date=birth_dates, individual_number=individual_numbers, data=st.data())
def test_changing_any_single_digit_makes_the_code_invalid(birth_date, individual_number, data):
    # A digit change alters DDMMYYZZZ by d·10^k with 0 < |d| < 10; 31 is prime and divides neither
    # factor, so the remainder (and the check character) must change — or the date becomes invalid.
    code = make_identity_code(birth_date=birth_date, individual_number=individual_number)
    position = data.draw(st.sampled_from([0, 1, 2, 3, 4, 5, 7, 8, 9]))
    digit = data.draw(st.sampled_from([d for d in "0123456789" if d != code[position]]))
    assert not is_valid_identity_code(code[:position] + digit + code[position + 1 :])


@given(birth_date=birth_dates, individual_number=individual_numbers)
def test_mask_never_shows_the_individual_number_or_check_character(birth_date, individual_number):
    code = make_identity_code(birth_date=birth_date, individual_number=individual_number)
    assert mask_identity_code(code) == code[:7] + "****"

"""The Y-tunnus rule against an oracle written here from the published description, not from the code."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from polku.core.business_id import business_id_check_digit, business_id_problem, validate_business_id


def oracle_check_digit(seven_digits: str) -> int | None:
    """Weights 7 9 10 5 8 4 2; remainder 0 → 0, remainder 1 → no valid ID, otherwise 11 − remainder."""
    total = (7 * int(seven_digits[0]) + 9 * int(seven_digits[1]) + 10 * int(seven_digits[2])
             + 5 * int(seven_digits[3]) + 8 * int(seven_digits[4]) + 4 * int(seven_digits[5])
             + 2 * int(seven_digits[6]))
    remainder = total - 11 * (total // 11)
    if remainder == 0:
        return 0
    if remainder == 1:
        return None
    return 11 - remainder


@given(st.text(alphabet="0123456789", min_size=7, max_size=7), st.integers(min_value=0, max_value=9))
def test_check_digit_and_verdict_agree_with_the_oracle_for_any_seven_digits(digits, check):
    expected = oracle_check_digit(digits)

    assert business_id_check_digit(digits) == expected
    assert (business_id_problem(f"{digits}-{check}") is None) == (expected == check)


@pytest.mark.parametrize("value", ["0245437-2", "0246246-0", "1234567-1"])
def test_valid_business_ids_pass(value):
    assert oracle_check_digit(value[:7]) == int(value[-1])  # the examples themselves, checked by the oracle
    assert business_id_problem(value) is None
    validate_business_id(value)


@pytest.mark.parametrize(("value", "problem"), [
    ("1234567", "format"), ("123456-7", "format"), ("12345678", "format"), ("1234567-12", "format"),
    ("1234567–1", "format"), ("abcdefg-h", "format"), (" 1234567-1", "format"), ("1234567-1\n", "format"),
    ("１２３４５６７-1", "format"),  # full-width digits: \d would match them
    ("1234567-8", "check_digit"), ("1000008-0", "check_digit"), ("1000008-1", "check_digit"),
])
def test_malformed_ids_and_wrong_check_digits_are_told_apart(value, problem):
    assert business_id_problem(value) == problem
    with pytest.raises(ValidationError) as refused:
        validate_business_id(value)
    assert refused.value.code == f"business_id_{problem}"


def test_digits_whose_remainder_is_one_have_no_check_digit_at_all():
    assert oracle_check_digit("1000008") is None  # remainder 1: no business ID is issued with these digits

    assert business_id_check_digit("1000008") is None
    assert all(business_id_problem(f"1000008-{check}") == "check_digit" for check in range(10))

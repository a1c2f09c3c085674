"""The k-anonymity engine on literal frames, against results worked out by hand."""

from __future__ import annotations

import polars as pl

from polku.reporting.extracts.anonymity import anonymise


def test_birth_years_are_banded_only_as_far_as_needed():
    frame = pl.DataFrame({"birth_year": list(range(1980, 1990)), "gender": ["woman"] * 10})
    check = anonymise(frame, quasi_identifiers=["birth_year", "gender"], k=5)
    assert check.passed and check.k_achieved == 5
    assert check.generalisations == {"birth_year": "5-year band", "gender": "as stated"}
    assert check.frame["birth_year"].to_list() == ["1980–1984"] * 5 + ["1985–1989"] * 5


def test_countries_become_regions():
    frame = pl.DataFrame({"origin": ["IQ", "SY", "IQ", "SY", "YE", "AF", "AF", "PK", "AF", "AF"]})
    check = anonymise(frame, quasi_identifiers=["origin"], k=5)
    assert check.passed
    assert check.frame["origin"].to_list() == ["middle_east_north_africa"] * 5 + ["south_central_asia"] * 5


def test_rare_languages_become_other_and_a_still_rare_other_blocks_naming_the_combination():
    frame = pl.DataFrame({"language": ["ar"] * 6 + ["so"] * 5 + ["ru", "prs"]})
    check = anonymise(frame, quasi_identifiers=["language"], k=5)
    assert not check.passed and check.frame is None
    assert check.generalisations == {"language": "rare languages"}
    assert check.failing == [{"language": "other", "count": 2}]
    assert check.k_achieved == 2


def test_rare_languages_pooled_into_other_pass_when_other_is_large_enough():
    frame = pl.DataFrame({"language": ["ar"] * 6 + ["ru", "prs", "ti", "am", "uk"]})
    check = anonymise(frame, quasi_identifiers=["language"], k=5)
    assert check.passed and sorted(check.frame["language"].to_list()) == ["ar"] * 6 + ["other"] * 5


def test_municipalities_rise_to_area_and_collaboration_area():
    values = ["091|HEL|HUS", "049|ITU|HUS", "853|VS|TYKS", "202|VS|TYKS", "837|PIR|TAYS"]
    frame = pl.DataFrame({"municipality": [values[i % 5] for i in range(25)]})
    check = anonymise(frame, quasi_identifiers=["municipality"], k=6)
    # Municipality level: 5 each (< 6); area: HEL 5, ITU 5 ...; collaboration area: HUS 10, TYKS 10, TAYS 5 →
    # TAYS is rare at the top level and becomes "other" (5 < 6): blocked, naming it.
    assert not check.passed
    assert check.failing == [{"municipality": "other", "count": 5}]


def test_missing_values_are_a_category_of_their_own():
    frame = pl.DataFrame({"gender": [None] * 5 + ["man"] * 5}, schema={"gender": pl.String})
    check = anonymise(frame, quasi_identifiers=["gender"], k=5)
    assert check.passed and sorted(check.frame["gender"].to_list()) == ["man"] * 5 + ["unknown"] * 5


def test_empty_population_passes_with_nothing_to_disclose():
    check = anonymise(pl.DataFrame({"gender": []}, schema={"gender": pl.String}), quasi_identifiers=["gender"])
    assert check.passed and check.frame.height == 0

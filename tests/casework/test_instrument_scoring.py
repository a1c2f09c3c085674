"""Screening instrument engine: scoring against hand-computed expectations, texts, FHIR validity.

Expected totals, bands and flags below are written by hand from the published cut-offs (never produced
by the engine):

* PHQ-9: items 0–3, total 0–27; minimal 0–4, mild 5–9, moderate 10–14, moderately severe 15–19,
  severe 20–27; positive at 10 or more; item 9 above 0 sets the safety flag.
* GAD-7: items 0–3, total 0–21; minimal 0–4, mild 5–9, moderate 10–14, severe 15–21; positive ≥ 10.
* PCL-5: items 0–4, total 0–80; clusters B 1–5, C 6–7, D 8–14, E 15–20; Polku's cut-point 33
  (NCPTSD reports 31–33).
* RHS-15: positive when items 1–14 sum to ≥ 12 OR the distress thermometer (item 15) is ≥ 5.
  RHS-13: items 1–13, positive at ≥ 11.
* PROTECT: yes = 1; low 0–3, medium 4–7, high 8–10; positive at 4 or more.

FHIR validation uses ``fhir.resources.R4B.questionnaire`` — fhir.resources 8.x ships R5 as its default
module and R4B and STU3 as subpackages, with no R4 package; R4B's Questionnaire is the same as R4's
for everything these definitions use.
"""

import json
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from polku.casework.instruments import (
    InstrumentError,
    ScoringError,
    has_item_texts,
    import_licensed_texts,
    list_instruments,
    load_instrument,
    parse_instrument,
    score,
    text_for,
)

PHQ9_IDS = [f"phq9-{n}" for n in range(1, 10)]
GAD7_IDS = [f"gad7-{n}" for n in range(1, 8)]
PCL5_IDS = [f"pcl5-{n}" for n in range(1, 21)]
RHS15_IDS = [f"rhs-{n}" for n in range(1, 16)]
RHS13_IDS = [f"rhs-{n}" for n in range(1, 14)]
PROTECT_IDS = [f"protect-{n}" for n in range(1, 11)]
FREE = ["phq-9", "gad-7", "pcl-5"]
LICENSED = ["rhs-15", "rhs-13", "protect"]
LANGUAGES = ["en", "fi", "sv"]


def answers(link_ids, values):
    assert len(link_ids) == len(values), "test vector has the wrong length"
    return dict(zip(link_ids, values, strict=True))


def scoring_error(instrument_code, given_answers) -> ScoringError:
    with pytest.raises(ScoringError) as caught:
        score(instrument=load_instrument(instrument_code), answers=given_answers)
    return caught.value


# ------------------------------------------------------------------------------------- PHQ-9

PHQ9_CASES = [
    # vector (items 1–9)            total  band                 positive safety
    ((0, 0, 0, 0, 0, 0, 0, 0, 0), 0, "minimal", False, False),
    ((1, 1, 1, 1, 0, 0, 0, 0, 0), 4, "minimal", False, False),
    ((1, 1, 1, 1, 1, 0, 0, 0, 0), 5, "mild", False, False),
    ((2, 1, 1, 1, 1, 1, 1, 1, 0), 9, "mild", False, False),
    ((2, 2, 1, 1, 1, 1, 1, 1, 0), 10, "moderate", True, False),
    ((2, 2, 2, 2, 2, 1, 1, 1, 1), 14, "moderate", True, True),
    ((2, 2, 2, 2, 2, 2, 1, 1, 1), 15, "moderately_severe", True, True),
    ((3, 3, 2, 2, 2, 2, 2, 2, 1), 19, "moderately_severe", True, True),
    ((3, 3, 3, 2, 2, 2, 2, 2, 1), 20, "severe", True, True),
    ((3, 3, 3, 3, 3, 3, 3, 3, 3), 27, "severe", True, True),
    ((0, 0, 0, 0, 0, 0, 0, 0, 1), 1, "minimal", False, True),
    ((0, 0, 0, 0, 0, 0, 0, 0, 3), 3, "minimal", False, True),
    ((3, 0, 0, 0, 0, 0, 0, 0, 0), 3, "minimal", False, False),
    ((3, 3, 3, 0, 0, 0, 0, 0, 0), 9, "mild", False, False),
    ((3, 3, 3, 1, 0, 0, 0, 0, 0), 10, "moderate", True, False),
    ((0, 1, 2, 3, 0, 1, 2, 3, 0), 12, "moderate", True, False),
    ((3, 3, 3, 3, 3, 0, 0, 0, 0), 15, "moderately_severe", True, False),
    ((3, 3, 3, 3, 3, 3, 2, 0, 0), 20, "severe", True, False),
    ((1, 1, 1, 1, 1, 1, 1, 1, 1), 9, "mild", False, True),
    ((2, 2, 2, 2, 2, 2, 2, 2, 2), 18, "moderately_severe", True, True),
    ((3, 3, 3, 3, 3, 3, 3, 3, 0), 24, "severe", True, False),
    ((1, 0, 1, 0, 1, 0, 1, 0, 1), 5, "mild", False, True),
]


@pytest.mark.parametrize(("vector", "total", "band", "positive", "safety"), PHQ9_CASES)
def test_phq9_total_band_positive_and_safety_flag_follow_published_cut_offs(vector, total, band, positive, safety):
    result = score(instrument=load_instrument("phq-9"), answers=answers(PHQ9_IDS, vector))
    assert (result.total, result.band, result.positive, result.safety_flag) == (total, band, positive, safety)
    assert result.items_answered == 9
    assert result.subscales == {}
    assert result.instrument == "phq-9"


def test_phq9_item_9_above_zero_raises_safety_flag_even_with_minimal_total():
    result = score(instrument=load_instrument("phq-9"), answers=answers(PHQ9_IDS, (0,) * 8 + (1,)))
    assert result.safety_flag is True
    assert result.positive is False
    assert result.band == "minimal"


def test_phq9_high_total_without_item_9_raises_no_safety_flag():
    result = score(instrument=load_instrument("phq-9"), answers=answers(PHQ9_IDS, (3,) * 8 + (0,)))
    assert result.total == 24
    assert result.safety_flag is False


# ------------------------------------------------------------------------------------- GAD-7

GAD7_CASES = [
    # vector (items 1–7)    total band        positive
    ((0, 0, 0, 0, 0, 0, 0), 0, "minimal", False),
    ((1, 1, 1, 1, 0, 0, 0), 4, "minimal", False),
    ((1, 1, 1, 1, 1, 0, 0), 5, "mild", False),
    ((2, 2, 2, 1, 1, 1, 0), 9, "mild", False),
    ((2, 2, 2, 1, 1, 1, 1), 10, "moderate", True),
    ((2, 2, 2, 2, 2, 2, 2), 14, "moderate", True),
    ((3, 2, 2, 2, 2, 2, 2), 15, "severe", True),
    ((3, 3, 3, 3, 3, 3, 3), 21, "severe", True),
    ((3, 0, 0, 0, 0, 0, 0), 3, "minimal", False),
    ((3, 3, 0, 0, 0, 0, 0), 6, "mild", False),
    ((3, 3, 3, 0, 0, 0, 0), 9, "mild", False),
    ((3, 3, 3, 1, 0, 0, 0), 10, "moderate", True),
    ((0, 1, 2, 3, 0, 1, 2), 9, "mild", False),
    ((3, 2, 1, 0, 1, 2, 3), 12, "moderate", True),
    ((1, 1, 1, 1, 1, 1, 1), 7, "mild", False),
    ((3, 3, 3, 3, 2, 0, 0), 14, "moderate", True),
    ((3, 3, 3, 3, 3, 0, 0), 15, "severe", True),
    ((0, 0, 0, 0, 0, 0, 3), 3, "minimal", False),
    ((2, 0, 2, 0, 2, 0, 2), 8, "mild", False),
    ((3, 3, 3, 3, 3, 3, 0), 18, "severe", True),
    ((1, 2, 1, 2, 1, 2, 1), 10, "moderate", True),
]


@pytest.mark.parametrize(("vector", "total", "band", "positive"), GAD7_CASES)
def test_gad7_total_band_and_positive_follow_published_cut_offs(vector, total, band, positive):
    result = score(instrument=load_instrument("gad-7"), answers=answers(GAD7_IDS, vector))
    assert (result.total, result.band, result.positive) == (total, band, positive)
    assert result.safety_flag is False
    assert result.items_answered == 7


# ------------------------------------------------------------------------------------- PCL-5

PCL5_CASES = [
    # cluster B (1–5), C (6–7), D (8–14), E (15–20)                   total  B   C  D   E  positive
    (((0, 0, 0, 0, 0), (0, 0), (0, 0, 0, 0, 0, 0, 0), (0, 0, 0, 0, 0, 0)), 0, 0, 0, 0, 0, False),
    (((4, 4, 4, 4, 4), (4, 4), (4, 4, 4, 4, 4, 4, 4), (4, 4, 4, 4, 4, 4)), 80, 20, 8, 28, 24, True),
    (((1, 1, 1, 1, 1), (1, 1), (1, 1, 1, 1, 1, 1, 1), (1, 1, 1, 1, 1, 1)), 20, 5, 2, 7, 6, False),
    (((2, 2, 2, 2, 2), (2, 2), (2, 2, 2, 2, 2, 2, 2), (2, 2, 2, 2, 2, 2)), 40, 10, 4, 14, 12, True),
    (((4, 4, 4, 4, 4), (4, 4), (0, 0, 0, 0, 0, 0, 0), (0, 0, 0, 0, 0, 0)), 28, 20, 8, 0, 0, False),
    (((2, 2, 2, 2, 2), (2, 2), (1, 1, 1, 1, 1, 1, 1), (2, 2, 2, 2, 2, 1)), 32, 10, 4, 7, 11, False),
    (((2, 2, 2, 2, 2), (2, 2), (1, 1, 1, 1, 1, 1, 1), (2, 2, 2, 2, 2, 2)), 33, 10, 4, 7, 12, True),
    (((2, 2, 2, 2, 2), (2, 2), (1, 1, 1, 1, 1, 1, 1), (2, 2, 2, 2, 1, 1)), 31, 10, 4, 7, 10, False),
    (((0, 0, 0, 0, 0), (0, 0), (0, 0, 0, 0, 0, 0, 0), (4, 4, 4, 4, 4, 4)), 24, 0, 0, 0, 24, False),
    (((0, 0, 0, 0, 0), (0, 0), (4, 4, 4, 4, 4, 4, 4), (0, 0, 0, 0, 0, 0)), 28, 0, 0, 28, 0, False),
    (((3, 3, 3, 3, 3), (3, 3), (3, 3, 3, 3, 3, 3, 3), (3, 3, 3, 3, 3, 3)), 60, 15, 6, 21, 18, True),
    (((0, 1, 2, 3, 4), (4, 0), (0, 1, 2, 3, 4, 0, 1), (2, 3, 4, 0, 1, 2)), 37, 10, 4, 11, 12, True),
    (((1, 0, 0, 0, 0), (0, 1), (0, 0, 0, 0, 0, 0, 1), (0, 0, 0, 0, 0, 1)), 4, 1, 1, 1, 1, False),
    (((4, 4, 4, 4, 4), (4, 4), (1, 0, 0, 0, 0, 0, 0), (4, 0, 0, 0, 0, 0)), 33, 20, 8, 1, 4, True),
    (((4, 4, 4, 4, 4), (4, 4), (0, 0, 0, 0, 0, 0, 0), (4, 0, 0, 0, 0, 0)), 32, 20, 8, 0, 4, False),
    (((3, 3, 3, 3, 3), (3, 3), (1, 1, 1, 1, 1, 1, 1), (1, 1, 1, 1, 1, 0)), 33, 15, 6, 7, 5, True),
    (((2, 2, 2, 2, 2), (1, 1), (3, 3, 3, 3, 3, 3, 3), (4, 4, 4, 4, 4, 4)), 57, 10, 2, 21, 24, True),
    (((0, 0, 0, 0, 0), (4, 4), (0, 0, 0, 0, 0, 0, 0), (0, 0, 0, 0, 0, 0)), 8, 0, 8, 0, 0, False),
    (((4, 3, 2, 1, 0), (1, 2), (4, 3, 2, 1, 0, 1, 2), (3, 4, 3, 4, 3, 4)), 47, 10, 3, 13, 21, True),
    (((3, 3, 3, 3, 3), (3, 3), (3, 3, 3, 3, 3, 3, 3), (3, 3, 3, 3, 3, 0)), 57, 15, 6, 21, 15, True),
    (((1, 1, 1, 1, 1), (1, 1), (2, 2, 2, 2, 2, 2, 2), (2, 2, 2, 2, 2, 2)), 33, 5, 2, 14, 12, True),
    (((4, 4, 4, 4, 4), (4, 4), (4, 4, 4, 4, 4, 4, 4), (4, 4, 4, 4, 4, 3)), 79, 20, 8, 28, 23, True),
]


@pytest.mark.parametrize(("clusters", "total", "b", "c", "d", "e", "positive"), PCL5_CASES)
def test_pcl5_total_cluster_subscores_and_cut_point_33(clusters, total, b, c, d, e, positive):
    vector = [value for cluster in clusters for value in cluster]
    result = score(instrument=load_instrument("pcl-5"), answers=answers(PCL5_IDS, vector))
    assert result.total == total
    assert result.subscales == {"cluster_b": b, "cluster_c": c, "cluster_d": d, "cluster_e": e}
    assert result.positive is positive
    assert result.band == ("probable_ptsd" if positive else "below_cut_point")
    assert result.items_answered == 20


def test_pcl5_totals_31_and_32_stay_below_polku_cut_point():
    # NCPTSD reports 31–33; Polku chose 33, so the lower end of that range is not positive.
    for clusters, total, *_rest, positive in PCL5_CASES:
        if total in (31, 32):
            assert positive is False, clusters


# ------------------------------------------------------------------------------------- errors


def test_missing_items_are_listed_and_nothing_is_scored():
    given_answers = answers(PHQ9_IDS, (1,) * 9)
    del given_answers["phq9-3"], given_answers["phq9-7"]
    error = scoring_error("phq-9", given_answers)
    assert error.code == "missing_items"
    assert error.params["link_ids"] == ["phq9-3", "phq9-7"]
    assert "phq9-3" in error.message and "phq9-7" in error.message


def test_empty_answers_report_every_item_missing():
    assert scoring_error("gad-7", {}).params["link_ids"] == GAD7_IDS


def test_missing_items_are_reported_before_out_of_range_answers():
    given_answers = {link_id: 9 for link_id in PHQ9_IDS[:-1]}
    assert scoring_error("phq-9", given_answers).code == "missing_items"


@pytest.mark.parametrize(
    ("instrument_code", "link_ids", "bad_value", "low", "high"),
    [
        ("phq-9", PHQ9_IDS, -1, 0, 3),
        ("phq-9", PHQ9_IDS, 4, 0, 3),
        ("gad-7", GAD7_IDS, 4, 0, 3),
        ("pcl-5", PCL5_IDS, 5, 0, 4),
        ("pcl-5", PCL5_IDS, -1, 0, 4),
        ("phq-9", PHQ9_IDS, 1.5, 0, 3),
        ("phq-9", PHQ9_IDS, 2.0, 0, 3),
        ("phq-9", PHQ9_IDS, "2", 0, 3),
        ("phq-9", PHQ9_IDS, None, 0, 3),
        ("phq-9", PHQ9_IDS, True, 0, 3),
        ("protect", PROTECT_IDS, 2, 0, 1),
    ],
)
def test_out_of_range_or_non_integer_answer_names_the_item_and_allowed_range(
    instrument_code, link_ids, bad_value, low, high
):
    given_answers = dict.fromkeys(link_ids, 0)
    given_answers[link_ids[1]] = bad_value
    error = scoring_error(instrument_code, given_answers)
    assert error.code == "out_of_range"
    assert error.params["link_id"] == link_ids[1]
    assert (error.params["min"], error.params["max"]) == (low, high)
    assert f"'{link_ids[1]}'" in error.message
    assert f"from {low} to {high}" in error.message


def test_answer_to_an_unknown_or_instruction_item_is_refused():
    given_answers = answers(PHQ9_IDS, (0,) * 9) | {"phq9-instructions": 0, "phq9-10": 1}
    error = scoring_error("phq-9", given_answers)
    assert error.code == "unknown_items"
    assert error.params["link_ids"] == ["phq9-10", "phq9-instructions"]


def test_scoring_errors_are_value_errors():
    with pytest.raises(ValueError, match="missing"):
        score(instrument=load_instrument("pcl-5"), answers={})


# ------------------------------------------------------------------------------------- RHS-15 / RHS-13


@pytest.mark.parametrize(
    ("symptoms", "thermometer", "total", "positive"),
    [
        # items 1–14                                     item 15  total positive
        ((1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0), 0, 12, True),  # symptom path exactly at 12
        ((1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0), 4, 11, False),  # neither path
        ((0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), 5, 0, True),  # thermometer path exactly at 5
        ((0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), 4, 0, False),
        ((4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4), 10, 56, True),  # both paths, maxima
        ((0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4), 10, 4, True),
        ((4, 4, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), 0, 11, False),
        ((4, 4, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), 0, 12, True),
    ],
)
def test_rhs15_is_positive_by_symptom_sum_12_or_distress_thermometer_5(symptoms, thermometer, total, positive):
    result = score(instrument=load_instrument("rhs-15"), answers=answers(RHS15_IDS, (*symptoms, thermometer)))
    assert result.total == total  # the thermometer is not part of the symptom total
    assert result.subscales == {"distress_thermometer": thermometer}
    assert result.positive is positive
    assert result.band is None
    assert result.items_answered == 15


def test_rhs15_distress_thermometer_allows_0_to_10_and_symptoms_0_to_4():
    error = scoring_error("rhs-15", answers(RHS15_IDS, (0,) * 14 + (11,)))
    assert (error.code, error.params["link_id"], error.params["max"]) == ("out_of_range", "rhs-15", 10)
    error = scoring_error("rhs-15", answers(RHS15_IDS, (0, 0, 5) + (0,) * 12))
    assert (error.code, error.params["link_id"], error.params["max"]) == ("out_of_range", "rhs-3", 4)


@pytest.mark.parametrize(
    ("vector", "total", "positive"),
    [
        ((1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0), 11, True),
        ((1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0), 10, False),
        ((0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), 0, False),
        ((4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4), 52, True),
        ((4, 4, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), 11, True),
    ],
)
def test_rhs13_short_form_is_positive_at_11(vector, total, positive):
    result = score(instrument=load_instrument("rhs-13"), answers=answers(RHS13_IDS, vector))
    assert (result.total, result.positive, result.items_answered) == (total, positive, 13)


def test_rhs13_uses_the_first_13_rhs15_items_so_an_rhs15_answer_set_can_be_rescored():
    rhs15_answers = answers(RHS15_IDS, (1,) * 11 + (0, 0, 4, 0))
    short = {link_id: rhs15_answers[link_id] for link_id in RHS13_IDS}
    assert score(instrument=load_instrument("rhs-13"), answers=short).positive is True  # 11
    assert score(instrument=load_instrument("rhs-15"), answers=rhs15_answers).positive is True  # 15 ≥ 12
    assert scoring_error("rhs-13", rhs15_answers).code == "unknown_items"


# ------------------------------------------------------------------------------------- PROTECT


@pytest.mark.parametrize(
    ("vector", "yes_count", "band", "positive"),
    [
        ((0, 0, 0, 0, 0, 0, 0, 0, 0, 0), 0, "low", False),
        ((1, 1, 1, 0, 0, 0, 0, 0, 0, 0), 3, "low", False),
        ((1, 1, 1, 1, 0, 0, 0, 0, 0, 0), 4, "medium", True),
        ((0, 1, 0, 1, 0, 1, 0, 1, 0, 1), 5, "medium", True),
        ((1, 1, 1, 1, 1, 1, 1, 0, 0, 0), 7, "medium", True),
        ((1, 1, 1, 1, 1, 1, 1, 1, 0, 0), 8, "high", True),
        ((1, 1, 1, 1, 1, 1, 1, 1, 1, 1), 10, "high", True),
    ],
)
def test_protect_counts_yes_answers_into_low_medium_and_high_bands(vector, yes_count, band, positive):
    result = score(instrument=load_instrument("protect"), answers=answers(PROTECT_IDS, vector))
    assert (result.total, result.band, result.positive) == (yes_count, band, positive)


def test_protect_yes_option_is_coded_y_with_ordinal_1():
    options = {option.code: option.ordinal for option in load_instrument("protect").item("protect-1").answer_options}
    assert options == {"Y": 1, "N": 0}


# ------------------------------------------------------------------------------------- oracle properties


def phq9_band_oracle(total: int) -> str:
    for upper, band in ((4, "minimal"), (9, "mild"), (14, "moderate"), (19, "moderately_severe")):
        if total <= upper:
            return band
    return "severe"


@given(vector=st.lists(st.integers(min_value=0, max_value=3), min_size=9, max_size=9))
def test_any_phq9_answer_set_scores_like_the_hand_written_oracle(vector):
    result = score(instrument=load_instrument("phq-9"), answers=answers(PHQ9_IDS, vector))
    assert result.total == sum(vector)
    assert result.band == phq9_band_oracle(sum(vector))
    assert result.positive == (sum(vector) >= 10)
    assert result.safety_flag == (vector[8] > 0)


@given(vector=st.lists(st.integers(min_value=0, max_value=4), min_size=20, max_size=20))
def test_any_pcl5_answer_set_has_clusters_summing_to_the_total(vector):
    result = score(instrument=load_instrument("pcl-5"), answers=answers(PCL5_IDS, vector))
    assert result.subscales == {
        "cluster_b": sum(vector[0:5]),
        "cluster_c": sum(vector[5:7]),
        "cluster_d": sum(vector[7:14]),
        "cluster_e": sum(vector[14:20]),
    }
    assert sum(result.subscales.values()) == result.total == sum(vector)
    assert result.positive == (sum(vector) >= 33)


# ------------------------------------------------------------------------------------- texts


def test_bundled_instruments_are_the_six_known_ones():
    assert [instrument.code for instrument in list_instruments()] == [
        "gad-7",
        "pcl-5",
        "phq-9",
        "protect",
        "rhs-13",
        "rhs-15",
    ]


def test_loading_is_case_insensitive_and_unknown_codes_are_refused():
    assert load_instrument(" PHQ-9 ").code == "phq-9"
    with pytest.raises(InstrumentError) as caught:
        load_instrument("htq")
    assert caught.value.code == "unknown_instrument"


def test_loinc_codes_are_set_only_where_known():
    assert load_instrument("phq-9").loinc_code == "44249-1"
    assert load_instrument("gad-7").loinc_code == "69737-5"
    assert load_instrument("pcl-5").loinc_code is None


@pytest.mark.parametrize("code", FREE)
def test_free_instruments_have_every_item_answer_and_title_in_english_finnish_and_swedish(code):
    instrument = load_instrument(code)
    assert instrument.texts_licensed is False
    assert has_item_texts(instrument)
    for item in instrument.items:
        for language in LANGUAGES:
            assert text_for(item, language), (item.link_id, language)
        assert text_for(item, "fi") != text_for(item, "en")
        assert text_for(item, "sv") != text_for(item, "en")
        for option in item.answer_options:
            assert all(text_for(option, language) for language in LANGUAGES), (item.link_id, option.code)
    assert set(instrument.titles) == set(LANGUAGES)


def test_free_instruments_start_with_an_instruction_that_is_not_scored():
    for code in FREE:
        first = load_instrument(code).items[0]
        assert first.kind == "display"
        assert first not in load_instrument(code).scored_items


def test_text_for_accepts_a_regional_language_tag_and_gives_none_for_a_missing_language():
    item = load_instrument("phq-9").item("phq9-2")
    assert text_for(item, "fi-FI") == text_for(item, "fi") == "Alakuloisuus, masentuneisuus tai toivottomuus"
    assert text_for(item, "ar") is None


@pytest.mark.parametrize("code", LICENSED)
def test_licensed_instruments_ship_without_item_texts(code):
    instrument = load_instrument(code)
    assert instrument.texts_licensed is True
    assert has_item_texts(instrument) is False
    for item in instrument.items:
        assert all(text_for(item, language) is None for language in LANGUAGES)


def licensed_texts(link_ids, *languages):
    # Placeholders: the real texts are licensed and never belong in the repository.
    return {
        language: {link_id: f"[{language}] licensed text of {link_id}" for link_id in link_ids}
        for language in languages
    }


def test_importing_licensed_texts_fills_items_in_a_new_definition_and_keeps_the_original_untouched():
    original = load_instrument("rhs-15")
    imported = import_licensed_texts(instrument=original, texts=licensed_texts(RHS15_IDS, "en", "fi", "ar"))
    assert has_item_texts(imported) is True
    assert text_for(imported.item("rhs-15"), "ar") == "[ar] licensed text of rhs-15"
    assert imported.as_fhir()["item"][0]["text"] == "[en] licensed text of rhs-1"
    assert has_item_texts(original) is False
    assert load_instrument("rhs-15").item("rhs-1").texts == {}
    vector = answers(RHS15_IDS, (1,) * 14 + (3,))
    assert score(instrument=imported, answers=vector) == score(instrument=original, answers=vector)


def test_importing_texts_for_some_items_only_leaves_the_instrument_without_full_texts():
    partial = import_licensed_texts(instrument=load_instrument("protect"), texts=licensed_texts(PROTECT_IDS[:5], "fi"))
    assert has_item_texts(partial) is False
    assert text_for(partial.item("protect-5"), "fi") == "[fi] licensed text of protect-5"


def test_reimporting_a_language_replaces_its_earlier_text():
    first = import_licensed_texts(instrument=load_instrument("rhs-13"), texts=licensed_texts(RHS13_IDS, "fi"))
    second = import_licensed_texts(instrument=first, texts={"fi": {"rhs-1": "korjattu"}})
    assert text_for(second.item("rhs-1"), "fi") == "korjattu"
    assert text_for(second.item("rhs-2"), "fi") == "[fi] licensed text of rhs-2"


def test_importing_texts_with_an_unknown_link_id_is_refused():
    texts = licensed_texts(RHS15_IDS, "fi")
    texts["fi"]["rhs-16"] = "no such item"
    with pytest.raises(InstrumentError) as caught:
        import_licensed_texts(instrument=load_instrument("rhs-15"), texts=texts)
    assert caught.value.code == "unknown_link_ids"
    assert caught.value.params["link_ids"] == ["rhs-16"]


@pytest.mark.parametrize(
    ("texts", "error_code"),
    [
        ({"fi": {"rhs-1": "  "}}, "blank_text"),
        ({"Finnish": {"rhs-1": "teksti"}}, "invalid_language"),
    ],
)
def test_importing_blank_texts_or_bad_language_tags_is_refused(texts, error_code):
    with pytest.raises(InstrumentError) as caught:
        import_licensed_texts(instrument=load_instrument("rhs-15"), texts=texts)
    assert caught.value.code == error_code


# ------------------------------------------------------------------------------------- definitions


@pytest.mark.parametrize("code", FREE + LICENSED)
def test_every_bundled_definition_is_a_valid_fhir_r4_questionnaire(code):
    from fhir.resources.R4B.questionnaire import Questionnaire

    questionnaire = Questionnaire.model_validate(load_instrument(code).as_fhir())
    assert questionnaire.status == "active"
    assert all(item.type in ("choice", "display") for item in questionnaire.item)


def test_a_definition_with_imported_texts_is_still_a_valid_fhir_questionnaire():
    from fhir.resources.R4B.questionnaire import Questionnaire

    imported = import_licensed_texts(instrument=load_instrument("rhs-15"), texts=licensed_texts(RHS15_IDS, "en", "fi"))
    assert Questionnaire.model_validate(imported.as_fhir()).item[0].text == "[en] licensed text of rhs-1"


def test_definition_files_round_trip_through_parse_instrument():
    for instrument in list_instruments():
        assert parse_instrument(instrument.as_fhir()) == instrument


def broken_phq9(mutate) -> dict:
    resource = load_instrument("phq-9").as_fhir()
    mutate(resource)
    return resource


def scoring_extension(resource):
    return next(ext for ext in resource["extension"] if ext["url"].endswith("/scoring"))


@pytest.mark.parametrize(
    "mutate",
    [
        pytest.param(lambda r: scoring_extension(r)["extension"].pop(1), id="band gap"),
        pytest.param(lambda r: r["item"][1]["answerOption"][0].pop("extension"), id="no ordinal"),
        pytest.param(lambda r: r["item"].append(dict(r["item"][1])), id="duplicate linkId"),
        pytest.param(lambda r: r["extension"].pop(0), id="no text licence"),
        pytest.param(
            lambda r: scoring_extension(r)["extension"][-1]["extension"][0].update(valueString="phq9-99"),
            id="rule on unknown item",
        ),
    ],
)
def test_malformed_definitions_are_refused(mutate):
    with pytest.raises(InstrumentError) as caught:
        parse_instrument(broken_phq9(mutate))
    assert caught.value.code == "invalid_definition"


def test_definition_files_are_utf8_json_with_english_as_primary_language():
    for instrument in list_instruments():
        resource = instrument.as_fhir()
        assert resource["language"] == "en"
        assert json.loads(json.dumps(resource, ensure_ascii=False)) == resource


def test_engine_and_identity_code_import_neither_django_nor_fhir_resources():
    code = (
        "import sys, polku.casework.instruments.engine, polku.core.identity_code\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'fhir'))\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)

"""Screening services and selectors: scoring through the engine, storage, path events, access log, licensed texts.

Expected totals and bands are computed by hand from the published cut-offs (PHQ-9: 10–14 moderate,
positive ≥ 10, item 9 > 0 is a safety flag; RHS-15: positive at items 1–14 ≥ 12 or thermometer ≥ 5).
"""

import json
from datetime import timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from polku.casework.charts import ChartPoint, Threshold, instrument_thresholds, render_trend_chart
from polku.casework.instruments import list_instruments, load_instrument
from polku.casework.models import LicensedInstrumentText, Meeting, PathEvent, ScreeningResponse
from polku.casework.selectors import screening as selectors
from polku.casework.selectors.screening import _SUGGESTIONS
from polku.casework.services.screening import administer_screening, import_instrument_texts
from polku.core.errors import AccessDenied, DomainError
from polku.core.models import AccessLog
from tests.factories import OrganisationFactory, add_to_care_team, make_client, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English (the msgids); the default UI language is Finnish."""
    with translation.override("en"):
        yield

PHQ9 = [f"phq9-{n}" for n in range(1, 10)]
RHS15 = [f"rhs-{n}" for n in range(1, 16)]


def phq9(*values):
    return dict(zip(PHQ9, values, strict=True))


def rhs15_texts(language="en"):
    return {language: {link_id: f"Item {link_id} text ({language})" for link_id in RHS15}}


@pytest.fixture
def client_record(organisation, nurse, team_lead):
    record = make_client(organisation=organisation, created_by=team_lead, preferred_language="ar")
    add_to_care_team(client=record, worker=nurse, assigned_by=team_lead)
    return record


def administer(actor, client, code="phq-9", answers=None, **extra):
    return administer_screening(actor=actor, client=client, instrument_code=code,
                                answers=answers if answers is not None else phq9(2, 1, 1, 2, 1, 2, 1, 2, 0),
                                client_language=extra.pop("client_language", "ar"),
                                worker_language=extra.pop("worker_language", "fi"), **extra)


# ------------------------------------------------------------------------------------------ administer


def test_complete_phq9_is_scored_stored_and_written_as_a_path_event_without_item_answers(nurse, client_record):
    screening = administer(nurse, client_record)  # 2+1+1+2+1+2+1+2+0 = 12: moderate, positive
    stored = ScreeningResponse.objects.get()
    assert stored == screening
    assert (stored.instrument, stored.total, stored.band, stored.positive, stored.safety_flag) == (
        "phq-9", 12, "moderate", True, False)
    assert stored.answers == phq9(2, 1, 1, 2, 1, 2, 1, 2, 0)
    assert (stored.client_language, stored.worker_language, stored.instrument_version) == ("ar", "fi", "1.0.0")
    assert stored.administered_by == nurse
    event = PathEvent.objects.get()
    assert (event.activity, event.client, event.actor, event.object_type, event.object_id) == (
        "SCREENING_DONE", client_record, nurse, "screeningresponse", str(stored.pk))
    assert event.attributes == {"instrument": "phq-9", "band": "moderate", "positive": True}
    log = AccessLog.objects.get()
    assert (log.actor, log.client_id, log.action, log.basis, log.object_type) == (
        nurse, client_record.pk, "write", "care_relationship", "screening")


def test_phq9_item_9_above_zero_sets_the_safety_flag_even_when_the_total_is_low(nurse, client_record):
    screening = administer(nurse, client_record, answers=phq9(0, 0, 0, 0, 0, 0, 0, 0, 1))
    assert (screening.total, screening.band, screening.positive, screening.safety_flag) == (1, "minimal", False, True)


def test_missing_items_are_not_scored_nothing_is_saved_and_the_message_names_them(nurse, client_record):
    answers = phq9(1, 1, 1, 1, 1, 1, 1, 1, 1)
    del answers["phq9-3"], answers["phq9-7"]
    with pytest.raises(DomainError) as refused:
        administer(nurse, client_record, answers=answers)
    assert refused.value.code == "missing_items"
    assert refused.value.field == "answers"
    assert refused.value.params["link_ids"] == ["phq9-3", "phq9-7"]
    assert "3 (phq9-3)" in str(refused.value.message) and "7 (phq9-7)" in str(refused.value.message)
    assert not ScreeningResponse.objects.exists()
    assert not PathEvent.objects.exists()


def test_out_of_range_answers_are_refused_naming_every_bad_item(nurse, client_record):
    with pytest.raises(DomainError) as refused:
        administer(nurse, client_record, answers=phq9(4, 1, 1, 1, -1, 1, 1, 1, 0))
    assert refused.value.code == "out_of_range"
    assert refused.value.params["link_ids"] == ["phq9-1", "phq9-5"]
    message = str(refused.value.message)
    assert "1 (phq9-1) should be 0–3 but is 4" in message and "5 (phq9-5) should be 0–3 but is -1" in message
    assert not ScreeningResponse.objects.exists()
    assert not PathEvent.objects.exists()


def test_an_answer_to_an_item_the_instrument_does_not_have_is_refused(nurse, client_record):
    with pytest.raises(DomainError) as refused:
        administer(nurse, client_record, answers={**phq9(0, 0, 0, 0, 0, 0, 0, 0, 0), "gad7-1": 2})
    assert (refused.value.code, refused.value.params["link_ids"]) == ("unknown_items", ["gad7-1"])
    assert not ScreeningResponse.objects.exists()


def test_unknown_instrument_code_is_refused_with_the_code_named(nurse, client_record):
    with pytest.raises(DomainError) as refused:
        administer(nurse, client_record, code="htq-30")
    assert (refused.value.code, refused.value.field) == ("unknown_instrument", "instrument")
    assert "htq-30" in str(refused.value.message)
    assert not ScreeningResponse.objects.exists()
    assert not PathEvent.objects.exists()


def test_licensed_instrument_without_loaded_texts_cannot_be_administered(nurse, client_record):
    for code in ("rhs-15", "RHS-13", "protect"):
        with pytest.raises(DomainError) as refused:
            administer(nurse, client_record, code=code, answers={})
        assert refused.value.code == "texts_not_loaded"
        assert "a licensed organisation must import them" in str(refused.value.message)
    assert not ScreeningResponse.objects.exists()
    assert not PathEvent.objects.exists()


def test_licensed_instrument_is_administered_once_its_texts_are_loaded_for_the_organisation(
        nurse, client_record, organisation):
    import_instrument_texts(organisation=organisation, instrument_code="RHS-15", texts=rhs15_texts("ar"))
    answers = dict.fromkeys(RHS15, 0) | {"rhs-15": 5}  # items 1–14 sum to 0, thermometer 5: positive
    screening = administer(nurse, client_record, code="rhs-15", answers=answers)
    assert (screening.instrument, screening.total, screening.positive, screening.band) == ("rhs-15", 0, True, "")
    assert screening.subscales == {"distress_thermometer": 5}
    assert PathEvent.objects.get().attributes == {"instrument": "rhs-15", "band": "", "positive": True}


def test_texts_loaded_by_a_parent_organisation_cover_its_units(areas, team_lead):
    county = OrganisationFactory(name="Hyvinvointialue")
    unit = OrganisationFactory(name="Mielenterveystiimi", parent=county)
    worker = make_user(role="professional", profession="nurse", organisation=unit)
    import_instrument_texts(organisation=county, instrument_code="protect",
                            texts={"fi": {f"protect-{n}": f"Kysymys {n}" for n in range(1, 11)}})
    assert selectors.get_instrument(viewer=worker, code="protect").item("protect-4").texts["fi"] == "Kysymys 4"


def test_texts_loaded_by_another_organisation_do_not_open_the_instrument(nurse, client_record):
    other = OrganisationFactory(name="Toinen organisaatio")
    import_instrument_texts(organisation=other, instrument_code="rhs-15", texts=rhs15_texts())
    with pytest.raises(DomainError) as refused:
        administer(nurse, client_record, code="rhs-15", answers=dict.fromkeys(RHS15, 0))
    assert refused.value.code == "texts_not_loaded"


def test_worker_outside_the_care_team_is_denied_and_the_denial_stays_in_the_access_log(outsider, client_record):
    with pytest.raises(AccessDenied):
        administer(outsider, client_record)
    log = AccessLog.objects.get()
    assert (log.actor, log.client_id, log.action, log.basis, log.object_type) == (
        outsider, client_record.pk, "write", "denied", "screening")
    assert not ScreeningResponse.objects.exists()
    assert not PathEvent.objects.exists()


def test_a_meeting_of_another_client_cannot_be_linked(nurse, client_record, organisation, team_lead):
    other = make_client(organisation=organisation, created_by=team_lead)
    meeting = Meeting.objects.create(client=other, starts_at=timezone.now(), place="office", created_by=nurse)
    with pytest.raises(DomainError) as refused:
        administer(nurse, client_record, meeting=meeting)
    assert refused.value.field == "meeting"
    assert not ScreeningResponse.objects.exists()


def test_a_language_that_is_not_a_language_code_is_refused(nurse, client_record):
    with pytest.raises(DomainError) as refused:
        administer(nurse, client_record, client_language="Arabic please")
    assert refused.value.field == "client_language"
    assert not ScreeningResponse.objects.exists()


# ------------------------------------------------------------------------------------ licensed texts


def test_importing_texts_merges_languages_and_keeps_one_row_per_organisation_and_instrument(organisation):
    import_instrument_texts(organisation=organisation, instrument_code="rhs-15", texts=rhs15_texts("en"))
    import_instrument_texts(organisation=organisation, instrument_code="rhs-15",
                            texts={"ar": {"rhs-1": "نص عربي"}})
    row = LicensedInstrumentText.objects.get()
    assert sorted(row.texts) == ["ar", "en"]
    assert row.texts["ar"] == {"rhs-1": "نص عربي"}
    assert len(row.texts["en"]) == 15


@pytest.mark.parametrize(("texts", "code", "named"), [
    ({"en": {"rhs-99": "x"}}, "unknown_link_ids", "rhs-99"),
    ({"Arabic": {"rhs-1": "x"}}, "invalid_language", "Arabic"),
    ({"en": {**{f"rhs-{n}": "x" for n in range(1, 15)}, "rhs-15": "  "}}, "blank_text", "rhs-15"),
    ({"en": {"rhs-1": "only one"}}, "items_without_text", "rhs-2"),
    (["not", "an", "object"], "invalid_texts", "JSON object"),
])
def test_bad_text_imports_are_refused_naming_the_problem_and_store_nothing(organisation, texts, code, named):
    with pytest.raises(DomainError) as refused:
        import_instrument_texts(organisation=organisation, instrument_code="rhs-15", texts=texts)
    assert refused.value.code == code
    assert named in str(refused.value.message)
    assert not LicensedInstrumentText.objects.exists()


def test_free_instruments_have_no_texts_to_import(organisation):
    with pytest.raises(DomainError) as refused:
        import_instrument_texts(organisation=organisation, instrument_code="phq-9", texts={"en": {"phq9-1": "x"}})
    assert refused.value.code == "texts_not_licensed"


def test_import_command_stores_texts_for_the_named_organisation(organisation, tmp_path, capsys):
    path = tmp_path / "rhs15.json"
    path.write_text(json.dumps(rhs15_texts("fa"), ensure_ascii=False), encoding="utf-8")
    call_command("import_instrument_texts", str(path), instrument="RHS-15", organisation=organisation.name)
    row = LicensedInstrumentText.objects.get(organisation=organisation, instrument="rhs-15")
    assert row.texts["fa"]["rhs-3"] == "Item rhs-3 text (fa)"
    assert row.source == "rhs15.json"
    assert "imported 15 texts of RHS-15 in fa" in capsys.readouterr().out


@pytest.mark.parametrize(("content", "options", "expected"), [
    ("{not json", {}, "not valid JSON (line 1"),
    (json.dumps({"en": {"rhs-99": "x"}}), {}, "rhs-99"),
    (json.dumps({"en": {"phq9-1": "x"}}), {"instrument": "PHQ-9"}, "ships with its texts"),
    (json.dumps(rhs15_texts()), {"organisation": "Ei ole olemassa"}, "no organisation named 'Ei ole olemassa'"),
    (json.dumps(rhs15_texts()), {"instrument": "HTQ"}, "There is no screening instrument “HTQ”"),
])
def test_import_command_fails_with_one_line_naming_the_problem(organisation, tmp_path, content, options, expected):
    path = tmp_path / "texts.json"
    path.write_text(content, encoding="utf-8")
    arguments = {"instrument": "RHS-15", "organisation": organisation.name, **options}
    with pytest.raises(CommandError) as failed:
        call_command("import_instrument_texts", str(path), **arguments)
    assert expected in str(failed.value)
    assert "\n" not in str(failed.value)
    assert not LicensedInstrumentText.objects.exists()


def test_import_command_names_a_missing_file(organisation, tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_instrument_texts", str(tmp_path / "missing.json"), instrument="rhs-15",
                     organisation=organisation.name)


# ----------------------------------------------------------------------------------------- selectors


@pytest.fixture
def history(nurse, client_record):
    """PHQ-9 three times (12, 8, 3) and GAD-7 once, a week apart."""
    start = timezone.now() - timedelta(days=30)
    made = []
    for week, (code, answers) in enumerate([
        ("phq-9", phq9(2, 1, 1, 2, 1, 2, 1, 2, 0)),
        ("gad-7", dict.fromkeys([f"gad7-{n}" for n in range(1, 8)], 1)),
        ("phq-9", phq9(1, 1, 1, 1, 1, 1, 1, 1, 0)),
        ("phq-9", phq9(1, 0, 1, 0, 1, 0, 0, 0, 0)),
    ]):
        with time_machine.travel(start + timedelta(weeks=week), tick=False):
            made.append(administer(nurse, client_record, code=code, answers=answers))
    return made


def test_results_are_listed_newest_first(nurse, client_record, history):
    assert [s.pk for s in selectors.list_screenings(viewer=nurse, client=client_record)] == [
        s.pk for s in reversed(history)]


def test_latest_result_per_instrument_is_the_newest_of_each(nurse, client_record, history):
    latest = selectors.latest_per_instrument(viewer=nurse, client=client_record)
    assert [(s.instrument, s.total) for s in latest] == [("gad-7", 7), ("phq-9", 3)]


def test_trend_is_the_series_of_totals_oldest_first(nurse, client_record, history):
    points = selectors.trend(viewer=nurse, client=client_record, instrument="PHQ-9")
    assert [(p.total, p.band) for p in points] == [(12, "moderate"), (8, "mild"), (3, "minimal")]
    assert points[0].at < points[1].at < points[2].at


def test_overview_reads_everything_in_one_query_after_the_access_check(nurse, client_record, history,
                                                                      django_assert_num_queries):
    nurse.has_perm("core.work_with_clients")  # permissions are cached on the user, as in a request
    # 1 care-relationship check, 1 access-log insert, 1 read of the screenings.
    with django_assert_num_queries(3):
        overview = selectors.screening_overview(viewer=nurse, client=client_record)
    assert overview.count == 4
    assert [s.instrument for s in overview.latest] == ["gad-7", "phq-9"]
    assert list(overview.trends) == ["phq-9"]  # GAD-7 has one result: no trend


def test_a_worker_outside_the_care_team_cannot_read_results(outsider, client_record, history):
    with pytest.raises(AccessDenied):
        selectors.list_screenings(viewer=outsider, client=client_record)
    assert AccessLog.objects.filter(actor=outsider, basis="denied", object_type="screening").count() == 1


def test_instrument_choices_mark_licensed_instruments_usable_only_with_texts(nurse, organisation):
    def usable():
        return {c.code: c.available for c in selectors.list_instrument_choices(viewer=nurse)}

    assert usable() == {"gad-7": True, "pcl-5": True, "phq-9": True, "protect": False, "rhs-13": False,
                        "rhs-15": False}
    import_instrument_texts(organisation=organisation, instrument_code="rhs-15", texts=rhs15_texts())
    assert usable()["rhs-15"] is True
    assert usable()["rhs-13"] is False  # RHS-13 is its own definition and needs its own import


# ----------------------------------------------------------------------------- suggestions, language


def test_every_band_of_every_instrument_has_its_own_worded_suggestion():
    for instrument in list_instruments():
        keys = [band.code for band in instrument.bands] or ["positive", "negative"]
        for key in keys:
            assert (instrument.code, key) in _SUGGESTIONS, (instrument.code, key)


def test_moderate_phq9_suggests_a_referral_discussion_or_a_follow_up_as_a_suggestion():
    text = selectors.next_step_suggestion(instrument="phq-9", band="moderate", positive=True)
    assert text.startswith("Consider discussing")
    assert "referral" in text and "2–4 weeks" in text


@pytest.mark.parametrize(("language", "direction"), [("ar", "rtl"), ("fa", "rtl"), ("prs", "rtl"),
                                                     ("ckb", "rtl"), ("fi", "ltr"), ("so", "ltr")])
def test_text_direction_follows_the_script(language, direction):
    assert selectors.text_direction(language) == direction


def test_client_language_is_the_preferred_one_when_the_instrument_has_it(client_record):
    phq = load_instrument("phq-9")
    client_record.preferred_language = "sv"
    assert selectors.choose_client_language(instrument=phq, client=client_record) == "sv"
    client_record.preferred_language = "ar"  # no Arabic PHQ-9 texts: the interpreter translates
    assert selectors.choose_client_language(instrument=phq, client=client_record) == "ar"
    assert selectors.choose_client_language(instrument=phq, client=client_record, requested="en") == "en"
    assert selectors.choose_client_language(instrument=phq, client=client_record, requested="xx") == "ar"


# ---------------------------------------------------------------------------------------------- chart


def test_trend_chart_is_an_accessible_svg_with_band_thresholds():
    start = timezone.now()
    points = [ChartPoint(at=start + timedelta(days=14 * i), total=t) for i, t in enumerate([14, 9, 4])]
    svg = str(render_trend_chart(chart_id="trend-phq-9", title="PHQ-9", points=points,
                                 thresholds=instrument_thresholds(load_instrument("phq-9")), max_value=27))
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert 'aria-labelledby="trend-phq-9-title trend-phq-9-desc"' in svg
    assert '<title id="trend-phq-9-title">PHQ-9</title>' in svg
    desc = svg.split('<desc id="trend-phq-9-desc">')[1].split("</desc>")[0]
    assert ": 14" in desc and ": 9" in desc and ": 4" in desc
    assert svg.count('stroke-dasharray="5 4"') == 4  # mild 5, moderate 10, moderately severe 15, severe 20
    assert svg.count("<circle") == 3


def test_trend_chart_escapes_text():
    svg = str(render_trend_chart(chart_id="c", title="<script>x</script>", points=[],
                                 thresholds=[Threshold(value=3, label="<b>")], max_value=10))
    assert "<script>" not in svg and "<b>" not in svg
    assert "&lt;script&gt;" in svg


def test_instruments_without_bands_draw_the_positive_threshold():
    thresholds = instrument_thresholds(load_instrument("rhs-13"))
    assert [t.value for t in thresholds] == [11]

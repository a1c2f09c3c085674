"""Registering, updating, de-duplicating and merging client records (polku.casework.services.clients)."""

import threading
from datetime import date, timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation

from polku.casework.languages import COUNTRIES, LANGUAGES, country_name, is_rtl, language_name
from polku.casework.models import (
    CareTeamMembership,
    Client,
    ClientLanguage,
    ClientLegalStatus,
    Meeting,
    Note,
    PathEvent,
    ScreeningResponse,
    ServicePlan,
    WorkTime,
)
from polku.casework.services.clients import (
    ClientDetails,
    find_possible_duplicates,
    merge_clients,
    open_client_in_emergency,
    register_client,
    update_client,
)
from polku.core.errors import AccessDenied, Conflict, DomainError
from polku.core.identity_code import make_identity_code
from polku.core.models import AccessLog, BreakTheGlassGrant, Municipality
from tests.factories import OrganisationFactory, add_to_care_team, make_client, make_user

pytestmark = pytest.mark.django_db

TODAY = date(2025, 6, 2)
BIRTH = date(1985, 3, 12)
CODE = make_identity_code(birth_date=BIRTH, individual_number=123)  # 120385-123?


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English, the msgid language."""
    with translation.override("en"):
        yield


def details(**overrides) -> ClientDetails:
    values = {"given_names_latin": "Amina", "family_name_latin": "Hassan", "preferred_language": "ar",
              "birth_year": 1985}
    values.update(overrides)
    return ClientDetails(**values)


def field_errors(error: DomainError) -> dict[str, list[str]]:
    """{field: [codes]} of a service's validation error."""
    result: dict[str, list[str]] = {}
    for item in error.params.get("errors") or [error]:
        result.setdefault(item.field, []).append(item.code)
    return result


def register(actor, organisation, **overrides) -> Client:
    return register_client(actor=actor, organisation=organisation, details=details(**overrides), today=TODAY)


# --- registering -----------------------------------------------------------------------------------------


def test_registering_stores_names_languages_and_legal_status_and_writes_the_path_event(nurse, organisation):
    municipality = Municipality.objects.get(code="853")  # Turku
    client = register(
        nurse, organisation, given_names="أمينة", family_name="حسن", birth_date=BIRTH, birth_year=None,
        gender="woman", immigration_number=" 12 345-678 ", reception_centre_id="VOK-77",
        languages=(("ar", "native"), ("en", "basic")), interpreter_needed=True, interpreter_language="ar",
        interpreter_dialect="Iraqi", interpreter_gender_preference="female", preferred_interpreter="Leila K.",
        refused_interpreters="Interpreter X", country_of_origin="IQ", arrival_year=2016,
        legal_status="asylum_granted", legal_status_valid_from=date(2017, 5, 1), municipality=municipality,
        phone="+358 40 123 4567", consent_sms=True, email="amina@example.org", consent_email=True,
        emergency_contact_name="Omar Hassan", emergency_contact_phone="040 765 4321",
        emergency_contact_relation="brother")
    client.refresh_from_db()
    assert (client.given_names, client.family_name) == ("أمينة", "حسن")
    assert (client.birth_date, client.birth_year, client.gender) == (BIRTH, 1985, "woman")
    assert client.identity_code is None and client.identity_code_is_temporary is False
    assert client.immigration_number == "12345-678"  # compared without spaces or case
    assert (client.interpreter_needed, client.interpreter_language, client.interpreter_gender_preference) == (
        True, "ar", "female")
    assert (client.country_of_origin, client.arrival_year, client.municipality) == ("IQ", 2016, municipality)
    assert (client.consent_sms, client.consent_email, client.emergency_contact_relation) == (True, True, "brother")
    assert client.created_by == nurse and client.organisation == organisation and client.version == 1
    assert set(ClientLanguage.objects.filter(client=client).values_list("language", "proficiency")) == {
        ("ar", "native"), ("en", "basic")}
    status = ClientLegalStatus.objects.get(client=client)
    assert (status.status, status.valid_from, status.valid_to, status.recorded_by) == (
        "asylum_granted", date(2017, 5, 1), None, nurse)
    event = PathEvent.objects.get(client=client)
    assert (event.activity, event.actor, event.organisation, event.object_id) == (
        "CLIENT_REGISTERED", nurse, organisation, str(client.pk))
    # Registering is not a care relationship: the team lead assigns, or the worker takes the client.
    assert not CareTeamMembership.objects.filter(client=client).exists()


def test_birth_year_is_taken_from_the_birth_date(nurse, organisation):
    client = register(nurse, organisation, birth_date=date(1990, 7, 1), birth_year=None)
    assert client.birth_year == 1990


def test_a_birth_year_alone_is_enough(nurse, organisation):
    client = register(nurse, organisation, birth_year=1979)
    assert (client.birth_date, client.birth_year) == (None, 1979)


def test_neither_birth_date_nor_birth_year_is_refused(nurse, organisation):
    with pytest.raises(DomainError) as error:
        register(nurse, organisation, birth_year=None)
    assert field_errors(error.value) == {"birth_year": ["birth_required"]}
    assert not Client.objects.exists()


def test_birth_date_in_the_future_is_a_field_error(nurse, organisation):
    with pytest.raises(DomainError) as error:
        register(nurse, organisation, birth_date=TODAY + timedelta(days=1), birth_year=None)
    assert field_errors(error.value) == {"birth_date": ["birth_date_in_future"]}
    assert not Client.objects.exists()


@pytest.mark.parametrize(("code", "rule", "words"), [
    (CODE[:-1] + ("A" if CODE[-1] != "A" else "B"), "identity_code_check_character", "check character"),
    ("310285-123X", "identity_code_date", "impossible date"),
    ("120385G123X", "identity_code_century_sign", "century sign"),
    ("12038-5123", "identity_code_format", "wrong form"),
    ("120385-001X", "identity_code_individual_number", "individual number"),
])
def test_invalid_identity_code_gives_a_field_error_naming_the_rule(nurse, organisation, code, rule, words):
    with pytest.raises(DomainError) as error:
        register(nurse, organisation, identity_code=code)
    assert field_errors(error.value) == {"identity_code": [rule]}
    assert words in str(error.value.params["errors"][0].message)
    assert not Client.objects.exists() and not PathEvent.objects.exists()


def test_check_character_error_tells_the_expected_character(nurse, organisation):
    wrong = CODE[:-1] + ("A" if CODE[-1] != "A" else "B")
    with pytest.raises(DomainError) as error:
        register(nurse, organisation, identity_code=wrong)
    assert f"“{CODE[-1]}”" in str(error.value.params["errors"][0].message)


def test_valid_identity_code_is_normalised_and_fills_the_birth_date(nurse, organisation):
    client = register(nurse, organisation, identity_code=f" {CODE.lower()} ", birth_year=None)
    assert (client.identity_code, client.birth_date, client.birth_year) == (CODE, BIRTH, 1985)
    assert client.identity_code_is_temporary is False


def test_temporary_identity_code_is_marked_temporary(nurse, organisation):
    temporary = make_identity_code(birth_date=BIRTH, individual_number=950)
    client = register(nurse, organisation, identity_code=temporary)
    assert client.identity_code_is_temporary is True


def test_identity_code_disagreeing_with_the_birth_date_is_refused(nurse, organisation):
    with pytest.raises(DomainError) as error:
        register(nurse, organisation, identity_code=CODE, birth_date=date(1985, 3, 13), birth_year=None)
    assert field_errors(error.value) == {"identity_code": ["identity_code_birth_date_mismatch"]}
    assert "12.03.1985" in str(error.value.params["errors"][0].message)
    assert not Client.objects.exists()


def test_arrival_year_before_the_birth_year_is_refused(nurse, organisation):
    with pytest.raises(DomainError) as error:
        register(nurse, organisation, birth_year=2001, arrival_year=1999)
    assert field_errors(error.value) == {"arrival_year": ["arrival_before_birth"]}


def test_arrival_year_in_the_future_is_refused(nurse, organisation):
    with pytest.raises(DomainError) as error:
        register(nurse, organisation, arrival_year=TODAY.year + 1)
    assert field_errors(error.value) == {"arrival_year": ["arrival_in_future"]}


def test_codes_outside_the_curated_lists_are_field_errors(nurse, organisation):
    with pytest.raises(DomainError) as error:
        register(nurse, organisation, preferred_language="xx", languages=(("klingon", "native"),),
                 interpreter_needed=True, interpreter_language="zz", country_of_origin="US")
    assert field_errors(error.value) == {"preferred_language": ["unknown_language"], "languages": ["unknown_language"],
                                         "interpreter_language": ["unknown_language"],
                                         "country_of_origin": ["unknown_country"]}


def test_every_broken_rule_is_reported_at_once(nurse, organisation):
    with pytest.raises(DomainError) as error:
        register(nurse, organisation, family_name_latin="", birth_year=None, interpreter_needed=True,
                 consent_email=True)
    assert set(field_errors(error.value)) == {"family_name_latin", "birth_year", "interpreter_language", "email"}


def test_latin_name_fields_refuse_other_scripts(nurse, organisation):
    with pytest.raises(DomainError) as error:
        register(nurse, organisation, family_name_latin="حسن")
    assert field_errors(error.value) == {"family_name_latin": ["name_not_latin"]}


def test_a_registered_identity_code_is_refused_naming_the_field(nurse, organisation):
    register(nurse, organisation, identity_code=CODE)
    other_organisation = OrganisationFactory()
    other = make_user(role="professional", profession="nurse", organisation=other_organisation)
    with pytest.raises(DomainError) as error:
        register(other, other_organisation, identity_code=CODE.lower(), given_names_latin="Someone")
    assert (error.value.code, error.value.field) == ("duplicate_identity_code", "identity_code")
    assert Client.objects.count() == 1


def test_the_database_refuses_two_live_records_with_one_identity_code(nurse, organisation):
    make_client(organisation=organisation, created_by=nurse, identity_code=CODE)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_client(organisation=organisation, created_by=nurse, identity_code=CODE)


def test_registering_in_another_organisation_is_refused(nurse):
    with pytest.raises(AccessDenied):
        register(nurse, OrganisationFactory())


# --- duplicates ------------------------------------------------------------------------------------------


def test_name_and_birth_match_warns_with_candidates_until_confirmed(nurse, counsellor, organisation):
    first = register(nurse, organisation, birth_date=BIRTH, birth_year=None)
    with pytest.raises(DomainError) as error:
        register(counsellor, organisation, given_names_latin="  AMÍNA ", family_name_latin="hassan",
                 birth_date=BIRTH, birth_year=None)
    assert error.value.code == "possible_duplicates"
    [candidate] = error.value.params["candidates"]
    assert (candidate.client_id, candidate.reasons, candidate.birth_year) == (first.pk, ("name_and_birth",), 1985)
    assert Client.objects.count() == 1
    # The candidates shown are logged: minimum data, administrative basis.
    row = AccessLog.objects.get(object_type="duplicate_check")
    assert (row.actor, row.client_id, row.basis) == (counsellor, first.pk, "administrative")
    second = register_client(actor=counsellor, organisation=organisation, today=TODAY, confirm_not_duplicate=True,
                             details=details(given_names_latin="Amina", birth_date=BIRTH, birth_year=None))
    assert Client.objects.count() == 2 and second.pk != first.pk


def test_duplicate_search_matches_immigration_number_and_swapped_names(nurse, organisation):
    first = register(nurse, organisation, immigration_number="ab 123", birth_year=1970)
    by_number = find_possible_duplicates(actor=nurse, organisation=organisation, immigration_number="AB123")
    swapped = find_possible_duplicates(actor=nurse, organisation=organisation, given_names_latin="Hassan",
                                       family_name_latin="Amina", birth_year=1970)
    assert [(c.client_id, c.reasons) for c in by_number] == [(first.pk, ("immigration_number",))]
    assert [(c.client_id, c.reasons) for c in swapped] == [(first.pk, ("name_and_birth",))]


def test_a_different_birth_year_is_not_a_duplicate(nurse, organisation):
    register(nurse, organisation, birth_year=1970)
    assert find_possible_duplicates(actor=nurse, organisation=organisation, given_names_latin="Amina",
                                    family_name_latin="Hassan", birth_year=1971) == []
    assert not AccessLog.objects.exists()


def test_duplicate_search_does_not_show_other_organisations_clients(nurse, organisation):
    other_organisation = OrganisationFactory()
    other = make_user(role="professional", profession="nurse", organisation=other_organisation)
    register(other, other_organisation, birth_year=1970)
    assert find_possible_duplicates(actor=nurse, organisation=organisation, given_names_latin="Amina",
                                    family_name_latin="Hassan", birth_year=1970) == []


# --- updating --------------------------------------------------------------------------------------------


def test_update_saves_changes_bumps_the_version_and_logs_the_write(nurse, organisation):
    client = register(nurse, organisation, languages=(("ar", "native"),))
    add_to_care_team(client=client, worker=nurse)
    updated = update_client(actor=nurse, client=client, expected_version=1, today=TODAY, phone="+358 50 111 2222",
                            languages=(("ar", "native"), ("fi", "basic")))
    client.refresh_from_db()
    assert (client.phone, client.version, updated.version) == ("+358 50 111 2222", 2, 2)
    assert set(client.languages.values_list("language", flat=True)) == {"ar", "fi"}
    row = AccessLog.objects.get()
    assert (row.actor, row.client_id, row.action, row.basis) == (nurse, client.pk, "write", "care_relationship")


def test_second_save_with_the_same_version_gets_a_conflict_and_nothing_is_lost(nurse, counsellor, organisation):
    client = register(nurse, organisation)
    add_to_care_team(client=client, worker=nurse)
    add_to_care_team(client=client, worker=counsellor, role="social_counsellor")
    update_client(actor=nurse, client=client, expected_version=1, today=TODAY, phone="040 111 1111")
    with pytest.raises(Conflict) as error:
        update_client(actor=counsellor, client=client, expected_version=1, today=TODAY, phone="040 222 2222",
                      email="x@example.org")
    assert "someone else saved" in str(error.value.message).lower()
    client.refresh_from_db()
    assert (client.phone, client.email, client.version) == ("040 111 1111", "", 2)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL; SQLite locks the file")
def test_two_workers_saving_at_the_same_moment_one_wins_and_the_other_gets_a_conflict(nurse, counsellor,
                                                                                     organisation):
    client = register(nurse, organisation)
    add_to_care_team(client=client, worker=nurse)
    add_to_care_team(client=client, worker=counsellor, role="social_counsellor")
    barrier = threading.Barrier(2)
    outcomes = {}

    def save(worker, phone):
        try:
            barrier.wait()
            with translation.override("en"):
                update_client(actor=worker, client=client, expected_version=1, today=TODAY, phone=phone)
            outcomes[phone] = "saved"
        except Conflict:
            outcomes[phone] = "conflict"
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=save, args=args) for args in ((nurse, "040 111 1111"),
                                                                     (counsellor, "040 222 2222"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes.values()) == ["conflict", "saved"]
    winner = next(phone for phone, outcome in outcomes.items() if outcome == "saved")
    client.refresh_from_db()
    assert (client.phone, client.version) == (winner, 2)


def test_update_by_a_worker_outside_the_care_team_is_refused_and_logged(nurse, outsider, organisation):
    client = register(nurse, organisation)
    with pytest.raises(AccessDenied):
        update_client(actor=outsider, client=client, expected_version=1, today=TODAY, phone="040 111 1111")
    client.refresh_from_db()
    assert (client.phone, client.version) == ("", 1)
    row = AccessLog.objects.get()
    assert (row.actor, row.client_id, row.action, row.basis) == (outsider, client.pk, "write", "denied")


def test_update_validates_like_registration(nurse, organisation):
    client = register(nurse, organisation, birth_year=1990)
    add_to_care_team(client=client, worker=nurse)
    with pytest.raises(DomainError) as error:
        update_client(actor=nurse, client=client, expected_version=1, today=TODAY, arrival_year=1980)
    assert field_errors(error.value) == {"arrival_year": ["arrival_before_birth"]}
    client.refresh_from_db()
    assert (client.arrival_year, client.version) == (None, 1)


def test_legal_status_change_appends_history_and_closes_the_previous_status(nurse, organisation):
    client = register(nurse, organisation, legal_status="asylum_seeker", legal_status_valid_from=date(2023, 1, 10))
    add_to_care_team(client=client, worker=nurse)
    update_client(actor=nurse, client=client, expected_version=1, today=TODAY, legal_status="asylum_granted",
                  legal_status_valid_from=date(2024, 9, 1))
    history = list(ClientLegalStatus.objects.filter(client=client).order_by("valid_from")
                   .values_list("status", "valid_from", "valid_to"))
    assert history == [("asylum_seeker", date(2023, 1, 10), date(2024, 8, 31)),
                       ("asylum_granted", date(2024, 9, 1), None)]


def test_new_legal_status_must_start_after_the_previous_one(nurse, organisation):
    client = register(nurse, organisation, legal_status="asylum_seeker", legal_status_valid_from=date(2023, 1, 10))
    add_to_care_team(client=client, worker=nurse)
    with pytest.raises(DomainError) as error:
        update_client(actor=nurse, client=client, expected_version=1, today=TODAY, legal_status="asylum_granted",
                      legal_status_valid_from=date(2023, 1, 10))
    assert error.value.field == "legal_status_valid_from"
    assert ClientLegalStatus.objects.filter(client=client).count() == 1


def test_identity_code_of_another_live_record_is_refused_on_update(nurse, organisation):
    register(nurse, organisation, identity_code=CODE)
    second = register(nurse, organisation, given_names_latin="Other", family_name_latin="Person", birth_year=1960)
    add_to_care_team(client=second, worker=nurse)
    with pytest.raises(DomainError) as error:
        update_client(actor=nurse, client=second, expected_version=1, today=TODAY, identity_code=CODE,
                      birth_year=None)
    assert (error.value.code, error.value.field) == ("duplicate_identity_code", "identity_code")


# --- merging ---------------------------------------------------------------------------------------------


@pytest.fixture
def pair_of_records(nurse, organisation):
    keep = make_client(organisation=organisation, created_by=nurse, given_names_latin="Amina",
                       family_name_latin="Hassan", birth_year=1985)
    duplicate = make_client(organisation=organisation, created_by=nurse, given_names_latin="Amina",
                            family_name_latin="Hasan", birth_year=1985, identity_code=CODE, birth_date=BIRTH,
                            phone="040 123 4567")
    return keep, duplicate


def _fill(client, worker):
    """One row of every kind on a client."""
    meeting = Meeting.objects.create(client=client, starts_at=timezone.now(), place="office", outcome="held",
                                     actual_minutes=60, created_by=worker)
    Note.objects.create(client=client, meeting=meeting, author=worker, text="note")
    ScreeningResponse.objects.create(client=client, instrument="PHQ-9", client_language="ar", worker_language="fi",
                                     answers={}, total=3, band="minimal", positive=False, administered_by=worker)
    ServicePlan.objects.create(client=client, created_by=worker)
    WorkTime.objects.create(worker=worker, client=client, meeting=meeting, activity="meeting", date=TODAY, minutes=60)
    ClientLanguage.objects.create(client=client, language="ar", proficiency="native")
    ClientLanguage.objects.create(client=client, language="sv", proficiency="basic")
    ClientLegalStatus.objects.create(client=client, status="asylum_seeker", valid_from=date(2020, 1, 1),
                                     recorded_by=worker)
    with transaction.atomic():
        PathEvent.objects.create(client=client, activity="MEETING_HELD", actor=worker)


def test_merge_moves_everything_to_the_kept_record_and_keeps_the_duplicate(nurse, counsellor, pair_of_records):
    keep, duplicate = pair_of_records
    add_to_care_team(client=keep, worker=nurse)
    add_to_care_team(client=duplicate, worker=nurse)
    add_to_care_team(client=duplicate, worker=counsellor, role="social_counsellor", assigned_by=nurse)
    ClientLanguage.objects.create(client=keep, language="ar", proficiency="fluent")
    _fill(duplicate, nurse)
    merge_clients(actor=nurse, keep=keep, duplicate=duplicate, reason="Same person, registered twice at intake")
    duplicate.refresh_from_db()
    keep.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into) == ("merged", keep)
    for model in (Meeting, Note, ScreeningResponse, ServicePlan, WorkTime, ClientLegalStatus):
        assert model.objects.filter(client=duplicate).count() == 0, model
        assert model.objects.filter(client=keep).count() == 1, model
    # The kept record already had Arabic; that row stays behind rather than being deleted.
    assert set(keep.languages.values_list("language", "proficiency")) == {("ar", "fluent"), ("sv", "basic")}
    assert ClientLanguage.objects.filter(client=duplicate).count() == 1
    # The nurse was in both teams: one active membership remains, the other is ended history.
    memberships = CareTeamMembership.objects.filter(client=keep)
    assert memberships.count() == 3
    assert set(memberships.filter(ended_at__isnull=True).values_list("worker__username", flat=True)) == {
        "nurse", "counsellor"}
    # Blank fields of the kept record are filled from the duplicate; the identity code moves over.
    assert (keep.identity_code, keep.birth_date, keep.phone, keep.version) == (CODE, BIRTH, "040 123 4567", 2)
    merged = PathEvent.objects.get(activity="RECORDS_MERGED")
    assert (merged.client, merged.actor, merged.object_id) == (keep, nurse, str(duplicate.pk))
    assert merged.attributes["reason"] == "Same person, registered twice at intake"
    assert merged.attributes["moved"]["meetings"] == 1
    assert PathEvent.objects.filter(client=keep, activity="MEETING_HELD").exists()
    assert set(AccessLog.objects.filter(object_type="merge").values_list("client_id", "basis")) == {
        (keep.pk, "care_relationship"), (duplicate.pk, "care_relationship")}


def test_merge_without_access_to_both_records_is_refused_and_nothing_moves(nurse, pair_of_records):
    keep, duplicate = pair_of_records
    add_to_care_team(client=keep, worker=nurse)
    _fill(duplicate, nurse)
    with pytest.raises(AccessDenied):
        merge_clients(actor=nurse, keep=keep, duplicate=duplicate, reason="Same person")
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into) == ("active", None)
    assert Meeting.objects.filter(client=duplicate).count() == 1
    assert not PathEvent.objects.filter(activity="RECORDS_MERGED").exists()
    assert AccessLog.objects.get(client_id=duplicate.pk).basis == "denied"


def test_merge_needs_a_reason(nurse, pair_of_records):
    keep, duplicate = pair_of_records
    add_to_care_team(client=keep, worker=nurse)
    add_to_care_team(client=duplicate, worker=nurse)
    with pytest.raises(DomainError) as error:
        merge_clients(actor=nurse, keep=keep, duplicate=duplicate, reason="  ")
    assert error.value.field == "reason"
    duplicate.refresh_from_db()
    assert duplicate.status == "active"


def test_team_lead_of_the_organisation_may_merge_without_a_care_relationship(team_lead, pair_of_records):
    keep, duplicate = pair_of_records
    merge_clients(actor=team_lead, keep=keep, duplicate=duplicate, reason="Registered twice")
    duplicate.refresh_from_db()
    assert duplicate.merged_into == keep
    assert set(AccessLog.objects.values_list("client_id", "basis")) == {
        (keep.pk, "administrative"), (duplicate.pk, "administrative")}


def test_team_lead_of_another_organisation_may_not_merge(pair_of_records):
    keep, duplicate = pair_of_records
    stranger = make_user(role="team_lead", profession="nurse", organisation=OrganisationFactory())
    with pytest.raises(AccessDenied):
        merge_clients(actor=stranger, keep=keep, duplicate=duplicate, reason="Registered twice")
    assert AccessLog.objects.get().basis == "denied"
    duplicate.refresh_from_db()
    assert duplicate.status == "active"


def test_merge_is_refused_when_both_records_have_a_plan_in_force(nurse, pair_of_records):
    keep, duplicate = pair_of_records
    add_to_care_team(client=keep, worker=nurse)
    add_to_care_team(client=duplicate, worker=nurse)
    ServicePlan.objects.create(client=keep, created_by=nurse)
    ServicePlan.objects.create(client=duplicate, created_by=nurse)
    with pytest.raises(DomainError) as error:
        merge_clients(actor=nurse, keep=keep, duplicate=duplicate, reason="Same person")
    assert error.value.code == "two_open_plans"
    assert ServicePlan.objects.filter(client=duplicate).count() == 1


def test_every_table_pointing_at_a_client_is_handled_by_the_merge():
    """Every foreign key to Client is moved by merge_clients (explicitly or generically), except the merge link."""
    from polku.casework.services.clients import _move_related

    not_moved = {"merged_records"}  # the duplicate's own link to the kept record
    related = {rel.get_accessor_name() for rel in Client._meta.related_objects if rel.one_to_many}
    organisation = OrganisationFactory()
    creator = make_user(role="team_lead", organisation=organisation)
    keep = make_client(organisation=organisation, created_by=creator)
    duplicate = make_client(organisation=organisation, created_by=creator, family_name_latin="Other")
    with transaction.atomic():
        moved = _move_related(keep=keep, duplicate=duplicate)
    assert related - not_moved <= set(moved), sorted(related - not_moved - set(moved))


# --- emergency access and the curated lists ----------------------------------------------------------------


def test_emergency_access_to_a_client_number_that_does_not_exist_is_refused_without_a_grant(outsider):
    with pytest.raises(AccessDenied):
        open_client_in_emergency(actor=outsider, client_id=999_999, reason="Acute crisis")
    assert not BreakTheGlassGrant.objects.exists()


def test_curated_lists_hold_the_codes_client_work_meets():
    assert {"fi", "sv", "en", "ar", "fa", "prs", "ps", "ckb", "kmr", "so", "ti", "am", "ru", "uk", "sq", "bs",
            "hr", "sr", "et", "tr", "ku", "fr", "es", "zh", "vi", "th", "my"} == set(LANGUAGES)
    assert {"IQ", "SY", "AF", "SO", "IR", "ER", "ET", "RU", "UA", "XK", "AL", "BA", "RS", "TR", "CD", "MM", "SD",
            "SS", "YE", "PS", "ZZ"} == set(COUNTRIES)


def test_names_follow_the_ui_language_and_right_to_left_languages_are_marked():
    with translation.override("fi"):
        assert (language_name("prs"), country_name("SY")) == ("dari", "Syyria")
    with translation.override("sv"):
        assert (language_name("ar"), country_name("FI"), country_name("SS")) == ("arabiska", "FI", "Sydsudan")
    with translation.override("en"):
        assert language_name("ckb") == "Kurdish (Sorani)"
    assert (is_rtl("ar"), is_rtl("ckb"), is_rtl("kmr"), is_rtl("fi")) == (True, True, False, False)

"""The caseload simulator: same seed, same database; realistic PPMM-like distributions; the command's checks.

Expected bands and cut-offs below are written from the published scoring rules (PHQ-9, GAD-7, PCL-5),
not taken from the instrument engine the simulator uses. The random data prints its seed.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from polku.casework.models import (
    CareTeamMembership,
    Client,
    ClientLanguage,
    ClientLegalStatus,
    Meeting,
    MeetingOutcome,
    MeetingParticipant,
    Note,
    PathEvent,
    ScreeningResponse,
    ServicePlan,
    Team,
    TeamMember,
    WorkTime,
)
from polku.casework.workdays import add_working_days, is_working_day
from polku.core.identity_code import parse_identity_code
from polku.core.models import AccessLog, Municipality, Organisation, OrganisationType, User
from polku.demo.simulator import database_digest, simulate_caseload

HELSINKI = ZoneInfo("Europe/Helsinki")
SEED = 20161
UNTIL = date(2026, 11, 1)
NOW = datetime(2026, 11, 1, tzinfo=HELSINKI)
MIDDLE_EAST = {"IQ", "SY", "AF", "IR", "PS", "TR"}
LANGUAGES_OF_ORIGIN = {"IQ": {"ar", "ckb", "kmr"}, "SY": {"ar", "kmr"}, "AF": {"prs"}, "IR": {"fa", "ckb"},
                       "SO": {"so"}, "UA": {"uk", "ru"}, "RU": {"ru"}, "XK": {"sq"}, "BA": {"bs"}, "ER": {"ti"},
                       "PS": {"ar"}, "TR": {"kmr"}}


def phq9_band(total: int) -> str:
    return ("minimal" if total <= 4 else "mild" if total <= 9 else "moderate" if total <= 14
            else "moderately_severe" if total <= 19 else "severe")


def gad7_band(total: int) -> str:
    return "minimal" if total <= 4 else "mild" if total <= 9 else "moderate" if total <= 14 else "severe"


def local(moment: datetime) -> datetime:
    return moment.astimezone(HELSINKI)


def simulate_and_digest(**options) -> str:
    """Run the simulator in a savepoint, take the digest, and roll everything back."""
    with transaction.atomic():
        simulate_caseload(until=UNTIL, **options)
        digest = database_digest()
        transaction.set_rollback(True)
    return digest


# ---------------------------------------------------------------------------------- determinism


@pytest.mark.django_db
def test_same_seed_gives_the_same_database():
    print(f"simulator seed: {SEED}")
    first = simulate_and_digest(clients=40, seed=SEED)
    with transaction.atomic():
        # Push the id sequences on, so the second run's rows get other primary keys than the first's.
        Organisation.objects.create(name="Sequence pusher", type=OrganisationType.OTHER).delete()
        second = simulate_and_digest(clients=40, seed=SEED)
        transaction.set_rollback(True)
    assert first == second
    assert len(first) == 64


@pytest.mark.django_db
def test_a_different_seed_gives_a_different_database():
    print(f"simulator seeds: {SEED}, {SEED + 1}")
    assert simulate_and_digest(clients=20, seed=SEED) != simulate_and_digest(clients=20, seed=SEED + 1)


@pytest.mark.django_db
def test_the_digest_sees_a_changed_row():
    with transaction.atomic():
        simulate_caseload(clients=10, seed=SEED, until=UNTIL)
        before = database_digest()
        meeting = Meeting.objects.filter(outcome=MeetingOutcome.HELD).order_by("starts_at").first()
        Meeting.objects.filter(pk=meeting.pk).update(place_detail="changed")
        assert database_digest() != before
        transaction.set_rollback(True)


# ---------------------------------------------------------------------------------- realism (500 clients)


@pytest.fixture(scope="class")
def caseload(django_db_setup, django_db_blocker):
    """500 simulated clients shared by the realism tests, rolled back afterwards."""
    print(f"simulator seed: {SEED}")
    with django_db_blocker.unblock():
        with transaction.atomic():
            access_rows = AccessLog.objects.count()
            result = simulate_caseload(clients=500, seed=SEED, until=UNTIL)
            yield {"result": result, "access_rows_before": access_rows}
            transaction.set_rollback(True)


@pytest.mark.django_db
class TestA500ClientCaseload:
    """Realism claims on one simulated caseload (the fixture is rolled back after the class)."""

    def test_the_run_reports_what_it_wrote(self, caseload):
        result = caseload["result"]
        assert result.clients == Client.objects.count() == 500
        assert result.meetings == Meeting.objects.count()
        assert result.notes == Note.objects.count()
        assert result.screenings == ScreeningResponse.objects.count()
        assert result.path_events == PathEvent.objects.count()
        assert f"Simulated 500 clients (seed {SEED}" in result.summary()

    def test_the_simulator_writes_no_access_log_rows(self, caseload):
        assert AccessLog.objects.count() == caseload["access_rows_before"]

    def test_about_half_of_the_clients_are_women(self, caseload):
        genders = Counter(Client.objects.values_list("gender", flat=True))
        assert 0.40 <= genders["woman"] / 500 <= 0.60
        assert 0.40 <= genders["man"] / 500 <= 0.60
        assert 0 < genders["not_stated"] < 50

    def test_most_clients_need_an_interpreter_in_their_own_language(self, caseload):
        needing = Client.objects.filter(interpreter_needed=True)
        assert needing.count() / 500 > 0.60
        for client in needing:
            assert client.interpreter_language == client.preferred_language
            assert client.interpreter_language in LANGUAGES_OF_ORIGIN[client.country_of_origin]
        assert needing.exclude(interpreter_gender_preference="any").exists()
        assert needing.exclude(preferred_interpreter="").exists()

    def test_every_client_is_20_to_70_years_old_at_registration(self, caseload):
        for client in Client.objects.all():
            registered = local(client.created_at).date()
            if client.birth_date:
                age = registered.year - client.birth_date.year - (
                    (registered.month, registered.day) < (client.birth_date.month, client.birth_date.day))
                assert 20 <= age <= 70, client.birth_date
                assert client.birth_year == client.birth_date.year
            else:
                assert 20 <= registered.year - client.birth_year <= 70

    def test_most_clients_come_from_the_middle_east_and_speak_a_language_of_their_origin(self, caseload):
        origins = Counter(Client.objects.values_list("country_of_origin", flat=True))
        assert sum(origins[c] for c in MIDDLE_EAST) / 500 > 0.5
        assert {"SO", "UA", "XK", "BA", "ER"} <= set(origins)
        for client in Client.objects.all():
            native = ClientLanguage.objects.get(client=client, proficiency="native").language
            assert native in LANGUAGES_OF_ORIGIN[client.country_of_origin]

    def test_most_clients_have_lived_in_finland_for_more_than_three_years(self, caseload):
        years = [local(c.created_at).year - c.arrival_year for c in Client.objects.all()]
        assert sum(1 for y in years if y > 3) / len(years) > 0.6
        assert all(y >= 0 for y in years)

    def test_names_are_given_in_latin_letters_and_in_the_clients_own_script(self, caseload):
        arabic = Client.objects.filter(preferred_language="ar").exclude(given_names="").first()
        cyrillic = Client.objects.filter(preferred_language__in=["ru", "uk"]).exclude(given_names="").first()
        assert any("\u0600" <= ch <= "\u06ff" for ch in arabic.given_names)
        assert any("\u0400" <= ch <= "\u04ff" for ch in cyrillic.family_name)
        assert all(c.given_names_latin.replace("-", "").isalpha() for c in Client.objects.all())

    def test_identity_codes_are_only_valid_temporary_codes(self, caseload):
        with_code = Client.objects.exclude(identity_code=None)
        assert 0 < with_code.count() < 500  # only some clients have a code
        for client in with_code:
            parsed = parse_identity_code(client.identity_code)
            assert 900 <= parsed.individual_number <= 999
            assert parsed.is_temporary and client.identity_code_is_temporary
            assert parsed.birth_date == client.birth_date
        seekers = ClientLegalStatus.objects.filter(status="asylum_seeker", valid_to=None).values("client")
        assert Client.objects.filter(pk__in=seekers).exists()
        assert not Client.objects.filter(pk__in=seekers).exclude(identity_code=None).exists()

    def test_legal_status_history_is_continuous_and_ukrainians_mostly_have_temporary_protection(self, caseload):
        for client in Client.objects.all():
            rows = list(client.legal_statuses.order_by("valid_from"))
            assert rows and rows[-1].valid_to is None
            for earlier, later in zip(rows, rows[1:], strict=False):
                assert earlier.valid_to == later.valid_from - timedelta(days=1)
        ukrainians = Client.objects.filter(country_of_origin="UA")
        current = ClientLegalStatus.objects.filter(client__in=ukrainians, valid_to=None)
        assert current.filter(status="temporary_protection").count() / current.count() > 0.7
        statuses = set(ClientLegalStatus.objects.values_list("status", flat=True))
        assert {"quota_refugee", "asylum_granted", "subsidiary_protection", "family_member", "citizen"} <= statuses

    def test_clients_live_mostly_in_the_turku_region_and_big_cities(self, caseload):
        areas = Counter(Client.objects.values_list("municipality__area__code", flat=True))
        assert areas.most_common(1)[0][0] == "VS"
        assert areas["VS"] / 500 > 0.3
        assert Client.objects.filter(municipality__code="091").exists()  # Helsinki

    def test_teams_are_nurse_and_social_counsellor_pairs_with_unusable_passwords(self, caseload):
        teams = Team.objects.all()
        assert teams.count() >= 3
        for team in teams:
            members = [m.user for m in TeamMember.objects.filter(team=team, is_lead=False).select_related("user")]
            professions = Counter(user.profession for user in members)
            assert professions["nurse"] == professions["social_counsellor"] >= 1
            for user in members:
                assert user.role == "professional"
                if user.username not in ("hoitaja", "ohjaaja"):
                    assert user.username.startswith("sim.") and not user.has_usable_password()

    def test_the_demo_pair_has_a_caseload_in_the_first_team(self, caseload):
        first = Team.objects.get(name="Tiimi Turku 1")
        for username in ("hoitaja", "ohjaaja"):
            user = User.objects.get(username=username)
            assert TeamMember.objects.filter(team=first, user=user).exists()
            assert 20 <= CareTeamMembership.objects.filter(worker=user).count() <= 30
            assert CareTeamMembership.objects.filter(worker=user, ended_at=None).exists()
        assert user.has_usable_password()

    def test_every_client_has_the_pair_as_care_team_from_one_assignment_event(self, caseload):
        for client in Client.objects.all():
            roles = sorted(client.care_memberships.values_list("role", flat=True))
            assert roles == ["nurse", "social_counsellor"]
            event = PathEvent.objects.get(client=client, activity="CARE_TEAM_ASSIGNED")
            assert event.at == client.care_memberships.first().started_at
            assert event.attributes["pair"] is True

    def test_most_meetings_last_sixty_minutes_and_all_are_in_office_hours_on_working_days(self, caseload):
        minutes = Counter(Meeting.objects.values_list("planned_minutes", flat=True))
        assert minutes[60] / sum(minutes.values()) > 0.6
        assert set(minutes) <= {30, 60, 90, 120}
        for starts_at, planned in Meeting.objects.values_list("starts_at", "planned_minutes"):
            start = local(starts_at)
            assert is_working_day(start.date())
            assert 8 * 60 <= start.hour * 60 + start.minute <= 16 * 60 - planned

    def test_about_one_meeting_in_ten_is_a_no_show_and_some_are_cancelled(self, caseload):
        outcomes = Counter(Meeting.objects.exclude(outcome="planned").values_list("outcome", flat=True))
        total = sum(outcomes.values())
        assert 0.05 <= outcomes["client_no_show"] / total <= 0.15
        assert outcomes["cancelled_client"] and outcomes["cancelled_worker"] and outcomes["interpreter_no_show"]
        assert outcomes["held"] / total > 0.7

    def test_most_meetings_of_clients_needing_one_have_an_interpreter(self, caseload):
        held = Meeting.objects.filter(outcome="held", client__interpreter_needed=True)
        with_interpreter = held.filter(interpreter_used=True)
        assert with_interpreter.count() / held.count() > 0.85
        for meeting in with_interpreter.select_related("client")[:200]:
            assert meeting.interpreter_language == meeting.client.interpreter_language
            assert meeting.participants.filter(kind="interpreter", description=meeting.interpreter_name).exists()

    def test_the_first_held_meeting_of_every_client_has_both_pair_members(self, caseload):
        first_meetings = 0
        for client in Client.objects.all():
            held = client.meetings.filter(outcome="held").order_by("starts_at")
            if not held:
                continue
            first = held[0]
            first_meetings += 1
            assert first.is_first_meeting
            assert not held.filter(is_first_meeting=True).exclude(pk=first.pk).exists()
            pair = set(client.care_memberships.values_list("worker_id", flat=True))
            workers = set(first.participants.filter(kind="worker").values_list("worker_id", flat=True))
            assert workers == pair
        assert first_meetings > 400

    def test_every_held_meeting_has_a_meeting_held_path_event_at_its_start(self, caseload):
        held = dict(Meeting.objects.filter(outcome="held").values_list("pk", "starts_at"))
        events = PathEvent.objects.filter(activity="MEETING_HELD")
        assert events.count() == len(held)
        for event in events:
            assert event.object_type == "meeting"
            assert held[int(event.object_id)] == event.at

    def test_every_other_meeting_outcome_has_its_path_event(self, caseload):
        expected = {"client_no_show": "MEETING_MISSED", "cancelled_client": "MEETING_CANCELLED",
                    "cancelled_worker": "MEETING_CANCELLED", "interpreter_no_show": "INTERPRETER_FAILED",
                    "planned": "MEETING_PLANNED"}
        for meeting in Meeting.objects.exclude(outcome="held"):
            event = PathEvent.objects.get(object_type="meeting", object_id=str(meeting.pk))
            assert event.activity == expected[meeting.outcome]
            if meeting.outcome in ("client_no_show", "interpreter_no_show"):
                assert event.at == meeting.starts_at
            elif meeting.outcome == "planned":
                assert meeting.starts_at >= NOW > event.at == meeting.created_at
            else:
                assert event.at == meeting.recorded_at < meeting.starts_at

    def test_every_step_has_its_path_event_at_the_step_time_before_now(self, caseload):
        for client in Client.objects.all():
            registered = PathEvent.objects.get(client=client, activity="CLIENT_REGISTERED")
            assert registered.at == client.created_at
            assert registered.attributes["source"] == "simulation" and registered.attributes["seed"] == SEED
            if client.status == "closed":
                discharged = PathEvent.objects.get(client=client, activity="CLIENT_DISCHARGED")
                assert discharged.at == client.closed_at
                assert not client.care_memberships.filter(ended_at=None).exists()
        for screening in ScreeningResponse.objects.all():
            assert PathEvent.objects.get(activity="SCREENING_DONE", object_id=str(screening.pk)).at == \
                screening.administered_at
        for plan in ServicePlan.objects.all():
            assert PathEvent.objects.get(activity="PLAN_MADE", object_id=str(plan.pk)).at == plan.created_at
        assert not PathEvent.objects.filter(at__gte=NOW).exists()
        assert Client.objects.filter(status="closed").exists() and Client.objects.filter(status="active").exists()

    def test_work_time_is_recorded_for_every_worker_of_a_held_meeting(self, caseload):
        for meeting in Meeting.objects.filter(outcome="held")[:300]:
            workers = set(meeting.participants.filter(kind="worker").values_list("worker_id", flat=True))
            rows = WorkTime.objects.filter(meeting=meeting)
            assert set(rows.values_list("worker_id", flat=True)) == workers
            assert set(rows.values_list("minutes", flat=True)) == {meeting.actual_minutes}
        activities = set(WorkTime.objects.values_list("activity", flat=True))
        assert {"meeting", "phone", "network", "documentation", "travel"} <= activities

    def test_most_held_meetings_get_a_signed_note_in_time_and_some_do_not(self, caseload):
        held = Meeting.objects.filter(outcome="held", starts_at__lt=NOW - timedelta(days=10))
        in_time = late_or_missing = 0
        for meeting in held:
            signed = [n.signed_at for n in meeting.notes.all() if n.status == "signed"]
            deadline = add_working_days(local(meeting.starts_at).date(), 3)
            if signed and local(min(signed)).date() <= deadline:
                in_time += 1
            else:
                late_or_missing += 1
        assert in_time / held.count() > 0.75
        assert late_or_missing > 0  # the quality to-do list has something to show
        for note in Note.objects.filter(status="signed").exclude(meeting=None).select_related("meeting")[:300]:
            assert note.signed_at >= note.meeting.starts_at and note.signed_by_id == note.author_id
            assert "simuloitu" in note.text or "simulated" in note.text
        assert Note.objects.filter(status="draft").exists()

    def test_every_phq9_total_is_the_sum_of_its_answers_and_its_band_follows_the_published_cut_offs(self, caseload):
        screenings = ScreeningResponse.objects.filter(instrument="phq-9")
        assert screenings.count() > 100
        for s in screenings:
            assert sorted(s.answers) == sorted(f"phq9-{n}" for n in range(1, 10))
            assert all(0 <= v <= 3 for v in s.answers.values())
            assert s.total == sum(s.answers.values())
            assert s.band == phq9_band(s.total)
            assert s.positive == (s.total >= 10)
            assert s.safety_flag == (s.answers["phq9-9"] > 0)
        bands = Counter(screenings.values_list("band", flat=True))
        assert len(bands) >= 4

    def test_gad7_and_pcl5_follow_their_cut_offs_and_clusters(self, caseload):
        for s in ScreeningResponse.objects.filter(instrument="gad-7"):
            assert len(s.answers) == 7 and s.total == sum(s.answers.values())
            assert s.band == gad7_band(s.total) and s.positive == (s.total >= 10)
        pcl = ScreeningResponse.objects.filter(instrument="pcl-5")
        for s in pcl:
            item = {int(k.split("-")[1]): v for k, v in s.answers.items()}
            assert sorted(item) == list(range(1, 21)) and all(0 <= v <= 4 for v in item.values())
            assert s.total == sum(item.values()) <= 80
            assert s.positive == (s.total >= 33)
            assert s.subscales == {"cluster_b": sum(item[n] for n in range(1, 6)),
                                   "cluster_c": sum(item[n] for n in range(6, 8)),
                                   "cluster_d": sum(item[n] for n in range(8, 15)),
                                   "cluster_e": sum(item[n] for n in range(15, 21))}
        # Most clients are trauma-burdened (PPMM): PCL-5 runs high.
        assert statistics.median(pcl.values_list("total", flat=True)) >= 28
        assert pcl.filter(positive=True).count() / pcl.count() > 0.4

    def test_most_clients_with_several_meetings_get_a_service_plan_with_goals_and_actions(self, caseload):
        held_counts = Counter(Meeting.objects.filter(outcome="held").values_list("client_id", flat=True))
        regular = [client_id for client_id, count in held_counts.items() if count >= 4]
        with_plan = set(ServicePlan.objects.values_list("client_id", flat=True))
        assert sum(1 for c in regular if c in with_plan) / len(regular) > 0.6
        for plan in ServicePlan.objects.all()[:200]:
            assert 2 <= plan.goals.count() <= 4 and plan.actions.count() >= plan.goals.count()
            assert plan.review_on > plan.agreed_on
            earlier_held = Meeting.objects.filter(client=plan.client, outcome="held", starts_at__lt=plan.created_at)
            assert earlier_held.count() >= 2
        closed = ServicePlan.objects.filter(status="closed")
        assert closed.exists() and not closed.filter(closed_reason="").exists()

    def test_participants_and_events_refer_to_rows_of_the_same_client(self, caseload):
        per_meeting = defaultdict(set)
        for meeting_id, client_id in MeetingParticipant.objects.values_list("meeting_id", "meeting__client_id"):
            per_meeting[meeting_id].add(client_id)
        assert all(len(clients) == 1 for clients in per_meeting.values())
        for event in PathEvent.objects.filter(object_type="meeting")[:500]:
            assert Meeting.objects.get(pk=int(event.object_id)).client_id == event.client_id


# ---------------------------------------------------------------------------------- the command


def run_simulate(*args: str) -> str:
    out = StringIO()
    call_command("simulate", *args, "--no-progress", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_simulate_command_prints_a_one_line_summary():
    output = run_simulate("--clients", "12", "--seed", "5", "--until", "2025-06-30", "--teams", "2")
    assert output.count("\n") == 1
    assert "Simulated 12 clients (seed 5, until 2025-06-30): 2 teams" in output
    assert "path events in" in output and output.rstrip().endswith(" s")
    assert Client.objects.count() == 12
    assert not PathEvent.objects.filter(at__gte=datetime(2025, 6, 30, tzinfo=HELSINKI)).exists()


@pytest.mark.django_db
def test_simulate_refuses_a_second_run_unless_appending_with_a_new_seed():
    run_simulate("--clients", "6", "--seed", "7")
    teams, workers = Team.objects.count(), User.objects.count()
    with pytest.raises(CommandError, match=r"already holds simulated clients \(seed 7\).*--append"):
        run_simulate("--clients", "6", "--seed", "8")
    with pytest.raises(CommandError, match=r"^--seed 7 was already simulated"):
        run_simulate("--clients", "6", "--seed", "7", "--append")
    run_simulate("--clients", "6", "--seed", "8", "--append")
    assert Client.objects.count() == 12
    assert (Team.objects.count(), User.objects.count()) == (teams, workers)  # the same teams and workers reused


@pytest.mark.parametrize(("args", "message"), [
    (["--clients", "0"], r"^--clients must be from 1 to 200000, not 0$"),
    (["--clients", "200001"], r"^--clients must be from 1 to 200000, not 200001$"),
    (["--clients", "many"], r"^--clients must be a whole number, not 'many'$"),
    (["--clients", "5", "--seed", "x1"], r"^--seed must be a whole number, not 'x1'$"),
    (["--clients", "5", "--until", "2026-13-01"], r"^--until must be a date YYYY-MM-DD, not '2026-13-01'$"),
    (["--clients", "5", "--until", "1999-12-31"], r"^--until must be a date from 2000-01-01 to 2099-12-31"),
    (["--clients", "5", "--teams", "0"], r"^--teams must be from 1 to 5 "),
    (["--clients", "5", "--teams", "6"], r"^--teams must be from 1 to 5 "),
    (["--clients", "5", "--teams", "two"], r"^--teams must be a whole number, not 'two'$"),
])
@pytest.mark.django_db
def test_simulate_refuses_bad_options_with_one_line_naming_the_option(args, message):
    with pytest.raises(CommandError, match=message) as raised:
        run_simulate(*args)
    assert "\n" not in str(raised.value)
    assert not Client.objects.exists()


@pytest.mark.django_db
def test_simulate_without_clients_option_is_refused():
    with pytest.raises(CommandError, match="--clients"):
        run_simulate("--seed", "1")


@pytest.mark.django_db
def test_simulate_asks_for_the_areas_when_the_database_has_none():
    from tests.directory.test_hsds import empty_the_directory

    # The directory (loaded once per session by other tests) points at municipalities; empty it first.
    empty_the_directory()
    Municipality.objects.all().delete()
    with pytest.raises(CommandError, match="run `polku load_areas` first"):
        run_simulate("--clients", "5")


@pytest.mark.django_db
def test_demo_command_loads_a_caseload_over_several_teams_once():
    call_command("demo", "--no-serve", stdout=StringIO())
    # The interpreting demo adds a few clients of its own (for the compensation claim); count the simulated ones.
    simulated = PathEvent.objects.filter(activity="CLIENT_REGISTERED", attributes__source="simulation")
    assert simulated.count() == 300
    total = Client.objects.count()
    assert Team.objects.count() >= 3
    hoitaja = User.objects.get(username="hoitaja")
    assert 20 <= CareTeamMembership.objects.filter(worker=hoitaja).count() <= 30
    call_command("demo", "--no-serve", stdout=StringIO())
    assert simulated.count() == 300
    assert Client.objects.count() == total

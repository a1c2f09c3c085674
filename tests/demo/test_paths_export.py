"""`polku paths export`: the database's path log leaves as XES or OCEL, pseudonymised, and the disclosure is logged."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from polku import paths
from polku.casework.models import PathEvent
from polku.core.models import DisclosureLog
from tests.factories import make_client, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_log(organisation, team_lead, nurse):
    """Two clients: one with three steps of a referral, one with two."""
    start = timezone.make_aware(datetime(2026, 3, 2, 9, 0))
    first = make_client(organisation=organisation, created_by=team_lead, given_names_latin="Amal",
                        family_name_latin="Secretname")
    second = make_client(organisation=organisation, created_by=team_lead, given_names_latin="Omar",
                         family_name_latin="Hiddenname")
    steps = [(first, "REFERRAL_SENT", 0, "referral", "11"), (first, "REFERRAL_ACCEPTED", 2, "referral", "11"),
             (first, "MEETING_HELD", 5, "meeting", "7"), (second, "REFERRAL_SENT", 1, "referral", "12"),
             (second, "PATH_BROKEN", 20, "", "")]
    for client, activity, days, object_type, object_id in steps:
        PathEvent.objects.create(client=client, activity=activity, at=start + timedelta(days=days), actor=nurse,
                                 actor_role="nurse", organisation=organisation, service="Psykiatria",
                                 object_type=object_type, object_id=object_id)
    return first, second


@pytest.fixture
def researcher(organisation):
    return make_user(role="researcher", organisation=organisation, username="tutkija")


def test_xes_export_reads_back_with_the_engine_and_names_no_client(small_log, researcher, tmp_path):
    first, second = small_log
    out = tmp_path / "path.xes"
    call_command("paths", "export", "--format", "xes", "--user", "tutkija", str(out))
    events = paths.read_xes(out)
    assert events.height == 5
    assert sorted(events["case:concept:name"].unique().to_list()) == sorted([str(first.pk), str(second.pk)])
    assert set(events["concept:name"]) == {"REFERRAL_SENT", "REFERRAL_ACCEPTED", "MEETING_HELD", "PATH_BROKEN"}
    assert set(events["org:resource"]) == {"nurse"}
    text = out.read_text(encoding="utf-8")
    assert "Secretname" not in text and "Amal" not in text and "Hiddenname" not in text
    disclosure = DisclosureLog.objects.get()
    assert (disclosure.channel, disclosure.client_id, disclosure.actor) == ("export", None, researcher)
    assert disclosure.content == "pseudonymised path log: 5 events"


def test_ocel_export_has_clients_referrals_services_and_meetings(small_log, researcher, tmp_path):
    first, _second = small_log
    out = tmp_path / "path.json"
    call_command("paths", "export", "--format", "ocel", "--user", "tutkija", str(out))
    log = paths.read_ocel(out)
    assert log.events.height == 5
    kinds = log.objects.group_by("object_type").len().sort("object_type").rows()
    assert kinds == [("client", 2), ("meeting", 1), ("referral", 2), ("service", 1)]
    flat = paths.ocel_to_events(log, object_type="client")
    assert flat.height == 5 and flat["case:concept:name"].n_unique() == 2
    assert f"client:{first.pk}" in flat["case:concept:name"].to_list()
    assert DisclosureLog.objects.get().content == "pseudonymised path log: 5 events"


def test_a_professional_may_not_export_and_nothing_is_written(small_log, nurse, tmp_path):
    out = tmp_path / "path.xes"
    with pytest.raises(CommandError, match="may not export"):
        call_command("paths", "export", "--format", "xes", "--user", nurse.username, str(out))
    assert not out.exists()
    assert not DisclosureLog.objects.exists()


def test_an_unknown_user_may_not_export(small_log, tmp_path):
    with pytest.raises(CommandError, match="may not export"):
        call_command("paths", "export", "--format", "xes", "--user", "nobody", str(tmp_path / "x.xes"))
    assert not DisclosureLog.objects.exists()


def test_an_administrator_may_export_an_empty_log(data_controller, tmp_path):
    out = tmp_path / "empty.xes"
    call_command("paths", "export", "--format", "xes", "--user", data_controller.username, str(out))
    assert paths.read_xes(out).height == 0
    assert DisclosureLog.objects.get().content == "pseudonymised path log: 0 events"


def test_an_ocel_file_needs_an_ocel_name(small_log, researcher, tmp_path):
    with pytest.raises(CommandError, match="OCEL file name"):
        call_command("paths", "export", "--format", "ocel", "--user", "tutkija", str(tmp_path / "x.xes"))
    assert not DisclosureLog.objects.exists()

"""Research extracts: request → data controller's decision → generation with k-anonymity → logged download."""

from __future__ import annotations

import re
from collections import Counter

import polars as pl
import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from polku import paths
from polku.core.errors import AccessDenied, DomainError
from polku.core.models import DisclosureLog
from polku.reporting.extracts import services
from polku.reporting.extracts.data import population
from polku.reporting.models import ExtractDownload, ExtractStatus, ResearchExtract
from polku.reporting.views.extracts import LEVEL_LABELS
from tests.factories import make_user
from tests.reporting.conftest import PERIOD_END, PERIOD_START, simulate_caseload

QIS = ["birth_year", "gender", "origin", "municipality", "legal_status"]
FIELDS = [*QIS, "interpreter_needed", "meetings_held", "path_events"]


def _request(researcher, organisation, **overrides):
    arguments = {"actor": researcher, "organisation": organisation, "purpose": "Waiting times before therapy",
                 "period_start": PERIOD_START, "period_end": PERIOD_END, "fields": FIELDS}
    arguments.update(overrides)
    return services.request_extract(**arguments)


def _approved_and_generated(researcher, controller, organisation, **overrides):
    extract = _request(researcher, organisation, **overrides)
    services.approve_extract(actor=controller, extract=extract)
    return services.generate_extract(actor=researcher, extract=extract)


@pytest.fixture
def caseload(organisation, nurse):
    return simulate_caseload(organisation=organisation, creator=nurse, n=120, seed=20251)


@pytest.mark.django_db
def test_passing_extract_has_every_quasi_identifier_combination_at_least_five_times(
        researcher, data_controller, organisation, caseload):
    extract = _approved_and_generated(researcher, data_controller, organisation)
    assert extract.status == ExtractStatus.GENERATED, extract.k_report
    directory = services.extract_dir(extract)
    table = pl.read_csv(directory / "extract.csv", infer_schema_length=0)
    # Independent check: count every combination of the quasi-identifier columns with a Counter.
    combinations = Counter(tuple(row[qi] for qi in QIS) for row in table.iter_rows(named=True))
    assert combinations and min(combinations.values()) >= 5
    assert extract.k_achieved == min(combinations.values())
    assert set(extract.k_report["generalisations"]) == set(QIS)
    assert table.columns == ["pseudonym", *FIELDS]
    # Every simulated client had events in the period: all of them are in the extract, once each.
    assert table.height == len(caseload) == extract.row_count
    assert table["pseudonym"].n_unique() == table.height
    assert all(re.fullmatch(r"[0-9a-f]{20}", value) for value in table["pseudonym"])
    # Years of birth appear only as years or bands, never as dates.
    assert all(re.fullmatch(r"\d{4}(–\d{4})?|unknown", value) for value in table["birth_year"])
    parquet = pl.read_parquet(directory / "extract.parquet")
    assert parquet.height == table.height and parquet["pseudonym"].to_list() == table["pseudonym"].to_list()


@pytest.mark.django_db
def test_no_direct_identifier_appears_in_any_output_file(researcher, data_controller, organisation, caseload):
    extract = _approved_and_generated(researcher, data_controller, organisation)
    directory = services.extract_dir(extract)
    files = sorted(directory.iterdir())
    assert {path.name for path in files} == {"extract.csv", "extract.parquet", "events.xes", "events.jsonocel"}
    for path in files:
        text = path.read_bytes().decode("utf-8", errors="replace")
        for client in caseload:
            family = client.name.split()[1]
            for secret in (client.name, family, client.identity_code, client.phone, "Kotikatu", "free text"):
                assert secret not in text, f"{secret!r} found in {path.name}"
        # Client ids must not leak either: XES/OCEL case ids are pseudonyms.
        assert f'value="client:{caseload[0].pk}"' not in text


@pytest.mark.django_db
def test_pseudonyms_are_stable_within_an_extract_and_differ_across_extracts(
        researcher, data_controller, organisation, caseload):
    first = _approved_and_generated(researcher, data_controller, organisation)
    second = _approved_and_generated(researcher, data_controller, organisation)
    table = pl.read_csv(services.extract_dir(first) / "extract.csv", infer_schema_length=0)
    events = paths.read_xes(services.extract_dir(first) / "events.xes")
    # Within one extract: the event log uses the table's pseudonyms, and each pseudonym has as many events
    # as its row says (so the same client got the same pseudonym in both files).
    per_case = Counter(events[paths.CASE].to_list())
    assert set(per_case) == set(table["pseudonym"])
    assert all(per_case[row["pseudonym"]] == int(row["path_events"]) for row in table.iter_rows(named=True))
    assert sorted(per_case.values()) == sorted(client.events_in_period for client in caseload)
    ocel = paths.read_ocel(services.extract_dir(first) / "events.jsonocel")
    assert {f"client:{p}" for p in table["pseudonym"]} == set(ocel.objects["object_id"])
    other = pl.read_csv(services.extract_dir(second) / "extract.csv", infer_schema_length=0)
    assert not set(table["pseudonym"]) & set(other["pseudonym"])
    assert first.pseudonym_key != second.pseudonym_key
    for path in services.extract_dir(first).iterdir():
        assert first.pseudonym_key not in path.read_bytes().decode("utf-8", errors="replace")


@pytest.mark.django_db
def test_extract_with_rare_combinations_is_blocked_and_names_the_failing_combinations(
        researcher, data_controller, organisation, nurse):
    simulate_caseload(organisation=organisation, creator=nurse, n=8, seed=7, diverse=True)
    extract = _approved_and_generated(researcher, data_controller, organisation)
    assert extract.status == ExtractStatus.BLOCKED
    failing = extract.k_report["failing"]
    assert failing and all(1 <= combination["count"] < 5 for combination in failing)
    assert all(set(QIS) <= set(combination) for combination in failing)
    assert sum(combination["count"] for combination in failing) <= 8
    assert not services.extract_dir(extract).exists()
    assert not DisclosureLog.objects.exists()
    with pytest.raises(DomainError) as refused:
        services.download_extract(actor=researcher, extract=extract, file_format="csv")
    assert refused.value.code == "extract_not_generated"


@pytest.mark.django_db
def test_every_generated_extract_has_disclosure_log_rows(researcher, data_controller, organisation, caseload):
    extract = _approved_and_generated(researcher, data_controller, organisation)
    summary = DisclosureLog.objects.get(client_id__isnull=True)
    assert summary.channel == "research_extract" and "researcher" in summary.recipient
    assert summary.purpose.endswith("Waiting times before therapy")
    assert f"{len(caseload)} clients" in summary.content and "k = " in summary.content
    assert data_controller.username in summary.legal_basis
    per_client = set(DisclosureLog.objects.filter(client_id__isnull=False).values_list("client_id", flat=True))
    assert per_client == {client.pk for client in caseload}
    assert extract.row_count == len(per_client)


@pytest.mark.django_db
def test_population_is_clients_with_events_or_registration_in_the_period(organisation, nurse):
    simulated = simulate_caseload(organisation=organisation, creator=nurse, n=3, seed=3)
    ids = set(population(organisation_id=organisation.pk, period_start=PERIOD_START,
                         period_end=PERIOD_END).values_list("pk", flat=True))
    assert ids == {client.pk for client in simulated}
    # A period with no events: nobody.
    assert not population(organisation_id=organisation.pk, period_start=PERIOD_START.replace(year=2030),
                          period_end=PERIOD_END.replace(year=2030)).exists()


@pytest.mark.django_db
def test_unapproved_extract_cannot_be_generated_or_downloaded(researcher, organisation, client):
    extract = _request(researcher, organisation)
    with pytest.raises(DomainError) as refused:
        services.generate_extract(actor=researcher, extract=extract)
    assert refused.value.code == "extract_not_approved"
    with pytest.raises(DomainError):
        services.download_extract(actor=researcher, extract=extract, file_format="csv")
    client.force_login(researcher)
    response = client.get(reverse("reporting:extract_download", args=[extract.pk, "csv"]))
    assert response.status_code == 302 and not response.has_header("Content-Disposition")
    assert not ExtractDownload.objects.exists()


@pytest.mark.django_db
def test_rejected_extract_needs_a_reason_and_cannot_be_generated(researcher, data_controller, organisation):
    extract = _request(researcher, organisation)
    with pytest.raises(DomainError) as refused:
        services.reject_extract(actor=data_controller, extract=extract, reason="  ")
    assert refused.value.field == "reason"
    services.reject_extract(actor=data_controller, extract=extract, reason="Purpose too vague")
    extract.refresh_from_db()
    assert extract.status == ExtractStatus.REJECTED and extract.decision_reason == "Purpose too vague"
    with pytest.raises(DomainError):
        services.generate_extract(actor=researcher, extract=extract)
    with pytest.raises(DomainError) as twice:
        services.approve_extract(actor=data_controller, extract=extract)
    assert twice.value.code == "already_decided"


@pytest.mark.django_db
def test_researcher_who_is_also_data_controller_cannot_approve_own_extract(organisation):
    both = make_user(role="administrator", organisation=organisation, username="both")
    both.groups.add(Group.objects.get(name="role:researcher"))
    both = type(both).objects.get(pk=both.pk)  # fresh permission cache
    extract = _request(both, organisation)
    with pytest.raises(AccessDenied) as refused:
        services.approve_extract(actor=both, extract=extract)
    assert refused.value.code == "own_extract"
    extract.refresh_from_db()
    assert extract.status == ExtractStatus.REQUESTED
    # The database holds the four-eyes rule too.
    with pytest.raises(IntegrityError), transaction.atomic():
        ResearchExtract.objects.filter(pk=extract.pk).update(status=ExtractStatus.APPROVED, decided_by=both)


@pytest.mark.django_db
def test_roles_without_rights_are_refused(researcher, nurse, steering_member, data_controller, organisation,
                                          client):
    with pytest.raises(AccessDenied):
        _request(nurse, organisation)
    with pytest.raises(AccessDenied):
        _request(data_controller, organisation)
    extract = _request(researcher, organisation)
    for actor in (researcher, steering_member, nurse):
        with pytest.raises(AccessDenied):
            services.approve_extract(actor=actor, extract=extract)
    other = make_user(role="researcher", organisation=organisation, username="other_researcher")
    services.approve_extract(actor=data_controller, extract=extract)
    with pytest.raises(AccessDenied):
        services.generate_extract(actor=other, extract=extract)
    client.force_login(nurse)
    assert client.get(reverse("reporting:extract_list")).status_code == 403
    client.force_login(other)
    assert client.get(reverse("reporting:extract_detail", args=[extract.pk])).status_code == 404


@pytest.mark.django_db
def test_bad_request_inputs_name_the_field(researcher, organisation):
    with pytest.raises(DomainError) as backwards:
        _request(researcher, organisation, period_start=PERIOD_END, period_end=PERIOD_START)
    assert backwards.value.field == "period_end"
    with pytest.raises(DomainError) as identifier:
        _request(researcher, organisation, fields=["birth_year", "identity_code"])
    assert identifier.value.field == "fields"
    with pytest.raises(DomainError) as purpose:
        _request(researcher, organisation, purpose="   ")
    assert purpose.value.field == "purpose"


@pytest.mark.django_db
def test_full_flow_through_the_views_logs_the_download(researcher, data_controller, organisation, caseload,
                                                       client):
    client.force_login(researcher)
    response = client.post(reverse("reporting:extract_new"), {
        "organisation": organisation.pk, "purpose": "Interpreter use", "period_start": "2025-01-01",
        "period_end": "2025-12-31", "fields": QIS, "include_event_log": "on"})
    extract = ResearchExtract.objects.get()
    assert response.status_code == 302 and extract.fields == QIS
    client.force_login(data_controller)
    client.post(reverse("reporting:extract_decide", args=[extract.pk]), {"decision": "approve"})
    client.force_login(researcher)
    client.post(reverse("reporting:extract_generate", args=[extract.pk]))
    response = client.get(reverse("reporting:extract_download", args=[extract.pk, "csv"]))
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    assert body.splitlines()[0] == "pseudonym," + ",".join(QIS)
    assert len(body.splitlines()) == len(caseload) + 1
    download = ExtractDownload.objects.get()
    assert download.user == researcher and download.file_format == "csv"
    client.cookies["polku_language"] = "en"
    page = client.get(reverse("reporting:extract_detail", args=[extract.pk])).content.decode()
    extract.refresh_from_db()
    assert 'id="k-heading"' in page and "Generated" in page
    with translation.override("en"):
        levels = [escape(str(LEVEL_LABELS[level])) for level in extract.k_report["generalisations"].values()]
    assert levels and all(f"<td>{label}</td>" in page for label in levels)
    listing = client.get(reverse("reporting:extract_list")).content.decode()
    assert reverse("reporting:extract_detail", args=[extract.pk]) in listing


@pytest.mark.django_db
def test_period_without_data_gives_an_empty_extract_not_an_error(researcher, data_controller, organisation,
                                                                  caseload):
    extract = _approved_and_generated(researcher, data_controller, organisation,
                                      period_start=PERIOD_START.replace(year=2030),
                                      period_end=PERIOD_END.replace(year=2030))
    assert extract.status == ExtractStatus.GENERATED and extract.row_count == 0 and extract.event_count == 0
    table = pl.read_csv(services.extract_dir(extract) / "extract.csv", infer_schema_length=0)
    assert table.height == 0 and table.columns == ["pseudonym", *FIELDS]
    assert not DisclosureLog.objects.filter(client_id__isnull=False).exists()

"""Fast fault tests: kill -9 of a long simulation midway, and a full disk during an upload.

The server-level faults (PostgreSQL restarted under load, kill -9 of gunicorn) are in test_faults_server.py.
"""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.urls import include, path

from polku.core import backup, storage
from polku.core.models import Organisation
from polku.demo.simulator import CLIENT_BATCH

# The simulator writes in bulk batches of CLIENT_BATCH (500) clients inside one transaction, so 600 clients
# give one batch written (its progress reported) before the kill and the rest still to come.
CLIENTS = 600
SEED = 7
# Rows that differ between two otherwise identical runs: password salts and login times of the simulated
# workers, and creation times of organisations and referral services. Their row counts must still agree.
NONDETERMINISTIC = {"core_user", "core_organisation", "referrals_referralservice"}
# On PostgreSQL only: tables that also carry other rows' ids inside text or JSON columns (the subject of a path
# event, the referral named in a disclosure or transition), which shift with the sequences (see below).
IDS_IN_TEXT = {"casework_pathevent", "referrals_referraltransition", "core_disclosurelog"}


def simulate_command(database_url: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(DATABASE_URL=database_url, POLKU_ENV="test", PYTHONUNBUFFERED="1")
    return subprocess.Popen([sys.executable, "-m", "polku", "simulate", "--clients", str(CLIENTS), "--seed",
                             str(SEED)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)


def kill_when_progress_reaches(process: subprocess.Popen, clients: int, timeout: float = 240) -> int:
    """SIGKILL the process once its progress bar shows `clients` simulated clients (written, not committed)."""
    seen = {"n": 0, "tail": b""}

    def read():
        buffer = b""
        while chunk := process.stderr.read1(4096):
            seen["tail"] = (seen["tail"] + chunk)[-3000:]
            buffer = (buffer + chunk)[-200:]
            numbers = re.findall(rb"(\d+)/" + str(CLIENTS).encode(), buffer)
            if numbers:
                seen["n"] = max(seen["n"], int(numbers[-1]))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    deadline = time.monotonic() + timeout
    while seen["n"] < clients:
        assert process.poll() is None, f"the simulation ended before it could be killed: {seen['tail']!r}"
        assert time.monotonic() < deadline, "the simulation did not progress"
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    reader.join(timeout=5)
    return seen["n"]


class Clones:
    """Copies of the test database (areas loaded, no clients) as databases of their own for subprocesses."""

    def __init__(self, tmp_path: Path):
        self.tmp_path = tmp_path
        self.created: list[str] = []

    def make(self) -> tuple[str, dict]:
        settings_dict = connection.settings_dict
        if connection.vendor == "sqlite":
            target = self.tmp_path / f"clone-{uuid.uuid4().hex[:6]}.sqlite3"
            connection.ensure_connection()
            copy = sqlite3.connect(target)
            connection.connection.backup(copy)
            copy.close()
            return f"sqlite:///{target}", {"ENGINE": settings_dict["ENGINE"], "NAME": str(target)}
        name = f"{settings_dict['NAME']}_fault_{uuid.uuid4().hex[:6]}"
        connection.close()  # a template database must have no other sessions
        admin = backup._pg_connect({**settings_dict, "NAME": "postgres"})
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{settings_dict["NAME"]}"')
        admin.close()
        self.created.append(name)
        user = settings_dict.get("USER") or "postgres"
        url = f"postgres://{user}@{settings_dict.get('HOST') or '127.0.0.1'}:{settings_dict.get('PORT') or 5432}/{name}"
        return url, {**settings_dict, "NAME": name}

    def drop(self):
        if self.created:
            admin = backup._pg_connect({**connection.settings_dict, "NAME": "postgres"})
            for name in self.created:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.close()


def rows_without_keys(settings_dict: dict, table: str) -> list[str]:
    """The table's rows as sorted text, leaving out id and foreign-key columns (an independent comparison)."""
    db = backup._pg_connect(settings_dict)
    try:
        columns = [row[0] for row in db.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = %s "
            "ORDER BY ordinal_position", [table])
            if row[0] != "id" and not row[0].endswith("_id")]
        if not columns:
            return [str(db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])]  # noqa: S608
        listed = ", ".join(f'"{c}"' for c in columns)
        return sorted(repr(row) for row in db.execute(f'SELECT {listed} FROM "{table}"'))  # noqa: S608
    finally:
        db.close()


def checksums(settings_dict: dict) -> dict:
    return backup._checksums_of(settings_dict)


@pytest.mark.django_db(transaction=True)
def test_kill_9_midway_through_a_simulation_leaves_no_partial_rows_and_a_rerun_equals_a_clean_run(
        tmp_path, areas):
    if connection.vendor == "postgresql" and connection.settings_dict.get("PASSWORD"):
        pytest.skip("the subprocess URL carries no password")
    clones = Clones(tmp_path)
    try:
        killed_url, killed_db = clones.make()
        clean_url, clean_db = clones.make()
        before = checksums(killed_db)

        clean_run = simulate_command(clean_url)  # alongside, on its own copy: the oracle for the rerun
        process = simulate_command(killed_url)
        reached = kill_when_progress_reaches(process, clients=CLIENT_BATCH)
        assert process.returncode == -signal.SIGKILL
        assert CLIENT_BATCH <= reached < CLIENTS  # one batch of rows was written, uncommitted

        after_kill = checksums(killed_db)
        assert backup.differing_tables(before, after_kill) == []  # not one row of the 30+ clients remains
        if connection.vendor == "sqlite":
            check = sqlite3.connect(killed_db["NAME"])
            assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            check.close()

        for run in (simulate_command(killed_url), clean_run):
            out, err = run.communicate(timeout=900)
            assert run.returncode == 0, err.decode()[-2000:]
            assert f"Simulated {CLIENTS} clients (seed {SEED}" in out.decode()

        rerun_sums, clean_sums = checksums(killed_db), checksums(clean_db)
        assert {t: s["rows"] for t, s in rerun_sums.items()} == {t: s["rows"] for t, s in clean_sums.items()}
        assert rerun_sums["casework_client"]["rows"] == CLIENTS
        differing = set(backup.differing_tables(rerun_sums, clean_sums))
        if connection.vendor == "postgresql":
            # PostgreSQL sequences are not rolled back, so the rerun's ids start after the killed run's: compare
            # the rows without their keys there (SQLite rolls its sequence back, so its rows match in full).
            differing = {table for table in differing - IDS_IN_TEXT
                         if rows_without_keys(killed_db, table) != rows_without_keys(clean_db, table)}
        assert differing <= NONDETERMINISTIC, differing
    finally:
        clones.drop()


# --- Disk full during an upload ------------------------------------------------------------------------

def upload_view(request):
    """A stand-in for an upload view: a row and a stored file in one transaction (as the apps do)."""
    from django.db import transaction
    from django.http import HttpResponse

    with transaction.atomic():
        Organisation.objects.create(name="Upload in progress", type="other")
        store = storage.AtomicFileSystemStorage(location=request.META["polku.test_dir"])
        store.save("attachment.pdf", request.FILES["file"])
    return HttpResponse("saved")


urlpatterns = [path("test-upload/", upload_view), path("", include(settings.ROOT_URLCONF))]


@pytest.fixture
def disk_full(monkeypatch):
    def full(descriptor):
        os.close(descriptor)
        return open("/dev/full", "wb")  # noqa: SIM115 - the kernel answers every write with ENOSPC

    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    monkeypatch.setattr(storage, "_open_for_writing", full)


@pytest.mark.django_db
@pytest.mark.urls("tests.security.test_faults")
def test_full_disk_during_an_upload_gives_a_clear_error_and_leaves_neither_row_nor_file(client, nurse, tmp_path,
                                                                                      disk_full):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(nurse)
    client.cookies["polku_language"] = "en"
    upload = SimpleUploadedFile("attachment.pdf", b"%PDF-1.4\n" + b"x" * 300_000, content_type="application/pdf")
    response = client.post("/test-upload/", {"file": upload}, **{"polku.test_dir": str(tmp_path)})
    body = response.content.decode()
    assert response.status_code == 507
    assert 'role="alert"' in body and "Nothing was saved." in body
    assert not Organisation.objects.filter(name="Upload in progress").exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.django_db
def test_atomic_storage_saves_the_whole_file_when_there_is_room(tmp_path):
    from django.core.files.base import ContentFile

    data = os.urandom(200_000)
    store = storage.AtomicFileSystemStorage(location=tmp_path)
    name = store.save("dir/report.pdf", ContentFile(data))
    assert (tmp_path / name).read_bytes() == data
    assert [p.name for p in (tmp_path / "dir").iterdir()] == ["report.pdf"]

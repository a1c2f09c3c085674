"""Backup and restore: encrypted, verified, only into an empty database; round trips on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from polku.core import backup
from tests.factories import add_to_care_team, make_client

KEY = "k" * 20 + "-test-backup-key-0123456789"
OTHER_KEY = "o" * 20 + "-another-backup-key-987654"
SECRET_NAME = "Zainab-Ünique-Karimi-7f3a"


def small_sqlite(path: Path, rows: int = 50) -> dict:
    """A small SQLite database with a migrations table (the manifest records migration heads) and data."""
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE django_migrations (id INTEGER PRIMARY KEY, app TEXT, name TEXT, applied TEXT)")
    db.execute("INSERT INTO django_migrations (app, name, applied) VALUES ('core', '0005_x', '2026-01-01')")
    db.execute("CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT, amount REAL, data BLOB)")
    db.executemany("INSERT INTO note (body, amount, data) VALUES (?, ?, ?)",
                   [(f"{SECRET_NAME} {i}", i / 3, bytes([i % 256]) * 3) for i in range(rows)])
    db.commit()
    db.close()
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}


def all_rows_sqlite(path) -> dict[str, list]:
    """Independent oracle: every table's rows, sorted, read with the sqlite3 module directly."""
    db = sqlite3.connect(path, uri=str(path).startswith("file:"))
    try:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table' "
                                           "AND name NOT LIKE 'sqlite_%'")]
        return {t: sorted(map(repr, db.execute(f'SELECT * FROM "{t}"'))) for t in tables}  # noqa: S608
    finally:
        db.close()


@pytest.fixture
def source(tmp_path):
    return small_sqlite(tmp_path / "source.sqlite3")


@pytest.fixture
def made(tmp_path, source):
    out = tmp_path / "polku.backup"
    manifest = backup.create_backup(out_path=out, key=KEY, settings_dict=source)
    return out, manifest


def target(tmp_path, name="restored.sqlite3") -> dict:
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / name)}


# --- The file ------------------------------------------------------------------------------------------

def test_backup_file_is_private_and_holds_no_plaintext(made):
    out, manifest = made
    data = out.read_bytes()
    assert data.startswith(backup.MAGIC)
    assert SECRET_NAME.encode() not in data and b"note" not in data[200:]
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    assert manifest["tables"]["note"]["rows"] == 50
    assert not list(out.parent.glob("*.partial"))


def test_manifest_counts_match_an_independent_count(made, source):
    _out, manifest = made
    rows = all_rows_sqlite(source["NAME"])
    assert {name: len(r) for name, r in rows.items()} == {n: t["rows"] for n, t in manifest["tables"].items()}
    assert manifest["migrations"] == {"core": "0005_x"}


def test_sqlite_round_trip_gives_identical_rows(tmp_path, made, source):
    out, manifest = made
    restored = backup.restore_backup(in_path=out, key=KEY, settings_dict=target(tmp_path))
    assert restored == manifest
    assert all_rows_sqlite(tmp_path / "restored.sqlite3") == all_rows_sqlite(source["NAME"])


def test_checksums_change_when_one_value_changes(tmp_path, source):
    db = sqlite3.connect(source["NAME"])
    before = backup.table_checksums(db, "sqlite")
    db.execute("UPDATE note SET amount = amount + 0.0000001 WHERE id = 7")
    after = backup.table_checksums(db, "sqlite")
    db.close()
    assert backup.differing_tables(before, after) == ["note"]
    assert before["note"]["rows"] == after["note"]["rows"]


# --- Bad input -------------------------------------------------------------------------------------------

def test_wrong_key_is_a_clear_error_and_writes_nothing(tmp_path, made):
    out, _ = made
    with pytest.raises(backup.BackupError, match="^wrong key: this backup was made with another POLKU_BACKUP_KEY"):
        backup.restore_backup(in_path=out, key=OTHER_KEY, settings_dict=target(tmp_path))
    assert not (tmp_path / "restored.sqlite3").exists()


@pytest.mark.parametrize("where", ["ciphertext", "tag", "header"])
def test_tampered_file_is_refused_before_anything_is_restored(tmp_path, made, where):
    out, _ = made
    data = bytearray(out.read_bytes())
    header_end = 12 + int.from_bytes(data[8:12], "big")
    position = {"ciphertext": (header_end + len(data)) // 2, "tag": len(data) - 5, "header": header_end - 3}[where]
    if where == "header":
        data[position:position + 1] = b"X"  # inside the JSON's last value: still parses, no longer authentic
    else:
        data[position] ^= 0x01
    out.write_bytes(bytes(data))
    with pytest.raises(backup.BackupError, match="altered|damaged"):
        backup.restore_backup(in_path=out, key=KEY, settings_dict=target(tmp_path))
    assert not (tmp_path / "restored.sqlite3").exists()


def test_truncated_file_is_refused(tmp_path, made):
    out, _ = made
    out.write_bytes(out.read_bytes()[:-1000])
    with pytest.raises(backup.BackupError, match="altered or truncated"):
        backup.restore_backup(in_path=out, key=KEY, settings_dict=target(tmp_path))


def test_a_file_that_is_no_backup_is_refused(tmp_path):
    bogus = tmp_path / "bogus"
    bogus.write_bytes(b"PK\x03\x04 not a backup at all")
    with pytest.raises(backup.BackupError, match="not a Polku backup"):
        backup.restore_backup(in_path=bogus, key=KEY, settings_dict=target(tmp_path))


def test_restore_into_a_non_empty_database_is_refused_and_leaves_it_alone(tmp_path, made):
    out, _ = made
    occupied = small_sqlite(tmp_path / "occupied.sqlite3", rows=3)
    before = all_rows_sqlite(occupied["NAME"])
    with pytest.raises(backup.BackupError, match=r"^the target database is not empty \(2 tables"):
        backup.restore_backup(in_path=out, key=KEY, settings_dict=occupied)
    assert all_rows_sqlite(occupied["NAME"]) == before


@pytest.mark.parametrize("value, message", [("", "POLKU_BACKUP_KEY is not set"),
                                            ("short-key", "POLKU_BACKUP_KEY is too short")])
def test_missing_or_short_key_is_refused_by_the_command(monkeypatch, tmp_path, value, message):
    monkeypatch.setenv("POLKU_BACKUP_KEY", value)
    with pytest.raises(CommandError, match=message):
        call_command("backup", str(tmp_path / "x.backup"))
    assert not (tmp_path / "x.backup").exists()


def test_new_key_is_long_and_random(capsys):
    call_command("backup", "--new-key")
    first = capsys.readouterr().out.strip()
    call_command("backup", "--new-key")
    assert len(first) >= 43 and first != capsys.readouterr().out.strip()


def test_restore_command_refuses_a_missing_file(tmp_path, monkeypatch):
    monkeypatch.setenv("POLKU_BACKUP_KEY", KEY)
    with pytest.raises(CommandError, match="no such backup file"):
        call_command("restore", str(tmp_path / "missing.backup"))


def test_check_only_reads_the_manifest_without_touching_the_database(tmp_path, made, monkeypatch, capsys):
    out, manifest = made
    monkeypatch.setenv("POLKU_BACKUP_KEY", KEY)
    call_command("restore", str(out), "--check-only")
    rows = sum(t["rows"] for t in manifest["tables"].values())
    assert f"backup is intact: 2 tables, {rows} rows" in capsys.readouterr().out


# --- The real database, SQLite and PostgreSQL ------------------------------------------------------------

def _some_client_data(nurse, organisation):
    record = make_client(organisation=organisation, created_by=nurse, given_names_latin=SECRET_NAME)
    add_to_care_team(client=record, worker=nurse)
    from polku.core import access

    access.require_client_access(actor=nurse, client_id=record.pk)
    return record


@pytest.mark.django_db(transaction=True)
def test_round_trip_of_the_polku_database_on_sqlite(tmp_path, nurse, organisation):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite round trip; the PostgreSQL one is below")
    _some_client_data(nurse, organisation)
    connection.ensure_connection()
    out = tmp_path / "polku.backup"
    manifest = backup.create_backup(out_path=out, key=KEY, settings_dict=connection.settings_dict,
                                    sqlite_connection=connection.connection)
    assert manifest["tables"]["casework_client"]["rows"] == 1
    assert manifest["tables"]["core_municipality"]["rows"] > 300
    backup.restore_backup(in_path=out, key=KEY, settings_dict=target(tmp_path))
    # A second plain connection to the shared in-memory test database (no Django type converters).
    assert all_rows_sqlite(tmp_path / "restored.sqlite3") == all_rows_sqlite(connection.settings_dict["NAME"])


PG_TABLE_DIGEST = "SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {} t"


@pytest.fixture
def empty_pg_database():
    """A fresh, empty PostgreSQL database next to the test database; dropped afterwards."""
    import psycopg

    settings_dict = dict(connection.settings_dict)
    name = f"{settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    admin = backup._pg_connect({**settings_dict, "NAME": "postgres"})
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {**settings_dict, "NAME": name}
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
        assert psycopg  # imported for the driver's availability


def pg_table_digests(settings_dict) -> dict[str, tuple]:
    """Independent oracle: PostgreSQL's own md5 over each table's rows as text, in a fixed order."""
    db = backup._pg_connect(settings_dict)
    try:
        tables = [r[0] for r in db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        return {t: db.execute(PG_TABLE_DIGEST.format(f'"{t}"')).fetchone() for t in tables}
    finally:
        db.close()


@pytest.mark.django_db(transaction=True)
def test_round_trip_of_the_polku_database_on_postgresql(tmp_path, nurse, organisation, empty_pg_database):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL round trip: run with DATABASE_URL=postgres://...")
    _some_client_data(nurse, organisation)
    out = tmp_path / "polku.backup"
    manifest = backup.create_backup(out_path=out, key=KEY, settings_dict=connection.settings_dict)
    assert SECRET_NAME.encode() not in out.read_bytes()
    assert manifest["tables"]["core_accesslog"]["rows"] >= 1

    backup.restore_backup(in_path=out, key=KEY, settings_dict=empty_pg_database)
    assert pg_table_digests(empty_pg_database) == pg_table_digests(connection.settings_dict)

    # The append-only trigger came back with the data: the restored access log still refuses changes.
    import psycopg

    restored = backup._pg_connect(empty_pg_database)
    with pytest.raises(psycopg.Error):
        restored.execute("UPDATE core_accesslog SET reason = 'changed'")
    restored.close()

    with pytest.raises(backup.BackupError, match="not empty"):
        backup.restore_backup(in_path=out, key=KEY, settings_dict=empty_pg_database)

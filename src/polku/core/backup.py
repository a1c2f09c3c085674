"""Encrypted backups and verified restores of the whole database (`polku backup OUT`, `polku restore IN`).

* PostgreSQL: `pg_dump -Fc` inside an exported snapshot, so the per-table checksums in the manifest describe
  exactly the rows in the dump although users keep working; restored with `pg_restore --single-transaction`.
* SQLite: the online backup API copies a consistent image into memory (no plaintext copy on disk).
* Encryption: AES-256-CTR by the `openssl` command, then HMAC-SHA256 over the whole file (encrypt-then-MAC);
  both keys come from POLKU_BACKUP_KEY stretched with PBKDF2 and a random salt per file. The `cryptography`
  package is not among the dependencies; `openssl` is on every Debian system next to pg_dump. The key
  reaches openssl through its environment, never its command line (which other users can read in `ps`).
* A restore goes only into an empty database, verifies the MAC before decrypting anything, and compares the
  restored tables' checksums with the manifest.

File layout: MAGIC, 4-byte header length, header JSON (salt, key check, format), ciphertext, 32-byte tag.
The plaintext is PLAIN_MAGIC, 8-byte manifest length, manifest JSON, then the database image.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import shutil
import sqlite3
import struct
import subprocess  # noqa: S404 - runs openssl, pg_dump and pg_restore with fixed argument lists
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

MAGIC = b"POLKUBK1"
PLAIN_MAGIC = b"POLKUPT1"
FORMAT_VERSION = 1
KEY_ENV = "POLKU_BACKUP_KEY"
MIN_KEY_LENGTH = 32
PBKDF2_ITERATIONS = 200_000
TAG_SIZE = 32
CHUNK = 1 << 20
CIPHER_ARGS = ["-aes-256-ctr", "-pbkdf2", "-iter", "1000", "-md", "sha256", "-pass", "env:POLKU_CIPHER_PASS"]


class BackupError(Exception):
    """A backup or restore cannot go ahead; str() is one line saying why and what to do."""


@dataclass(frozen=True)
class Keys:
    cipher_pass: str
    mac_key: bytes
    check: str


def new_key() -> str:
    """A fresh random key for POLKU_BACKUP_KEY (256 bits, URL-safe text)."""
    return secrets.token_urlsafe(32)


def key_from_env() -> str:
    key = os.environ.get(KEY_ENV, "").strip()
    if not key:
        raise BackupError(f"{KEY_ENV} is not set: create one with `polku backup --new-key` and keep it "
                          "apart from the backups")
    if len(key) < MIN_KEY_LENGTH:
        raise BackupError(f"{KEY_ENV} is too short: use at least {MIN_KEY_LENGTH} characters "
                          "(`polku backup --new-key` makes one)")
    return key


def derive_keys(key: str, salt: bytes) -> Keys:
    material = hashlib.pbkdf2_hmac("sha256", key.encode(), salt, PBKDF2_ITERATIONS, dklen=96)
    return Keys(cipher_pass=material[:32].hex(), mac_key=material[32:64], check=material[64:80].hex())


# --- Checksums --------------------------------------------------------------------------------------------

def _canonical(value: Any) -> Any:
    if isinstance(value, memoryview):
        return bytes(value)
    return value


def table_names(connection, vendor: str) -> list[str]:
    cursor = connection.cursor()
    if vendor == "postgresql":
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
    else:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                       "ORDER BY name")
    return [row[0] for row in cursor.fetchall()]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_checksums(connection, vendor: str) -> dict[str, dict[str, Any]]:
    """Row count and an order-independent SHA-256 per table (sum of row digests modulo 2**256)."""
    result: dict[str, dict[str, Any]] = {}
    for number, table in enumerate(table_names(connection, vendor)):
        # PostgreSQL: a server-side cursor (inside the caller's transaction), so a table of millions of rows
        # streams instead of filling memory.
        cursor = connection.cursor(name=f"polku_checksum_{number}") if vendor == "postgresql" else connection.cursor()
        cursor.execute(f"SELECT * FROM {_quote(table)}")  # noqa: S608 - names come from the catalogue
        total, rows = 0, 0
        while batch := cursor.fetchmany(2000):
            for row in batch:
                digest = hashlib.sha256(repr(tuple(_canonical(v) for v in row)).encode()).digest()
                total = (total + int.from_bytes(digest, "big")) % (1 << 256)
                rows += 1
        cursor.close()
        result[table] = {"rows": rows, "sha256": f"{total:064x}"}
    return result


def differing_tables(expected: dict[str, dict[str, Any]], actual: dict[str, dict[str, Any]]) -> list[str]:
    return sorted(name for name in set(expected) | set(actual) if expected.get(name) != actual.get(name))


# --- Database access --------------------------------------------------------------------------------------

def vendor_of(settings_dict: dict) -> str:
    engine = settings_dict["ENGINE"]
    if engine.endswith("postgresql"):
        return "postgresql"
    if engine.endswith("sqlite3"):
        return "sqlite"
    raise BackupError(f"cannot back up a database of engine {engine}")


def _pg_env(settings_dict: dict) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG") and k != KEY_ENV}
    mapping = {"PGHOST": "HOST", "PGPORT": "PORT", "PGUSER": "USER", "PGPASSWORD": "PASSWORD", "PGDATABASE": "NAME"}
    for variable, key in mapping.items():
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    return env


def _pg_connect(settings_dict: dict):
    import psycopg

    # Autocommit, so that the explicit BEGIN below really starts the (repeatable-read) transaction.
    return psycopg.connect(dbname=settings_dict["NAME"], user=settings_dict.get("USER") or None,
                           password=settings_dict.get("PASSWORD") or None, host=settings_dict.get("HOST") or None,
                           port=settings_dict.get("PORT") or None, autocommit=True)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"`{name}` was not found on PATH; install it (Debian: postgresql-client / openssl)")
    return path


# --- Encryption pipes -------------------------------------------------------------------------------------

def _openssl(keys: Keys, *, decrypt: bool, stdin, stdout) -> subprocess.Popen:
    env = {"PATH": os.environ.get("PATH", ""), "POLKU_CIPHER_PASS": keys.cipher_pass}
    args = [_tool("openssl"), "enc", *(["-d"] if decrypt else []), *CIPHER_ARGS]
    return subprocess.Popen(args, stdin=stdin, stdout=stdout, stderr=subprocess.PIPE, env=env)  # noqa: S603


def _pump(source: IO[bytes], sink: IO[bytes], mac: hmac.HMAC | None = None) -> None:
    while chunk := source.read(CHUNK):
        if mac is not None:
            mac.update(chunk)
        sink.write(chunk)


def _header(salt: bytes, keys: Keys, vendor: str) -> bytes:
    body = json.dumps({"format": FORMAT_VERSION, "cipher": "aes-256-ctr+hmac-sha256", "kdf": "pbkdf2-sha256",
                       "iterations": PBKDF2_ITERATIONS, "salt": salt.hex(), "key_check": keys.check,
                       "vendor": vendor}).encode()
    return MAGIC + struct.pack(">I", len(body)) + body


# --- Backup -----------------------------------------------------------------------------------------------

def _manifest(vendor: str, checksums: dict, connection) -> dict[str, Any]:
    from datetime import UTC, datetime

    cursor = connection.cursor()
    cursor.execute("SELECT app, MAX(name) FROM django_migrations GROUP BY app ORDER BY app")
    return {"format": FORMAT_VERSION, "created_at": datetime.now(UTC).isoformat(), "vendor": vendor,
            "migrations": dict(cursor.fetchall()), "tables": checksums}


def _plain_prefix(manifest: dict) -> bytes:
    body = json.dumps(manifest, sort_keys=True).encode()
    return PLAIN_MAGIC + struct.pack(">Q", len(body)) + body


def create_backup(*, out_path: Path, key: str, settings_dict: dict, sqlite_connection=None) -> dict[str, Any]:
    """Write an encrypted backup of the database to out_path (atomically) and return its manifest.

    sqlite_connection: an open sqlite3 connection to copy from (tests pass Django's, an in-memory database).
    """
    vendor = vendor_of(settings_dict)
    out_path = Path(out_path)
    salt = secrets.token_bytes(16)
    keys = derive_keys(key, salt)
    header = _header(salt, keys, vendor)
    partial = out_path.with_name(out_path.name + ".partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as out:
            out.write(header)
            mac = hmac.new(keys.mac_key, header, hashlib.sha256)
            encrypter = _openssl(keys, decrypt=False, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
            writer = threading.Thread(target=_pump, args=(encrypter.stdout, out, mac), daemon=True)
            writer.start()
            try:
                manifest = (_feed_postgresql(encrypter.stdin, settings_dict) if vendor == "postgresql"
                            else _feed_sqlite(encrypter.stdin, settings_dict, sqlite_connection))
            finally:
                encrypter.stdin.close()
                writer.join()
                error = encrypter.stderr.read().decode(errors="replace").strip()
                if encrypter.wait() != 0:
                    raise BackupError(f"openssl failed: {error}")
            out.write(mac.digest())
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, out_path)
    finally:
        partial.unlink(missing_ok=True)
    return manifest


def _feed_sqlite(sink: IO[bytes], settings_dict: dict, source=None) -> dict[str, Any]:
    own = source is None
    source = source or sqlite3.connect(settings_dict["NAME"])
    try:
        image = sqlite3.connect(":memory:")
        source.backup(image)  # online backup API: a consistent copy while others keep writing
    finally:
        if own:
            source.close()
    try:
        manifest = _manifest("sqlite", table_checksums(image, "sqlite"), image)
        sink.write(_plain_prefix(manifest))
        sink.write(image.serialize())
    finally:
        image.close()
    return manifest


def _feed_postgresql(sink: IO[bytes], settings_dict: dict) -> dict[str, Any]:
    connection = _pg_connect(settings_dict)
    try:
        # One snapshot for the checksums and the dump: the manifest describes exactly the rows dumped.
        connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot = connection.execute("SELECT pg_export_snapshot()").fetchone()[0]
        manifest = _manifest("postgresql", table_checksums(connection, "postgresql"), connection)
        sink.write(_plain_prefix(manifest))
        dump = subprocess.Popen(  # noqa: S603
            [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_pg_env(settings_dict))
        _pump(dump.stdout, sink)
        error = dump.stderr.read().decode(errors="replace").strip()
        if dump.wait() != 0:
            raise BackupError(f"pg_dump failed: {error}")
        connection.execute("COMMIT")
    finally:
        connection.close()
    return manifest


# --- Reading a backup -------------------------------------------------------------------------------------

def _read_header(stream: IO[bytes]) -> tuple[dict, bytes]:
    magic = stream.read(len(MAGIC))
    if magic != MAGIC:
        raise BackupError("this is not a Polku backup file (unknown format)")
    (length,) = struct.unpack(">I", stream.read(4))
    if length > 65536:
        raise BackupError("the backup file is damaged (header too long)")
    raw = stream.read(length)
    try:
        header = json.loads(raw)
    except ValueError:
        raise BackupError("the backup file is damaged (header unreadable)") from None
    if header.get("format") != FORMAT_VERSION:
        raise BackupError(f"backup format {header.get('format')!r} is not supported by this version")
    return header, magic + struct.pack(">I", length) + raw


def open_backup(in_path: Path, key: str) -> tuple[dict, Keys, int, int]:
    """Check the key and the whole file's MAC before anything is decrypted; return header, keys, offsets."""
    in_path = Path(in_path)
    size = in_path.stat().st_size
    with in_path.open("rb") as stream:
        header, raw_header = _read_header(stream)
        keys = derive_keys(key, bytes.fromhex(header["salt"]))
        if not hmac.compare_digest(keys.check, header.get("key_check", "")):
            raise BackupError(f"wrong key: this backup was made with another {KEY_ENV}")
        start, end = len(raw_header), size - TAG_SIZE
        if end < start:
            raise BackupError("the backup file is truncated")
        mac = hmac.new(keys.mac_key, raw_header, hashlib.sha256)
        remaining = end - start
        while remaining:
            chunk = stream.read(min(CHUNK, remaining))
            if not chunk:
                raise BackupError("the backup file is truncated")
            mac.update(chunk)
            remaining -= len(chunk)
        if not hmac.compare_digest(mac.digest(), stream.read(TAG_SIZE)):
            raise BackupError("the backup file has been altered or truncated: refusing to restore it")
    return header, keys, start, end


def _ciphertext(in_path: Path, start: int, end: int) -> Iterator[bytes]:
    with Path(in_path).open("rb") as stream:
        stream.seek(start)
        remaining = end - start
        while remaining:
            chunk = stream.read(min(CHUNK, remaining))
            remaining -= len(chunk)
            yield chunk


class _Decrypted:
    """The plaintext stream of a verified backup (openssl reading the ciphertext from a feeder thread)."""

    def __init__(self, in_path: Path, keys: Keys, start: int, end: int):
        self.process = _openssl(keys, decrypt=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.feeder = threading.Thread(target=self._feed, args=(in_path, start, end), daemon=True)
        self.feeder.start()
        self.stdout = self.process.stdout

    def _feed(self, in_path, start, end):
        try:
            for chunk in _ciphertext(in_path, start, end):
                self.process.stdin.write(chunk)
        except BrokenPipeError:
            pass
        finally:
            self.process.stdin.close()

    def read_exact(self, count: int) -> bytes:
        data = self.stdout.read(count)
        if len(data) != count:
            raise BackupError("the backup file is damaged (plaintext too short)")
        return data

    def close(self) -> None:
        self.stdout.close()
        self.feeder.join()
        self.process.wait()


def read_manifest(in_path: Path, key: str) -> dict[str, Any]:
    header, keys, start, end = open_backup(in_path, key)
    stream = _Decrypted(in_path, keys, start, end)
    try:
        return _read_manifest(stream)
    finally:
        stream.close()


def _read_manifest(stream: _Decrypted) -> dict[str, Any]:
    if stream.read_exact(len(PLAIN_MAGIC)) != PLAIN_MAGIC:
        raise BackupError("the backup could not be decrypted")
    (length,) = struct.unpack(">Q", stream.read_exact(8))
    return json.loads(stream.read_exact(length))


# --- Restore ----------------------------------------------------------------------------------------------

def existing_tables(settings_dict: dict) -> list[str]:
    vendor = vendor_of(settings_dict)
    if vendor == "sqlite":
        path = Path(settings_dict["NAME"])
        if not path.exists() or path.stat().st_size == 0:
            return []
        connection = sqlite3.connect(path)
    else:
        connection = _pg_connect(settings_dict)
    try:
        return table_names(connection, vendor)
    finally:
        connection.close()


def restore_backup(*, in_path: Path, key: str, settings_dict: dict) -> dict[str, Any]:
    """Restore into an EMPTY database, then prove it: every table's checksum must equal the manifest's."""
    vendor = vendor_of(settings_dict)
    present = existing_tables(settings_dict)
    if present:
        raise BackupError(f"the target database is not empty ({len(present)} tables, e.g. {present[0]}): "
                          "restore only into a new, empty database")
    header, keys, start, end = open_backup(in_path, key)
    if header.get("vendor") != vendor:
        raise BackupError(f"this is a {header.get('vendor')} backup; the target database is {vendor}")
    stream = _Decrypted(in_path, keys, start, end)
    try:
        manifest = _read_manifest(stream)
        if vendor == "sqlite":
            _restore_sqlite(stream, settings_dict)
        else:
            _restore_postgresql(stream, settings_dict)
    finally:
        stream.close()
    actual = _checksums_of(settings_dict)
    differing = differing_tables(manifest["tables"], actual)
    if differing:
        raise BackupError(f"the restored database differs from the backup in {len(differing)} tables "
                          f"({', '.join(differing[:5])}): do not use it")
    return manifest


def _restore_sqlite(stream: _Decrypted, settings_dict: dict) -> None:
    image = sqlite3.connect(":memory:")
    try:
        image.deserialize(stream.stdout.read())
        target = sqlite3.connect(settings_dict["NAME"])
        try:
            image.backup(target)
        finally:
            target.close()
    finally:
        image.close()


def _restore_postgresql(stream: _Decrypted, settings_dict: dict) -> None:
    restore = subprocess.Popen(  # noqa: S603
        [_tool("pg_restore"), "--single-transaction", "--exit-on-error", "--no-owner", "--no-privileges",
         f"--dbname={settings_dict['NAME']}"],
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=_pg_env(settings_dict))
    errors: list[bytes] = []
    reader = threading.Thread(target=lambda: errors.append(restore.stderr.read()), daemon=True)
    reader.start()
    try:
        _pump(stream.stdout, restore.stdin)
    except BrokenPipeError:
        pass
    finally:
        restore.stdin.close()
    reader.join()
    if restore.wait() != 0:
        raise BackupError(f"pg_restore failed: {b''.join(errors).decode(errors='replace').strip()[:500]}")


def _checksums_of(settings_dict: dict) -> dict[str, dict[str, Any]]:
    vendor = vendor_of(settings_dict)
    if vendor == "sqlite":
        connection = sqlite3.connect(settings_dict["NAME"])
    else:
        connection = _pg_connect(settings_dict)
        connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    try:
        return table_checksums(connection, vendor)
    finally:
        connection.close()

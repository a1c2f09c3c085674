"""No double booking, enforced by the database itself (decision 010).

PostgreSQL: an exclusion constraint (btree_gist) over [blocked_from, blocked_until) per interpreter.
SQLite: BEFORE INSERT/UPDATE triggers doing the same overlap test; SQLite has one writer at a time, so the
trigger's check and the write it guards cannot interleave with another writer's.
The statuses listed here must equal models.bookings.OCCUPYING_STATUSES (a test checks each one).
"""

from django.db import migrations

OCCUPYING = "('assigned', 'accepted', 'confirmed', 'held', 'client_no_show', 'interpreter_no_show')"

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    "ALTER TABLE interpreting_booking ADD CONSTRAINT booking_no_double_booking EXCLUDE USING gist "
    "(interpreter_id WITH =, tstzrange(blocked_from, blocked_until, '[)') WITH &&) "
    f"WHERE (status IN {OCCUPYING})",
]
POSTGRES_BACKWARD = ["ALTER TABLE interpreting_booking DROP CONSTRAINT IF EXISTS booking_no_double_booking"]

_SQLITE_OVERLAP = (
    "SELECT RAISE(ABORT, 'booking_no_double_booking') WHERE EXISTS ("
    "SELECT 1 FROM interpreting_booking AS other WHERE other.interpreter_id = NEW.interpreter_id "
    "AND other.id IS NOT NEW.id "
    f"AND other.status IN {OCCUPYING} "
    "AND other.blocked_from < NEW.blocked_until AND NEW.blocked_from < other.blocked_until);"
)
SQLITE_FORWARD = [
    "CREATE TRIGGER booking_no_double_booking_insert BEFORE INSERT ON interpreting_booking "
    f"WHEN NEW.interpreter_id IS NOT NULL AND NEW.status IN {OCCUPYING} BEGIN {_SQLITE_OVERLAP} END",
    "CREATE TRIGGER booking_no_double_booking_update BEFORE UPDATE ON interpreting_booking "
    f"WHEN NEW.interpreter_id IS NOT NULL AND NEW.status IN {OCCUPYING} BEGIN {_SQLITE_OVERLAP} END",
]
SQLITE_BACKWARD = ["DROP TRIGGER IF EXISTS booking_no_double_booking_insert",
                   "DROP TRIGGER IF EXISTS booking_no_double_booking_update"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)
    return run


class Migration(migrations.Migration):

    dependencies = [
        ("interpreting", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]

"""The default break rules, and an append-only referral history on PostgreSQL.

The defaults are written out here (not imported) so that this migration stays the same when the code's
defaults change later. The trigger reuses core's polku_refuse_log_change(): UPDATE and DELETE on a
referral's history fail inside the database, whoever asks. SQLite (the embedded demo) gets no trigger,
as for the access log.
"""

from django.db import migrations

DEFAULT_RULES = [
    # kind, days, working days
    ("not_received", 5, True),
    ("no_appointment", 30, False),
    ("no_new_appointment", 14, False),
    ("no_contact", 60, False),
    ("callback_missed", 1, True),
    ("expiry", 90, False),
]
TABLE = "referrals_referraltransition"


def seed_rules(apps, schema_editor):
    BreakRule = apps.get_model("referrals", "BreakRule")
    for kind, days, working_days in DEFAULT_RULES:
        BreakRule.objects.get_or_create(kind=kind, service_type=None,
                                        defaults={"days": days, "working_days": working_days, "active": True})


def append_only(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
                          f"FOR EACH ROW EXECUTE FUNCTION polku_refuse_log_change();")


def drop_append_only(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE};")


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0001_initial"),
        ("core", "0002_append_only_logs_and_roles"),
    ]

    operations = [
        migrations.RunPython(seed_rules, migrations.RunPython.noop),
        migrations.RunPython(append_only, drop_append_only),
    ]

"""Append-only access and disclosure logs on PostgreSQL, and one group per role.

The triggers make UPDATE and DELETE on the logs fail inside the database, whoever asks (Client Data
Act 703/2023: the log must be reliable). SQLite, the embedded demo database, gets no trigger because
Django's test flush deletes rows there; production and CI run PostgreSQL, where flush uses TRUNCATE.
"""

from django.db import migrations

APPEND_ONLY_TABLES = ("core_accesslog", "core_disclosurelog")

FUNCTION = """
CREATE OR REPLACE FUNCTION polku_refuse_log_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'polku: % is append-only; % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    for table in APPEND_ONLY_TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION polku_refuse_log_change();"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in APPEND_ONLY_TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
    schema_editor.execute("DROP FUNCTION IF EXISTS polku_refuse_log_change();")


def create_role_groups(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    from polku.core.roles import ROLE_PERMISSIONS, group_name

    app_config = apps.get_app_config("core")
    # Historical app configs have no models module; create_permissions only checks that it is set.
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = {p.codename: p for p in Permission.objects.filter(content_type__app_label="core")}
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=group_name(role))
        # Permissions added by later migrations do not exist yet here; the later migration reruns this.
        group.permissions.set([permissions[c] for c in sorted(codenames) if c in permissions])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.RunPython(create_role_groups, migrations.RunPython.noop),
    ]

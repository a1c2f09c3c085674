"""polku backup OUT: an encrypted, checksummed backup of the whole database (key from POLKU_BACKUP_KEY)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from polku.core import backup


class Command(BaseCommand):
    help = "Write an encrypted backup of the database (PostgreSQL: pg_dump; SQLite: online backup) to OUT."

    def add_arguments(self, parser):
        parser.add_argument("out", nargs="?", help="the backup file to write (replaced atomically)")
        parser.add_argument("--new-key", action="store_true", help="print a new random key for POLKU_BACKUP_KEY")

    def handle(self, *args, out=None, new_key=False, **options):
        if new_key:
            self.stdout.write(backup.new_key())
            return
        if not out:
            raise CommandError("give the backup file to write: polku backup OUT")
        try:
            manifest = backup.create_backup(out_path=Path(out), key=backup.key_from_env(),
                                            settings_dict=connections["default"].settings_dict)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        rows = sum(table["rows"] for table in manifest["tables"].values())
        self.stdout.write(f"backup written: {out} ({len(manifest['tables'])} tables, {rows} rows, "
                          f"{manifest['vendor']})")

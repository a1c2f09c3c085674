"""polku restore IN: restore an encrypted backup into an EMPTY database and verify every table's checksum."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from polku.core import backup


class Command(BaseCommand):
    help = ("Restore a backup made by `polku backup` into the (empty) database of DATABASE_URL, then check "
            "that every table's rows equal the backup's checksums.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="the backup file")
        parser.add_argument("--check-only", action="store_true",
                            help="only check the key and the file's integrity and print the manifest summary")

    def handle(self, *args, file, check_only=False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"no such backup file: {file}")
        try:
            key = backup.key_from_env()
            if check_only:
                manifest = backup.read_manifest(path, key)
            else:
                connections["default"].close()
                manifest = backup.restore_backup(in_path=path, key=key,
                                                 settings_dict=connections["default"].settings_dict)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        rows = sum(table["rows"] for table in manifest["tables"].values())
        verb = "backup is intact" if check_only else "restored and verified"
        self.stdout.write(f"{verb}: {len(manifest['tables'])} tables, {rows} rows, made {manifest['created_at']}")

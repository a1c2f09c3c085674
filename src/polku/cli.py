"""The `polku` command: Django management with Polku's own commands (demo, serve, simulate, ...)."""

from __future__ import annotations

import os
import sys

from polku.config import ConfigError


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "polku.settings")
    try:
        import django

        django.setup()
    except ConfigError as exc:
        print(f"polku: configuration error: {exc}", file=sys.stderr)
        return 2
    from django.core.management import execute_from_command_line

    execute_from_command_line(["polku", *(argv or ["help"])])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

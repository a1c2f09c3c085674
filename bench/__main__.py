"""`make bench`: run every benchmark against a throw-away test database (never the real one).

Usage: python -m bench [name ...]   (names without the bench_ prefix; default: all)
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
import time


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "polku.settings")
    os.environ.setdefault("POLKU_ENV", "test")
    import django

    django.setup()
    from django.test.utils import setup_databases, teardown_databases

    from polku.core.services import load_areas

    here = os.path.dirname(os.path.abspath(__file__))
    names = [m.name for m in pkgutil.iter_modules([here]) if m.name.startswith("bench_")]
    wanted = [f"bench_{name}" for name in argv] or sorted(names)
    unknown = sorted(set(wanted) - set(names))
    if unknown:
        print(f"bench: unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(sorted(names))}",
              file=sys.stderr)
        return 2
    # Benchmarks never roll back to a serialised state, so the databases are not serialised (which also
    # keeps the setup fast on the big cached databases some benchmarks build).
    old_config = setup_databases(verbosity=0, interactive=False, serialized_aliases=set())
    try:
        load_areas()
        from django.db import connection

        print(f"Polku benchmarks on {connection.vendor} ({connection.settings_dict['NAME']}), "
              f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
        for name in wanted:
            module = importlib.import_module(f"bench.{name}")
            started = time.perf_counter()
            print(f"\n## {name[6:]}: {module.__doc__.strip().splitlines()[0]}")
            module.run()
            print(f"({time.perf_counter() - started:.1f} s)")
    finally:
        teardown_databases(old_config, verbosity=0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

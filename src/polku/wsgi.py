import gc
import os
import sys

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver, reverse

from polku.config import ConfigError
from polku.core.proxies import behind_trusted_proxies

# gunicorn stops the whole server, not only this worker, when a worker exits with this code ("App failed to
# load"): a setting that is wrong for one worker is wrong for all of them, and restarting them cannot help.
APP_LOAD_ERROR = 4

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "polku.settings")
try:
    application = get_wsgi_application()
except ConfigError as error:
    # One line naming the variable, as the `polku` command prints it (polku.cli), instead of a traceback
    # whose last line an operator has to find in the server's log.
    print(f"polku: configuration error: {error}", file=sys.stderr, flush=True)
    raise SystemExit(APP_LOAD_ERROR) from None
application = behind_trusted_proxies(application, settings.POLKU_TRUSTED_PROXIES)


def freeze_startup_objects() -> int:
    """Load every view module and the URL tables now, then move everything alive into the collector's permanent
    generation; returns how many objects were frozen.

    Why: a served process holds about a quarter of a million long-lived objects (modules, classes, URL patterns)
    that never become garbage, and each full collection walked all of them: about 0.1 s on our machines, landing
    on whichever request happened to trigger it, every few dozen requests (bench/load/page_costs.py counts it).
    Frozen objects are skipped by the collector; the pages' own garbage is still collected as before. (Each
    gunicorn worker loads the application itself, after the fork, unless it runs with --preload; so this is
    about the pauses, not about memory shared between workers.)
    """
    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 -- the import of every view module is the point
    reverse("login")  # builds the reverse lookup tables, which each first page would otherwise build
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


freeze_startup_objects()

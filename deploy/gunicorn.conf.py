"""gunicorn settings for Polku (an example to adapt; see deploy/README.md).

Installed as /etc/polku/gunicorn.conf.py and used by deploy/systemd/polku.service:

    gunicorn --config /etc/polku/gunicorn.conf.py polku.wsgi:application

gunicorn executes this file as Python, so it must be owned by root and not writable by the polku user.
Any setting can also be overridden for one start with GUNICORN_CMD_ARGS (e.g. "--workers 3"), which gunicorn
reads after this file.
"""

import importlib
import os
import sys

# Loopback only: nginx (deploy/nginx/polku.conf) terminates TLS and is the only client. Override with
# GUNICORN_BIND in polku.env (e.g. 127.0.0.1:8080) without editing this file; nginx's proxy_pass must follow.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")


def _cpus() -> int:
    # The CPUs this process may run on (a cpuset or taskset may allow fewer than the machine has).
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


# Sync workers, twice the CPUs, at least 2: the rule bench/bench_load.py uses for the load test
# (docs/security/load-test.md). One worker serves one request at a time; a second one keeps the site
# answering while the first is busy with a slow page or is being replaced (max_requests below).
# Each worker loads the whole application: about 4.5 s of CPU and 200 MB of memory right after loading
# (`import polku.wsgi`, measured on one machine with the test profile); more once it has served pages. On a
# machine with little memory, lower the count rather than let the kernel's OOM killer choose.
workers = max(2, 2 * _cpus())

# A request still running after 30 s is killed with its worker. The slowest page measured, the steering report
# as PDF, took about 8-11 s on a loaded 2-core machine (build and PDF rows in docs/apps/reporting-steering.md).
timeout = 30
# On stop or reload, running requests get 5 s to finish (systemd's stop timeout is longer than this).
graceful_timeout = 5

# Replace each worker after about this many requests. Why: a long-lived Python process only grows (caches,
# fragmentation of the heap); replacing workers bounds that growth without anyone watching it. The jitter
# spreads the replacements so that the workers do not all reload (several seconds each) at the same moment.
# 5000 keeps the reload cost small per request (4-5 s / 5000 = about 1 ms); it is a judgement, not a
# measured figure.
max_requests = 5000
max_requests_jitter = 500

# No preload_app (gunicorn's default, stated here so nobody adds it casually). src/polku/wsgi.py loads every
# view module and calls gc.freeze() in the process that imports it, written for each worker doing that itself
# after the fork (its docstring); every measured setup runs without --preload (docs/deployment.md, section 1).
# With --preload the master would hold the application, and `systemctl reload` (SIGHUP) would fork new
# workers from that old copy instead of loading the new code after an upgrade.
preload_app = False

# Logs go to standard error, which systemd's journal collects; warnings and errors only.
errorlog = "-"
loglevel = "warning"

# No access log. Why: URLs carry client ids (e.g. /tulkkaus/asiakas/<id>/) and query strings, and gunicorn
# would write them to plain log files that nobody audits or removes on schedule. Polku keeps its own access
# log of client data in the database (append-only, covered by the retention rules; docs/apps/core.md).
accesslog = None

# forwarded_allow_ips stays at gunicorn's default (127.0.0.1, ::1), which only governs whether gunicorn believes
# X-Forwarded-Proto for its own wsgi.url_scheme. Django decides https itself (SECURE_PROXY_SSL_HEADER), and the
# client address comes from X-Forwarded-For through POLKU_TRUSTED_PROXIES in src/polku/wsgi.py
# (src/polku/core/proxies.py). Do not set forwarded_allow_ips = "*": it would let any peer claim https to
# gunicorn, and it does nothing for the client address.

# No control socket. gunicorn 25.1 and later open one by default (under $XDG_RUNTIME_DIR or
# $HOME/.gunicorn/) for gunicornc, which can change the worker count or stop the server. systemd already
# controls the process (systemctl reload/restart/stop); a second control interface writable by the polku user
# adds nothing but a way in.
control_socket_disable = True

proc_name = "polku"


def on_starting(server):
    """Read Polku's settings once in the master, before any worker starts.

    Why: a missing or malformed setting (polku.config.ConfigError) would otherwise fail in every worker at
    once. src/polku/wsgi.py prints the one line naming it in each worker, but gunicorn's own shutdown, hit by
    several failing workers together, can end in a traceback and exit code 1. Here gunicorn stops before it
    listens, with that line alone and exit code 4 ("App failed to load"), which polku.service does not
    restart (RestartPreventExitStatus). Only the settings module is imported, not the application.
    """
    from polku.config import ConfigError

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "polku.settings")
    try:
        importlib.import_module(os.environ["DJANGO_SETTINGS_MODULE"])
    except ConfigError as error:
        print(f"polku: configuration error: {error}", file=sys.stderr, flush=True)
        sys.exit(4)

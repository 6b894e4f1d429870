"""gunicorn in production: `gunicorn -c gunicorn.conf.py mentoring.wsgi`.

Read from the process environment and from `.env` beside manage.py (as the settings read it). Each
variable is listed in `.env.example`; unset or empty means the default, which fits one machine
behind the nginx example in deploy/nginx/.
"""

import multiprocessing
import os
from pathlib import Path

import environ
from gunicorn import glogging

_env_file = Path(__file__).resolve().parent / ".env"
if _env_file.exists():
    environ.Env.read_env(_env_file, overwrite=False)

# nginx on the same machine talks to 127.0.0.1:8000 (deploy/nginx/mentoring.conf). Never bind a
# public address: the proxy terminates TLS and sets the forwarded headers the portal trusts.
bind = os.environ.get("GUNICORN_BIND") or "127.0.0.1:8000"

# Sync workers: docs/quality.md notes gthread with no more throughput and a worse p99. Two per core:
# a page is CPU work in Python with short waits for PostgreSQL and Redis, and while one worker
# waits the other computes. Each worker holds its own ready GeoJSON and feed bytes, so more
# workers cost memory (bar: < 200 MB each). WEB_CONCURRENCY is the usual name for the override.
worker_class = "sync"
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * multiprocessing.cpu_count())

# Load Django once in the master and fork: the workers share its memory pages, and a recycled
# worker (max_requests) starts in milliseconds. Django opens no connection at import. New code
# therefore needs a restart (`systemctl restart mentoring-web`), not a HUP.
preload_app = True

# A memory guard: a worker is replaced after this many requests (spread by the jitter so they do
# not all restart at once). High enough that a busy worker (2,000 requests/s measured on a
# cached page) is not replaced every few seconds, which would throw away its in-process caches.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS") or 10_000)
max_requests_jitter = max_requests // 10

# A request that takes longer than this is a bug or a stuck dependency (PostgreSQL and Redis
# time out after 5 and 2 s): the worker is killed and replaced. Below nginx's proxy_read_timeout
# (60 s), so the visitor sees gunicorn's answer, not nginx's. The graceful timeout lets a restart
# finish requests in flight.
timeout = 30
graceful_timeout = 30
# Sync workers close the connection after each response; nginx keeps the visitor's connection.

# The workers' heartbeat file: in memory, so a slow disk never makes the master kill a worker.
if Path("/dev/shm").is_dir():  # nosec B108: gunicorn's own heartbeat files, not data
    worker_tmp_dir = "/dev/shm"  # nosec B108: as gunicorn's documentation recommends

# gunicornc's control socket is not used; without this gunicorn creates one in $HOME, which the
# systemd unit's ProtectSystem/ProtectHome make read-only.
control_socket_disable = True

# gunicorn takes X-Forwarded-Proto (and the client address headers) only from these addresses.
# The default is nginx on the same machine; with the proxy on another machine set
# FORWARDED_ALLOW_IPS to its address. Never "*" unless nothing but the proxy can reach the port.
# Django trusts X-Forwarded-Proto separately, with TRUST_X_FORWARDED_PROTO=true (settings.py).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS") or "127.0.0.1,::1"

# Access log on stdout, error log on stderr: systemd's journal (or the Procfile runner) keeps both.
# GUNICORN_ACCESS_LOG=off switches the access log off, e.g. when nginx's is enough.
accesslog = None if os.environ.get("GUNICORN_ACCESS_LOG") == "off" else "-"
errorlog = "-"
loglevel = (os.environ.get("LOG_LEVEL") or "INFO").lower()

if os.environ.get("LOG_FORMAT") == "json":
    # The same JSON lines as Django's own (core/logs.py): the access record's fields come
    # from gunicorn's atoms (method, path, status, bytes, duration_ms, user agent, request id).

    class _Atoms(glogging.SafeAtoms):
        # SafeAtoms escapes quotes for the Apache-style line; the JSON encoder escapes instead.
        def __init__(self, atoms):
            dict.__init__(self, atoms)

    class JsonLogger(glogging.Logger):
        atoms_wrapper_class = _Atoms

    logger_class = JsonLogger
    access_log_format = "%(m)s %(U)s %(s)s"
    level = loglevel.upper()
    logconfig_dict = {
        "formatters": {
            "json": {"()": "core.logs.JsonFormatter"},
            "access": {"()": "core.logs.GunicornAccessJsonFormatter"},
        },
        "handlers": {
            "error": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            },
            "access": {
                "class": "logging.StreamHandler",
                "formatter": "access",
                "stream": "ext://sys.stdout",
            },
        },
        "root": {"level": level, "handlers": ["error"]},
        "loggers": {
            "gunicorn.error": {"level": level, "handlers": ["error"], "propagate": False},
            "gunicorn.access": {
                "level": "INFO",
                "handlers": ["access"] if accesslog else [],
                "propagate": False,
            },
        },
    }
else:
    # The combined format without the client address (behind the proxy it is the proxy's), plus
    # the duration in microseconds and nginx's request id.
    access_log_format = '%(t)s "%(r)s" %(s)s %(B)s %(D)sus "%(f)s" "%(a)s" %({x-request-id}i)s'

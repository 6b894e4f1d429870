"""Benchmark of the event calendar with 5,000 events (docs/quality.md, events issue).

Creates the scale data set on PostgreSQL (`load_demo --programs 10000 --events 5000`,
idempotent), then:

1. starts gunicorn (2 sync workers, production settings, plain HTTP on 127.0.0.1) and measures
   with wrk (-t2 -c32) the calendar `/veranstaltungen/`, this month's page
   `/veranstaltungen/<yyyy>/<mm>/` and the feed `/veranstaltungen/kalender.ics`, all anonymous,
   each against the trivial view `/bench/trivial` in the same run;
2. renders the month page in-process with Django's test client: the median server time and the
   query count, as a visitor with a session after a change of the calendar (nothing cached: the
   full render: after a change of an event that keeps the filters' choices, after one that
   changes them, which builds them again itself, and after a change of a program, which leaves
   them to the visitor), as such a visitor again (the page's main part comes from the cache) and
   anonymous (the whole page cached).

Prints one line per figure. Bars: public pages >= 25% of the trivial view, p99 < 100 ms, 0 errors;
the month with 5,000 events stored renders in < 50 ms server time.
Run: `make bench` (or `.venv/bin/python bench/events.py`). Needs wrk, PostgreSQL and Redis
(BENCH_DATABASE_URL, REDIS_URL; defaults on 127.0.0.1). BENCH_EVENTS changes the size.
"""

import importlib.util
import os
import subprocess
import sys
import urllib.error
import urllib.request
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

# The shared set-up of bench/programs.py (bench/ is a folder of scripts, not a package).
_spec = importlib.util.spec_from_file_location(
    "bench_programs", Path(__file__).with_name("programs.py")
)
common = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(common)

EVENTS = int(os.environ.get("BENCH_EVENTS", "5000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))

# Runs inside Django with the bench database: prints one line per figure.
MEASURE = r"""
import statistics, sys, time
import django
django.setup()
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from events.models import Event
from events.cache import bump_generation
from events.signals import calendar_changed
from programs import cache as programs_cache
from events.calendar import Month
from events.selectors import occurrences_in, public_events

REPEAT = int(sys.argv[1])
month = Month.of(timezone.localdate())
start, end = month.bounds()
in_month = len(occurrences_in(public_events().prefetch_related(None), start=start, end=end))
print(f"data: {Event.objects.count()} events stored, {Event.objects.published().count()} public, "
      f"{in_month} public occurrences in {month.year}-{month.month:02}; {REPEAT} requests, "
      "in-process test client")

def measure(client, path, *, cold=None):
    response = client.get(path)  # warm caches and connections once
    assert response.status_code == 200, (path, response.status_code)
    times = []
    for _ in range(REPEAT):
        if cold == "directory":
            # A program or organisation changed: the calendar and its choices are gone.
            bump_generation()
            programs_cache.bump_generation()
        elif cold is not None:
            # As the change of an event does it (events/signals.py): nothing of the calendar
            # cached; where the change can alter the filters' choices (a new event, another
            # status or organiser), they are built again by the change itself.
            calendar_changed(organisers=cold == "organisers")
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], len(queries)

trivial, _, _ = measure(Client(), "/bench/trivial")
path = f"/veranstaltungen/{month.year}/{month.month}/"
# A session cookie (even an unknown one) bypasses the anonymous page cache: the full render.
with_session = Client()
with_session.cookies[settings.SESSION_COOKIE_NAME] = "bench-no-such-session"
clients = (
    ("month page, full render after an event's time, text or registrations changed",
     with_session, "event"),
    ("month page, full render after the organisers changed (choices built by the change)",
     with_session, "organisers"),
    ("month page, full render after a program changed (choices built by the visitor)",
     with_session, "directory"),
    ("month page with a session (its main part cached)", with_session, None),
    ("month page, anonymous (cached)", Client(), None),
)  # fmt: skip
for name, client, cold in clients:
    median, p95, queries = measure(client, path, cold=cold)
    bar = "; bar < 50 ms" if "full" in name else ""
    print(f"{name} {path}: median {median:.1f} ms, p95 {p95:.1f} ms, {queries} queries, "
          f"{median / trivial:.{1 if median < 10 * trivial else 0}f}x the trivial view "
          f"({trivial:.2f} ms){bar}")
"""


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def main() -> int:
    common.ensure_database()
    env = common.server_env()
    # VACUUM as well: the organiser choices read an index only where autovacuum has marked the
    # pages all-visible, as it soon does after a bulk load.
    common.prepare(env, "--events", str(EVENTS), statistics="VACUUM ANALYZE")

    today = datetime.now(ZoneInfo("Europe/Berlin")).date()
    month_path = f"/veranstaltungen/{today.year}/{today.month}/"
    server, base = common.start_server(env)
    results = {}
    try:
        feed_status = status_of(f"{base}/veranstaltungen/kalender.ics")
        # (name, path, gzip): calendar apps ask for the feed with Accept-Encoding: gzip.
        pages = [
            ("calendar /veranstaltungen/", "/veranstaltungen/", False),
            ("month " + month_path, month_path, False),
        ]
        if feed_status == 200:
            feed = "/veranstaltungen/kalender.ics"
            pages.append((f"feed {feed} (gzip)", feed, True))
            pages.append((f"feed {feed} (no gzip)", feed, False))
        # Warm every cache once, as after any data change.
        for _name, path, _gzip in pages:
            assert status_of(f"{base}{path}") == 200, path
        trivial = common.wrk(f"{base}/bench/trivial")
        for name, path, gzip in pages:
            results[name] = common.wrk(f"{base}{path}", gzip=gzip)
    finally:
        server.terminate()
        server.wait(timeout=30)

    print(f"data: {EVENTS} generated events on PostgreSQL; gunicorn 2 sync workers; "
          f"wrk -t2 -c32 -d{common.DURATION}")  # fmt: skip
    for name, result in results.items():
        # The bar of docs/quality.md names the public pages; the feed (a megabyte without gzip)
        # is printed for comparison only.
        bar = "no bar of its own" if name.startswith("feed") else "bar >= 100%, p99 < 50 ms"
        print(
            f"{name} vs trivial view: {result['rate'] / trivial['rate']:.0%} "
            f"({result['rate']:.0f} vs {trivial['rate']:.0f} req/s; p99 {result['p99']:.1f} ms; "
            f"errors {result['errors']}, socket errors {result['socket_errors']}); {bar}"
        )
    if feed_status != 200:
        print(f"feed: not available yet (/veranstaltungen/kalender.ics answered {feed_status})")
    subprocess.run(
        [common.PYTHON, "-c", MEASURE, str(REPEAT)], cwd=common.ROOT, env=env, check=True
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark of the coordinators' screens with 100,000 tandems (docs/quality.md, tandems issue).

Creates the scale data set on PostgreSQL (`load_demo --programs 10000 --tandems 100000`,
idempotent; a fifth of the tandems belong to the demo coordinator's two programs), then renders
each page in-process with Django's test client under production settings, so the figure is the
server time of the view alone (no network, no gunicorn). Per page: median and p95 of the server
time over BENCH_REPEAT requests, the SQL query count, and the ratio against a trivial view
measured in the same run.

Bars: the dashboard /koordination/ renders in under 50 ms (docs/quality.md) when nothing changed
since the last visit, and in under 150 ms (issue [2.4]) right after its programs' data changed;
the people search (/koordination/suche/) answers in under 100 ms (median server time).
Run: `make bench` (or `.venv/bin/python bench/tandems.py`). Needs PostgreSQL and Redis
(BENCH_DATABASE_URL, REDIS_URL; defaults on 127.0.0.1). BENCH_TANDEMS changes the size.
"""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

# The shared set-up of bench/programs.py (bench/ is a folder of scripts, not a package).
_spec = importlib.util.spec_from_file_location(
    "bench_programs", Path(__file__).with_name("programs.py")
)
common = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(common)

TANDEMS = int(os.environ.get("BENCH_TANDEMS", "100000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "20"))

# Runs inside Django with the bench database: prints one line per page.
MEASURE = r"""
import statistics, sys, time
import django
django.setup()
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from programs.models import Program
from tandems.figures_cache import figures_changed
from tandems.models import Tandem

REPEAT = int(sys.argv[1])
User = get_user_model()
coordinator = User.objects.get(email="koordination@example.org")
staff = User.objects.get(email="netzwerk@example.org")
mentor = User.objects.get(email="mentorin@example.org")
leipzig = Program.objects.get(name="Lesepat:innen Leipzig")
demo_tandem = Tandem.objects.get(mentor=mentor)
in_focus = Tandem.objects.filter(program__memberships__user=coordinator).count()
print(f"data: {Tandem.objects.count()} tandems, {in_focus} of them in the 2 programs of the "
      f"dashboard's coordinator; {REPEAT} requests per page, in-process test client")

def measure(user, path, before=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get(path)  # warm caches and connections once
    assert response.status_code == 200, (path, response.status_code)
    times = []
    for _ in range(REPEAT):
        if before is not None:
            before()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], len(queries)

trivial, _, _ = measure(None, "/bench/trivial")
slug = leipzig.slug
# The dashboard right after its programs' data changed (a meeting logged in each): the figures
# are counted, not read as kept (tandems/figures_cache.py).
coordinated = list(
    Program.objects.filter(memberships__user=coordinator).values_list("pk", flat=True)
)
median, p95, queries = measure(
    coordinator, "/koordination/", before=lambda: figures_changed(coordinated)
)
print(f"dashboard /koordination/ after a change of its programs' data: median {median:.1f} ms, "
      f"p95 {p95:.1f} ms, {queries} queries, {median / trivial:.0f}x the trivial view; "
      "bar < 150 ms")
pages = [
    ("dashboard /koordination/, nothing changed since the last visit", coordinator,
     "/koordination/", 50),
    ("tandem list of a program", coordinator, f"/koordination/programme/{slug}/tandems/", None),
    ("action list without contact", coordinator,
     f"/koordination/programme/{slug}/handlungsbedarf/ohne-treffen/", None),
    ("action list check-ins due", coordinator,
     f"/koordination/programme/{slug}/handlungsbedarf/checkins-faellig/", None),
    ("tandem page (coordinator)", coordinator, f"/koordination/tandems/{demo_tandem.pk}/", None),
    ("program report, this year", coordinator, f"/koordination/programme/{slug}/bericht/", None),
    ("network report (staff)", staff, "/koordination/netzwerk/bericht/", None),
    ("mentor area /mein-bereich/", mentor, "/mein-bereich/", None),
    ("public figures /mentoring-wirkt/ (cached)", None, "/mentoring-wirkt/", None),
    # The people search over all of the coordinator's people: a misspelled name (the bar), and a
    # first name that a tenth of the generated mentees share (thousands of matches, 10 shown).
    ("search server time median, misspelled name", coordinator,
     "/koordination/suche/?q=Mira+Mentorn", 100),
    ("search, a first name shared by thousands", coordinator, "/koordination/suche/?q=Emma", None),
]
for name, user, path, bar in pages:
    median, p95, queries = measure(user, path)
    verdict = f"; bar < {bar} ms" if bar else ""
    print(f"{name}: median {median:.1f} ms, p95 {p95:.1f} ms, {queries} queries, "
          f"{median / trivial:.0f}x the trivial view ({trivial:.2f} ms){verdict}")
"""


def main() -> int:
    common.ensure_database()
    env = common.server_env()
    common.prepare(env, "--tandems", str(TANDEMS), statistics="ANALYZE")
    subprocess.run(
        [common.PYTHON, "-c", MEASURE, str(REPEAT)], cwd=common.ROOT, env=env, check=True
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Memory of a gunicorn worker after 10,000 requests (docs/quality.md: < 200 MB RSS).

Creates the full scale data set (`load_demo --programs 10000 --events 5000 --tandems 100000`,
idempotent) in `mentoring_bench`, starts gunicorn with 2 sync workers in production mode and
*without* `max_requests` (gunicorn.conf.py recycles workers as a guard; here the growth must
show), and sends BENCH_REQUESTS (default 10,000) requests from 4 keep-alive clients over the
public pages: home, list and map with many different filters and places (each filter has its
own cached GeoJSON in the worker, kept under a size limit), program pages, calendar months,
event pages, the feeds, news and the legal pages. Prints each worker's resident memory after a
warm-up of 500 requests and at the end, and the largest growth.

Run: `make bench` (or `.venv/bin/python bench/memory.py`). Needs PostgreSQL and Redis.
"""

import http.client
import importlib.util
import itertools
import os
import re
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path
from urllib.parse import quote

_spec = importlib.util.spec_from_file_location(
    "bench_programs", Path(__file__).with_name("programs.py")
)
common = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(common)

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "10000"))
TANDEMS = int(os.environ.get("BENCH_TANDEMS", "100000"))
EVENTS = int(os.environ.get("BENCH_EVENTS", "5000"))
WARM_UP = 500
CLIENTS = 4
BAR_MB = 200
PLACES = ["Leipzig", "Berlin", "04109", "Hamburg", "München", "Köln", "Dresden", "80331"]
FACETS = ["", "&zielgruppe=kinder", "&zielgruppe=gefluechtete", "&thema=bildung", "&umkreis=100"]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def workers_of(master: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                found.append(int(entry.name))
    return sorted(found)


def paths(base: str) -> list[str]:
    """A mix of public pages; links found on the pages themselves, so the mix follows the data."""

    def links(path: str, pattern: str, limit: int) -> list[str]:
        html = urllib.request.urlopen(f"{base}{path}", timeout=120).read().decode()
        return list(dict.fromkeys(re.findall(pattern, html)))[:limit]

    programs = links("/programme/", r'href="(/programme/[a-z0-9-]+/)"', 40)
    events = links("/veranstaltungen/", r'href="(/veranstaltungen/[a-z0-9-]+/)"', 30)
    news = links("/aktuelles/", r'href="(/aktuelles/[a-z0-9-]+/)"', 10)
    filtered = [
        f"{path}?ort={quote(place)}{facet}"
        for path in ("/programme/", "/karte/programme.geojson")
        for place in PLACES
        for facet in FACETS
    ]
    months = [f"/veranstaltungen/2027/{month}/" for month in range(1, 13)]
    fixed = [
        "/", "/programme/", "/karte/", "/karte/programme.geojson", "/karte/einbetten/",
        "/veranstaltungen/", "/veranstaltungen/kalender.ics", "/aktuelles/", "/aktuelles/feed/",
        "/mentoring-wirkt/", "/impressum/", "/datenschutz/", "/barrierefreiheit/", "/mitmachen/",
        "/en/", "/en/programme/",
    ]  # fmt: skip
    return fixed + programs + events + news + filtered + months


def load(host: str, port: int, mix: list[str], count: int) -> dict:
    """`count` requests over the mix from CLIENTS keep-alive connections; status counts."""
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    cycle = itertools.cycle(mix)
    remaining = [count]

    def client():
        connection = http.client.HTTPConnection(host, port, timeout=60)
        while True:
            with lock:
                if remaining[0] == 0:
                    break
                remaining[0] -= 1
                path = next(cycle)
            connection.request("GET", path, headers={"Accept-Encoding": "gzip"})
            response = connection.getresponse()
            response.read()
            with lock:
                statuses[response.status] = statuses.get(response.status, 0) + 1
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # A client that died (an exception in its thread) leaves requests unsent: no figure then.
    if sum(statuses.values()) != count:
        raise SystemExit(f"only {sum(statuses.values())} of {count} requests were answered")
    return statuses


def main() -> int:
    common.ensure_database()
    env = common.server_env()
    common.prepare(env, "--events", str(EVENTS), "--tandems", str(TANDEMS))
    server, base = common.start_server(env)
    port = urllib.parse.urlsplit(base).port
    try:
        mix = paths(base)
        workers = workers_of(server.pid)
        started = time.perf_counter()
        statuses = load("127.0.0.1", port, mix, WARM_UP)
        warm = {pid: rss_mb(pid) for pid in workers}
        more = load("127.0.0.1", port, mix, REQUESTS - WARM_UP)
        elapsed = time.perf_counter() - started
        end = {pid: rss_mb(pid) for pid in workers}
        assert workers_of(server.pid) == workers, "a worker was replaced during the run"
    finally:
        server.terminate()
        server.wait(timeout=30)

    for code, n in more.items():
        statuses[code] = statuses.get(code, 0) + n
    largest = max(end.values())
    growth = max(end[pid] - warm[pid] for pid in workers)
    print(
        f"data: {common.PROGRAMS} programs, {EVENTS} events, {TANDEMS} tandems on PostgreSQL; "
        f"gunicorn 2 sync workers without max_requests; {REQUESTS} requests over {len(mix)} "
        f"public paths from {CLIENTS} clients in {elapsed:.0f} s; "
        f"statuses {dict(sorted(statuses.items()))}"
    )
    print(
        "worker memory: "
        + "; ".join(
            f"pid {pid}: {warm[pid]:.0f} MB after {WARM_UP} requests, {end[pid]:.0f} MB at the end"
            for pid in workers
        )
    )
    print(
        f"worker memory after {REQUESTS} requests: largest {largest:.0f} MB RSS, growth after "
        f"warm-up at most {growth:.1f} MB; bar < {BAR_MB} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark of the public directory with 10,000 programs (docs/quality.md, programs issue).

Creates the scale data set on PostgreSQL, starts gunicorn (2 sync workers, production settings,
plain HTTP on 127.0.0.1), and measures with wrk (-t2 -c32) in one run:

- GeoJSON of all programs (gzip) against whitenoise serving the same gzip bytes as a static file
  (three rounds, each between two runs of the static file; the median round counts);
- every anonymous public page (home, list and map with and without filters, a program's page,
  calendar and month with and without filters, an event's page, news list and item; in German
  and under /en/; with a browser's Accept-Encoding) against a trivial view behind the same
  middleware, each right after a run of the trivial view (the ratio is against that run);
- the GeoJSON's gzip size and one client's p50 latency.

Prints one line per figure: the ratio against its baseline and the absolute numbers.
Run: `make bench` (or `.venv/bin/python bench/programs.py`). Needs wrk (apt-get install wrk),
PostgreSQL and Redis (BENCH_DATABASE_URL, REDIS_URL; defaults on 127.0.0.1).
"""

import gzip
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mentoring_bench"
)
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14")
PROGRAMS = int(os.environ.get("BENCH_PROGRAMS", "10000"))
DURATION = os.environ.get("BENCH_DURATION", "10s")
GEOJSON_ROUNDS = 3
# gunicorn reads ./gunicorn.conf.py by default; the benchmarks give their own settings instead
# (2 sync workers, no access log, no max_requests), as the bars in docs/quality.md are stated.
GUNICORN = ["--config", str(Path(__file__).with_name("gunicorn_bench.conf.py"))]


def run(*args, env, **kwargs):
    return subprocess.run(args, cwd=ROOT, env=env, check=True, **kwargs)


def ensure_database():
    import psycopg

    base, name = DATABASE_URL.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env() -> dict[str, str]:
    """The benchmarks' environment: production settings over plain HTTP on 127.0.0.1, a static
    root of their own, the trivial baseline view switched on."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mentoring.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "STATIC_ROOT": tempfile.mkdtemp(prefix="mentoring-bench-static-"),
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "BENCHMARK_VIEWS": "true",
        "LOG_LEVEL": "WARNING",
    }


def prepare(env, *load_demo: str, statistics: str | None = None) -> None:
    """Migrate, create the data set (`load_demo --programs PROGRAMS`, idempotent), translations
    and static files; `statistics` ("ANALYZE", "VACUUM ANALYZE") refreshes what autovacuum
    would give the planner soon after a bulk load."""
    manage = [PYTHON, "manage.py"]
    run(*manage, "migrate", "-v0", env=env)
    run(*manage, "load_demo", "--programs", str(PROGRAMS), *load_demo, env=env,
        stdout=subprocess.DEVNULL)  # fmt: skip
    run(*manage, "compile_translations", env=env, stdout=subprocess.DEVNULL)
    run(*manage, "collectstatic", "--noinput", "-v0", env=env)
    if statistics:
        run(PYTHON, "-c", "import django; django.setup(); from django.db import connection; "
            f"connection.cursor().execute('{statistics}')", env=env)  # fmt: skip


def start_server(env) -> tuple[subprocess.Popen, str]:
    """gunicorn with 2 sync workers on a free port; returns once it answers /healthz."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", *GUNICORN, "mentoring.wsgi", "--workers", "2", "--bind",
         f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=2)
            break
        except OSError:
            time.sleep(0.2)
    return server, base


# What browsers send: the public pages answer with brotli where the client takes it.
BROWSER_ENCODING = "gzip, deflate, br"


def wrk(
    url: str, *, gzip: bool = False, encoding: str = "", threads: int = 2, connections: int = 32
) -> dict:
    args = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{DURATION}", "--latency"]
    if gzip:
        args += ["-H", "Accept-Encoding: gzip"]
    elif encoding:
        args += ["-H", f"Accept-Encoding: {encoding}"]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)

    def latency(percent: str) -> float:
        value, unit = re.search(rf"\s{percent}%\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    return {
        "rate": rate,
        "p50": latency("50"),
        "p99": latency("99"),
        "errors": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "none",
    }


def map_drawn_in_chromium(url: str) -> float | None:
    """Milliseconds from navigation start until clusters are drawn and the list is filled, in a
    desktop window where the map is in view from the start. map.js loads Leaflet and the GeoJSON
    only when the map comes into view, and draws the clusters in slices: its `data-loads`
    attribute counts a result once its last slice of clusters is on the map."""
    if not Path("/usr/bin/chromium").exists():
        return None
    from playwright.sync_api import sync_playwright

    flags = [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
    ]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=flags)
        page = browser.new_page()
        times = []
        for _ in range(3):
            page.goto(url)
            # A function, not an expression: the page's CSP forbids eval.
            page.wait_for_function(
                "() => Number(document.getElementById('map').dataset.loads || 0) >= 1"
                " && document.querySelectorAll('#map .marker-cluster').length > 0"
                " && document.querySelectorAll('#map-results li').length > 0",
                polling=10,
            )
            times.append(page.evaluate("performance.now()"))
        browser.close()
    return sorted(times)[1]


def first_program_path(base: str) -> str:
    """The page of the first program the list shows."""
    html = urllib.request.urlopen(f"{base}/programme/", timeout=60).read().decode()
    return re.search(r'href="(/programme/[a-z0-9-]+/)"', html).group(1)


def first_link(base: str, page: str, pattern: str) -> str | None:
    html = urllib.request.urlopen(f"{base}{page}", timeout=60).read().decode()
    found = re.search(pattern, html)
    return found.group(1) if found else None


def public_pages(base: str, program_path: str) -> list[tuple[str, str]]:
    """Every anonymous public page kind, in German and under /en/: (name, path)."""
    today = datetime.now(ZoneInfo("Europe/Berlin")).date()
    month = f"/veranstaltungen/{today.year}/{today.month}/"
    event = first_link(
        base,
        "/veranstaltungen/",
        r'href="(/veranstaltungen/(?![0-9]|archiv/|kalender)[a-z0-9-]+/)"',
    )
    news = first_link(base, "/aktuelles/", r'href="(/aktuelles/(?!feed/)[a-z0-9-]+/)"')
    pages = [
        ("home", "/"),
        ("list", "/programme/"),
        ("filtered list", "/programme/?ort=Leipzig&umkreis=100&zielgruppe=kinder"),
        ("map", "/karte/"),
        ("filtered map", "/karte/?zielgruppe=kinder"),
        ("program page", program_path),
        ("calendar", "/veranstaltungen/"),
        ("filtered calendar", "/veranstaltungen/?format=online"),
        ("month", month),
        ("filtered month", f"{month}?format=online"),
        *([("event page", event)] if event else []),
        ("news", "/aktuelles/"),
        *([("news item", news)] if news else []),
    ]
    return pages + [(f"{name} (en)", "/en" + path) for name, path in pages]


# Runs inside Django with the bench database: the CPU time per request through the whole
# middleware (test client, no network), for the trivial view and each page. CPU time, not wall
# time: on a shared machine it hardly moves with the other processes' load.
CPU_PER_REQUEST = r"""
import json, sys, time
import django
django.setup()
from django.test import Client

paths, repeat = json.loads(sys.argv[1]), int(sys.argv[2])
client = Client(HTTP_ACCEPT_ENCODING="gzip, deflate, br")

def cpu_us(path):
    for _ in range(3):
        assert client.get(path).status_code == 200, path
    started = time.process_time()
    for _ in range(repeat):
        client.get(path)
    return (time.process_time() - started) / repeat * 1e6

trivial = cpu_us("/bench/trivial")
print(json.dumps({"trivial": trivial, **{path: cpu_us(path) for path in paths}}))
"""


def cpu_per_request(env, paths: list[str], repeat: int = 300) -> dict[str, float]:
    out = subprocess.run(
        [PYTHON, "-c", CPU_PER_REQUEST, json.dumps(paths), str(repeat)],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return json.loads(out.strip().splitlines()[-1])


def served_ready(url: str) -> bool:
    """Whether the page comes from the ready bytes (mentoring/public_pages.py sets an ETag)."""
    with urllib.request.urlopen(url, timeout=60) as response:
        response.read()
        return response.headers.get("ETag") is not None


def main() -> int:
    ensure_database()
    env = server_env()
    prepare(env)
    # The same bytes the portal serves, as a static file next to the portal's own (whitenoise
    # reads STATIC_ROOT when the server starts, and serves the .gz to gzip clients).
    code = (
        "import django; django.setup();"
        "from django.http import QueryDict; from programs import geojson;"
        "p = geojson.payload(query=QueryDict(), language='de');"
        "import sys; sys.stdout.buffer.write(p.raw)"
    )
    raw = subprocess.run(
        [PYTHON, "-c", code], cwd=ROOT, env=env, capture_output=True, check=True
    ).stdout
    bench_dir = Path(env["STATIC_ROOT"]) / "bench"
    bench_dir.mkdir()
    (bench_dir / "programs.geojson").write_bytes(raw)
    gzipped = gzip.compress(raw, compresslevel=9, mtime=0)  # as programs/geojson.py
    (bench_dir / "programs.geojson.gz").write_bytes(gzipped)

    server, base = start_server(env)
    try:
        program_path = first_program_path(base)
        filtered_path = "/programme/?ort=Leipzig&umkreis=100&zielgruppe=kinder"
        started = time.perf_counter()
        urllib.request.urlopen(f"{base}{filtered_path}", timeout=60).read()
        cold_ms = (time.perf_counter() - started) * 1000
        pages = public_pages(base, program_path)
        # Warm every cache once, as after any data change (each worker builds its own copy
        # from the shared cache on its first request).
        urllib.request.urlopen(f"{base}/karte/programme.geojson", timeout=60).read()
        ready = {path: served_ready(f"{base}{path}") for _name, path in pages}

        # On a shared machine the load changes within a run: each figure is measured right
        # after its baseline, and its ratio is taken against that baseline. The GeoJSON runs
        # between two runs of the static file, in GEOJSON_ROUNDS rounds (static, geo, static,
        # geo, ..., static): consecutive 10 s runs of the same file differ by up to 15% on two
        # cores, so the median round is the figure.
        statics = [wrk(f"{base}/static/bench/programs.geojson", gzip=True)]
        rounds = []
        for _round in range(GEOJSON_ROUNDS):
            geo = wrk(f"{base}/karte/programme.geojson", gzip=True)
            statics.append(wrk(f"{base}/static/bench/programs.geojson", gzip=True))
            baseline = (statics[-2]["rate"] + statics[-1]["rate"]) / 2
            rounds.append((geo["rate"] / baseline, geo, baseline))
        geo_ratio, geo, static_rate = sorted(rounds, key=lambda found: found[0])[len(rounds) // 2]
        single = wrk(f"{base}/karte/programme.geojson", gzip=True, threads=1, connections=1)
        results = {}
        for name, path in [*pages, ("list without Accept-Encoding", "/programme/")]:
            trivial = wrk(f"{base}/bench/trivial")
            encoding = "" if "without" in name else BROWSER_ENCODING
            results[name] = (path, trivial, wrk(f"{base}{path}", encoding=encoding))
        drawn_ms = map_drawn_in_chromium(f"{base}/karte/")
        try:
            cpu = cpu_per_request(env, [path for _name, path in pages])
        except subprocess.CalledProcessError as error:
            print(error.stderr, file=sys.stderr)
            cpu = None
    finally:
        server.terminate()
        server.wait(timeout=30)

    setup = "gunicorn 2 sync workers; wrk -t2 -c32"
    load = os.getloadavg()
    print(f"data: {PROGRAMS} published programs on PostgreSQL; {setup} -d{DURATION}; "
          f"load average at the end {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")  # fmt: skip
    size, raw_size = len(gzipped) / 1024, len(raw) / 1024
    print(f"geojson gzip size: {size:.0f} KB (raw {raw_size:.0f} KB); bar <= 250 KB")
    every_round = ", ".join(f"{ratio:.0%}" for ratio, _geo, _static in rounds)
    print(
        f"geojson vs static same bytes: {geo_ratio:.0%} "
        f"({geo['rate']:.0f} vs {static_rate:.0f} req/s; p99 {geo['p99']:.1f} ms; "
        f"errors {sum(found['errors'] for _ratio, found, _static in rounds)}; "
        f"the median of rounds {every_round}); bar >= 95%"
    )
    print(f"geojson one client p50: {single['p50']:.2f} ms; bar <= 3 ms")
    trivial_rates = [trivial["rate"] for _path, trivial, _result in results.values()]
    print(
        f"trivial view /bench/trivial: {min(trivial_rates):.0f}-{max(trivial_rates):.0f} req/s "
        "over the run (measured before each page)"
    )
    for name, (path, trivial, result) in results.items():
        ready_bytes = "ready bytes" if ready.get(path, True) else "FULL STACK"
        print(
            f"{name} {path} vs trivial view: {result['rate'] / trivial['rate']:.0%} "
            f"({result['rate']:.0f} vs {trivial['rate']:.0f} req/s; p99 {result['p99']:.1f} ms; "
            f"errors {result['errors']}, socket errors {result['socket_errors']}; "
            f"{ready_bytes}); bar >= 100%, p99 < 50 ms"
        )
    if cpu is None:
        print("CPU per request in-process: failed (see above)")
    else:
        print(f"CPU per request in-process (test client, whole middleware): trivial view "
              f"{cpu['trivial']:.0f} us")  # fmt: skip
    for name, path in pages if cpu else ():
        print(
            f"CPU per request {name} {path}: {cpu[path]:.0f} us, "
            f"{cpu['trivial'] / cpu[path]:.0%} of the trivial view's rate"
        )
    print(f"filtered list page, first uncached request: {cold_ms:.0f} ms")
    if drawn_ms is not None:
        print(f"map in Chromium, {PROGRAMS} programs: clusters and list after {drawn_ms:.0f} ms "
              "(median of 3); bar <= 1000 ms")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Lighthouse on the public pages with 10,000 programs (docs/quality.md, issue [2.6]).

Installs a pinned npm `lighthouse` into var/bench-node/ (outside git; `npm install --prefix`,
once), creates the scale data set on PostgreSQL as bench/programs.py does (`load_demo --programs
10000 --events 5000`, idempotent), starts gunicorn (2 sync workers, production settings, plain
HTTP on 127.0.0.1) and runs Lighthouse with Debian's Chromium (CHROME_PATH=/usr/bin/chromium,
headless, offline: every request goes to 127.0.0.1) on `/`, `/karte/`, `/programme/` and
`/veranstaltungen/`: Lighthouse's default mobile form factor with simulated throttling (a
mid-range phone on slow 4G, the CPU slowed down 4 times), the categories performance and
accessibility.

Each page is measured BENCH_LIGHTHOUSE_RUNS times (default 3) and the run with the median
performance score is printed (Lighthouse's own advice against its variance), with its
accessibility score, First/Largest Contentful Paint, Total Blocking Time and Cumulative Layout
Shift, and the audits that cost points. The JSON reports stay in var/lighthouse/.
Bars: performance >= 95, accessibility 100.

The signed-in screens (the dashboards, the mentor's area, the style page of the components) are
checked for accessibility (bar 100) as the demo's coordinator, mentor and network staff: each
with a session made for them in the database, sent as a cookie (`--extra-headers`).
Run: `make bench` (or `.venv/bin/python bench/lighthouse.py`). Needs node/npm, Chromium,
PostgreSQL and Redis (BENCH_DATABASE_URL, REDIS_URL; defaults on 127.0.0.1).
"""

import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import urllib.request
from pathlib import Path

# The shared set-up of bench/programs.py (bench/ is a folder of scripts, not a package).
_spec = importlib.util.spec_from_file_location(
    "bench_programs", Path(__file__).with_name("programs.py")
)
common = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(common)

LIGHTHOUSE_VERSION = "12.8.2"  # the last line that runs on Debian's Node 20 (13.x needs 22)
NODE_DIR = common.ROOT / "var" / "bench-node"
REPORT_DIR = common.ROOT / "var" / "lighthouse"
CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
EVENTS = int(os.environ.get("BENCH_EVENTS", "5000"))
RUNS = int(os.environ.get("BENCH_LIGHTHOUSE_RUNS", "3"))
PAGES = ["/", "/karte/", "/programme/", "/veranstaltungen/"]
BARS = {"performance": 95, "accessibility": 100}
# Signed-in screens: accessibility only (their speed is the server time of bench/tandems.py).
SIGNED_IN = [
    ("koordination@example.org", "/koordination/"),
    ("koordination@example.org", "/en/koordination/"),
    ("mentorin@example.org", "/mein-bereich/"),
    ("netzwerk@example.org", "/netzwerk/"),
    ("netzwerk@example.org", "/netzwerk/stil/"),
    ("netzwerk@example.org", "/en/netzwerk/stil/"),
]

SESSION_CODE = """
import django; django.setup()
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from accounts.models import User
user = User.objects.get(email=EMAIL)
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(f"{settings.SESSION_COOKIE_NAME}={session.session_key}")
"""


def lighthouse_binary() -> Path:
    """The pinned lighthouse, installed once into var/bench-node/ (never into the repository)."""
    binary = NODE_DIR / "node_modules" / ".bin" / "lighthouse"
    package = NODE_DIR / "node_modules" / "lighthouse" / "package.json"
    installed = package.exists() and json.loads(package.read_text())["version"]
    if installed != LIGHTHOUSE_VERSION:
        NODE_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--prefix", str(NODE_DIR), "--no-audit", "--no-fund",
             "--no-save", "--loglevel=error", f"lighthouse@{LIGHTHOUSE_VERSION}"],
            check=True,
        )  # fmt: skip
    return binary


def session_cookie(env: dict, email: str) -> str:
    """A signed-in session of the demo user `email`, as the Cookie header's value."""
    code = f"EMAIL = {email!r}\n{SESSION_CODE}"
    done = subprocess.run(
        [common.PYTHON, "-c", code], cwd=common.ROOT, env=env, capture_output=True, check=True
    )
    return done.stdout.decode().strip().splitlines()[-1]


def run_lighthouse(
    binary: Path,
    url: str,
    output: Path,
    attempts: int = 3,
    categories: str = "performance,accessibility",
    cookie: str | None = None,
) -> dict:
    """One Lighthouse run (mobile, simulated throttling) of `url`; its JSON report. A run that
    fails to record its trace (NO_NAVSTART and the like, on a busy machine) is repeated."""
    headers = [f"--extra-headers={json.dumps({'Cookie': cookie})}"] if cookie else []
    for attempt in range(1, attempts + 1):
        done = subprocess.run(
            [str(binary), url, "--output=json", f"--output-path={output}", "--quiet",
             f"--only-categories={categories}", *headers,
             "--chrome-flags=--headless=new --no-sandbox --disable-gpu --no-first-run "
             "--disable-background-networking --disable-component-update --disable-sync"],
            env={**os.environ, "CHROME_PATH": CHROMIUM},
            check=attempt == attempts,
        )  # fmt: skip
        if done.returncode == 0:
            break
    return json.loads(output.read_text())


def score(report: dict, category: str) -> int:
    value = report["categories"][category]["score"]
    return round(value * 100) if value is not None else 0


def summary(report: dict) -> str:
    audits = report["audits"]

    def ms(name: str) -> str:
        return f"{audits[name]['numericValue']:.0f} ms"

    cls = audits["cumulative-layout-shift"]["numericValue"]
    text = (
        f"FCP {ms('first-contentful-paint')}, LCP {ms('largest-contentful-paint')}, "
        f"TBT {ms('total-blocking-time')}, CLS {cls:.3f}"
    )
    # What costs points: performance audits scored below 0.9 that count towards the score, and
    # every failed accessibility audit.
    weighted = {
        ref["id"] for ref in report["categories"]["performance"]["auditRefs"] if ref.get("weight")
    }
    costly = [
        name
        for name in sorted(weighted)
        if audits[name]["score"] is not None and audits[name]["score"] < 0.9
    ]
    failed = [
        ref["id"]
        for ref in report["categories"]["accessibility"]["auditRefs"]
        if ref.get("weight") and audits[ref["id"]]["score"] == 0
    ]
    if costly:
        text += "; below 0.9: " + ", ".join(costly)
    if failed:
        text += "; accessibility failed: " + ", ".join(failed)
    return text


def main() -> int:
    if not Path(CHROMIUM).exists() or not shutil.which("npm"):
        print(f"lighthouse: skipped, needs npm and Chromium at {CHROMIUM}")
        return 0
    binary = lighthouse_binary()
    common.ensure_database()
    env = common.server_env()
    common.prepare(env, "--events", str(EVENTS))
    REPORT_DIR.mkdir(parents=True, exist_ok=True)
    server, base = common.start_server(env)
    results = {}
    try:
        for path in PAGES:  # Warm every cache once, as after any data change.
            urllib.request.urlopen(f"{base}{path}", timeout=60).read()
        urllib.request.urlopen(f"{base}/karte/programme.geojson", timeout=60).read()
        for path in PAGES:
            name = path.strip("/").replace("/", "-") or "home"
            reports = [
                run_lighthouse(binary, f"{base}{path}", REPORT_DIR / f"{name}-{run}.json")
                for run in range(RUNS)
            ]
            reports.sort(key=lambda report: score(report, "performance"))
            results[path] = (reports[len(reports) // 2], reports)
        cookies = {email: session_cookie(env, email) for email, _path in SIGNED_IN}
        signed_in = {}
        for email, path in SIGNED_IN:
            name = "signed-in-" + (path.strip("/").replace("/", "-"))
            output = REPORT_DIR / f"{name}.json"
            report = run_lighthouse(
                binary, f"{base}{path}", output, categories="accessibility", cookie=cookies[email]
            )
            # A redirect to the login page would be measured instead: never take it for the page.
            assert report["finalDisplayedUrl"].endswith(path), report["finalDisplayedUrl"]
            signed_in[(email, path)] = report
    finally:
        server.terminate()
        server.wait(timeout=30)

    version = results[PAGES[0]][0]["lighthouseVersion"]
    print(
        f"data: {common.PROGRAMS} programs, {EVENTS} events on PostgreSQL; gunicorn 2 sync "
        f"workers; Lighthouse {version}, mobile, simulated throttling, Chromium headless; "
        f"median of {RUNS} runs"
    )
    for path, (report, reports) in results.items():
        scores = [score(r, "performance") for r in reports]
        print(
            f"lighthouse {path}: performance {score(report, 'performance')} "
            f"(runs {', '.join(map(str, scores))}; median {statistics.median(scores):.0f}), "
            f"accessibility {score(report, 'accessibility')}; {summary(report)}; "
            f"bar performance >= {BARS['performance']}, accessibility {BARS['accessibility']}"
        )
    for (email, path), report in signed_in.items():
        failed = [
            ref["id"]
            for ref in report["categories"]["accessibility"]["auditRefs"]
            if ref.get("weight") and report["audits"][ref["id"]]["score"] == 0
        ]
        print(
            f"lighthouse {path} as {email}: accessibility {score(report, 'accessibility')}"
            + (f"; failed: {', '.join(failed)}" if failed else "")
            + f"; bar {BARS['accessibility']}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""A gallery of the key screens from a fresh demo database: `make screenshots` writes docs/screens/.

Each screen of SCREENS at 1280 and at 375 px width as docs/screens/<name>-1280.png and
<name>-375.png, and docs/screens/README.md listing them all. A temporary SQLite database with
`load_demo`, `runserver` on a free port, Debian's Chromium through Playwright (`apt-get install
chromium`), then PNGs reduced to 256 colours. Nothing of the quickstart's database or uploads is
touched.

The same pictures on every run, as far as a browser allows: the demo data comes from a fixed
seed, every Python process starts its clock at the same instant (FAKE_NOW, default CLOCK; the
test suite's tests/support/fake_clock), animations and the caret are off, a full page is cut at
a fixed height. So a diff of docs/screens/ shows what a change did to the UI. A screen that does
not answer 200 (or is redirected) stops the run with its address.
"""

import hmac
import io
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from base64 import b32decode
from dataclasses import dataclass
from datetime import datetime
from hashlib import sha1
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
SCREENS_DIR = ROOT / "docs" / "screens"
FAKE_CLOCK = ROOT / "tests" / "support" / "fake_clock"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PASSWORD = "mentoring-demo"
# The demo's published second factor (docs/contract.md, "Demo logins").
TOTP_SECRET = "MENTORINGDEMO234"
# A Wednesday morning in Berlin: every process of a run starts its clock here.
CLOCK = "2026-09-16T10:00:00+02:00"
# Width and the viewport's height; a full page is cut at the last figure.
WIDTHS = {1280: (800, 1800), 375: (667, 2000)}

# Who is signed in for a screen: public, or one of the demo logins (docs/contract.md).
MENTOR = "mentorin@example.org"
APPLICANT = "bewerber@example.org"
COORDINATOR = "koordination@example.org"
STAFF = "netzwerk@example.org"


@dataclass(frozen=True)
class Screen:
    name: str
    path: str  # with {placeholders} of the demo's ids, see DISCOVER
    title: str
    login: str = ""
    wait_for: str = ""  # a CSS selector that must be visible before the picture


SCREENS = (
    Screen("home", "/", "Home page"),
    Screen(
        "map",
        "/karte/?ort=Leipzig&umkreis=200",
        "Mentoring Map: programs within 200 km of Leipzig",
        wait_for="#map .leaflet-marker-icon",
    ),
    Screen("list", "/programme/", "Program list with filters"),
    Screen("program", "/programme/{program}/", "A program's page"),
    Screen("calendar", "/veranstaltungen/", "Event calendar"),
    Screen("event", "/veranstaltungen/{event}/", "An event's page"),
    Screen("news", "/aktuelles/", "News"),
    Screen("news-item", "/aktuelles/{news}/", "A news item"),
    Screen("signup", "/konto/signup/", "Sign-up"),
    Screen("impact", "/mentoring-wirkt/", "“Mentoring wirkt!”: the network's figures"),
    Screen("apply", "/programme/{apply_program}/bewerben/", "Applying to a program", APPLICANT),
    Screen("my-area", "/mein-bereich/", "A mentor's “Mein Bereich”", MENTOR),
    Screen("mentor-tandem", "/mein-bereich/tandems/{tandem}/", "The mentor's tandem page", MENTOR),
    Screen(
        "meeting-log",
        "/mein-bereich/tandems/{tandem}/treffen/eintragen/",
        "Logging a meeting",
        MENTOR,
    ),
    Screen("dashboard", "/koordination/", "The coordinator's dashboard", COORDINATOR),
    Screen(
        "applications",
        "/koordination/programme/{program}/bewerbungen/",
        "A program's applications",
        COORDINATOR,
    ),
    Screen(
        "tandems",
        "/koordination/programme/{program}/tandems/",
        "A program's tandems",
        COORDINATOR,
    ),
    Screen("tandem", "/koordination/tandems/{tandem}/", "A tandem (coordinator)", COORDINATOR),
    Screen("mentee", "/koordination/mentees/{mentee}/", "A waiting mentee", COORDINATOR),
    Screen(
        "report",
        "/koordination/programme/{program}/bericht/",
        "A program's report for funders",
        COORDINATOR,
    ),
    Screen("network", "/netzwerk/", "The network staff's area", STAFF),
    Screen("review", "/netzwerk/pruefung/", "Review queue of the network", STAFF),
    Screen("network-report", "/koordination/netzwerk/bericht/", "The network's report", STAFF),
)

# The ids in the screens' paths, read from the demo database (printed as "key=value" lines).
DISCOVER = """
from accounts.models import User
from django.utils import timezone
from events.models import Event
from news.models import NewsItem
from programs.models import Program
from tandems.models import Mentee, Tandem

mentor = User.objects.get(email="mentorin@example.org")
tandem = Tandem.objects.filter(mentor=mentor).order_by("pk").first()
upcoming = Event.objects.published().single().filter(
    status=Event.Status.PUBLISHED, starts_at__gte=timezone.now()
)
event = upcoming.order_by("starts_at", "pk").first()
waiting = Mentee.objects.filter(program=tandem.program, status=Mentee.Status.WAITING)
found = {
    "program": tandem.program.slug,
    "tandem": tandem.pk,
    "mentee": waiting.order_by("pk").first().pk,
    "event": event.slug,
    "news": NewsItem.objects.published().order_by("-published_on", "pk").first().slug,
    "apply_program": Program.objects.get(name="Balu und Du Dresden").slug,
}
for key, value in found.items():
    print(f"{key}={value}")
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def clock() -> str:
    return os.environ.get("FAKE_NOW", "").strip() or CLOCK


def environment(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    paths = [str(FAKE_CLOCK), *[p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]]
    env.update(
        DEBUG="true",
        DATABASE_URL=f"sqlite:///{tmp / 'screenshots.sqlite3'}",
        MEDIA_ROOT=str(tmp / "media"),
        # The quickstart's address, not the free port's: it shows in some pages (feed addresses).
        SITE_URL="http://127.0.0.1:8000",
        EMAIL_URL="consolemail://",
        MAP_TILE_URL="",
        # tests/support/fake_clock/sitecustomize.py: the clock of FAKE_NOW in every process.
        PYTHONPATH=os.pathsep.join(paths),
        FAKE_NOW=clock(),
    )
    return env


def started_now(env: dict[str, str]) -> dict[str, str]:
    """Each process's clock starts at CLOCK when it starts (FAKE_NOW_STARTED): the demo's
    records carry the same minutes on every run however long the steps before took."""
    return {**env, "FAKE_NOW_STARTED": repr(time.time())}


def fake_time(started: float) -> float:
    """The server's clock now: CLOCK plus the real time since the server started."""
    return datetime.fromisoformat(clock()).timestamp() + (time.time() - started)


def totp(at: float) -> str:
    """The demo authenticator's code at an instant (RFC 6238: SHA-1, 30 s, 6 digits)."""
    counter = int(at // 30).to_bytes(8, "big")
    digest = hmac.new(b32decode(TOTP_SECRET), counter, sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{int.from_bytes(digest[offset : offset + 4], 'big') & 0x7FFFFFFF:0>10}"[-6:]


def manage(env, *args, capture: bool = False) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=started_now(env),
        check=True,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
        text=True,
    )
    return result.stdout or ""


def discover(env) -> dict[str, str]:
    output = manage(env, "shell", "--no-imports", "--command", DISCOVER, capture=True)
    return dict(line.split("=", 1) for line in output.splitlines() if "=" in line)


def serve(env, port: int) -> tuple[subprocess.Popen, float]:
    env = started_now(env)
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)  # noqa: S310  # nosec B310: a fixed http URL on localhost
            return server, float(env["FAKE_NOW_STARTED"])
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("runserver did not answer within 60 s")


def save(png: bytes, name: str) -> int:
    """A small PNG: the pages are flat colours and text, 256 colours lose nothing visible."""
    from PIL import Image

    image = Image.open(io.BytesIO(png))
    small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    path = SCREENS_DIR / name
    small.save(path, optimize=True)
    size = path.stat().st_size
    print(f"{path.relative_to(ROOT)}: {image.width}×{image.height}, {size:,} bytes")
    return size


def sign_in(page, base: str, email: str, started: float) -> None:
    page.goto(f"{base}/konto/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form:has(input[name=password]) button[type=submit]").click()
    page.wait_for_load_state()
    if "/2fa/authenticate/" in page.url:
        # A code is valid in its 30 s only: not one that runs out on the way to the server.
        while fake_time(started) % 30 > 27:
            time.sleep(0.5)
        page.fill("input[name=code]", totp(fake_time(started)))
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
    if "/konto/" in urlsplit(page.url).path:
        raise SystemExit(f"Signing in as {email} failed: still at {page.url}")


def picture(page, screen: Screen, url: str, width: int) -> bytes:
    height, longest = WIDTHS[width]
    page.set_viewport_size({"width": width, "height": height})
    response = page.goto(url, wait_until="networkidle")
    status = response.status if response else None
    if status != 200:
        raise SystemExit(f"{screen.name}: {url} answered {status}, not 200")
    expected, arrived = urlsplit(url), urlsplit(page.url)
    if (arrived.path, arrived.query) != (expected.path, expected.query):
        raise SystemExit(f"{screen.name}: {url} ended at {page.url}")
    if screen.wait_for:
        try:
            # The map loads when it comes into view (below the filters on a phone).
            page.locator(screen.wait_for.split()[0]).first.scroll_into_view_if_needed()
            page.wait_for_selector(screen.wait_for, state="visible", timeout=15_000)
            page.evaluate("window.scrollTo(0, 0)")
        except Exception as error:  # noqa: BLE001  # Playwright's TimeoutError: say which screen
            raise SystemExit(f"{screen.name}: {screen.wait_for} not shown at {url}") from error
    page.evaluate("document.fonts.ready")
    full = page.evaluate("document.documentElement.scrollHeight")
    return page.screenshot(
        full_page=True,
        clip={"x": 0, "y": 0, "width": width, "height": min(full, longest)},
        animations="disabled",
        caret="hide",
    )


def shoot(base: str, ids: dict[str, str], started: float) -> list[tuple[Screen, int]]:
    from playwright.sync_api import sync_playwright

    shot = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--hide-scrollbars"]
        )
        for login in dict.fromkeys(screen.login for screen in SCREENS):
            # One browser per login: a TOTP code is accepted once, so both widths share it.
            context = browser.new_context(
                locale="de-DE", timezone_id="Europe/Berlin", reduced_motion="reduce"
            )
            page = context.new_page()
            if login:
                sign_in(page, base, login, started)
            for screen in SCREENS:
                if screen.login != login:
                    continue
                url = base + screen.path.format(**ids)
                size = sum(
                    save(picture(page, screen, url, width), f"{screen.name}-{width}.png")
                    for width in WIDTHS
                )
                shot.append((screen, size))
            context.close()
        browser.close()
    return sorted(shot, key=lambda item: SCREENS.index(item[0]))


def gallery(shot: list[tuple[Screen, int]]) -> None:
    """docs/screens/README.md: every screen with its address and who sees it."""
    lines = [
        "# The key screens",
        "",
        "Written by `make screenshots` (bin/screenshots.py) from the demo data on a fixed clock: "
        "each screen at 1280 and at 375 px width, a long page cut off. Run it after a change of "
        "the UI and review the pictures in the diff. Demo logins: docs/contract.md.",
    ]
    for screen, _size in shot:
        who = f"signed in as `{screen.login}`" if screen.login else "public"
        lines += [
            "",
            f"## {screen.title}",
            "",
            f"`{screen.path}`, {who} · [{screen.name}-1280.png]({screen.name}-1280.png) · "
            f"[{screen.name}-375.png]({screen.name}-375.png)",
            "",
            f'<img src="{screen.name}-1280.png" width="560" alt="{screen.title}, 1280 px wide"> '
            f'<img src="{screen.name}-375.png" width="164" alt="{screen.title}, 375 px wide">',
        ]
    (SCREENS_DIR / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"Chromium is missing at {CHROMIUM}: apt-get install chromium")
    SCREENS_DIR.mkdir(parents=True, exist_ok=True)
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="mentoring-screenshots-") as tmp:
        env = environment(Path(tmp))
        manage(env, "migrate", "--noinput", "--verbosity", "0")
        manage(env, "load_demo")
        ids = discover(env)
        server, started = serve(env, port)
        try:
            shot = shoot(f"http://127.0.0.1:{port}", ids, started)
        finally:
            server.terminate()
            server.wait(timeout=30)
    # Pictures of screens no longer in the list go; after a failed run the old ones stay.
    written = {f"{screen.name}-{width}.png" for screen, _size in shot for width in WIDTHS}
    for old in SCREENS_DIR.glob("*.png"):
        if old.name not in written:
            old.unlink()
    gallery(shot)
    total = sum(size for _screen, size in shot)
    print(f"{len(shot)} screens, {2 * len(shot)} pictures, {total / 1e6:.1f} MB in docs/screens/")


if __name__ == "__main__":
    main()

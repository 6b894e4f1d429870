"""The README's pictures from a fresh demo database: `make screenshots` writes docs/screenshot*.png.

A temporary SQLite database with `load_demo`, `runserver` on a free port, Debian's Chromium through
Playwright (`apt-get install chromium`), then PNGs reduced to 256 colours. Nothing of the
quickstart's database or uploads is touched.
"""

import io
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PASSWORD = "mentoring-demo"
DESKTOP = {"width": 1200, "height": 800}
PHONE = {"width": 375, "height": 812}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(tmp: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        DEBUG="true",
        DATABASE_URL=f"sqlite:///{tmp / 'screenshots.sqlite3'}",
        MEDIA_ROOT=str(tmp / "media"),
        SITE_URL=f"http://127.0.0.1:{port}",
        EMAIL_URL="consolemail://",
        MAP_TILE_URL="",
    )
    return env


def manage(env, *args) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def serve(env, port: int) -> subprocess.Popen:
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
            return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("runserver did not answer within 60 s")


def save(png: bytes | Image.Image, name: str) -> None:
    """A small PNG: the pages are flat colours and text, 256 colours lose nothing visible."""
    image = png if isinstance(png, Image.Image) else Image.open(io.BytesIO(png))
    small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    path = DOCS / name
    small.save(path, optimize=True)
    print(f"{path.relative_to(ROOT)}: {image.width}×{image.height}, {path.stat().st_size:,} bytes")


def side_by_side(left: bytes, right: bytes, gap: int = 20) -> Image.Image:
    a, b = Image.open(io.BytesIO(left)), Image.open(io.BytesIO(right))
    both = Image.new("RGB", (a.width + gap + b.width, max(a.height, b.height)), "white")
    both.paste(a, (0, 0))
    both.paste(b, (a.width + gap, 0))
    return both


def shoot(base: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        desktop = browser.new_page(viewport=DESKTOP, locale="de-DE")
        desktop.goto(f"{base}/")
        save(desktop.screenshot(), "screenshot.png")

        desktop.goto(f"{base}/karte/?ort=Leipzig&umkreis=200")
        desktop.wait_for_selector("#map .leaflet-marker-icon")
        desktop.wait_for_selector("#map-results > li")
        save(desktop.screenshot(), "screenshot-map.png")

        phone = browser.new_page(viewport=PHONE, is_mobile=True, locale="de-DE")
        phone.goto(f"{base}/konto/login/")
        phone.fill("input[name=login]", "mentorin@example.org")
        phone.fill("input[name=password]", PASSWORD)
        phone.locator("form:has(input[name=password]) button[type=submit]").click()
        phone.wait_for_url(f"{base}/mein-bereich/")
        phone.goto(f"{base}/mein-bereich/")  # without the "signed in" message
        area = phone.screenshot()
        phone.get_by_role("link", name="Treffen eintragen").first.click()
        phone.wait_for_selector("form input[name=day]")
        save(side_by_side(area, phone.screenshot()), "screenshot-mentor.png")
        browser.close()


def main() -> None:
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"Chromium is missing at {CHROMIUM}: apt-get install chromium")
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="mentoring-screenshots-") as tmp:
        env = environment(Path(tmp), port)
        manage(env, "migrate", "--noinput", "--verbosity", "0")
        manage(env, "load_demo")
        server = serve(env, port)
        try:
            shoot(f"http://127.0.0.1:{port}")
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()

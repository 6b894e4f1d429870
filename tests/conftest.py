import os
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings

from tests.factories import ProgramCoordinatorFactory, ProgramFactory, UserFactory
from tests.support import fake_clock
from tests.support.fake_clock import sitecustomize as fake_clock_start

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE_JS = Path(__file__).parent / "browser" / "vendor" / "axe-core" / "axe.min.js"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}


def require_service(available: bool, reason: str) -> None:
    """Skip a test whose service is missing; under REQUIRE_SERVICES (CI) fail it instead."""
    if available:
        return
    if django_settings.REQUIRE_SERVICES:
        pytest.fail(f"required service missing: {reason}")
    pytest.skip(reason)


def require_redis(what: str) -> None:
    """Tests with a Redis, even a private redis-server of their own, run only when REDIS_URL says
    that Redis belongs to the run: without it no test starts or touches one."""
    require_service(bool(os.environ.get("REDIS_URL", "").strip()), f"needs REDIS_URL: {what}")


def require_postgres(what: str) -> None:
    from django.db import connection

    require_service(connection.vendor == "postgresql", f"needs PostgreSQL (DATABASE_URL): {what}")


def pytest_configure(config):
    """FAKE_NOW: the whole run, and every process it starts, at that instant (see
    tests/support/fake_clock/sitecustomize.py)."""
    if not os.environ.get("FAKE_NOW", "").strip():
        return
    # Set before xdist starts its workers: they and their children share this start.
    os.environ.setdefault("FAKE_NOW_STARTED", repr(time.time()))
    fake_clock_start.start()


def pytest_report_header(config):
    value = os.environ.get("FAKE_NOW", "").strip()
    if not value:
        return None
    moment = fake_clock_start.fake_now(value).astimezone(fake_clock_start.ZONE)
    return f"FAKE_NOW={value}: the clock starts at {moment:%A %Y-%m-%d %H:%M:%S %Z} (Europe/Berlin)"


def pytest_sessionfinish(session, exitstatus):
    # In CI nothing may be skipped: a skip there means a service or tool was not installed.
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if os.environ.get("REQUIRE_SERVICES") and reporter and reporter.stats.get("skipped"):
        reporter.write_line("REQUIRE_SERVICES is set and tests were skipped: failing the run.")
        session.exitstatus = 1


@pytest.fixture(autouse=True, scope="session")
def _fake_clock_in_started_processes():
    """Under FAKE_NOW every Python process a test starts (Celery, gunicorn, manage.py) loads
    tests/support/fake_clock/sitecustomize.py first and shares the run's clock. Set here, in the
    process that runs the tests, not before xdist starts its workers: pytest itself must not
    import time-machine (one of its plugins) before it starts."""
    if not os.environ.get("FAKE_NOW", "").strip():
        return
    folder = str(Path(fake_clock.__file__).parent)
    paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    if folder not in paths:
        os.environ["PYTHONPATH"] = os.pathsep.join([folder, *paths])


@pytest.fixture(autouse=True)
def _isolated_cache(settings):
    """Each test gets its own empty cache, so rate limits and cached pages never leak between tests
    (or between xdist workers sharing one Redis)."""
    from core.page_cache import forget_local_state

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": uuid.uuid4().hex,
        }
    }
    forget_local_state()


@pytest.fixture(autouse=True)
def _vocabularies_after_a_flush(request):
    """Transactional tests (browser, concurrency) empty the database after each test. Their
    serialized_rollback should restore the migrations' rows, yet event types were seen missing
    in a browser test after another one had run (likely a connection opened in Playwright's
    event loop, which lacks the saved contents). So the vocabularies the migrations create are
    put back here, whatever ran before."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("_django_db_helper")
    # The same flush empties the content types without clearing this process's cache of them
    # (post_migrate, which would, is inhibited after a serialized_rollback test): a stale id
    # then breaks the first row that refers to a content type.
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    from events.vocabularies import ensure_vocabularies as ensure_event_vocabularies
    from news.vocabularies import ensure_vocabularies as ensure_news_vocabularies
    from programs.vocabularies import ensure_vocabularies as ensure_program_vocabularies

    ensure_program_vocabularies()
    ensure_event_vocabularies()
    ensure_news_vocabularies()


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Documents on records land in the test's own folder, never in var/private/."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests create many accounts; PBKDF2 (about 0.25 s each) would take most of the run. The
    production hashers are what the settings keep; only the test run swaps them."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in German: the test client's requests leave their language active."""
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _eager_tasks():
    """Tasks run in the test's process; tests of a real worker start one in a subprocess."""
    from mentoring.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.fixture
def redis_url():
    """The Redis of REDIS_URL, with the database number it names. Without REDIS_URL the test
    skips: whatever answers on 127.0.0.1:6379 may be someone else's and stays untouched."""
    import redis

    require_redis("the Redis of REDIS_URL, e.g. redis://127.0.0.1:6379/0")
    url = os.environ["REDIS_URL"].strip()
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
        available = True
    except redis.RedisError:
        available = False
    require_service(available, f"Redis does not answer at {url}")
    return url


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def staff_user(db):
    return UserFactory(is_staff=True)


@pytest.fixture
def program(db):
    return ProgramFactory()


@pytest.fixture
def coordinator(db, program):
    return ProgramCoordinatorFactory(program=program).user


# --- Browser ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def _browser():
    require_service(Path(CHROMIUM).exists(), f"Chromium is not installed at {CHROMIUM}")
    require_service(AXE_JS.exists(), f"axe-core is missing at {AXE_JS}")
    from playwright.sync_api import sync_playwright

    # Playwright runs an event loop in this thread; Django's ORM calls of the live server and of
    # the test itself are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


class RecordedPage:
    """A Playwright page that remembers every URL it requested."""

    def __init__(self, page):
        self.page = page
        self.requests: list[str] = []
        self.console_errors: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on(
            "console",
            lambda message: message.type == "error" and self.console_errors.append(message.text),
        )

    def __getattr__(self, name):
        return getattr(self.page, name)

    def outside_requests(self) -> list[str]:
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme in ("http", "https", "ws", "wss")
            and urlsplit(url).hostname not in LOCAL_HOSTS
        ]

    def login(self, base_url: str, user) -> None:
        """Sign the browser in as `user` without going through the login form."""
        from django.conf import settings
        from django.test import Client

        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        self.page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": base_url}]
        )

    def csp_violations(self) -> list[str]:
        return [text for text in self.console_errors if "Content Security Policy" in text]

    def axe_violations(self) -> list[dict]:
        """Run axe-core on the current page: WCAG 2.0/2.1 A and AA rules."""
        # Evaluated through the DevTools protocol: the page's CSP (rightly) forbids injected tags.
        self.page.evaluate(AXE_JS.read_text(encoding="utf-8"))
        result = self.page.evaluate(
            """async () => await axe.run(document, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}
            })"""
        )
        return [
            {
                "id": v["id"],
                "help": v["help"],
                "targets": [node["target"] for node in v["nodes"]],
            }
            for v in result["violations"]
        ]


@pytest.fixture
def page(_browser, live_server, settings):
    # The live server speaks plain HTTP; cookies must not require HTTPS there.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    context = _browser.new_context(base_url=live_server.url, locale="de-DE")
    recorded = RecordedPage(context.new_page())
    yield recorded
    context.close()


@pytest.fixture
def english():
    """The English source texts, whatever the German catalogue holds: for tests that assert
    messages and labels (`pytestmark = pytest.mark.usefixtures("english")`)."""
    from django.utils import translation

    with translation.override("en"):
        yield

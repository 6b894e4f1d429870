"""The anonymous public pages from ready bytes (mentoring/public_pages.py): the same headers as the
full stack, nothing of a session in the bytes, every write shown at once, bounded memory."""

import gzip
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import brotli
import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.page_cache import forget_local_state
from events.models import Event
from mentoring import public_pages
from news import services as news_services
from news.models import NewsItem, NewsTag
from programs.models import Organization, TargetGroup
from tests.factories import EventFactory, ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db

MIDDLEWARE = "mentoring.public_pages.PublicPageMiddleware"


@pytest.fixture
def data():
    program = ProgramFactory(name="Lesepaten Leipzig", target_groups=["kinder"])
    event = EventFactory(title="Netzwerktreffen Sachsen", program=program)
    item = news_services.news_item_save(
        item=NewsItem(title="Neues aus Leipzig", teaser="Kurz", body="Text.", status="published"),
        tags=[NewsTag.objects.first()],
    )
    return program, event, item


def public_paths(program, event, item) -> list[str]:
    today = timezone.localdate()
    tag = NewsTag.objects.first().slug
    paths = [
        "/",
        "/programme/",
        "/programme/?zielgruppe=kinder",
        "/karte/",
        program.get_absolute_url(),
        "/veranstaltungen/",
        "/veranstaltungen/?typ=netzwerktreffen",
        f"/veranstaltungen/{today.year}/{today.month}/",
        f"/veranstaltungen/{event.slug}/",
        "/aktuelles/",
        f"/aktuelles/?thema={tag}",
        item.get_absolute_url(),
    ]
    return paths + ["/en" + path for path in paths]


def served_ready(response) -> bool:
    return response.has_header("ETag")


def vary(response) -> set[str]:
    return {part.strip().lower() for part in response.get("Vary", "").split(",") if part.strip()}


def test_every_public_page_served_ready_with_the_full_stacks_headers(client, data, settings):
    with_it = list(settings.MIDDLEWARE)
    full_stack = [name for name in with_it if name != MIDDLEWARE]
    for path in public_paths(*data):
        first = client.get(path)
        with CaptureQueriesContext(connection) as queries:
            ready = client.get(path)
        assert first.status_code == ready.status_code == 200, path
        assert served_ready(ready), path
        assert len(queries) == 0, path
        assert ready.content == first.content
        assert ready["Content-Language"] == ("en" if path.startswith("/en/") else "de")

        settings.MIDDLEWARE = full_stack
        # The full render (the views' own caches emptied); a new client loads the middleware.
        cache.clear()
        forget_local_state()
        plain = type(client)().get(path)
        settings.MIDDLEWARE = with_it
        assert not served_ready(plain)
        assert plain.content == ready.content, path
        expected = {k.lower(): v for k, v in plain.headers.items() if k.lower() != "vary"}
        got = {k.lower(): v for k, v in ready.headers.items() if k.lower() not in ("vary", "etag")}
        assert got == expected, path
        for header in (
            "content-security-policy",
            "x-frame-options",
            "referrer-policy",
            "permissions-policy",
            "content-language",
        ):
            assert header in got, (path, header)
        assert vary(ready) == vary(plain) | {"accept-encoding"}, path


def test_no_csrf_token_or_session_bits_in_the_ready_bytes(client, data):
    for path in public_paths(*data):
        client.get(path)
        ready = client.get(path)
        assert served_ready(ready)
        assert b"csrfmiddlewaretoken" not in ready.content, path
        assert not ready.cookies, path
    # The language switch links the page's own address in the other language.
    response = client.get("/programme/?zielgruppe=kinder")
    assert b'href="/en/programme/?zielgruppe=kinder"' in response.content


def test_brotli_gzip_identity_and_not_modified(client, data):
    identity = client.get("/programme/").content
    for accept, coding, decode in (
        ("gzip, deflate, br", "br", brotli.decompress),
        ("gzip", "gzip", gzip.decompress),
        ("br;q=0, gzip;q=1", "gzip", gzip.decompress),
    ):
        response = client.get("/programme/", headers={"accept-encoding": accept})
        assert response["Content-Encoding"] == coding
        assert decode(response.content) == identity
        assert int(response["Content-Length"]) == len(response.content)
        again = client.get(
            "/programme/",
            headers={"accept-encoding": accept, "if-none-match": response["ETag"]},
        )
        assert again.status_code == 304
    plain = client.get("/programme/", headers={"accept-encoding": "identity"})
    assert not plain.has_header("Content-Encoding")
    assert plain.content == identity
    head = client.head("/programme/")
    assert head.status_code == 200
    assert head["Content-Length"] == str(len(identity))


def test_a_session_messages_post_or_form_page_gets_the_full_stack(client, data):
    client.get("/programme/")
    assert served_ready(client.get("/programme/"))

    other = type(client)()
    other.cookies["messages"] = "something"
    assert not served_ready(other.get("/programme/"))

    user = UserFactory()
    signed_in = type(client)()
    signed_in.force_login(user)
    response = signed_in.get("/programme/")
    assert not served_ready(response)
    assert b"csrfmiddlewaretoken" in response.content  # the sign-out form

    assert not served_ready(client.post("/programme/"))
    for path in ("/konto/login/", "/kontakt/", "/en/konto/login/", "/impressum/"):
        assert not served_ready(client.get(path)), path
        assert not served_ready(client.get(path)), path


def _shows(client, path: str, text: str) -> bool:
    return text.encode() in client.get(path).content


def test_every_write_shows_at_once(client, data, django_capture_on_commit_callbacks):
    program, event, item = data
    pages = public_paths(program, event, item)
    for path in pages:
        client.get(path)

    def change(fn):
        with django_capture_on_commit_callbacks(execute=True):
            fn()

    program.name = "Lesepaten Halle"
    change(program.save)
    assert _shows(client, "/programme/", "Lesepaten Halle")
    assert _shows(client, program.get_absolute_url(), "Lesepaten Halle")

    organization = Organization.objects.get(pk=program.organization_id)
    organization.name = "Bürgerstiftung Halle"
    change(organization.save)
    assert _shows(client, program.get_absolute_url(), "Bürgerstiftung Halle")

    term = TargetGroup.objects.get(slug="kinder")
    term.name_de = "Kinder und Jugendliche (neu)"
    change(term.save)
    assert _shows(client, "/programme/", "Kinder und Jugendliche (neu)")

    event.title = "Netzwerktreffen Thüringen"
    change(event.save)
    assert _shows(client, "/veranstaltungen/", "Netzwerktreffen Thüringen")
    assert _shows(client, f"/veranstaltungen/{event.slug}/", "Netzwerktreffen Thüringen")

    item.title = "Neues aus Halle"
    change(item.save)
    assert _shows(client, "/aktuelles/", "Neues aus Halle")
    assert _shows(client, item.get_absolute_url(), "Neues aus Halle")
    assert _shows(client, "/", "Neues aus Halle")

    tag = NewsTag.objects.first()
    tag.name_de = "Ganz neues Thema"
    change(tag.save)
    assert _shows(client, "/aktuelles/", "Ganz neues Thema")

    change(lambda: Event.objects.get(pk=event.pk).delete())
    assert client.get(f"/veranstaltungen/{event.slug}/").status_code == 404


def test_odd_queries_are_not_kept(client, data):
    forget_local_state()
    for path in (
        "/programme/?q=" + "x" * 2000,
        "/programme/?zielgruppe=gibt-es-nicht",
        "/programme/?unbekannt=1",
        "/programme/?page=abc",
        "/veranstaltungen/?typ=%27;DROP",
        "/aktuelles/?thema=gibt-es-nicht",
        "/aktuelles/?page=1&page=2",
        "/karte/?zielgruppe=kinder&zielgruppe=kinder",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert not served_ready(response), path
    assert len(public_pages._local) == 0


def test_the_store_is_bounded(client, data, monkeypatch):
    monkeypatch.setattr(public_pages, "LOCAL_ENTRIES", 3)
    for number in range(1, 8):
        assert served_ready(client.get(f"/programme/?page={number}"))
    assert len(public_pages._local) == 3
    monkeypatch.setattr(public_pages, "LOCAL_BYTES", 1)
    client.get("/karte/")
    assert len(public_pages._local) <= 1


def test_language_from_the_prefix(client, data):
    german = client.get("/programme/")
    english = client.get("/en/programme/")
    assert german["Content-Language"] == "de"
    assert english["Content-Language"] == "en"
    assert served_ready(client.get("/en/programme/"))
    assert client.get("/en/programme/").content == english.content != german.content
    assert settings.LANGUAGE_CODE == "de"


def test_pages_kept_by_a_previous_release_are_not_served_after_a_deploy(client, monkeypatch):
    """A deploy changes the static files' hashed names or the templates: pages kept in Redis by
    the release before would point at files that are gone, so the release is part of the key."""
    from core import page_cache

    program = ProgramFactory(name="Lesepaten Leipzig")
    monkeypatch.setattr(page_cache, "release", lambda: "release-1")
    assert "Lesepaten Leipzig" in client.get("/programme/").content.decode()
    # A change that bumps no generation (no signal): only the release can make it appear.
    Program = type(program)
    Program.objects.filter(pk=program.pk).update(name="Lesepaten Halle")
    forget_local_state()
    assert "Lesepaten Leipzig" in client.get("/programme/").content.decode()

    monkeypatch.setattr(page_cache, "release", lambda: "release-2")
    forget_local_state()
    page = client.get("/programme/").content.decode()
    assert "Lesepaten Halle" in page and "Lesepaten Leipzig" not in page


def test_the_release_follows_the_static_manifest(monkeypatch):
    from types import SimpleNamespace

    from django.contrib.staticfiles import storage

    from core import page_cache

    releases = []
    for manifest_hash in ("abc", "def"):
        monkeypatch.setattr(
            storage, "staticfiles_storage", SimpleNamespace(manifest_hash=manifest_hash)
        )
        page_cache.release.cache_clear()
        releases.append(page_cache.release())
    page_cache.release.cache_clear()
    assert releases[0] != releases[1]


@pytest.fixture
def ending_event():
    """09:00 in Berlin on a fixed day; an event that ends 5 s later leaves the calendar then."""
    now = datetime(2027, 3, 10, 9, tzinfo=ZoneInfo("Europe/Berlin"))
    with time_machine.travel(now, tick=False) as traveller:
        EventFactory(
            title="Erzählcafé am Morgen",
            starts_at=now - timedelta(hours=1),
            ends_at=now + timedelta(seconds=5),
        )
        forget_local_state()
        yield traveller, now


def listed(client) -> bool:
    """In the list of upcoming events (the month above it shows all of today's)."""
    page = client.get("/veranstaltungen/").content.decode()
    return "Erzählcafé am Morgen" in page.split('id="liste"')[1]


def test_a_page_past_its_time_is_served_once_more_and_rendered_anew_after_that(
    client, ending_event
):
    """The calendar moves on with the clock: after its minute, the next visitor gets the bytes
    at once and the page is rendered anew after they were sent (here, where the test client
    closes the response); the visitor after that sees the new page."""
    traveller, now = ending_event
    assert listed(client)
    traveller.move_to(now + timedelta(seconds=public_pages.PAGES["events:calendar"].timeout + 5))
    with CaptureQueriesContext(connection) as rendered:
        assert listed(client)  # the old bytes, then the render
    assert len(rendered) > 0
    local_key = ("de", "/veranstaltungen/", "", "2027-03-10")
    key = public_pages._shared_key(public_pages.generation(), local_key)
    assert cache.get(f"{key}:renewing") is None  # the render's lock given back
    with CaptureQueriesContext(connection) as served:
        assert not listed(client)
    assert len(served) == 0


def test_while_another_worker_renders_the_page_the_old_bytes_are_served(client, ending_event):
    traveller, now = ending_event
    assert listed(client)
    traveller.move_to(now + timedelta(seconds=public_pages.PAGES["events:calendar"].timeout + 5))
    local_key = ("de", "/veranstaltungen/", "", "2027-03-10")
    key = public_pages._shared_key(public_pages.generation(), local_key)
    assert cache.add(f"{key}:renewing", True, public_pages.RENEW_LOCK_SECONDS)  # the other's
    with CaptureQueriesContext(connection) as served:
        assert listed(client)
        assert listed(client)
    assert len(served) == 0, [q["sql"] for q in served.captured_queries]


def test_old_bytes_are_never_served_long_after_their_time_nor_after_a_change(
    client, ending_event, django_capture_on_commit_callbacks
):
    traveller, now = ending_event
    timeout = public_pages.PAGES["events:calendar"].timeout
    event = EventFactory(title="Lesefest", starts_at=now + timedelta(days=2))
    assert listed(client)
    traveller.move_to(now + timedelta(seconds=timeout + public_pages.STALE_SECONDS + 1))
    assert not listed(client)  # rendered for this visitor: too old to be given out again

    # Past the new page's time, within the time it may be given out again: a change shows.
    traveller.move_to(now + timedelta(seconds=2 * timeout + public_pages.STALE_SECONDS + 5))
    with django_capture_on_commit_callbacks(execute=True):
        event.title = "Lesefest im Park"
        event.save()
    assert "Lesefest im Park" in client.get("/veranstaltungen/").content.decode()


def test_a_failed_render_after_the_response_keeps_the_old_bytes(client, ending_event, caplog):
    traveller, now = ending_event
    assert listed(client)
    traveller.move_to(now + timedelta(seconds=public_pages.PAGES["events:calendar"].timeout + 5))
    middleware = public_pages.PublicPageMiddleware(lambda request: 1 / 0)
    request = RequestFactory().get("/veranstaltungen/")
    response = middleware(request)
    assert "Erzählcafé am Morgen" in response.content.decode()
    response.close()
    assert "could not be rendered anew" in caplog.text

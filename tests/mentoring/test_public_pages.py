"""The anonymous public pages from ready bytes (mentoring/public_pages.py): the same headers as the
full stack, nothing of a session in the bytes, every write shown at once, bounded memory."""

import gzip

import brotli
import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
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

"""core.cache.ResilientRedisCache: a Redis that does not answer is a cache miss, not an
error (tests/ops/test_faults.py shows the same through gunicorn with a restarted Redis)."""

import logging
import uuid

import pytest
import redis

from core import cache as cache_module
from core.cache import ResilientRedisCache
from tests.support.processes import free_port

OPTIONS = {"OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2}}


@pytest.fixture
def dead_cache(monkeypatch):
    # Long enough that the calls of this test all fall into one pause, however slow the machine.
    monkeypatch.setattr(cache_module, "PAUSE_SECONDS", 600)
    return ResilientRedisCache(f"redis://127.0.0.1:{free_port()}/0", OPTIONS)


def test_cache_without_redis_answers_as_a_miss(dead_cache, caplog):
    caplog.set_level(logging.WARNING, logger="core.cache")

    answers = [
        dead_cache.get("page", "rebuild"),
        dead_cache.get_many(["a", "b"]),
        dead_cache.has_key("page"),
        dead_cache.add("page", b"<html>"),
        dead_cache.set("page", b"<html>", timeout=None),
        dead_cache.set_many({"a": 1, "b": 2}),
        dead_cache.touch("page"),
        dead_cache.delete("page"),
        dead_cache.delete_many(["a"]),
        dead_cache.clear(),
    ]

    assert answers == ["rebuild", {}, False, True, None, ["a", "b"], False, False, None, None]
    warnings = [record.getMessage() for record in caplog.records]
    assert len(warnings) == 1
    assert warnings[0].startswith("cache unavailable, serving without it: Error 111 connecting")


def test_cache_without_redis_still_raises_on_incr(dead_cache):
    # A counter has no honest answer without Redis; nothing in the portal increments.
    dead_cache._paused_until = 0.0

    with pytest.raises(redis.ConnectionError):
        dead_cache.incr("counter")


@pytest.mark.redis
def test_cache_with_redis_keeps_djangos_timeouts(redis_url):
    cache = ResilientRedisCache(redis_url, {**OPTIONS, "KEY_PREFIX": uuid.uuid4().hex})
    client = redis.Redis.from_url(redis_url)
    try:
        cache.set("forever", "a", timeout=None)
        cache.set("default", "b")
        cache.add("short", "c", timeout=30)

        assert cache.get_many(["forever", "default", "short"]) == {
            "forever": "a",
            "default": "b",
            "short": "c",
        }
        assert client.ttl(cache.make_key("forever")) == -1
        assert 290 <= client.ttl(cache.make_key("default")) <= 300  # Django's default 300 s
        assert 20 <= client.ttl(cache.make_key("short")) <= 30
    finally:
        cache.delete_many(["forever", "default", "short"])


@pytest.fixture
def site_without_redis(settings, monkeypatch):
    """The portal's cache pointed at a port where no Redis answers."""
    monkeypatch.setattr(cache_module, "PAUSE_SECONDS", 600)
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            **OPTIONS,
        }
    }


@pytest.mark.django_db
def test_login_sign_up_and_reset_work_while_redis_is_down(client, site_without_redis):
    """allauth's rate limits lock their counters in the cache: without Redis they count nothing,
    and refuse nothing."""
    from tests.factories import PASSWORD, UserFactory

    user = UserFactory(email="koordination@example.org")

    wrong = client.post("/konto/login/", {"login": user.email, "password": "falsch-falsch"})
    login = client.post("/konto/login/", {"login": user.email, "password": PASSWORD})
    client.logout()
    reset = client.post("/konto/password/reset/", {"email": user.email})
    sign_up = client.post(
        "/konto/signup/",
        {"email": "neu@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert wrong.status_code == 200
    assert login.status_code == 302
    assert reset.status_code == 302
    assert sign_up.status_code == 302


@pytest.mark.django_db
def test_public_pages_answer_while_redis_is_down(client, site_without_redis):
    """Without the data generations the ready pages (mentoring/public_pages.py) pass on to the
    whole stack: rendered each time, never a 500."""
    from tests.factories import EventFactory

    event = EventFactory()
    paths = ["/", "/programme/", "/karte/", event.program.get_absolute_url()]
    paths += ["/veranstaltungen/", f"/veranstaltungen/{event.slug}/", "/aktuelles/", "/en/"]
    for path in paths:
        for _ in range(2):
            response = client.get(path)
            assert response.status_code == 200, path
            assert not response.has_header("ETag"), path

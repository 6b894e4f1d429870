"""One generation number for everything the public directory shows.

Any change to a program, organisation or vocabulary bumps it (see signals.py); cached GeoJSON,
vocabulary choices and anonymous pages carry the generation in their keys, so they are rebuilt
on the next request after a change and old entries simply expire.
"""

import functools
import hashlib
import secrets
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

GENERATION_KEY = "programs:generation"
# With Redis every process learns of a change at once; with the quickstart's per-process memory
# cache it cannot, so entries there live only briefly.
PAGE_TIMEOUT = 60 * 60 if settings.REDIS_URL else 10


# Each process remembers a generation for a second: the map's GeoJSON is then served without
# any round trip to Redis, and other processes see a change at most a second late.
LOCAL_TTL_SECONDS = 1.0


class Generation:
    """A generation number kept under `key` in the shared cache: a random token, not a
    counter, so that after a cache flush or restart it cannot come back to an old value that a
    worker still holds payloads for."""

    def __init__(self, key: str):
        self.key = key
        self.forget()

    def forget(self) -> None:
        self._value, self._until = None, 0.0

    def current(self) -> str:
        now = time.monotonic()
        if self._value is not None and now < self._until:
            return self._value
        value = cache.get(self.key)
        if value is None:
            # add() so that concurrent first requests agree on one value.
            cache.add(self.key, secrets.token_hex(8), timeout=None)
            value = cache.get(self.key)
        self._value, self._until = value, now + LOCAL_TTL_SECONDS
        return value

    def bump(self) -> None:
        value = secrets.token_hex(8)
        cache.set(self.key, value, timeout=None)
        self._value, self._until = value, time.monotonic() + LOCAL_TTL_SECONDS


_generation = Generation(GENERATION_KEY)


def generation() -> str:
    return _generation.current()


def bump_generation() -> None:
    _generation.bump()


# What else a process keeps between requests (GeoJSON payloads, canonical queries): each module
# registers how to forget it.
_local_stores: list = []


def register_local_store(forget):
    _local_stores.append(forget)
    return forget


def forget_local_state() -> None:
    """Drop everything this process remembers, as when the shared cache was replaced (tests)."""
    _generation.forget()
    for forget in _local_stores:
        forget()


def key(prefix: str, *parts: str) -> str:
    digest = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=12).hexdigest()
    return f"programs:{prefix}:{generation()}:{digest}"


def _is_plain_anonymous(request) -> bool:
    """No session, no flash messages: the page is the same for every such visitor."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def _plain_query(request) -> bool:
    return not request.GET


def cache_public_page(view=None, *, query_is_canonical=_plain_query, version=None):
    """Cache the rendered page for visitors without a session, per URL and data generation.

    Only URLs whose query is canonical are cached (by default: no query at all), so made-up
    parameters cannot fill the cache. `version`, a function without arguments, names what
    else the page shows (another app's data): a new value is a new page.
    """
    if view is None:
        return functools.partial(
            cache_public_page, query_is_canonical=query_is_canonical, version=version
        )

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not _is_plain_anonymous(request) or not query_is_canonical(request):
            return view(request, *args, **kwargs)
        parts = [request.get_full_path()] + ([version()] if version is not None else [])
        page_key = key("page", *parts)
        cached = cache.get(page_key)
        if cached is not None:
            status, content_type, content = cached
            return HttpResponse(content, status=status, content_type=content_type)
        response = view(request, *args, **kwargs)
        if hasattr(response, "render"):
            response.render()
        uses_csrf = request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        if response.status_code in (200, 404) and not response.cookies and not uses_csrf:
            cache.set(
                page_key,
                (response.status_code, response["Content-Type"], response.content),
                PAGE_TIMEOUT,
            )
        return response

    return wrapped

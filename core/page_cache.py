"""Generations and the anonymous-page cache: what the directory and the calendar cache, and how.

A generation is a token in the shared cache that every cached entry of an area carries in its
key; a change bumps it, so the next request rebuilds and old entries expire. A page is cached for
visitors without a session, per URL, only where the query is canonical (made-up parameters cannot
fill the cache).
"""

import functools
import hashlib
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

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
        register_local_store(self.forget)

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


# What else a process keeps between requests (generations, GeoJSON payloads, canonical queries):
# each module registers how to forget it.
_local_stores: list = []


def register_local_store(forget):
    _local_stores.append(forget)
    return forget


def forget_local_state() -> None:
    """Drop everything this process remembers, as when the shared cache was replaced (tests)."""
    for forget in _local_stores:
        forget()


@functools.cache
def release() -> str:
    """What this deployment serves: the hashes of its static files and its templates. Part of every
    cached page's key, so pages kept in Redis by the previous release (pointing at static files
    under old hashed names, or rendered by old templates) are not served after a deploy."""
    from django.contrib.staticfiles.storage import staticfiles_storage

    parts = [getattr(staticfiles_storage, "manifest_hash", "") or ""]
    for directory in settings.TEMPLATES[0]["DIRS"]:
        for path in sorted(Path(directory).rglob("*.html")):
            parts.append(hashlib.blake2b(path.read_bytes(), digest_size=8).hexdigest())
    return hashlib.blake2b("".join(parts).encode(), digest_size=8).hexdigest()


def digest(parts) -> str:
    return hashlib.blake2b("\x1f".join((release(), *parts)).encode(), digest_size=12).hexdigest()


def is_plain_anonymous(request) -> bool:
    """No session, no flash messages: the page is the same for every such visitor."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def cache_anonymous_page(view, *, page_key, query_is_canonical, timeout: int):
    """Wrap `view` so that a plain anonymous request with a canonical query is answered from the
    cache under `page_key(request)`. Only 200 and 404 without cookies or a CSRF token are kept."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_plain_anonymous(request) or not query_is_canonical(request):
            return view(request, *args, **kwargs)
        key = page_key(request)
        cached = cache.get(key)
        if cached is not None:
            status, content_type, content = cached
            return HttpResponse(content, status=status, content_type=content_type)
        response = view(request, *args, **kwargs)
        if hasattr(response, "render"):
            response.render()
        uses_csrf = request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        if response.status_code in (200, 404) and not response.cookies and not uses_csrf:
            cache.set(
                key, (response.status_code, response["Content-Type"], response.content), timeout
            )
        return response

    return wrapped

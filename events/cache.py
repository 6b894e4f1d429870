"""One generation number for everything the public calendar shows.

Any change to an event, a registration or the event vocabularies bumps it (see signals.py);
cached filter choices and anonymous calendar pages carry it in their keys, together with the
directory's generation (organisers' names come from programs and organisations), so they are
rebuilt on the next request after a change.
"""

import functools
import hashlib
import secrets
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone

from programs import cache as programs_cache

GENERATION_KEY = "events:generation"
# The upcoming list moves on with the clock: pages live a minute at most even without a change.
PAGE_TIMEOUT = 60 if settings.REDIS_URL else 10
LOCAL_TTL_SECONDS = 1.0
_local = {"value": None, "until": 0.0}


@programs_cache.register_local_store
def _forget():
    _local.update(value=None, until=0.0)


def generation() -> str:
    now = time.monotonic()
    if _local["value"] is not None and now < _local["until"]:
        return _local["value"]
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, secrets.token_hex(8), timeout=None)
        value = cache.get(GENERATION_KEY)
    _local.update(value=value, until=now + LOCAL_TTL_SECONDS)
    return value


def bump_generation() -> None:
    value = secrets.token_hex(8)
    cache.set(GENERATION_KEY, value, timeout=None)
    _local.update(value=value, until=time.monotonic() + LOCAL_TTL_SECONDS)


def key(prefix: str, *parts: str) -> str:
    digest = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=12).hexdigest()
    return f"events:{prefix}:{generation()}:{programs_cache.generation()}:{digest}"


def _is_plain_anonymous(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def cache_calendar_page(*, query_is_canonical):
    """Cache a rendered calendar page for visitors without a session, per URL, data generation
    and local day (the grid marks today). Only canonical queries are cached, so made-up
    parameters cannot fill the cache."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if not _is_plain_anonymous(request) or not query_is_canonical(request):
                return view(request, *args, **kwargs)
            page_key = key("page", request.get_full_path(), timezone.localdate().isoformat())
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

    return decorator

"""Generation numbers for everything the public calendar shows.

Any change to an event, a registration or the event vocabularies bumps the events generation
(see signals.py); cached calendar pages and feeds carry it in their keys, together with the
directory's generation (organisers' names come from programs and organisations), so they are
rebuilt on the next request after a change. The filters' choices (vocabularies and the
organisers with public events) carry a generation of their own, bumped only by changes that can
alter them: a new or deleted event, a changed status or organiser, the vocabularies. A changed
time or title, or a registration, leaves them cached.
"""

import functools
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone

from programs import cache as programs_cache

GENERATION_KEY = "events:generation"
ORGANISERS_KEY = "events:organisers-generation"
# The upcoming list moves on with the clock: pages live a minute at most even without a change.
PAGE_TIMEOUT = 60 if settings.REDIS_URL else 10
_events = programs_cache.Generation(GENERATION_KEY)
_organisers = programs_cache.Generation(ORGANISERS_KEY)


@programs_cache.register_local_store
def _forget():
    _events.forget()
    _organisers.forget()


def generation() -> str:
    return _events.current()


def bump_generation(*, organisers: bool = True) -> None:
    """After a change of the calendar; `organisers=False` where the filters' choices stay."""
    _events.bump()
    if organisers:
        _organisers.bump()


def _digest(parts) -> str:
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=12).hexdigest()


def key(prefix: str, *parts: str) -> str:
    return f"events:{prefix}:{generation()}:{programs_cache.generation()}:{_digest(parts)}"


def choices_key(prefix: str, *parts: str) -> str:
    """A key for what derives from the filters' choices only (see the module's docstring)."""
    organisers = _organisers.current()
    return f"events:{prefix}:{organisers}:{programs_cache.generation()}:{_digest(parts)}"


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

"""Generation numbers for everything the public calendar shows.

Any change to an event, a registration or the event vocabularies bumps the events generation
(see signals.py); cached calendar pages and feeds carry it in their keys, together with the
directory's generation (organisers' names come from programs and organisations), so they are
rebuilt on the next request after a change. The filters' choices (vocabularies and the
organisers with public events) carry a generation of their own, bumped only by changes that can
alter them: a new or deleted event, a changed status or organiser, the vocabularies. A changed
time or title, or a registration, leaves them cached.
"""

from django.conf import settings
from django.utils import timezone

from core.page_cache import Generation, cache_anonymous_page, digest
from programs import cache as programs_cache

GENERATION_KEY = "events:generation"
ORGANISERS_KEY = "events:organisers-generation"
# The upcoming list moves on with the clock: pages live a minute at most even without a change.
PAGE_TIMEOUT = 60 if settings.REDIS_URL else 10
_events = Generation(GENERATION_KEY)
_organisers = Generation(ORGANISERS_KEY)


def generation() -> str:
    return _events.current()


def bump_generation(*, organisers: bool = True) -> None:
    """After a change of the calendar; `organisers=False` where the filters' choices stay."""
    _events.bump()
    if organisers:
        _organisers.bump()


def key(prefix: str, *parts: str) -> str:
    return f"events:{prefix}:{generation()}:{programs_cache.generation()}:{digest(parts)}"


def choices_key(prefix: str, *parts: str) -> str:
    """A key for what derives from the filters' choices only (see the module's docstring)."""
    organisers = _organisers.current()
    return f"events:{prefix}:{organisers}:{programs_cache.generation()}:{digest(parts)}"


def cache_calendar_page(*, query_is_canonical):
    """Cache a rendered calendar page for visitors without a session, per URL, data generation
    and local day (the grid marks today). Only canonical queries are cached, so made-up
    parameters cannot fill the cache."""

    def page_key(request):
        return key("page", request.get_full_path(), timezone.localdate().isoformat())

    def decorator(view):
        return cache_anonymous_page(
            view, page_key=page_key, query_is_canonical=query_is_canonical, timeout=PAGE_TIMEOUT
        )

    return decorator

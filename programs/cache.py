"""One generation number for everything the public directory shows.

Any change to a program, organisation or vocabulary bumps it (see signals.py); cached GeoJSON,
vocabulary choices and anonymous pages carry the generation in their keys, so they are rebuilt
on the next request after a change and old entries simply expire.
"""

import functools

from django.conf import settings

from core.page_cache import Generation, cache_anonymous_page, digest

GENERATION_KEY = "programs:generation"
# With Redis every process learns of a change at once; with the quickstart's per-process memory
# cache it cannot, so entries there live only briefly.
PAGE_TIMEOUT = 60 * 60 if settings.REDIS_URL else 10


_generation = Generation(GENERATION_KEY)


def generation() -> str:
    return _generation.current()


def bump_generation() -> None:
    _generation.bump()


def key(prefix: str, *parts: str) -> str:
    return f"programs:{prefix}:{generation()}:{digest(parts)}"


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

    def page_key(request):
        parts = [request.get_full_path()] + ([version()] if version is not None else [])
        return key("page", *parts)

    return cache_anonymous_page(
        view, page_key=page_key, query_is_canonical=query_is_canonical, timeout=PAGE_TIMEOUT
    )

"""The public pages for anonymous visitors, from ready bytes ahead of the middleware.

Like the map's GeoJSON (programs/middleware.py): a GET or HEAD without a session or messages
cookie for one of the public pages below is answered from bytes kept in the worker (identity,
gzip and, where installed, brotli), before sessions, CSRF, locale and authentication. The first
such request for a URL goes through the whole stack; its response is kept when it is the same
for every anonymous visitor (200, no cookie set, no CSRF token used). Keyed by language, path,
query, local day and the data generations of everything these pages show (programs and their
vocabularies and organisations, events, news); each generation is checked in Redis at most
once a second per worker, so a change shows at once. Only queries the portal's own links and
forms produce are kept (the views' canonical checks), and the store is bounded per worker.

Pages that move on with the clock (the calendar) are renewed while their old bytes are still
served: after its time an entry is given out once more and the page is rendered anew after that
response has been sent (`response.close()`, which the WSGI server calls), by one worker at a time.
No visitor waits for the render, and two workers never render the same page at once. A change of
the data is never served stale: the generation is part of the key.
"""

import gzip
import hashlib
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache as django_cache
from django.http import HttpResponse, HttpResponseNotModified
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers

from core.http import accepts_coding, etag_matches
from core.page_cache import digest, is_plain_anonymous, register_local_store
from events import cache as events_cache
from news import cache as news_cache
from programs import cache as programs_cache

try:  # whitenoise[brotli] installs it; without it, gzip and identity only.
    import brotli
except ImportError:  # pragma: no cover
    brotli = None

# Per worker, in bytes (all encodings of an entry together), and in entries.
LOCAL_BYTES = 24 * 1024 * 1024
LOCAL_ENTRIES = 2000
# Longer paths or queries than a link of the portal produces are never kept.
MAX_URL = 1000
# Compressed once per page and data generation: good ratios at a few milliseconds.
GZIP_LEVEL = 6
BROTLI_QUALITY = 5
# After its time an entry is served at most this much longer while it is rendered anew (a page
# seldom asked for is rendered for its visitor after that). Ten minutes of a calendar: an event
# that has just ended may be listed that much longer, never across a day or a change of the data.
STALE_SECONDS = 600
# One worker renders a page anew at a time; a render that failed is tried again after this.
RENEW_LOCK_SECONDS = 30


def _no_query(request) -> bool:
    return not request.GET


def _listing_query(request) -> bool:
    from programs.views import listing_query_is_canonical

    return listing_query_is_canonical(request)


def _calendar_query(request) -> bool:
    from events.views.calendar import calendar_query_is_canonical

    return calendar_query_is_canonical(request)


def _news_query(request) -> bool:
    from news.selectors import news_tags

    for name, values in request.GET.lists():
        if len(values) != 1:
            return False
        value = values[0]
        if name == "page":
            if not (value.isascii() and value.isdigit() and len(value) <= 4):
                return False
        elif name != "thema" or value not in {tag.slug for tag in news_tags()}:
            return False
    return True


@dataclass(frozen=True)
class Page:
    query_is_canonical: Callable
    # Seconds an entry lives without a change: the calendar moves on with the clock.
    timeout: int


def _pages() -> dict[str, Page]:
    listing = Page(_listing_query, programs_cache.PAGE_TIMEOUT)
    plain = Page(_no_query, programs_cache.PAGE_TIMEOUT)
    calendar = Page(_calendar_query, events_cache.PAGE_TIMEOUT)
    return {
        "home": plain,
        "programs:list": listing,
        "programs:map": listing,
        "programs:detail": plain,
        "events:calendar": calendar,
        "events:month": calendar,
        "events:archive": calendar,
        "events:detail": Page(_no_query, events_cache.PAGE_TIMEOUT),
        "news:list": Page(_news_query, programs_cache.PAGE_TIMEOUT),
        "news:detail": plain,
    }


@dataclass
class Entry:
    status: int
    headers: list[tuple[str, str]]
    # By content coding: "identity", "gzip", "br".
    bodies: dict[str, bytes]
    etag: str
    # Wall-clock time, the same in every worker that takes the entry from the shared cache.
    expires: float
    size: int = field(init=False)

    def __post_init__(self):
        self.size = sum(len(body) for body in self.bodies.values())


_local: OrderedDict[tuple, tuple[str, Entry]] = OrderedDict()
_local_size = [0]


@register_local_store
def _forget() -> None:
    _local.clear()
    _local_size[0] = 0


def generation() -> str | None:
    """Everything the pages show: each part is checked at most once a second per worker."""
    # None where Redis does not answer (a cache miss; core/cache.py): the pages then pass on.
    parts = (programs_cache.generation(), events_cache.generation(), news_cache.generation())
    if None in parts:
        return None
    # The pages show the data licence (a setting).
    return "|".join((*parts, settings.DATA_LICENSE, settings.DATA_ATTRIBUTION))


def _remember(local_key: tuple, version: str, entry: Entry) -> None:
    old = _local.pop(local_key, None)
    if old is not None:
        _local_size[0] -= old[1].size
    _local[local_key] = (version, entry)
    _local_size[0] += entry.size
    while _local and (_local_size[0] > LOCAL_BYTES or len(_local) > LOCAL_ENTRIES):
        _key, (_version, dropped) = _local.popitem(last=False)
        _local_size[0] -= dropped.size


def _language(path: str) -> str:
    return translation.get_language_from_path(path) or settings.LANGUAGE_CODE


def _page_of(path: str, language: str) -> Page | None:
    with translation.override(language):
        try:
            match = resolve(path)
        except Resolver404:
            return None
    return PAGES.get(match.view_name)


def _cacheable(request, response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not response.has_header("Content-Encoding")
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not request.META.get("CSRF_COOKIE_USED")
    )


def _entry(response, timeout: int) -> Entry:
    identity = response.content
    bodies = {"identity": identity, "gzip": gzip.compress(identity, GZIP_LEVEL, mtime=0)}
    if brotli is not None:
        bodies["br"] = brotli.compress(identity, quality=BROTLI_QUALITY)
    headers = [
        (name, value)
        for name, value in response.items()
        if name.lower() not in ("content-length", "etag")
    ]
    return Entry(
        status=response.status_code,
        headers=headers,
        bodies=bodies,
        etag=hashlib.blake2b(identity, digest_size=16).hexdigest(),
        expires=time.time() + timeout,
    )


def _coding(request, entry: Entry) -> str:
    accepted = request.META.get("HTTP_ACCEPT_ENCODING", "")
    if not accepted:
        return "identity"
    if "br" in entry.bodies and accepts_coding(accepted, "br"):
        return "br"
    if accepts_coding(accepted, "gzip"):
        return "gzip"
    return "identity"


def _respond(request, entry: Entry) -> HttpResponse:
    coding = _coding(request, entry)
    # Each representation has its own validator.
    etag = f'"{entry.etag}"' if coding == "identity" else f'"{entry.etag}-{coding}"'
    if etag_matches(request.META.get("HTTP_IF_NONE_MATCH", ""), etag):
        response = HttpResponseNotModified()
        for name, value in entry.headers:
            if name.lower() != "content-type":
                response[name] = value
    else:
        body = entry.bodies[coding]
        response = HttpResponse(b"" if request.method == "HEAD" else body, status=entry.status)
        for name, value in entry.headers:
            response[name] = value
        response["Content-Length"] = str(len(body))
        if coding != "identity":
            response["Content-Encoding"] = coding
    # Cookie as the full render gives it (a signed-in visitor sees another page), even where the
    # views' own cache answered the first request without touching the session.
    patch_vary_headers(response, ("Cookie", "Accept-Encoding"))
    response["ETag"] = etag
    return response


PAGES = _pages()
logger = logging.getLogger(__name__)


class PublicPageMiddleware:
    """Serves the anonymous public pages from ready bytes; everything else passes on.

    Placed right after GeoJSONMiddleware: SecurityMiddleware's and the Permissions-Policy
    headers still apply; those of the middleware behind this one (CSP, X-Frame-Options,
    Content-Language, Vary, Cache-Control) are kept with the bytes, as the full stack gave them.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_plain_anonymous(request):
            return self.get_response(request)
        path = request.path_info
        query = request.META.get("QUERY_STRING", "")
        if len(path) + len(query) > MAX_URL:
            return self.get_response(request)
        # As CommonMiddleware would check: only the portal's own host names.
        request.get_host()
        # The language from the URL's prefix (/en/), as i18n_patterns take it.
        language = _language(path)
        day = timezone.localdate().isoformat()
        local_key = (language, path, query, day)
        version = generation()
        if version is None:
            return self.get_response(request)
        found = _local.get(local_key)
        stale = None
        if found is not None and found[0] == version:
            if time.time() < found[1].expires:
                _local.move_to_end(local_key)
                return _respond(request, found[1])
            stale = found[1]

        page = _page_of(path, language)
        if page is None:
            return self.get_response(request)
        if stale is None:  # (an entry kept here was checked when it was made)
            with translation.override(language):
                canonical = page.query_is_canonical(request)
            if not canonical:
                return self.get_response(request)
        shared_key = _shared_key(version, local_key)
        entry = django_cache.get(shared_key)
        if entry is not None and time.time() >= entry.expires:
            stale, entry = _later(stale, entry), None
        if stale is not None and time.time() >= stale.expires + STALE_SECONDS:
            stale = None
        if entry is None and stale is not None:
            # Another worker renders it, or this one does once these bytes are sent.
            response = _respond(request, stale)
            lock = f"{shared_key}:renewing"
            if django_cache.add(lock, True, RENEW_LOCK_SECONDS):

                def renew():
                    self._render(request, page, shared_key, local_key, version)
                    django_cache.delete(lock)

                _renew_after(response, renew)
            return response
        if entry is None:
            response, entry = self._render(request, page, shared_key, local_key, version)
            if entry is None:
                return response
        else:
            _remember(local_key, version, entry)
        return _respond(request, entry)

    def _render(self, request, page: Page, shared_key: str, local_key: tuple, version: str):
        """The page through the whole stack; kept (here and for the other workers) when it is
        the same for every anonymous visitor."""
        response = self.get_response(request)
        if not _cacheable(request, response):
            return response, None
        entry = _entry(response, page.timeout)
        # Kept beyond its time for as long as it may be served while it is rendered anew.
        django_cache.set(shared_key, entry, page.timeout + STALE_SECONDS)
        _remember(local_key, version, entry)
        return response, entry


def _shared_key(version: str, local_key: tuple) -> str:
    return f"public-page:{digest([version, *local_key])}"


def _later(first: Entry | None, second: Entry) -> Entry:
    return second if first is None or second.expires > first.expires else first


def _renew_after(response: HttpResponse, render: Callable) -> None:
    """Render the page anew when the WSGI server closes `response`, after its bytes are sent."""
    close = response.close

    def close_then_render():
        try:
            render()
        except Exception:
            # The old bytes were served; a request after the lock's time tries again.
            logger.exception("A public page could not be rendered anew")
        finally:
            close()

    response.close = close_then_render

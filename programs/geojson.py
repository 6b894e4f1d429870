"""The published programs as an RFC 7946 FeatureCollection, built once per filter and data
generation and served as ready gzip bytes with an ETag."""

import gzip
import hashlib
import time
from collections import OrderedDict
from dataclasses import dataclass, field

import orjson
from django.conf import settings
from django.core.cache import cache as django_cache
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import override

from core.page_cache import register_local_store

from . import cache
from .exports import data_license
from .models import Program
from .selectors import (
    canonical_query,
    facet_counts,
    program_facets,
    program_filterset,
    program_list,
)

# Per-process copies of recent payloads, bounded in bytes: a hit costs no round trip and no
# copying of the bytes out of Redis.
LOCAL_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class Payload:
    etag: str
    gzipped: bytes
    created: float = field(default_factory=time.monotonic)

    @property
    def raw(self) -> bytes:
        # Nearly every client takes gzip; the rare one that does not gets it decompressed.
        return gzip.decompress(self.gzipped)


_local: OrderedDict[str, Payload] = OrderedDict()
_local_size = [0]


@register_local_store
def _forget() -> None:
    _local.clear()
    _local_size[0] = 0


def build(*, query, language: str) -> bytes:
    filterset = program_filterset(data=query, language=language)
    rows = program_list(filterset=filterset).values_list(
        "slug",
        "name",
        "organization__name",
        "city",
        "availability",
        "reach",
        "latitude",
        "longitude",
        "distance",
    )
    with override(language):
        program_url = reverse("programs:detail", kwargs={"slug": "x"})[:-2] + "{id}/"
    # Near a place, an online or nationwide program is not a local marker: without a point the
    # map neither places it at its seat nor zooms out to it, and lists it without a distance.
    near_place = filterset.place is not None
    features = []
    for slug, name, organization, city, availability, reach, lat, lon, distance in rows:
        if near_place and reach == Program.Reach.NATIONAL:
            lat = lon = None
        properties = {
            "name": name,
            "organization": organization,
            "place": city,
            "availability": availability,
        }
        # Left out when they say nothing, to keep 10,000 programs under 250 KB gzipped.
        if reach != Program.Reach.LOCAL:
            properties["reach"] = reach
        if distance is not None:
            properties["distance"] = round(distance, 1)
        features.append(
            {
                "type": "Feature",
                "id": slug,
                "geometry": (
                    # 4 decimals are about 10 m: more than enough for a program's office.
                    {"type": "Point", "coordinates": [round(lon, 4), round(lat, 4)]}
                    if lat is not None
                    else None
                ),
                "properties": properties,
            }
        )
    # "facets" is a foreign member too: each facet's terms with how many results they would
    # give (as on the list), so that the map's counts follow its filters.
    counts = facet_counts(facets=program_facets(filterset=filterset))
    # "programUrl" is a foreign member (RFC 7946, 6.1): a program's page is the pattern with
    # the feature's id, so the link is not repeated in every feature. "license", "licenseUrl"
    # and "attribution" are foreign members too: the terms of reuse travel with the data.
    return orjson.dumps(
        {
            "type": "FeatureCollection",
            **data_license(),
            "programUrl": program_url,
            "facets": counts,
            "features": features,
        }
    )


def _remember(key: str, payload: Payload) -> None:
    if key in _local:
        return
    _local[key] = payload
    _local_size[0] += len(payload.gzipped)
    while _local_size[0] > LOCAL_BYTES and len(_local) > 1:
        _old_key, old = _local.popitem(last=False)
        _local_size[0] -= len(old.gzipped)


def _fresh(payload: Payload) -> bool:
    # Without a shared cache (quickstart) other processes cannot announce changes: keep local
    # copies briefly instead.
    return bool(settings.REDIS_URL) or time.monotonic() - payload.created < cache.PAGE_TIMEOUT


def payload(*, query, language: str) -> Payload:
    pairs = canonical_query(query=query, language=language)
    canonical = QueryDict(mutable=True)
    for name, values in pairs:
        canonical.setlist(name, list(values))
    # The licence is in the payload: a changed setting must not be served from old entries.
    terms = data_license()
    key = cache.key("geojson", language, canonical.urlencode(), *terms.values())
    found = _local.get(key)
    if found is not None and _fresh(found):
        _local.move_to_end(key)
        return found
    found = django_cache.get(key)
    if found is None:
        raw = build(query=canonical, language=language)
        found = Payload(
            etag='"' + hashlib.blake2b(raw, digest_size=16).hexdigest() + '"',
            # Built once per data generation: the best compression is worth its time.
            gzipped=gzip.compress(raw, compresslevel=9, mtime=0),
        )
        django_cache.set(key, found, cache.PAGE_TIMEOUT)
    _remember(key, found)
    return found

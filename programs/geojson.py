"""The published programs as an RFC 7946 FeatureCollection, built once per filter and data
generation and served as ready bytes (plain and gzip) with an ETag."""

import gzip
import hashlib
from collections import OrderedDict
from dataclasses import dataclass

import orjson
from django.core.cache import cache as django_cache
from django.urls import reverse
from django.utils.translation import override

from . import cache
from .models import Program
from .selectors import program_filterset, program_list

MAX_PARAMETER_VALUES = 60
LOCAL_ENTRIES = 64


@dataclass(frozen=True)
class Payload:
    etag: str
    raw: bytes
    gzipped: bytes


# Per-process copies of recent payloads: a hit costs one cache round trip for the generation and
# no copying of the bytes out of Redis.
_local: OrderedDict[str, Payload] = OrderedDict()


def normalised_query(query) -> list[tuple[str, str]]:
    """The query as sorted (name, value) pairs, capped so a huge URL cannot blow up the key."""
    pairs = sorted((name, value) for name in query for value in query.getlist(name))
    return pairs[:MAX_PARAMETER_VALUES]


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
    features = []
    for slug, name, organization, city, availability, reach, lat, lon, distance in rows:
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
    # "programUrl" is a foreign member (RFC 7946, 6.1): a program's page is the pattern with
    # the feature's id, so the link is not repeated in every feature.
    return orjson.dumps(
        {"type": "FeatureCollection", "programUrl": program_url, "features": features}
    )


def payload(*, query, language: str) -> Payload:
    key = cache.key("geojson", language, repr(normalised_query(query)))
    found = _local.get(key)
    if found is not None:
        _local.move_to_end(key)
        return found
    found = django_cache.get(key)
    if found is None:
        raw = build(query=query, language=language)
        found = Payload(
            etag='"' + hashlib.blake2b(raw, digest_size=16).hexdigest() + '"',
            raw=raw,
            # Built once per data generation: the best compression is worth its time.
            gzipped=gzip.compress(raw, compresslevel=9, mtime=0),
        )
        django_cache.set(key, found, cache.PAGE_TIMEOUT)
    _local[key] = found
    if len(_local) > LOCAL_ENTRIES:
        _local.popitem(last=False)
    return found

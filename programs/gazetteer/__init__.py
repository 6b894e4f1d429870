"""Offline gazetteer of Germany: postcodes and place names to coordinates.

The data ships with the portal (``programs/data/gazetteer.tsv.gz``, built by
``programs/gazetteer/build.py``); no geocoding service is ever called. The file is read once
per process, on first use, and kept in memory; every lookup is a dict access.

    >>> lookup("04109").label
    '04109 Leipzig'
    >>> lookup("muenchen").state
    'BY'

Names are matched case- and accent-insensitively ("München", "muenchen", "Munchen"), with or
without their qualifier ("Frankfurt" is Frankfurt am Main, the most populous of the names that
start with it; "Frankfurt (Oder)", "Frankfurt/Oder" and "Frankfurt an der Oder" are the other).
"""

from __future__ import annotations

import bisect
import difflib
import gzip
import math
import re
import threading
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext

__all__ = [
    "ATTRIBUTION",
    "Place",
    "attribution",
    "bounding_box",
    "distance_km",
    "lookup",
    "suggest",
]

DATA_FILE = Path(__file__).resolve().parents[1] / "data" / "gazetteer.tsv.gz"

# The sources' credits; attribution() gives them in the active language (this English text is
# the catalogue's msgid, its German msgstr the German credits).
ATTRIBUTION = (
    "Postcodes: © OpenStreetMap contributors (ODbL 1.0), suche-postleitzahl.org; "
    "places: GeoNames (CC BY 4.0); municipalities and Länder: © GeoBasis-DE / BKG 2016 "
    "(GeoNutzV)"
)


def attribution() -> str:
    return gettext(ATTRIBUTION)


EARTH_RADIUS_KM = 6371.0088
MAX_QUERY_LENGTH = 100
MAX_SUGGESTIONS = 50

_POSTCODE = re.compile(r"\d{5}")
_POSTCODE_THEN_NAME = re.compile(r"(\d{5})\s+\D.*")
CONNECTORS = frozenset(
    [
        "a",
        "am",
        "an",
        "auf",
        "b",
        "bei",
        "d",
        "dem",
        "den",
        "der",
        "des",
        "die",
        "i",
        "im",
        "in",
        "o",
        "ob",
        "u",
        "unter",
        "v",
        "vor",
        "zu",
        "zum",
        "zur",
    ]
)
# Where a name's qualifier starts: "Frankfurt am Main", "Halle (Saale)", "Eislingen/Fils".
QUALIFIER = re.compile(
    r"\s*[(,/]|\s+(?:am|an|im|in|ob|bei|vor|auf|unter|a\.d\.|i\.d\.|v\.d\.|a\.|b\.|i\.|v\.)\s"
)


@dataclass(frozen=True)
class Place:
    name: str  # e.g. "Leipzig"
    postcode: str  # "" for a place-name hit
    state: str  # Bundesland code (ISO 3166-2:DE suffix), e.g. "SN"
    lat: float
    lon: float

    @property
    def label(self) -> str:
        """'04109 Leipzig' for a postcode, 'Leipzig' for a place."""
        return f"{self.postcode} {self.name}" if self.postcode else self.name


def fold(text: str) -> str:
    """Lower case, no accents, 'ae/oe/ue' as 'a/o/u', 'ß' as 'ss', 'Sankt' as 'St'.

    The build script keys the data file with the same functions, so both always agree.
    """
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    text = text.replace("ae", "a").replace("oe", "o").replace("ue", "u")
    return re.sub(r"\bsankt\b", "st", text)


def compact(folded: str) -> str:
    """Without connecting words: 'frankfurt an der oder' -> 'frankfurt oder'."""
    return " ".join(w for w in folded.split() if w not in CONNECTORS)


def base_name(name: str) -> str:
    """'Frankfurt am Main' -> 'Frankfurt', 'Halle (Saale)' -> 'Halle'."""
    return QUALIFIER.split(name, maxsplit=1)[0].strip()


class _Index:
    def __init__(self, path: Path):
        self.postcodes: dict[str, Place] = {}
        self.exact: dict[str, list[tuple[int, Place]]] = defaultdict(list)
        self.compact: dict[str, list[tuple[int, Place]]] = defaultdict(list)
        self.base: dict[str, list[tuple[int, Place]]] = defaultdict(list)
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("#"):
                    continue
                fields = line.rstrip("\n").split("\t")
                if fields[0] == "P":
                    code, name, state, lat, lon = fields[1:6]
                    self.postcodes[code] = Place(name, code, state, float(lat), float(lon))
                elif fields[0] == "O":
                    name, state, lat, lon, pop, aliases = fields[1:7]
                    entry = (int(pop), Place(name, "", state, float(lat), float(lon)))
                    names = [name, *filter(None, aliases.split("|"))]
                    for key in {fold(n) for n in names}:
                        self.exact[key].append(entry)
                    for key in {compact(fold(n)) for n in names}:
                        self.compact[key].append(entry)
                    for key in {fold(base_name(n)) for n in names} - {fold(n) for n in names}:
                        self.base[key].append(entry)
        for table in (self.exact, self.compact, self.base):
            for entries in table.values():
                entries.sort(key=lambda e: (-e[0], e[1].name, e[1].lat, e[1].lon))
        self.postcode_list = sorted(self.postcodes)
        self.keys = sorted(self.exact)
        self.keys_by_length: dict[int, list[str]] = defaultdict(list)
        for key in sorted(set(self.exact) | set(self.base)):
            self.keys_by_length[len(key)].append(key)

    def best(self, key: str) -> Place | None:
        """The most populous place called `key`, or whose name without qualifier is `key`."""
        entries = self.exact.get(key, []) + self.base.get(key, [])
        if not entries:
            entries = self.compact.get(compact(key), [])
        if not entries:
            return None
        return min(entries, key=lambda e: (-e[0], e[1].name, e[1].lat, e[1].lon))[1]


_index: _Index | None = None
_lock = threading.Lock()


def _data() -> _Index:
    global _index
    if _index is None:
        with _lock:
            if _index is None:
                _index = _Index(DATA_FILE)
    return _index


def _clean(query: object) -> str | None:
    if not isinstance(query, str):
        return None
    query = query.strip()
    if not query or len(query) > MAX_QUERY_LENGTH:
        return None
    return query


def lookup(query: str) -> Place | None:
    """The place for a postcode ('04109') or a place name ('Leipzig'); None if unknown."""
    query = _clean(query)
    if query is None:
        return None
    data = _data()
    if _POSTCODE.fullmatch(query):
        return data.postcodes.get(query)
    match = _POSTCODE_THEN_NAME.fullmatch(query)  # "04109 Leipzig"
    if match:
        return data.postcodes.get(match.group(1))
    key = fold(query)
    if not key or key.isdigit():
        return None
    return data.best(key)


def suggest(query: str, limit: int = 5) -> list[Place]:
    """Candidates for a query that lookup() could not resolve; never raises.

    Digits (2-5): known postcodes with the same leading digits. Text: places whose name
    starts with the query (most populous first), then names that are spelt alike.
    """
    try:
        return _suggest(query, limit)
    except Exception:  # a suggestion must never break the page
        return []


def _suggest(query: str, limit: int) -> list[Place]:
    query = _clean(query)
    if query is None or not isinstance(limit, int) or limit <= 0:
        return []
    limit = min(limit, MAX_SUGGESTIONS)
    data = _data()
    digits = query.replace(" ", "")
    if digits.isascii() and digits.isdigit():
        return _suggest_postcodes(data, digits, limit) if 2 <= len(digits) <= 5 else []
    key = fold(query)
    if not key:
        return []
    found: list[Place] = []

    def add(places) -> None:
        for place in places:
            if place not in found and len(found) < limit:
                found.append(place)

    exact = data.best(key)
    if exact:
        add([exact])
    # names starting with the query, most populous first
    start = bisect.bisect_left(data.keys, key)
    prefixed = []
    for k in data.keys[start : start + 200]:
        if not k.startswith(key):
            break
        prefixed.extend(data.exact[k])
    prefixed.sort(key=lambda e: (-e[0], e[1].name))
    add(p for _, p in prefixed)
    # names spelt alike ("Leipzg"), among keys of about the same length
    if len(found) < limit:
        pool = [
            k
            for n in range(max(1, len(key) - 3), len(key) + 4)
            for k in data.keys_by_length.get(n, ())
        ]
        for k in difflib.get_close_matches(key, pool, n=limit, cutoff=0.75):
            add(filter(None, [data.best(k)]))
    # "Berlin-Mitte": the longest leading words that are a place
    words = key.split()
    for n in range(len(words) - 1, 0, -1):
        if len(found) >= limit:
            break
        place = data.best(" ".join(words[:n]))
        if place:
            add([place])
            break
    return found


def _suggest_postcodes(data: _Index, digits: str, limit: int) -> list[Place]:
    codes = data.postcode_list
    for length in range(min(len(digits), 4), 1, -1):
        prefix = digits[:length]
        start = bisect.bisect_left(codes, prefix)
        stop = bisect.bisect_left(codes, prefix + "a")  # past every code with this prefix
        if start == stop:
            continue
        matches = codes[start:stop]
        if len(digits) == 5:  # nearest numbers first
            matches = sorted(matches, key=lambda c: (abs(int(c) - int(digits)), c))
        return [data.postcodes[c] for c in matches[:limit]]
    return []


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine) in kilometres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((phi2 - phi1) / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) enclosing the circle, for a cheap DB prefilter."""
    radius_km = max(0.0, float(radius_km))
    angle = radius_km / EARTH_RADIUS_KM  # radians
    dlat = math.degrees(angle)
    min_lat, max_lat = lat - dlat, lat + dlat
    if max_lat >= 90 or min_lat <= -90 or angle >= math.pi / 2:
        return max(min_lat, -90.0), min(max_lat, 90.0), -180.0, 180.0
    # the circle's widest extent in longitude (not at its centre's latitude)
    ratio = math.sin(angle) / math.cos(math.radians(lat))
    dlon = 180.0 if ratio >= 1 else math.degrees(math.asin(ratio))
    return min_lat, max_lat, lon - dlon, lon + dlon

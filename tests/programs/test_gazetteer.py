"""The offline gazetteer (programs/gazetteer/__init__.py) and the bundled Länder outline.

Both read files committed to the repository; nothing here needs the network or npm.
"""

import json
import math
import time
from pathlib import Path

import pytest

from programs import gazetteer
from programs.gazetteer import Place, bounding_box, distance_km, lookup, suggest

ROOT = Path(__file__).resolve().parents[2]
OUTLINE = ROOT / "static" / "vendor" / "germany-outline" / "laender.geojson"
LAENDER = {"BW", "BY", "BE", "BB", "HB", "HH", "HE", "MV", "NI", "NW", "RP", "SL", "SN", "ST"}
LAENDER |= {"SH", "TH"}


def test_postcode_leipzig():
    place = lookup("04109")
    assert place is not None
    assert place.name == "Leipzig"
    assert place.postcode == "04109"
    assert place.state == "SN"
    assert abs(place.lat - 51.34) < 0.1
    assert abs(place.lon - 12.37) < 0.1
    assert place.label == "04109 Leipzig"


def test_postcode_whitespace_and_town_after_it():
    assert lookup("  04109 ") == lookup("04109")
    assert lookup("04109 Leipzig") == lookup("04109")


@pytest.mark.parametrize("query", ["Leipzig", "leipzig", "LEIPZIG", " Leipzig "])
def test_name_case_insensitive(query):
    place = lookup(query)
    assert place is not None
    assert place.name == "Leipzig"
    assert place.postcode == ""
    assert place.state == "SN"
    assert place.label == "Leipzig"


@pytest.mark.parametrize("query", ["München", "muenchen", "Munchen", "MÜNCHEN", "Munich"])
def test_name_accent_insensitive(query):
    place = lookup(query)
    assert place is not None
    assert place.name == "München"
    assert place.state == "BY"
    assert abs(place.lat - 48.14) < 0.1
    assert abs(place.lon - 11.58) < 0.1


def test_frankfurt_am_main_and_frankfurt_oder():
    assert lookup("Frankfurt am Main").state == "HE"
    assert lookup("Frankfurt am Main").name == "Frankfurt am Main"
    assert lookup("Frankfurt (Oder)").state == "BB"
    assert lookup("Frankfurt (Oder)").name == "Frankfurt (Oder)"
    assert lookup("Frankfurt/Oder").state == "BB"
    assert lookup("frankfurt an der oder").state == "BB"
    # the bare name is the most populous of the two
    assert lookup("Frankfurt").name == "Frankfurt am Main"


def test_ambiguous_name_is_the_most_populous():
    assert lookup("Halle").name == "Halle (Saale)"
    assert lookup("Halle (Westf.)").state == "NW"


def test_unknown_postcode():
    assert lookup("00000") is None
    result = suggest("00000")
    assert isinstance(result, list)
    assert all(isinstance(place, Place) for place in result)


@pytest.mark.parametrize(
    "query",
    ["'; DROP TABLE x; --", "<script>", "", "   ", "x" * 1000, "x", "123", "!!!", "\x00", None, 42],
)
def test_garbage_is_none(query):
    assert lookup(query) is None
    assert isinstance(suggest(query), list)


def test_suggest_misspelt_name():
    names = [place.name for place in suggest("Leipzg")]
    assert "Leipzig" in names


def test_suggest_prefix_most_populous_first():
    assert suggest("Münc")[0].name == "München"
    assert len(suggest("Neu", limit=3)) == 3


def test_suggest_postcode_prefix():
    places = suggest("0410")
    assert places
    assert all(place.postcode.startswith("0410") for place in places)
    assert [place.postcode for place in suggest("04", limit=2)] == ["04103", "04105"]


def test_suggest_unknown_postcode_nearby_numbers():
    places = suggest("04110")
    assert places
    assert places[0].postcode == "04109"
    assert all(place.postcode.startswith("041") for place in places)


def test_suggest_limit_and_bad_arguments():
    assert suggest("Leipzig", limit=0) == []
    assert suggest("Leipzig", limit="5") == []
    assert len(suggest("B", limit=10)) <= 10
    assert suggest("x" * 1000) == []


def test_lookups_are_fast():
    lookup("04109")  # loads the data
    start = time.perf_counter()
    for _ in range(100):
        lookup("04109")
        lookup("Frankfurt am Main")
        lookup("muenchen")
    assert (time.perf_counter() - start) / 300 < 0.001


def test_distance_leipzig_munich():
    leipzig, munich = lookup("Leipzig"), lookup("München")
    km = distance_km(leipzig.lat, leipzig.lon, munich.lat, munich.lon)
    assert 355 < km < 375
    assert distance_km(51.34, 12.37, 51.34, 12.37) == 0


@pytest.mark.parametrize("bearing", [0, 45, 90, 135, 180, 225, 270, 315])
def test_bounding_box_contains_centre_and_point_20_km_away(bearing):
    lat, lon = 54.5, 9.5  # far north, where degrees of longitude are short
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, 25)
    assert min_lat < lat < max_lat
    assert min_lon < lon < max_lon
    # a point 20 km away in the given direction (destination-point formula)
    d = 20 / gazetteer.EARTH_RADIUS_KM
    b = math.radians(bearing)
    p1, l1 = math.radians(lat), math.radians(lon)
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(b))
    l2 = l1 + math.atan2(
        math.sin(b) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2)
    )
    lat2, lon2 = math.degrees(p2), math.degrees(l2)
    assert abs(distance_km(lat, lon, lat2, lon2) - 20) < 0.01
    assert min_lat <= lat2 <= max_lat
    assert min_lon <= lon2 <= max_lon


def test_bounding_box_is_tight():
    min_lat, max_lat, min_lon, max_lon = bounding_box(51.0, 10.0, 20)
    assert distance_km(min_lat, 10.0, max_lat, 10.0) == pytest.approx(40, abs=0.01)
    assert 0.25 < max_lon - 10.0 < 0.3


def test_attribution_names_sources_and_licences():
    for part in ("OpenStreetMap", "ODbL", "GeoNames", "CC BY 4.0", "BKG"):
        assert part in gazetteer.ATTRIBUTION


def test_coverage_of_the_data_file():
    data = gazetteer._data()
    assert len(data.postcodes) > 8000
    assert {place.state for place in data.postcodes.values()} == LAENDER
    assert all(len(code) == 5 and code.isdigit() for code in data.postcodes)


def test_build_script_folds_names_like_the_module():
    from programs.gazetteer import build as gazetteer_build

    for name in ["München", "Frankfurt (Oder)", "Sankt Ingbert", "Gießen", "Bad Homburg v.d. Höhe"]:
        assert gazetteer_build.fold(name) == gazetteer.fold(name)
        assert gazetteer_build.base_name(name) == gazetteer.base_name(name)


def test_laender_outline_is_geojson_with_the_16_laender():
    data = json.loads(OUTLINE.read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection"
    assert len(data["features"]) == 16
    assert {f["properties"]["code"] for f in data["features"]} == LAENDER
    names = {f["properties"]["code"]: f["properties"]["name"] for f in data["features"]}
    assert names["BW"] == "Baden-Württemberg"
    assert names["TH"] == "Thüringen"
    for feature in data["features"]:
        assert feature["type"] == "Feature"
        geometry = feature["geometry"]
        assert geometry["type"] in {"Polygon", "MultiPolygon"}
        polygons = (
            [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        )
        for polygon in polygons:
            for ring in polygon:
                assert len(ring) >= 4
                assert ring[0] == ring[-1]
                for lon, lat in ring:
                    assert 5.8 < lon < 15.1
                    assert 47.2 < lat < 55.1
    assert OUTLINE.stat().st_size < 300_000
    assert (OUTLINE.parent / "README.md").exists()


def test_outline_contains_the_postcode_state():
    """Point-in-polygon: Leipzig's postcode lies in Saxony's outline."""
    data = json.loads(OUTLINE.read_text(encoding="utf-8"))
    place = lookup("04109")

    def inside(ring):
        result = False
        for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
            crosses = (y1 > place.lat) != (y2 > place.lat)
            if crosses and place.lon < x1 + (place.lat - y1) * (x2 - x1) / (y2 - y1):
                result = not result
        return result

    hits = []
    for feature in data["features"]:
        geometry = feature["geometry"]
        polygons = (
            [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        )
        if any(inside(p[0]) and not any(inside(h) for h in p[1:]) for p in polygons):
            hits.append(feature["properties"]["code"])
    assert hits == ["SN"]

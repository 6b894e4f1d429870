"""The funding facet (`foerderung`) on the list, the map, the GeoJSON and the CSV: the filter,
its counts beside the other facets, unknown values, and the counts the map takes from the
GeoJSON after a filter change."""

import csv
import io
import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.page_cache import forget_local_state
from programs.models import FundingBadge
from tests.factories import MUNICH, ProgramFactory

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    return [program.name for program in response.context["programs"]]


def funding_counts(response) -> dict[str, tuple[int, bool]]:
    [facet] = [f for f in response.context["facets"] if f["name"] == "foerderung"]
    return {term["value"]: (term["count"], term["selected"]) for term in facet["terms"]}


def geojson(client, query="") -> dict:
    response = client.get(f"/karte/programme.geojson{query}")
    assert response.status_code == 200
    return json.loads(response.content)


def csv_slugs(client, query="") -> list[str]:
    response = client.get(f"/programme/export.csv{query}")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return [row["slug"] for row in csv.DictReader(io.StringIO(text), delimiter=";")]


@pytest.fixture
def funded(db):
    """Three programs: federal money in Leipzig, Land money in Leipzig and Munich, none."""
    return {
        "bund": ProgramFactory(
            name="A Bund Leipzig",
            slug="a-bund",
            target_groups=["kinder"],
            funding_badges=["menschen-staerken-menschen"],
        ),
        "land": ProgramFactory(
            name="B Land Leipzig",
            slug="b-land",
            target_groups=["jugendliche"],
            funding_badges=["landesfoerderung", "kommunale-foerderung"],
        ),
        "land_by": ProgramFactory(
            name="C Land München",
            slug="c-land",
            target_groups=["kinder"],
            funding_badges=["landesfoerderung"],
            **MUNICH,
        ),
        "none": ProgramFactory(name="D ohne Förderung", slug="d-ohne", target_groups=["kinder"]),
    }


def test_funding_filter_on_list_and_map(client, funded):
    assert names(client.get("/programme/?foerderung=landesfoerderung")) == [
        "B Land Leipzig",
        "C Land München",
    ]
    # Several values are alternatives, as in every facet.
    both = client.get(
        "/programme/", {"foerderung": ["landesfoerderung", "menschen-staerken-menschen"]}
    )
    assert names(both) == ["A Bund Leipzig", "B Land Leipzig", "C Land München"]
    # The map's server-rendered list follows the same filter.
    assert names(client.get("/karte/?foerderung=menschen-staerken-menschen")) == ["A Bund Leipzig"]


def test_funding_facet_is_shown_with_german_and_english_labels(client, funded):
    html = client.get("/programme/").content.decode()
    assert "<legend>Förderung</legend>" in html
    assert 'name="foerderung" value="menschen-staerken-menschen"' in html
    assert "Bundesprogramm „Menschen stärken Menschen“" in html

    english = client.get("/en/programme/").content.decode()
    assert "<legend>Funding</legend>" in english
    assert "Funded by the federal state" in english


def test_funding_counts_ignore_own_selection_and_respect_other_filters(client, funded):
    response = client.get("/programme/?zielgruppe=kinder&foerderung=landesfoerderung")

    assert names(response) == ["C Land München"]
    counts = funding_counts(response)
    # Among the programs for children: one with federal, one with Land money, none municipal.
    assert counts["menschen-staerken-menschen"] == (1, False)
    assert counts["landesfoerderung"] == (1, True)
    assert counts["kommunale-foerderung"] == (0, False)
    # The other facets count with the funding filter applied.
    facets = {facet["name"]: facet for facet in response.context["facets"]}
    states = {t["value"]: t["count"] for t in facets["bundesland"]["terms"]}
    assert (states["BY"], states["SN"]) == (1, 0)

    in_saxony = funding_counts(client.get("/programme/?bundesland=SN"))
    assert in_saxony["landesfoerderung"] == (1, False)
    assert in_saxony["kommunale-foerderung"] == (1, False)


def test_a_new_badge_kept_by_staff_is_a_facet_term(client, funded):
    FundingBadge.objects.create(slug="stiftung-x", name_de="Stiftung X", name_en="Foundation X")
    ProgramFactory(name="E Stiftung", funding_badges=["stiftung-x"])

    response = client.get("/programme/?foerderung=stiftung-x")

    assert names(response) == ["E Stiftung"]
    assert funding_counts(response)["stiftung-x"] == (1, True)


@pytest.mark.parametrize(
    "value", ["gibt-es-nicht", "<script>alert(1)</script>", "x" * 2000, "'; DROP TABLE x; --", ""]
)
def test_unknown_funding_values_are_ignored_and_explained(client, funded, value):
    response = client.get("/programme/", {"foerderung": [value, "landesfoerderung"]})

    assert response.status_code == 200
    assert names(response) == ["B Land Leipzig", "C Land München"]
    html = response.content.decode()
    if value:
        assert "Einige Filterwerte sind unbekannt und wurden ignoriert." in html
    assert "<script>alert(1)</script>" not in html
    for path in ("/karte/", "/karte/programme.geojson", "/programme/export.csv"):
        assert client.get(path, {"foerderung": value}).status_code == 200


def test_geojson_and_csv_honour_the_funding_filter(client, funded):
    data = geojson(client, "?foerderung=landesfoerderung")
    assert sorted(feature["id"] for feature in data["features"]) == ["b-land", "c-land"]
    assert csv_slugs(client, "?foerderung=landesfoerderung") == ["b-land", "c-land"]
    assert csv_slugs(client, "?foerderung=kommunale-foerderung&zielgruppe=kinder") == []
    # The downloads offered beside the list carry the filter.
    html = client.get("/programme/?foerderung=landesfoerderung").content.decode()
    assert "/programme/export.csv?foerderung=landesfoerderung" in html
    assert "/karte/programme.geojson?foerderung=landesfoerderung" in html


def test_geojson_carries_the_facet_counts_of_its_filters(client, funded):
    """The map takes its counts from here after each filter change."""
    data = geojson(client, "?zielgruppe=kinder&foerderung=landesfoerderung")

    facets = data["facets"]
    assert set(facets) == {"zielgruppe", "thema", "format", "foerderung", "bundesland"}
    # Zeros are left out; a facet's own selection does not narrow its counts.
    assert facets["foerderung"] == {"menschen-staerken-menschen": 1, "landesfoerderung": 1}
    assert facets["zielgruppe"] == {"kinder": 1, "jugendliche": 1}
    assert facets["bundesland"] == {"BY": 1}
    # The same numbers as the list shows for the same query.
    listed = funding_counts(client.get("/programme/?zielgruppe=kinder&foerderung=landesfoerderung"))
    assert {value: count for value, (count, _s) in listed.items() if count} == facets["foerderung"]

    assert geojson(client)["facets"]["foerderung"] == {
        "menschen-staerken-menschen": 1,
        "landesfoerderung": 2,
        "kommunale-foerderung": 1,
    }


def test_funding_filter_is_part_of_the_canonical_query(client, funded):
    # Junk and order do not make a different cache entry or download link.
    html = client.get(
        "/programme/?foerderung=menschen-staerken-menschen&foerderung=landesfoerderung&junk=1"
    ).content.decode()
    assert (
        "/programme/export.csv?foerderung=landesfoerderung&amp;foerderung=menschen-staerken-menschen"
        in html
    )


def _programs(count: int, start: int) -> None:
    for n in range(count):
        ProgramFactory(
            name=f"Tandem {start + n}",
            slug=f"tandem-{start + n}",
            target_groups=["kinder"],
            funding_badges=["landesfoerderung", "stiftung"][: 1 + n % 2],
        )


@pytest.mark.parametrize(
    "path",
    [
        "/programme/?foerderung=landesfoerderung",
        "/karte/?foerderung=stiftung&zielgruppe=kinder",
        "/karte/programme.geojson?foerderung=landesfoerderung&ort=Leipzig",
        "/programme/export.csv?foerderung=stiftung",
    ],
)
def test_query_count_same_for_few_and_many_funded_programs(client, path):
    FundingBadge.objects.get_or_create(slug="stiftung", defaults={"name_de": "Stiftung"})
    _programs(2, 0)
    with CaptureQueriesContext(connection) as few:
        response = client.get(path)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    cache.clear()
    forget_local_state()
    _programs(30, 100)
    with CaptureQueriesContext(connection) as many:
        response = client.get(path)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)

    assert len(many) == len(few)

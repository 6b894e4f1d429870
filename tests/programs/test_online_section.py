"""Near a place, online and nationwide programs form their own section without a distance; a
program whose own radius reaches the visitor says so on its card ([2.6] item 2)."""

import json
import re

import pytest

from programs.models import Program
from tests.factories import MUNICH, ProgramFactory

pytestmark = pytest.mark.django_db

POTSDAM = {"city": "Potsdam", "postcode": "14467", "state": "BB"}


def heading(html: str) -> str:
    found = re.search(r'<h2 id="(?:results-heading|map-count)"[^>]*>(.*?)</h2>', html, re.S)
    return " ".join(found.group(1).split())


def section(html: str, heading_text: str) -> str:
    start = html.index(f">{heading_text}</h3>")
    return html[start : html.index("</section>", start)]


def make_results():
    ProgramFactory(name="Leipzig Zentrum")
    ProgramFactory(name="Online-Mentoring", reach=Program.Reach.NATIONAL, **MUNICH)
    ProgramFactory(
        name="Bundesweit ohne Sitz",
        reach=Program.Reach.NATIONAL,
        latitude=None,
        longitude=None,
        city="",
    )


def test_online_and_nationwide_programs_in_their_own_section_without_distance(client):
    make_results()

    response = client.get("/programme/?ort=Leipzig&umkreis=25")

    html = response.content.decode()
    assert response.status_code == 200
    assert [p.name for p in response.context["local_programs"]] == ["Leipzig Zentrum"]
    assert [p.name for p in response.context["wide_programs"]] == [
        "Bundesweit ohne Sitz",
        "Online-Mentoring",
    ]
    wide = section(html, "Online und bundesweit")
    assert "Online-Mentoring" in wide and "Bundesweit ohne Sitz" in wide
    assert "km entfernt" not in wide
    assert wide.count("bundesweit oder online") == 2
    # Munich is some 360 km from Leipzig: no such distance anywhere on the page.
    assert all(p.distance is None for p in response.context["wide_programs"])
    assert "Leipzig Zentrum" not in wide
    # Counted apart from the programs within the radius.
    assert (
        heading(html) == "1 Programm im Umkreis von 25 km um Leipzig, dazu 2 online und bundesweit"
    )


def test_local_results_unchanged_and_no_section_without_nationwide_ones(client):
    ProgramFactory(name="Leipzig Zentrum")
    ProgramFactory(name="Markkleeberg", city="Markkleeberg", latitude=51.2775, longitude=12.3732)

    response = client.get("/programme/?ort=Leipzig&umkreis=25")

    html = response.content.decode()
    assert [p.name for p in response.context["programs"]] == ["Leipzig Zentrum", "Markkleeberg"]
    assert "Online und bundesweit" not in html
    assert re.search(r"[67],\d km entfernt", html)
    assert heading(html) == "2 Programme im Umkreis von 25 km um Leipzig"


def test_without_a_place_there_is_no_section(client):
    make_results()

    html = client.get("/programme/").content.decode()

    assert "Online und bundesweit</h3>" not in html
    assert heading(html) == "3 Programme"


def test_english_texts(client):
    make_results()

    html = client.get("/en/programme/?ort=Leipzig&umkreis=25").content.decode()

    assert ">Online and nationwide</h3>" in html
    assert heading(html) == "1 program within 25 km of Leipzig, and 2 online or nationwide"
    assert "nationwide or online" in section(html, "Online and nationwide")


def test_program_reaching_beyond_its_seat_says_so(client):
    # Potsdam's centre is about 26 km from Berlin's: outside a 25 km search, but the program
    # serves 50 km around its seat.
    ProgramFactory(
        name="Potsdam weit", latitude=52.3906, longitude=13.0645, radius_km=50, **POTSDAM
    )
    ProgramFactory(
        name="Brandenburg",
        reach=Program.Reach.STATE,
        latitude=52.3906,
        longitude=13.0645,
        **POTSDAM,
    )

    html = client.get("/programme/?ort=Berlin&umkreis=10").content.decode()
    english = client.get("/en/programme/?ort=Berlin&umkreis=10").content.decode()

    assert "betreut auch Ihren Ort (im Umkreis von 50 km um den Sitz)" in html
    assert "also serves your place (within 50 km of its seat)" in english
    # Berlin is not in Brandenburg: the Land's program is not near it.
    assert "Brandenburg</a>" not in html
    cottbus = client.get("/programme/?ort=Cottbus&umkreis=10").content.decode()
    cottbus_en = client.get("/en/programme/?ort=Cottbus&umkreis=10").content.decode()
    assert "betreut das ganze Bundesland" in cottbus
    assert "serves the whole federal state" in cottbus_en


def test_program_within_the_radius_makes_no_claim(client):
    ProgramFactory(name="Leipzig Zentrum", radius_km=50)

    html = client.get("/programme/?ort=Leipzig&umkreis=25").content.decode()

    assert "betreut auch Ihren Ort" not in html


def test_map_counts_and_geojson_leave_nationwide_programs_out_of_the_bounds(client):
    make_results()

    html = client.get("/karte/?ort=Leipzig&umkreis=25").content.decode()
    data = json.loads(client.get("/karte/programme.geojson?ort=Leipzig&umkreis=25").content)
    everywhere = json.loads(client.get("/karte/programme.geojson").content)

    assert (
        heading(html) == "1 Programm im Umkreis von 25 km um Leipzig, dazu 2 online und bundesweit"
    )
    by_name = {f["properties"]["name"]: f for f in data["features"]}
    # Near a place no point (no marker at the seat, nothing to zoom out to) and no distance.
    assert by_name["Online-Mentoring"]["geometry"] is None
    assert "distance" not in by_name["Online-Mentoring"]["properties"]
    assert by_name["Online-Mentoring"]["properties"]["reach"] == "national"
    assert by_name["Leipzig Zentrum"]["geometry"]["type"] == "Point"
    # Without a place the seat is still on the map.
    seat = {f["properties"]["name"]: f for f in everywhere["features"]}["Online-Mentoring"]
    assert seat["geometry"]["type"] == "Point"


def test_queries_do_not_grow_with_the_results(client, django_assert_max_num_queries):
    make_results()
    client.get("/programme/?ort=Leipzig&umkreis=25")  # warms the vocabularies
    from django.core.cache import cache

    from core.page_cache import forget_local_state

    cache.clear()
    forget_local_state()
    with django_assert_max_num_queries(12) as few:
        client.get("/programme/?ort=Leipzig&umkreis=25&zielgruppe=kinder")
    for i in range(10):
        ProgramFactory(name=f"Nah {i}")
        ProgramFactory(name=f"Online {i}", reach=Program.Reach.NATIONAL, **MUNICH)
    cache.clear()
    forget_local_state()
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/programme/?ort=Leipzig&umkreis=25&zielgruppe=kinder")


@pytest.mark.parametrize(
    "query",
    [
        "?ort=Leipzig&umkreis=-3",
        "?ort=Leipzig&umkreis=abc",
        "?ort=%%%&umkreis=25",
        "?ort=Nirgendwo",
    ],
)
def test_bad_place_or_radius_still_answers(client, query):
    make_results()

    for path in ("/programme/", "/karte/", "/karte/programme.geojson"):
        assert client.get(path + query).status_code == 200

"""The public program search forgives: typos, umlauts spelt ue or u, gendered forms; best match
first; "Did you mean …?" when nothing matches; odd input is answered, never a 500.

Runs on SQLite (core/search.py's Python stand-ins) and on PostgreSQL (pg_trgm, unaccent and the
trigram index of programs 0007) alike: set DATABASE_URL for the latter."""

import json

import pytest

from tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    assert response.status_code == 200
    return [program.name for program in response.context["programs"]]


@pytest.fixture
def programs():
    for name, summary in [
        ("Leselernhelfer Hamburg", "Ehrenamtliche üben mit Grundschulkindern das Lesen."),
        ("Schülerpaten Köln", "Begleitung von Jugendlichen in der Schule."),
        ("Lesepat:innen Leipzig", "Vorlesen in Kitas."),
        ("Seniorenbegleitung Dresden", "Besuche bei älteren Menschen."),
    ]:
        ProgramFactory(name=name, summary=summary)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Leselernhelfr", "Leselernhelfer Hamburg"),
        ("Schuelerpaten", "Schülerpaten Köln"),
        ("schülerpaten", "Schülerpaten Köln"),
        ("Schulerpaten", "Schülerpaten Köln"),
        ("Lesepatinnen", "Lesepat:innen Leipzig"),
        ("Lesepatinen", "Lesepat:innen Leipzig"),
        ("SENIORENBEGLEITUNG dresdn", "Seniorenbegleitung Dresden"),
    ],
)
def test_misspelt_searches_find_the_program_they_mean(client, programs, query, expected):
    found = names(client.get("/programme/", {"q": query}))

    assert found[0] == expected
    assert "Seniorenbegleitung Dresden" not in found or expected == "Seniorenbegleitung Dresden"


def test_the_map_and_the_geojson_forgive_the_same_way(client, programs):
    geojson = json.loads(client.get("/karte/programme.geojson", {"q": "Schuelerpaten"}).content)
    page = client.get("/karte/", {"q": "Leselernhelfr"})

    assert [f["properties"]["name"] for f in geojson["features"]] == ["Schülerpaten Köln"]
    assert page.context["result_count"] == 1


def test_every_word_must_be_found(client, programs):
    assert names(client.get("/programme/", {"q": "Schuelerpaten Köln"})) == ["Schülerpaten Köln"]
    assert names(client.get("/programme/", {"q": "Schuelerpaten Dresden"})) == []


def test_without_a_place_the_best_match_comes_first(client):
    ProgramFactory(name="Aaa Familienpatenschaft", summary="Wir suchen auch Lesepaten.")
    ProgramFactory(name="Zzz Lesepaten", summary="Vorlesen.")
    ProgramFactory(name="Mmm Lesepatenschaft", summary="Vorlesen.")

    found = names(client.get("/programme/", {"q": "Lesepaten"}))
    unsearched = names(client.get("/programme/"))

    # Found in the name before found in the text only (which comes first by name).
    assert set(found[:2]) == {"Zzz Lesepaten", "Mmm Lesepatenschaft"}
    assert found[-1] == "Aaa Familienpatenschaft"
    assert unsearched == ["Aaa Familienpatenschaft", "Mmm Lesepatenschaft", "Zzz Lesepaten"]


def test_nothing_found_suggests_the_closest_words_and_links_the_corrected_search(client, programs):
    # Too far from "Schülerpaten" to be found, close enough to be suggested.
    query = "Schuelerpatenschaftsprojekt Koeln"
    response = client.get("/programme/", {"q": query, "thema": "unbekannt"})
    html = response.content.decode()

    assert names(response) == []
    assert response.context["search_suggestion"]["text"] == "Schülerpaten Koeln"
    assert "Meinten Sie" in html
    assert 'href="?q=Sch%C3%BClerpaten+Koeln&amp;thema=unbekannt"' in html
    assert names(client.get("/programme/", {"q": "Schülerpaten Koeln"})) == ["Schülerpaten Köln"]
    english = client.get("/en/programme/", {"q": query}).content.decode()
    assert "Did you mean" in english


def test_no_suggestion_when_no_word_is_like_a_known_one(client, programs):
    response = client.get("/programme/", {"q": "Xylophonorchester"})

    assert names(response) == []
    assert "search_suggestion" not in response.context
    assert "Meinten Sie" not in response.content.decode()


def test_suggestion_costs_no_queries_per_program(client, django_assert_max_num_queries, programs):
    client.get("/programme/", {"q": "Schuelerpatenschaftsprojekt"})  # warm caches
    with django_assert_max_num_queries(12) as few:
        client.get("/programme/", {"q": "Schuelerpatenschaftsprojekte"})
    before = len(few.captured_queries)
    for number in range(30):
        ProgramFactory(name=f"Lernhilfe {number}")
    with django_assert_max_num_queries(before + 1):  # the known words are read once again
        client.get("/programme/", {"q": "Schuelerpatenschaftsprojekts"})


@pytest.mark.parametrize(
    "query",
    ["x" * 2000, "!!!", "...", "%", "_", "\\", "'", "(", "%_\\'(", "Lese%", "a_b", "(Lese)pat"],
)
def test_bad_input_gets_a_clear_answer(client, programs, query):
    for url in ("/programme/", "/karte/", "/karte/programme.geojson"):
        response = client.get(url, {"q": query})
        assert response.status_code == 200, (url, query)


def test_too_long_or_only_punctuation_says_so(client, programs):
    long = client.get("/programme/", {"q": "x" * 2000}).content.decode()
    punctuation = client.get("/programme/", {"q": "?!%_"}).content.decode()

    assert "höchstens 200 Zeichen" in long
    assert "Bitte suchen Sie mit Buchstaben oder Ziffern." in punctuation


def test_metacharacters_are_literal_not_wildcards(client, programs):
    assert names(client.get("/programme/", {"q": "%"})) == names(client.get("/programme/"))
    assert names(client.get("/programme/", {"q": "Senio%"})) == ["Seniorenbegleitung Dresden"]
    assert names(client.get("/programme/", {"q": "Sen_orenbegleitung"})) == [
        "Seniorenbegleitung Dresden"
    ]
    assert names(client.get("/programme/", {"q": "(Schülerpaten"})) == ["Schülerpaten Köln"]

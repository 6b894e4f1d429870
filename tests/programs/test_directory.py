"""The public directory: list, filters, search near a place, GeoJSON, program page, embed."""

import gzip
import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.page_cache import forget_local_state
from programs.models import Format, Program, TargetGroup
from tests.conftest import require_service
from tests.factories import MUNICH, OrganizationFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    return [program.name for program in response.context["programs"]]


def geojson(client, query="") -> dict:
    response = client.get(f"/karte/programme.geojson{query}")
    assert response.status_code == 200
    return json.loads(response.content)


# --- List and filters ---------------------------------------------------------------------------


def test_list_shows_only_published_programs(client):
    ProgramFactory(name="Lesepat:innen Leipzig")
    for status in (Program.Status.DRAFT, Program.Status.REVIEW, Program.Status.ARCHIVED):
        ProgramFactory(name=f"Unsichtbar {status}", status=status)

    response = client.get("/programme/")

    assert names(response) == ["Lesepat:innen Leipzig"]
    assert "Unsichtbar" not in response.content.decode()


def test_facet_filters_combine_values_with_or_and_facets_with_and(client):
    ProgramFactory(name="A Kinder Lesen", target_groups=["kinder"], topics=["lesen-und-sprache"])
    ProgramFactory(
        name="B Jugend Beruf", target_groups=["jugendliche"], topics=["ausbildung-und-beruf"]
    )
    ProgramFactory(name="C Kinder Beruf", target_groups=["kinder"], topics=["ausbildung-und-beruf"])

    either = client.get("/programme/?zielgruppe=kinder&zielgruppe=jugendliche")
    both = client.get("/programme/?zielgruppe=kinder&thema=ausbildung-und-beruf")

    assert names(either) == ["A Kinder Lesen", "B Jugend Beruf", "C Kinder Beruf"]
    assert names(both) == ["C Kinder Beruf"]


def test_facet_counts_ignore_own_selection_and_respect_others(client):
    ProgramFactory(target_groups=["kinder"], topics=["lesen-und-sprache"])
    ProgramFactory(target_groups=["kinder"], topics=["ausbildung-und-beruf"])
    ProgramFactory(target_groups=["jugendliche"], topics=["ausbildung-und-beruf"])

    response = client.get("/programme/?zielgruppe=kinder&thema=ausbildung-und-beruf")

    facets = {facet["name"]: facet for facet in response.context["facets"]}
    groups = {t["value"]: (t["count"], t["selected"]) for t in facets["zielgruppe"]["terms"]}
    topics = {t["value"]: (t["count"], t["selected"]) for t in facets["thema"]["terms"]}
    assert groups["kinder"] == (1, True)
    assert groups["jugendliche"] == (1, False)
    assert topics["lesen-und-sprache"] == (1, False)
    assert topics["ausbildung-und-beruf"] == (1, True)
    states = {t["value"]: t["count"] for t in facets["bundesland"]["terms"]}
    assert states["SN"] == 1


def test_state_and_availability_filters(client):
    ProgramFactory(name="Leipzig frei", availability=Program.Availability.OPEN)
    ProgramFactory(name="München Warteliste", availability=Program.Availability.WAITLIST, **MUNICH)

    assert names(client.get("/programme/?bundesland=BY")) == ["München Warteliste"]
    assert names(client.get("/programme/?plaetze=open")) == ["Leipzig frei"]


def test_state_names_follow_the_page_language(client):
    program = ProgramFactory(name="München", **MUNICH)

    german = client.get(program.get_absolute_url()).content.decode()
    english = client.get(f"/en{program.get_absolute_url()}").content.decode()
    facet = client.get("/en/programme/").content.decode()

    assert "Bayern" in german and "Bavaria" not in german
    assert "Bavaria" in english and "Bayern" not in english
    assert "Bavaria" in facet and "Thuringia" in facet and "Thüringen" not in facet


def test_age_filter_keeps_programs_whose_range_includes_the_age(client):
    ProgramFactory(name="Grundschule", age_min=6, age_max=10)
    ProgramFactory(name="Jugend", age_min=13, age_max=18)
    ProgramFactory(name="Alle Altersgruppen")

    assert names(client.get("/programme/?alter=8")) == ["Alle Altersgruppen", "Grundschule"]


def test_unknown_facet_values_are_ignored_and_explained(client):
    ProgramFactory(name="Kinderprogramm", target_groups=["kinder"])
    ProgramFactory(name="Jugendprogramm", target_groups=["jugendliche"])

    response = client.get("/programme/?zielgruppe=kinder&zielgruppe=gibt-es-nicht&format=<b>")

    assert names(response) == ["Kinderprogramm"]
    assert "Einige Filterwerte sind unbekannt und wurden ignoriert." in response.content.decode()
    assert "<b>" not in response.content.decode().split("</header>", 1)[1]


# --- Search near a place ------------------------------------------------------------------------


def test_near_postcode_includes_leipzig_excludes_munich(client):
    ProgramFactory(name="Lesepat:innen Leipzig")
    ProgramFactory(name="Lesepat:innen München", **MUNICH)

    response = client.get("/programme/?ort=04109&umkreis=25")

    assert names(response) == ["Lesepat:innen Leipzig"]
    assert response.context["place"].name == "Leipzig"


def test_near_place_sorted_by_distance_with_distance_shown(client):
    ProgramFactory(name="Halle", city="Halle (Saale)", latitude=51.4828, longitude=11.9697)
    ProgramFactory(name="Leipzig Zentrum")
    ProgramFactory(name="Markkleeberg", latitude=51.2778, longitude=12.3722)

    response = client.get("/programme/?ort=Leipzig&umkreis=50")

    assert names(response) == ["Leipzig Zentrum", "Markkleeberg", "Halle"]
    distances = [round(p.distance) for p in response.context["programs"]]
    assert distances == [0, 7, 32]
    assert f"{response.context['programs'][2].distance:.1f} km entfernt".replace(".", ",") in (
        response.content.decode()
    )


def test_nationwide_programs_match_every_place(client):
    ProgramFactory(name="Online-Mentoring", reach=Program.Reach.NATIONAL, **MUNICH)
    ProgramFactory(name="Bayernweit", reach=Program.Reach.STATE, **MUNICH)

    assert names(client.get("/programme/?ort=04109")) == ["Online-Mentoring"]
    assert names(client.get("/programme/?ort=Augsburg&umkreis=5")) == [
        "Bayernweit",
        "Online-Mentoring",
    ]


def test_unknown_postcode_explained_with_suggestions(client):
    ProgramFactory()

    response = client.get("/programme/?ort=04199")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Den Ort „04199“ kennen wir nicht." in html
    assert all(s.postcode.startswith("04") for s in response.context["suggestions"])


@pytest.mark.parametrize("radius", ["-5", "0", "100000", "abc", "1e9", "NaN"])
def test_malformed_radius_falls_back_to_default(client, radius):
    ProgramFactory(name="Leipzig")

    response = client.get(f"/programme/?ort=04109&umkreis={radius}")

    assert response.status_code == 200
    assert response.context["radius_km"] == 25
    assert names(response) == ["Leipzig"]
    assert "Bitte geben Sie einen Umkreis zwischen 1 und 500 km an" in response.content.decode()


# --- Full text --------------------------------------------------------------------------------


def test_text_search_finds_words_in_name_and_description(client):
    ProgramFactory(name="Lesefüchse", description="Wir lesen mit Grundschulkindern.")
    ProgramFactory(name="Berufsstart", description="Bewerbungstraining für Azubis.")

    assert names(client.get("/programme/?q=Grundschulkindern")) == ["Lesefüchse"]


def test_search_finds_german_compounds_by_their_first_word(client):
    ProgramFactory(name="Seniorenbegleitung Berlin", summary="Besuche und Gespräche.")
    ProgramFactory(name="Lesepatenschaft Hamburg", summary="Vorlesen in der Kita.")

    assert names(client.get("/programme/?q=Senioren")) == ["Seniorenbegleitung Berlin"]
    assert names(client.get("/programme/?q=lese")) == ["Lesepatenschaft Hamburg"]


@pytest.mark.parametrize("query", ["a & b", "x:*", "!(", "'", "foo | bar", "ä_ö ß"])
def test_search_syntax_characters_are_harmless(client, query):
    ProgramFactory(name="Bleibt")

    assert client.get("/programme/", {"q": query}).status_code == 200


def test_german_stemming_on_postgresql(client):
    require_service(connection.vendor == "postgresql", "German stemming needs PostgreSQL")
    ProgramFactory(name="Jugend stärken", description="Ein Programm für die Jugend.")
    ProgramFactory(name="Senioren", description="Für ältere Menschen.")

    assert names(client.get("/programme/?q=Jugendliche")) == ["Jugend stärken"]


@pytest.mark.parametrize(
    "query", ["'; DROP TABLE programs_program; --", "<script>alert(1)</script>", '"', "x" * 300]
)
def test_hostile_search_text_is_harmless(client, query):
    ProgramFactory(name="Bleibt da")

    response = client.get("/programme/", {"q": query})

    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert Program.objects.filter(name="Bleibt da").exists()


# --- GeoJSON --------------------------------------------------------------------------------


def test_geojson_is_rfc7946_feature_collection_with_lon_lat(client):
    ProgramFactory(name="Lesepat:innen Leipzig", slug="lesepat-leipzig")

    data = geojson(client)

    assert data["type"] == "FeatureCollection"
    assert data["programUrl"] == "/programme/{id}/"
    [feature] = data["features"]
    assert feature["type"] == "Feature"
    assert feature["id"] == "lesepat-leipzig"
    assert feature["geometry"] == {"type": "Point", "coordinates": [12.3731, 51.3397]}
    assert feature["properties"] == {
        "name": "Lesepat:innen Leipzig",
        "organization": feature["properties"]["organization"],
        "place": "Leipzig",
        "availability": "open",
    }


def test_geojson_english_links_to_english_pages(client):
    ProgramFactory(slug="lesepat-leipzig")

    data = json.loads(client.get("/en/karte/programme.geojson").content)

    assert data["programUrl"] == "/en/programme/{id}/"


def test_geojson_shares_the_filters(client):
    ProgramFactory(name="Leipzig", target_groups=["kinder"])
    ProgramFactory(name="München", target_groups=["kinder"], **MUNICH)
    ProgramFactory(name="Entwurf", status=Program.Status.DRAFT)

    data = geojson(client, "?ort=04109&zielgruppe=kinder")

    assert [f["properties"]["name"] for f in data["features"]] == ["Leipzig"]
    assert data["features"][0]["properties"]["distance"] < 1


def test_geojson_without_query_and_unlocated_nationwide_program(client):
    ProgramFactory(
        name="Online", reach=Program.Reach.NATIONAL, latitude=None, longitude=None, city=""
    )

    [feature] = geojson(client)["features"]

    assert feature["geometry"] is None
    assert feature["properties"]["reach"] == "national"


def test_geojson_gzip_etag_and_conditional_get(client):
    ProgramFactory()

    zipped = client.get("/karte/programme.geojson", HTTP_ACCEPT_ENCODING="gzip")
    again = client.get(
        "/karte/programme.geojson", HTTP_IF_NONE_MATCH=zipped["ETag"], HTTP_ACCEPT_ENCODING="gzip"
    )

    assert zipped["Content-Encoding"] == "gzip"
    assert zipped["Content-Type"] == "application/geo+json"
    # Its length is said, so the server sends it in one piece, not in chunks.
    assert zipped["Content-Length"] == str(len(zipped.content))
    assert json.loads(gzip.decompress(zipped.content))["type"] == "FeatureCollection"
    assert again.status_code == 304


def test_geojson_rebuilt_when_a_program_changes(client, django_capture_on_commit_callbacks):
    program = ProgramFactory(name="Alter Name")
    before = geojson(client)

    with django_capture_on_commit_callbacks(execute=True):
        program.name = "Neuer Name"
        program.save()
    after = geojson(client)

    assert before["features"][0]["properties"]["name"] == "Alter Name"
    assert after["features"][0]["properties"]["name"] == "Neuer Name"


def test_geojson_hides_unpublished_and_personal_data(client):
    ProgramFactory(name="Entwurf", status=Program.Status.DRAFT)
    ProgramFactory(name="Öffentlich", contact_email="person@example.org", contact_phone="0341 1")

    raw = client.get("/karte/programme.geojson").content.decode()

    assert "Entwurf" not in raw
    assert "person@example.org" not in raw
    assert "0341" not in raw


def test_geojson_with_fifty_facet_values_does_not_fail(client):
    ProgramFactory(target_groups=["kinder"])
    query = "&".join(f"zielgruppe=wert-{n}" for n in range(50)) + "&zielgruppe=kinder"

    data = geojson(client, f"?{query}")

    assert len(data["features"]) == 1


# --- Program page and embed -----------------------------------------------------------------


def test_program_page_shows_details_and_structured_data(client):
    program = ProgramFactory(
        name="Lesepat:innen </script><script>x()</script>",
        contact_name="Kim Koordination",
        contact_email="lesen@example.org",
        target_groups=["kinder"],
    )

    response = client.get(program.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "Kim Koordination" in html
    assert "mailto:lesen@example.org" in html
    ld = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    data = json.loads(ld)
    assert data["@type"] == "Service"
    assert data["name"] == program.name
    assert data["areaServed"]["geo"] == {
        "@type": "GeoCoordinates",
        "latitude": 51.3397,
        "longitude": 12.3731,
    }


@pytest.mark.parametrize(
    "status", [Program.Status.DRAFT, Program.Status.REVIEW, Program.Status.ARCHIVED]
)
def test_unpublished_program_page_is_404(client, status):
    program = ProgramFactory(status=status)

    assert client.get(program.get_absolute_url()).status_code == 404


def test_embed_page_may_be_framed_and_sets_no_cookie(client):
    ProgramFactory(name="Leipzig")

    response = client.get("/karte/einbetten/?bundesland=SN")

    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert "frame-ancestors *" in response["Content-Security-Policy"]
    assert response.cookies == {}
    assert [p.name for p in response.context["programs"]] == ["Leipzig"]


def test_other_pages_may_not_be_framed(client):
    assert client.get("/karte/")["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in client.get("/programme/")["Content-Security-Policy"]


def test_map_page_offers_embed_snippet_with_filters(client):
    response = client.get("/karte/?bundesland=SN")

    assert "/karte/einbetten/?bundesland=SN" in response.content.decode()


# --- Query counts: constant in the amount of data -----------------------------------------------


def _many(count):
    """`count` published programs near Leipzig with vocabularies, inserted in bulk."""
    organization = OrganizationFactory()
    start = Program.objects.count()
    programs = Program.objects.bulk_create(
        Program(
            organization=organization,
            name=f"Tandem {start + n}",
            slug=f"tandem-{start + n}",
            city="Leipzig",
            postcode="04109",
            state="SN",
            latitude=51.3 + n / 10000,
            longitude=12.37,
            status=Program.Status.PUBLISHED,
            search_text=f"Tandem {start + n} Kinder",
        )
        for n in range(count)
    )
    kinder = TargetGroup.objects.get(slug="kinder")
    tandem = Format.objects.get(slug="tandem")
    Program.target_groups.through.objects.bulk_create(
        Program.target_groups.through(program=p, targetgroup=kinder) for p in programs
    )
    Program.formats.through.objects.bulk_create(
        Program.formats.through(program=p, format=tandem) for p in programs
    )
    return programs


@pytest.mark.parametrize(
    "path",
    [
        "/programme/",
        "/programme/?ort=04109&zielgruppe=kinder",
        "/karte/",
        "/karte/einbetten/",
        "/karte/programme.geojson?ort=Leipzig",
    ],
)
def test_query_count_same_for_one_and_many_programs(client, path):
    _many(1)
    with CaptureQueriesContext(connection) as one:
        client.get(path)
    cache.clear()
    forget_local_state()
    _many(999)
    with CaptureQueriesContext(connection) as many:
        client.get(path)

    assert len(many) == len(one)


def test_program_page_query_count_same_with_one_and_1000_programs(client):
    [first] = _many(1)
    with CaptureQueriesContext(connection) as one:
        client.get(first.get_absolute_url())
    _many(999)
    cache.clear()
    forget_local_state()
    with CaptureQueriesContext(connection) as many:
        response = client.get(first.get_absolute_url())

    assert response.status_code == 200
    assert len(many) == len(one)


def test_draft_absent_from_map_page(client):
    ProgramFactory(name="Sichtbar")
    ProgramFactory(name="Entwurf", status=Program.Status.DRAFT)

    response = client.get("/karte/")

    assert [p.name for p in response.context["programs"]] == ["Sichtbar"]
    assert "Entwurf" not in response.content.decode()


def test_program_page_query_count_independent_of_vocabularies(client, django_assert_num_queries):
    few = ProgramFactory(target_groups=["kinder"])
    lots = ProgramFactory(
        target_groups=["kinder", "jugendliche", "familien"],
        topics=["lesen-und-sprache", "freizeit", "familie"],
        formats=["tandem", "online"],
    )

    with django_assert_num_queries(5):
        client.get(few.get_absolute_url())
    with django_assert_num_queries(5):
        client.get(lots.get_absolute_url())


def test_anonymous_list_served_from_cache(client, django_assert_num_queries):
    ProgramFactory()
    client.get("/programme/")

    with django_assert_num_queries(0):
        response = client.get("/programme/")

    assert response.status_code == 200


@pytest.mark.parametrize(
    "if_none_match",
    ["{etag}", "W/{etag}", '"other", {etag}', "*"],
    ids=["exact", "weak", "list", "any"],
)
def test_geojson_conditional_get_uses_weak_comparison(client, if_none_match):
    ProgramFactory()
    etag = client.get("/karte/programme.geojson", HTTP_ACCEPT_ENCODING="gzip")["ETag"]

    response = client.get(
        "/karte/programme.geojson",
        HTTP_ACCEPT_ENCODING="gzip",
        HTTP_IF_NONE_MATCH=if_none_match.format(etag=etag),
    )

    assert response.status_code == 304


def test_geojson_refused_gzip_gets_identity_with_its_own_etag(client):
    ProgramFactory()

    zipped = client.get("/karte/programme.geojson", HTTP_ACCEPT_ENCODING="gzip")
    plain = client.get("/karte/programme.geojson", HTTP_ACCEPT_ENCODING="gzip;q=0, identity")

    assert "Content-Encoding" not in plain
    assert plain["Content-Length"] == str(len(plain.content))
    assert json.loads(plain.content)["type"] == "FeatureCollection"
    assert plain["ETag"] != zipped["ETag"]


def test_geojson_answers_head_and_checks_the_host(client):
    assert client.head("/karte/programme.geojson").status_code == 200
    assert client.get("/karte/programme.geojson", HTTP_HOST="evil.example").status_code == 400


def test_geojson_junk_parameters_share_one_cache_entry(client):
    from programs import geojson as geojson_module

    ProgramFactory(target_groups=["kinder"])
    for n in range(5):
        client.get(f"/karte/programme.geojson?x={n}&zielgruppe=kinder&zielgruppe=unbekannt{n}")

    assert len(geojson_module._local) == 1


def test_geojson_parameters_beyond_any_limit_still_filter(client):
    ProgramFactory(name="Sachsen")
    ProgramFactory(name="Bayern", **MUNICH)
    junk = "&".join(f"a={n:02d}" for n in range(60))

    saxony = geojson(client, f"?{junk}&bundesland=SN")
    bavaria = geojson(client, f"?{junk}&bundesland=BY")

    assert [f["properties"]["name"] for f in saxony["features"]] == ["Sachsen"]
    assert [f["properties"]["name"] for f in bavaria["features"]] == ["Bayern"]


@pytest.mark.parametrize("page", ["abc", "0", "-1", "1.5", "99999"])
def test_bad_page_numbers_show_a_page(client, page):
    ProgramFactory(name="Einziges")

    response = client.get(f"/programme/?page={page}")

    assert response.status_code == 200
    assert names(response) == ["Einziges"]


def test_junk_query_pages_are_not_cached(client):
    ProgramFactory()
    client.get("/programme/?zielgruppe=kinder")
    client.get("/programme/?quatsch=1")

    keys = [key for key in cache._cache if ":page:" in key]  # locmem internals

    assert len(keys) == 1


def test_null_character_in_search_is_explained(client):
    response = client.get("/programme/?q=a%00b")

    assert response.status_code == 200
    assert "Der Suchtext enthält Zeichen, nach denen wir nicht suchen können." in (
        response.content.decode()
    )


def test_program_radius_reaches_visitors_beyond_the_search_radius(client):
    # Markkleeberg is about 7 km from Leipzig's centre; Halle about 32 km.
    ProgramFactory(
        name="Halle weit", city="Halle (Saale)", latitude=51.4828, longitude=11.9697, radius_km=40
    )
    ProgramFactory(
        name="Halle nah", city="Halle (Saale)", latitude=51.4828, longitude=11.9697, radius_km=5
    )

    assert names(client.get("/programme/?ort=Leipzig&umkreis=10")) == ["Halle weit"]


def test_age_field_in_the_filter_form(client):
    html = client.get("/programme/?alter=9").content.decode()

    assert 'name="alter"' in html
    assert 'value="9"' in html


def test_search_follows_a_renamed_organisation(client, django_capture_on_commit_callbacks):
    program = ProgramFactory(name="Tandem")
    organization = program.organization

    with django_capture_on_commit_callbacks(execute=True):
        organization.name = "Zukunftswerk Leipzig"
        organization.save()

    assert names(client.get("/programme/?q=Zukunftswerk")) == ["Tandem"]

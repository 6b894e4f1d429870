"""Open data: the list's and the map's current filter as CSV and GeoJSON, with the licence."""

import csv
import io
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.page_cache import forget_local_state
from programs.imports import programs_import
from programs.models import Program, TargetGroup
from tests.factories import MUNICH, OrganizationFactory, ProgramFactory

pytestmark = pytest.mark.django_db

CSV_URL = "/programme/export.csv"


def download(client, query="") -> tuple[list[str], list[dict[str, str]], object]:
    response = client.get(f"{CSV_URL}{query}")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    reader = csv.DictReader(io.StringIO(text[1:], newline=""), delimiter=";")
    rows = list(reader)
    return reader.fieldnames, rows, response


def listed_slugs(client, query="") -> list[str]:
    """Every program the list shows for the query, over all its pages."""
    response = client.get(f"/programme/{query}")
    assert response.status_code == 200
    return [program.slug for program in response.context["paginator"].object_list]


def _vary():
    ProgramFactory(name="Kinder Leipzig", target_groups=["kinder"], topics=["lesen-und-sprache"])
    ProgramFactory(name="Jugend Leipzig", target_groups=["jugendliche"], age_min=12, age_max=18)
    ProgramFactory(
        name="Kinder München",
        target_groups=["kinder"],
        availability=Program.Availability.WAITLIST,
        **MUNICH,
    )
    ProgramFactory(name="Online", reach=Program.Reach.NATIONAL, **MUNICH)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?zielgruppe=kinder",
        "?zielgruppe=kinder&zielgruppe=jugendliche&bundesland=SN",
        "?ort=04109&umkreis=50",
        "?plaetze=waitlist",
        "?alter=14",
        "?q=Kinder",
        "?ort=Leipzig&zielgruppe=kinder&page=2",
    ],
)
def test_csv_has_exactly_the_programs_the_list_shows(client, query):
    _vary()

    _headers, rows, _response = download(client, query)

    assert [row["slug"] for row in rows] == listed_slugs(client, query)


def test_csv_never_exports_unpublished_programs(client):
    ProgramFactory(name="Öffentlich", target_groups=["kinder"])
    for status in (Program.Status.DRAFT, Program.Status.REVIEW, Program.Status.ARCHIVED):
        ProgramFactory(name=f"Unsichtbar {status}", status=status, target_groups=["kinder"])

    for query in ("", "?zielgruppe=kinder", "?q=Unsichtbar"):
        _headers, rows, response = download(client, query)
        assert all(row["Status"] == Program.Status.PUBLISHED for row in rows)
        assert "Unsichtbar" not in json.dumps(rows)


def test_csv_leaves_out_the_contact_person_and_keeps_public_fields(client):
    ProgramFactory(
        name="Lesepat:innen",
        contact_name="Erika Muster",
        contact_email="erika@example.org",
        contact_phone="0341 123",
        contact_role="Leitung",
        website="https://lesen.example.org",
        target_groups=["kinder", "jugendliche"],
        review_note="intern",
    )

    headers, [row], response = download(client)

    body = json.dumps(row)
    for secret in ("Erika", "erika@example.org", "0341 123", "Leitung", "intern"):
        assert secret not in body
    assert not {h for h in headers if h.startswith("Kontakt")}
    assert row["Website"] == "https://lesen.example.org"
    assert row["Zielgruppen"] == "kinder|jugendliche"
    assert row["Breitengrad"] == "51,3397"


def test_csv_guards_formulas(client):
    ProgramFactory(name='=HYPERLINK("http://evil")', summary="+1+1", city="@SUM(A1)")
    ProgramFactory(name="\t-2+3 Tandem")

    _headers, rows, _response = download(client)

    cells = [cell for row in rows for cell in (row["Name"], row["Kurzbeschreibung"], row["Ort"])]
    assert '\'=HYPERLINK("http://evil")' in cells
    assert "'+1+1" in cells
    assert "'@SUM(A1)" in cells
    assert "'-2+3 Tandem" in cells
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_csv_imports_again_unchanged(client):
    _vary()
    _headers, rows, response = download(client)
    data = b"".join(client.get(CSV_URL).streaming_content)

    report = programs_import(file=io.BytesIO(data), dry_run=True)

    assert not report.rejected, report.lines()
    assert report.count("unchanged") == len(rows) == 4


def test_csv_carries_licence_and_attribution(client, settings):
    settings.DATA_LICENSE = "CC BY 4.0"
    settings.DATA_LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"
    settings.DATA_ATTRIBUTION = "Netzwerk Mentoring e. V."
    ProgramFactory()

    headers, _rows, response = download(client)

    assert headers[0] == "slug"  # the file itself starts with its header row
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="mentoring-programme_cc-by-40.csv"'
    )
    assert response["X-Data-License"] == "CC BY 4.0"
    assert response["X-Data-Attribution"] == "Netzwerk Mentoring e. V."
    assert response["Link"] == '<https://creativecommons.org/licenses/by/4.0/>; rel="license"'


def test_geojson_carries_licence_and_attribution(client, settings):
    settings.DATA_LICENSE = "dl-de/by-2-0"
    settings.DATA_LICENSE_URL = "https://www.govdata.de/dl-de/by-2-0"
    settings.DATA_ATTRIBUTION = "Stadt Leipzig"
    ProgramFactory()

    collection = json.loads(client.get("/karte/programme.geojson").content)

    assert collection["type"] == "FeatureCollection"
    assert collection["license"] == "dl-de/by-2-0"
    assert collection["licenseUrl"] == "https://www.govdata.de/dl-de/by-2-0"
    assert collection["attribution"] == "Stadt Leipzig"
    assert len(collection["features"]) == 1


def test_changed_licence_is_not_served_from_the_cache(client, settings):
    ProgramFactory()
    settings.DATA_ATTRIBUTION = "Alt"
    client.get("/programme/")
    assert json.loads(client.get("/karte/programme.geojson").content)["attribution"] == "Alt"

    settings.DATA_ATTRIBUTION = "Neu"

    assert json.loads(client.get("/karte/programme.geojson").content)["attribution"] == "Neu"
    assert "Bitte als Quelle nennen: Neu" in client.get("/programme/").content.decode()


def _download_links(response) -> dict[str, dict]:
    html = response.content.decode()
    links = {}
    for name, path in (("csv", CSV_URL), ("geojson", "/karte/programme.geojson")):
        start = html.index(f'id="download-{name}" href="') + len(f'id="download-{name}" href="')
        href = html[start : html.index('"', start)].replace("&amp;", "&")
        assert urlsplit(href).path == path
        links[name] = parse_qs(urlsplit(href).query)
    return links


@pytest.mark.parametrize("page", ["/programme/", "/karte/"])
def test_list_and_map_link_their_current_filter_with_the_licence(client, settings, page):
    settings.DATA_LICENSE = "CC BY 4.0"
    settings.DATA_LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"
    settings.DATA_ATTRIBUTION = "Netzwerk Mentoring"
    ProgramFactory(target_groups=["kinder"])

    plain = client.get(page)
    filtered = client.get(f"{page}?zielgruppe=kinder&ort=04109&umkreis=50&page=1")
    # The same page again, from the anonymous page cache: still its own filter.
    again = client.get(page)

    assert _download_links(plain) == {"csv": {}, "geojson": {}}
    expected = {"ort": ["04109"], "umkreis": ["50"], "zielgruppe": ["kinder"]}
    assert _download_links(filtered) == {"csv": expected, "geojson": expected}
    assert _download_links(again) == {"csv": {}, "geojson": {}}
    html = filtered.content.decode()
    assert 'href="https://creativecommons.org/licenses/by/4.0/" rel="license">CC BY 4.0</a>' in html
    assert "Bitte als Quelle nennen: Netzwerk Mentoring" in html


def test_cached_pages_do_not_mix_filters(client):
    ProgramFactory(target_groups=["kinder"])
    first = {
        q: client.get(f"/programme/{q}") for q in ("", "?zielgruppe=kinder", "?thema=freizeit")
    }
    second = {q: client.get(f"/programme/{q}") for q in first}

    for query, response in second.items():
        assert response.content == first[query].content
        assert _download_links(response)["csv"] == parse_qs(query.lstrip("?"))


def test_links_drop_junk_parameters(client):
    ProgramFactory()

    response = client.get("/programme/?utm_source=x&zielgruppe=gibtsnicht&thema=freizeit")

    assert _download_links(response)["csv"] == {"thema": ["freizeit"]}


@pytest.mark.parametrize(
    "query",
    [
        "?zielgruppe=gibtsnicht&bundesland=XX&plaetze=nie",
        "?q=" + "x" * 2000,
        "?ort=" + "y" * 2000,
        "?q=%25&ort=%25",
        "?q=%",
        "?umkreis=abc&alter=-5",
        "?alter=" + "9" * 2000,
        "?umkreis=1e309",
        "?q=a%00b",
        "?" + "&".join(f"thema=t{n}" for n in range(300)),
    ],
)
def test_bad_query_strings_give_the_list_result_never_a_500(client, query):
    _vary()

    _headers, rows, _response = download(client, query)

    assert [row["slug"] for row in rows] == listed_slugs(client, query)


def _bulk(count):
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
    through = Program.target_groups.through
    through.objects.bulk_create(
        through(program_id=program.pk, targetgroup_id=kinder.pk) for program in programs
    )
    return programs


@pytest.mark.parametrize("query", ["", "?ort=04109&zielgruppe=kinder"])
def test_csv_query_count_same_for_one_and_many_programs(client, query):
    _bulk(1)
    with CaptureQueriesContext(connection) as one:
        _headers, rows_one, _response = download(client, query)
    cache.clear()
    forget_local_state()
    _bulk(999)
    with CaptureQueriesContext(connection) as many:
        _headers, rows_many, _response = download(client, query)

    assert len(rows_one) == 1
    assert len(rows_many) == 1000
    assert len(many) == len(one)

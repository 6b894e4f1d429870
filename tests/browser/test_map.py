"""The Mentoring Map in Chromium: clusters and markers, filters that update map and list together,
keyboard use of the markers, the small maps, and accessibility / no outside requests / CSP."""

import io
import re

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import Client

from programs.models import FundingBadge
from tests.browser.maps import (
    assert_clean,
    list_names,
    marker_names,
    program_in,
    target_group,
    wait_for_loads,
    wait_for_popup,
)
from tests.factories import ProgramCoordinatorFactory, ProgramFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def _no_tiles(settings):
    # The default: no tile server, so the map must not ask any other host.
    settings.MAP_TILE_URL = ""
    settings.MAP_TILE_ATTRIBUTION = ""


def test_map_shows_clusters_and_markers_for_demo_data(page, live_server):
    call_command("load_demo", programs=80, stdout=io.StringIO())

    page.goto(f"{live_server.url}/karte/")
    wait_for_loads(page)

    assert page.locator("#map .leaflet-marker-icon").count() > 0
    clusters = page.locator("#map .marker-cluster")
    assert clusters.count() >= 1
    # A cluster is a button named by its number of programs.
    assert re.search(r"\d+", clusters.first.inner_text())
    assert clusters.first.get_attribute("role") == "button"
    assert page.locator("#map-results > li").count() > 0
    # The outline of the Länder is drawn, non-interactive, from our own server.
    assert page.locator("#map .leaflet-overlay-pane path").count() >= 16

    # Enter on a cluster zooms in: the cluster splits into smaller clusters or single markers.
    before = page.evaluate(
        "() => [...document.querySelectorAll('#map .marker-cluster, #map .program-marker')]"
        ".map((e) => e.textContent).join('|')"
    )
    clusters.first.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(
        "(b) => [...document.querySelectorAll('#map .marker-cluster, #map .program-marker')]"
        ".map((e) => e.textContent).join('|') !== b",
        arg=before,
        timeout=10_000,
    )
    assert page.outside_requests() == []
    assert page.csp_violations() == []


def test_facet_updates_markers_list_url_and_embed_code_together(page, live_server):
    children = target_group("kinder", "Kinder", "Children")
    seniors = target_group("seniorinnen", "Senior:innen", "Older people")
    for city in ("Hamburg", "München", "Köln"):
        program_in(city, name=f"Lesepatenschaft {city}").target_groups.add(children)
    for city in ("Berlin", "Dresden"):
        program_in(city, name=f"Seniorenbegleitung {city}").target_groups.add(seniors)

    page.goto(f"{live_server.url}/karte/")
    wait_for_loads(page)
    assert len(marker_names(page)) == 5
    assert page.locator("#map-results > li").count() == 5

    page.check("#f-zielgruppe-kinder")
    wait_for_loads(page, 2)

    expected = ["Lesepatenschaft Hamburg", "Lesepatenschaft Köln", "Lesepatenschaft München"]
    assert marker_names(page) == expected
    assert list_names(page) == expected
    assert page.locator("#map-count").inner_text().startswith("3 ")
    assert page.url.endswith("/karte/?zielgruppe=kinder")
    assert "/karte/einbetten/?zielgruppe=kinder" in page.input_value("#embed-code")
    assert (
        page.locator("#map-list-link")
        .get_attribute("href")
        .endswith("/programme/?zielgruppe=kinder")
    )
    # The open data downloads follow the filter too.
    csv_href = page.locator("#download-csv").get_attribute("href")
    assert csv_href.endswith("/programme/export.csv?zielgruppe=kinder")
    geojson_href = page.locator("#download-geojson").get_attribute("href")
    assert geojson_href.endswith("/karte/programme.geojson?zielgruppe=kinder")
    # The rebuilt list has the server's markup: availability badge, organisation.
    first = page.locator("#map-results > li.card.program-card").first
    assert first.locator("p.tags span.badge.badge-open").count() == 1
    assert "Freiwilligenagentur" in first.locator("p.meta").inner_text()
    assert_clean(page)

    # The shareable URL shows the same selection after a reload.
    page.reload()
    wait_for_loads(page)
    assert page.is_checked("#f-zielgruppe-kinder")
    assert marker_names(page) == expected

    # Unchecking brings all programs back.
    page.uncheck("#f-zielgruppe-kinder")
    wait_for_loads(page, 2)
    assert len(marker_names(page)) == 5
    assert page.url.endswith("/karte/")


def facet_count(page, facet: str, value: str) -> str:
    return page.locator(f"label[for='f-{facet}-{value}'] .count").inner_text()


def test_facet_counts_follow_every_filter_change(page, live_server):
    children = target_group("kinder", "Kinder", "Children")
    for city, badge in (("Hamburg", "landesfoerderung"), ("München", "landesfoerderung")):
        program = program_in(city, name=f"Lesepatenschaft {city}")
        program.target_groups.add(children)
        program.funding_badges.add(FundingBadge.objects.get(slug=badge))
    program_in("Berlin", name="Seniorenbegleitung Berlin").funding_badges.add(
        FundingBadge.objects.get(slug="menschen-staerken-menschen")
    )

    page.goto(f"{live_server.url}/karte/")
    wait_for_loads(page)
    assert facet_count(page, "foerderung", "landesfoerderung") == "(2)"
    assert facet_count(page, "zielgruppe", "kinder") == "(2)"

    page.check("#f-foerderung-menschen-staerken-menschen")
    wait_for_loads(page, 2)
    assert marker_names(page) == ["Seniorenbegleitung Berlin"]
    # The counts are shown, not hidden, and are those of the new filters.
    count = page.locator("label[for='f-zielgruppe-kinder'] .count")
    assert count.is_visible()
    assert count.inner_text() == "(0)"
    # A facet's own selection does not narrow its counts.
    assert facet_count(page, "foerderung", "landesfoerderung") == "(2)"
    assert facet_count(page, "bundesland", "BE") == "(1)"
    assert facet_count(page, "bundesland", "HH") == "(0)"

    page.uncheck("#f-foerderung-menschen-staerken-menschen")
    wait_for_loads(page, 3)
    assert facet_count(page, "zielgruppe", "kinder") == "(2)"
    page.fill("#filter-ort", "Hamburg")
    page.press("#filter-ort", "Enter")
    wait_for_loads(page, 4)
    assert marker_names(page) == ["Lesepatenschaft Hamburg"]
    assert facet_count(page, "foerderung", "landesfoerderung") == "(1)"
    assert facet_count(page, "foerderung", "menschen-staerken-menschen") == "(0)"
    assert count.is_visible()
    assert count.inner_text() == "(1)"
    assert_clean(page)


def test_search_text_is_debounced_and_empty_result_is_said(page, live_server):
    program_in("Hamburg", name="Lesepatenschaft Hamburg")
    program_in("Berlin", name="Seniorenbegleitung Berlin")

    page.goto(f"{live_server.url}/karte/")
    wait_for_loads(page)
    page.type("#filter-q", "Senioren", delay=20)  # one fetch after typing, not one per key
    wait_for_loads(page, 2)
    assert len([url for url in page.requests if "programme.geojson" in url]) == 2
    assert list_names(page) == ["Seniorenbegleitung Berlin"]
    assert marker_names(page) == ["Seniorenbegleitung Berlin"]

    page.fill("#filter-q", "Gibtesnicht")
    page.keyboard.press("Enter")  # Submitting fetches at once, without reloading the page.
    wait_for_loads(page, 3)
    assert page.locator("#map-results > li").count() == 0
    assert page.locator(".map-empty").is_visible()
    assert page.locator("#map-count").inner_text().startswith("0 ")
    assert marker_names(page) == []


def test_marker_popup_with_keyboard_and_escape(page, live_server):
    program = program_in("Hamburg", name="Lesepatenschaft Hamburg")
    program_in("München", name="Lesepatenschaft München")

    page.goto(f"{live_server.url}/karte/")
    wait_for_loads(page)

    # Tab from the map container reaches a marker, which is named by its program.
    page.focus("#map")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert "program-marker" in focused
    page.locator("#map .program-marker[title='Lesepatenschaft Hamburg']").focus()
    page.keyboard.press("Enter")
    wait_for_popup(page)

    link = page.locator(".leaflet-popup-content a")
    assert link.inner_text() == "Lesepatenschaft Hamburg"
    assert link.get_attribute("href") == program.get_absolute_url()
    assert link.get_attribute("target") is None
    # Focus moved into the popup, and the popup is accessible too.
    assert page.evaluate("document.activeElement.textContent") == "Lesepatenschaft Hamburg"
    assert page.locator(".leaflet-popup-close-button").get_attribute("aria-label") == "Schließen"
    assert page.axe_violations() == []

    page.keyboard.press("Escape")
    page.locator(".leaflet-popup").wait_for(state="detached", timeout=2000)
    assert page.evaluate("document.activeElement.title") == "Lesepatenschaft Hamburg"


def test_embed_opens_program_pages_in_a_new_tab(page, live_server):
    program = program_in("Hamburg", name="Lesepatenschaft Hamburg")

    page.goto(f"{live_server.url}/karte/einbetten/")
    wait_for_loads(page)
    page.locator("#map .program-marker").first.focus()
    page.keyboard.press("Enter")

    link = page.locator(".leaflet-popup-content a")
    assert link.get_attribute("target") == "_blank"
    assert link.get_attribute("rel") == "noopener"
    assert link.get_attribute("href").endswith(program.get_absolute_url())


def test_use_my_location_sorts_the_list_by_distance(page, live_server):
    program_in("Hamburg", name="Lesepatenschaft Hamburg")
    program_in("München", name="Lesepatenschaft München")
    program_in("Dresden", name="Lesepatenschaft Dresden")
    page.context.grant_permissions(["geolocation"], origin=live_server.url)
    page.context.set_geolocation({"latitude": 48.2, "longitude": 11.6})  # near München

    page.goto(f"{live_server.url}/karte/")
    wait_for_loads(page)
    assert page.locator("#locate-me").is_visible()
    page.click("#locate-me")
    page.wait_for_selector("#map .user-location")

    names = page.locator("#map-results > li h3 a").all_inner_texts()
    assert names == [
        "Lesepatenschaft München",
        "Lesepatenschaft Dresden",
        "Lesepatenschaft Hamburg",
    ]
    assert "km" in page.locator("#map-results > li .distance").first.inner_text()
    assert page.locator("#locate-status").inner_text() != ""
    assert page.outside_requests() == []


@pytest.mark.parametrize("path", ["/karte/", "/karte/einbetten/", "/programme/"])
def test_map_and_list_pages_accessible_local_only(page, live_server, path):
    children = target_group("kinder", "Kinder", "Children")
    program_in("Hamburg", name="Lesepatenschaft Hamburg").target_groups.add(children)
    program_in("Berlin", name="Seniorenbegleitung Berlin")
    ProgramFactory(name="Online-Mentoring bundesweit", reach="national")

    page.goto(f"{live_server.url}{path}")
    if path.startswith("/karte/"):
        wait_for_loads(page)
        page.wait_for_selector("#map .leaflet-overlay-pane path")
    assert_clean(page)


def test_program_page_map_accessible_local_only_and_no_keyboard_trap(page, live_server):
    program = program_in("Dresden", name="Lesepatenschaft Dresden")

    page.goto(f"{live_server.url}{program.get_absolute_url()}")
    page.wait_for_selector("#program-map .program-marker")
    page.wait_for_selector("#program-map .leaflet-overlay-pane path", state="attached")
    # The small map has no tab stops: keyboard users pass it by.
    assert page.locator("#program-map [tabindex], #program-map a, #program-map button").count() == 0
    assert page.locator("#program-map .program-marker").get_attribute("title") == program.name
    assert_clean(page)


def test_edit_map_drag_writes_coordinates_and_typing_moves_marker(page, live_server):
    program = program_in("Dresden", name="Lesepatenschaft Dresden")
    user = ProgramCoordinatorFactory(program=program).user
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )

    page.goto(f"{live_server.url}/koordination/programme/{program.slug}/")
    marker = page.locator("#edit-map .program-marker")
    marker.wait_for()
    page.locator("#edit-map").scroll_into_view_if_needed()
    box = marker.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 40, y - 30, steps=5)
    page.mouse.up()

    lat, lon = page.input_value("#id_latitude"), page.input_value("#id_longitude")
    assert re.fullmatch(r"\d+\.\d{4}", lat) and re.fullmatch(r"\d+\.\d{4}", lon)
    assert float(lat) > 51.0504 and float(lon) > 13.7373  # dragged north-east

    # Typing moves the marker (here: further north, so up on the screen).
    before = marker.bounding_box()
    page.fill("#id_latitude", f"{float(lat) + 0.15:.4f}")
    after = marker.bounding_box()
    assert after["y"] < before["y"] - 10
    assert page.csp_violations() == []


def test_both_maps_run_on_the_one_shared_module(page, live_server):
    """map.js and program-map.js are ES modules importing map-common.js: the same pin, the same
    outline, loaded once per page."""
    program = program_in("Köln", name="Lesepaten Köln")
    scripts = []
    page.on("request", lambda request: scripts.append(request.url.rsplit("/", 1)[-1]))

    def pin_and_outline():
        marker = page.locator(".program-marker").first
        box = marker.bounding_box()
        return (
            "program-marker" in marker.get_attribute("class").split(),
            round(box["width"]),
            round(box["height"]),
            page.locator(".leaflet-overlay-pane path").count(),
        )

    page.goto(f"{live_server.url}{program.get_absolute_url()}")
    page.wait_for_selector("#program-map .leaflet-overlay-pane path", state="attached")
    on_program_page = pin_and_outline()
    assert [s for s in scripts if s.endswith(".js")].count("map-common.js") == 1
    assert "program-map.js" in scripts

    scripts.clear()
    page.goto(f"{live_server.url}/karte/?q=Lesepaten")
    wait_for_loads(page)
    page.wait_for_selector("#map .leaflet-overlay-pane path", state="attached")
    on_the_map = pin_and_outline()
    assert scripts.count("map-common.js") == 1
    assert "map.js" in scripts

    assert on_program_page[:3] == on_the_map[:3] == (True, 28, 30)
    assert on_program_page[3] == on_the_map[3] >= 16
    assert_clean(page)

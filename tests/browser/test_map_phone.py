"""The Mentoring Map on a phone ([2.6] item 8): the list and the filters come first from the
server and work before Leaflet has been loaded; Leaflet, MarkerCluster and the GeoJSON are only
fetched when the map comes into view, and then show the filtered programs."""

import pytest

from tests.browser.maps import (
    assert_clean,
    list_names,
    marker_names,
    program_in,
    target_group,
    wait_for_loads,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 375, "height": 667}


@pytest.fixture(autouse=True)
def _no_tiles(settings):
    settings.MAP_TILE_URL = ""
    settings.MAP_TILE_ATTRIBUTION = ""


def map_requests(page) -> list[str]:
    return [
        url
        for url in page.requests
        if "/vendor/leaflet" in url or "programme.geojson" in url or "map-leaflet" in url
    ]


def test_list_and_filters_work_before_the_map_is_loaded(page, live_server):
    children = target_group("kinder", "Kinder", "Children")
    program_in("Hamburg", name="Lesepatenschaft Hamburg").target_groups.add(children)
    program_in("Berlin", name="Seniorenbegleitung Berlin")
    page.set_viewport_size(PHONE)

    page.goto(f"{live_server.url}/karte/")
    page.wait_for_load_state("load")
    # The server's list; the map, below the filters, has loaded nothing yet.
    assert list_names(page) == ["Lesepatenschaft Hamburg", "Seniorenbegleitung Berlin"]
    assert page.evaluate("() => typeof window.L") == "undefined"
    assert map_requests(page) == []
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]

    # A filter changes the list, its count and the address at once, still without Leaflet.
    page.check("#f-zielgruppe-kinder")
    wait_for_loads(page)
    assert list_names(page) == ["Lesepatenschaft Hamburg"]
    assert page.locator("#map-count").inner_text().startswith("1 ")
    assert page.url.endswith("/karte/?zielgruppe=kinder")
    assert page.evaluate("() => typeof window.L") == "undefined"
    assert [url for url in map_requests(page) if "programme.geojson" not in url] == []

    # Scrolled into view, the map loads and shows the filtered programs as markers.
    page.locator("#map").scroll_into_view_if_needed()
    wait_for_loads(page, 2)
    assert marker_names(page) == ["Lesepatenschaft Hamburg"]
    assert page.locator("#map .leaflet-control-zoom-in").is_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    assert_clean(page)


def test_keyboard_reaches_the_map_which_then_loads(page, live_server):
    program_in("Hamburg", name="Lesepatenschaft Hamburg")
    page.set_viewport_size(PHONE)

    page.goto(f"{live_server.url}/karte/")
    page.wait_for_load_state("load")
    assert map_requests(page) == []
    # "Skip the map" is the map area's first tab stop; reaching it loads the map.
    page.locator(".skip-map").focus()
    wait_for_loads(page)
    assert marker_names(page) == ["Lesepatenschaft Hamburg"]
    assert page.locator("#map").get_attribute("tabindex") == "0"
    assert_clean(page)

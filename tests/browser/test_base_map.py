"""The offline base map in Chromium (no tile server): town labels at the country view, the Kreis
boundaries fetched and drawn only when zoomed in, the sources' credits on the map, everything
from the portal's own host, decorative (hidden from screen readers) and with 0 axe violations."""

import pytest

from tests.browser.maps import assert_clean, program_in, wait_for_loads

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SOURCES = ("GeoBasis-DE / BKG", "GeoNames", "CC BY 4.0", "Natural Earth")


@pytest.fixture(autouse=True)
def _no_tiles(settings):
    settings.MAP_TILE_URL = ""
    settings.MAP_TILE_ATTRIBUTION = ""


def labels(page) -> list[str]:
    return page.locator("#map .base-town").all_inner_texts()


def test_the_map_draws_towns_water_and_when_zoomed_in_the_kreise(page, live_server):
    # No program: the map shows the whole country (with programs it zooms to them).
    requested = []
    page.on("request", lambda request: requested.append(request.url.rsplit("/", 1)[-1]))

    page.goto(f"{live_server.url}/karte/")
    wait_for_loads(page)
    page.wait_for_function("() => document.querySelectorAll('#map .base-town').length >= 5")
    at_country_view = labels(page)
    assert {"Berlin", "Hamburg", "München", "Köln"} <= set(at_country_view)
    assert len(at_country_view) <= 30  # only the large cities at the country view
    # Rivers and lakes are drawn, the Kreise are not fetched yet.
    assert page.locator("#map .leaflet-basemap-water-pane path").count() >= 1
    assert page.locator("#map .leaflet-basemap-kreise-pane path").count() == 0
    assert not [name for name in requested if name.startswith("kreise")]

    credits = page.locator("#map .leaflet-control-attribution").inner_text()
    for source in SOURCES:
        assert source in credits
    assert "Daten verändert" in credits

    # Decorative: the labels' pane is hidden from screen readers and nothing in it takes focus.
    for name in ("labels", "water", "kreise"):
        pane = page.locator(f"#map .leaflet-basemap-{name}-pane")
        assert pane.get_attribute("aria-hidden") == "true"
    assert page.locator("#map .leaflet-basemap-labels-pane [tabindex]").count() == 0

    # Zoomed in: the Kreis boundaries are fetched and drawn, and smaller towns get labels.
    for _ in range(3):
        page.locator(".leaflet-control-zoom-in").click()
        page.wait_for_timeout(400)  # Leaflet's zoom animation; the checks below wait for data
    page.wait_for_selector("#map .leaflet-basemap-kreise-pane path", state="attached")
    assert [name for name in requested if name.startswith("kreise")]
    page.wait_for_function("() => document.querySelectorAll('#map .base-town').length >= 10")
    assert set(labels(page)) - set(at_country_view)

    # Back to the country view: the Kreise are removed again.
    for _ in range(3):
        page.locator(".leaflet-control-zoom-out").click()
        page.wait_for_timeout(400)
    page.wait_for_function(
        "() => document.querySelectorAll('#map .leaflet-basemap-kreise-pane path').length === 0"
    )
    assert_clean(page)


def test_english_credits_and_the_small_map_of_a_program(page, live_server):
    program = program_in("Köln", name="Lesepaten Köln")

    page.goto(f"{live_server.url}/en/karte/")
    wait_for_loads(page)
    page.wait_for_selector("#map .base-town", state="attached")
    credits = page.locator("#map .leaflet-control-attribution").inner_text()
    assert "data changed" in credits and "public domain" in credits

    page.goto(f"{live_server.url}{program.get_absolute_url()}")
    page.wait_for_selector("#program-map .base-town", state="attached")
    # The small map starts close enough for the towns around the program and the Kreise.
    assert "Köln" in page.locator("#program-map .base-town").all_inner_texts()
    page.wait_for_selector("#program-map .leaflet-basemap-kreise-pane path", state="attached")
    credits = page.locator("#program-map .leaflet-control-attribution").inner_text()
    for source in SOURCES:
        assert source in credits
    assert_clean(page)

"""Near a place the map leaves online and nationwide programs out of its markers and bounds and
counts them apart; the list shows their section accessibly ([2.6] item 2)."""

import pytest

from tests.browser.maps import assert_clean, marker_names, program_in, wait_for_loads
from tests.factories import ProgramFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def _no_tiles(settings):
    settings.MAP_TILE_URL = ""
    settings.MAP_TILE_ATTRIBUTION = ""


def test_map_near_a_place_keeps_nationwide_programs_off_the_map(page, live_server):
    program_in("Berlin", name="Seniorenbegleitung Berlin")
    program_in("München", name="Online-Mentoring bundesweit", reach="national")

    page.goto(f"{live_server.url}/karte/?ort=Berlin&umkreis=25")
    wait_for_loads(page)

    # No marker at the seat in Munich, so the bounds fitted to the markers stay around Berlin.
    assert marker_names(page) == ["Seniorenbegleitung Berlin"]
    count = page.locator("#map-count").inner_text()
    assert count == "1 Programm im Umkreis von 25 km um Berlin, dazu 1 online und bundesweit"
    assert_online_section(page)
    assert_clean(page)

    # The list the script renders after a filter change has the same section.
    page.select_option("#filter-umkreis", "50")
    wait_for_loads(page, 2)
    assert page.locator("#map-count").inner_text().startswith("1 Programm im Umkreis von 50 km")
    assert_online_section(page)
    assert_clean(page)


def assert_online_section(page) -> None:
    """The online program is listed under its own heading, without a distance, and not among
    the programs near the place."""
    assert page.locator("#map-wide-heading").inner_text() == "Online und bundesweit"
    assert page.locator("#map-wide-heading").is_visible()
    online = page.locator("#map-wide-results > li")
    assert online.all_inner_texts()[0].startswith("Online-Mentoring bundesweit")
    assert online.count() == 1
    assert "bundesweit oder online" in online.inner_text()
    assert "km entfernt" not in online.inner_text()
    assert page.locator("#map-results > li h3").all_inner_texts() == ["Seniorenbegleitung Berlin"]


def test_list_section_accessible(page, live_server):
    program_in("Berlin", name="Seniorenbegleitung Berlin")
    ProgramFactory(name="Online-Mentoring bundesweit", reach="national")

    page.goto(f"{live_server.url}/programme/?ort=Berlin&umkreis=25")

    assert page.locator("#wide-heading").inner_text() == "Online und bundesweit"
    assert_clean(page)

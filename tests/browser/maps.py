"""Helpers of the map's browser tests: programs in known places, waiting for the map's loads,
what the map and its list show, and the clean-page checks."""

from programs.models import TargetGroup
from tests.factories import ProgramFactory

PLACES = {
    "Hamburg": ("HH", 53.5511, 9.9937),
    "München": ("BY", 48.1372, 11.5756),
    "Köln": ("NW", 50.9375, 6.9603),
    "Berlin": ("BE", 52.5200, 13.4050),
    "Dresden": ("SN", 51.0504, 13.7373),
}


def program_in(city: str, **kwargs):
    state, lat, lon = PLACES[city]
    return ProgramFactory(city=city, state=state, latitude=lat, longitude=lon, **kwargs)


def target_group(slug: str, name_de: str, name_en: str) -> TargetGroup:
    group, _created = TargetGroup.objects.get_or_create(
        slug=slug, defaults={"name_de": name_de, "name_en": name_en}
    )
    return group


def wait_for_loads(page, count: int = 1) -> None:
    """Until the map has drawn its `count`-th GeoJSON response (map.js counts them)."""
    # A function, not a string: the page's CSP (rightly) forbids eval.
    page.wait_for_function(
        "(n) => Number(document.getElementById('map').dataset.loads || 0) >= n",
        arg=count,
        timeout=8000,
    )


def wait_for_popup(page) -> None:
    """Until the popup has faded in (axe measures contrast at the current opacity)."""
    page.wait_for_function(
        "() => { const p = document.querySelector('.leaflet-popup');"
        " return p !== null && getComputedStyle(p).opacity === '1'; }"
    )


def marker_names(page) -> list[str]:
    return sorted(page.locator("#map .program-marker").evaluate_all("els => els.map(e => e.title)"))


def list_names(page) -> list[str]:
    return sorted(page.locator("#map-results > li h3 a").all_inner_texts())


def assert_clean(page) -> None:
    assert page.axe_violations() == []
    assert page.outside_requests() == []
    assert page.csp_violations() == []

"""Anonymous visitors: every public page loads only from the portal itself and sets no cookie,
except the CSRF cookie on a page with a form that posts."""

import pytest

from news import services as news_services
from news.models import NewsItem
from pages.demo import create_demo_pages
from tests.factories import EventFactory, ProgramFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def public_pages(settings, tmp_path):
    """Path → the cookies that page may set for a visitor who is not signed in."""
    # Tiles switched off: with a tile server configured, the map would (rightly) ask it.
    settings.MAP_TILE_URL = ""
    settings.MEDIA_ROOT = tmp_path
    create_demo_pages()
    program = ProgramFactory(name="Lesepat:innen Leipzig")
    event = EventFactory(title="Netzwerktreffen Sachsen", registration="portal")
    item = news_services.news_item_save(
        item=NewsItem(title="Neue Programme", teaser="Kurz.", status=NewsItem.Status.PUBLISHED)
    )
    start = event.starts_at
    csrf = {"csrftoken"}
    return {
        "/": set(),
        "/programme/": set(),
        program.get_absolute_url(): set(),
        "/karte/": set(),
        "/karte/einbetten/": set(),
        "/veranstaltungen/": set(),
        f"/veranstaltungen/{start:%Y}/{start:%m}/": set(),
        event.get_absolute_url(): set(),
        f"/veranstaltungen/{event.slug}/anmelden/": csrf,  # the registration form
        "/aktuelles/": set(),
        item.get_absolute_url(): set(),
        "/mentoring-wirkt/": set(),
        "/impressum/": set(),
        "/datenschutz/": set(),
        "/barrierefreiheit/": set(),
        "/mitmachen/": set(),
        "/ueber-mentoring/": set(),
        "/konto/login/": csrf,
        "/konto/signup/": csrf,
    }


def test_public_pages_make_no_outside_request_and_set_no_needless_cookie(
    page, live_server, public_pages
):
    cookies, post_forms, statuses = {}, {}, {}
    for path in public_pages:
        page.context.clear_cookies()
        response = page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        statuses[path] = response.status
        cookies[path] = {cookie["name"] for cookie in page.context.cookies()}
        post_forms[path] = page.locator("form[method=post]").count() > 0

    assert statuses == dict.fromkeys(public_pages, 200)
    assert page.outside_requests() == []
    assert page.csp_violations() == []
    assert cookies == public_pages
    # The CSRF cookie exactly where a form posts: the expectations above are not arbitrary.
    assert {path for path, has_form in post_forms.items() if has_form} == {
        path for path, names in public_pages.items() if names
    }

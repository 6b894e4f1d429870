"""The calendar's subscription box in a browser: the help opens by keyboard without JavaScript
of the portal, the address field can be selected, and axe finds nothing with the help open."""

import pytest

from events.vocabularies import ensure_vocabularies
from tests.factories import EventFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def _vocabularies(db):
    # A transactional test before this one may have flushed the migrations' vocabularies.
    ensure_vocabularies()


def test_subscribe_help_opens_by_keyboard_and_is_accessible(page, live_server, settings):
    settings.SITE_URL = live_server.url
    EventFactory(title="Netzwerktreffen Leipzig")

    page.goto(f"{live_server.url}/veranstaltungen/?bundesland=SN")
    help_box = page.locator("details.subscribe-help")
    assert help_box.get_attribute("open") is None
    page.focus("details.subscribe-help summary")
    page.keyboard.press("Enter")
    assert help_box.get_attribute("open") == ""
    assert page.locator("details.subscribe-help dd").first.is_visible()

    address = page.input_value("#subscribe-url")
    assert address == f"{live_server.url}/veranstaltungen/kalender.ics?bundesland=SN"
    webcal = page.get_attribute(".subscribe-links a[href^='webcal:']", "href")
    assert webcal == "webcal://" + address.split("://", 1)[1]

    assert page.axe_violations() == []
    assert page.outside_requests() == []
    assert page.csp_violations() == []

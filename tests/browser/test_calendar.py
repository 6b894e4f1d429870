import re
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from events.calendar import Month
from events.models import EventType
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


def at_day(day, hour):
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def tab_to(page, selector: str, *, limit: int = 300) -> None:
    """Press Tab until the element matching `selector` has the focus, as a keyboard user."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => document.activeElement.matches({selector!r})"):
            return
    raise AssertionError(f"{selector} never got the focus")


def test_calendar_months_by_keyboard_filter_and_accessible(page, live_server):
    this = Month.of(timezone.localdate())
    following = this.next
    barcamp = EventType.objects.get(slug="barcamp")
    start = at_day(this.first_day + timedelta(days=14), 18)
    EventFactory(title="Treffen diesen Monat", starts_at=start, ends_at=start + timedelta(hours=2))
    start = at_day(this.first_day + timedelta(days=15), 10)
    EventFactory(
        title="Barcamp diesen Monat", event_type=barcamp, starts_at=start,
        ends_at=start + timedelta(hours=6),
    )  # fmt: skip
    start = at_day(following.first_day + timedelta(days=3), 18)
    EventFactory(
        title="Treffen nächsten Monat", starts_at=start, ends_at=start + timedelta(hours=2)
    )

    page.goto(f"{live_server.url}/veranstaltungen/")
    grid = page.locator("table.month-grid")
    assert grid.locator("text=Treffen diesen Monat").count() == 1
    assert page.axe_violations() == []

    tab_to(page, "a[rel=next]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/veranstaltungen/{following.year}/{following.month}/$"))
    assert grid.locator("text=Treffen nächsten Monat").count() == 1
    assert grid.locator("text=Treffen diesen Monat").count() == 0

    tab_to(page, "a[rel=prev]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/veranstaltungen/{this.year}/{this.month}/$"))
    assert grid.locator("text=Treffen diesen Monat").count() == 1

    page.check("#f-typ-barcamp")
    page.click("#event-filters button[type=submit]")
    page.wait_for_url(re.compile(r"\?typ=barcamp"))
    assert grid.locator("text=Barcamp diesen Monat").count() == 1
    assert grid.locator("text=Treffen diesen Monat").count() == 0
    # The month links keep the filter.
    assert page.get_attribute("a[rel=next]", "href").endswith("?typ=barcamp")

    assert page.axe_violations() == []
    assert page.outside_requests() == []
    assert page.csp_violations() == []


def test_calendar_phone_width_accessible(page, live_server):
    page.set_viewport_size({"width": 375, "height": 800})
    start = at_day(timezone.localdate() + timedelta(days=1), 18)
    EventFactory(title="Treffen", starts_at=start, ends_at=start + timedelta(hours=2))
    page.goto(f"{live_server.url}/veranstaltungen/")
    assert page.axe_violations() == []
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width == 375


def test_archive_accessible(page, live_server):
    start = at_day(timezone.localdate() - timedelta(days=3), 18)
    EventFactory(title="Vorbei", starts_at=start, ends_at=start + timedelta(hours=2))
    page.goto(f"{live_server.url}/veranstaltungen/archiv/")
    assert page.locator("text=Vorbei").count() == 1
    assert page.axe_violations() == []
    assert page.outside_requests() == []

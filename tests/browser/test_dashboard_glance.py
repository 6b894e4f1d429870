"""The dashboards read at a glance in the browser: tiles and sparklines without an axe violation
at 1280 and 375 px, nothing wider than a phone, and the mentor's next meeting with the button
"Treffen eintragen" on the first screen of a phone."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from tandems.models import Meeting, SupportContact, Tandem
from tandems.services import lifecycle
from tests.factories import ProgramCoordinatorFactory, UserFactory, running_tandem
from tests.factories.tandems import new_mentee

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
SIZES = [(1280, 900), (375, 667)]


def test_coordinator_dashboard_and_network_home_at_both_widths(page, live_server):
    membership = ProgramCoordinatorFactory()
    program = membership.program
    second = ProgramCoordinatorFactory(user=membership.user).program  # the summary shows
    today = timezone.localdate()
    tandem = running_tandem(program, mentee_name="Jana", started_on=today - timedelta(days=60))
    Tandem.objects.filter(pk=tandem.pk).update(last_contact_on=today - timedelta(days=30))
    for weeks in (1, 3, 4, 8):
        Meeting.objects.create(
            tandem=tandem, status="held", starts_at=timezone.now() - timedelta(weeks=weeks)
        )
    SupportContact.objects.create(
        tandem=tandem,
        contacted_on=today - timedelta(days=9),
        with_whom="mentor",
        channel="phone",
        summary="Gut.",
    )
    new_mentee(program, first_name="Wartet", waiting_since=today - timedelta(days=12))
    base = live_server.url
    page.login(base, membership.user)

    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{base}/koordination/")
        assert page.axe_violations() == []
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        urgent = page.locator(".dashboard-program .tile-urgent").first
        assert urgent.locator(".tile-urgency").inner_text().casefold() == "dringend"
        assert page.locator(".dashboard-summary .tile").count() >= 1
        assert second.name in page.locator(".dashboard-programs").inner_text()
    # The table behind the sparklines opens by keyboard.
    summary = page.locator(".spark-table summary").first
    summary.focus()
    page.keyboard.press("Enter")
    table = page.locator(".spark-table table").first
    assert table.is_visible()
    assert table.locator("tbody tr").count() == 12
    assert page.axe_violations() == []

    page.login(base, UserFactory(is_staff=True))
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{base}/netzwerk/")
        assert page.axe_violations() == []
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert "Jana" not in page.content()
    assert page.outside_requests() == []
    assert page.csp_violations() == []


def test_mentor_sees_the_next_meeting_and_the_log_button_first_on_a_phone(page, live_server):
    today = timezone.localdate()
    tandem = running_tandem(
        ProgramCoordinatorFactory().program,
        mentee_name="Ali",
        started_on=today - timedelta(days=20),
    )
    lifecycle.meeting_plan(
        tandem=tandem,
        by=tandem.mentor,
        day=today + timedelta(days=2),
        start=time(16, 0),
        end=time(17, 0),
        place="Bibliothek",
    )
    base = live_server.url
    page.login(base, tandem.mentor)

    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{base}/mein-bereich/")
        assert page.axe_violations() == []
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        button = page.locator(f"a[href='/mein-bereich/tandems/{tandem.pk}/treffen/eintragen/']")
        box = button.bounding_box()
        assert box["y"] + box["height"] <= height  # on the first screen, no scrolling
        when = page.locator(".next-meeting-when").bounding_box()
        assert when["y"] < box["y"]
        assert "Bibliothek" in page.locator(".next-meeting").inner_text()
    assert page.outside_requests() == []
    assert page.csp_violations() == []

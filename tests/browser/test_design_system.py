"""The design system in the browser: the style page and pages with its components, axe 0 in
German and English."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import ProgramCoordinatorFactory, ProgramFactory, UserFactory, running_tandem
from tests.factories.tandems import new_mentee

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_style_page_has_no_axe_violation(page, live_server, prefix):
    page.login(live_server.url, UserFactory(is_staff=True))

    page.goto(f"{live_server.url}{prefix}/netzwerk/stil/")

    assert page.axe_violations() == []
    assert page.csp_violations() == []
    swatches = page.locator(".style-swatches li").count()
    badge = page.locator(".badge-danger[data-status='cancelled']").first
    colour = badge.evaluate("element => getComputedStyle(element).color")
    background = badge.evaluate("element => getComputedStyle(element).backgroundColor")
    assert swatches >= 30
    # The tokens reach the page: --status-danger-ink on --status-danger-bg.
    assert (colour, background) == ("rgb(122, 31, 16)", "rgb(251, 233, 231)")


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_coordinator_pages_with_header_badges_and_empty_states(page, live_server, prefix):
    membership = ProgramCoordinatorFactory()
    program = membership.program
    new_mentee(program)
    page.login(live_server.url, membership.user)
    base = f"{live_server.url}{prefix}"

    page.goto(f"{base}/koordination/programme/{program.slug}/mentees/")
    mentee_badge = page.locator("td .badge-pending").count()
    actions = page.locator(".page-header .page-actions a").count()
    assert page.axe_violations() == []
    page.goto(f"{base}/koordination/programme/{program.slug}/nachrichten/")
    empty = page.locator(".empty-state a").get_attribute("href")
    assert page.axe_violations() == []
    page.goto(f"{base}/koordination/aufgaben/")
    assert page.axe_violations() == []

    assert mentee_badge == 1
    assert actions == 3
    assert empty == f"{prefix}/koordination/programme/{program.slug}/nachricht/"


def test_mentor_sees_the_tandem_status_as_a_badge(page, live_server):
    tandem = running_tandem(ProgramFactory(), started_on=timezone.localdate() - timedelta(days=14))
    page.login(live_server.url, tandem.mentor)

    page.goto(f"{live_server.url}/mein-bereich/")
    badge = page.locator(".badge-ok").first.inner_text()
    assert page.axe_violations() == []
    page.goto(f"{live_server.url}/en/mein-bereich/")
    english = page.locator(".badge-ok").first.inner_text()
    assert page.axe_violations() == []

    assert badge == "Aktiv"
    assert english == "Active"

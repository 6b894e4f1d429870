from datetime import date, timedelta

import pytest
from django.utils import timezone

from tandems.models import CheckIn, Meeting, Tandem
from tests.factories import ProgramCoordinatorFactory
from tests.factories.tandems import make_checkin, make_meeting, make_tandem

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def some_tandems(program, count: int) -> None:
    today = timezone.localdate()
    start = date(today.year, 1, 5)
    for n in range(count):
        tandem = make_tandem(program, Tandem.Status.ACTIVE, start + timedelta(days=n))
        make_meeting(tandem, start + timedelta(days=n + 7), Meeting.Status.HELD, 75)
        for respondent in CheckIn.Respondent.values:
            make_checkin(
                tandem, respondent, CheckIn.Occasion.START, tandem.started_on, 4, (3, 4, 4), 5
            )


def test_program_report_accessible_and_local_only(page, live_server):
    membership = ProgramCoordinatorFactory()
    some_tandems(membership.program, 3)
    page.login(live_server.url, membership.user)
    base = f"{live_server.url}/koordination/programme/{membership.program.slug}/bericht/"

    page.goto(base)
    assert page.axe_violations() == []
    assert "3" in page.locator("main table").first.inner_text()

    page.goto(f"{base}?von=2026-06-01&bis=2026-01-01")
    assert page.locator(".notice").count() == 1
    assert page.axe_violations() == []

    page.emulate_media(media="print")
    assert page.locator("form").first.is_visible() is False
    assert page.locator("main table").first.is_visible() is True
    assert page.outside_requests() == []
    assert page.csp_violations() == []


def test_network_report_accessible_for_staff(page, live_server, staff_user):
    some_tandems(ProgramCoordinatorFactory().program, 2)
    page.login(live_server.url, staff_user)

    page.goto(f"{live_server.url}/en/koordination/netzwerk/bericht/")

    assert page.axe_violations() == []
    assert page.outside_requests() == []


@pytest.mark.parametrize("language", ["", "/en"])
def test_impact_page_accessible_and_local_only(page, live_server, program, language):
    some_tandems(program, 6)

    page.goto(f"{live_server.url}{language}/mentoring-wirkt/")

    assert page.locator("svg[role=img]").count() == 2
    assert page.axe_violations() == []
    assert page.outside_requests() == []
    assert page.csp_violations() == []

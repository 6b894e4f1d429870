"""The coordinator finds a person by a misspelled name from the coordination page and opens the
record."""

import pytest

from tests.factories import ProgramCoordinatorFactory, ProgramFactory
from tests.factories.tandems import applicant, new_mentee

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_coordinator_finds_a_misspelled_name_and_opens_the_record(page, live_server):
    membership = ProgramCoordinatorFactory()
    program = membership.program
    application = applicant(program, name="Mira Mentorin", phone="0170 1234567")
    new_mentee(program, first_name="Jürgen", guardian_name="Familie Groß")
    applicant(ProgramFactory(), name="Mira Mentorin")  # another program's: never shown
    page.login(live_server.url, membership.user)
    base = live_server.url

    page.goto(f"{base}/koordination/")
    page.fill("#people-search-q", "Mira Mentorn")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_url(f"{base}/koordination/suche/?q=Mira+Mentorn")

    main = page.locator("main").inner_text()
    assert "1 Treffer für „Mira Mentorn“" in main
    assert "Bewerber:innen (1)" in main
    assert page.axe_violations() == []
    page.click("main li a:has-text('Mira Mentorin')")
    page.wait_for_url(f"{base}/koordination/bewerbungen/{application.pk}/")
    assert page.locator(f"a[href='mailto:{application.volunteer.email}']").count() == 1
    assert page.locator("a[href='tel:01701234567']").count() == 1

    page.goto(f"{base}/koordination/suche/?q=Juergen+Gross")
    assert "Mentees (1)" in page.locator("main").inner_text()
    page.goto(f"{base}/koordination/suche/?q=%25")
    assert "Bitte suchen Sie nach Buchstaben oder Ziffern" in page.locator("main").inner_text()
    assert page.axe_violations() == []
    assert page.outside_requests() == []
    assert page.csp_violations() == []

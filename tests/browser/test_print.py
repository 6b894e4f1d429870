"""Reports, participant lists, a program's people lists and a tandem's page on paper (print.css)."""

import io
from datetime import date, timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from events import services as event_services
from events.forms.registration import REGISTRATION_PRIVACY_VERSION
from programs.models import ProgramCoordinator
from tandems.models import CheckIn, Meeting, Tandem
from tests.factories import (
    EventFactory,
    ProgramCoordinatorFactory,
    ProgramFactory,
    running_tandem,
)
from tests.factories.tandems import make_checkin, make_meeting, make_tandem

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# The page's header with the navigation and its footer, however the header is built.
CHROME = "body > header, body > header nav, body > footer"


def some_tandems(program, count: int) -> None:
    start = date(timezone.localdate().year, 1, 5)
    for n in range(count):
        tandem = make_tandem(program, Tandem.Status.ACTIVE, start + timedelta(days=n))
        make_meeting(tandem, start + timedelta(days=n + 7), Meeting.Status.HELD, 75)
        make_checkin(
            tandem,
            CheckIn.Respondent.MENTOR,
            CheckIn.Occasion.START,
            tandem.started_on,
            4,
            (3, 4, 4),
            5,
        )


def on_paper(page) -> dict:
    """What the printed page shows: the chrome, forms and buttons hidden, the colours."""
    page.emulate_media(media="print")
    return page.evaluate(
        """(chrome) => {
            const shown = (el) => el.getClientRects().length > 0
                && getComputedStyle(el).visibility !== 'hidden';
            const main = document.querySelector('main');
            return {
                chrome: [...document.querySelectorAll(chrome)].filter(shown).length,
                chromeThere: document.querySelectorAll(chrome).length,
                controls: [...main.querySelectorAll('form, button, .button, a[href*=".csv"]')]
                    .filter(shown).map((el) => el.outerHTML.slice(0, 80)),
                heading: shown(main.querySelector('h1')),
                color: getComputedStyle(main.querySelector('h1')).color,
                background: getComputedStyle(document.body).backgroundColor,
                rows: [...main.querySelectorAll('tbody tr')].filter(shown).length,
                allRows: main.querySelectorAll('tbody tr').length,
                rowBreak: [...main.querySelectorAll('tbody tr')].map(
                    (el) => getComputedStyle(el).breakInside),
                headRepeats: [...main.querySelectorAll('thead')].every(
                    (el) => getComputedStyle(el).display === 'table-header-group'),
            };
        }""",
        CHROME,
    )


def assert_clean(paper: dict, rows: int) -> None:
    assert paper["chromeThere"] >= 3  # header, main navigation, footer: there on every page
    assert paper["chrome"] == 0
    assert paper["controls"] == []
    assert paper["heading"] is True
    assert paper["color"] == "rgb(0, 0, 0)"
    assert paper["background"] in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)")
    assert paper["rows"] == paper["allRows"]  # not one row of a table left out
    assert paper["rows"] >= rows
    assert set(paper["rowBreak"]) == {"avoid"}
    assert paper["headRepeats"] is True


def pages_of(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def test_program_report_prints_without_chrome(page, live_server):
    membership = ProgramCoordinatorFactory()
    some_tandems(membership.program, 3)
    page.login(live_server.url, membership.user)
    page.goto(f"{live_server.url}/koordination/programme/{membership.program.slug}/bericht/")
    assert page.locator("body > header").is_visible() is True  # on screen

    paper = on_paper(page)

    # At least: tandems 7, meetings 4, support 2, check-ins 4 overall and 4 per occasion.
    assert_clean(paper, rows=7 + 4 + 2 + 4 + 4)
    assert page.locator("main table").first.is_visible() is True
    assert pages_of(page.pdf(format="A4")) >= 1
    assert page.csp_violations() == []


def test_network_report_prints_without_chrome(page, live_server, staff_user):
    some_tandems(ProgramCoordinatorFactory().program, 2)
    page.login(live_server.url, staff_user)
    page.goto(f"{live_server.url}/koordination/netzwerk/bericht/")

    paper = on_paper(page)

    # The network's tandems have one more figure: the programs with active tandems.
    assert_clean(paper, rows=8 + 4 + 2 + 4 + 4)


def test_participant_list_prints_every_registration_without_chrome(page, live_server):
    membership = ProgramCoordinatorFactory()
    event = EventFactory(program=membership.program)
    for n in range(3):
        registration = event_services.registration_create(
            event=event,
            name=f"Teilnehmerin {n}",
            email=f"t{n}@example.org",
            consent_version=REGISTRATION_PRIVACY_VERSION,
            language="de",
        )
        event_services.registration_confirm(registration=registration)
    page.login(live_server.url, membership.user)
    page.goto(f"{live_server.url}/koordination/veranstaltungen/{event.slug}/teilnehmende/")

    paper = on_paper(page)

    assert_clean(paper, rows=3)
    assert "Teilnehmerin 2" in page.locator("main table").inner_text()


def test_tandem_list_and_tandem_page_print_without_filters_and_actions(page, live_server):
    membership = ProgramCoordinatorFactory()
    program = membership.program
    tandem = running_tandem(program, mentee_name="Jana", started_on=timezone.localdate())
    running_tandem(program, mentee_name="Karl", started_on=timezone.localdate())
    page.login(live_server.url, membership.user)

    page.goto(f"{live_server.url}/koordination/programme/{program.slug}/tandems/")
    assert page.locator("form.action-filters").is_visible() is True
    assert_clean(on_paper(page), rows=2)

    page.emulate_media(media="screen")
    page.goto(f"{live_server.url}/koordination/tandems/{tandem.pk}/")
    assert page.locator("main form").first.is_visible() is True
    paper = on_paper(page)
    assert paper["chrome"] == 0
    assert paper["controls"] == []
    assert paper["heading"] is True
    assert page.locator("main .facts").is_visible() is True
    assert "Jana" in page.locator("main h1").inner_text()


def test_dashboard_prints_each_program_on_its_own_sheet(page, live_server):
    membership = ProgramCoordinatorFactory()
    ProgramCoordinator.objects.create(program=ProgramFactory(), user=membership.user)
    page.login(live_server.url, membership.user)
    page.goto(f"{live_server.url}/koordination/")

    on_paper(page)
    breaks = page.locator(".print-page").evaluate_all(
        "(els) => els.map((el) => getComputedStyle(el).breakBefore)"
    )
    sheets = pages_of(page.pdf(format="A4"))

    assert breaks == ["auto", "page"]
    assert sheets == 2  # both programs' short lists would fit on one


def test_mentors_tandem_page_prints_without_the_private_calendar_address(page, live_server):
    tandem = running_tandem(ProgramFactory(), mentee_name="Jana")
    page.login(live_server.url, tandem.mentor)
    page.goto(f"{live_server.url}/mein-bereich/tandems/{tandem.pk}/")
    page.locator("#calendar-title ~ form button").first.click()  # create the calendar address
    page.wait_for_selector("#feed-url")

    paper = on_paper(page)

    assert paper["chrome"] == 0
    assert paper["controls"] == []
    assert paper["heading"] is True
    assert page.locator("#feed-url").is_visible() is False
    assert page.locator("#calendar-title").is_visible() is False
    assert page.locator(".concern-link").is_visible() is False
    assert page.locator("#meetings-title").is_visible() is True

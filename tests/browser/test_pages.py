import re

import pytest

from tests.factories import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PAGES = [
    "/",
    "/mitmachen/",
    "/impressum/",
    "/datenschutz/",
    "/barrierefreiheit/",
    "/programme/",
    "/veranstaltungen/",
    "/veranstaltungen/archiv/",
    "/mentoring-wirkt/",
    "/konto/login/",
    "/konto/signup/",
    "/konto/password/reset/",
    "/gibt-es-nicht/",
]


@pytest.mark.parametrize("language", ["", "/en"])
def test_public_and_account_pages_accessible_and_local_only(page, live_server, language):
    problems = {}
    for path in PAGES:
        page.goto(f"{live_server.url}{language}{path}")
        violations = page.axe_violations()
        if violations:
            problems[path] = violations

    assert problems == {}
    assert page.outside_requests() == []
    assert page.csp_violations() == []


def test_form_errors_accessible(page, live_server):
    page.goto(f"{live_server.url}/konto/signup/")
    page.fill("#id_email", "keine-adresse")
    page.fill("#id_password1", "kurz")
    page.fill("#id_password2", "anders")
    page.click("form.form button[type=submit]")

    assert page.locator("#id_email").get_attribute("aria-invalid") == "true"
    assert page.input_value("#id_email") == "keine-adresse"
    assert page.axe_violations() == []


def test_signup_flow_in_chromium(page, live_server, mailoutbox):
    page.goto(f"{live_server.url}/")
    page.click("text=Anmelden")
    page.click("main a[href='/konto/signup/']")
    page.fill("#id_email", "neu@example.org")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_url(re.compile(r"/konto/confirm-email/$"))

    link = re.search(r"https?://[^/\s]+(/\S+)", mailoutbox[0].body).group(1)
    page.goto(f"{live_server.url}{link}")
    page.click("form.form button[type=submit]")
    page.wait_for_url(re.compile(r"/mein-bereich/$"))

    assert page.locator("h1").inner_text() == "Mein Bereich"
    assert "neu@example.org" in page.locator("main").inner_text()
    assert page.outside_requests() == []


def test_skip_link_is_first_and_moves_focus(page, live_server):
    page.goto(f"{live_server.url}/")

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Zum Inhalt springen"
    page.keyboard.press("Enter")

    assert page.evaluate("document.activeElement.id") == "main"


def test_narrow_screen_has_no_horizontal_scrolling(page, live_server):
    page.set_viewport_size({"width": 320, "height": 640})
    for path in ["/", "/konto/signup/", "/datenschutz/"]:
        page.goto(f"{live_server.url}{path}")

        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path


def test_axe_helper_reports_real_violations(page, live_server):
    page.goto(f"{live_server.url}/")
    page.set_content(
        "<html><body><img src='/static/img/logo.svg'><input type='text'></body></html>"
    )

    found = {violation["id"] for violation in page.axe_violations()}

    assert {"html-has-lang", "image-alt", "label"} <= found


def test_request_recorder_sees_outside_hosts(page):
    # The portal's own pages cannot even try this: their CSP blocks other hosts.
    page.goto("about:blank")
    page.route("http://tiles.example.net/**", lambda route: route.abort())
    page.evaluate("fetch('http://tiles.example.net/1/2/3.png').catch(() => null)")
    page.wait_for_timeout(200)

    assert page.outside_requests() == ["http://tiles.example.net/1/2/3.png"]


SIGNED_IN_PAGES = [
    "/mein-bereich/",
    "/konto/email/",
    "/konto/password/change/",
    "/konto/2fa/",
    "/konto/reauthenticate/",
    "/konto/logout/",
    "/koordination/",
    "/koordination/veranstaltungen/",
    "/koordination/veranstaltungen/neu/",
]


@pytest.mark.parametrize("language", ["", "/en"])
def test_signed_in_pages_accessible(page, live_server, language):
    from tests.factories import ProgramCoordinatorFactory

    membership = ProgramCoordinatorFactory()
    page.login(live_server.url, membership.user)
    paths = [*SIGNED_IN_PAGES, f"/koordination/programme/{membership.program.slug}/"]
    problems = {}
    for path in paths:
        page.goto(f"{live_server.url}{language}{path}")
        violations = page.axe_violations()
        if violations:
            problems[path] = violations

    assert problems == {}
    assert page.outside_requests() == []
    assert page.csp_violations() == []


def test_staff_review_queue_accessible(page, live_server):
    from events.vocabularies import ensure_vocabularies
    from programs.models import Program
    from tests.factories import EventFactory, ProgramFactory, UserFactory

    ProgramFactory(status=Program.Status.REVIEW)
    ensure_vocabularies()  # a transactional test may start after the migrations' rows are gone
    EventFactory(status="review", description_html="<p>Bitte prüfen.</p>")
    page.login(live_server.url, UserFactory(is_staff=True))

    page.goto(f"{live_server.url}/netzwerk/pruefung/")
    queue = page.axe_violations()
    page.goto(f"{live_server.url}/netzwerk/pruefung/veranstaltungen/")

    assert (queue, page.axe_violations()) == ([], [])


def test_error_pages_accessible(page, live_server):
    for path in ["/gibt-es-nicht/", "/en/gibt-es-nicht/"]:
        page.goto(f"{live_server.url}{path}")

        assert page.axe_violations() == []

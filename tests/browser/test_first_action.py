"""Each page's first action on a phone's first screen, for every role and every HTML page of the
access matrix: at 375 × 667 the page's primary action lies below the header and above the fold.

The primary action is what the template marks `data-primary-action` (the first marked element in
the page's order, so a template may mark a fallback after the main one): a button or link, or a
form or list of filters, whose first visible control then counts. A page without one is a page to
read (READING_PAGES, or READING_FOR_ROLES for some roles only); an irreversible decision marks
its action below what it does (READ_BEFORE_DECIDING). Each list names its reason."""

import pytest
from django.test import Client

from tests.access_matrix import MATRIX, ROLES, build_world, expected_status
from tests.conftest import RecordedPage

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 375, "height": 667}
# A control counts as on the first screen when it is whole there or, if taller (a text area, a
# group of radio buttons), when its first 44 px are (the size of a touch target, WCAG 2.5.5): a
# person sees where to tap or to begin typing.
TARGET = 44

# Pages to read, without an action of their own (matrix route: why). Every other page marks its
# first action: the main button or link ("Treffen eintragen", "Bewerben", "Neue Veranstaltung"),
# the search field or filter of a list, or a form (its first field is where one begins).
READING_PAGES = {
    "impressum/": "the legal notice: text and addresses to read",
    "datenschutz/": "the privacy policy: text to read; its links to the self-service are in it",
    "barrierefreiheit/": "the accessibility statement: text to read",
    "quellcode/": "where the source code is: text and a link to the licence",
    "karte/einbetten/": "the map for other sites' iframes: no header, the map is the page",
    "aktuelles/<slug:slug>/": "a news item: its text is the page",
    "<slug:slug>/": "an editorial page (flat page): its text is the page",
    "mentoring-wirkt/": "the network's figures and their sources: a report to read",
    "netzwerk/import/anleitung/": "the import's guide: columns and rules to read",
    "netzwerk/stil/": "the living style page: the components to look at, nothing to do",
    "koordination/programme/<slug:slug>/nachrichten/<int:pk>/": (
        "a message sent: what went to whom, nothing left to do with it"
    ),
    "netzwerk/meldungen/<int:pk>/vorschau/": "a news item's preview: its text as it will be shown",
}

# Decisions that cannot be undone: what they do is read first and their marked action follows,
# below the fold on a phone.
READ_BEFORE_DECIDING = {
    "mein-bereich/konto-loeschen/": (
        "deleting one's account: its consequences are read before the password that confirms it"
    ),
    "koordination/mentees/<int:pk>/loeschen/": (
        "erasing a mentee: the consequences are read before the confirmation"
    ),
    "netzwerk/import/<int:pk>/": (
        "the import's dry run: its report is read before the button that imports"
    ),
}

# Pages that have an action for most roles and none for some: route -> (those roles, why).
READING_FOR_ROLES = {
    "koordination/meldungen/neu/": (
        {"staff", "operator"},
        "no program to propose news for: a notice says so",
    ),
    "mein-bereich/konto-loeschen/": (
        {"staff", "operator"},
        "staff accounts are removed by other staff: a notice says so",
    ),
}

# The primary action's control: the marked element itself, or (a form, a list of filters) its
# first visible control. One round trip per page.
MEASURE = """() => {
    const CONTROLS = "a[href], button, input:not([type=hidden]), select, textarea, summary";
    const header = document.querySelector(".site-header");
    const marked = document.querySelector("main [data-primary-action]");
    let control = null;
    if (marked) {
        const candidates = marked.matches(CONTROLS)
            ? [marked] : Array.from(marked.querySelectorAll(CONTROLS));
        control = candidates.find((element) => element.checkVisibility()) || null;
    }
    const box = control && control.getBoundingClientRect();
    return {
        header_bottom: header ? header.getBoundingClientRect().bottom : 0,
        marked: Boolean(marked),
        control: control ? (control.textContent.trim() || control.name || control.tagName) : null,
        top: box ? box.top : null,
        bottom: box ? box.bottom : null,
        left: box ? box.left : null,
        right: box ? box.right : null,
        scroll_y: window.scrollY,
    };
}"""


def _html_pages(world: dict, role: str) -> list[tuple[str, str]]:
    """(route, path) of the matrix's pages that answer `role` with 200 and HTML."""
    client = Client()
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    pages = []
    for route, (template, expected) in MATRIX.items():
        if expected_status(expected, role) != 200:
            continue
        path = template.format(**world["values"])
        response = client.get(path)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            pages.append((route, path))
    return pages


def _to_read(route: str, role: str) -> bool:
    """Whether the page is one to read for this role (it need not mark an action)."""
    roles, _why = READING_FOR_ROLES.get(route, (set(), ""))
    return route in READING_PAGES or role in roles


def _problem(measured: dict) -> str | None:
    """Why the measured primary action is not on the first screen, or None when it is."""
    if not measured["marked"]:
        return "no [data-primary-action]"
    if measured["top"] is None:
        return "the marked action has no visible control"
    if measured["scroll_y"] != 0:
        return f"the page scrolled to {measured['scroll_y']}"
    height = measured["bottom"] - measured["top"]
    if measured["top"] < measured["header_bottom"] - 1:
        return f"under the header ({measured['top']:.0f} < {measured['header_bottom']:.0f})"
    if measured["top"] + min(height, TARGET) > PHONE["height"]:
        return f"below the fold ({measured['control']!r} at {measured['top']:.0f})"
    if measured["left"] < 0 or measured["right"] > PHONE["width"] + 1:
        return f"beside the screen ({measured['left']:.0f}–{measured['right']:.0f})"
    return None


def test_first_action_on_the_first_screen_of_every_page_and_role(_browser, live_server, settings):
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    world = build_world()
    base = live_server.url
    problems, marked_reading, measured_per_role = {}, {}, {}

    for role in ROLES:
        pages = _html_pages(world, role)
        measured_per_role[role] = len(pages)
        context = _browser.new_context(base_url=base, locale="de-DE", viewport=PHONE)
        page = RecordedPage(context.new_page())
        if world["users"][role] is not None:
            page.login(base, world["users"][role])
        for route, path in pages:
            page.goto(f"{base}{path}")
            measured = page.evaluate(MEASURE)
            if _to_read(route, role):
                if measured["marked"]:
                    marked_reading[route] = role
                continue
            problem = _problem(measured)
            if route in READ_BEFORE_DECIDING and problem and problem.startswith("below the fold"):
                continue
            if problem:
                problems[f"{role} {path}"] = problem
        assert page.csp_violations() == []
        context.close()

    assert problems == {}, "\n".join(f"{page}: {problem}" for page, problem in problems.items())
    # A reading page that gained an action leaves the list.
    assert marked_reading == {}
    assert set(READING_PAGES) | set(READ_BEFORE_DECIDING) | set(READING_FOR_ROLES) <= set(MATRIX)
    # Every role's pages were measured: public ones, a mentor's, a coordinator's, the network's.
    assert measured_per_role["anonymous"] >= 15
    assert measured_per_role["mentor"] >= 30
    assert measured_per_role["coordinator_a"] >= 50
    assert measured_per_role["staff"] >= 50


def test_a_page_without_a_marked_action_is_reported(_browser, live_server):
    """The measurement itself: an unmarked page and an action below the fold are both found."""
    context = _browser.new_context(base_url=live_server.url, locale="de-DE", viewport=PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/impressum/")
    unmarked = _problem(page.evaluate(MEASURE))
    page.goto(f"{live_server.url}/programme/")
    on_screen = _problem(page.evaluate(MEASURE))
    page.evaluate(
        """() => {
            const action = document.querySelector("main [data-primary-action]");
            const spacer = document.createElement("div");
            spacer.className = "first-action-spacer";
            spacer.textContent = "x";
            action.before(spacer);
            spacer.style.height = "700px";
        }"""
    )
    pushed_down = _problem(page.evaluate(MEASURE))
    context.close()

    assert unmarked == "no [data-primary-action]"
    assert on_screen is None
    assert pushed_down is not None and pushed_down.startswith("below the fold")

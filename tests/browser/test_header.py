"""The phone-first header: on a 375 × 667 screen it takes at most a quarter of the height on every
page of the access matrix, public and signed in, and each page's heading is on the first screen;
its menu (a native disclosure) opens and closes by keyboard, with and without JavaScript; from
48rem on the navigation shows as a bar and there is no menu button."""

import pytest
from django.test import Client

from tests.access_matrix import ROLES, build_world, paths_answering
from tests.conftest import RecordedPage

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 375, "height": 667}
DESKTOP = {"width": 1280, "height": 800}
# The header may take a quarter of the first screen: the page's heading and first action follow.
HEADER_SHARE = 0.25

# One round trip per page: the header's height, the first heading's box, whether the menu is open.
MEASURE = """() => {
    const header = document.querySelector(".site-header");
    const h1 = document.querySelector("main h1");
    const box = h1 && h1.getBoundingClientRect();
    return {
        header: header ? header.getBoundingClientRect().height : 0,
        h1_top: box ? box.top : null,
        h1_bottom: box ? box.bottom : null,
        menu_open: Boolean(document.querySelector(".site-header details[open]")),
        scroll_y: window.scrollY,
    };
}"""


@pytest.fixture
def contexts(_browser, live_server, settings):
    """New browser contexts (a phone's screen unless told otherwise), closed after the test."""
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    opened = []

    def new(user=None, *, viewport=PHONE, **options) -> RecordedPage:
        context = _browser.new_context(
            base_url=live_server.url, locale="de-DE", viewport=viewport, **options
        )
        opened.append(context)
        page = RecordedPage(context.new_page())
        if user is not None:
            page.login(live_server.url, user)
        return page

    yield new
    for context in opened:
        context.close()


def _html_pages(world: dict, role: str) -> list[str]:
    """The matrix's pages that answer `role` with 200 and HTML (not a CSV, feed or download)."""
    client = Client()
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    pages = []
    for path in paths_answering(world, role):
        response = client.get(path)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            pages.append(path)
    return pages


def _focus_menu_button(page) -> None:
    """Tab from the top of the page until the menu button has the focus (skip link, brand, it)."""
    for _ in range(4):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('.site-header summary')"):
            return
    raise AssertionError("the menu button is not reached by Tab")


def _menu(page) -> dict:
    return page.evaluate(
        """() => ({
            open: document.querySelector(".site-header details").open,
            nav_visible: document.querySelector(".main-nav").checkVisibility(),
            language_visible: document.querySelector(".language-switcher").checkVisibility(),
            focus_on_button: document.activeElement.matches(".site-header summary"),
        })"""
    )


MENU_NAMES = {"Menü", "Menu"}


def _menu_button_as_announced(page) -> list[tuple]:
    """What a screen reader gets from Chromium's accessibility tree for the menu button: role, name
    and whether it is expanded."""
    session = page.context.new_cdp_session(page.page)
    try:
        nodes = session.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        session.detach()
    found = []
    for node in nodes:
        if node.get("ignored") or node.get("role", {}).get("value") != "DisclosureTriangle":
            continue
        if node["name"]["value"] not in MENU_NAMES:  # a page's own disclosures (figures per week)
            continue
        states = {item["name"]: item["value"].get("value") for item in node.get("properties", [])}
        found.append((node["name"]["value"], states.get("expanded")))
    return found


def test_header_leaves_the_first_screen_to_each_page_of_the_access_matrix(live_server, contexts):
    """Every HTML page of the matrix, once, on a 375 × 667 screen: anonymous for the public ones,
    then each signed-in role for the pages only it (or a role before it) may see. Coordinators,
    network staff and operators have their second factor (TOTP) as in the other browser tests."""
    world = build_world()
    base = live_server.url
    limit = PHONE["height"] * HEADER_SHARE
    visited, too_tall, heading_below, redirected, per_role = {}, {}, {}, {}, {}

    for role in ROLES:
        paths = [path for path in _html_pages(world, role) if path not in visited]
        per_role[role] = len(paths)
        if not paths:
            continue
        page = contexts(world["users"][role])
        for path in paths:
            response = page.goto(f"{base}{path}")
            landed = response.url.removeprefix(base)
            if landed != path:
                redirected[path] = landed
            measured = page.evaluate(MEASURE)
            visited[path] = (role, measured)
            if measured["header"] > limit or measured["menu_open"]:
                too_tall[path] = measured["header"]
            # The map's embed has no header and no h1 of its own (an iframe's content).
            if path != "/karte/einbetten/" and (
                measured["h1_bottom"] is None or measured["h1_bottom"] > PHONE["height"]
            ):
                heading_below[path] = measured["h1_bottom"]
        assert page.csp_violations() == []

    assert too_tall == {}
    assert heading_below == {}
    assert redirected == {}
    # Pages of each kind were measured: public ones, a mentor's, a coordinator's, the network's.
    assert per_role["anonymous"] >= 15
    assert per_role["mentor"] >= 5
    assert per_role["coordinator_a"] >= 10
    assert per_role["staff"] >= 5
    assert "/koordination/" in visited and "/netzwerk/" in visited and "/mein-bereich/" in visited
    assert max(measured["header"] for _role, measured in visited.values()) <= limit


@pytest.mark.parametrize(
    ("language", "name"), [("", "Menü"), ("/en", "Menu")], ids=["german", "english"]
)
def test_menu_opens_and_closes_by_keyboard_on_a_phone(live_server, contexts, language, name):
    from tests.factories import ProgramCoordinatorFactory

    membership = ProgramCoordinatorFactory()
    page = contexts(membership.user)
    page.goto(f"{live_server.url}{language}/koordination/")
    closed_axe = page.axe_violations()
    closed = _menu(page)
    announced_closed = _menu_button_as_announced(page)
    header_closed = page.locator(".site-header").bounding_box()["height"]

    _focus_menu_button(page)
    button = page.evaluate(
        "() => [document.activeElement.tagName, document.activeElement.textContent.trim()]"
    )
    page.keyboard.press("Enter")
    opened_by_enter = _menu(page)
    open_axe = page.axe_violations()
    # The role links and sign-out are inside the open menu.
    links = page.locator(".site-header details[open] .main-nav").inner_text()
    announced_open = _menu_button_as_announced(page)
    page.keyboard.press(" ")
    closed_by_space = _menu(page)
    page.keyboard.press(" ")
    opened_by_space = _menu(page)
    # Escape (js/header.js) closes it from inside the menu and returns the focus to its button.
    page.keyboard.press("Tab")
    page.keyboard.press("Escape")
    closed_by_escape = _menu(page)

    assert header_closed <= PHONE["height"] * HEADER_SHARE
    assert closed == {
        "open": False,
        "nav_visible": False,
        "language_visible": False,
        "focus_on_button": False,
    }
    assert button == ["SUMMARY", name]
    assert opened_by_enter == {
        "open": True,
        "nav_visible": True,
        "language_visible": True,
        "focus_on_button": True,
    }
    # A disclosure button with its name, announced collapsed and then expanded.
    assert announced_closed == [(name, False)]
    assert announced_open == [(name, True)]
    coordination = "Coordination" if language else "Koordination"
    my_area = "My area" if language else "Mein Bereich"
    sign_out = "Sign out" if language else "Abmelden"
    assert coordination in links and my_area in links and sign_out in links
    assert closed_by_space["open"] is False and closed_by_space["nav_visible"] is False
    assert opened_by_space["open"] is True and opened_by_space["nav_visible"] is True
    assert closed_by_escape == {
        "open": False,
        "nav_visible": False,
        "language_visible": False,
        "focus_on_button": True,
    }
    assert closed_axe == [] and open_axe == []
    assert page.csp_violations() == []


def test_menu_works_without_javascript(live_server, contexts):
    page = contexts(java_script_enabled=False)
    page.goto(f"{live_server.url}/programme/")
    before = _menu(page)

    _focus_menu_button(page)
    page.keyboard.press("Enter")
    opened = _menu(page)
    page.keyboard.press("Enter")
    closed = _menu(page)
    page.click(".site-header summary")
    clicked = _menu(page)
    page.click(".main-nav a[href='/veranstaltungen/']")
    page.wait_for_url(f"{live_server.url}/veranstaltungen/")
    after_navigating = _menu(page)

    assert before["open"] is False and before["nav_visible"] is False
    assert opened["open"] is True and opened["nav_visible"] is True
    assert opened["language_visible"] is True
    assert closed["open"] is False and closed["nav_visible"] is False
    assert clicked["open"] is True and clicked["nav_visible"] is True
    assert after_navigating["open"] is False


def test_skip_link_leads_past_the_header_on_a_phone(live_server, contexts):
    page = contexts()
    page.goto(f"{live_server.url}/")

    page.keyboard.press("Tab")
    skip = page.evaluate("document.activeElement.getAttribute('href')")
    page.keyboard.press("Enter")
    focused = page.evaluate("document.activeElement.id")

    assert skip == "#main"
    assert focused == "main"


def test_from_48rem_the_navigation_is_a_bar_without_a_menu_button(live_server, contexts):
    from tests.factories import ProgramCoordinatorFactory

    membership = ProgramCoordinatorFactory()
    page = contexts(membership.user, viewport=DESKTOP)
    page.goto(f"{live_server.url}/koordination/")
    shown = _menu(page)
    button_visible = page.locator(".site-header summary").is_visible()
    announced = _menu_button_as_announced(page)
    navigations = page.locator("nav.main-nav").count()
    bar = page.locator(".main-nav").bounding_box()
    links = page.locator(".main-nav").inner_text()
    # By keyboard the brand, the other language and the navigation follow the skip link.
    focus_order = []
    for _ in range(4):
        page.keyboard.press("Tab")
        focus_order.append(page.evaluate("document.activeElement.textContent.trim()"))
    axe = page.axe_violations()
    phone_width = contexts(membership.user, viewport={"width": 767, "height": 800})
    phone_width.goto(f"{live_server.url}/koordination/")

    assert shown["nav_visible"] is True and shown["language_visible"] is True
    assert shown["open"] is False
    assert button_visible is False
    assert announced == []
    assert navigations == 1
    # One row: the links side by side under the brand's row.
    assert bar["height"] < 60
    assert "Koordination" in links and "Mein Bereich" in links and "Abmelden" in links
    assert focus_order == ["Zum Inhalt springen", "Mentoring-Portal", "English", "Karte"]
    assert axe == []
    # Just below 48rem (767px at 16px per rem): the menu button again.
    assert phone_width.locator(".site-header summary").is_visible() is True
    assert _menu(phone_width)["nav_visible"] is False

"""The filters on a phone: the program list's facets and the calendar's filters fold behind one
button (a native disclosure), so the results follow the search fields; from 48rem on they are
always shown. Open where something is chosen; by keyboard and without JavaScript too."""

import pytest

from programs.models import TargetGroup
from tests.factories import EventFactory, ProgramFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 375, "height": 667}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture
def data():
    children, _ = TargetGroup.objects.get_or_create(
        slug="kinder", defaults={"name_de": "Kinder", "name_en": "Children"}
    )
    ProgramFactory(name="Lesepaten Leipzig").target_groups.add(children)
    ProgramFactory(name="Seniorenbegleitung Leipzig")
    EventFactory(title="Netzwerktreffen Leipzig")


def top(page, selector: str) -> float:
    return page.locator(selector).first.bounding_box()["y"]


@pytest.mark.parametrize(
    ("path", "summary", "result"),
    [
        ("/programme/", "Weitere Filter", "#results-heading"),
        ("/veranstaltungen/", "Filter", "#subscribe-heading"),
    ],
)
def test_on_a_phone_the_filters_fold_and_open_by_keyboard(
    page, live_server, data, path, summary, result
):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{path}")

    button = page.locator(".more-filters > summary")
    assert button.inner_text().strip() == summary
    assert not page.locator(".more-filters fieldset").first.is_visible()
    # The results (or the calendar's next part) follow within the first two screens.
    assert top(page, result) < 2 * PHONE["height"]

    button.focus()
    page.keyboard.press("Enter")
    assert page.locator(".more-filters fieldset").first.is_visible()
    page.keyboard.press("Enter")
    assert not page.locator(".more-filters fieldset").first.is_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.axe_violations() == []


def test_a_chosen_filter_keeps_them_open_and_is_counted(page, live_server, data):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/programme/?zielgruppe=kinder")

    assert (
        page.locator(".more-filters > summary").inner_text().strip()
        == "Weitere Filter (1 ausgewählt)"
    )
    assert page.locator("#f-zielgruppe-kinder").is_visible()
    assert page.locator("#f-zielgruppe-kinder").is_checked()


def test_without_javascript_the_folded_filters_work(_browser, live_server, data):
    context = _browser.new_context(viewport=PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/en/programme/")
        page.locator(".more-filters > summary").click()
        page.check("#f-zielgruppe-kinder")
        page.get_by_role("button", name="Show programs").click()
        page.wait_for_url("**/en/programme/?**zielgruppe=kinder**")
        assert "Lesepaten Leipzig" in page.content()
        assert "Seniorenbegleitung Leipzig" not in page.content()
        assert (
            page.locator(".more-filters > summary").inner_text().strip()
            == "More filters (1 chosen)"
        )
    finally:
        context.close()


@pytest.mark.parametrize("path", ["/programme/", "/veranstaltungen/"])
def test_on_a_wide_screen_the_filters_are_always_shown(page, live_server, data, path):
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}{path}")

    assert not page.locator(".more-filters > summary").is_visible()
    assert page.locator(".more-filters fieldset").first.is_visible()
    assert page.axe_violations() == []

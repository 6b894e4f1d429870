import pytest

from pages.demo import create_demo_pages

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def demo_pages(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    create_demo_pages()


@pytest.mark.parametrize(
    "path",
    [
        "/ueber-mentoring/",
        "/en/ueber-mentoring/",
        "/menschen-staerken-menschen/",
        "/kontakt/",
        "/en/kontakt/",
    ],
)
def test_editorial_pages_accessible_and_local_only(page, live_server, demo_pages, path):
    page.goto(f"{live_server.url}{path}")

    assert page.locator("h1").count() == 1
    assert page.locator("footer .partner-logos img").count() == 3
    assert page.axe_violations() == []
    assert page.outside_requests() == []
    assert page.csp_violations() == []


def test_english_fallback_page_accessible(page, live_server, demo_pages):
    from django.contrib.flatpages.models import FlatPage

    FlatPage.objects.filter(url="/en/kontakt/").delete()
    page.goto(f"{live_server.url}/en/kontakt/")

    assert "not yet available in English" in page.locator("main").inner_text()
    assert page.locator("h1").inner_text() == "Kontakt"
    assert page.axe_violations() == []
    assert page.outside_requests() == []


def test_contact_page_at_phone_width(page, live_server, demo_pages):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server.url}/kontakt/")

    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    assert "[at]" in page.locator(".contact-list").inner_text()

"""Network staff keep the news and the funders and partners without the admin: a news item
written and published, a partner added with a logo; every page accessible (axe: 0)."""

import io

import pytest
from PIL import Image

from news.models import NewsItem
from pages.models import Partner
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def staff(page, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    user = UserFactory(is_staff=True)
    page.login(live_server.url, user)
    return user


def png(size=(600, 150)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (20, 90, 160)).save(buffer, format="PNG")
    return buffer.getvalue()


def accessible(page) -> dict:
    return {"axe": page.axe_violations(), "csp": page.csp_violations()}


CLEAN = {"axe": [], "csp": []}


def test_staff_write_and_publish_a_news_item(page, live_server, staff):
    page.goto(f"{live_server.url}/netzwerk/meldungen/")
    assert accessible(page) == CLEAN
    page.click("text=Meldung schreiben")

    # Sent empty first: the errors, in German, at their fields.
    page.click("button[value=save]")
    assert (
        page.locator("#id_title-error-1").inner_text() == "Dieses Feld ist zwingend erforderlich."
    )
    assert accessible(page) == CLEAN

    page.fill("#id_title", "Neue Lesepat:innen gesucht")
    page.fill("#id_teaser", "Das Netzwerk sucht Freiwillige für Leipzig.")
    page.fill("#id_body", "## Wer mitmacht\n\nEine Stunde in der Woche.")
    page.click("button[value=publish]")

    assert page.locator(".message-success").inner_text() == (
        "Die Meldung wurde gespeichert und veröffentlicht."
    )
    assert accessible(page) == CLEAN
    item = NewsItem.objects.get()
    assert (item.slug, item.status) == ("neue-lesepatinnen-gesucht", NewsItem.Status.PUBLISHED)

    page.click("text=Vorschau")
    assert page.locator("article h1").inner_text() == "Neue Lesepat:innen gesucht"
    assert accessible(page) == CLEAN

    page.goto(f"{live_server.url}/aktuelles/{item.slug}/")
    assert page.locator(".prose h2").inner_text() == "Wer mitmacht"
    assert page.outside_requests() == []


def test_staff_add_a_partner_with_a_logo(page, live_server, staff):
    page.goto(f"{live_server.url}/netzwerk/partner/")
    assert accessible(page) == CLEAN
    page.click("text=Förderer oder Partner hinzufügen")
    assert accessible(page) == CLEAN

    # A program renamed to logo.png first: refused in German, nothing saved.
    page.fill("#id_name", "Stiftung Bürgersinn")
    page.select_option("#id_kind", "funder")
    page.fill("#id_logo_alt", "Stiftung Bürgersinn")
    page.set_input_files(
        "#id_logo", {"name": "logo.png", "mimeType": "image/png", "buffer": b"MZ\x90" + bytes(300)}
    )
    page.click("main button[type=submit]")
    assert "Bitte ein gültiges Bild hochladen." in page.locator(".field-error").first.inner_text()
    assert Partner.objects.count() == 0
    assert accessible(page) == CLEAN

    page.set_input_files("#id_logo", {"name": "logo.png", "mimeType": "image/png", "buffer": png()})
    page.click("main button[type=submit]")

    partner = Partner.objects.get()
    assert (partner.name, partner.logo_width, partner.logo_height) == (
        "Stiftung Bürgersinn",
        400,
        100,
    )
    assert page.locator("main table img").get_attribute("alt") == "Stiftung Bürgersinn"
    assert accessible(page) == CLEAN

    page.goto(f"{live_server.url}/impressum/")
    assert page.locator("footer .partner-logos img").count() == 1
    assert page.outside_requests() == []


@pytest.mark.parametrize(
    "path",
    [
        "/netzwerk/seiten/",
        "/netzwerk/seiten/neu/",
        "/en/netzwerk/ansprechpersonen/neu/",
        "/netzwerk/vokabulare/",
        "/en/netzwerk/vokabulare/themen/neu/",
    ],
)
def test_staff_pages_accessible(page, live_server, staff, path):
    page.goto(f"{live_server.url}{path}")

    assert page.locator("h1").count() == 1
    assert accessible(page) == CLEAN

import pytest
from django.contrib.flatpages.models import FlatPage

from pages.models import PageSettings
from tests.factories import UserFactory
from tests.pages.conftest import make_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_admin_creates_an_english_page_with_settings(admin_client, client):
    response = admin_client.post(
        "/admin/flatpages/flatpage/add/",
        {
            "url": "/en/kontakt/",
            "title": "Contact",
            "content": "Write to us.",
            "published": "on",
            "position": 3,
        },
    )

    assert response.status_code == 302
    page = FlatPage.objects.get(url="/en/kontakt/")
    assert (page.page_settings.published, page.page_settings.position) == (True, 3)
    assert list(page.sites.values_list("pk", flat=True)) == [1]
    assert "Write to us." in client.get("/en/kontakt/").content.decode()


def test_admin_unpublishes_a_page(admin_client, client):
    page = make_page("/kontakt/", "Kontakt")

    response = admin_client.post(
        f"/admin/flatpages/flatpage/{page.pk}/change/",
        {"url": "/kontakt/", "title": "Kontakt", "content": "Text.", "position": 0},
    )

    assert response.status_code == 302
    assert PageSettings.objects.get(page=page).published is False
    assert client.get("/kontakt/").status_code == 404


def test_admin_edits_a_legal_page(admin_client, client):
    response = admin_client.post(
        "/admin/flatpages/flatpage/add/",
        {
            "url": "/impressum/",
            "title": "Impressum des Netzwerks",
            "content": "Netzwerk e. V., Berlin",
            "published": "on",
            "position": 0,
        },
    )

    assert response.status_code == 302
    html = client.get("/impressum/").content.decode()
    assert "Impressum des Netzwerks" in html
    assert "Netzwerk e. V., Berlin" in html


def test_admin_refuses_to_unpublish_a_legal_page(admin_client, client):
    page = make_page("/datenschutz/", "Datenschutz", "Unser Text.")

    response = admin_client.post(
        f"/admin/flatpages/flatpage/{page.pk}/change/",
        {"url": "/datenschutz/", "title": "Datenschutz", "content": "Unser Text.", "position": 0},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["published"] == [
        "Rechtliche Seiten sind immer online; ihre Veröffentlichung lässt sich nicht zurücknehmen."
    ]
    assert PageSettings.objects.get(page=page).published is True
    assert "Unser Text." in client.get("/datenschutz/").content.decode()


def test_admin_refuses_an_address_of_another_app(admin_client):
    response = admin_client.post(
        "/admin/flatpages/flatpage/add/",
        {"url": "/programme/", "title": "X", "content": "", "published": "on", "position": 0},
    )

    assert response.status_code == 200
    assert "url" in response.context["adminform"].form.errors
    assert not FlatPage.objects.exists()


def test_admin_list_shows_language_and_legal_pages(admin_client):
    make_page("/impressum/", "Impressum")
    make_page("/en/kontakt/", "Contact")

    html = admin_client.get("/admin/flatpages/flatpage/").content.decode()

    assert "/impressum/" in html
    assert "/en/kontakt/" in html
    assert (
        "Deutsche Seite: /name/"
        in admin_client.get("/admin/flatpages/flatpage/add/").content.decode()
    )


def test_admin_pages_render(admin_client):
    from pages.demo import create_demo_pages
    from pages.models import ContactPerson, Partner

    create_demo_pages()
    page = FlatPage.objects.get(url="/kontakt/")
    urls = [
        "/admin/flatpages/flatpage/",
        "/admin/flatpages/flatpage/add/",
        f"/admin/flatpages/flatpage/{page.pk}/change/",
        "/admin/pages/contactperson/",
        f"/admin/pages/contactperson/{ContactPerson.objects.first().pk}/change/",
        "/admin/pages/partner/",
        f"/admin/pages/partner/{Partner.objects.first().pk}/change/",
    ]

    assert [admin_client.get(url).status_code for url in urls] == [200] * len(urls)
    assert 'value="30"' in admin_client.get(urls[2]).content.decode()

"""The network staff's pages for editorial and legal pages (/netzwerk/seiten/) and contact people
(/netzwerk/ansprechpersonen/), in place of the admin."""

import pytest
from django.contrib.flatpages.models import FlatPage

from pages.models import ContactPerson, PageSettings
from tests.factories import ProgramCoordinatorFactory, UserFactory
from tests.pages.conftest import make_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    user = UserFactory(is_staff=True)
    client.force_login(user)
    return user


def page_data(**changes):
    data = {
        "url": "/ueber-uns/",
        "title": "Über uns",
        "content": "Wir sind ein **Netzwerk**.",
        "published": "on",
        "position": "2",
    }
    return {key: value for key, value in {**data, **changes}.items() if value is not None}


def test_list_shows_language_status_and_position(client, staff):
    make_page("/ueber-uns/", "Über uns", position=2)
    make_page("/en/ueber-uns/", "About us", published=False, position=2)
    make_page("/impressum/", "Impressum")

    page = client.get("/netzwerk/seiten/").content.decode()

    assert ["Über uns" in page, "About us" in page, "Impressum" in page] == [True, True, True]
    assert "nicht veröffentlicht" in page
    assert "Englisch" in page


def test_list_query_count_does_not_grow(client, staff, django_assert_max_num_queries):
    make_page("/seite-0/", "Seite 0")
    with django_assert_max_num_queries(10):
        client.get("/netzwerk/seiten/")
    for n in range(1, 20):
        make_page(f"/seite-{n}/", f"Seite {n}")
    with django_assert_max_num_queries(10):
        assert client.get("/netzwerk/seiten/").status_code == 200


def test_staff_create_a_page_in_the_menu(client, staff):
    response = client.post("/netzwerk/seiten/neu/", page_data())

    page = FlatPage.objects.get(url="/ueber-uns/")
    assert response.status_code == 302
    assert (page.page_settings.published, page.page_settings.position) == (True, 2)
    assert list(page.sites.values_list("pk", flat=True)) == [1]
    assert "Wir sind ein" in client.get("/ueber-uns/").content.decode()


def test_staff_create_the_english_page(client, staff):
    form = client.get("/netzwerk/seiten/neu/?url=/en/ueber-uns/").content.decode()
    assert 'value="/en/ueber-uns/"' in form

    client.post("/netzwerk/seiten/neu/", page_data(url="/en/ueber-uns/", title="About us"))

    assert "About us" in client.get("/en/ueber-uns/").content.decode()


def test_staff_unpublish_and_move_a_page(client, staff):
    page = make_page("/ueber-uns/", "Über uns")

    client.post(f"/netzwerk/seiten/{page.pk}/bearbeiten/", page_data(published=None, position="7"))

    settings = PageSettings.objects.get(page=page)
    assert (settings.published, settings.position) == (False, 7)
    assert client.get("/ueber-uns/").status_code == 404


def test_legal_page_cannot_be_unpublished(client, staff):
    response = client.post(
        "/netzwerk/seiten/neu/", page_data(url="/impressum/", title="Impressum", published=None)
    )

    assert "Rechtliche Seiten sind immer online" in response.content.decode()
    assert FlatPage.objects.count() == 0


def test_legal_page_text_is_edited_here(client, staff):
    client.post("/netzwerk/seiten/neu/", page_data(url="/impressum/", content="Netzwerk e. V."))

    assert "Netzwerk e. V." in client.get("/impressum/").content.decode()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ueber uns", "Verwenden Sie die Form /name/"),
        ("/programme/", "Diese Adresse gehört zu einem anderen Teil des Portals"),
        ("/en/", "Diese Adresse gehört zu einem anderen Teil des Portals"),
    ],
)
def test_bad_address_gets_a_german_message_and_changes_nothing(client, staff, url, message):
    response = client.post("/netzwerk/seiten/neu/", page_data(url=url))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert FlatPage.objects.count() == 0


def test_a_taken_address_is_refused(client, staff):
    make_page("/ueber-uns/", "Über uns")

    response = client.post("/netzwerk/seiten/neu/", page_data(title="Zweite"))

    assert "Eine Seite mit dieser Adresse gibt es bereits." in response.content.decode()
    assert FlatPage.objects.count() == 1


def test_a_line_break_and_a_script_in_the_title(client, staff):
    client.post("/netzwerk/seiten/neu/", page_data(title="Über\nuns <script>x</script>"))

    page = FlatPage.objects.get()
    listing = client.get("/netzwerk/seiten/").content.decode()
    assert page.title == "Über uns <script>x</script>"
    assert "<script>x</script>" not in listing


def test_a_position_out_of_range_is_refused(client, staff):
    response = client.post("/netzwerk/seiten/neu/", page_data(position="-1"))

    assert "größer oder gleich 0" in response.content.decode()
    assert FlatPage.objects.count() == 0


def test_an_unknown_page_is_404(client, staff):
    assert client.get("/netzwerk/seiten/999/bearbeiten/").status_code == 404


def test_coordinators_get_403(client):
    client.force_login(ProgramCoordinatorFactory().user)

    assert client.get("/netzwerk/seiten/").status_code == 403
    assert client.post("/netzwerk/seiten/neu/", page_data()).status_code == 403
    assert FlatPage.objects.count() == 0


# --- Contact people ---------------------------------------------------------------------------


def contact_data(**changes):
    data = {
        "name": "Lilian Schwalb",
        "role": "Koordination",
        "email": "lilian@example.org",
        "phone": "0341 123",
        "position": "1",
        "published": "on",
    }
    return {key: value for key, value in {**data, **changes}.items() if value is not None}


def test_staff_add_a_contact_person_shown_on_the_contact_page(client, staff):
    make_page("/kontakt/", "Kontakt")

    response = client.post("/netzwerk/ansprechpersonen/neu/", contact_data())

    assert response["Location"] == "/netzwerk/ansprechpersonen/"
    assert "Lilian Schwalb" in client.get("/kontakt/").content.decode()


def test_staff_hide_a_contact_person(client, staff):
    make_page("/kontakt/", "Kontakt")
    person = ContactPerson.objects.create(name="Lilian Schwalb")

    client.post(f"/netzwerk/ansprechpersonen/{person.pk}/bearbeiten/", contact_data(published=None))

    person.refresh_from_db()
    assert person.published is False
    assert "Lilian Schwalb" not in client.get("/kontakt/").content.decode()


def test_bad_contact_input_changes_nothing(client, staff):
    response = client.post(
        "/netzwerk/ansprechpersonen/neu/", contact_data(name="", email="keine-adresse")
    )

    body = response.content.decode()
    assert "Dieses Feld ist zwingend erforderlich." in body
    assert "Bitte gültige E-Mail-Adresse eingeben." in body
    assert ContactPerson.objects.count() == 0


def test_staff_delete_a_contact_person_after_asking(client, staff):
    person = ContactPerson.objects.create(name="Lilian Schwalb")

    question = client.get(f"/netzwerk/ansprechpersonen/{person.pk}/loeschen/")
    response = client.post(f"/netzwerk/ansprechpersonen/{person.pk}/loeschen/", follow=True)

    assert "„Lilian Schwalb“ löschen?" in question.content.decode()
    assert "„Lilian Schwalb“ wurde gelöscht." in response.content.decode()
    assert ContactPerson.objects.count() == 0


def test_deleting_a_legal_page_brings_back_the_default_text(client, staff):
    page = make_page("/impressum/", "Impressum", content="Eigener Text des Netzwerks.")
    assert "Eigener Text des Netzwerks." in client.get("/impressum/").content.decode()

    client.post(f"/netzwerk/seiten/{page.pk}/loeschen/")

    assert FlatPage.objects.count() == 0
    assert PageSettings.objects.count() == 0
    legal = client.get("/impressum/")
    assert (legal.status_code, "Eigener Text des Netzwerks." in legal.content.decode()) == (
        200,
        False,
    )

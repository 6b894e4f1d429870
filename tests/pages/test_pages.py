import re

import pytest
from django.contrib.flatpages.models import FlatPage
from django.core.exceptions import ValidationError

from pages.demo import create_demo_pages
from pages.models import ContactPerson, PageSettings, Partner
from tests.pages.conftest import make_page

pytestmark = pytest.mark.django_db


def h1(html):
    return re.search(r"<h1>(.*?)</h1>", html).group(1)


def test_page_shows_german_and_english_title_and_text(client):
    make_page("/ueber-mentoring/", "Über soziales Mentoring", "Tandems **treffen** sich.")
    make_page("/en/ueber-mentoring/", "About social mentoring", "Tandems *meet*.")

    german = client.get("/ueber-mentoring/").content.decode()
    english = client.get("/en/ueber-mentoring/").content.decode()

    assert h1(german) == "Über soziales Mentoring"
    assert "<strong>treffen</strong>" in german
    assert h1(english) == "About social mentoring"
    assert "<title>About social mentoring – Mentoring-Portal</title>" in english
    assert "<em>meet</em>" in english
    assert "not yet available in English" not in english


def test_english_page_falls_back_to_german_with_notice(client):
    make_page("/menschen-staerken-menschen/", "Menschen stärken Menschen", "Seit 2016.")

    html = client.get("/en/menschen-staerken-menschen/").content.decode()

    assert "This page is not yet available in English. Here is the German text." in html
    assert '<div lang="de">\n      <h1>Menschen stärken Menschen</h1>' in html
    assert "Seit 2016." in html


def test_unpublished_page_is_not_found_in_both_languages(client):
    make_page("/kontakt/", "Kontakt", published=False)

    assert client.get("/kontakt/").status_code == 404
    assert client.get("/en/kontakt/").status_code == 404


def test_unpublished_english_page_falls_back_to_german(client):
    make_page("/kontakt/", "Kontakt")
    make_page("/en/kontakt/", "Contact", published=False)

    html = client.get("/en/kontakt/").content.decode()

    assert h1(html) == "Kontakt"
    assert "not yet available in English" in html


@pytest.mark.parametrize(
    "path", ["/gibt-es-nicht/", "/en/gibt-es-nicht/", "/ueber%20mentoring/", "/%3Cscript%3E/"]
)
def test_unknown_or_junk_slug_is_not_found(client, path):
    make_page("/ueber-mentoring/", "Über soziales Mentoring")

    assert client.get(path).status_code == 404


def test_menu_follows_position_and_language(client):
    make_page("/kontakt/", "Kontakt", position=30)
    make_page("/en/kontakt/", "Contact", position=30)
    make_page("/ueber-mentoring/", "Über soziales Mentoring", position=10)
    make_page("/menschen-staerken-menschen/", "Menschen stärken Menschen", position=20)
    make_page("/entwurf/", "Entwurf", published=False, position=5)

    response = client.get("/en/kontakt/")
    menu = [(entry.title, entry.url, entry.current) for entry in response.context["page"].menu]

    assert menu == [
        ("Über soziales Mentoring", "/en/ueber-mentoring/", False),
        ("Menschen stärken Menschen", "/en/menschen-staerken-menschen/", False),
        ("Contact", "/en/kontakt/", True),
    ]
    html = response.content.decode()
    assert '<a href="/en/kontakt/" aria-current="page">Contact</a>' in html
    assert '<a href="/en/ueber-mentoring/" lang="de">Über soziales Mentoring</a>' in html


def test_menu_reorders_when_positions_change(client):
    make_page("/ueber-mentoring/", "Über soziales Mentoring", position=10)
    make_page("/kontakt/", "Kontakt", position=20)
    PageSettings.objects.filter(page__url="/kontakt/").update(position=1)

    menu = client.get("/ueber-mentoring/").context["page"].menu

    assert [entry.title for entry in menu] == ["Kontakt", "Über soziales Mentoring"]


def test_legal_pages_stay_out_of_the_editorial_menu(client):
    make_page("/ueber-mentoring/", "Über soziales Mentoring")
    make_page("/impressum/", "Impressum")

    menu = client.get("/ueber-mentoring/").context["page"].menu

    assert [entry.title for entry in menu] == ["Über soziales Mentoring"]


def test_page_body_is_sanitised(client):
    make_page(
        "/ueber-mentoring/",
        "Über soziales Mentoring",
        '<script>alert(1)</script><p onclick="alert(2)">Hallo</p>[x](javascript:alert(3))',
    )

    html = client.get("/ueber-mentoring/").content.decode()

    assert "alert" not in html
    assert "<p>Hallo</p>" in html


def test_contact_page_lists_people_with_obfuscated_email(client):
    make_page("/kontakt/", "Kontakt")
    ContactPerson.objects.create(
        name="Dr. Lena Schubert",
        role="Projektleitung",
        email="l.schubert@netzwerk.example.org",
        phone="030 629 80-217",
    )
    ContactPerson.objects.create(name="Verborgen", email="weg@example.org", published=False)

    html = client.get("/kontakt/").content.decode()

    assert "Dr. Lena Schubert" in html
    assert "Projektleitung" in html
    assert "030 629 80-217" in html
    assert "l [dot] schubert [at] netzwerk [dot] example [dot] org" in html
    assert "l.schubert@netzwerk.example.org" not in html
    assert "@netzwerk" not in html
    assert "mailto:" not in html
    assert "Verborgen" not in html


def test_other_pages_list_no_contact_people(client):
    make_page("/ueber-mentoring/", "Über soziales Mentoring")
    ContactPerson.objects.create(name="Dr. Lena Schubert")

    assert "Dr. Lena Schubert" not in client.get("/ueber-mentoring/").content.decode()


@pytest.mark.parametrize("count", [3, 300])
def test_contact_page_query_count_constant(client, django_assert_num_queries, count):
    make_page("/kontakt/", "Kontakt")
    ContactPerson.objects.bulk_create(
        ContactPerson(name=f"Person {n}", email=f"p{n}@example.org", position=n)
        for n in range(count)
    )
    Partner.objects.bulk_create(
        Partner(
            name=f"Partner {n}",
            logo=f"partners/p{n}.png",
            logo_width=200,
            logo_height=100,
            logo_alt=f"Partner {n}",
        )
        for n in range(count)
    )

    # pages, funders and partners, contact people
    with django_assert_num_queries(3):
        response = client.get("/en/kontakt/")

    html = response.content.decode()
    assert html.count('<li class="card">') == count
    assert html.count('alt="Partner ') == count


@pytest.mark.parametrize(
    "url",
    ["/programme/", "/aktuelles/", "/foo/bar/", "kontakt", "/Kontakt/", "/fr/kontakt/"],
)
def test_page_address_must_be_free_and_well_formed(url):
    with pytest.raises(ValidationError) as error:
        make_page(url, "Irgendwas")

    assert list(error.value.message_dict) == ["url"]
    assert not FlatPage.objects.filter(url=url).exists()


def test_page_address_must_be_unique():
    make_page("/kontakt/", "Kontakt")

    with pytest.raises(ValidationError):
        make_page("/kontakt/", "Kontakt zwei")

    assert FlatPage.objects.filter(url="/kontakt/").count() == 1


def test_legal_page_cannot_be_unpublished():
    with pytest.raises(ValidationError) as error:
        make_page("/impressum/", "Impressum", published=False)

    assert list(error.value.message_dict) == ["published"]


def test_legal_page_shows_staff_text_sanitised(client):
    make_page("/en/impressum/", "Legal notice of the network", "Network e. V.<script>x()</script>")

    html = client.get("/en/impressum/").content.decode()

    assert h1(html) == "Legal notice of the network"
    assert "Network e. V." in html
    assert "<script>x()" not in html


def test_legal_page_without_staff_text_keeps_its_default(client):
    make_page("/ueber-mentoring/", "Über soziales Mentoring")

    response = client.get("/en/impressum/")

    assert response.status_code == 200
    assert "Information according to § 5 DDG" in response.content.decode()


def test_demo_pages_are_idempotent_and_render(client):
    create_demo_pages()
    create_demo_pages()

    assert FlatPage.objects.count() == 6
    assert ContactPerson.objects.count() == 2
    assert Partner.objects.count() == 3
    assert h1(client.get("/en/ueber-mentoring/").content.decode()) == "About social mentoring"
    german = client.get("/menschen-staerken-menschen/").content.decode()
    assert "2016" in german
    contact = client.get("/en/kontakt/").content.decode()
    assert "[at] netzwerk-mentoring [dot] example [dot] org" in contact
    assert all(p.logo_width <= 400 and p.logo_height <= 200 for p in Partner.objects.all())


def test_footer_links_to_the_editorial_pages(client):
    html = client.get("/en/impressum/").content.decode()

    assert '<a href="/en/ueber-mentoring/">' in html
    assert '<a href="/en/kontakt/">' in html


def test_a_page_at_a_language_prefix_or_a_second_legal_page_is_refused(db):
    from django.contrib.flatpages.models import FlatPage

    from pages import services

    services.page_save(page=FlatPage(url="/impressum/", title="Impressum", content="A"))
    errors = []
    for url in ("/en/", "/impressum/"):
        try:
            services.page_save(page=FlatPage(url=url, title="X", content="B"))
        except ValidationError as error:
            errors.append(error.message_dict)

    assert [list(e) for e in errors] == [["url"], ["url"]]
    assert FlatPage.objects.filter(url__in=["/en/", "/impressum/"]).count() == 1

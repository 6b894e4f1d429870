import re

import pytest
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site

from tests.factories import ProgramCoordinatorFactory

PUBLIC_PAGES = ["/", "/mitmachen/", "/impressum/", "/datenschutz/", "/barrierefreiheit/"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_german_by_default(client, path):
    response = client.get(path)

    assert response.status_code == 200
    assert '<html lang="de">' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_english_under_prefix(client, path):
    response = client.get(f"/en{path}")

    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


@pytest.mark.django_db
def test_home_texts_translated(client):
    german = client.get("/").content.decode()
    english = client.get("/en/").content.decode()

    assert "Gemeinsam weiterkommen" in german
    assert "Going further together" in english
    assert "Zum Inhalt springen" in german


@pytest.mark.django_db
def test_language_switcher_links_same_page_with_query(client):
    html = client.get("/impressum/?x=1").content.decode()

    assert 'href="/en/impressum/?x=1" hreflang="en"' in html


@pytest.mark.django_db
def test_language_switcher_from_english_back_to_german(client):
    html = client.get("/en/datenschutz/").content.decode()

    assert 'href="/datenschutz/" hreflang="de"' in html


@pytest.mark.django_db
def test_legal_page_uses_staff_text_for_its_language(client):
    page = FlatPage.objects.create(
        url="/impressum/", title="Impressum des Netzwerks", content="<p>Netzwerk e. V., Berlin</p>"
    )
    page.sites.add(Site.objects.get_current())

    german = client.get("/impressum/").content.decode()
    english = client.get("/en/impressum/").content.decode()

    assert "Netzwerk e. V., Berlin" in german
    assert "Netzwerk e. V., Berlin" not in english
    assert "Information according to § 5 DDG" in english


@pytest.mark.django_db
def test_legal_notice_shows_operator_from_settings(client, settings):
    settings.OPERATOR = {
        "name": "Netzwerk Soziales Mentoring e. V.",
        "address": "Musterweg 1\n10115 Berlin",
        "email": "kontakt@example.org",
        "phone": "",
        "representative": "Dr. Erika Beispiel",
    }

    html = client.get("/impressum/").content.decode()

    assert "Netzwerk Soziales Mentoring e. V." in html
    assert "Musterweg 1<br>10115 Berlin" in html
    assert "Dr. Erika Beispiel" in html


@pytest.mark.django_db
def test_unknown_url_gives_portal_404(client):
    response = client.get("/gibt-es-nicht/")

    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.content.decode()
    assert 'class="site-header"' in response.content.decode()


@pytest.mark.django_db
def test_unknown_english_url_gives_english_404(client):
    response = client.get("/en/does-not-exist/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", [*PUBLIC_PAGES, "/konto/login/", "/konto/signup/", "/gibt-es-nicht/"]
)
def test_pages_have_no_inline_script_or_style(client, path):
    html = client.get(path).content.decode()

    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None
    assert re.search(r"\sstyle=", html) is None
    assert re.search(r"\son[a-z]+=", html) is None


@pytest.mark.django_db
def test_content_security_policy_forbids_inline_code(client):
    policy = client.get("/")["Content-Security-Policy"]

    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy


@pytest.mark.django_db
def test_security_headers_on_every_page(client):
    response = client.get("/")

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_navigation_for_anonymous_offers_sign_in(client):
    html = client.get("/").content.decode()

    assert ">Anmelden</a>" in html
    assert "Mein Bereich" not in html


@pytest.mark.django_db
def test_navigation_for_volunteer_has_no_coordination(client, user):
    client.force_login(user)

    html = client.get("/").content.decode()

    assert "Mein Bereich" in html
    assert "/koordination/" not in html


@pytest.mark.django_db
def test_navigation_for_coordinator_links_coordination(client):
    coordinator = ProgramCoordinatorFactory().user
    client.force_login(coordinator)

    html = client.get("/").content.decode()

    assert 'href="/koordination/"' in html


@pytest.mark.django_db
def test_anonymous_home_needs_no_query_once_the_news_are_cached(client, django_assert_num_queries):
    with django_assert_num_queries(1):  # the latest news, kept until an item changes
        client.get("/")
    with django_assert_num_queries(0):
        client.get("/")


def test_server_error_page_in_portal_look(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))

    html = response.content.decode()
    assert response.status_code == 500
    assert "Entschuldigung, ein Fehler ist aufgetreten" in html
    assert "/static/css/portal.css" in html


def test_favicon_redirects_to_static_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"] == "/static/img/favicon.svg"

"""AGPL-3.0 § 13: every page offers the source code, at SOURCE_URL or on /quellcode/."""

import re
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from pages.source import running_version
from tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db

REPOSITORY = "https://code.example.org/netzwerk/mentoring-portal"


def source_links(html: str) -> list[str]:
    return re.findall(r'<a href="([^"]*)">(?:Quellcode|Source code)</a>', html)


@pytest.mark.parametrize("path", ["/", "/programme/", "/veranstaltungen/", "/impressum/",
                                  "/konto/login/", "/en/karte/", "/gibt-es-nicht/"])  # fmt: skip
def test_every_page_links_the_source_page_without_source_url(client, settings, path):
    settings.SOURCE_URL = ""

    html = client.get(path).content.decode()

    prefix = "/en" if path.startswith("/en/") else ""
    assert source_links(html) == [f"{prefix}/quellcode/"]


@pytest.mark.parametrize("path", ["/", "/programme/{slug}/", "/aktuelles/", "/quellcode/",
                                  "/konto/login/", "/en/"])  # fmt: skip
def test_every_page_links_the_repository_with_source_url(client, settings, path):
    settings.SOURCE_URL = REPOSITORY
    slug = ProgramFactory().slug

    html = client.get(path.format(slug=slug)).content.decode()

    assert source_links(html) == [REPOSITORY]


@pytest.mark.parametrize("source_url", ["", REPOSITORY])
def test_footer_template_links_the_source(rf: RequestFactory, settings, source_url):
    settings.SOURCE_URL = source_url
    request = rf.get("/")

    html = render_to_string("includes/footer.html", request=request)

    assert source_links(html) == [source_url or "/quellcode/"]


def test_source_page_names_licence_version_commit_and_operator(client, settings):
    settings.OPERATOR = {**settings.OPERATOR, "name": "Netzwerk Mentoring e. V.",
                         "email": "technik@example.org"}  # fmt: skip

    html = " ".join(client.get("/quellcode/").content.decode().split())

    version = running_version()
    assert "GNU Affero General Public License, Version 3 oder später (AGPL-3.0-or-later)" in html
    assert f"<dd>{version['version']}</dd>" in html
    assert (f"<dd><code>{version['commit']}</code></dd>" in html) == bool(version["commit"])
    assert "<strong>Netzwerk Mentoring e. V.</strong>" in html
    assert "technik@example.org" in html


def test_source_page_names_the_repository_where_one_is_set(client, settings):
    settings.SOURCE_URL = REPOSITORY

    html = client.get("/quellcode/").content.decode()

    assert f'<a href="{REPOSITORY}">{REPOSITORY}</a>' in html
    assert "nicht unter einer eigenen Adresse" not in html


def test_footer_without_a_request_still_links_the_source_page():
    # Django renders its CSRF failure page without a request, so without context processors.
    html = render_to_string("includes/footer.html")

    assert source_links(html) == ["/quellcode/"]


def test_running_version_reads_the_release_of_pyproject():
    pyproject = (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text()

    assert f'version = "{running_version()["version"]}"' in pyproject
    assert running_version()["licence"] == "AGPL-3.0-or-later"

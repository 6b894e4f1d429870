"""The living style page /netzwerk/stil/: for network staff, every token and every component."""

import html

import pytest

from core.badges import STATUS_BADGES
from core.design_tokens import PAIRS, tokens
from network import style
from tests.factories import ProgramCoordinatorFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_staff_see_every_token_and_component(client, prefix):
    client.force_login(UserFactory(is_staff=True))

    response = client.get(f"{prefix}/netzwerk/stil/")

    assert response.status_code == 200
    raw = response.content.decode()
    page = html.unescape(raw)
    missing = [name for name in tokens() if f"--{name}<" not in page]
    assert missing == []
    assert raw.count('<div class="page-header"') == 2  # the page's own and the example
    assert 'class="empty-state"' in page
    assert '<li class="card">' in page
    for variants in STATUS_BADGES.values():
        for value, variant in variants.items():
            assert f'class="badge badge-{variant}" data-status="{value}"' in page
    assert page.count("<tr>") >= len(PAIRS) + len(STATUS_BADGES)


def test_page_is_german_and_english(client):
    client.force_login(UserFactory(is_staff=True))

    german = client.get("/netzwerk/stil/").content.decode()
    english = client.get("/en/netzwerk/stil/").content.decode()

    assert "<h1>Gestaltungsleitfaden</h1>" in german
    assert "Kontrast der Farbpaare" in german
    assert "15,59:1" in german  # --ink on --paper, with a German decimal comma
    assert "<h1>Style guide</h1>" in english
    assert "15.59:1" in english


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("volunteer", 403), ("coordinator", 403), ("operator", 200)],
)
def test_style_page_is_for_network_staff_and_operators(client, role, status):
    if role == "volunteer":
        client.force_login(UserFactory())
    elif role == "coordinator":
        client.force_login(ProgramCoordinatorFactory().user)
    elif role == "operator":
        client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.get("/netzwerk/stil/")

    assert response.status_code == status
    if role == "anonymous":
        assert response["Location"] == "/konto/login/?next=/netzwerk/stil/"


def test_network_home_links_the_style_page(client):
    client.force_login(UserFactory(is_staff=True))

    response = client.get("/netzwerk/")

    assert 'href="/netzwerk/stil/"' in response.content.decode()


def test_sections_not_written_yet_are_left_out(monkeypatch):
    monkeypatch.setitem(style.SECTIONS, "not_there", "Not there")

    names = [section["name"] for section in style.section_templates()]

    assert "not_there" not in names
    assert names[:6] == ["tokens", "type", "page_header", "cards", "badges", "empty_states"]


def test_every_section_template_present_is_shown(client):
    client.force_login(UserFactory(is_staff=True))

    page = client.get("/netzwerk/stil/").content.decode()

    for section in style.section_templates():
        assert f'id="style-{section["name"]}-heading"' in page


def test_a_token_in_no_pair_is_shown_without_a_contrast(client, monkeypatch):
    monkeypatch.setattr(style, "checked_pairs", lambda: [])
    client.force_login(UserFactory(is_staff=True))

    response = client.get("/en/netzwerk/stil/")

    assert response.status_code == 200
    assert "in no checked pair yet" in response.content.decode()

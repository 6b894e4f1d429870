"""Each role lands where it works, the header shows each role's areas, and /netzwerk/ lists the
staff's sections with what waits for action."""

import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from programs.models import Program, ProgramChange
from tests.factories import (
    PASSWORD,
    TOTP_SECRET,
    ProgramCoordinatorFactory,
    ProgramFactory,
    UserFactory,
    running_tandem,
)

pytestmark = pytest.mark.django_db


def _login(client, user, query=""):
    """The login form, and the second step for those with an authenticator app."""
    response = client.post("/konto/login/" + query, {"login": user.email, "password": PASSWORD})
    if response["Location"] == "/konto/2fa/authenticate/":
        step = int(time.time() // mfa_settings.TOTP_PERIOD)
        code = format_hotp_value(hotp_value(TOTP_SECRET, step))
        response = client.post("/konto/2fa/authenticate/", {"code": code})
    return response


@pytest.mark.parametrize(
    ("role", "landing"),
    [
        ("operator", "/netzwerk/"),
        ("staff", "/netzwerk/"),
        ("coordinator", "/koordination/"),
        ("volunteer", "/mein-bereich/"),
    ],
)
def test_each_role_lands_where_it_works(client, role, landing):
    users = {
        "operator": lambda: UserFactory(is_staff=True, is_superuser=True),
        "staff": lambda: UserFactory(is_staff=True),
        "coordinator": lambda: ProgramCoordinatorFactory().user,
        "volunteer": lambda: UserFactory(),
    }
    user = users[role]()

    response = _login(client, user)

    assert response.status_code == 302
    assert response["Location"] == landing


def test_a_next_parameter_still_wins(client):
    staff = UserFactory(is_staff=True)

    response = _login(client, staff, query="?next=/programme/")

    assert response["Location"] == "/programme/"


def _nav(client) -> str:
    html = client.get("/programme/").content.decode()
    return html[html.index('class="main-nav"') : html.index("</nav>", html.index("main-nav"))]


def test_the_header_shows_each_roles_areas(client):
    coordinator = ProgramCoordinatorFactory().user
    client.force_login(coordinator)
    nav = _nav(client)
    assert 'href="/koordination/"' in nav
    assert 'href="/mein-bereich/"' in nav
    assert 'href="/netzwerk/"' not in nav

    client.force_login(UserFactory(is_staff=True))
    nav = _nav(client)
    assert 'href="/netzwerk/"' in nav
    assert 'href="/mein-bereich/"' in nav

    client.force_login(UserFactory())
    nav = _nav(client)
    assert 'href="/netzwerk/"' not in nav
    assert 'href="/koordination/"' not in nav
    assert 'href="/mein-bereich/"' in nav


def test_the_network_link_is_marked_current_on_network_pages(client):
    client.force_login(UserFactory(is_staff=True))

    home = client.get("/netzwerk/").content.decode()
    programs = client.get("/netzwerk/programme/").content.decode()

    assert '<a href="/netzwerk/" aria-current="page">Netzwerk</a>' in home
    assert '<a href="/netzwerk/" aria-current="true">Netzwerk</a>' in programs


def test_home_counts_what_waits_for_action(client):
    from programs.invitations import invitation_create

    staff = UserFactory(is_staff=True)
    ProgramFactory(status=Program.Status.REVIEW)
    published = ProgramFactory()
    ProgramChange.objects.create(program=published, data={"name": "Neu"})
    invitation_create(program=published, email="neu@example.org", by=staff)
    client.force_login(staff)

    response = client.get("/netzwerk/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "2 warten auf Prüfung" in html  # one new listing, one change
    assert "1 offen" in html
    for url in ("/netzwerk/pruefung/", "/netzwerk/programme/", "/netzwerk/traeger/",
                "/netzwerk/einladungen/", "/koordination/netzwerk/bericht/",
                "/koordination/veranstaltungen/"):  # fmt: skip
        assert f'href="{url}"' in html


def test_home_queries_do_not_grow_with_the_data(client, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    client.get("/netzwerk/")
    with CaptureQueriesContext(connection) as empty:
        client.get("/netzwerk/")
    for _index in range(5):
        ProgramFactory(status=Program.Status.REVIEW)
        running_tandem(ProgramFactory())

    with django_assert_num_queries(len(empty)):
        assert client.get("/netzwerk/").status_code == 200
    assert len(empty) <= 13


def _tiles(html: str, heading_id: str) -> list[tuple[str, str, str]]:
    import re

    start = html.index(f'id="{heading_id}"')
    part = html[start : html.index("</section>", start)]
    return re.findall(
        r'<li class="tile tile-(\w+)">.*?<span class="tile-figure">(\d+)</span>\s*'
        r'<span class="tile-label">([^<]+)</span>',
        part,
        flags=re.S,
    )


def test_home_shows_what_waits_as_tiles_needing_action_first_and_folds_zeros(client):
    from programs.invitations import invitation_create

    staff = UserFactory(is_staff=True)
    ProgramFactory(status=Program.Status.REVIEW)
    invitation_create(program=ProgramFactory(), email="neu@example.org", by=staff)
    client.force_login(staff)

    html = client.get("/en/netzwerk/").content.decode()

    assert _tiles(html, "waiting-heading") == [
        ("action", "1", "Review queue"),
        ("info", "1", "Coordinator invitations"),
    ]
    assert '<span class="tile-urgency">needs action</span>' in html
    assert '<a class="tile-link" href="/en/netzwerk/pruefung/">' in html
    assert (
        'All done (0 each): <a href="/en/netzwerk/pruefung/veranstaltungen/">Events to review</a>'
        in html
    )


def test_home_shows_the_networks_figures_without_people(client):
    tandem = running_tandem(ProgramFactory(), mentee_name="Geheimkind")
    client.force_login(UserFactory(is_staff=True))

    html = client.get("/netzwerk/").content.decode()

    figures = _tiles(html, "figures-heading")
    assert ("info", "1", "aktives Tandem") in figures
    assert ("info", "0", "vorgeschlagene Tandems") in figures  # a fact, not folded away
    assert "Geheimkind" not in html
    assert tandem.mentor.email not in html
    assert "/koordination/tandems/" not in html


@pytest.mark.parametrize(
    ("role", "status"), [("anonymous", 302), ("volunteer", 403), ("coordinator", 403)]
)
def test_home_is_for_network_staff_only(client, role, status):
    if role == "volunteer":
        client.force_login(UserFactory())
    elif role == "coordinator":
        client.force_login(ProgramCoordinatorFactory().user)

    response = client.get("/netzwerk/")

    assert response.status_code == status
    if role == "anonymous":
        assert response["Location"] == "/konto/login/?next=/netzwerk/"


def test_staff_without_a_second_factor_are_stopped(client):
    client.force_login(UserFactory(is_staff=True, second_factor=False))

    response = client.get("/netzwerk/")

    assert response.status_code == 403
    assert 'href="/konto/2fa/"' in response.content.decode()

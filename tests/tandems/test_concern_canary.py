"""Canary: a concern's text and outcome reach no page, download or mail but its program's
coordinators' concern page."""

import io
import re
import zipfile

import pytest
from django.core import mail

from audit import services as audit_services
from tandems.services import support
from tests.factories import ProgramCoordinatorFactory, UserFactory, running_tandem

pytestmark = pytest.mark.django_db
TEXT = "KANARIE-SORGE-TEXT-91c2"
OUTCOME = "KANARIE-SORGE-ERGEBNIS-91c2"
OPEN_TEXT = "KANARIE-OFFENE-SORGE-91c2"
CANARIES = (TEXT, OUTCOME, OPEN_TEXT)


def _readable(response) -> str:
    if response.streaming:  # the open data CSV
        return b"".join(response.streaming_content).decode(errors="replace")
    if response.get("Content-Type") != "application/zip":
        return response.content.decode(errors="replace")
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        return "\n".join(archive.read(name).decode() for name in archive.namelist())


def _crawl(client, start: list[str], limit: int = 200) -> dict[str, str]:
    """Every same-site page and download reachable by GET links from the start pages."""
    seen, queue, pages = set(), list(start), {}
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if path in seen or path.startswith(("/admin/", "/static/", "/konto/logout")):
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code != 200:
            continue
        text = _readable(response)
        pages[path] = text
        if "html" in response.get("Content-Type", ""):
            queue += [link for link in re.findall(r'href="(/[^"#]*)"', text) if link not in seen]
    return pages


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    coordinator_a = ProgramCoordinatorFactory(program__name="Programm A")
    coordinator_b = ProgramCoordinatorFactory(program__name="Programm B")
    program = coordinator_a.program
    tandem = running_tandem(program, by=coordinator_a.user)
    with django_capture_on_commit_callbacks(execute=True):
        closed = support.concern_raise(program=program, tandem=tandem, by=tandem.mentor, text=TEXT)
        support.concern_close(concern=closed, by=coordinator_a.user, outcome=OUTCOME)
        still_open = support.concern_raise(
            program=program, tandem=tandem, by=coordinator_a.user, text=OPEN_TEXT
        )
    # The program's audit trail holds the concern's entries (created, changed).
    audit_services.audit_record(actor=coordinator_a.user, action="viewed", obj=closed)
    slug, t, m = program.slug, tandem.pk, tandem.mentee_id
    return {
        "users": {
            "anonymous": None,
            "volunteer": UserFactory(),
            "mentor": tandem.mentor,
            "coordinator_a": coordinator_a.user,
            "coordinator_b": coordinator_b.user,
            "staff": UserFactory(is_staff=True),
            "operator": UserFactory(is_staff=True, is_superuser=True),
        },
        "concerns": (closed, still_open),
        "start": [
            "/",
            "/mein-bereich/",
            f"/mein-bereich/tandems/{t}/",
            "/mein-bereich/meine-daten/",
            "/mein-bereich/meine-daten/export.zip",
            "/koordination/",
            f"/koordination/tandems/{t}/",
            f"/koordination/tandems/{t}/begleitung/",
            f"/koordination/sorgen/{closed.pk}/",
            f"/koordination/sorgen/{still_open.pk}/",
            f"/koordination/mentees/{m}/",
            f"/koordination/mentees/{m}/export.zip",
            f"/koordination/programme/{slug}/protokoll/",
            f"/koordination/programme/{slug}/tandems/",
            f"/koordination/programme/{slug}/tandems.csv",
            f"/koordination/programme/{slug}/bericht/",
            f"/koordination/programme/{slug}/aufbewahrung/",
            "/koordination/netzwerk/bericht/",
        ],
    }


def test_no_mail_carries_a_concerns_text(world):
    assert len(mail.outbox) >= 2
    for message in mail.outbox:
        body = message.subject + message.body + "".join(str(a[0]) for a in message.alternatives)
        assert [c for c in CANARIES if c in body] == []


@pytest.mark.parametrize(
    "role", ["anonymous", "volunteer", "mentor", "coordinator_b", "staff", "operator"]
)
def test_a_concerns_text_reaches_nobody_else(client, world, role):
    user = world["users"][role]
    if user is not None:
        client.force_login(user)

    pages = _crawl(client, world["start"])

    leaks = {path: [c for c in CANARIES if c in text] for path, text in pages.items()}
    assert {path: found for path, found in leaks.items() if found} == {}
    assert len(pages) >= 3


def test_the_programs_coordinators_read_it_on_the_concern_page_only(client, world):
    client.force_login(world["users"]["coordinator_a"])
    closed, still_open = world["concerns"]

    pages = _crawl(client, world["start"])

    found = {
        path.removeprefix("/en") for path, text in pages.items() if any(c in text for c in CANARIES)
    }
    assert found == {f"/koordination/sorgen/{closed.pk}/", f"/koordination/sorgen/{still_open.pk}/"}
    assert f"/koordination/programme/{closed.program.slug}/protokoll/" in pages

"""Every URL pattern × every role: the expected status. Another program's objects answer 404.

A URL pattern that the matrix does not cover fails `test_matrix_covers_every_url_pattern`:
whoever adds a page decides here who may see it.
"""

from datetime import time, timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from audit import services as audit_services
from events import services as event_services
from programs.models import Program
from tandems import services
from tandems.services import messages as message_services
from tandems.services import todos as todo_services
from tests.access_matrix import (
    MATRIX,
    ROLES,
    THIRD_PARTY_PREFIXES,
    build_world,
    expected_status,
    published_event,
    tandem_document,
)
from tests.factories import ProgramFactory, UserFactory


def _routes(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if route.startswith(THIRD_PARTY_PREFIXES):
                continue
            yield from _routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route


def all_routes() -> set[str]:
    # i18n_patterns' language prefix renders as "" (German) and is the same tree for English.
    return {route.removeprefix("en/") for route in _routes(get_resolver().url_patterns)}


def test_matrix_covers_every_url_pattern():
    assert sorted(all_routes() - set(MATRIX)) == []
    assert sorted(set(MATRIX) - all_routes()) == []


@pytest.fixture
def world(db):
    return build_world()


@pytest.mark.parametrize("role", ROLES)
def test_every_url_answers_each_role_as_expected(client, world, role):
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    unexpected = {}
    for template, expected in MATRIX.values():
        status = expected_status(expected, role)
        path = template.format(**world["values"])
        response = client.get(path)
        if response.status_code != status:
            unexpected[path] = (response.status_code, status)

    assert unexpected == {}


def test_draft_program_is_404_for_everyone_but_its_coordinators(client, world):
    draft = ProgramFactory(status=Program.Status.DRAFT)

    assert client.get(f"/programme/{draft.slug}/").status_code == 404
    assert client.get(f"/programme/{draft.slug}/bewerben/").status_code == 404
    client.force_login(world["users"]["volunteer"])
    assert client.get(f"/programme/{draft.slug}/bewerben/").status_code == 404


CANARIES = [
    "KANARIE-FREIWILLIG-B",
    "KANARIE-MOTIVATION-B",
    "KANARIE-MENTEE-B",
    "KANARIE-NOTIZ-B",
    "KANARIE-TANDEM-B",
    "KANARIE-TREFFEN-B",
    "KANARIE-ZIEL-B",
    "KANARIE-ORT-B",
    "KANARIE-TEILNAHME-B",
    "KANARIE-BEDARF-B",
    "KANARIE-PROTOKOLL-B",
    "KANARIE-NACHRICHT-B",
    "KANARIE-AUFGABE-B",
    "KANARIE-DOKUMENT-B",
]


def _crawl(client, start: list[str], limit: int = 300) -> dict[str, str]:
    """Every same-site page reachable by GET links from the start pages."""
    import re

    seen, queue, pages = set(), list(start), {}
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if path in seen or path.startswith(("/admin/", "/static/", "/konto/logout")):
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            if response.status_code == 200:
                pages[path] = _readable(response)
            continue
        html = response.content.decode()
        pages[path] = html
        queue += [link for link in re.findall(r'href="(/[^"#]*)"', html) if link not in seen]
    return pages


def _readable(response) -> str:
    """A response's text (a streamed one read to the end); every file of a ZIP (the data
    exports), unpacked."""
    import io
    import zipfile

    if response.streaming:  # the open data CSV
        return b"".join(response.streaming_content).decode(errors="replace")
    if response.get("Content-Type") != "application/zip":
        return response.content.decode(errors="replace")
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        return "\n".join(archive.read(name).decode() for name in archive.namelist())


def _tandem_of_program_b(program_b) -> None:
    """A running tandem of B whose mentee, meetings and goal carry canaries."""
    from tandems.services import lifecycle
    from tests.factories import running_tandem

    tandem = running_tandem(
        program_b, mentee_name=CANARIES[4], started_on=timezone.localdate() - timedelta(days=20)
    )
    lifecycle.meeting_log(
        tandem=tandem,
        by=tandem.mentor,
        day=timezone.localdate() - timedelta(days=2),
        status="held",
        note=CANARIES[5],
    )
    lifecycle.meeting_plan(
        tandem=tandem,
        by=tandem.mentor,
        day=timezone.localdate() + timedelta(days=2),
        start=time(15, 0),
        end=time(16, 0),
        place=CANARIES[7],
    )
    lifecycle.goal_add(tandem=tandem, title=CANARIES[6])
    # A document on B's tandem: the canary in its title and inside the file.
    tandem_document(tandem, title=CANARIES[13])


def _event_of_program_b(program_b) -> None:
    """A public event of B whose registration carries canaries (name and needs)."""
    event = published_event(program_b, title="Treffen B")
    event_services.registration_create(
        event=event,
        name=CANARIES[8],
        email="kanarie-b@example.org",
        consent_version="1",
        accessibility_needs=CANARIES[9],
    )


@pytest.mark.parametrize(
    "role", ["coordinator_a", "mentor", "volunteer", "applicant", "anonymous", "staff", "operator"]
)
def test_canary_data_of_program_b_never_reaches_others(client, world, role):
    from tandems.models import Mentee, VolunteerProfile
    from tests.factories.tandems import profile_for

    program_b = Program.objects.get(name="Program B")
    volunteer_b = UserFactory(name=CANARIES[0])
    profile_for(volunteer_b, name=CANARIES[0], motivation=CANARIES[1])
    application = services.application_submit(
        program=program_b, user=volunteer_b, privacy_version="1"
    )
    services.application_note_add(application=application, text=CANARIES[3], author=UserFactory())
    services.mentee_register(
        mentee=Mentee(
            program=program_b, first_name=CANARIES[2], year_of_birth=1990, postcode="04109",
            languages="Deutsch",
        )
    )  # fmt: skip
    _tandem_of_program_b(program_b)
    _event_of_program_b(program_b)
    # B's message to its applicants and a to-do of B's coordinator about the application.
    message_services.program_message_send(
        program=program_b,
        sender=None,
        subject=CANARIES[11],
        body=CANARIES[11],
        audience="stage",
        recipients=[volunteer_b],
        description="Bewerber:innen",
    )
    todo_services.todo_create(
        program=program_b,
        title=CANARIES[12],
        due_on=timezone.localdate(),
        assignee=None,
        by=None,
        application=application,
    )
    # B's audit trail: its entries name B's people (above) and here a list B exported.
    audit_services.audit_record(
        actor=None, action="exported", program=program_b, detail=CANARIES[10]
    )
    assert VolunteerProfile.objects.filter(name=CANARIES[0]).exists()
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    start = [template.format(**world["values"]) for template, _expected in MATRIX.values()]

    pages = _crawl(client, start)

    leaks = {path: [c for c in CANARIES if c in html] for path, html in pages.items()}
    assert {path: found for path, found in leaks.items() if found} == {}
    assert len(pages) > 15
    if role == "coordinator_a":
        # A's audit trail was read (and holds entries of A only).
        assert f"/koordination/programme/{world['values']['program_a']}/protokoll/" in pages

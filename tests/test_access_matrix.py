"""Every URL pattern × every role: the expected status. Another program's objects answer 404.

A URL pattern that the matrix does not cover fails `test_matrix_covers_every_url_pattern`:
whoever adds a page decides here who may see it.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from programs.models import Program
from tandems import services
from tests.factories import ProgramCoordinatorFactory, ProgramFactory, UserFactory

ROLES = ["anonymous", "volunteer", "applicant", "coordinator_a", "coordinator_b", "staff"]
# Third-party URL trees with their own tests (allauth, the admin) are left to them.
THIRD_PARTY_PREFIXES = ("admin/", "konto/")
LOGIN = 302

# Personal records of program A: only A's coordinators; staff see counts, not records.
PEOPLE_OF_A = {
    "anonymous": LOGIN,
    "volunteer": 404,
    "applicant": 404,
    "coordinator_a": 200,
    "coordinator_b": 404,
    "staff": 404,
}

# route -> (path template, {role: status}); a single int means: the same for every role.
MATRIX = {
    "healthz": ("/healthz", 200),
    "favicon.ico": ("/favicon.ico", 301),
    "": ("/", 200),
    "mitmachen/": ("/mitmachen/", 200),
    "impressum/": ("/impressum/", 200),
    "datenschutz/": ("/datenschutz/", 200),
    "barrierefreiheit/": ("/barrierefreiheit/", 200),
    "programme/": ("/programme/", 200),
    "programme/<slug:slug>/": ("/programme/{program_a}/", 200),
    "karte/": ("/karte/", 200),
    "karte/programme.geojson": ("/karte/programme.geojson", 200),
    "karte/einbetten/": ("/karte/einbetten/", 200),
    "koordination/programme/<slug:slug>/": (
        "/koordination/programme/{program_a}/",
        {
            "anonymous": LOGIN,
            "volunteer": 404,
            "applicant": 404,
            "coordinator_a": 200,
            "coordinator_b": 404,
            "staff": 200,
        },
    ),  # fmt: skip
    "koordination/programme/<slug:slug>/einreichen/": (
        "/koordination/programme/{program_a}/einreichen/",
        405,
    ),
    "koordination/programme/<slug:slug>/aktuell/": (
        "/koordination/programme/{program_a}/aktuell/",
        405,
    ),
    "koordination/pruefung/": (
        "/koordination/pruefung/",
        {
            "anonymous": LOGIN,
            "volunteer": 403,
            "applicant": 403,
            "coordinator_a": 403,
            "coordinator_b": 403,
            "staff": 200,
        },
    ),  # fmt: skip
    "koordination/pruefung/programme/<slug:slug>/<slug:decision>/": (
        "/koordination/pruefung/programme/{program_a}/veroeffentlichen/",
        405,
    ),
    "koordination/pruefung/aenderungen/<int:pk>/<slug:decision>/": (
        "/koordination/pruefung/aenderungen/1/annehmen/",
        405,
    ),
    "mein-bereich/": (
        "/mein-bereich/",
        {
            "anonymous": LOGIN,
            "volunteer": 200,
            "applicant": 200,
            "coordinator_a": 200,
            "coordinator_b": 200,
            "staff": 200,
        },
    ),  # fmt: skip
    "koordination/": (
        "/koordination/",
        {
            "anonymous": LOGIN,
            "volunteer": 403,
            "applicant": 403,
            "coordinator_a": 200,
            "coordinator_b": 200,
            "staff": 200,
        },
    ),  # fmt: skip
    "programme/<slug:slug>/bewerben/": (
        "/programme/{program_a}/bewerben/",
        {
            "anonymous": LOGIN,
            "volunteer": 200,
            "applicant": 200,
            "coordinator_a": 200,
            "coordinator_b": 200,
            "staff": 200,
        },
    ),  # fmt: skip
    "veranstaltungen/": ("/veranstaltungen/", 200),
    "koordination/programme/<slug:slug>/bewerbungen/": (
        "/koordination/programme/{program_a}/bewerbungen/",
        PEOPLE_OF_A,
    ),
    "koordination/bewerbungen/<int:pk>/": ("/koordination/bewerbungen/{application}/", PEOPLE_OF_A),
    "koordination/bewerbungen/<int:pk>/verschieben/": (
        "/koordination/bewerbungen/{application}/verschieben/",
        405,
    ),
    "koordination/bewerbungen/<int:pk>/ablehnen/": (
        "/koordination/bewerbungen/{application}/ablehnen/",
        405,
    ),
    "koordination/bewerbungen/<int:pk>/notiz/": (
        "/koordination/bewerbungen/{application}/notiz/",
        405,
    ),
    "koordination/bewerbungen/<int:pk>/fuehrungszeugnis/": (
        "/koordination/bewerbungen/{application}/fuehrungszeugnis/",
        PEOPLE_OF_A,
    ),
    "koordination/programme/<slug:slug>/mentees/": (
        "/koordination/programme/{program_a}/mentees/",
        PEOPLE_OF_A,
    ),
    "koordination/programme/<slug:slug>/mentees/neu/": (
        "/koordination/programme/{program_a}/mentees/neu/",
        PEOPLE_OF_A,
    ),
    "koordination/mentees/<int:pk>/": ("/koordination/mentees/{mentee}/", PEOPLE_OF_A),
    "koordination/programme/<slug:slug>/einstellungen/": (
        "/koordination/programme/{program_a}/einstellungen/",
        PEOPLE_OF_A,
    ),
    "koordination/bewerbungen/<int:pk>/schulung/": (
        "/koordination/bewerbungen/{application}/schulung/",
        405,
    ),
    "koordination/bewerbungen/<int:pk>/verhaltenskodex/": (
        "/koordination/bewerbungen/{application}/verhaltenskodex/",
        405,
    ),
    "koordination/mentees/<int:pk>/vorschlagen/": (
        "/koordination/mentees/{mentee}/vorschlagen/",
        405,
    ),
    "mein-bereich/bewerbungen/<int:pk>/zurueckziehen/": (
        "/mein-bereich/bewerbungen/{application}/zurueckziehen/",
        405,
    ),
}


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
    """Program A with its coordinator, program B with its own, a volunteer who applied to A."""
    coordinator_a = ProgramCoordinatorFactory(program__name="Programm A")
    coordinator_b = ProgramCoordinatorFactory(program__name="Programm B")
    applicant = UserFactory()
    from tests.tandems.test_domain import profile_for

    profile_for(applicant)
    application = services.application_submit(
        program=coordinator_a.program, user=applicant, privacy_version="1"
    )
    from tandems.models import Mentee

    mentee = services.mentee_register(
        mentee=Mentee(
            program=coordinator_a.program,
            first_name="Mentee A",
            year_of_birth=1990,
            postcode="04109",
            languages="Deutsch",
        )
    )
    return {
        "users": {
            "anonymous": None,
            "volunteer": UserFactory(),
            "applicant": applicant,
            "coordinator_a": coordinator_a.user,
            "coordinator_b": coordinator_b.user,
            "staff": UserFactory(is_staff=True),
        },
        "values": {
            "program_a": coordinator_a.program.slug,
            "application": application.pk,
            "mentee": mentee.pk,
        },
    }


@pytest.mark.parametrize("role", ROLES)
def test_every_url_answers_each_role_as_expected(client, world, role):
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    unexpected = {}
    for template, expected in MATRIX.values():
        status = expected if isinstance(expected, int) else expected[role]
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


CANARIES = ["KANARIE-FREIWILLIG-B", "KANARIE-MOTIVATION-B", "KANARIE-MENTEE-B", "KANARIE-NOTIZ-B"]


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
                pages[path] = response.content.decode(errors="replace")
            continue
        html = response.content.decode()
        pages[path] = html
        queue += [link for link in re.findall(r'href="(/[^"#]*)"', html) if link not in seen]
    return pages


@pytest.mark.parametrize("role", ["coordinator_a", "volunteer", "applicant", "anonymous"])
def test_canary_data_of_program_b_never_reaches_others(client, world, role):
    from tandems.models import Mentee, VolunteerProfile
    from tests.tandems.test_domain import profile_for

    program_b = Program.objects.get(name="Programm B")
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
    assert VolunteerProfile.objects.filter(name=CANARIES[0]).exists()
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    start = [template.format(**world["values"]) for template, _expected in MATRIX.values()]

    pages = _crawl(client, start)

    leaks = {path: [c for c in CANARIES if c in html] for path, html in pages.items()}
    assert {path: found for path, found in leaks.items() if found} == {}
    assert len(pages) > 15

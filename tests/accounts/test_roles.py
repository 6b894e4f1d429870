"""Operator, network staff, coordinator: what each reaches in the admin and the portal."""

import re

import pytest
from django.contrib import admin
from django.core.management import call_command

from tests.factories import ProgramCoordinatorFactory, ProgramFactory, UserFactory, running_tandem

pytestmark = pytest.mark.django_db
MENTEE = "KANARIE-MENTEE-ADMIN"
# The admin pages about people: applications, accounts, the outbox (its recipients), erasures.
PEOPLE_ADMIN = (
    "/admin/tandems/",
    "/admin/accounts/",
    "/admin/account/",
    "/admin/mfa/",
    "/admin/notifications/notification/",
    "/admin/notifications/notificationsettings/",
    "/admin/privacy/",
    "/admin/auth/",
)


@pytest.fixture
def people():
    """A program with a coordinator, a running tandem (its mentor applied and was screened)."""
    program = ProgramFactory(name="Programm mit Menschen")
    ProgramCoordinatorFactory(program=program)
    tandem = running_tandem(program, mentee_name=MENTEE)
    return program, tandem


def _admin_crawl(client, limit: int = 400) -> dict[str, int]:
    """Every admin page reachable by GET links from the admin's index, with its status."""
    seen, queue = {}, ["/admin/"]
    while queue and len(seen) < limit:
        path = queue.pop(0).replace("&amp;", "&")
        if path in seen or "logout" in path or "/delete/" in path:
            continue
        response = client.get(path)
        seen[path] = response.status_code
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            html = response.content.decode()
            assert MENTEE not in html, path
            queue += re.findall(r'href="(/admin/[^"#]*)"', html)
    return seen


def _people_pages(seen: dict[str, int]) -> list[str]:
    return sorted(p for p, status in seen.items() if status == 200 and p.startswith(PEOPLE_ADMIN))


def test_network_staff_replaying_the_admin_meet_no_application_mentee_or_tandem(client, people):
    client.force_login(UserFactory(is_staff=True))

    seen = _admin_crawl(client)
    index = client.get("/admin/").content.decode()

    assert _people_pages(seen) == []
    assert "/admin/programs/program/" in seen
    assert "/admin/events/event/" in seen
    assert "/admin/news/newsitem/" in seen
    assert "/admin/flatpages/flatpage/" in seen
    assert [word for word in ("Bewerbung", "Benutzer", "/admin/tandems/") if word in index] == []


@pytest.mark.parametrize(
    "path",
    [
        "/admin/tandems/application/",
        "/admin/accounts/user/",
        "/admin/notifications/notification/",
        "/admin/privacy/erasure/",
        "/admin/account/emailaddress/",
        "/admin/mfa/authenticator/",
    ],
)
def test_people_pages_of_the_admin_are_the_operators_alone(client, path):
    client.force_login(UserFactory(is_staff=True))
    staff = client.get(path).status_code
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    operator = client.get(path).status_code

    assert (staff, operator) == (403, 200)


def test_the_operator_replays_the_whole_admin(client, people):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    seen = _admin_crawl(client)

    # The control of the test above: the crawl finds these pages when they are there.
    assert "/admin/tandems/application/" in _people_pages(seen)
    assert "/admin/accounts/user/" in _people_pages(seen)


def test_every_admin_page_is_assigned_to_a_role(rf):
    """A model registered in the admin later must say whether network staff manage it."""
    request = rf.get("/admin/")
    request.user = UserFactory(is_staff=True)
    network = sorted(
        f"{model._meta.app_label}.{model._meta.model_name}"
        for model, model_admin in admin.site._registry.items()
        if model_admin.has_module_permission(request)
    )

    assert network == [
        "events.audience",
        "events.event",
        "events.eventtype",
        "flatpages.flatpage",
        "news.newsitem",
        "news.newstag",
        "pages.contactperson",
        "pages.partner",
        "programs.format",
        "programs.fundingbadge",
        "programs.organization",
        "programs.program",
        "programs.programchange",
        "programs.targetgroup",
        "programs.topic",
    ]


def test_operators_see_a_programs_people_only_as_its_coordinators(client, people):
    program, tandem = people
    operator = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(operator)
    url = f"/koordination/tandems/{tandem.pk}/"

    before = client.get(url).status_code
    ProgramCoordinatorFactory(program=program, user=operator)
    after = client.get(url).status_code

    assert (before, after) == (404, 200)


def test_an_operators_permission_on_a_programs_people_is_the_rules(people):
    """The views scope their queries by coordination; the permissions say the same, so that a
    check of has_perm alone (a template, a later view) does not open people to a superuser."""
    program, tandem = people
    operator = UserFactory(is_staff=True, is_superuser=True)

    before = [operator.has_perm(perm, tandem) for perm in ("tandems.view_tandem",)]
    before.append(operator.has_perm("tandems.view_mentee", tandem.mentee))
    model_wide = operator.has_perm("tandems.view_application")
    ProgramCoordinatorFactory(program=program, user=operator)
    operator = type(operator).objects.get(pk=operator.pk)
    after = operator.has_perm("tandems.view_tandem", tandem)

    assert (before, model_wide, after) == ([False, False], True, True)


def test_create_staff_makes_network_staff_and_operators(capsys):
    call_command("create_staff", "netz@example.org", password="ein-sicheres-passwort-9")
    call_command(
        "create_staff", "betrieb@example.org", password="ein-sicheres-passwort-9", operator=True
    )

    from django.contrib.auth import get_user_model

    users = get_user_model().objects.order_by("email")
    assert [(u.email, u.is_staff, u.is_superuser) for u in users] == [
        ("betrieb@example.org", True, True),
        ("netz@example.org", True, False),
    ]
    assert capsys.readouterr().out.splitlines() == [
        "Network staff account netz@example.org is ready.",
        "Operator account betrieb@example.org is ready.",
    ]

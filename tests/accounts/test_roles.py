"""Operator, network staff, coordinator: the admin is the operators', the people the programs'."""

import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
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


def _changelists() -> list[str]:
    return sorted(
        f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        for model in admin.site._registry
    )


def test_network_staff_get_no_page_of_the_admin(client, people):
    """Network staff work under /netzwerk/: every page of the admin sends them there."""
    client.force_login(UserFactory(is_staff=True))

    statuses = {path: client.get(path).status_code for path in ["/admin/", *_changelists()]}
    index = client.get("/admin/", follow=True)

    assert [path for path, status in statuses.items() if status == 200] == []
    assert index.redirect_chain[-1] == ("/netzwerk/", 302)
    assert "Der Django-Admin ist dem Betrieb des Portals vorbehalten" in index.content.decode()


def test_staff_with_every_model_permission_still_get_no_admin(client):
    """Not a group's permissions either: the admin asks whether the account is an operator."""
    staff = UserFactory(is_staff=True)
    group = Group.objects.create(name="Alles")
    group.permissions.set(Permission.objects.all())
    staff.groups.add(group)
    client.force_login(staff)

    statuses = {path: client.get(path).status_code for path in _changelists()}

    assert [path for path, status in statuses.items() if status == 200] == []


def test_the_admin_refuses_a_signed_in_coordinator(client):
    client.force_login(ProgramCoordinatorFactory().user)

    assert client.get("/admin/", follow=True).status_code == 403


@pytest.mark.parametrize(
    "path",
    [
        "/admin/programs/program/",
        "/admin/events/event/",
        "/admin/news/newsitem/",
        "/admin/flatpages/flatpage/",
        "/admin/pages/partner/",
        "/admin/tandems/application/",
        "/admin/accounts/user/",
        "/admin/notifications/notification/",
        "/admin/privacy/erasure/",
        "/admin/account/emailaddress/",
        "/admin/mfa/authenticator/",
    ],
)
def test_the_admin_is_the_operators_alone(client, path):
    client.force_login(UserFactory(is_staff=True))
    staff = client.get(path)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    operator = client.get(path).status_code

    assert (staff.status_code, operator) == (302, 200)
    assert staff["Location"].startswith("/admin/login/")


def test_the_operator_replays_the_whole_admin(client, people):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    seen = _admin_crawl(client)

    # The control of the test above: the crawl finds these pages when they are there.
    assert "/admin/tandems/application/" in _people_pages(seen)
    assert "/admin/accounts/user/" in _people_pages(seen)


def test_no_admin_page_grants_network_staff_anything(rf):
    """A model registered in the admin later stays the operators': no ModelAdmin lets a staff
    member who is no superuser see, add, change or delete anything."""
    request = rf.get("/admin/")
    request.user = UserFactory(is_staff=True)
    granted = [
        f"{model._meta.label_lower}.{check.__name__}"
        for model, model_admin in admin.site._registry.items()
        for check in (
            model_admin.has_module_permission,
            model_admin.has_view_permission,
            model_admin.has_add_permission,
            model_admin.has_change_permission,
            model_admin.has_delete_permission,
        )
        if check(request)
    ]

    assert len(admin.site._registry) > 20
    assert granted == []
    assert admin.site.has_permission(request) is False


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

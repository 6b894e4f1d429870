"""The coordinator role: granted and revoked by network staff, audited, told to the others."""

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile

from audit.selectors import program_trail, trail_rows
from programs import services
from programs.models import ProgramCoordinator
from tests.factories import ProgramCoordinatorFactory, ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def program_with_coordinator():
    program = ProgramFactory(name="Lesepat:innen Leipzig")
    other = ProgramCoordinatorFactory(
        program=program, user=UserFactory(name="Olga Other", email="olga@example.org")
    )
    return program, other.user


def _trail(program):
    _filterset, entries = program_trail(program=program, data=None)
    return [(row.who, row.what, row.record) for row in trail_rows(entries)]


def test_grant_is_in_the_trail_and_mailed_to_the_other_coordinators(
    program_with_coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    program, other = program_with_coordinator
    staff = UserFactory(name="Nora Netzwerk", is_staff=True)
    new = UserFactory(name="Neo Neu", email="neo@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        services.coordinator_grant(program=program, user=new, by=staff)

    assert ProgramCoordinator.objects.filter(program=program, user=new).exists()
    assert _trail(program)[0] == (
        "Nora Netzwerk",
        "angelegt",
        "Koordinator:in: Neo Neu – Lesepat:innen Leipzig",
    )
    (mail,) = mailoutbox
    assert mail.to == [other.email]
    assert mail.subject == "Neue Koordinator:in für „Lesepat:innen Leipzig“"
    assert "Nora Netzwerk hat Neo Neu (neo@example.org) zur Koordinator:in" in mail.body
    assert f"/koordination/programme/{program.slug}/protokoll/" in mail.body


def test_revocation_is_in_the_trail_and_mailed_to_the_other_coordinators(
    program_with_coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    program, other = program_with_coordinator
    staff = UserFactory(name="Nora Netzwerk", is_staff=True)
    leaving = ProgramCoordinatorFactory(program=program, user=UserFactory(name="Lea Geht"))

    with django_capture_on_commit_callbacks(execute=True):
        services.coordinator_revoke(membership=leaving, by=staff)

    assert list(program.coordinators.all()) == [other]
    assert _trail(program)[0] == (
        "Nora Netzwerk",
        "gelöscht",
        "Koordinator:in: Lea Geht – Lesepat:innen Leipzig",
    )
    (mail,) = mailoutbox
    assert mail.to == [other.email]
    assert "Nora Netzwerk hat Lea Geht" in mail.body
    assert "die Rolle als Koordinator:in" in mail.body


def test_a_second_grant_is_refused_and_changes_nothing(program_with_coordinator):
    program, other = program_with_coordinator
    entries = LogEntry.objects.count()

    with pytest.raises(ValidationError) as refused:
        services.coordinator_grant(program=program, user=other, by=None)

    assert refused.value.messages == ["Olga Other koordiniert dieses Programm bereits."]
    assert (ProgramCoordinator.objects.count(), LogEntry.objects.count()) == (1, entries)


def _admin_post_data(response) -> dict:
    """The admin's change form as the browser would send it back, inlines included."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data.update({management.add_prefix(k): v for k, v in management.initial.items()})
        forms += formset.forms
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value in (None, False) or isinstance(value, FieldFile):
                continue
            data[form.add_prefix(name)] = value
    return data


def test_operator_grant_in_the_admin_by_confirmed_address(
    client, program_with_coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    program, other = program_with_coordinator
    operator = UserFactory(name="Olga Betrieb", is_staff=True, is_superuser=True)
    new = UserFactory(name="Neo Neu", email="neo@example.org")
    unconfirmed = UserFactory(email="ohne@example.org", verified=False)
    client.force_login(operator)
    url = f"/admin/programs/program/{program.pk}/change/"
    data = _admin_post_data(client.get(url))
    data["memberships-TOTAL_FORMS"] = "2"
    data["memberships-1-program"] = program.pk

    refused = client.post(url, {**data, "memberships-1-email": unconfirmed.email})
    with django_capture_on_commit_callbacks(execute=True):
        granted = client.post(url, {**data, "memberships-1-email": "NEO@example.org"})

    assert refused.status_code == 200
    assert "Kein Konto hat diese Adresse bestätigt" in refused.content.decode()
    assert granted.status_code == 302
    assert set(program.coordinators.all()) == {other, new}
    assert _trail(program)[0][:2] == ("Olga Betrieb", "angelegt")
    assert [mail.to for mail in mailoutbox] == [[other.email]]


def test_operator_revoke_in_the_admin(
    client, program_with_coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    program, other = program_with_coordinator
    leaving = ProgramCoordinatorFactory(program=program, user=UserFactory(name="Lea Geht"))
    client.force_login(UserFactory(name="Olga Betrieb", is_staff=True, is_superuser=True))
    url = f"/admin/programs/program/{program.pk}/change/"
    data = _admin_post_data(client.get(url))
    index = next(n for n in range(2) if str(data.get(f"memberships-{n}-id")) == str(leaving.pk))
    data[f"memberships-{index}-DELETE"] = "on"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)

    assert response.status_code == 302
    assert list(program.coordinators.all()) == [other]
    assert _trail(program)[0][:2] == ("Olga Betrieb", "gelöscht")
    assert [mail.to for mail in mailoutbox] == [[other.email]]

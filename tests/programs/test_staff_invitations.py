"""Coordinator invitations: staff invite an address for a program, a signed link that expires
goes out through the outbox, and accepting it (only with that address) grants the role."""

import re
from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from auditlog.models import LogEntry
from django.utils import timezone

from programs import invitations
from programs.models import CoordinatorInvitation, ProgramCoordinator
from tests.factories import PASSWORD, ProgramCoordinatorFactory, ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock():
    with time_machine.travel("2026-12-07 10:00:00 +0100", tick=False) as traveller:
        yield traveller


@pytest.fixture
def staff():
    return UserFactory(is_staff=True, name="Nora Netzwerk")


@pytest.fixture
def program():
    return ProgramFactory(name="Lesepat:innen Leipzig")


def _invite(client, staff, program, email, capture):
    client.force_login(staff)
    with capture(execute=True):
        response = client.post(f"/netzwerk/programme/{program.slug}/einladen/", {"email": email})
    client.logout()
    return response


def _link(mail) -> str:
    return re.search(r"https?://[^/\s]+(/einladung/[^\s]+/)", mail.body).group(1)


def test_invitation_mail_goes_through_the_outbox_with_a_signed_link(
    client, staff, program, mailoutbox, django_capture_on_commit_callbacks
):
    _invite(client, staff, program, " Kim@Example.org ", django_capture_on_commit_callbacks)

    invitation = CoordinatorInvitation.objects.get()
    (mail,) = mailoutbox
    assert invitation.email == "kim@example.org"
    assert mail.to == ["kim@example.org"]
    assert mail.subject == "Einladung zur Koordination von „Lesepat:innen Leipzig“"
    assert "Nora Netzwerk lädt Sie ein" in mail.body
    assert _link(mail) == f"/einladung/{invitations.invitation_token(invitation)}/"
    assert invitation.nonce not in _link(mail).split(":")[0]  # only signed, not stored as is


def test_a_new_person_creates_the_account_and_gets_only_that_program(
    client, staff, program, mailoutbox, django_capture_on_commit_callbacks
):
    other = ProgramFactory(name="Anderes Programm")
    _invite(client, staff, program, "neu@example.org", django_capture_on_commit_callbacks)
    link = _link(mailoutbox[0])

    page = client.get(link)
    response = client.post(link, {"name": "Nele Neu", "password1": PASSWORD, "password2": PASSWORD})

    assert page.status_code == 200
    assert "Lesepat:innen Leipzig" in page.content.decode()
    assert response["Location"] == "/koordination/"
    membership = ProgramCoordinator.objects.get()
    user = membership.user
    assert (membership.program, user.email, user.name) == (program, "neu@example.org", "Nele Neu")
    assert EmailAddress.objects.get(user=user).verified
    assert not ProgramCoordinator.objects.filter(program=other).exists()
    entry = LogEntry.objects.get_for_object(membership).get()
    assert (entry.action, entry.actor) == (LogEntry.Action.CREATE, staff)
    assert CoordinatorInvitation.objects.get().status == "accepted"
    assert int(client.session["_auth_user_id"]) == user.pk


def test_an_existing_account_signs_in_then_accepts(
    client, staff, program, mailoutbox, django_capture_on_commit_callbacks
):
    person = UserFactory(email="kim@example.org")
    _invite(client, staff, program, "kim@example.org", django_capture_on_commit_callbacks)
    link = _link(mailoutbox[0])

    anonymous = client.get(link)
    client.force_login(person)
    signed_in = client.get(link)
    accepted = client.post(link)

    assert "/konto/login/?next=%2Feinladung%2F" in anonymous.content.decode()
    assert "Einladung annehmen" in signed_in.content.decode()
    assert accepted["Location"] == "/koordination/"
    assert ProgramCoordinator.objects.filter(program=program, user=person).exists()


def test_the_wrong_account_cannot_accept(
    client, staff, program, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(email="kim@example.org")
    stranger = UserFactory(email="fremd@example.org")
    _invite(client, staff, program, "kim@example.org", django_capture_on_commit_callbacks)
    link = _link(mailoutbox[0])
    client.force_login(stranger)

    page = client.get(link)
    post = client.post(link)

    assert (page.status_code, post.status_code) == (403, 403)
    assert "ki…@example.org" in page.content.decode()
    assert "kim@example.org" not in page.content.decode()
    assert not ProgramCoordinator.objects.exists()


def test_an_unverified_address_of_the_account_is_not_enough(client, staff, program):
    person = UserFactory(email="kim@example.org", verified=False)
    invitation = invitations.invitation_create(program=program, email="kim@example.org", by=staff)
    client.force_login(person)

    response = client.post(f"/einladung/{invitations.invitation_token(invitation)}/")

    assert response.status_code == 403
    assert not ProgramCoordinator.objects.exists()


def test_a_used_link_cannot_be_used_again(client, staff, program):
    invitation = invitations.invitation_create(program=program, email="neu@example.org", by=staff)
    link = f"/einladung/{invitations.invitation_token(invitation)}/"
    client.post(link, {"name": "Nele", "password1": PASSWORD, "password2": PASSWORD})
    client.logout()

    again = client.post(link, {"name": "Nele", "password1": PASSWORD, "password2": PASSWORD})

    assert again.status_code == 410
    assert "bereits angenommen" in again.content.decode()
    assert ProgramCoordinator.objects.count() == 1


@pytest.mark.clock
def test_an_expired_link_says_so(client, staff, program, clock, settings):
    settings.COORDINATOR_INVITATION_DAYS = 14
    invitation = invitations.invitation_create(program=program, email="neu@example.org", by=staff)
    clock.shift(timedelta(days=14, minutes=1))

    response = client.post(
        f"/einladung/{invitations.invitation_token(invitation)}/",
        {"name": "Nele", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert response.status_code == 410
    assert "abgelaufen" in response.content.decode()
    assert not ProgramCoordinator.objects.exists()


def test_a_revoked_invitation_no_longer_works(client, staff, program):
    invitation = invitations.invitation_create(program=program, email="neu@example.org", by=staff)
    client.force_login(staff)
    client.post(f"/netzwerk/einladungen/{invitation.pk}/widerrufen/")
    client.logout()

    response = client.get(f"/einladung/{invitations.invitation_token(invitation)}/")

    assert response.status_code == 410
    assert "zurückgezogen" in response.content.decode()


def test_inviting_again_replaces_the_old_link(client, staff, program):
    first = invitations.invitation_create(program=program, email="neu@example.org", by=staff)
    second = invitations.invitation_create(program=program, email="NEU@example.org", by=staff)

    old = client.get(f"/einladung/{invitations.invitation_token(first)}/")
    new = client.get(f"/einladung/{invitations.invitation_token(second)}/")

    assert (old.status_code, new.status_code) == (410, 200)


@pytest.mark.parametrize("token", ["nonsense", "eyJpIjoxLCJuIjoiYSJ9:falsch", "%00", "x" * 500])
def test_a_forged_or_mangled_link_is_a_german_404(client, staff, program, token):
    invitations.invitation_create(program=program, email="neu@example.org", by=staff)

    response = client.get(f"/einladung/{token}/")

    assert response.status_code == 404
    assert "nicht gültig" in response.content.decode()


def test_a_link_of_another_invitation_nonce_does_not_work(client, staff, program):
    invitation = invitations.invitation_create(program=program, email="neu@example.org", by=staff)
    from django.core import signing

    forged = signing.Signer(salt="wrong").sign_object({"i": invitation.pk, "n": invitation.nonce})
    guessed = signing.Signer(salt=invitations.SALT).sign_object({"i": invitation.pk, "n": "0"})

    assert client.get(f"/einladung/{forged}/").status_code == 404
    assert client.get(f"/einladung/{guessed}/").status_code == 404


def test_the_invited_coordinator_sees_only_that_program(client, staff, program):
    ProgramCoordinatorFactory(program=ProgramFactory(name="Programm B"))
    invitation = invitations.invitation_create(program=program, email="neu@example.org", by=staff)
    client.post(
        f"/einladung/{invitations.invitation_token(invitation)}/",
        {"name": "Nele", "password1": PASSWORD, "password2": PASSWORD},
    )
    from tests.factories import with_totp

    with_totp(ProgramCoordinator.objects.get(program=program).user)

    page = client.get("/koordination/")

    assert page.status_code == 200
    assert [p.name for p in page.context["programs"]] == ["Lesepat:innen Leipzig"]
    assert client.get("/koordination/programme/programm-b/").status_code == 404


def test_bad_account_data_changes_nothing(client, staff, program):
    invitation = invitations.invitation_create(program=program, email="neu@example.org", by=staff)
    link = f"/einladung/{invitations.invitation_token(invitation)}/"

    response = client.post(link, {"name": " ", "password1": "kurz", "password2": "anders"})

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name", "password2"}
    assert not ProgramCoordinator.objects.exists()
    assert CoordinatorInvitation.objects.get().status == "pending"


def test_staff_see_and_revoke_open_invitations(client, staff, program):
    invitations.invitation_create(program=program, email="eins@example.org", by=staff)
    accepted = invitations.invitation_create(program=program, email="zwei@example.org", by=staff)
    CoordinatorInvitation.objects.filter(pk=accepted.pk).update(status="accepted")
    client.force_login(staff)

    page = client.get("/netzwerk/einladungen/")
    program_page = client.get(f"/netzwerk/programme/{program.slug}/")

    assert [i.email for i in page.context["invitations"]] == ["eins@example.org"]
    assert [i.email for i in program_page.context["invitations"]] == ["eins@example.org"]


def test_an_address_that_coordinates_already_is_not_invited(client, staff, program):
    ProgramCoordinatorFactory(program=program, user=UserFactory(email="kim@example.org"))
    client.force_login(staff)

    response = client.post(
        f"/netzwerk/programme/{program.slug}/einladen/", {"email": "kim@example.org"}, follow=True
    )

    assert not CoordinatorInvitation.objects.exists()
    assert "koordiniert das Programm bereits" in response.content.decode()


def test_invitation_list_queries_do_not_grow(client, staff, program, django_assert_max_num_queries):
    client.force_login(staff)
    invitations.invitation_create(program=program, email="a0@example.org", by=staff)
    client.get("/netzwerk/einladungen/")
    for number in range(1, 8):
        invitations.invitation_create(
            program=ProgramFactory(), email=f"a{number}@example.org", by=staff
        )

    with django_assert_max_num_queries(10):
        client.get("/netzwerk/einladungen/")


def test_mail_of_a_revoked_invitation_is_skipped(staff, program, mailoutbox):
    from notifications.models import Notification
    from notifications.sending import deliver_many

    invitation = invitations.invitation_create(program=program, email="neu@example.org", by=staff)
    invitations.invitation_revoke(invitation=invitation)
    row = Notification.objects.get()

    deliver_many([row.pk])

    row.refresh_from_db()
    assert row.state == Notification.State.SKIPPED
    assert mailoutbox == []


@pytest.mark.clock
def test_retention_deletes_old_invitations_only(staff, program, clock, settings):
    settings.COORDINATOR_INVITATION_RETENTION_DAYS = 90
    old = invitations.invitation_create(program=program, email="alt@example.org", by=staff)
    clock.shift(timedelta(days=14 + 91))
    fresh = invitations.invitation_create(program=program, email="neu@example.org", by=staff)

    from privacy import retention

    retention.run()

    assert list(CoordinatorInvitation.objects.all()) == [fresh]
    assert not CoordinatorInvitation.objects.filter(pk=old.pk).exists()
    assert fresh.expires_at > timezone.now()


@pytest.mark.parametrize(
    "values",
    [
        {},
        {"name": "<script>alert(1)</script>", "password1": "x", "password2": "x"},
        {"name": "\x00 ", "password1": PASSWORD, "password2": PASSWORD},
        {"name": "a" * 151, "password1": PASSWORD, "password2": PASSWORD},
        {"name": "Nele", "password1": "12345678", "password2": "12345678"},
        {"name": "Nele", "password1": "neu@example.org", "password2": "neu@example.org"},
    ],
)
def test_bad_input_on_the_acceptance_page_is_refused_in_german(client, staff, program, values):
    invitation = invitations.invitation_create(program=program, email="neu@example.org", by=staff)

    response = client.post(f"/einladung/{invitations.invitation_token(invitation)}/", values)

    assert response.status_code == 200
    assert response.context["form"].errors
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert "field-error" in response.content.decode()
    assert not ProgramCoordinator.objects.exists()
    assert CoordinatorInvitation.objects.get().status == "pending"

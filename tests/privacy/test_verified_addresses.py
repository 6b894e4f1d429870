"""Only confirmed addresses tie event registrations to an account: an attacker who types a
victim's address into their own account sees nothing of the victim and erases nothing of theirs."""

import io
import zipfile

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from accounts.selectors import by_verified_address, verified_addresses_of
from events import services as event_services
from events.models import Registration
from privacy import export
from privacy.registry import user_parts
from tests.factories import PASSWORD, EventFactory, UserFactory

pytestmark = pytest.mark.django_db

VICTIM = "opfer.person@example.org"


@pytest.fixture
def victims_registration(mailoutbox):
    return event_services.registration_create(
        event=EventFactory(title="Fachtag Patenschaften"),
        name="Olga Opferfrau",
        email=VICTIM,
        consent_version="1",
        accessibility_needs="Rollstuhl, Gebärdensprache",
    )


@pytest.fixture
def attacker(client, victims_registration):
    """An account that added the victim's address at /konto/email/ without confirming it."""
    user = UserFactory(email="angreifer@example.org")
    client.force_login(user)
    response = client.post("/konto/email/", {"action_add": "", "email": VICTIM.upper()})
    assert response.status_code == 302
    assert EmailAddress.objects.filter(user=user, email__iexact=VICTIM, verified=False).exists()
    return user


def _unpacked(response) -> str:
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        return "\n".join(archive.read(name).decode() for name in archive.namelist())


def test_my_data_page_hides_registrations_of_an_unconfirmed_address(client, attacker):
    page = client.get("/mein-bereich/meine-daten/").content.decode()

    assert "angreifer@example.org" in page
    assert "Olga Opferfrau" not in page
    assert "Rollstuhl" not in page
    assert "Fachtag Patenschaften" not in page


def test_export_leaves_out_registrations_of_an_unconfirmed_address(client, attacker):
    response = client.get("/mein-bereich/meine-daten/export.zip")

    assert response.status_code == 200
    everything = _unpacked(response)
    assert "angreifer@example.org" in everything
    assert "Opferfrau" not in everything
    assert "Rollstuhl" not in everything
    assert "Fachtag Patenschaften" not in everything


def test_deleting_the_attackers_account_leaves_the_victims_registration(
    client, attacker, victims_registration
):
    response = client.post("/mein-bereich/konto-loeschen/", {"password": PASSWORD, "confirm": "on"})

    assert response.status_code == 302
    assert not get_user_model().objects.filter(pk=attacker.pk).exists()
    registration = Registration.objects.get(pk=victims_registration.pk)
    assert (registration.name, registration.email, registration.accessibility_needs) == (
        "Olga Opferfrau",
        VICTIM,
        "Rollstuhl, Gebärdensprache",
    )
    assert registration.status == Registration.Status.CONFIRMED


def test_confirmed_second_address_shows_its_registrations(client, victims_registration):
    owner = UserFactory(email="olga@example.org")
    EmailAddress.objects.create(user=owner, email=VICTIM, verified=True, primary=False)
    client.force_login(owner)

    everything = _unpacked(client.get("/mein-bereich/meine-daten/export.zip"))

    assert "Olga Opferfrau" in everything
    assert "Rollstuhl, Gebärdensprache" in everything


def test_unconfirmed_primary_address_links_nothing(victims_registration):
    # An account whose own `email` is the victim's but was never confirmed (e.g. created in the
    # admin, or a sign-up that was not verified).
    user = UserFactory(email=VICTIM, verified=False)

    assert verified_addresses_of(user) == set()
    assert not Registration.objects.filter(by_verified_address(user)).exists()
    found = {section.part.label: section.rows for section in export.sections(user_parts(), user)}
    assert found["veranstaltungs-anmeldungen"] == []


def test_verified_addresses_are_lower_case_and_only_the_confirmed():
    user = UserFactory(email="Mia.Muster@example.org")
    EmailAddress.objects.create(user=user, email="Zweit@Example.org", verified=True)
    EmailAddress.objects.create(user=user, email="fremd@example.org", verified=False)
    UserFactory(email="andere@example.org")

    assert verified_addresses_of(user) == {"mia.muster@example.org", "zweit@example.org"}
    assert verified_addresses_of(get_user_model()()) == set()

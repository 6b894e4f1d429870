"""Two-factor authentication (allauth.mfa): an authenticator app and one-time recovery codes."""

import time

import pytest
import time_machine
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from tests.factories import PASSWORD, ProgramCoordinatorFactory, UserFactory

pytestmark = pytest.mark.django_db
LOGIN = "/konto/login/"
NOW = "2026-03-02 10:00:00 +0100"


def totp_code(secret: str, at: float) -> str:
    return format_hotp_value(hotp_value(secret, int(at // mfa_settings.TOTP_PERIOD)))


def sign_in(client, email):
    return client.post(LOGIN, {"login": email, "password": PASSWORD})


def activation_page(client):
    """allauth asks for the password again before the second factor is changed."""
    client.post("/konto/reauthenticate/", {"password": PASSWORD})
    return client.get("/konto/2fa/totp/activate/")


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def user_with_totp(client, clock):
    """A volunteer who has switched on the authenticator app, and its secret."""
    user = UserFactory(email="zwei@example.org")
    sign_in(client, user.email)
    secret = activation_page(client).context["form"].secret
    client.post("/konto/2fa/totp/activate/", {"code": totp_code(secret, time.time())})
    client.post("/konto/logout/")
    return user, secret


@pytest.mark.clock
def test_enabling_totp_with_a_generated_code(client, clock):
    user = UserFactory(email="zwei@example.org")
    sign_in(client, user.email)
    without_password = client.get("/konto/2fa/totp/activate/")

    page = activation_page(client)
    secret = page.context["form"].secret
    wrong = client.post("/konto/2fa/totp/activate/", {"code": "000000"})
    right = client.post("/konto/2fa/totp/activate/", {"code": totp_code(secret, time.time())})

    assert without_password["Location"].startswith("/konto/reauthenticate/")
    assert page.status_code == 200
    assert 'class="qr-code"' in page.content.decode()
    assert "Authenticator-App aktivieren" in page.content.decode()
    assert wrong.context["form"].errors == {"code": ["Falscher Code."]}
    assert right.status_code == 302
    kinds = set(Authenticator.objects.filter(user=user).values_list("type", flat=True))
    assert kinds == {"totp", "recovery_codes"}


@pytest.mark.clock
def test_login_then_requires_the_second_step(client, clock, user_with_totp):
    user, secret = user_with_totp
    clock.shift(90)

    first = sign_in(client, user.email)
    before_code = client.get("/mein-bereich/")
    second = client.post("/konto/2fa/authenticate/", {"code": totp_code(secret, time.time())})

    assert (first.status_code, first["Location"]) == (302, "/konto/2fa/authenticate/")
    assert before_code.status_code == 302
    assert second.status_code == 302
    assert client.get("/mein-bereich/").status_code == 200


@pytest.mark.clock
def test_wrong_second_step_signs_nobody_in(client, clock, user_with_totp):
    user, _secret = user_with_totp

    sign_in(client, user.email)
    response = client.post("/konto/2fa/authenticate/", {"code": "123456"})

    assert response.status_code == 200
    assert response.context["form"].errors == {"code": ["Falscher Code."]}
    assert "_auth_user_id" not in client.session


@pytest.mark.clock
def test_a_recovery_code_works_once(client, clock, user_with_totp):
    user, _secret = user_with_totp
    codes = Authenticator.objects.get(user=user, type="recovery_codes").wrap().get_unused_codes()

    sign_in(client, user.email)
    first_use = client.post("/konto/2fa/authenticate/", {"code": codes[0]})
    client.post("/konto/logout/")
    sign_in(client, user.email)
    second_use = client.post("/konto/2fa/authenticate/", {"code": codes[0]})

    assert first_use.status_code == 302
    assert second_use.status_code == 200
    assert second_use.context["form"].errors == {"code": ["Falscher Code."]}
    assert "_auth_user_id" not in client.session
    left = Authenticator.objects.get(user=user, type="recovery_codes").wrap().get_unused_codes()
    assert len(left) == len(codes) - 1


REQUIRED = "Bitte richten Sie zuerst einen zweiten Faktor ein"


@pytest.mark.parametrize(
    "path",
    [
        "/koordination/",
        "/en/koordination/",
        "/netzwerk/pruefung/",
        "/netzwerk/meldungen/",
        "/en/netzwerk/partner/",
        "/admin/",
        "/admin/login/",
    ],
)
@pytest.mark.parametrize("role", ["coordinator", "staff", "operator"])
def test_roles_without_a_second_factor_are_stopped_with_a_german_page(client, role, path):
    users = {
        "coordinator": lambda: ProgramCoordinatorFactory(second_factor=False).user,
        "staff": lambda: UserFactory(is_staff=True, second_factor=False),
        "operator": lambda: UserFactory(is_staff=True, is_superuser=True, second_factor=False),
    }
    client.force_login(users[role]())

    response = client.get(path, HTTP_ACCEPT_LANGUAGE="de")

    assert response.status_code == 403
    html = response.content.decode()
    assert (REQUIRED in html) == (not path.startswith("/en/"))
    assert 'href="/konto/2fa/"' in html or 'href="/en/konto/2fa/"' in html


def test_the_second_factor_page_explains_app_passkey_and_recovery_codes(client):
    client.force_login(ProgramCoordinatorFactory(second_factor=False).user)

    html = client.get("/koordination/").content.decode()

    assert "<h1>Bitte richten Sie zuerst einen zweiten Faktor ein</h1>" in html
    assert "Authenticator-App" in html
    assert "Passkey oder Sicherheitsschlüssel" in html
    assert "Wiederherstellungscodes" in html


@pytest.mark.clock
def test_coordinator_who_sets_up_the_app_reaches_coordination(client, clock):
    coordinator = ProgramCoordinatorFactory(
        user=UserFactory(email="k@example.org"), second_factor=False
    ).user
    sign_in(client, coordinator.email)
    before = client.get("/koordination/")
    secret = activation_page(client).context["form"].secret
    client.post("/konto/2fa/totp/activate/", {"code": totp_code(secret, time.time())})

    after = client.get("/koordination/")

    assert before.status_code == 403
    assert after.status_code == 200
    assert "zweiten Faktor" not in after.content.decode()


def test_setting_up_the_second_factor_stays_open_to_the_roles(client):
    client.force_login(UserFactory(is_staff=True, second_factor=False))

    assert client.get("/konto/2fa/").status_code == 200
    assert client.get("/mein-bereich/").status_code == 200


def test_volunteers_without_a_second_factor_get_the_usual_answers(client, user):
    client.force_login(user)

    assert client.get("/koordination/").status_code == 403
    assert REQUIRED not in client.get("/koordination/").content.decode()
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_two_factor_page_is_linked_from_my_area(client, user):
    client.force_login(user)

    assert 'href="/konto/2fa/"' in client.get("/mein-bereich/").content.decode()

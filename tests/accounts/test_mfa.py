"""Two-factor authentication (allauth.mfa): an authenticator app and one-time recovery codes."""

import re
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


def test_coordinator_without_two_factor_sees_the_notice_in_german(client):
    coordinator = ProgramCoordinatorFactory().user
    client.force_login(coordinator)

    html = client.get("/koordination/").content.decode()

    assert "Bitte schützen Sie Ihr Konto mit einem zweiten Schritt" in html
    assert 'href="/konto/2fa/totp/activate/"' in html


@pytest.mark.clock
def test_coordinator_with_two_factor_sees_no_notice(client, clock):
    coordinator = ProgramCoordinatorFactory(user=UserFactory(email="k@example.org")).user
    sign_in(client, coordinator.email)
    secret = activation_page(client).context["form"].secret
    client.post("/konto/2fa/totp/activate/", {"code": totp_code(secret, time.time())})

    html = client.get("/koordination/").content.decode()

    assert "zweiten Schritt" not in html


def test_staff_without_two_factor_sees_the_notice_in_the_admin(client, staff_user):
    client.force_login(staff_user)

    html = client.get("/admin/").content.decode()

    assert "Bitte schützen Sie Ihr Konto mit einem zweiten Schritt" in html
    assert re.search(r'href="/konto/2fa/totp/activate/"', html)


def test_two_factor_page_is_linked_from_my_area(client, user):
    client.force_login(user)

    assert 'href="/konto/2fa/"' in client.get("/mein-bereich/").content.decode()

import re
import uuid

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from tests.factories import PASSWORD, UserFactory

User = get_user_model()
SIGNUP = "/konto/signup/"
LOGIN = "/konto/login/"
RESET = "/konto/password/reset/"


def _link_from(mail) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", mail.body).group(1)


@pytest.mark.django_db
def test_signup_verification_link_logs_in(client, mailoutbox):
    response = client.post(
        SIGNUP, {"email": "neu@example.org", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/konto/confirm-email/"
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["neu@example.org"]
    assert "_auth_user_id" not in client.session

    confirm_url = _link_from(mailoutbox[0])
    assert client.get(confirm_url).status_code == 200
    response = client.post(confirm_url)

    assert response.status_code == 302
    assert response["Location"] == "/mein-bereich/"
    assert int(client.session["_auth_user_id"]) == User.objects.get(email="neu@example.org").pk
    assert EmailAddress.objects.get(email="neu@example.org").verified is True


@pytest.mark.django_db
def test_signup_mail_is_german(client, mailoutbox):
    client.post(SIGNUP, {"email": "neu@example.org", "password1": PASSWORD, "password2": PASSWORD})

    assert "E-Mail" in mailoutbox[0].subject


@pytest.mark.django_db
def test_unverified_user_cannot_log_in(client, mailoutbox):
    UserFactory(email="offen@example.org", verified=False)

    response = client.post(LOGIN, {"login": "offen@example.org", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/konto/confirm-email/"
    assert "_auth_user_id" not in client.session
    assert client.get("/mein-bereich/").status_code == 302


@pytest.mark.django_db
def test_verified_user_logs_in(client):
    UserFactory(email="da@example.org")

    response = client.post(LOGIN, {"login": "da@example.org", "password": PASSWORD})

    assert response.status_code == 302
    assert client.get("/mein-bereich/").status_code == 200


@pytest.mark.django_db
def test_wrong_password_eleven_times_is_rate_limited(client):
    UserFactory(email="ziel@example.org")

    pages = [
        client.post(
            LOGIN, {"login": "ziel@example.org", "password": f"falsch-{n}"}
        ).content.decode()
        for n in range(11)
    ]

    limited = ["Zu viele gescheiterte Anmeldeversuche" in html for html in pages]
    assert limited == [False] * 10 + [True]


@pytest.mark.django_db
def test_rate_limited_login_refuses_even_right_password(client):
    UserFactory(email="ziel@example.org")
    for n in range(10):
        client.post(LOGIN, {"login": "ziel@example.org", "password": f"falsch-{n}"})

    response = client.post(LOGIN, {"login": "ziel@example.org", "password": PASSWORD})

    assert response.status_code == 429
    assert "Zu viele gescheiterte Anmeldeversuche" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_wrong_password_gives_german_error_and_keeps_email(client):
    UserFactory(email="ziel@example.org")

    response = client.post(LOGIN, {"login": "ziel@example.org", "password": "falsch"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Die E-Mail-Adresse und/oder das Passwort sind leider falsch." in html
    assert 'value="ziel@example.org"' in html


@pytest.mark.django_db
def test_password_reset_looks_the_same_for_unknown_address(client, mailoutbox):
    UserFactory(email="bekannt@example.org")

    known = client.post(RESET, {"email": "bekannt@example.org"})
    unknown = client.post(RESET, {"email": "unbekannt@example.org"})

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/konto/password/reset/done/"
    assert [m.to for m in mailoutbox] == [["bekannt@example.org"], ["unbekannt@example.org"]]
    assert "/konto/password/reset/key/" in mailoutbox[0].body
    assert "/konto/password/reset/key/" not in mailoutbox[1].body


@pytest.mark.django_db
def test_signup_with_taken_address_does_not_reveal_it(client, mailoutbox):
    UserFactory(email="vergeben@example.org")

    response = client.post(
        SIGNUP, {"email": "vergeben@example.org", "password1": PASSWORD, "password2": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == "/konto/confirm-email/"
    assert User.objects.filter(email="vergeben@example.org").count() == 1


@pytest.mark.django_db
def test_signup_bad_input_shows_german_errors_and_keeps_input(client):
    response = client.post(
        SIGNUP, {"email": "keine-adresse", "password1": "kurz", "password2": "anders"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Bitte gültige E-Mail-Adresse eingeben." in html
    assert 'value="keine-adresse"' in html
    assert 'aria-invalid="true"' in html
    assert User.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/konto/password/change/", "/konto/email/", "/mein-bereich/", "/koordination/"]
)
def test_signed_in_pages_redirect_anonymous_to_login(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"/konto/login/?next={path}"


@pytest.mark.django_db
def test_password_change_works(client, user):
    client.force_login(user)

    response = client.post(
        "/konto/password/change/",
        {
            "oldpassword": PASSWORD,
            "password1": "ein-neues-passwort-7",
            "password2": "ein-neues-passwort-7",
        },
    )

    user.refresh_from_db()
    assert response.status_code == 302
    assert user.check_password("ein-neues-passwort-7")


@pytest.mark.django_db
def test_email_change_needs_verification_of_new_address(client, user, mailoutbox):
    client.force_login(user)

    response = client.post("/konto/email/", {"action_add": "", "email": "neue@example.org"})

    assert response.status_code == 302
    assert EmailAddress.objects.get(email="neue@example.org").verified is False
    assert mailoutbox[-1].to == ["neue@example.org"]


@pytest.mark.django_db
def test_admin_login_goes_through_rate_limited_login(client):
    response = client.get("/admin/")
    response = client.get(response["Location"])

    assert response.status_code == 302
    assert response["Location"] == "/konto/login/?next=%2Fadmin%2F"


@pytest.mark.django_db
def test_admin_refuses_signed_in_volunteer(client, user):
    client.force_login(user)

    assert client.get("/admin/login/").status_code == 403


@pytest.mark.django_db
def test_operator_reaches_admin_and_staff_are_sent_to_their_area(client, staff_user):
    client.force_login(staff_user)
    staff = client.get("/admin/", follow=True).redirect_chain
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    assert staff[-1] == ("/netzwerk/", 302)
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_user_manager_creates_user_without_username():
    user = User.objects.create_user(email="Jemand@EXAMPLE.org", password=PASSWORD)

    assert user.email == "Jemand@example.org"
    assert user.check_password(PASSWORD)
    assert str(user) == "Jemand@example.org"


@pytest.mark.django_db
def test_mails_name_the_portal_not_example_com(client, mailoutbox):
    client.post(SIGNUP, {"email": "neu@example.org", "password1": PASSWORD, "password2": PASSWORD})

    assert "Mentoring-Portal" in mailoutbox[0].body
    assert "example.com" not in mailoutbox[0].body


@pytest.mark.django_db
def test_rate_limited_reset_shows_german_page(client):
    statuses = [client.post(RESET, {"email": "jemand@example.org"}).status_code for _ in range(6)]

    response = client.post(RESET, {"email": "jemand@example.org"})

    assert statuses[:5] == [302] * 5
    assert response.status_code == 429
    assert '<html lang="de">' in response.content.decode()
    assert "Zu viele Versuche" in response.content.decode()


@pytest.mark.django_db
def test_expired_form_shows_german_page():
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(LOGIN, {"login": "x@example.org"})

    assert response.status_code == 403
    assert "Das Formular ist abgelaufen" in response.content.decode()


@pytest.mark.django_db
def test_create_staff_command_gives_admin_access(client):
    from django.core.management import call_command

    call_command("create_staff", "chefin@example.org", password="ein-sicheres-passwort-9")

    response = client.post(
        LOGIN, {"login": "chefin@example.org", "password": "ein-sicheres-passwort-9"}
    )
    assert response.status_code == 302
    # The admin opens once the second factor is set up (tests/accounts/test_mfa.py).
    assert client.get("/admin/").status_code == 403
    assert "zweiten Faktor" in client.get("/admin/").content.decode()


@pytest.mark.redis
@pytest.mark.django_db
def test_login_rate_limit_holds_on_redis(client, settings, redis_url):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    UserFactory(email="ziel@example.org")

    pages = [
        client.post(LOGIN, {"login": "ziel@example.org", "password": f"falsch-{n}"}).content
        for n in range(11)
    ]

    assert "Zu viele gescheiterte Anmeldeversuche" in pages[-1].decode()
    assert "Zu viele gescheiterte Anmeldeversuche" not in pages[-2].decode()


@pytest.mark.django_db
def test_signup_in_english_keeps_english_for_mails(client):
    client.post(
        f"/en{SIGNUP}", {"email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD}
    )

    assert User.objects.get(email="new@example.org").language == "en"


@pytest.mark.django_db
def test_signup_in_german_keeps_german(client):
    client.post(SIGNUP, {"email": "neu@example.org", "password1": PASSWORD, "password2": PASSWORD})

    assert User.objects.get(email="neu@example.org").language == "de"


@pytest.mark.django_db
def test_every_field_error_is_announced(client):
    response = client.post(SIGNUP, {"email": "x" * 330 + "@example.org"})

    html = response.content.decode()
    assert (
        'aria-describedby="id_email-error-1 ' in html
        or 'aria-describedby="id_email-error-1"' in html
    )
    assert "Felder mit * sind Pflichtfelder." in html

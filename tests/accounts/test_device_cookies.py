"""Failed logins: a stranger's wrong passwords lock out strangers, not the account's owner, whose
browser signed in before and carries a device cookie (OWASP "device cookies")."""

import pytest
from django.conf import settings
from django.core import signing
from django.test import Client

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/konto/login/"
LIMITED = "Zu viele gescheiterte Anmeldeversuche"
OWNER_IP = "198.51.100.7"


def attempt(client, email, password, ip):
    return client.post(LOGIN, {"login": email, "password": password}, REMOTE_ADDR=ip)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def owners_browser(email="koordination@example.org") -> Client:
    """The owner's browser after one successful sign-in and a sign-out: it keeps its cookie."""
    browser = Client()
    response = attempt(browser, email, PASSWORD, OWNER_IP)
    assert response.status_code == 302
    browser.post("/konto/logout/", REMOTE_ADDR=OWNER_IP)
    assert not signed_in(browser)
    return browser


def stranger_guesses(email, count, *, client=None, first_ip=1):
    """Wrong passwords, each from another address so that the per-IP limit is not what stops."""
    client = client or Client()
    return [
        attempt(client, email, f"falsch-{n}", f"203.0.113.{first_ip + n}") for n in range(count)
    ]


def test_login_stranger_gets_429_after_ten_wrong_passwords():
    UserFactory(email="koordination@example.org")

    guesses = stranger_guesses("koordination@example.org", 11)

    assert [response.status_code for response in guesses] == [200] * 10 + [429]
    assert LIMITED not in guesses[9].content.decode()
    assert LIMITED in guesses[10].content.decode()
    assert '<html lang="de">' in guesses[10].content.decode()


def test_login_stranger_429_even_with_the_right_password():
    UserFactory(email="koordination@example.org")
    stranger = Client()
    stranger_guesses("koordination@example.org", 10, client=stranger)

    response = attempt(stranger, "koordination@example.org", PASSWORD, "203.0.113.99")

    assert response.status_code == 429
    assert not signed_in(stranger)


def test_login_owner_with_device_cookie_signs_in_while_strangers_are_locked_out():
    UserFactory(email="koordination@example.org")
    browser = owners_browser()
    stranger_guesses("koordination@example.org", 12)

    response = attempt(browser, "koordination@example.org", PASSWORD, OWNER_IP)

    assert response.status_code == 302
    assert signed_in(browser)


def test_login_owner_with_device_cookie_keeps_wrong_passwords_of_their_own():
    UserFactory(email="koordination@example.org")
    browser = owners_browser()
    stranger_guesses("koordination@example.org", 12)

    typo = attempt(browser, "koordination@example.org", "vertippt", OWNER_IP)

    assert typo.status_code == 200
    assert "Die E-Mail-Adresse und/oder das Passwort sind leider falsch." in typo.content.decode()


def test_login_stolen_device_cookie_is_limited_per_cookie():
    UserFactory(email="koordination@example.org")
    browser = owners_browser()
    thief = Client()
    thief.cookies[settings.DEVICE_COOKIE_NAME] = browser.cookies[settings.DEVICE_COOKIE_NAME].value

    guesses = stranger_guesses("koordination@example.org", 10, client=thief)
    right = attempt(thief, "koordination@example.org", PASSWORD, "203.0.113.200")

    assert {response.status_code for response in guesses} == {200}
    assert right.status_code == 429
    assert not signed_in(thief)


def test_login_stolen_device_cookie_does_not_lock_strangers_bucket_or_other_browsers():
    user = UserFactory(email="koordination@example.org")
    browser = owners_browser()
    thief = Client()
    thief.cookies[settings.DEVICE_COOKIE_NAME] = browser.cookies[settings.DEVICE_COOKIE_NAME].value
    stranger_guesses("koordination@example.org", 10, client=thief)
    # The owner signs in on another computer: a new cookie, a limit of its own.
    other_browser = owners_browser(user.email)

    response = attempt(other_browser, user.email, PASSWORD, OWNER_IP)

    assert response.status_code == 302


@pytest.mark.parametrize(
    "forged",
    [
        "junk",
        signing.dumps([["0" * 24, "nonce"]], salt="accounts.devices"),
        signing.dumps([["0" * 24, "nonce"]], key="not-the-secret-key", salt="accounts.devices"),
    ],
)
def test_login_forged_device_cookie_counts_with_the_strangers(forged):
    UserFactory(email="koordination@example.org")
    forger = Client()
    forger.cookies[settings.DEVICE_COOKIE_NAME] = forged
    stranger_guesses("koordination@example.org", 5)

    guesses = stranger_guesses("koordination@example.org", 6, client=forger, first_ip=50)

    assert [response.status_code for response in guesses] == [200] * 5 + [429]


def test_login_device_cookie_of_another_account_counts_with_the_strangers():
    UserFactory(email="koordination@example.org")
    UserFactory(email="mentorin@example.org")
    browser = owners_browser("mentorin@example.org")

    guesses = stranger_guesses("koordination@example.org", 11, client=browser)

    assert [response.status_code for response in guesses] == [200] * 10 + [429]


def test_login_per_ip_limit_stays_for_device_cookies():
    UserFactory(email="koordination@example.org")
    browser = owners_browser()

    guesses = [
        attempt(browser, "koordination@example.org", f"falsch-{n}", OWNER_IP) for n in range(10)
    ]
    right = attempt(browser, "koordination@example.org", PASSWORD, OWNER_IP)

    assert {response.status_code for response in guesses} == {200}
    assert right.status_code == 429


def test_login_success_issues_device_cookie_naming_no_one_readably(settings):
    user = UserFactory(email="koordination@example.org")
    browser = Client()

    response = attempt(browser, user.email, PASSWORD, OWNER_IP)

    cookie = response.cookies[settings.DEVICE_COOKIE_NAME]
    raw = signing.b64_decode(cookie.value.split(":")[0].lstrip(".").encode())
    assert cookie["httponly"] is True
    assert cookie["samesite"] == settings.DEVICE_COOKIE_SAMESITE == "Strict"
    assert cookie["secure"] == ("" if not settings.DEVICE_COOKIE_SECURE else True)
    assert cookie["max-age"] == settings.DEVICE_COOKIE_AGE
    assert cookie["path"] == "/"
    assert b"koordination" not in raw
    assert f'"{user.pk}"'.encode() not in raw


def test_login_failure_issues_no_device_cookie():
    UserFactory(email="koordination@example.org")

    response = attempt(Client(), "koordination@example.org", "falsch", OWNER_IP)

    assert settings.DEVICE_COOKIE_NAME not in response.cookies


def test_login_device_cookie_remembers_several_accounts_of_one_browser():
    UserFactory(email="koordination@example.org")
    UserFactory(email="koordination2@example.org")
    browser = owners_browser("koordination@example.org")
    attempt(browser, "koordination2@example.org", PASSWORD, OWNER_IP)
    browser.post("/konto/logout/", REMOTE_ADDR=OWNER_IP)
    stranger_guesses("koordination@example.org", 11)
    stranger_guesses("koordination2@example.org", 11, first_ip=100)

    first = attempt(browser, "koordination@example.org", PASSWORD, OWNER_IP)
    browser.post("/konto/logout/", REMOTE_ADDR=OWNER_IP)
    second = attempt(browser, "koordination2@example.org", PASSWORD, OWNER_IP)

    assert (first.status_code, second.status_code) == (302, 302)


@pytest.mark.parametrize("path", ["/datenschutz/", "/en/datenschutz/"])
def test_privacy_policy_lists_the_device_cookie(client, path):
    html = client.get(path).content.decode()

    assert f"<code>{settings.DEVICE_COOKIE_NAME}</code>" in html


def test_device_cookie_is_secure_httponly_and_strict_in_production(tmp_path):
    from tests.support.production import manage, production_env

    names = ["DEVICE_COOKIE_SECURE", "DEVICE_COOKIE_SAMESITE", "DEVICE_COOKIE_AGE"]
    script = f"from django.conf import settings; print([getattr(settings, n) for n in {names!r}])"

    result = manage(production_env(tmp_path), "shell", "--no-imports", "-c", script)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str([True, "Strict", 180 * 24 * 60 * 60])

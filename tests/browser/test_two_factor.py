"""The second factor in the browser: a coordinator adds a passkey and signs in with it.

Chromium's DevTools virtual authenticator stands in for the phone or security key.
"""

import pytest
from allauth.mfa.models import Authenticator

from tests.factories import PASSWORD, ProgramCoordinatorFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _virtual_authenticator(page) -> None:
    cdp = page.context.new_cdp_session(page.page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )


def _sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/konto/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()


def test_coordinator_adds_a_passkey_then_signs_in_with_it(page, live_server, settings):
    # The live server speaks plain HTTP on localhost (WebAuthn wants HTTPS elsewhere).
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
    base = live_server.url.replace("127.0.0.1", "localhost")
    user = UserFactory(email="kora@example.org", name="Kora Koordinatorin")
    membership = ProgramCoordinatorFactory(user=user, second_factor=False)
    _virtual_authenticator(page)

    _sign_in(page, base, user.email)
    page.goto(f"{base}/koordination/")
    stopped = page.locator("h1").inner_text()
    assert page.axe_violations() == []
    page.click("text=Zweiten Faktor einrichten")
    page.wait_for_url(f"{base}/konto/2fa/")
    assert page.axe_violations() == []
    page.click("a[href='/konto/2fa/webauthn/add/']")
    page.wait_for_load_state()
    # allauth asks for the password again before a second factor is added.
    if "/konto/reauthenticate/" in page.url:
        page.fill("input[name=password]", PASSWORD)
        page.click("main form button[type=submit]")
    page.wait_for_url(f"{base}/konto/2fa/webauthn/add/")
    assert page.axe_violations() == []
    page.fill("input[name=name]", "Laptop")
    page.click("#mfa_webauthn_add")
    page.wait_for_url(lambda url: "/webauthn/add/" not in url)
    codes_page = page.locator("main").inner_text()
    assert page.axe_violations() == []
    added = list(Authenticator.objects.filter(user=user).values_list("type", flat=True))
    page.goto(f"{base}/koordination/")
    reached = page.locator("h1").inner_text()

    page.context.clear_cookies()
    _sign_in(page, base, user.email)
    asked = page.url
    page.click("#mfa_webauthn_authenticate")
    page.wait_for_url(lambda url: "/2fa/authenticate/" not in url)
    page.goto(f"{base}/koordination/programme/{membership.program.slug}/bewerbungen/")
    second = page.locator("h1").inner_text()

    assert stopped == "Bitte richten Sie zuerst einen zweiten Faktor ein"
    assert sorted(added) == ["recovery_codes", "webauthn"]
    assert "Ein neuer Satz Wiederherstellungscodes wurde generiert." in codes_page
    assert "Bitte richten Sie" not in reached
    assert asked == f"{base}/konto/2fa/authenticate/"
    assert "Bitte richten Sie" not in second
    assert page.csp_violations() == []
    assert page.outside_requests() == []

"""The network staff in the browser: they sign in and land on /netzwerk/; they invite a
coordinator by e-mail, who accepts with a new account and then sees only that program."""

import re
import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from programs.models import ProgramCoordinator
from tests.factories import (
    PASSWORD,
    TOTP_SECRET,
    ProgramCoordinatorFactory,
    ProgramFactory,
    UserFactory,
    with_totp,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _sign_in_with_totp(page, base: str, email: str) -> None:
    page.goto(f"{base}/konto/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{base}/konto/2fa/authenticate/")
    code = format_hotp_value(hotp_value(TOTP_SECRET, int(time.time() // mfa_settings.TOTP_PERIOD)))
    page.fill("input[name=code]", code)
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/2fa/authenticate/" not in url)


def test_staff_land_on_network_and_invite_a_coordinator_who_sees_only_that_program(
    page, live_server, mailoutbox
):
    base = live_server.url
    staff = UserFactory(email="nora@example.org", name="Nora Netzwerk", is_staff=True)
    program = ProgramFactory(name="Lesepat:innen Leipzig")
    ProgramCoordinatorFactory(program=ProgramFactory(name="Sportpat:innen Halle"))

    _sign_in_with_totp(page, base, staff.email)
    landed = page.url
    home_heading = page.locator("h1").inner_text()
    current = page.locator(".main-nav a[aria-current=page]").inner_text()
    assert page.axe_violations() == []

    page.click("main a[href='/netzwerk/programme/']")
    page.wait_for_url(f"{base}/netzwerk/programme/")
    assert page.axe_violations() == []
    page.click(f"a[href='/netzwerk/programme/{program.slug}/']")
    page.wait_for_url(f"{base}/netzwerk/programme/{program.slug}/")
    assert page.axe_violations() == []
    page.fill("#invitations-heading ~ form input[name=email]", "nele@example.org")
    page.click("text=Einladung senden")
    page.wait_for_load_state()
    sent = page.locator(".messages").inner_text()
    (mail,) = mailoutbox
    link = re.search(r"https?://\S+?(/einladung/\S+/)", mail.body).group(1)

    page.context.clear_cookies()
    page.goto(f"{base}{link}")
    assert page.axe_violations() == []
    page.fill("input[name=name]", "Nele Neu")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.click("text=Konto anlegen und annehmen")
    page.wait_for_url(f"{base}/koordination/")
    asked_for_second_factor = page.locator("h1").inner_text()
    with_totp(ProgramCoordinator.objects.get(program=program).user)
    page.goto(f"{base}/koordination/")
    coordination = page.locator("main").inner_text()
    assert page.axe_violations() == []

    assert landed == f"{base}/netzwerk/"
    assert home_heading == "Netzwerk"
    assert current == "Netzwerk"
    assert "Eine Einladung an nele@example.org ist verschickt." in sent
    assert mail.to == ["nele@example.org"]
    assert "zweiten Faktor" in asked_for_second_factor
    assert "Lesepat:innen Leipzig" in coordination
    assert "Sportpat:innen Halle" not in coordination
    assert page.csp_violations() == []

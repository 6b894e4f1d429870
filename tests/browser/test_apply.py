import re

import pytest

from tests.factories import ProgramFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_volunteer_applies_on_a_phone(page, live_server):
    program = ProgramFactory(name="Lesepat:innen Leipzig")
    page.set_viewport_size({"width": 375, "height": 740})
    page.login(live_server.url, UserFactory(name="Mira Mentorin"))

    page.goto(f"{live_server.url}{program.get_absolute_url()}")
    page.click("text=Als Mentor:in bewerben")
    page.wait_for_url(re.compile(r"/bewerben/$"))
    assert page.axe_violations() == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    # Four steps; the first with bad input stays, with its error beside the field.
    assert "Schritt 1 von 4" in page.locator(".step-progress").inner_text()
    page.fill("#id_year_of_birth", "1988")
    page.fill("#id_postcode", "041")
    page.fill("#id_languages", "Deutsch")
    page.click("button[value=next]")
    assert "Schritt 1 von 4" in page.locator(".step-progress").inner_text()
    assert page.locator("#id_postcode").get_attribute("aria-invalid") == "true"
    assert page.axe_violations() == []
    page.fill("#id_postcode", "04109")
    page.press("#id_postcode", "Enter")  # Enter goes forward, not back
    assert "Schritt 2 von 4" in page.locator(".step-progress").inner_text()
    page.check("text=Montag, vormittags")
    page.click("button[value=next]")
    page.fill("#id_motivation", "Ich lese gern vor.")
    page.click("button[value=back]")
    assert page.locator("text=Montag, vormittags").is_checked()
    page.click("button[value=next]")
    page.click("button[value=next]")
    assert "Schritt 4 von 4" in page.locator(".step-progress").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert page.axe_violations() == []
    page.check("#id_privacy_consent")
    page.click("button[value=save]")
    page.wait_for_url(re.compile(r"/mein-bereich/$"))

    assert "Lesepat:innen Leipzig" in page.locator("main").inner_text()
    assert page.axe_violations() == []
    assert page.outside_requests() == []


def test_application_steps_on_a_desktop(page, live_server):
    program = ProgramFactory(name="Lesepat:innen Leipzig")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.login(live_server.url, UserFactory(name="Mira Mentorin"))

    page.goto(f"{live_server.url}/programme/{program.slug}/bewerben/")
    page.click("button[value=next]")  # the year of birth, postcode and languages are missing

    assert page.locator(".error-summary a").count() == 3
    page.click(".error-summary a >> nth=0")
    assert page.evaluate("location.hash") == "#id_year_of_birth"
    assert page.locator("[aria-current=step]").inner_text() == "Über Sie"
    assert page.axe_violations() == []
    page.fill("#id_year_of_birth", "1988")
    page.fill("#id_postcode", "04109")
    page.fill("#id_languages", "Deutsch")
    page.click("button[value=next]")
    assert page.locator("[aria-current=step]").inner_text() == "Interessen und Zeit"
    assert page.locator(".step-done").count() == 1
    assert page.axe_violations() == []


def test_application_steps_without_javascript(_browser, live_server, settings):
    from django.conf import settings as django_settings
    from django.test import Client

    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    program = ProgramFactory(name="Lesepat:innen Leipzig")
    client = Client()
    client.force_login(UserFactory(name="Mira Mentorin"))
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    context = _browser.new_context(
        viewport={"width": 375, "height": 667}, locale="de-DE", java_script_enabled=False
    )
    try:
        context.add_cookies(
            [{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
        )
        page = context.new_page()
        page.goto(f"{live_server.url}/programme/{program.slug}/bewerben/")
        page.fill("#id_year_of_birth", "1988")
        page.fill("#id_postcode", "04109")
        page.fill("#id_languages", "Deutsch")
        page.click("button[value=next]")
        assert "Schritt 2 von 4" in page.locator(".step-progress").inner_text()
        page.click("button[value=back]")
        assert page.locator("#id_postcode").input_value() == "04109"
    finally:
        context.close()

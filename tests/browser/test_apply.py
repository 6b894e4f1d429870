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
    page.fill("#id_year_of_birth", "1988")
    page.fill("#id_postcode", "04109")
    page.fill("#id_languages", "Deutsch")
    page.check("text=Montag, vormittags")
    page.fill("#id_motivation", "Ich lese gern vor.")
    page.check("#id_privacy_consent")
    page.click("form.form button[type=submit]")
    page.wait_for_url(re.compile(r"/mein-bereich/$"))

    assert "Lesepat:innen Leipzig" in page.locator("main").inner_text()
    assert page.axe_violations() == []
    assert page.outside_requests() == []

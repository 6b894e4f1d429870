import re

import pytest
from django.core import mail

from events.models import Registration
from tests.factories import EventFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_register_confirm_and_cancel_on_a_phone(page, live_server, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    event = EventFactory(title="Netzwerktreffen Sachsen", capacity=20)
    page.set_viewport_size({"width": 375, "height": 740})

    page.goto(f"{live_server.url}{event.get_absolute_url()}")
    page.click(f"a[href='/veranstaltungen/{event.slug}/anmelden/']")
    page.wait_for_url(re.compile(r"/anmelden/$"))
    assert page.axe_violations() == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.fill("#id_name", "Hanna Huber")
    page.fill("#id_email", "hanna@example.org")
    page.fill("#id_accessibility_needs", "Stufenloser Zugang")
    page.check("#id_consent")
    page.click("form.form button[type=submit]")
    page.wait_for_url(re.compile(rf"/veranstaltungen/{event.slug}/$"))
    assert page.locator(".messages").count() == 1

    (request,) = mail.outbox
    link = re.search(r"https?://\S+/veranstaltungen/bestaetigen/\S+/", request.body).group(0)
    page.goto(f"{live_server.url}/{link.split('/', 3)[3]}")
    assert page.axe_violations() == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.click("form.form button[value=confirm]")
    page.wait_for_load_state()
    assert page.locator("main .notice[role=status]").count() == 1
    assert page.axe_violations() == []

    confirmation = mail.outbox[1]
    link = re.search(r"https?://\S+/veranstaltungen/abmelden/\S+/", confirmation.body).group(0)
    path = "/" + link.split("/", 3)[3]
    page.goto(f"{live_server.url}{path}")
    assert page.axe_violations() == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()

    assert page.locator("main .notice[role=status]").count() == 1
    assert Registration.objects.get().status == Registration.Status.CANCELLED
    assert page.axe_violations() == []
    assert page.outside_requests() == []

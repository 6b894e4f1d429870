from datetime import timedelta

import pytest
from django.utils import timezone

from tandems.models import Application, Mentee, Tandem
from tests.factories import ProgramCoordinatorFactory
from tests.factories.tandems import applicant, new_mentee

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_coordinator_screens_moves_to_ready_and_matches(page, live_server):
    membership = ProgramCoordinatorFactory()
    program = membership.program
    application = applicant(program, name="Mira Mentorin", languages="Deutsch, Arabisch")
    mentee = new_mentee(program)
    page.login(live_server.url, membership.user)
    base = live_server.url

    page.goto(f"{base}/koordination/programme/{program.slug}/bewerbungen/")
    assert page.axe_violations() == []
    page.click("text=Mira Mentorin")
    assert page.axe_violations() == []

    page.goto(f"{base}/koordination/bewerbungen/{application.pk}/fuehrungszeugnis/")
    assert page.axe_violations() == []
    today = timezone.localdate()
    page.check("#id_inspected")
    page.fill("#id_certificate_issued_on", (today - timedelta(days=10)).isoformat())
    page.fill("#id_inspected_on", today.isoformat())
    page.click("form.form button[type=submit]")
    page.wait_for_url(f"{base}/koordination/bewerbungen/{application.pk}/")

    page.select_option("#id_stage", label="bereit für Tandem")
    page.click("form button:has-text('Verschieben')")
    page.wait_for_url(f"{base}/koordination/bewerbungen/{application.pk}/")
    assert Application.objects.get(pk=application.pk).stage.is_ready is True

    page.goto(f"{base}/koordination/mentees/{mentee.pk}/")
    assert page.axe_violations() == []
    assert "Gemeinsame Sprachen: Arabisch, Deutsch." in page.locator("main").inner_text()
    page.click("form button:has-text('Vorschlagen')")
    page.wait_for_load_state()

    assert Tandem.objects.get().mentor == application.volunteer
    assert Mentee.objects.get(pk=mentee.pk).status == "matched"
    assert page.axe_violations() == []
    assert page.outside_requests() == []
    assert page.csp_violations() == []

"""In Chromium: a coordinator corrects a mentee and enters a paper application; a volunteer
corrects their profile on a phone."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tandems.models import Application, ConsentRecord, VolunteerProfile
from tests.factories import ProgramCoordinatorFactory
from tests.factories.tandems import applicant, new_mentee

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_coordinator_edits_a_mentee_and_sees_the_history(page, live_server):
    membership = ProgramCoordinatorFactory(user__name="Kim Koordinatorin")
    mentee = new_mentee(membership.program, first_name="Ali")
    page.login(live_server.url, membership.user)
    base = live_server.url

    page.goto(f"{base}/koordination/mentees/{mentee.pk}/")
    page.click("a:has-text('Bearbeiten')")
    page.wait_for_url(f"{base}/koordination/mentees/{mentee.pk}/bearbeiten/")
    assert page.axe_violations() == []
    page.fill("#id_first_name", "Aylin")
    page.fill("#id_postcode", "10115")
    page.fill("#id_guardian_phone", "030 123456")
    page.click("form.form button[type=submit]")
    page.wait_for_url(f"{base}/koordination/mentees/{mentee.pk}/")

    mentee.refresh_from_db()
    assert (mentee.first_name, mentee.city) == ("Aylin", "Berlin")
    main = page.locator("main").inner_text()
    assert "Die Änderungen wurden gespeichert." in main
    assert "Kim Koordinatorin" in main
    assert "Vorname oder Pseudonym" in main  # the changed field, named in the history
    assert page.axe_violations() == []
    assert page.outside_requests() == []
    assert page.csp_violations() == []


def test_coordinator_records_a_paper_application(page, live_server):
    membership = ProgramCoordinatorFactory()
    program = membership.program
    page.login(live_server.url, membership.user)
    base = live_server.url

    page.goto(f"{base}/koordination/programme/{program.slug}/bewerbungen/")
    page.click("text=Bewerbung auf Papier erfassen")
    page.wait_for_url(f"{base}/koordination/programme/{program.slug}/bewerbungen/neu/")
    assert page.axe_violations() == []
    page.fill("#id_email", "gisela@example.org")
    page.select_option("#id_channel", "paper")
    page.fill("#id_name", "Gisela Hartmann")
    page.fill("#id_year_of_birth", "1956")
    page.fill("#id_postcode", "04229")
    page.fill("#id_languages", "Deutsch")
    page.click("button[value=next]")  # four steps
    page.click("button[value=next]")
    page.fill("#id_motivation", "Ich lese gern mit Kindern.")
    page.click("button[value=next]")
    assert "Schritt 4 von 4" in page.locator(".step-progress").inner_text()
    page.select_option("#id_consent_method", "phone")
    page.fill("#id_consent_given_on", (timezone.localdate() - timedelta(days=1)).isoformat())
    page.check("#id_privacy_consent")
    page.click("button[value=save]")
    page.wait_for_url(re.compile(r"/koordination/bewerbungen/\d+/$"))

    application = Application.objects.get()
    assert (application.channel, application.volunteer.email) == ("paper", "gisela@example.org")
    consent = ConsentRecord.objects.get(user=application.volunteer)
    assert (consent.method, consent.recorded_by) == ("phone", membership.user)
    assert "Es wurde keine E-Mail verschickt." in page.locator("main").inner_text()
    assert page.axe_violations() == []

    # The same address again: refused, with the German reason, at the field.
    page.goto(f"{base}/koordination/programme/{program.slug}/bewerbungen/neu/")
    page.fill("#id_email", "gisela@example.org")
    page.fill("#id_name", "Jemand anderes")
    page.fill("#id_year_of_birth", "1970")
    page.fill("#id_postcode", "04109")
    page.fill("#id_languages", "Deutsch")
    page.click("button[value=next]")
    page.click("button[value=next]")
    page.fill("#id_motivation", "Test")
    page.click("button[value=next]")
    page.check("#id_privacy_consent")
    page.click("button[value=save]")
    page.wait_for_load_state()
    # Back at the first step, where the address is.
    assert "Schritt 1 von 4" in page.locator(".step-progress").inner_text()
    assert "gehört bereits zu einem Konto" in page.locator("main").inner_text()
    assert Application.objects.count() == 1
    assert page.axe_violations() == []
    assert page.outside_requests() == []


def test_volunteer_corrects_the_profile_on_a_phone(page, live_server):
    application = applicant(ProgramCoordinatorFactory().program, name="Vera Volunteer")
    page.set_viewport_size({"width": 375, "height": 740})
    page.login(live_server.url, application.volunteer)
    base = live_server.url

    page.goto(f"{base}/mein-bereich/")
    page.click("text=Mein Profil berichtigen")
    page.wait_for_url(f"{base}/mein-bereich/profil/")
    assert page.axe_violations() == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.fill("#id_phone", "0351 987654")
    page.fill("#id_postcode", "01067")
    page.fill("#id_city", "")
    page.check("text=Dienstag, abends")
    page.click("form.form button[type=submit]")
    page.wait_for_url(f"{base}/mein-bereich/")

    profile = VolunteerProfile.objects.get(user=application.volunteer)
    assert (profile.phone, profile.postcode, profile.city) == ("0351 987654", "01067", "Dresden")
    assert "di-abend" in profile.availability
    assert "Ihr Profil wurde gespeichert." in page.locator("main").inner_text()
    assert page.axe_violations() == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert page.outside_requests() == []

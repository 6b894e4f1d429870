"""Consents: each person sees and withdraws their own; a coordinator records a mentee's."""

import pytest

from tandems.models import Application, ConsentRecord
from tandems.notifications import mentee_consents
from tests.factories import ProgramCoordinatorFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_consent_page_lists_own_consents(client, marked_mentor):
    client.force_login(marked_mentor)

    html = client.get("/en/mein-bereich/einwilligungen/").content.decode()

    assert "Privacy notice of the program: Lesepat:innen A" in html
    assert "Contact by other programs" in html
    assert html.count("Withdraw consent") == 2


def test_withdrawing_contact_by_other_programs(client, marked_mentor):
    client.force_login(marked_mentor)
    consent = marked_mentor.consents.get(scope=ConsentRecord.Scope.OTHER_PROGRAMS)

    response = client.post(f"/mein-bereich/einwilligungen/{consent.pk}/widerrufen/", follow=True)

    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert "Ihre Einwilligung wurde widerrufen." in response.content.decode()
    assert Application.objects.open().filter(volunteer=marked_mentor).count() == 1


def test_withdrawing_the_privacy_notice_withdraws_the_open_application(client, marked_mentor):
    client.force_login(marked_mentor)
    consent = marked_mentor.consents.get(scope=ConsentRecord.Scope.PRIVACY_NOTICE)

    client.post(f"/mein-bereich/einwilligungen/{consent.pk}/widerrufen/")

    application = Application.objects.get(volunteer=marked_mentor)
    assert application.status == Application.Status.WITHDRAWN


def test_withdrawing_twice_changes_nothing_more(client, marked_mentor):
    client.force_login(marked_mentor)
    consent = marked_mentor.consents.get(scope=ConsentRecord.Scope.OTHER_PROGRAMS)
    client.post(f"/mein-bereich/einwilligungen/{consent.pk}/widerrufen/")
    consent.refresh_from_db()
    first = consent.withdrawn_at

    response = client.post(f"/mein-bereich/einwilligungen/{consent.pk}/widerrufen/", follow=True)

    consent.refresh_from_db()
    assert consent.withdrawn_at == first
    assert "Diese Einwilligung wurde bereits widerrufen." in response.content.decode()


def test_another_persons_consent_is_404_and_unchanged(client, marked_mentor):
    consent = marked_mentor.consents.get(scope=ConsentRecord.Scope.OTHER_PROGRAMS)
    client.force_login(UserFactory())

    response = client.post(f"/mein-bereich/einwilligungen/{consent.pk}/widerrufen/")

    assert response.status_code == 404
    consent.refresh_from_db()
    assert consent.withdrawn_at is None


def test_withdraw_needs_a_post(client, marked_mentor):
    consent = marked_mentor.consents.get(scope=ConsentRecord.Scope.OTHER_PROGRAMS)
    client.force_login(marked_mentor)

    assert client.get(f"/mein-bereich/einwilligungen/{consent.pk}/widerrufen/").status_code == 405


def test_coordinator_records_a_mentees_withdrawn_reminder_consent(
    client, marked_mentee, coordinator_a
):
    consent = marked_mentee.consents.get(scope=ConsentRecord.Scope.REMINDERS)
    assert mentee_consents(marked_mentee)
    client.force_login(coordinator_a.user)

    response = client.post(f"/koordination/einwilligungen/{consent.pk}/widerrufen/")

    assert response.status_code == 302
    assert response["Location"] == f"/koordination/mentees/{marked_mentee.pk}/"
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert not mentee_consents(marked_mentee)  # no more reminders


def test_mentee_consent_of_another_program_is_404(client, marked_mentee):
    consent = marked_mentee.consents.get(scope=ConsentRecord.Scope.REMINDERS)
    client.force_login(ProgramCoordinatorFactory().user)

    response = client.post(f"/koordination/einwilligungen/{consent.pk}/widerrufen/")

    assert response.status_code == 404
    consent.refresh_from_db()
    assert consent.withdrawn_at is None


def test_mentee_page_lists_consents_with_withdrawal(client, marked_mentee, coordinator_a):
    client.force_login(coordinator_a.user)

    html = client.get(f"/en/koordination/mentees/{marked_mentee.pk}/").content.decode()

    assert html.count("Record withdrawal") == 2
    assert f'href="/en/koordination/mentees/{marked_mentee.pk}/export.zip"' in html
    assert f'href="/en/koordination/mentees/{marked_mentee.pk}/loeschen/"' in html

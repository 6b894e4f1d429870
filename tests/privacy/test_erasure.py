"""Erasure (Art. 17 DSGVO): afterwards no row identifies the person; the statistics are equal."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from notifications.models import Notification
from privacy import services
from privacy.models import Erasure
from tandems import reports
from tandems.models import Application, Mentee, ScreeningRecord, Tandem
from tests.factories import PASSWORD, ProgramCoordinatorFactory, UserFactory
from tests.privacy.conftest import rows_with

pytestmark = pytest.mark.django_db


def figures(program) -> dict:
    """What erasure must not change: tandems begun, meetings held, check-in answers (a running
    tandem does end, so its status counts change)."""
    report = reports.period_report(period=reports.Period.current_year(), program=program)
    network = reports.network_figures()
    return {
        "started": report.tandems_started,
        "meetings": (report.meetings_held, report.meeting_hours),
        "checkins": report.checkins,
        "by_occasion": report.by_occasion,
        "network_started": network["started_tandems"],
        "network_meetings": network["meetings_held"],
    }


def test_volunteer_erase_leaves_no_row_that_identifies_them(marked_mentor, coordinator_a):
    assert rows_with() != {}
    before = figures(coordinator_a.program)
    tandem = marked_mentor.tandems.get()

    services.volunteer_erase(user=marked_mentor)

    assert rows_with() == {}
    assert not get_user_model().objects.filter(pk=marked_mentor.pk).exists()
    tandem.refresh_from_db()
    assert services.is_placeholder(tandem.mentor)
    assert figures(coordinator_a.program) == before


@pytest.mark.clock
def test_volunteer_erase_ends_the_tandem_and_tells_the_coordinators(
    marked_mentor, coordinator_a, mailoutbox, django_capture_on_commit_callbacks
):
    tandem = marked_mentor.tandems.get()
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        (erasure,) = services.volunteer_erase(user=marked_mentor)

    tandem.refresh_from_db()
    assert (tandem.status, tandem.end_reason, tandem.ended_on) == (
        Tandem.Status.ENDED_EARLY,
        Tandem.EndReason.MENTOR_WITHDREW,
        timezone.localdate(),
    )
    assert tandem.mentee.status == Mentee.Status.WAITING
    assert (erasure.program, erasure.applications_withdrawn, erasure.tandems_ended) == (
        coordinator_a.program,
        1,
        1,
    )
    assert erasure.tandem_ids == [tandem.pk]
    (mail,) = [m for m in mailoutbox if m.to == [coordinator_a.user.email]]
    assert "Lesepat:innen A" in mail.subject
    assert f"/koordination/tandems/{tandem.pk}/" in mail.body
    assert "markierung" not in (mail.subject + mail.body).lower()
    assert Notification.objects.get(kind="person_erased").state == "sent"


def test_inspector_erased_keeps_the_records_they_inspected(coordinator_a):
    from tests.factories.tandems import applicant, screen

    application = applicant(coordinator_a.program)
    record = screen(application)
    inspector = record.inspected_by

    services.volunteer_erase(user=inspector, cause=Erasure.Cause.OWN_REQUEST)

    record.refresh_from_db()
    assert services.is_placeholder(record.inspected_by)


def test_placeholder_cannot_be_erased(db):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.volunteer_erase(user=services.placeholder_user())


def test_account_delete_page_needs_the_password(client, marked_mentor):
    client.force_login(marked_mentor)

    response = client.post("/mein-bereich/konto-loeschen/", {"password": "falsch", "confirm": "on"})

    assert response.status_code == 200
    assert "Das Passwort ist nicht korrekt." in response.content.decode()
    assert get_user_model().objects.filter(pk=marked_mentor.pk).exists()
    assert Application.objects.filter(volunteer=marked_mentor).exists()


def test_account_delete_page_needs_the_confirmation(client, marked_mentor):
    client.force_login(marked_mentor)

    response = client.post("/mein-bereich/konto-loeschen/", {"password": PASSWORD})

    assert response.status_code == 200
    assert "Dieses Feld ist zwingend erforderlich." in response.content.decode()
    assert get_user_model().objects.filter(pk=marked_mentor.pk).exists()


def test_account_delete_page_deletes_and_signs_out(client, marked_mentor):
    client.force_login(marked_mentor)
    page = client.get("/mein-bereich/konto-loeschen/").content.decode()
    assert "Lesepat:innen A" in page  # the application to be withdrawn and the tandem to end

    response = client.post(
        "/mein-bereich/konto-loeschen/", {"password": PASSWORD, "confirm": "on"}, follow=True
    )

    assert response.redirect_chain == [("/", 302)]
    assert (
        "Ihr Konto und Ihre personenbezogenen Daten wurden gelöscht." in response.content.decode()
    )
    assert not get_user_model().objects.filter(pk=marked_mentor.pk).exists()
    assert client.get("/mein-bereich/").status_code == 302


def test_account_delete_is_refused_to_staff(client):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)

    response = client.post("/mein-bereich/konto-loeschen/", {"password": PASSWORD, "confirm": "on"})

    assert response.status_code == 200
    assert get_user_model().objects.filter(pk=staff.pk).exists()


@pytest.mark.clock
def test_mentee_erase_leaves_no_row_that_identifies_them(marked_mentee, coordinator_a):
    assert rows_with() != {}
    before = figures(coordinator_a.program)

    erasure = services.mentee_erase(mentee=marked_mentee, by=coordinator_a.user)

    assert rows_with() == {}
    marked_mentee.refresh_from_db()
    assert marked_mentee.anonymised_at is not None
    assert marked_mentee.year_of_birth % 10 == 0
    assert marked_mentee.status == Mentee.Status.INACTIVE
    assert erasure.tandems_ended == 1
    tandem = marked_mentee.tandems.get()
    assert (tandem.status, tandem.end_reason) == (
        Tandem.Status.ENDED_EARLY,
        Tandem.EndReason.MENTEE_WITHDREW,
    )
    assert figures(coordinator_a.program) == before


def test_mentee_erase_page_for_the_programs_coordinator(client, marked_mentee, coordinator_a):
    client.force_login(coordinator_a.user)
    path = f"/koordination/mentees/{marked_mentee.pk}/loeschen/"

    refused = client.post(path, {})
    done = client.post(path, {"confirm": "on"})
    again = client.post(path, {"confirm": "on"})

    assert refused.status_code == 200
    assert "Dieses Feld ist zwingend erforderlich." in refused.content.decode()
    assert done.status_code == 302
    assert done["Location"] == f"/koordination/programme/{coordinator_a.program.slug}/mentees/"
    assert again.status_code == 200
    assert "bereits gelöscht" in again.content.decode()
    marked_mentee.refresh_from_db()
    assert marked_mentee.first_name == ""


def test_mentee_erase_is_404_for_another_program(client, marked_mentee):
    client.force_login(ProgramCoordinatorFactory().user)

    response = client.post(f"/koordination/mentees/{marked_mentee.pk}/loeschen/", {"confirm": "on"})

    assert response.status_code == 404
    marked_mentee.refresh_from_db()
    assert marked_mentee.first_name == "Markierung-Kind"


def test_not_starting_deletes_the_screening_record_at_once(coordinator_a):
    from tandems import services as tandem_services
    from tests.factories.tandems import applicant, screen

    application = applicant(coordinator_a.program)
    screen(application)

    tandem_services.application_reject(
        application=application, reason="Passt nicht", by=coordinator_a.user
    )

    assert not ScreeningRecord.objects.filter(volunteer=application.volunteer).exists()


def test_erasures_are_written_to_the_audit_trail_without_names(
    marked_mentor, marked_mentee, coordinator_a
):
    from auditlog.models import LogEntry

    services.volunteer_erase(user=marked_mentor)
    services.mentee_erase(mentee=marked_mentee, by=coordinator_a.user)

    erased = LogEntry.objects.filter(additional_data__what="erased").order_by("pk")
    assert [(e.actor, e.additional_data["program"]) for e in erased] == [
        (None, coordinator_a.program.pk),
        (coordinator_a.user, coordinator_a.program.pk),
    ]
    assert erased.last().object_repr == f"Mentee #{marked_mentee.pk}"
    assert rows_with() == {}

"""Retention deletes on the right day (clock frozen) and leaves the statistics as they were."""

from datetime import date, datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from events import services as event_services
from events.models import Registration
from notifications.models import Notification
from privacy import retention, services
from privacy.models import RetentionRun
from tandems import reports
from tandems import services as tandem_services
from tandems.models import Application, Mentee, ScreeningRecord, Tandem, Training
from tandems.services import lifecycle
from tests.factories import EventFactory, ProgramCoordinatorFactory, running_tandem
from tests.factories.tandems import applicant, make_ready

pytestmark = pytest.mark.django_db
BERLIN = timezone.get_default_timezone()


def at(*args) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


def run_on(day: date):
    """The nightly run of that day (03:30 local time)."""
    with time_machine.travel(at(day.year, day.month, day.day, 3, 30), tick=False):
        return retention.run()


@pytest.mark.clock
@pytest.mark.parametrize(
    ("today", "months", "expected"),
    [
        (date(2027, 6, 15), 3, date(2027, 3, 15)),
        (date(2027, 2, 28), 6, date(2026, 8, 31)),  # a short month's end covers the longer's
        (date(2027, 5, 31), 3, date(2027, 2, 28)),
        (date(2027, 4, 30), 1, date(2027, 3, 31)),
    ],
)
def test_last_day_over(today, months, expected):
    assert retention.last_day_over(today, months) == expected


@pytest.fixture
def coordinator():
    with time_machine.travel(at(2027, 1, 4, 9, 0), tick=False):
        return ProgramCoordinatorFactory()


@pytest.mark.clock
def test_rejected_application_goes_six_months_after_the_decision(coordinator):
    with time_machine.travel(at(2027, 1, 15, 10, 0), tick=False):
        application = applicant(coordinator.program)
        tandem_services.application_reject(
            application=application, reason="Kein Platz", by=coordinator.user
        )

    run_on(date(2027, 7, 14))
    assert Application.objects.filter(pk=application.pk).exists()
    result = run_on(date(2027, 7, 15))
    assert not Application.objects.filter(pk=application.pk).exists()
    assert result.counts["applications"] == 1


@pytest.mark.clock
def test_program_sets_a_shorter_period(coordinator):
    settings = tandem_services.program_tandem_settings(program=coordinator.program)
    settings.retention_applications_months = 1
    settings.save()
    with time_machine.travel(at(2027, 1, 15, 10, 0), tick=False):
        application = applicant(coordinator.program)
        tandem_services.application_withdraw(application=application, by=application.volunteer)

    run_on(date(2027, 2, 14))
    assert Application.objects.filter(pk=application.pk).exists()
    run_on(date(2027, 2, 15))
    assert not Application.objects.filter(pk=application.pk).exists()


@pytest.fixture
def ended_tandem(coordinator):
    """A tandem of 2027 ended on 31 March, the mentor's application closed the same day."""
    with time_machine.travel(at(2027, 1, 4, 10, 0), tick=False):
        application = make_ready(applicant(coordinator.program))
        tandem_services.training_record(
            application=application, title="Grundkurs", attended_on=date(2027, 1, 4)
        )
        tandem = running_tandem(
            coordinator.program,
            mentor=application.volunteer,
            by=coordinator.user,
            started_on=date(2027, 1, 4),
        )
    with time_machine.travel(at(2027, 2, 10, 17, 0), tick=False):
        lifecycle.meeting_log(
            tandem=tandem, by=tandem.mentor, day=date(2027, 2, 10), status="held", note="Zoo"
        )
    with time_machine.travel(at(2027, 3, 31, 12, 0), tick=False):
        lifecycle.tandem_end(
            tandem=tandem,
            by=coordinator.user,
            ended_on=date(2027, 3, 31),
            reason=Tandem.EndReason.COMPLETED,
        )
        tandem_services.application_withdraw(application=application, by=coordinator.user)
    tandem.refresh_from_db()
    return tandem


@pytest.mark.clock
def test_screening_record_goes_at_the_latest_three_months_after_the_activity(ended_tandem):
    record = ScreeningRecord.objects.get(volunteer=ended_tandem.mentor)

    run_on(date(2027, 6, 29))
    assert ScreeningRecord.objects.filter(pk=record.pk).exists()
    run_on(date(2027, 6, 30))
    assert not ScreeningRecord.objects.filter(pk=record.pk).exists()


@pytest.mark.clock
def test_people_go_a_year_after_the_last_tandem_and_the_statistics_stay(ended_tandem):
    mentor, mentee = ended_tandem.mentor, ended_tandem.mentee

    def figures():
        with time_machine.travel(at(2028, 3, 31, 12, 0), tick=False):
            report = reports.period_report(
                period=reports.Period.year(2027), program=ended_tandem.program
            )
            return report, reports.network_figures(today=date(2027, 12, 31))

    run_on(date(2028, 3, 30))
    mentee.refresh_from_db()
    assert mentee.anonymised_at is None
    before = figures()

    result = run_on(date(2028, 3, 31))

    mentee.refresh_from_db()
    ended_tandem.refresh_from_db()
    assert (result.counts["mentees"], result.counts["volunteers"]) == (1, 1)
    assert mentee.anonymised_at is not None
    assert mentee.first_name == ""
    assert services.is_placeholder(ended_tandem.mentor)
    assert get_user_model().objects.filter(pk=mentor.pk).exists()  # the account stays theirs
    assert not Training.objects.filter(volunteer=mentor).exists()
    assert not Application.objects.filter(volunteer=mentor).exists()
    assert ended_tandem.meetings.get().note == ""
    assert figures() == before


@pytest.mark.clock
def test_a_volunteer_still_applying_keeps_their_records(coordinator):
    with time_machine.travel(at(2027, 1, 4, 10, 0), tick=False):
        application = make_ready(applicant(coordinator.program))

    run_on(date(2029, 1, 4))

    assert ScreeningRecord.objects.filter(volunteer=application.volunteer).count() == 1
    assert Application.objects.filter(pk=application.pk).exists()


@pytest.mark.clock
def test_waiting_mentee_is_kept(coordinator):
    with time_machine.travel(at(2027, 1, 4, 10, 0), tick=False):
        mentee = tandem_services.mentee_register(
            mentee=Mentee(
                program=coordinator.program,
                first_name="Wartend",
                year_of_birth=1990,
                postcode="04109",
                languages="Deutsch",
            )
        )

    run_on(date(2029, 1, 4))

    mentee.refresh_from_db()
    assert (mentee.first_name, mentee.anonymised_at) == ("Wartend", None)


@pytest.mark.clock
def test_registrations_are_anonymised_three_months_after_the_event(coordinator):
    with time_machine.travel(at(2027, 1, 4, 10, 0), tick=False):
        event = EventFactory(
            program=coordinator.program,
            starts_at=at(2027, 2, 10, 18, 0),
            ends_at=at(2027, 2, 10, 20, 0),
        )
        registration = event_services.registration_create(
            event=event, name="Ada Gast", email="ada@example.org", consent_version="1"
        )

    run_on(date(2027, 5, 9))
    registration.refresh_from_db()
    assert registration.name == "Ada Gast"
    result = run_on(date(2027, 5, 10))

    registration.refresh_from_db()
    assert (registration.name, registration.email) == (
        "",
        f"anonym-{registration.pk}@anonym.invalid",
    )
    assert registration.status == Registration.Status.CONFIRMED  # the count stays
    assert result.counts["registrations"] == 1
    assert run_on(date(2027, 5, 11)).counts["registrations"] == 0


@pytest.mark.clock
def test_finished_outbox_rows_go_after_90_days(coordinator):
    with time_machine.travel(at(2027, 1, 4, 10, 0), tick=False):
        applicant(coordinator.program)  # its confirmation mail: an outbox row
    Notification.objects.update(state=Notification.State.SENT, sent_at=at(2027, 1, 4, 10, 0))
    row = Notification.objects.get(kind=Notification.Kind.APPLICATION_STATUS)

    run_on(date(2027, 4, 3))
    assert Notification.objects.filter(pk=row.pk).exists()
    run_on(date(2027, 4, 4))
    assert not Notification.objects.filter(pk=row.pk).exists()


@pytest.mark.clock
def test_the_networks_feedback_goes_90_days_after_it_was_acted_on(coordinator):
    from programs import services as program_services
    from programs.models import ModerationNotice

    with time_machine.travel(at(2027, 1, 4, 10, 0), tick=False):
        program = program_services.program_propose(
            user=coordinator.user,
            values={"name": "Lernpaten", "postcode": "04109", "reach": "local"},
            organization=coordinator.program.organization,
        )
        program_services.program_send_back(program=program, reason="Bitte ergänzen.", by=None)
        waiting = ModerationNotice.objects.get()
        program_services.program_send_back(program=program, reason="Noch einmal.", by=None)
    open_notice = ModerationNotice.objects.get(settled_at__isnull=True)

    run_on(date(2027, 4, 3))
    assert ModerationNotice.objects.count() == 2
    run_on(date(2027, 4, 4))
    assert list(ModerationNotice.objects.all()) == [open_notice]
    assert waiting != open_notice


@pytest.mark.clock
def test_dry_run_changes_nothing_and_counts_what_would_go(coordinator, capsys):
    with time_machine.travel(at(2027, 1, 15, 10, 0), tick=False):
        application = applicant(coordinator.program)
        tandem_services.application_reject(
            application=application, reason="Nein", by=coordinator.user
        )

    with time_machine.travel(at(2027, 8, 1, 10, 0), tick=False):
        call_command("retention", "--dry-run")
        dry = capsys.readouterr().out
        assert Application.objects.filter(pk=application.pk).exists()
        assert RetentionRun.objects.count() == 0
        call_command("retention")
        done = capsys.readouterr().out

    assert "Dry run" in dry
    assert not Application.objects.filter(pk=application.pk).exists()
    assert RetentionRun.objects.get().counts["applications"] == 1
    line = next(line for line in done.splitlines() if "abgelehnte" in line or "rejected" in line)
    assert line.split()[0] == "1"


@pytest.mark.clock
def test_retention_page_shows_the_preview_to_the_programs_coordinator(client, coordinator):
    with time_machine.travel(at(2027, 1, 15, 10, 0), tick=False):
        application = applicant(coordinator.program)
        tandem_services.application_reject(
            application=application, reason="Nein", by=coordinator.user
        )
    path = f"/en/koordination/programme/{coordinator.program.slug}/aufbewahrung/"

    with time_machine.travel(at(2027, 7, 1, 10, 0), tick=False):
        client.force_login(coordinator.user)
        html = client.get(path).content.decode()

    row = html.split("Rejected or withdrawn applications</th>")[1].split("</tr>")[0]
    assert row.split("<td>")[1:] == ["0</td>", "1</td>"]  # not tonight, within 30 days


@pytest.mark.clock
def test_retention_page_refuses_bad_periods(client, coordinator):
    client.force_login(coordinator.user)
    path = f"/koordination/programme/{coordinator.program.slug}/aufbewahrung/"

    response = client.post(
        path,
        {
            "retention_applications_months": "0",
            "retention_people_months": "abc",
            "retention_registrations_months": "3",
        },
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Dieser Wert muss größer oder gleich 1 sein." in html
    assert "Bitte eine ganze Zahl eingeben." in html
    settings = tandem_services.program_tandem_settings(program=coordinator.program)
    assert settings.retention_applications_months == 6


@pytest.mark.clock
def test_retention_page_saves_periods(client, coordinator):
    client.force_login(coordinator.user)
    path = f"/koordination/programme/{coordinator.program.slug}/aufbewahrung/"

    response = client.post(
        path,
        {
            "retention_applications_months": "3",
            "retention_people_months": "24",
            "retention_registrations_months": "1",
            "retention_concerns_months": "60",
        },
    )

    assert response.status_code == 302
    settings = tandem_services.program_tandem_settings(program=coordinator.program)
    assert (
        settings.retention_applications_months,
        settings.retention_people_months,
        settings.retention_registrations_months,
        settings.retention_concerns_months,
    ) == (3, 24, 1, 60)


@pytest.mark.clock
def test_retention_page_is_404_for_another_program(client, coordinator):
    client.force_login(ProgramCoordinatorFactory().user)

    response = client.get(f"/koordination/programme/{coordinator.program.slug}/aufbewahrung/")

    assert response.status_code == 404


@pytest.mark.clock
def test_retention_task_runs_the_retention(coordinator):
    from privacy.tasks import retention_run

    with time_machine.travel(at(2027, 1, 15, 10, 0), tick=False):
        application = applicant(coordinator.program)
        tandem_services.application_reject(
            application=application, reason="Nein", by=coordinator.user
        )
    with time_machine.travel(at(2027, 8, 1, 3, 30), tick=False):
        retention_run.delay()

    assert not Application.objects.filter(pk=application.pk).exists()
    assert RetentionRun.objects.get().at == at(2027, 8, 1, 3, 30)

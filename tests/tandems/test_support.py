"""Match support: the support log of a tandem, the dashboard's "Begleitung fällig", the reports."""

import csv
import io
import zipfile
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandems import services
from tandems.figures_cache import figures_changed
from tandems.models import SupportContact, Tandem
from tandems.reports import Period, period_report
from tandems.services import support
from tests.factories import ProgramCoordinatorFactory, UserFactory, running_tandem
from tests.factories.tandems import bulk_tandems

pytestmark = [pytest.mark.django_db, pytest.mark.clock]
BERLIN = ZoneInfo("Europe/Berlin")
TODAY = date(2027, 3, 15)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(datetime(2027, 3, 15, 10, 0, tzinfo=BERLIN), tick=False):
        yield


def support_url(tandem) -> str:
    return f"/koordination/tandems/{tandem.pk}/begleitung/"


def due_url(program, suffix: str = "/") -> str:
    return f"/koordination/programme/{program.slug}/handlungsbedarf/begleitung-faellig{suffix}"


def support_due(client, program) -> int:
    response = client.get("/koordination/")
    assert response.status_code == 200
    return next(p for p in response.context["programs"] if p.pk == program.pk).actions.support_due


def log(tandem, by, day, summary="Telefonat mit der Mentorin, alles gut."):
    return support.support_contact_log(
        tandem=tandem,
        by=by,
        contacted_on=day,
        with_whom=SupportContact.With.MENTOR,
        channel=SupportContact.Channel.PHONE,
        summary=summary,
    )


# --- The service --------------------------------------------------------------------------------


def test_logging_moves_last_support_on_forward_only(program, coordinator):
    tandem = running_tandem(program, started_on=TODAY - timedelta(days=60))
    log(tandem, coordinator, TODAY - timedelta(days=3))
    log(tandem, coordinator, TODAY - timedelta(days=10))

    tandem.refresh_from_db()
    assert tandem.last_support_on == TODAY - timedelta(days=3)
    assert tandem.support_contacts.count() == 2


def test_a_contact_in_the_future_or_without_summary_is_refused(program, coordinator):
    tandem = running_tandem(program, started_on=TODAY - timedelta(days=60))

    with pytest.raises(ValidationError) as future:
        log(tandem, coordinator, TODAY + timedelta(days=1))
    with pytest.raises(ValidationError) as empty:
        log(tandem, coordinator, TODAY, summary="  \n ")

    assert "contacted_on" in future.value.message_dict
    assert "summary" in empty.value.message_dict
    assert SupportContact.objects.count() == 0
    tandem.refresh_from_db()
    assert tandem.last_support_on is None


# --- The page -----------------------------------------------------------------------------------


def _post(client, tandem, **data):
    return client.post(
        support_url(tandem),
        {
            "contacted_on": TODAY.isoformat(),
            "with_whom": "guardian",
            "channel": "in_person",
            "summary": "Gespräch mit der Mutter.",
            **data,
        },
    )


def test_the_coordinator_logs_a_contact_and_sees_it_newest_first(client, program, coordinator):
    tandem = running_tandem(program, started_on=TODAY - timedelta(days=60))
    log(tandem, coordinator, TODAY - timedelta(days=20), summary="Älterer Kontakt")
    client.force_login(coordinator)

    response = _post(client, tandem, follow_up="on")

    assert response.status_code == 302
    contact = tandem.support_contacts.order_by("-pk").first()
    assert (contact.with_whom, contact.channel, contact.follow_up, contact.author) == (
        "guardian",
        "in_person",
        True,
        coordinator,
    )
    page = client.get(support_url(tandem))
    assert [c.summary for c in page.context["contacts"]] == [
        "Gespräch mit der Mutter.",
        "Älterer Kontakt",
    ]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"summary": ""}, "summary", "Bitte schreiben Sie eine kurze Zusammenfassung"),
        ({"summary": "x" * 2000}, "summary", "höchstens 1000 Zeichen"),
        ({"contacted_on": "2027-03-16"}, "contacted_on", "in der Zukunft"),
        ({"contacted_on": "gestern"}, "contacted_on", "gültiges Datum"),
        ({"with_whom": "nachbar"}, "with_whom", "gültige Auswahl"),
    ],
)
def test_bad_input_gives_a_german_message_and_writes_nothing(
    client, program, coordinator, data, field, message
):
    tandem = running_tandem(program, started_on=TODAY - timedelta(days=60))
    client.force_login(coordinator)

    response = _post(client, tandem, **data)

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert SupportContact.objects.count() == 0


def test_odd_characters_are_kept_as_written(client, program, coordinator):
    tandem = running_tandem(program, started_on=TODAY - timedelta(days=60))
    client.force_login(coordinator)
    text = "100 % sicher; Name_mit_Unterstrich, \"Zitat\" und 'Apostroph'\nzweite Zeile"

    _post(client, tandem, summary=text)

    assert SupportContact.objects.get().summary == text


def test_another_programs_coordinator_gets_404(client, program):
    tandem = running_tandem(program, started_on=TODAY - timedelta(days=60))
    other = ProgramCoordinatorFactory().user
    client.force_login(other)

    assert client.get(support_url(tandem)).status_code == 404
    assert _post(client, tandem).status_code == 404
    assert SupportContact.objects.count() == 0


def test_the_tandem_page_links_the_support_log(client, program, coordinator):
    tandem = running_tandem(program, started_on=TODAY - timedelta(days=60))
    client.force_login(coordinator)

    html = client.get(f"/koordination/tandems/{tandem.pk}/").content.decode()

    assert support_url(tandem) in html
    assert f"/koordination/tandems/{tandem.pk}/sorge/" in html


# --- The dashboard's figure --------------------------------------------------------------------


def test_support_is_due_by_the_interval_for_the_tandems_age(client, program, coordinator):
    # First year, monthly: started 40 days ago, no contact -> due; a contact 10 days ago -> not.
    young_due = running_tandem(program, started_on=TODAY - timedelta(days=40))
    young_fine = running_tandem(program, started_on=TODAY - timedelta(days=40))
    log(young_fine, coordinator, TODAY - timedelta(days=10))
    # Exactly one month ago is not yet older than a month.
    young_edge = running_tandem(program, started_on=date(2027, 2, 15))
    # After the first year, quarterly: a contact 2 months ago is fine, 4 months ago is due.
    old_fine = running_tandem(program, started_on=TODAY - timedelta(days=300))
    old_due = running_tandem(program, started_on=TODAY - timedelta(days=300))
    Tandem.objects.filter(pk__in=[old_fine.pk, old_due.pk]).update(started_on=date(2025, 1, 10))
    Tandem.objects.filter(pk=old_fine.pk).update(last_support_on=date(2027, 1, 15))
    Tandem.objects.filter(pk=old_due.pk).update(last_support_on=date(2026, 11, 14))
    # Paused tandems are not counted.
    paused = running_tandem(program, started_on=TODAY - timedelta(days=40))
    Tandem.objects.filter(pk=paused.pk).update(status=Tandem.Status.PAUSED)
    client.force_login(coordinator)

    response = client.get(due_url(program))

    assert {row.pk for row in response.context["page_obj"].object_list} == {
        young_due.pk,
        old_due.pk,
    }
    assert young_edge.pk not in {row.pk for row in response.context["page_obj"].object_list}
    assert support_due(client, program) == 2


def test_a_support_contact_clears_the_figure(client, program, coordinator):
    tandem = running_tandem(program, started_on=TODAY - timedelta(days=45))
    client.force_login(coordinator)
    assert support_due(client, program) == 1

    _post(client, tandem)

    assert support_due(client, program) == 0


def test_the_programs_intervals_count(client, program, coordinator):
    tandem = running_tandem(program, started_on=TODAY - timedelta(days=45))
    client.force_login(coordinator)
    assert support_due(client, program) == 1

    settings = services.program_tandem_settings(program=program)
    settings.support_interval_first_year_months = 2
    services.program_tandem_settings_update(settings=settings)

    assert support_due(client, program) == 0
    assert tandem.pk  # the tandem is still there, just not due


def test_the_settings_page_edits_the_intervals(client, program, coordinator):
    settings = services.program_tandem_settings(program=program)
    client.force_login(coordinator)
    form = client.get(f"/koordination/programme/{program.slug}/einstellungen/").context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(support_interval_first_year_months=2, support_interval_later_months=6)
    data = {k: v for k, v in data.items() if v is not False}

    response = client.post(f"/koordination/programme/{program.slug}/einstellungen/", data)

    assert response.status_code == 302
    settings.refresh_from_db()
    assert settings.support_interval_first_year_months == 2
    assert settings.support_interval_later_months == 6


def test_the_list_exports_csv_with_the_same_rows(client, program, coordinator):
    tandem = running_tandem(program, started_on=TODAY - timedelta(days=45))
    client.force_login(coordinator)

    response = client.get(due_url(program, ".csv"))

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Tandem", "Letzter Begleitkontakt", "Tage ohne Begleitkontakt"]
    assert len(rows) == 2
    assert rows[1][2] == "45"
    assert tandem.mentee.first_name in rows[1][0]


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("path", ["/koordination/", "list", "csv"])
def test_query_count_is_the_same_at_1_and_500_tandems(
    client, program, coordinator, path, django_assert_num_queries
):
    url = {"list": due_url(program), "csv": due_url(program, ".csv")}.get(path, path)
    bulk_tandems(program, 1)
    client.force_login(coordinator)
    client.get(url)
    # Rows written in bulk pass the signals: the dashboard is told, as an import tells it.
    figures_changed([program.pk])
    one = _count(client, url)
    assert support_due(client, program) == 1

    bulk_tandems(program, 499, first=1)
    SupportContact.objects.bulk_create(
        SupportContact(
            tandem=tandem, contacted_on=TODAY - timedelta(days=100), with_whom="mentor",
            channel="phone", summary="Anruf",
        )
        for tandem in Tandem.objects.filter(program=program)
    )  # fmt: skip
    figures_changed([program.pk])
    with django_assert_num_queries(one):
        client.get(url)

    assert support_due(client, program) == 500


# --- The report for funders ---------------------------------------------------------------------


def test_the_report_counts_support_contacts_in_the_period(client, program, coordinator):
    tandem = running_tandem(program, started_on=date(2027, 1, 4))
    other = running_tandem(program, started_on=date(2027, 1, 4))
    log(tandem, coordinator, date(2027, 1, 10))
    log(tandem, coordinator, date(2027, 2, 10))
    log(other, coordinator, date(2027, 3, 1))
    elsewhere = running_tandem(ProgramCoordinatorFactory().program, started_on=date(2027, 1, 4))
    log(elsewhere, UserFactory(), date(2027, 1, 11))

    report = period_report(period=Period(date(2027, 1, 1), date(2027, 2, 28)), program=program)
    network = period_report(period=Period.year(2027))

    assert (report.support_contacts, report.support_tandems) == (2, 1)
    assert (network.support_contacts, network.support_tandems) == (4, 3)
    client.force_login(coordinator)
    response = client.get(f"/koordination/programme/{program.slug}/bericht.csv?jahr=2027")
    rows = dict(
        row[:2]
        for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";")
        if len(row) >= 2
    )
    assert rows["Begleitkontakte der Koordinator:innen"] == "3"
    assert rows["Tandems mit mindestens einem Begleitkontakt"] == "2"


def test_each_side_exports_only_the_contacts_it_took_part_in(client, program, coordinator):
    """A call with the guardian is the mentee's side's data, not for the mentor's self-service
    download (Art. 15 (4) GDPR); a call with the mentor is not the guardian's."""
    from privacy.export import mentee_export

    tandem = running_tandem(program, by=coordinator)
    for with_whom, summary in (
        ("mentor", "MIT-MENTORIN-4b1e"),
        ("guardian", "MIT-MUTTER-4b1e"),
        ("several", "ZU-DRITT-4b1e"),
    ):
        support.support_contact_log(
            tandem=tandem,
            by=coordinator,
            contacted_on=TODAY,
            with_whom=with_whom,
            channel="phone",
            summary=summary,
        )
    client.force_login(tandem.mentor)

    page = client.get("/mein-bereich/meine-daten/").content.decode()
    download = client.get("/mein-bereich/meine-daten/export.zip").content
    archive = zipfile.ZipFile(io.BytesIO(download))
    mentors = page + "".join(archive.read(name).decode() for name in archive.namelist())
    archive = zipfile.ZipFile(io.BytesIO(mentee_export(mentee=tandem.mentee)))
    mentees = "".join(archive.read(name).decode() for name in archive.namelist())

    assert "MIT-MENTORIN-4b1e" in mentors and "ZU-DRITT-4b1e" in mentors
    assert "MIT-MUTTER-4b1e" not in mentors
    assert "MIT-MUTTER-4b1e" in mentees and "ZU-DRITT-4b1e" in mentees
    assert "MIT-MENTORIN-4b1e" not in mentees

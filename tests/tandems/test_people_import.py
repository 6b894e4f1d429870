"""The import of a program's people from its spreadsheets (tandems/imports.py): the rules of
registration per row, idempotent re-imports, another program never touched, bad cells."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.utils import translation

from core.tabular import read_table
from tandems import imports
from tandems.models import (
    Application,
    Channel,
    ConsentRecord,
    Mentee,
    ScreeningRecord,
    Tandem,
    TandemStatusChange,
    VolunteerProfile,
)
from tests.factories import ProgramCoordinatorFactory, ProgramFactory, UserFactory
from tests.factories.tandems import applicant, new_mentee, profile_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine):
    """The rows' dates are fixed; so is the day they are checked against."""
    time_machine.move_to(datetime(2026, 6, 15, 10, 0, tzinfo=ZoneInfo("Europe/Berlin")), tick=False)
    with translation.override("en"):
        yield


VOLUNTEERS = (
    "E-Mail;Name;Geburtsjahr;PLZ;Ort;Telefon;Stufe;Einwilligung am;"
    "Führungszeugnis ausgestellt am;Führungszeugnis eingesehen am\n"
    "anna@example.org;Anna Alt;1980;04109;;0341 1;;01.03.2026;;\n"
    "ben@example.org;Ben Bau;1990;10115;Berlin;;bereit für Tandem;2026-03-01;01.02.2026;"
    "20.02.2026\n"
)
MENTEES = (
    "Externe ID;Vorname;Geburtsdatum;PLZ;Sorgeberechtigte Person;"
    "Einwilligung Sorgeberechtigte am;Wartet seit\n"
    "M1;Lina;03.04.2015;04109;Samira B.;01.03.2026;01.03.2026\n"
    "M2;Omar;1999-01-02;04109;;;\n"
)


def table(text: str):
    return read_table(text.encode())


def run(program, kind, text, by, **kwargs):
    return imports.people_import(program=program, kind=kind, table=table(text), by=by, **kwargs)


@pytest.fixture
def program(db):
    return ProgramFactory()


@pytest.fixture
def coordinator(program):
    return ProgramCoordinatorFactory(program=program).user


def errors(report) -> dict[int, list[str]]:
    return {row.line: row.errors for row in report.rows if row.errors}


def test_volunteers_imported_with_consent_and_screening_and_no_mail(
    program, coordinator, mailoutbox
):
    report = run(program, imports.VOLUNTEERS, VOLUNTEERS, coordinator)

    assert (report.written, report.new, report.failed) == (True, 2, 0)
    anna = get_user_model().objects.get(email="anna@example.org")
    assert anna.has_usable_password() is False
    assert anna.volunteer_profile.city == "Leipzig"  # from the postcode
    assert anna.volunteer_profile.phone == "0341 1"
    application = Application.objects.get(volunteer=anna)
    assert (application.channel, application.stage.position) == (Channel.IMPORT, 0)
    consent = ConsentRecord.objects.get(user=anna)
    assert (consent.method, consent.recorded_by, consent.given_at.date()) == (
        Channel.IMPORT,
        coordinator,
        date(2026, 3, 1),
    )
    ben = Application.objects.get(volunteer__email="ben@example.org")
    assert ben.stage.is_ready is True
    record = ScreeningRecord.objects.get(volunteer=ben.volunteer)
    assert (record.certificate_issued_on, record.inspected_on, record.relevant_entry) == (
        date(2026, 2, 1),
        date(2026, 2, 20),
        False,
    )
    assert mailoutbox == []
    entry = LogEntry.objects.filter(additional_data__what="imported").get()
    assert entry.actor == coordinator
    assert entry.additional_data["detail"] == "Import freiwillige: 2 neu, 0 geändert, 0 fehlerhaft"


def test_second_import_of_the_same_file_changes_nothing(program, coordinator):
    run(program, imports.VOLUNTEERS, VOLUNTEERS, coordinator)
    run(program, imports.MENTEES, MENTEES.replace("M2;Omar;1999", "M2;Omar;1999"), coordinator)

    again = run(program, imports.VOLUNTEERS, VOLUNTEERS, coordinator)
    mentees_again = run(program, imports.MENTEES, MENTEES, coordinator)

    assert (again.changes, again.unchanged, again.written) == (0, 2, False)
    assert (mentees_again.changes, mentees_again.unchanged) == (0, 2)
    assert ConsentRecord.objects.count() == 3
    assert ScreeningRecord.objects.count() == 1


def test_changed_row_is_updated(program, coordinator):
    run(program, imports.MENTEES, MENTEES, coordinator)

    report = run(program, imports.MENTEES, MENTEES.replace("M2;Omar", "M2;Omer"), coordinator)

    assert (report.new, report.changed, report.unchanged) == (0, 1, 1)
    assert report.rows[1].changed == ["first_name"]
    assert Mentee.objects.get(external_id="M2").first_name == "Omer"


def test_dry_run_writes_nothing(program, coordinator):
    report = run(program, imports.VOLUNTEERS, VOLUNTEERS, coordinator, dry_run=True)

    assert (report.new, report.written) == (2, False)
    assert get_user_model().objects.count() == 1
    assert Application.objects.count() == 0


def test_minor_without_guardian_is_refused_and_nothing_written(program, coordinator):
    text = MENTEES.replace("Samira B.;01.03.2026", ";")

    report = run(program, imports.MENTEES, text, coordinator)

    assert errors(report) == {2: ["For a minor, the guardian's name and consent are required."]}
    assert report.written is False
    assert Mentee.objects.count() == 0


def test_good_rows_only_writes_the_good_rows(program, coordinator):
    text = MENTEES.replace("Samira B.;01.03.2026", ";")

    report = run(program, imports.MENTEES, text, coordinator, partial=True)

    assert (report.written, report.new, report.failed) == (True, 1, 1)
    assert list(Mentee.objects.values_list("external_id", flat=True)) == ["M2"]


def test_bad_cells_get_german_messages_per_row(program, coordinator):
    text = (
        "E-Mail;Name;Geburtsdatum;PLZ\n"
        "keine-adresse;A;01.01.1980;04109\n"
        "b@example.org;B;31.02.1980;04109\n"
        "c@example.org;C;1980/01/01;123\n"
    )
    with translation.override("de"):
        report = run(program, imports.VOLUNTEERS, text, coordinator)

    assert errors(report) == {
        2: ["„keine-adresse“ in „E-Mail“ ist keine E-Mail-Adresse."],
        3: ["„31.02.1980“ in „Geburtsdatum“ ist kein Datum (z. B. 15.01.2026 oder 2026-01-15)."],
        4: [
            "„1980/01/01“ in „Geburtsdatum“ ist kein Datum (z. B. 15.01.2026 oder 2026-01-15).",
            "„123“ ist keine deutsche Postleitzahl.",
        ],
    }


def test_formula_like_values_are_stored_as_text(program, coordinator):
    text = 'Externe ID;Vorname;Geburtsjahr;PLZ\n=1+1;"=HYPERLINK(""x"")";1990;04109\n'

    run(program, imports.MENTEES, text, coordinator)

    mentee = Mentee.objects.get()
    assert (mentee.external_id, mentee.first_name) == ("=1+1", '=HYPERLINK("x")')


def test_duplicate_addresses_in_the_file_are_refused(program, coordinator):
    text = VOLUNTEERS + "ANNA@example.org;Anna Zwei;1981;04109;;;;;;\n"

    report = run(program, imports.VOLUNTEERS, text, coordinator)

    assert errors(report) == {
        4: ["The e-mail address is in the file twice (also in line 2)."],
    }
    assert Application.objects.count() == 0


def test_another_programs_people_are_never_matched_nor_touched(program, coordinator):
    other = ProgramFactory()
    theirs = applicant(other, name="Anna Fremd")
    theirs.volunteer.email = "anna@example.org"
    theirs.volunteer.save()
    their_mentee = new_mentee(other, first_name="Fremd")
    Mentee.objects.filter(pk=their_mentee.pk).update(external_id="M1")

    volunteers = run(program, imports.VOLUNTEERS, VOLUNTEERS, coordinator)
    mentees = run(program, imports.MENTEES, MENTEES, coordinator)

    assert errors(volunteers) == {
        2: [
            "This e-mail address already belongs to an account. Please ask the person to apply "
            "online themselves, signed in to their account."
        ]
    }
    assert mentees.new == 2
    assert VolunteerProfile.objects.get(user=theirs.volunteer).name == "Anna Fremd"
    assert Mentee.objects.get(pk=their_mentee.pk).first_name == "Fremd"
    assert Mentee.objects.filter(program=program, external_id="M1").count() == 1


def test_an_account_the_person_claimed_keeps_its_profile(program, coordinator):
    run(program, imports.VOLUNTEERS, VOLUNTEERS, coordinator)
    anna = get_user_model().objects.get(email="anna@example.org")
    anna.set_password("secret-Passwort-1")
    anna.save()

    report = run(
        program, imports.VOLUNTEERS, VOLUNTEERS.replace("Anna Alt", "Anna Neu"), coordinator
    )

    assert report.rows[0].action == imports.UNCHANGED
    assert report.rows[0].warnings == [
        "The person keeps their own profile; name and address are not changed."
    ]
    assert VolunteerProfile.objects.get(user=anna).name == "Anna Alt"


def test_certificate_too_old_and_half_dates_are_refused(program, coordinator):
    text = (
        "E-Mail;Name;Geburtsjahr;PLZ;Führungszeugnis ausgestellt am;"
        "Führungszeugnis eingesehen am\n"
        "a@example.org;A;1980;04109;01.01.2026;20.05.2026\n"
        "b@example.org;B;1980;04109;01.01.2026;\n"
    )

    report = run(program, imports.VOLUNTEERS, text, coordinator)

    assert errors(report) == {
        2: ["The certificate was more than 92 days old when it was inspected."],
        3: ["§ 72a: both the issue date and the inspection date of the certificate are needed."],
    }


def test_missing_required_columns_refuse_the_file(program, coordinator):
    report = run(program, imports.MENTEES, "Vorname;PLZ\nLina;04109\n", coordinator)

    assert report.errors == [
        "Required columns are missing: Externe ID, Geburtsjahr / Geburtsdatum."
    ]
    assert report.rows == []


def test_tandems_imported_and_reimported_without_changes(program, coordinator):
    run(program, imports.VOLUNTEERS, VOLUNTEERS, coordinator)
    run(program, imports.MENTEES, MENTEES, coordinator)
    text = (
        "Externe ID;E-Mail Mentor:in;Externe ID Mentee;Status;Beginn;Ende;Rhythmus\n"
        "T1;ben@example.org;M1;aktiv;01.04.2026;;monatlich\n"
        "T0;anna@example.org;M2;abgeschlossen;01.01.2025;31.12.2025;\n"
    )

    first = run(program, imports.TANDEMS, text, coordinator)
    again = run(program, imports.TANDEMS, text, coordinator)

    assert (first.new, first.failed, again.changes) == (2, 0, 0)
    running = Tandem.objects.get(external_id="T1")
    assert (running.status, running.rhythm, running.mentee.status) == (
        "active",
        "monthly",
        "matched",
    )
    ended = Tandem.objects.get(external_id="T0")
    assert (ended.status, ended.end_reason) == ("closed", "completed")
    assert TandemStatusChange.objects.count() == 2


def test_running_tandem_of_an_unscreened_mentor_is_refused(program, coordinator):
    run(program, imports.VOLUNTEERS, VOLUNTEERS, coordinator)
    run(program, imports.MENTEES, MENTEES, coordinator)
    text = (
        "Externe ID;E-Mail Mentor:in;Externe ID Mentee;Beginn\n"
        "T1;anna@example.org;M1;01.04.2026\n"
        "T2;nobody@example.org;M9;01.04.2026\n"
    )

    report = run(program, imports.TANDEMS, text, coordinator)

    assert errors(report) == {
        2: ["The volunteer has no valid § 72a record; the program requires one."],
        3: [
            "“nobody@example.org” is no volunteer of the program (import the volunteers first).",
            "“M9” is no mentee of the program (import the mentees first).",
        ],
    }
    assert Tandem.objects.count() == 0


def test_mapping_by_synonyms(program):
    headers = ["Mail", "Vor- und Nachname", "Jahrgang", "Postleitzahl", "Hobby"]

    assert imports.auto_mapping(imports.VOLUNTEERS, headers) == {
        "Mail": "email",
        "Vor- und Nachname": "name",
        "Jahrgang": "year_of_birth",
        "Postleitzahl": "postcode",
    }


def test_existing_unclaimed_profile_in_program_is_found_by_address(program, coordinator):
    user = UserFactory(email="carla@example.org")
    profile_for(user, name="Carla")
    text = "E-Mail;Name;Geburtsjahr;PLZ\ncarla@example.org;Carla;1980;04109\n"

    report = run(program, imports.VOLUNTEERS, text, coordinator)

    # An account outside the program is never found (the coordinator could overwrite it).
    assert report.failed == 1


def test_a_tandem_ended_in_the_file_is_ended_on_reimport(program, coordinator):
    run(program, imports.VOLUNTEERS, VOLUNTEERS, coordinator)
    run(program, imports.MENTEES, MENTEES, coordinator)
    head = "Externe ID;E-Mail Mentor:in;Externe ID Mentee;Status;Beginn;Ende;Grund des Endes\n"
    run(program, imports.TANDEMS, head + "T1;ben@example.org;M1;aktiv;01.04.2026;;\n", coordinator)

    report = run(
        program,
        imports.TANDEMS,
        head + "T1;ben@example.org;M1;vorzeitig beendet;01.04.2026;01.06.2026;mentee_moved\n",
        coordinator,
    )

    assert (report.changed, report.rows[0].changed) == (1, ["status", "ended_on", "end_reason"])
    tandem = Tandem.objects.get()
    assert (tandem.status, tandem.end_reason) == ("ended_early", "mentee_moved")
    assert tandem.mentee.status == "inactive"
    assert list(tandem.status_changes.values_list("from_status", "to_status")) == [
        ("", "active"),
        ("active", "ended_early"),
    ]


def test_the_dashboard_counts_imported_mentees_on_the_next_visit(client, program, coordinator):
    """The rows are written in bulk, past the signals: the import itself tells the dashboard."""
    client.force_login(coordinator)
    before = client.get("/koordination/")
    assert before.status_code == 200
    (shown,) = before.context["programs"]
    assert shown.actions.mentees_waiting == 0

    assert run(program, imports.MENTEES, MENTEES, coordinator).written

    (shown,) = client.get("/koordination/").context["programs"]
    assert shown.actions.mentees_waiting == 2

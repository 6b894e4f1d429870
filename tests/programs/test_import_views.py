"""The program import in the browser (/netzwerk/import/): upload, columns, preview, import."""

import datetime
import io
import zipfile
from datetime import timedelta

import openpyxl
import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from programs.models import Organization, Program, ProgramImport
from programs.services_import import mapping_guess, program_imports_expire
from tests.factories import ProgramCoordinatorFactory, ProgramFactory, UserFactory

URL = "/netzwerk/import/"
HEADER = ["Name", "Träger", "PLZ", "Status", "Zuletzt geprüft", "Externe ID"]


def csv_file(rows, header=HEADER, name="programme.csv", encoding="utf-8-sig") -> SimpleUploadedFile:
    lines = [";".join(header)] + [";".join(row) for row in rows]
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode(encoding))


def xlsx_file(rows, name="programme.xlsx", setup=None) -> SimpleUploadedFile:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    if setup:
        setup(sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def good_rows():
    return [
        [
            "Lesepaten Leipzig",
            "Bürgerstiftung Leipzig e. V.",
            "04109",
            "published",
            "2026-12-07",
            "L-1",
        ],
        ["Balu und Du München", "Balu und Du e.V.", "80331", "", "07.12.2026", "B-7"],
    ]


@pytest.fixture
def staff(client, db):
    user = UserFactory(is_staff=True)
    client.force_login(user)
    return user


def upload(client, file):
    return client.post(URL, {"file": file})


def last_import() -> ProgramImport:
    return ProgramImport.objects.latest("pk")


# --- Access -----------------------------------------------------------------------------------


def test_import_needs_login(client, db):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/konto/login/")


@pytest.mark.parametrize("role", ["volunteer", "coordinator"])
def test_import_is_refused_to_volunteers_and_coordinators(client, db, role):
    user = UserFactory() if role == "volunteer" else ProgramCoordinatorFactory().user
    client.force_login(user)

    assert client.get(URL).status_code == 403
    assert upload(client, csv_file(good_rows())).status_code == 403
    assert ProgramImport.objects.count() == 0


def test_operator_may_import(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = upload(client, csv_file(good_rows()))

    assert response.status_code == 302
    assert ProgramImport.objects.count() == 1


def test_staff_without_second_factor_is_stopped(client, db):
    client.force_login(UserFactory(is_staff=True, second_factor=False))

    response = client.get(URL)

    assert response.status_code == 403
    assert "/konto/2fa/" in response.content.decode()


def test_another_persons_upload_is_404(client, staff):
    upload(client, csv_file(good_rows()))
    record = last_import()
    client.force_login(UserFactory(is_staff=True))

    assert client.get(f"{URL}{record.pk}/").status_code == 404
    assert client.get(f"{URL}{record.pk}/spalten/").status_code == 404
    assert client.post(f"{URL}{record.pk}/importieren/").status_code == 404
    assert client.post(f"{URL}{record.pk}/verwerfen/").status_code == 404
    assert Program.objects.count() == 0


# --- Upload, preview, import ------------------------------------------------------------------


def test_page_links_the_templates_and_the_guide(client, staff):
    content = client.get(URL).content.decode()

    assert 'href="/static/programs/programme-vorlage.csv"' in content
    assert f'href="{URL}vorlage.xlsx"' in content
    assert f'href="{URL}anleitung/"' in content


def test_csv_with_known_columns_goes_to_the_preview_which_writes_nothing(client, staff):
    response = upload(client, csv_file(good_rows()))
    record = last_import()

    assert response["Location"] == f"{URL}{record.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Zeile 2: lesepaten-leipzig würde angelegt." in page
    assert "Hinweis: Status: Kein Status angegeben: Das Programm wird als Entwurf gespeichert." in (
        page
    )
    assert "1 neues Programm hat keinen Status und wird ein Entwurf." in page
    assert "Probelauf: Es wurde nichts gespeichert." in page
    assert Program.objects.count() == 0
    assert Organization.objects.count() == 0
    assert record.status == ProgramImport.Status.UPLOADED


def test_import_writes_records_counts_and_deletes_the_file(client, staff):
    upload(client, csv_file(good_rows()))
    record = last_import()

    response = client.post(f"{URL}{record.pk}/importieren/")

    assert response.status_code == 200
    assert "Die Programme wurden importiert." in response.content.decode()
    assert sorted(Program.objects.values_list("external_id", "status", "last_reviewed_at")) == [
        ("B-7", "draft", datetime.date(2026, 12, 7)),
        ("L-1", "published", datetime.date(2026, 12, 7)),
    ]
    record.refresh_from_db()
    assert (record.status, record.created, record.updated, record.skipped) == ("imported", 2, 0, 0)
    assert bytes(record.data) == b""
    assert record.uploaded_by == staff
    entry = LogEntry.objects.get_for_object(record).latest("pk")
    assert entry.actor == staff
    assert entry.changes_dict["status"] == ["uploaded", "imported"]
    # A second POST imports nothing again.
    again = client.post(f"{URL}{record.pk}/importieren/")
    assert again.status_code == 302
    assert Program.objects.count() == 2


def test_same_file_again_changes_nothing(client, staff):
    upload(client, csv_file(good_rows()))
    client.post(f"{URL}{last_import().pk}/importieren/")
    before = list(Program.objects.order_by("pk").values_list("pk", "slug", "updated_at"))

    upload(client, csv_file(good_rows()))
    record = last_import()
    preview = client.get(f"{URL}{record.pk}/").content.decode()
    client.post(f"{URL}{record.pk}/importieren/")

    assert "0 anzulegen, 0 zu aktualisieren, 2 unverändert, 0 ungültig." in preview
    assert list(Program.objects.order_by("pk").values_list("pk", "slug", "updated_at")) == before
    record.refresh_from_db()
    assert (record.created, record.updated, record.unchanged) == (0, 0, 2)


def test_xlsx_with_other_column_names_is_mapped(client, staff):
    file = xlsx_file(
        [
            ["Programmname", "Organisation", "Postleitzahl", "Projekt-Nr.", "Bemerkung"],
            ["Lesepaten Leipzig", "Bürgerstiftung Leipzig e. V.", "04109", "L-1", "intern"],
        ]
    )

    response = upload(client, file)
    record = last_import()

    assert response["Location"] == f"{URL}{record.pk}/spalten/"
    assert record.mapping == {
        "Programmname": "Name",
        "Organisation": "Träger",
        "Postleitzahl": "PLZ",
        "Projekt-Nr.": "",
        "Bemerkung": "",
    }
    page = client.get(response["Location"]).content.decode()
    assert "Lesepaten Leipzig" in page  # sample values help to choose
    response = client.post(
        f"{URL}{record.pk}/spalten/",
        {"column_0": "Name", "column_1": "Träger", "column_2": "PLZ", "column_3": "Externe ID"},
    )
    assert response["Location"] == f"{URL}{record.pk}/"
    client.post(f"{URL}{record.pk}/importieren/")

    program = Program.objects.get()
    assert (program.name, program.organization.name, program.postcode, program.external_id) == (
        "Lesepaten Leipzig",
        "Bürgerstiftung Leipzig e. V.",
        "04109",
        "L-1",
    )
    assert program.latitude is not None  # located from the postcode, as the engine does


def test_mapping_refuses_a_column_twice_and_a_missing_required_one(client, staff):
    upload(client, csv_file([["A", "B", "04109"]], header=["Titel", "Verein", "Ort2"]))
    record = last_import()

    twice = client.post(f"{URL}{record.pk}/spalten/", {"column_0": "Name", "column_1": "Name"})
    missing = client.post(f"{URL}{record.pk}/spalten/", {"column_0": "Name"})

    assert twice.status_code == 200
    assert "„Name“ ist schon der Spalte „Titel“ der Datei zugeordnet." in twice.content.decode()
    assert missing.status_code == 200
    assert "Bitte wählen Sie die Spalte der Datei für „Träger“: Sie ist Pflicht." in (
        missing.content.decode()
    )
    record.refresh_from_db()
    assert record.mapping == {"Titel": "Name", "Verein": "Träger", "Ort2": ""}


def test_mapping_with_a_tampered_choice_is_refused(client, staff):
    upload(client, csv_file([["A", "B"]], header=["Titel", "Verein"]))
    record = last_import()

    response = client.post(
        f"{URL}{record.pk}/spalten/", {"column_0": "<script>", "column_1": "Träger"}
    )

    assert response.status_code == 200
    assert "<script>" not in response.content.decode()
    assert "Bitte eine gültige Auswahl treffen." in response.content.decode()


def test_row_with_errors_rejects_the_file_unless_valid_rows_only(client, staff):
    rows = good_rows() + [["", "Ohne Namen e.V.", "99999", "published", "morgen", "X-1"]]
    upload(client, csv_file(rows))
    record = last_import()

    preview = client.get(f"{URL}{record.pk}/").content.decode()
    refused = client.post(f"{URL}{record.pk}/importieren/")

    assert "Die Datei würde abgelehnt." in preview
    assert "„morgen“ ist kein Datum" in preview
    assert "Nur die fehlerfreien Zeilen importieren" in preview
    assert refused.status_code == 200
    assert "Es wurde nichts importiert" in refused.content.decode()
    assert Program.objects.count() == 0
    record.refresh_from_db()
    assert record.status == ProgramImport.Status.UPLOADED

    client.post(f"{URL}{record.pk}/importieren/", {"partial": "on"})

    assert Program.objects.count() == 2
    record.refresh_from_db()
    assert (record.status, record.created, record.skipped, record.partial) == (
        "imported",
        2,
        1,
        True,
    )


def test_discard_deletes_the_file(client, staff):
    upload(client, csv_file(good_rows()))
    record = last_import()

    response = client.post(f"{URL}{record.pk}/verwerfen/")

    assert response["Location"] == URL
    record.refresh_from_db()
    assert (record.status, bytes(record.data)) == ("discarded", b"")
    assert client.get(f"{URL}{record.pk}/spalten/")["Location"] == f"{URL}{record.pk}/"
    assert "ohne Import gelöscht" in client.get(f"{URL}{record.pk}/").content.decode()
    assert Program.objects.count() == 0


def test_uploads_older_than_a_day_are_deleted(staff):
    old = ProgramImport.objects.create(uploaded_by=staff, file_name="alt.csv", data=b"Name\nA\n")
    ProgramImport.objects.filter(pk=old.pk).update(uploaded_at=timezone.now() - timedelta(hours=25))
    new = ProgramImport.objects.create(uploaded_by=staff, file_name="neu.csv", data=b"Name\nA\n")

    assert program_imports_expire() == 1

    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.status, bytes(old.data)) == ("expired", b"")
    assert (new.status, bytes(new.data)) == ("uploaded", b"Name\nA\n")


# --- Bad input --------------------------------------------------------------------------------


def refused(client, file) -> str:
    response = client.post(URL, {"file": file})
    assert response.status_code == 200
    assert ProgramImport.objects.count() == 0
    return response.content.decode()


def test_renamed_executable_is_refused(client, staff):
    page = refused(client, SimpleUploadedFile("programme.xlsx", b"MZ\x90\x00" + b"\x00" * 200))

    assert "Diese Datei ist keine Tabelle." in page


def test_pdf_is_refused(client, staff):
    page = refused(client, SimpleUploadedFile("programme.csv", b"%PDF-1.7\n1 0 obj\n"))

    assert "Diese Datei ist keine Tabelle." in page


def test_zip_that_is_no_workbook_is_refused(client, staff):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")

    page = refused(client, SimpleUploadedFile("programme.xlsx", buffer.getvalue()))

    assert "Diese Datei ist keine Tabelle." in page


def test_file_over_the_limit_is_refused(client, staff, settings):
    settings.IMPORT_MAX_BYTES = 1024 * 1024

    page = refused(client, csv_file([["x" * 100, "y", "04109", "", "", ""]] * 11_000))

    assert "Die Datei ist größer als 1 MB." in page


def test_too_many_rows_are_refused(client, staff, settings):
    settings.IMPORT_MAX_ROWS = 3

    page = refused(client, csv_file(good_rows() * 2))

    assert "Die Datei hat mehr als 3 Zeilen." in page


def test_formula_without_saved_value_is_refused(client, staff):
    file = xlsx_file([["Name", "Träger"], ['=CONCAT("A","B")', "X e.V."]])

    page = refused(client, file)

    assert "Formeln ohne gespeichertes Ergebnis (A2)" in page


def test_formula_like_text_is_imported_as_text(client, staff):
    def as_text(sheet):
        sheet["A2"].data_type = "s"

    file = xlsx_file(
        [
            ["Name", "Träger", "Kontakt Telefon", "Status"],
            ['=HYPERLINK("http://böse.example","klick")', "@SUM e.V.", "+49 341 123456", "draft"],
        ],
        setup=as_text,
    )
    upload(client, file)
    client.post(f"{URL}{last_import().pk}/importieren/")

    program = Program.objects.get()
    assert program.name == '=HYPERLINK("http://böse.example","klick")'
    assert program.organization.name == "@SUM e.V."
    assert program.contact_phone == "+49 341 123456"


def test_windows_1252_csv_is_read_with_a_warning_in_the_preview(client, staff):
    upload(
        client,
        csv_file([["Schülerpaten", "Straßenkinder e.V.", "04109", "", "", ""]], encoding="cp1252"),
    )
    record = last_import()

    page = client.get(f"{URL}{record.pk}/").content.decode()

    assert "als Windows-1252 (westeuropäisch) gelesen" in page
    assert "schuelerpaten würde angelegt" in page


def test_merged_cells_and_three_date_formats_in_xlsx(client, staff):
    def merge(sheet):
        sheet.merge_cells("B2:B4")

    file = xlsx_file(
        [
            ["Name", "Träger", "Zuletzt geprüft", "Status"],
            ["A", "Balu und Du e.V.", datetime.date(2026, 12, 7), "draft"],
            ["B", None, "07.12.2026", "draft"],
            ["C", None, "7.12.26", "draft"],
        ],
        setup=merge,
    )
    upload(client, file)
    record = last_import()

    page = client.get(f"{URL}{record.pk}/").content.decode()
    client.post(f"{URL}{record.pk}/importieren/")

    assert "verbundene Zellen (B2:B4)" in page
    assert sorted(
        Program.objects.values_list("name", "organization__name", "last_reviewed_at")
    ) == [
        ("A", "Balu und Du e.V.", datetime.date(2026, 12, 7)),
        ("B", "Balu und Du e.V.", datetime.date(2026, 12, 7)),
        ("C", "Balu und Du e.V.", datetime.date(2026, 12, 7)),
    ]
    assert Organization.objects.count() == 1


def test_a_million_empty_rows_are_not_read(client, staff):
    def far_down(sheet):
        sheet.cell(row=1_000_000, column=1, value="x")

    upload(client, xlsx_file([["Name", "Träger"], ["A", "B e.V."]], setup=far_down))
    record = last_import()

    page = client.get(f"{URL}{record.pk}/").content.decode()

    assert "nach 1.000 leeren Zeilen" in page
    assert "1 anzulegen, 0 zu aktualisieren, 0 unverändert, 0 ungültig." in page


def test_empty_upload_is_refused(client, staff):
    response = client.post(URL, {})

    assert response.status_code == 200
    assert "Dieses Feld ist zwingend erforderlich." in response.content.decode()


# --- Templates, guide, mapping guesses --------------------------------------------------------


def test_xlsx_template_has_every_column_and_imports(client, staff):
    response = client.get(f"{URL}vorlage.xlsx")

    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    assert workbook.sheetnames == ["Programme", "Spalten"]
    header = next(workbook["Programme"].iter_rows(values_only=True))
    assert header[:3] == ("slug", "Name", "Träger")
    upload(client, SimpleUploadedFile("vorlage.xlsx", response.content))
    page = client.get(f"{URL}{last_import().pk}/").content.decode()
    assert "1 anzulegen, 0 zu aktualisieren, 0 unverändert, 0 ungültig." in page


def test_guide_shows_the_columns(client, staff):
    response = client.get(f"{URL}anleitung/")

    assert response.status_code == 200
    assert "<td><code>Externe ID</code></td>" in response.content.decode()
    assert "<script" not in response.content.decode().split("<main", 1)[-1].split("</main>")[0]


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("Name", "Name"),
        ("TRÄGER", "Träger"),
        ("Traeger", "Träger"),
        ("E-Mail", "Kontakt E-Mail"),
        ("Straße und Hausnummer", "Straße"),
        ("Postleitzahl", "PLZ"),
        ("Ansprechpartner:in", "Kontakt Name"),
        ("Homepage", "Website"),
        ("Zielgruppe", "Zielgruppen"),
        ("zuletzt_geprueft", "Zuletzt geprüft"),
        ("Lieblingsfarbe", ""),
    ],
)
def test_mapping_guess_knows_usual_names(header, column):
    assert mapping_guess([header]) == {header: column}


def test_mapping_guess_gives_a_column_once():
    assert mapping_guess(["E-Mail", "Kontakt E-Mail"]) == {
        "E-Mail": "Kontakt E-Mail",
        "Kontakt E-Mail": "",
    }


def test_recent_imports_list_shows_counts(client, staff):
    upload(client, csv_file(good_rows()))
    client.post(f"{URL}{last_import().pk}/importieren/")
    ProgramFactory()

    page = client.get(URL).content.decode()

    assert "programme.csv" in page
    assert "2 angelegt, 0 geändert, 0 unverändert, 0 übersprungen" in page


def test_expiry_task_runs_hourly(settings, staff):
    from programs.tasks import expire_imports

    ProgramImport.objects.create(uploaded_by=staff, file_name="alt.csv", data=b"Name\nA\n")
    ProgramImport.objects.update(uploaded_at=timezone.now() - timedelta(hours=25))

    assert settings.CELERY_BEAT_SCHEDULE["program-import-expiry"] == {
        "task": "programs.expire_imports",
        "schedule": 3600,
    }
    assert expire_imports.delay().get() == 1


# --- The engine's bulk writing ----------------------------------------------------------------


def bulk_rows(topics="lesen-und-sprache", summary="Lesen mit Kindern."):
    return [
        {
            "Name": f"Lesepaten {number}",
            "Träger": f"Bürgerstiftung {number % 2} e. V.",
            "Kurzbeschreibung": summary,
            "Zielgruppen": "kinder|Familien",
            "Themen": topics,
            "PLZ": "04109",
            "Externe ID": f"L-{number}",
        }
        for number in range(3)
    ]


def test_bulk_import_keeps_search_text_vocabularies_and_location(db):
    from programs.imports import programs_import

    report = programs_import(rows=bulk_rows())

    assert report.written
    program = Program.objects.get(external_id="L-1")
    assert sorted(program.target_groups.values_list("slug", flat=True)) == ["familien", "kinder"]
    assert list(program.topics.values_list("slug", flat=True)) == ["lesen-und-sprache"]
    assert (program.state, program.latitude is not None, program.city) == ("SN", True, "")
    assert program.search_text == (
        "Lesepaten 1 Lesen mit Kindern. Bürgerstiftung 1 e. V. Kinder Children Familien Families "
        "Lesen und Sprache Reading and language"
    )
    assert Organization.objects.count() == 2

    updated = programs_import(rows=bulk_rows(topics="schule-und-lernen", summary="Neu."))

    assert [row.action for row in updated.rows] == ["updated"] * 3
    program.refresh_from_db()
    assert list(program.topics.values_list("slug", flat=True)) == ["schule-und-lernen"]
    assert sorted(program.target_groups.values_list("slug", flat=True)) == ["familien", "kinder"]
    assert program.search_text == (
        "Lesepaten 1 Neu. Bürgerstiftung 1 e. V. Kinder Children Familien Families "
        "Schule und Lernen School and learning"
    )
    assert program.updated_at > program.created_at


def test_bulk_write_refused_by_the_database_falls_back_to_row_by_row(db, monkeypatch):
    from django.db import IntegrityError

    from programs import imports

    def refuse(**kwargs):
        raise IntegrityError("simulated")

    monkeypatch.setattr(imports, "programs_bulk_save", refuse)

    report = imports.programs_import(rows=bulk_rows())

    assert report.written
    assert sorted(Program.objects.values_list("external_id", flat=True)) == ["L-0", "L-1", "L-2"]
    assert Organization.objects.count() == 2
    assert Program.objects.get(external_id="L-2").topics.count() == 1


def test_english_under_en(client, staff):
    page = client.get("/en/netzwerk/import/").content.decode()
    refused = client.post("/en/netzwerk/import/", {"file": SimpleUploadedFile("a.csv", b"%PDF")})

    assert "<h1>Import programs</h1>" in page
    assert "This file is not a table." in refused.content.decode()

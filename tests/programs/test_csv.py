import csv
import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command

from programs.exports import programs_export_csv
from programs.imports import COLUMNS, programs_import
from programs.imports import HEADERS as HEADERS_ALL
from programs.models import FundingBadge, Organization, Program
from tests.factories import MUNICH, ProgramFactory, UserFactory

HEADERS = ["slug", "Name", "Träger", "Zielgruppen", "Themen", "Alter von", "Alter bis", "PLZ"]
GOOD_ROWS = [
    [
        "",
        "Lesepat:innen Leipzig",
        "Bürgerstiftung Leipzig",
        "kinder|Familien",
        "",
        "6",
        "10",
        "04109",
    ],
    ["balu-muenchen", "Balu München", "Balu e. V.", "", "Lesen und Sprache", "", "", "80331"],
]


# English source texts, whatever the German catalogue holds (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("english")


def make_csv(rows, *, headers=HEADERS, delimiter=";", bom=False) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(headers)
    writer.writerows(rows)
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode()


def run_import(data: bytes, **options):
    return programs_import(file=io.BytesIO(data), **options)


def problems(report) -> list[tuple[int, str, str]]:
    return [(p.line, p.field, p.message) for p in report.all_problems]


def slugs(relation) -> list[str]:
    return sorted(relation.values_list("slug", flat=True))


@pytest.mark.django_db
def test_import_good_csv_creates_programs_with_vocabularies_and_location():
    report = run_import(make_csv(GOOD_ROWS))

    leipzig = Program.objects.get(name="Lesepat:innen Leipzig")
    munich = Program.objects.get(slug="balu-muenchen")
    assert problems(report) == []
    assert (report.written, report.count("created")) == (True, 2)
    assert leipzig.slug == "lesepatinnen-leipzig"
    assert leipzig.organization.name == "Bürgerstiftung Leipzig"
    assert leipzig.organization.slug == "buergerstiftung-leipzig"
    assert slugs(leipzig.target_groups) == ["familien", "kinder"]
    assert (leipzig.age_min, leipzig.age_max) == (6, 10)
    assert (leipzig.latitude, leipzig.longitude, leipzig.state) == (51.3386, 12.3651, "SN")
    assert leipzig.status == Program.Status.DRAFT
    assert "Kinder" in leipzig.search_text
    assert slugs(munich.topics) == ["lesen-und-sprache"]
    assert (munich.latitude, munich.longitude, munich.state) == (48.136, 11.5729, "BY")


@pytest.mark.django_db
def test_import_organization_shared_by_rows_created_once():
    rows = [["", "Lesepaten A", "Neuer Träger", "", "", "", "", "04109"]]
    rows.append(["", "Lesepaten B", "Neuer Träger", "", "", "", "", "04109"])

    run_import(make_csv(rows))

    assert Organization.objects.filter(name="Neuer Träger").count() == 1
    assert Program.objects.filter(organization__name="Neuer Träger").count() == 2


@pytest.mark.django_db
def test_import_of_export_changes_nothing():
    ProgramFactory(
        name="Lesepat:innen Leipzig",
        target_groups=["kinder", "familien"],
        topics=["lesen-und-sprache"],
        formats=["tandem"],
        age_min=6,
        age_max=10,
        description="Zeile eins\r\nZeile zwei; mit Semikolon, Komma und „Anführung“",
        contact_phone="+49 341 123456",
        languages="Deutsch, Arabisch",
        last_reviewed_at=datetime.date(2025, 3, 1),
        radius_km=15,
    ).funding_badges.set(FundingBadge.objects.filter(slug="landesfoerderung"))
    ProgramFactory(name="=HYPERLINK(1)", reach=Program.Reach.REGIONAL, **MUNICH)
    before = list(Program.objects.order_by("pk").values())
    buffer = io.StringIO()
    programs_export_csv(queryset=Program.objects.all(), stream=buffer)

    report = run_import(buffer.getvalue().encode())

    assert problems(report) == []
    assert [row.action for row in report.rows] == ["unchanged", "unchanged"]
    assert list(Program.objects.order_by("pk").values()) == before


@pytest.mark.django_db
def test_import_updates_program_by_slug():
    program = ProgramFactory(slug="lesepaten", name="Alter Name", target_groups=["kinder"])
    rows = [["lesepaten", "Neuer Name", program.organization.name, "jugendliche", "", "", "", ""]]

    report = run_import(make_csv(rows))

    program.refresh_from_db()
    assert [row.action for row in report.rows] == ["updated"]
    assert program.name == "Neuer Name"
    assert slugs(program.target_groups) == ["jugendliche"]
    assert Program.objects.count() == 1
    assert Organization.objects.count() == 1


@pytest.mark.django_db
def test_import_new_postcode_moves_carried_over_coordinates():
    program = ProgramFactory(slug="lesepaten")
    buffer = io.StringIO()
    programs_export_csv(queryset=Program.objects.all(), stream=buffer)
    data = buffer.getvalue().replace(";04109;Leipzig;SN;", ";80331;München;;")

    run_import(data.encode())

    program.refresh_from_db()
    assert (program.latitude, program.longitude, program.state) == (48.136, 11.5729, "BY")


BAD_ROWS = [
    GOOD_ROWS[0],
    ["", "Programm B", "Träger B", "kinder|astronauten", "", "", "", "04109"],
    ["", "Programm C", "Träger C", "", "", "", "", "99999"],
    ["", "Programm D", "Träger D", "", "", "12", "8", "04109"],
    GOOD_ROWS[1],
]
BAD_ROW_PROBLEMS = [
    (
        3,
        "Zielgruppen",
        "Unknown value “astronauten”. Allowed: kinder, jugendliche, junge-erwachsene, familien, "
        "alleinerziehende, gefluechtete, migrationsgeschichte, studierende, arbeitsuchende, "
        "menschen-mit-behinderung, seniorinnen.",
    ),
    (4, "PLZ", "We do not know the postcode 99999. Please check it."),
    (5, "Alter bis", "The maximum age must not be below the minimum age."),
]


@pytest.mark.django_db
def test_import_bad_rows_write_nothing_and_report_each_problem():
    report = run_import(make_csv(BAD_ROWS))

    assert problems(report) == BAD_ROW_PROBLEMS
    assert (report.rejected, report.written) == (True, False)
    assert Program.objects.count() == 0
    assert Organization.objects.count() == 0


@pytest.mark.django_db
def test_import_partial_writes_only_good_rows():
    report = run_import(make_csv(BAD_ROWS), partial=True)

    assert problems(report) == BAD_ROW_PROBLEMS
    assert (report.rejected, report.written) == (False, True)
    assert sorted(Program.objects.values_list("name", flat=True)) == [
        "Balu München",
        "Lesepat:innen Leipzig",
    ]


@pytest.mark.django_db
def test_import_dry_run_writes_nothing_and_reports():
    report = run_import(make_csv(GOOD_ROWS), dry_run=True)

    assert Program.objects.count() == 0
    assert Organization.objects.count() == 0
    assert report.lines() == [
        "Line 2: lesepatinnen-leipzig would be created.",
        "Warning: Line 2: Status: No status given: the program is saved as a draft.",
        "Line 3: balu-muenchen would be created.",
        "Warning: Line 3: Status: No status given: the program is saved as a draft.",
        "2 to create, 0 to update, 0 unchanged, 0 invalid.",
        "2 new programs have no status and become drafts.",
        "Dry run: nothing was written.",
    ]


@pytest.mark.django_db
def test_import_duplicate_slug_in_file_is_reported():
    rows = [GOOD_ROWS[1], GOOD_ROWS[1]]

    report = run_import(make_csv(rows))

    assert problems(report) == [(3, "slug", "The slug “balu-muenchen” already appears in line 2.")]
    assert Program.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("delimiter", [";", ","])
def test_import_reads_delimiter(delimiter):
    report = run_import(make_csv(GOOD_ROWS, delimiter=delimiter))

    assert problems(report) == []
    assert slugs(Program.objects) == ["balu-muenchen", "lesepatinnen-leipzig"]


@pytest.mark.django_db
def test_import_reads_bom_decimal_comma_and_german_labels():
    headers = ["slug", "Name", "Träger", "PLZ", "Breitengrad", "Längengrad", "Status"]
    rows = [["lesepaten", "Lesepaten", "Träger", "4109", "51,5", "12,25", "Veröffentlicht"]]

    report = run_import(make_csv(rows, headers=headers, bom=True))

    program = Program.objects.get()
    assert problems(report) == []
    assert (program.postcode, program.latitude, program.longitude) == ("04109", 51.5, 12.25)
    assert (program.state, program.status) == ("SN", Program.Status.PUBLISHED)


@pytest.mark.django_db
def test_import_unknown_choice_is_reported():
    headers = ["Name", "Träger", "Reichweite"]

    report = run_import(make_csv([["Lesepaten", "Träger", "weltweit"]], headers=headers))

    assert problems(report) == [
        (2, "Reichweite", "Unknown value “weltweit”. Allowed: local, regional, state, national.")
    ]


@pytest.mark.django_db
def test_import_unknown_header_rejects_file():
    report = run_import(make_csv([], headers=["slug", "Name", "Träger", "Postleitzahl"]))

    assert problems(report) == [
        (1, "Postleitzahl", "Unknown column. Known columns: " + ", ".join(HEADERS_ALL) + ".")
    ]
    assert "PLZ, Ort" in problems(report)[0][2]
    assert report.rejected is True


@pytest.mark.django_db
def test_import_missing_required_header_rejects_file():
    report = run_import(make_csv([], headers=["slug", "Name"]))

    assert problems(report) == [(1, "Träger", "This column is missing.")]


@pytest.mark.django_db
def test_import_not_utf8_rejects_file():
    report = run_import("Name;Träger\nA;B\n".encode("cp1252"))

    assert [str(p) for p in report.problems] == [
        "The file is not UTF-8 encoded. In Excel, save it as “CSV UTF-8”."
    ]


@pytest.mark.django_db
def test_import_command_prints_report(tmp_path):
    path = tmp_path / "programme.csv"
    path.write_bytes(make_csv(GOOD_ROWS))
    out = io.StringIO()

    call_command("import_programs", str(path), stdout=out)

    assert out.getvalue().splitlines() == [
        "Line 2: lesepatinnen-leipzig created.",
        "Warning: Line 2: Status: No status given: the program is saved as a draft.",
        "Line 3: balu-muenchen created.",
        "Warning: Line 3: Status: No status given: the program is saved as a draft.",
        "2 created, 0 updated, 0 unchanged, 0 invalid.",
        "2 new programs have no status and become drafts.",
    ]
    assert Program.objects.count() == 2


@pytest.mark.django_db
def test_import_command_rejected_file_raises_command_error(tmp_path):
    path = tmp_path / "programme.csv"
    path.write_bytes(make_csv(BAD_ROWS))
    out = io.StringIO()

    with pytest.raises(CommandError, match="The file was rejected"):
        call_command("import_programs", str(path), stdout=out)

    assert out.getvalue().splitlines() == [
        "Line 2: lesepatinnen-leipzig would be created.",
        "Warning: Line 2: Status: No status given: the program is saved as a draft.",
        "Line 3: Zielgruppen: " + BAD_ROW_PROBLEMS[0][2],
        "Line 4: PLZ: We do not know the postcode 99999. Please check it.",
        "Line 5: Alter bis: The maximum age must not be below the minimum age.",
        "Line 6: balu-muenchen would be created.",
        "Warning: Line 6: Status: No status given: the program is saved as a draft.",
        "2 to create, 0 to update, 0 unchanged, 3 invalid.",
        "2 new programs have no status and become drafts.",
        "The file was rejected: nothing was written.",
    ]
    assert Program.objects.count() == 0


@pytest.mark.django_db
def test_import_command_dry_run_of_bad_file_raises_and_writes_nothing(tmp_path):
    path = tmp_path / "programme.csv"
    path.write_bytes(make_csv(BAD_ROWS))
    out = io.StringIO()

    with pytest.raises(CommandError, match="^The file would be rejected.$"):
        call_command("import_programs", str(path), "--dry-run", stdout=out)

    assert out.getvalue().splitlines()[-2:] == [
        "Dry run: nothing was written.",
        "The file would be rejected.",
    ]
    assert Program.objects.count() == 0


@pytest.mark.django_db
def test_import_command_partial_writes_good_rows(tmp_path):
    path = tmp_path / "programme.csv"
    path.write_bytes(make_csv(BAD_ROWS))
    out = io.StringIO()

    with pytest.raises(CommandError, match="^3 rows were skipped.$") as raised:
        call_command("import_programs", str(path), "--partial", stdout=out)

    assert raised.value.returncode == 3
    assert out.getvalue().splitlines()[-7:] == [
        "Line 5: skipped.",
        "Line 5: Alter bis: The maximum age must not be below the minimum age.",
        "Line 6: balu-muenchen created.",
        "Warning: Line 6: Status: No status given: the program is saved as a draft.",
        "2 created, 0 updated, 0 unchanged, 3 invalid.",
        "2 new programs have no status and become drafts.",
        "3 rows with errors were skipped.",
    ]
    assert Program.objects.count() == 2


@pytest.mark.django_db
def test_import_command_missing_file_raises(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_programs", str(tmp_path / "fehlt.csv"), stdout=io.StringIO())


@pytest.mark.django_db
def test_export_csv_contains_only_published():
    ProgramFactory(name="Öffentlich", slug="oeffentlich", target_groups=["kinder", "familien"])
    ProgramFactory(name="Entwurf", status=Program.Status.DRAFT)
    out = io.StringIO()

    call_command("export_programs", stdout=out)

    rows = list(csv.DictReader(io.StringIO(out.getvalue()), delimiter=";"))
    assert list(rows[0]) == [column.header for column in COLUMNS]
    assert [row["slug"] for row in rows] == ["oeffentlich"]
    assert rows[0]["Zielgruppen"] == "kinder|familien"
    assert (rows[0]["Breitengrad"], rows[0]["Bundesland"]) == ("51,3397", "SN")


@pytest.mark.django_db
def test_export_csv_to_file_has_bom(tmp_path):
    ProgramFactory(slug="lesepaten")
    path = tmp_path / "export.csv"

    call_command("export_programs", "--output", str(path), "--delimiter", ",")

    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfslug,Name,")
    assert b"51.3397" in data


@pytest.mark.django_db
def test_export_geojson_is_feature_collection_with_lon_lat():
    ProgramFactory(name="Öffentlich", slug="oeffentlich")
    ProgramFactory(name="Entwurf", status=Program.Status.DRAFT)
    out = io.StringIO()

    call_command("export_programs", "--format", "geojson", stdout=out)

    data = json.loads(out.getvalue())
    assert data["type"] == "FeatureCollection"
    assert [feature["id"] for feature in data["features"]] == ["oeffentlich"]
    assert data["features"][0]["geometry"] == {"type": "Point", "coordinates": [12.3731, 51.3397]}
    assert data["features"][0]["properties"]["url"].endswith("/programme/oeffentlich/")


@pytest.mark.django_db
def test_the_program_import_lives_under_netzwerk_not_in_the_admin(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    admin_import = client.get("/admin/programs/program/import/")
    listing = client.get("/admin/programs/program/").content.decode()

    assert admin_import.status_code in (302, 404)
    assert "/import/" not in listing
    assert client.get("/netzwerk/import/").status_code == 200


@pytest.mark.django_db
def test_import_with_nul_character_is_rejected_and_writes_nothing():
    rows = [GOOD_ROWS[0], ["", "Kaputt\x00", "Träger", "", "", "", "", "04109"]]

    report = run_import(make_csv(rows))

    assert report.rejected is True
    assert problems(report) == [
        (3, "", "The file contains a NUL character, which is not allowed in text.")
    ]
    assert Program.objects.count() == 0

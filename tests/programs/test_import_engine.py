"""The program import's rough edges ([2.5] item 4): documented columns, separators, drafts,
idempotent re-import, organisation matching, --partial's exit code, German slugs."""

import csv
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from programs.exports import programs_export_csv
from programs.imports import COLUMNS, HEADERS, organization_key, programs_import
from programs.management.commands.import_programs import Command
from programs.models import Organization, Program
from tests.factories import OrganizationFactory, ProgramFactory

pytestmark = pytest.mark.usefixtures("english")

TEMPLATE = Path(settings.BASE_DIR) / "static" / "programs" / "programme-vorlage.csv"


def make_csv(rows, *, headers, delimiter=";") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode()


def run_import(data: bytes, **options):
    return programs_import(file=io.BytesIO(data), **options)


def problems(report) -> list[tuple[int, str, str]]:
    return [(p.line, p.field, p.message) for p in report.all_problems]


def warnings(report) -> list[tuple[int, str, str]]:
    return [(p.line, p.field, p.message) for p in report.all_warnings]


def export() -> bytes:
    buffer = io.StringIO()
    programs_export_csv(queryset=Program.objects.all(), stream=buffer)
    return buffer.getvalue().encode()


# --- 1. The columns documented ------------------------------------------------------------------


@pytest.mark.django_db
def test_help_lists_every_column_with_meaning_required_and_allowed_values():
    text = Command().create_parser("manage.py", "import_programs").format_help()

    for column in COLUMNS:
        assert f"{column.header} (" in text
    assert "Name (required): The program's name." in text
    assert "Externe ID (optional)" in text
    assert "kinder (Kinder)" in text  # a vocabulary's allowed values, from the database
    assert "draft (Entwurf)" in text  # a choice's values and German labels
    assert "“|” or “;”" in text
    assert "exit code 3" in text


@pytest.mark.django_db
def test_unknown_column_names_the_known_columns():
    report = run_import(make_csv([], headers=["Name", "Träger", "Postleitzahl"]))

    [(line, header, message)] = problems(report)
    assert (line, header) == (1, "Postleitzahl")
    assert message == "Unknown column. Known columns: " + ", ".join(HEADERS) + "."


@pytest.mark.django_db
def test_template_header_is_the_engines_column_list_and_it_imports():
    with TEMPLATE.open(encoding="utf-8-sig", newline="") as file:
        header = next(csv.reader(file, delimiter=";"))

    with TEMPLATE.open("rb") as file:
        report = programs_import(file=file, dry_run=True)

    assert header == HEADERS
    assert problems(report) == []
    assert warnings(report) == []
    assert report.count("created") == 1


def test_docs_link_the_template_and_name_every_column():
    text = (Path(settings.BASE_DIR) / "docs" / "import.md").read_text()

    assert "static/programs/programme-vorlage.csv" in text
    for header in HEADERS:
        assert f"`{header}`" in text


# --- 2. Several values in one cell --------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("delimiter", [";", ","])
def test_several_values_separated_by_semicolon_or_bar(delimiter):
    headers = ["Name", "Träger", "PLZ", "Zielgruppen"]
    rows = [["Lesepaten", "Träger", "04109", "kinder; Familien|jugendliche"]]

    report = run_import(make_csv(rows, headers=headers, delimiter=delimiter))

    program = Program.objects.get()
    assert problems(report) == []
    assert sorted(program.target_groups.values_list("slug", flat=True)) == [
        "familien",
        "jugendliche",
        "kinder",
    ]


# --- 3. Rows without a status -------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("dry_run", [True, False])
def test_rows_without_status_warned_and_counted(dry_run):
    headers = ["Name", "Träger", "PLZ", "Status"]
    rows = [["A", "T", "04109", ""], ["B", "T", "04109", "Veröffentlicht"], ["C", "T", "04109", ""]]

    report = run_import(make_csv(rows, headers=headers), dry_run=dry_run)

    assert warnings(report) == [
        (2, "Status", "No status given: the program is saved as a draft."),
        (4, "Status", "No status given: the program is saved as a draft."),
    ]
    assert report.drafts_by_default == 2
    assert "2 new programs have no status and become drafts." in report.summary()


@pytest.mark.django_db
def test_existing_program_without_status_cell_keeps_status_without_warning():
    program = ProgramFactory(slug="lesepaten", status=Program.Status.PUBLISHED)
    rows = [["lesepaten", "Neuer Name", program.organization.name, ""]]

    report = run_import(make_csv(rows, headers=["slug", "Name", "Träger", "Status"]))

    program.refresh_from_db()
    assert (program.name, program.status) == ("Neuer Name", Program.Status.PUBLISHED)
    assert warnings(report) == []
    assert report.drafts_by_default == 0


# --- 4. Re-import without duplicates ------------------------------------------------------------

ROWS = [
    ["Balu und Du", "Balu und Du e. V.", "80331", "https://balu.example/", "B-1"],
    ["Lesepaten", "Bürgerstiftung", "04109", "", ""],
    ["Schülerpaten", "Bürgerstiftung", "04109", "https://schuelerpaten.example", ""],
]
ROW_HEADERS = ["Name", "Träger", "PLZ", "Website", "Externe ID"]


@pytest.mark.django_db
def test_same_file_twice_changes_nothing_the_second_time():
    data = make_csv(ROWS, headers=ROW_HEADERS)
    first = run_import(data)
    before = list(Program.objects.order_by("pk").values())

    second = run_import(data)

    assert first.count("created") == 3
    assert [row.action for row in second.rows] == ["unchanged"] * 3
    assert list(Program.objects.order_by("pk").values()) == before
    assert Organization.objects.count() == 2
    assert not Program.objects.filter(slug__endswith="-2").exists()


@pytest.mark.django_db
def test_import_of_export_with_external_ids_changes_nothing():
    ProgramFactory(name="Balu und Du", external_id="B-1", website="https://balu.example/")
    ProgramFactory(name="Schülerpaten", target_groups=["kinder", "familien"])
    before = list(Program.objects.order_by("pk").values())

    report = run_import(export())

    assert problems(report) == []
    assert [row.action for row in report.rows] == ["unchanged", "unchanged"]
    assert list(Program.objects.order_by("pk").values()) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("row", "found_by"),
    [
        (["", "Neuer Name", "", "", "B-1"], "external id"),
        (["", "Neuer Name", "", "http://www.balu.example", ""], "website"),
        (["", "balu  und du", "04109", "", ""], "name and postcode"),
    ],
)
def test_existing_program_found_without_slug_and_updated(db, row, found_by):
    program = ProgramFactory(
        slug="balu-und-du", name="Balu und Du", external_id="B-1", website="https://balu.example/"
    )
    ProgramFactory(name="Anderes", postcode="80331", website="https://anderes.example")
    headers = ["slug", "Name", "PLZ", "Website", "Externe ID", "Träger"]

    report = run_import(make_csv([[*row, program.organization.name]], headers=headers))

    assert problems(report) == [], found_by
    assert report.rows[0].program.pk == program.pk
    assert Program.objects.count() == 2
    program.refresh_from_db()
    assert program.slug == "balu-und-du"


@pytest.mark.django_db
def test_given_unknown_slug_of_found_program_is_not_changed_but_warned():
    program = ProgramFactory(slug="balu-und-du", external_id="B-1")
    rows = [["balu-neu", program.name, program.organization.name, "B-1"]]

    report = run_import(make_csv(rows, headers=["slug", "Name", "Träger", "Externe ID"]))

    program.refresh_from_db()
    assert program.slug == "balu-und-du"
    assert Program.objects.count() == 1
    assert warnings(report)[0][:2] == (2, "slug")


@pytest.mark.django_db
def test_shared_website_does_not_match():
    """Two programs of one Träger with the Träger's website: the website finds neither."""
    ProgramFactory(name="A", website="https://traeger.example")
    ProgramFactory(name="B", website="https://traeger.example")
    rows = [["C", "Träger", "04109", "https://traeger.example"]]

    report = run_import(make_csv(rows, headers=["Name", "Träger", "PLZ", "Website"]))

    assert [row.action for row in report.rows] == ["created"]


@pytest.mark.django_db
def test_external_id_twice_in_file_or_of_another_program_is_an_error():
    ProgramFactory(slug="eins", external_id="X-1")
    rows = [["", "Neu A", "T", "X-2"], ["", "Neu B", "T", "X-2"], ["zwei", "Zwei", "T", "X-1"]]
    ProgramFactory(slug="zwei")

    report = run_import(make_csv(rows, headers=["slug", "Name", "Träger", "Externe ID"]))

    assert problems(report) == [
        (3, "Externe ID", "The external ID “X-2” already appears in line 2."),
        (4, "Externe ID", "The external ID “X-1” already belongs to another program."),
    ]
    assert report.rejected


# --- 5. Organisations matched by a normalised name ----------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Balu und Du e.V.",
        "Balu und Du e. V.",
        "balu und du eV",
        "Balu  und Du E.V",
        "Balu und Du, e.V.",
        "Balu und Du eingetragener Verein",
    ],
)
def test_organization_key_ignores_spelling_of_legal_form(name):
    assert organization_key(name) == "balu und du ev"


@pytest.mark.parametrize(
    "name", ["Bürgerstiftung gGmbH", "Bürgerstiftung g GmbH", "Buergerstiftung gemeinnützige GmbH"]
)
def test_organization_key_ggmbh_variants(name):
    assert organization_key(name).endswith("stiftung ggmbh")


@pytest.mark.django_db
def test_organization_spelled_differently_is_the_same():
    organization = OrganizationFactory(name="Balu und Du e.V.")
    rows = [["A", "Balu und Du e. V.", "04109"], ["B", "BALU UND DU EV", "04109"]]

    report = run_import(make_csv(rows, headers=["Name", "Träger", "PLZ"]))

    assert problems(report) == []
    assert Organization.objects.count() == 1
    assert set(Program.objects.values_list("organization", flat=True)) == {organization.pk}


@pytest.mark.django_db
def test_near_duplicate_organization_is_warned():
    OrganizationFactory(name="Balu und Du e.V.")
    rows = [["A", "Balu und Duu e.V.", "04109", "draft"]]

    report = run_import(make_csv(rows, headers=["Name", "Träger", "PLZ", "Status"]))

    assert warnings(report) == [
        (
            2,
            "Träger",
            "“Balu und Duu e.V.” is similar to the organisation “Balu und Du e.V.”; a new one "
            "is created. Please check the spelling.",
        )
    ]
    assert Organization.objects.count() == 2


@pytest.mark.django_db
def test_near_duplicate_new_organizations_in_one_file_are_warned():
    rows = [["A", "Lesewelt Leipzig e.V.", "04109", "draft"]]
    rows.append(["B", "Lesewelt Leipzg e.V.", "04109", "draft"])

    report = run_import(make_csv(rows, headers=["Name", "Träger", "PLZ", "Status"]))

    assert [(line, header) for line, header, _message in warnings(report)] == [(3, "Träger")]


# --- 6. --partial's exit code --------------------------------------------------------------------

BAD = [["Gut", "T", "04109", "draft"], ["Schlecht", "T", "99999", "draft"]]


@pytest.mark.django_db
def test_partial_with_skipped_rows_exits_3_and_says_how_many(tmp_path):
    path = tmp_path / "programme.csv"
    path.write_bytes(make_csv(BAD, headers=["Name", "Träger", "PLZ", "Status"]))

    with pytest.raises(CommandError, match="^1 row was skipped.$") as raised:
        call_command("import_programs", str(path), "--partial", stdout=io.StringIO())

    assert raised.value.returncode == 3
    assert list(Program.objects.values_list("name", flat=True)) == ["Gut"]


@pytest.mark.django_db
def test_partial_dry_run_with_invalid_rows_exits_3(tmp_path):
    path = tmp_path / "programme.csv"
    path.write_bytes(make_csv(BAD, headers=["Name", "Träger", "PLZ", "Status"]))

    with pytest.raises(CommandError, match="^1 row would be skipped.$") as raised:
        call_command("import_programs", str(path), "--partial", "--dry-run", stdout=io.StringIO())

    assert raised.value.returncode == 3
    assert Program.objects.count() == 0


@pytest.mark.django_db
def test_partial_without_skipped_rows_exits_0(tmp_path):
    path = tmp_path / "programme.csv"
    path.write_bytes(make_csv(BAD[:1], headers=["Name", "Träger", "PLZ", "Status"]))

    call_command("import_programs", str(path), "--partial", stdout=io.StringIO())

    assert Program.objects.count() == 1


# --- 7. German slugs ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_new_slug_spells_umlauts_the_german_way():
    rows = [["Schülerpaten", "Größer e.V.", "04109"]]

    run_import(make_csv(rows, headers=["Name", "Träger", "PLZ"]))

    program = Program.objects.get()
    assert program.slug == "schuelerpaten"
    assert program.organization.slug == "groesser-ev"


@pytest.mark.django_db
def test_new_slugs_never_take_the_fixed_path_neu():
    # /koordination/programme/neu/, /netzwerk/programme/neu/ and /netzwerk/traeger/neu/ are
    # pages of their own: a program or Träger called "Neu" must not hide them.
    rows = [["Neu", "Neu", "04109"], ["NEU!", "Neu", "04109"]]

    run_import(make_csv(rows, headers=["Name", "Träger", "PLZ"]))

    assert sorted(Program.objects.values_list("slug", flat=True)) == [
        "programm-neu",
        "programm-neu-2",
    ]
    assert Organization.objects.get().slug == "traeger-neu"


@pytest.mark.django_db
def test_existing_slug_without_umlaut_is_kept():
    program = ProgramFactory(slug="schulerpaten", name="Schülerpaten")
    rows = [["schulerpaten", "Schülerpaten", program.organization.name, "Neu."]]

    run_import(make_csv(rows, headers=["slug", "Name", "Träger", "Kurzbeschreibung"]))

    program.refresh_from_db()
    assert (program.slug, program.summary) == ("schulerpaten", "Neu.")


# --- Bad input ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["2026-01-15", "15.01.2026", "15.01.26"])
def test_dates_in_three_formats(value):
    rows = [["A", "T", "04109", value]]

    report = run_import(make_csv(rows, headers=["Name", "Träger", "PLZ", "Zuletzt geprüft"]))

    assert problems(report) == []
    assert str(Program.objects.get().last_reviewed_at) == "2026-01-15"


@pytest.mark.django_db
def test_bad_date_and_formula_like_values_are_reported_not_raised():
    headers = ["Name", "Träger", "PLZ", "Zuletzt geprüft", "Externe ID"]
    rows = [["=HYPERLINK(1)", "@T", "04109", "1/15/2026", "+1"]]

    report = run_import(make_csv(rows, headers=headers))

    assert problems(report) == [
        (
            2,
            "Zuletzt geprüft",
            "“1/15/2026” is not a date (YYYY-MM-DD, DD.MM.YYYY or DD.MM.YY).",
        )
    ]
    assert Program.objects.count() == 0


@pytest.mark.django_db
def test_formula_like_values_are_stored_as_text():
    headers = ["Name", "Träger", "PLZ", "Externe ID"]

    report = run_import(make_csv([["=HYPERLINK(1)", "@T", "04109", "+1"]], headers=headers))

    program = Program.objects.get()
    assert problems(report) == []
    assert (program.name, program.organization.name, program.external_id) == (
        "=HYPERLINK(1)",
        "@T",
        "+1",
    )

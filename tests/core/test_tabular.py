"""The spreadsheet reader of the browser imports: every kind of bad input gets a message."""

import datetime
import io
import time
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from core.tabular import EMPTY_ROWS_STOP, TableError, parse_bool, parse_date, read_table


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def xlsx(rows, *, setup=None, patch=None) -> bytes:
    """An XLSX file with the rows; `setup(sheet)` changes the sheet, `patch(xml)` the sheet's
    XML inside the package (for what openpyxl does not write: saved formula results, a
    dimension that claims a million rows)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Programme"
    for row in rows:
        sheet.append(row)
    if setup:
        setup(sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    if patch is None:
        return buffer.getvalue()
    source = zipfile.ZipFile(buffer)
    patched = io.BytesIO()
    with zipfile.ZipFile(patched, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = patch(data.decode()).encode()
            target.writestr(item, data)
    return patched.getvalue()


def message(data, **limits) -> str:
    with pytest.raises(TableError) as error:
        read_table(data, **limits)
    return error.value.message


# --- CSV --------------------------------------------------------------------------------------


def test_csv_utf8_with_bom_and_semicolons_is_read_with_row_numbers():
    data = "\ufeffName;Träger\nLesepaten;Bürgerstiftung\n\nBalu;Balu und Du e.V.\n".encode()

    table = read_table(SimpleUploadedFile("programme.csv", data))

    assert table.kind == "csv"
    assert table.headers == ["Name", "Träger"]
    assert [(row.line, row.values) for row in table.rows] == [
        (2, {"Name": "Lesepaten", "Träger": "Bürgerstiftung"}),
        (4, {"Name": "Balu", "Träger": "Balu und Du e.V."}),
    ]
    assert table.warnings == []


def test_csv_separators_are_sniffed_from_the_header_line():
    comma = read_table(b'Name,Ort\n"Lesen; Schreiben",Leipzig\n')
    tab = read_table(b"Name\tOrt\nLesen, Schreiben\tLeipzig\n")

    assert comma.rows[0].values == {"Name": "Lesen; Schreiben", "Ort": "Leipzig"}
    assert tab.rows[0].values == {"Name": "Lesen, Schreiben", "Ort": "Leipzig"}


def test_csv_row_numbers_count_records_not_lines_of_text():
    table = read_table(b'Name;Beschreibung\nA;"zwei\nZeilen"\nB;x\n')

    assert [(row.line, row.values["Name"]) for row in table.rows] == [(2, "A"), (3, "B")]
    assert table.rows[0].values["Beschreibung"] == "zwei\nZeilen"


def test_csv_in_windows_1252_is_read_with_a_warning():
    data = "Name;Träger\nSchülerpaten;Straßenkinder e.V.\n".encode("cp1252")

    table = read_table(data)

    assert table.rows[0].values == {"Name": "Schülerpaten", "Träger": "Straßenkinder e.V."}
    assert len(table.warnings) == 1
    assert "Windows-1252" in table.warnings[0]


def test_csv_in_utf16_as_excel_saves_unicode_text_is_read():
    data = "Name\tOrt\nSchülerpaten\tGörlitz\n".encode("utf-16")

    table = read_table(data)

    assert table.rows[0].values == {"Name": "Schülerpaten", "Ort": "Görlitz"}


def test_csv_converted_twice_warns_about_garbled_umlauts():
    data = "Name;Ort\nSchülerpaten;Görlitz\n".encode().decode("cp1252").encode()

    table = read_table(data)

    assert table.rows[0].values["Ort"] == "GÃ¶rlitz"
    assert any("Ã¤" in warning for warning in table.warnings)


def test_csv_value_in_a_column_without_header_is_kept_as_stray():
    table = read_table(b"Name;;\nA;;\nB;;x\n")

    assert table.headers == ["Name", "", ""]
    assert [row.stray for row in table.rows] == [[], ["x"]]


def test_formula_like_values_stay_text_in_csv():
    data = b'Name;Telefon;Website\n"=HYPERLINK(""http://x.example"";""x"")";+49 341 123;@SUM(A1)\n'

    row = read_table(data).rows[0]

    assert row.values == {
        "Name": '=HYPERLINK("http://x.example";"x")',
        "Telefon": "+49 341 123",
        "Website": "@SUM(A1)",
    }


def test_duplicate_header_is_refused():
    assert message(b"Name;Ort;Name\nA;B;C\n") == (
        "The column “Name” appears more than once in the header row."
    )


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "The file is empty."),
        (b"  \n\n", "The file is empty."),
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", "This file is not a table."),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "This file is not a table."),
        (b"\x7fELF\x02\x01\x01\x00", "This file is not a table."),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "This is an Excel 97-2003 file"),
        (b"Name;Ort\nA\x00\x01;B\n", "This file is not a table."),
    ],
)
def test_files_that_are_no_table_are_refused(data, expected):
    assert message(data).startswith(expected)


def test_renamed_executable_is_refused_whatever_its_name():
    upload = SimpleUploadedFile("programme.xlsx", b"MZ\x90\x00" + bytes(range(256)) * 4)

    assert message(upload).startswith("This file is not a table.")


def test_zip_that_is_no_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types><Override ContentType='x.word'/></Types>")
        archive.writestr("word/document.xml", "<document/>")

    assert message(buffer.getvalue()).startswith("This file is not a table.")


def test_opendocument_spreadsheet_is_refused_with_advice():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<x/>")

    assert message(buffer.getvalue()).startswith("This is an OpenDocument spreadsheet (.ods).")


def test_broken_xlsx_package_is_refused():
    data = xlsx([["Name"], ["A"]])
    truncated = data[: len(data) // 2]

    assert message(truncated).startswith("This file is not a table.")


def test_file_over_the_size_limit_is_refused():
    upload = SimpleUploadedFile("p.csv", b"Name\n" + b"x\n" * 600_000)

    assert message(upload, max_bytes=1024 * 1024) == "The file is larger than 1 MB."


def test_file_over_the_row_limit_is_refused():
    data = b"Name\n" + b"x\n" * 11

    assert message(data, max_rows=10) == (
        "The file has more than 10 rows. Please split it into several files."
    )
    assert len(read_table(data, max_rows=11).rows) == 11


def test_messages_are_german_for_german_users():
    with translation.override("de"):
        text = message(b"%PDF-1.4")

    assert text == (
        "Diese Datei ist keine Tabelle. Bitte laden Sie eine CSV-Datei oder eine "
        "Excel-Arbeitsmappe (.xlsx) hoch."
    )


# --- XLSX -------------------------------------------------------------------------------------


def test_xlsx_cells_become_text():
    data = xlsx(
        [
            ["Name", "PLZ", "Breitengrad", "Zuletzt geprüft", "Beginn", "Aktiv"],
            [
                "Lesepaten",
                4109,
                51.34,
                datetime.datetime(2026, 12, 7),  # noqa: DTZ001 - a date cell has no zone
                datetime.datetime(2026, 12, 7, 14, 30),  # noqa: DTZ001
                True,
            ],
        ]
    )

    table = read_table(SimpleUploadedFile("programme.xlsx", data))

    assert table.kind == "xlsx"
    assert table.rows[0].line == 2
    assert table.rows[0].values == {
        "Name": "Lesepaten",
        "PLZ": "4109",
        "Breitengrad": "51.34",
        "Zuletzt geprüft": "2026-12-07",
        "Beginn": "2026-12-07 14:30",
        "Aktiv": "true",
    }
    assert table.warnings == []


def test_xlsx_read_under_any_file_name():
    table = read_table(SimpleUploadedFile("programme.csv", xlsx([["Name"], ["A"]])))

    assert table.kind == "xlsx"
    assert table.rows[0].values == {"Name": "A"}


def test_xlsx_formula_gives_its_saved_value_never_evaluated():
    def saved_result(xml):
        return xml.replace("<f>SUM(1,2)</f><v />", "<f>SUM(1,2)</f><v>3</v>")

    data = xlsx([["Name", "Plätze"], ["A", "=SUM(1,2)"]], patch=saved_result)

    table = read_table(data)

    assert table.rows[0].values == {"Name": "A", "Plätze": "3"}
    assert table.warnings == ["The sheet has formulas; the values Excel saved for them were used."]


def test_xlsx_formula_without_saved_value_is_refused():
    data = xlsx([["Name", "Plätze"], ["A", "=SUM(1,2)"], ["B", "=1+1"]])

    assert message(data) == (
        "Some cells hold formulas without a saved result (B2, B3). Please open the file in "
        "Excel or LibreOffice and save it again, or replace the formulas by their values."
    )


def test_xlsx_formula_error_is_read_as_empty_with_a_warning():
    data = xlsx([["Name", "Alter"], ["A", "#DIV/0!"]])

    table = read_table(data)

    assert table.rows[0].values == {"Name": "A", "Alter": ""}
    assert table.warnings == [
        "Some cells show a formula error such as #DIV/0! (B2); they were read as empty."
    ]


def test_xlsx_formula_like_text_stays_text():
    def text_cells(sheet):
        sheet["A2"] = '=HYPERLINK("http://x.example","x")'
        sheet["A2"].data_type = "s"  # typed as text, as Excel stores '=… with an apostrophe

    data = xlsx([["Name", "Telefon", "Notiz"], [None, "+49 341 123", "@SUM(A1)"]], setup=text_cells)

    table = read_table(data)

    assert table.rows[0].values == {
        "Name": '=HYPERLINK("http://x.example","x")',
        "Telefon": "+49 341 123",
        "Notiz": "@SUM(A1)",
    }
    assert table.warnings == []


def test_xlsx_merged_cells_are_filled_in_data_rows_and_reported():
    def merge(sheet):
        sheet.merge_cells("B2:B4")

    data = xlsx(
        [["Name", "Träger"], ["A", "Balu und Du e.V."], ["B", None], ["C", None], ["D", "X"]],
        setup=merge,
    )

    table = read_table(data)

    assert [row.values["Träger"] for row in table.rows] == [
        "Balu und Du e.V.",
        "Balu und Du e.V.",
        "Balu und Du e.V.",
        "X",
    ]
    assert table.warnings == [
        "The sheet has merged cells (B2:B4): the value of the first cell was used for "
        "every cell of the range."
    ]


def test_xlsx_claiming_a_million_rows_is_read_quickly():
    def million(xml):
        return xml.replace('<dimension ref="A1:B3" />', '<dimension ref="A1:B1000000" />')

    data = xlsx([["Name", "Ort"], ["A", "Leipzig"], ["B", "Dresden"]], patch=million)

    started = time.monotonic()
    table = read_table(data)

    assert time.monotonic() - started < 5
    assert [row.values["Name"] for row in table.rows] == ["A", "B"]
    assert table.warnings == []


def test_xlsx_value_a_million_rows_down_stops_after_empty_rows_with_a_warning():
    def far_down(sheet):
        sheet.cell(row=1_000_000, column=1, value="far down")

    data = xlsx([["Name", "Ort"], ["A", "Leipzig"]], setup=far_down)

    started = time.monotonic()
    table = read_table(data)

    assert time.monotonic() - started < 5
    assert [row.values["Name"] for row in table.rows] == ["A"]
    assert table.warnings == [
        f"Reading stopped at row {2 + EMPTY_ROWS_STOP} after 1,000 empty rows; anything further "
        "down was not read."
    ]


def test_xlsx_with_a_dimension_of_every_column_is_read_quickly():
    def wide(xml):
        return xml.replace('<dimension ref="A1:B3" />', '<dimension ref="A1:XFD1048576" />')

    data = xlsx([["Name", "Ort"], ["A", "Leipzig"], ["B", "Dresden"]], patch=wide)

    table = read_table(data)

    assert table.headers == ["Name", "Ort"]
    assert len(table.rows) == 2


def test_xlsx_only_the_first_sheet_is_read_with_a_warning():
    def second_sheet(sheet):
        sheet.parent.create_sheet("Notizen")["A1"] = "x"

    table = read_table(xlsx([["Name"], ["A"]], setup=second_sheet))

    assert table.warnings == ["Only the first sheet, “Programme”, was read."]


def test_xlsx_row_limit():
    data = xlsx([["Name"]] + [[f"P{number}"] for number in range(6)])

    assert message(data, max_rows=5) == (
        "The file has more than 5 rows. Please split it into several files."
    )


def test_xlsx_header_may_start_below_empty_rows():
    table = read_table(xlsx([[], [], ["Name", "Ort"], ["A", "Leipzig"]]))

    assert table.header_line == 3
    assert [(row.line, row.values) for row in table.rows] == [(4, {"Name": "A", "Ort": "Leipzig"})]


def test_xlsx_with_an_external_entity_is_refused():
    def entity(xml):
        return (
            '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            + xml.replace("<t>A</t>", "<t>&e;</t>")
        )

    assert message(xlsx([["Name"], ["A"]], patch=entity)).startswith("This file is not a table.")


# --- Parsing helpers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["2026-12-07", "07.12.2026", "7.12.26", "7.12.2026", " 2026-12-07 00:00:00 "]
)
def test_parse_date_reads_the_usual_formats(text):
    assert parse_date(text) == datetime.date(2026, 12, 7)


def test_parse_date_reads_an_xlsx_date_cell():
    data = xlsx([["Datum"], [datetime.date(2026, 12, 7)]])

    assert parse_date(read_table(data).rows[0].values["Datum"]) == datetime.date(2026, 12, 7)


@pytest.mark.parametrize("text", ["", "31.02.2026", "12/07/2026", "morgen", "2026-13-01"])
def test_parse_date_refuses_other_text(text):
    with pytest.raises(ValueError):
        parse_date(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("ja", True), ("X", True), ("true", True), ("Nein", False), ("", False), ("vielleicht", None)],
)
def test_parse_bool(text, expected):
    assert parse_bool(text) is expected

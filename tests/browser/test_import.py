"""The program import in the browser: network staff import an Excel file with a column that has
to be mapped by hand, through upload, columns, preview and import; every page passes axe."""

import io

import openpyxl
import pytest

from programs.models import Program, ProgramImport
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def workbook() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Programmname", "Organisation", "PLZ", "Status", "Projekt-Nr."])
    sheet.append(["Lesepaten Leipzig", "Bürgerstiftung Leipzig e. V.", "04109", "published", "L-1"])
    sheet.append(["Balu und Du Dresden", "Balu und Du e.V.", "01067", "", "B-2"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_staff_import_an_xlsx_with_a_mapped_column(page, live_server):
    staff = UserFactory(is_staff=True)
    page.login(live_server.url, staff)

    page.goto(f"{live_server.url}/netzwerk/import/")
    assert page.locator("h1").inner_text() == "Programme importieren"
    assert page.axe_violations() == []
    page.set_input_files(
        "input[type=file]",
        files=[
            {
                "name": "programme.xlsx",
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "buffer": workbook(),
            }
        ],
    )
    page.click("text=Hochladen und prüfen")
    page.wait_for_url("**/spalten/")

    assert page.locator("h1").inner_text() == "Spalten der Datei"
    assert page.axe_violations() == []
    # Known names are chosen already; the project number is mapped by hand.
    assert page.locator("select").nth(0).input_value() == "Name"
    assert page.locator("select").nth(1).input_value() == "Träger"
    assert page.locator("select").nth(4).input_value() == ""
    page.get_by_label("Projekt-Nr.").select_option("Externe ID")
    page.click("text=Weiter zur Vorschau")
    page.wait_for_url(f"**/netzwerk/import/{ProgramImport.objects.get().pk}/")

    assert page.locator("h1").inner_text() == "Vorschau des Imports"
    report = page.locator("#import-report").inner_text()
    assert "lesepaten-leipzig würde angelegt" in report
    assert "Kein Status angegeben" in report
    assert "„Projekt-Nr.“ als Externe ID" in page.locator("main").inner_text()
    assert page.axe_violations() == []
    assert Program.objects.count() == 0

    page.click("main button:text-is('Importieren')")
    page.wait_for_load_state()

    assert "Die Programme wurden importiert." in page.locator("main").inner_text()
    assert page.axe_violations() == []
    assert page.outside_requests() == []
    assert page.csp_violations() == []
    assert sorted(Program.objects.values_list("name", "external_id", "status")) == [
        ("Balu und Du Dresden", "B-2", "draft"),
        ("Lesepaten Leipzig", "L-1", "published"),
    ]

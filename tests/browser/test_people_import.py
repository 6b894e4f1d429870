"""In Chromium: a coordinator imports 200 mentees from a spreadsheet: upload, a mapped column,
dry run, import, and the same file again, which changes nothing."""

import pytest

from tandems.models import Mentee
from tests.factories import ProgramCoordinatorFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def people_file(tmp_path):
    lines = ["Nr;Vorname;Jahrgang;PLZ;Sorgeberechtigte;Einwilligung Eltern am;Lieblingsfach"]
    for n in range(200):
        minor = n % 2 == 0
        guardian = f"Elternteil {n};01.03.2026" if minor else ";"
        lines.append(f"M{n};Kind {n};{2014 if minor else 1990};04109;{guardian};Mathe")
    path = tmp_path / "mentees.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def upload(page, base, program, path):
    page.goto(f"{base}/koordination/programme/{program.slug}/import/")
    page.select_option("#id_kind", "mentees")
    page.set_input_files("#id_file", str(path))
    page.click("button:has-text('Hochladen und Spalten zuordnen')")
    page.wait_for_url(f"{base}/koordination/programme/{program.slug}/import/*/")


def test_coordinator_imports_200_mentees_twice_with_a_dry_run(page, live_server, tmp_path):
    membership = ProgramCoordinatorFactory()
    program = membership.program
    page.login(live_server.url, membership.user)
    base = live_server.url
    path = people_file(tmp_path)

    page.goto(f"{base}/koordination/programme/{program.slug}/import/")
    assert page.axe_violations() == []
    upload(page, base, program, path)
    assert page.axe_violations() == []
    # "Lieblingsfach" is unknown: ignored; "Einwilligung Eltern am" mapped by its synonym.
    assert page.locator("#id_column_6").input_value() == ""
    assert page.locator("#id_column_5").input_value() == "guardian_consent_on"

    page.click("button:has-text('Probelauf')")
    report = page.locator(".import-summary").inner_text()
    assert report == "200 neu, 0 geändert, 0 unverändert, 0 mit Fehlern"
    assert Mentee.objects.count() == 0
    assert page.axe_violations() == []

    page.click("button:has-text('Jetzt importieren')")
    page.wait_for_selector("text=Importiert")
    assert Mentee.objects.filter(program=program).count() == 200
    assert page.axe_violations() == []

    upload(page, base, program, path)
    page.click("button:has-text('Jetzt importieren')")
    page.wait_for_selector("text=keine Änderungen")
    summary = page.locator(".import-summary").inner_text()
    assert summary == "0 neu, 0 geändert, 200 unverändert, 0 mit Fehlern"
    assert Mentee.objects.filter(program=program).count() == 200
    assert page.axe_violations() == []
    assert page.outside_requests() == []
    assert page.csp_violations() == []

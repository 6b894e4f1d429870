"""The people import in the browser: templates, upload, mapping, dry run, import, invitation;
another program's coordinator gets 404; bad files get a German message and change nothing."""

import io
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from notifications.models import Notification
from tandems.models import Application, Mentee
from tests.factories import ProgramCoordinatorFactory

pytestmark = pytest.mark.django_db
EN = "/en"

MENTEES = "Nr;Vorname;Jahrgang;PLZ;Hobby\nM1;Lina;1990;04109;Lesen\nM2;Omar;1995;04109;Fußball\n"
VOLUNTEERS = "E-Mail;Name;Geburtsjahr;PLZ\nanna@example.org;Anna;1980;04109\n"


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(datetime(2026, 6, 15, 10, 0, tzinfo=ZoneInfo("Europe/Berlin")), tick=False)


def url(program, tail="") -> str:
    return f"/koordination/programme/{program.slug}/import/{tail}"


def upload(client, program, kind, text, name="liste.csv", prefix=""):
    file = SimpleUploadedFile(name, text.encode() if isinstance(text, str) else text)
    return client.post(prefix + url(program), {"kind": kind, "file": file})


def token_of(response) -> str:
    return re.search(r"/import/([^/]+)/$", response["Location"]).group(1)


def mapping_data(response, **extra) -> dict:
    form = response.context["form"]
    data = {name: form.fields[name].initial or "" for name in form.column_fields}
    return {**data, **extra}


def test_upload_maps_synonyms_and_the_dry_run_writes_nothing(client, coordinator, program):
    client.force_login(coordinator)

    response = upload(client, program, "mentees", MENTEES, prefix=EN)
    step = client.get(response["Location"])

    form = step.context["form"]
    assert [form.fields[name].initial for name in form.column_fields] == [
        "external_id",
        "first_name",
        "year_of_birth",
        "postcode",
        "",
    ]
    dry = client.post(response["Location"], mapping_data(step, action="dry_run"))
    assert dry.status_code == 200
    assert dry.context["report"].summary() == "2 new, 0 changed, 0 unchanged, 0 with errors"
    assert Mentee.objects.count() == 0


def test_import_then_the_same_file_again_changes_nothing(client, coordinator, program):
    client.force_login(coordinator)
    first = upload(client, program, "mentees", MENTEES)
    step = client.get(first["Location"])

    done = client.post(first["Location"], mapping_data(step, action="import"))

    assert done.status_code == 200
    assert done.context["report"].new == 2
    assert Mentee.objects.filter(program=program).count() == 2
    # The upload is gone after the import.
    assert client.get(first["Location"]).status_code == 404
    second = upload(client, program, "mentees", MENTEES)
    step = client.get(second["Location"])
    again = client.post(second["Location"], mapping_data(step, action="import"))
    assert again.context["report"].changes == 0
    assert "Die Datei enthält nichts Neues: keine Änderungen." in again.content.decode()
    assert LogEntry.objects.filter(additional_data__what="imported").count() == 1


def test_a_row_with_errors_stops_the_import(client, coordinator, program):
    client.force_login(coordinator)
    text = MENTEES + "M3;Kind;2015;04109;\n"
    response = upload(client, program, "mentees", text, prefix=EN)
    step = client.get(response["Location"])

    result = client.post(response["Location"], mapping_data(step, action="import"))

    page = result.content.decode()
    assert "For a minor, the guardian&#x27;s name and consent are required." in page
    assert "Nothing has been written: the file has rows with errors." in page
    assert Mentee.objects.count() == 0


def test_another_programs_coordinator_gets_404_for_the_import_and_the_upload(
    client, coordinator, program
):
    other = ProgramCoordinatorFactory().user
    client.force_login(coordinator)
    response = upload(client, program, "mentees", MENTEES)
    step_url = response["Location"]
    client.force_login(other)

    assert client.get(url(program)).status_code == 404
    assert client.get(step_url).status_code == 404
    assert client.post(step_url, {"action": "import"}).status_code == 404
    assert upload(client, program, "mentees", MENTEES).status_code == 404
    assert Mentee.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff", "liste.csv", "keine Tabelle"),
        (b"", "leer.csv", "Die übertragene Datei ist leer."),
        (b"Vorname;PLZ\n", "nur-kopf.csv", "Die Datei enthält keine Zeilen zum Importieren."),
    ],
)
def test_bad_files_get_a_german_message(client, coordinator, program, content, name, message):
    client.force_login(coordinator)

    response = upload(client, program, "mentees", content, name=name)

    assert response.status_code == 200
    errors = " ".join(str(e) for e in response.context["form"].errors["file"])
    assert message in errors
    assert not list(program.mentees.all())


def test_templates_download_as_csv_and_xlsx(client, coordinator, program):
    client.force_login(coordinator)

    csv = client.get(url(program, "vorlage-freiwillige.csv"))
    xlsx = client.get(url(program, "vorlage-tandems.xlsx"))

    assert csv.content.decode("utf-8-sig").splitlines()[0].startswith("E-Mail;Name;Geburtsjahr")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [cell.value for cell in sheet[1]][:3] == [
        "Externe ID",
        "E-Mail Mentor:in",
        "Externe ID Mentee",
    ]
    assert client.get(url(program, "vorlage-andere.csv")).status_code == 404


def test_imported_volunteers_get_no_mail_until_invited_once(
    client, coordinator, program, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    response = upload(client, program, "freiwillige", VOLUNTEERS)
    step = client.get(response["Location"])
    client.post(response["Location"], mapping_data(step, action="import"))
    assert mailoutbox == []

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(program, "einladen/"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(program, "einladen/"))

    application = Application.objects.get()
    assert Notification.objects.filter(kind="account_claim").count() == 1
    assert [mail.to for mail in mailoutbox] == [["anna@example.org"]]
    body = mailoutbox[0].body
    assert re.search(r"http://[^/]+/konto/password/reset/key/[0-9a-z]+-[^/]+/", body)
    assert application.volunteer.has_usable_password() is False


def test_two_file_columns_on_one_column_are_refused(client, coordinator, program):
    client.force_login(coordinator)
    response = upload(client, program, "mentees", MENTEES, prefix=EN)
    step = client.get(response["Location"])
    data = mapping_data(step, action="import", column_4="first_name")

    result = client.post(response["Location"], data)

    assert result.context["form"].non_field_errors() == [
        "Two file columns are mapped to the same column."
    ]
    assert Mentee.objects.count() == 0


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    choice=st.text(max_size=30) | st.sampled_from(["email", "first_name", "", "status"]),
    partial=st.sampled_from(["", "on", "x" * 300]),
    action=st.text(max_size=10),
)
def test_mapping_form_fuzzed_never_fails_and_writes_nothing_wrong(
    client, coordinator, program, choice, partial, action
):
    client.force_login(coordinator)
    response = upload(client, program, "mentees", MENTEES)

    result = client.post(
        response["Location"],
        {"column_0": choice, "column_1": choice, "partial": partial, "action": action},
    )

    assert result.status_code == 200
    assert Mentee.objects.count() == 0


def test_an_xlsx_file_with_dates_and_formula_like_text_is_imported(client, coordinator, program):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Externe ID", "Vorname", "Geburtsdatum", "PLZ", "Wartet seit"])
    sheet.append(["X1", "=Lina", date(1990, 5, 17), 4109, date(2026, 3, 1)])
    sheet["B2"].data_type = "s"  # text typed with a leading "=", not a formula
    buffer = io.BytesIO()
    workbook.save(buffer)
    client.force_login(coordinator)

    response = upload(client, program, "mentees", buffer.getvalue(), name="liste.xlsx")
    step = client.get(response["Location"])
    client.post(response["Location"], mapping_data(step, action="import"))

    mentee = Mentee.objects.get()
    assert (mentee.first_name, mentee.year_of_birth, mentee.postcode) == ("=Lina", 1990, "04109")
    assert mentee.waiting_since.isoformat() == "2026-03-01"


def test_the_import_page_queries_do_not_grow_with_imported_people(
    client, coordinator, program, django_assert_max_num_queries
):
    from core.tabular import read_table
    from tandems import imports

    client.force_login(coordinator)
    client.get(url(program))
    with django_assert_max_num_queries(12) as few:
        client.get(url(program))
    rows = "".join(f"v{n}@example.org;V {n};1980;04109\n" for n in range(30))
    table = read_table(("E-Mail;Name;Geburtsjahr;PLZ\n" + rows).encode())
    imports.people_import(program=program, kind="freiwillige", table=table, by=coordinator)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url(program))
    assert response.context["unclaimed"] == 30


def test_a_file_over_the_limit_is_refused_unread(client, coordinator, program, settings):
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    client.force_login(coordinator)
    text = MENTEES + "M9;Kind;1990;04109;" + "x" * (1024 * 1024) + "\n"

    response = upload(client, program, "mentees", text)

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["Die Datei ist größer als 1 MB."]
    assert list(Mentee.objects.all()) == []


def test_one_imported_volunteer_is_invited_from_the_application_page(
    client, coordinator, program, mailoutbox, django_capture_on_commit_callbacks
):
    from core.tabular import read_table
    from tandems import imports

    text = VOLUNTEERS + "bert@example.org;Bert;1981;04109\n"
    imports.people_import(
        program=program, kind="freiwillige", table=read_table(text.encode()), by=coordinator
    )
    anna = Application.objects.get(volunteer__email="anna@example.org")
    client.force_login(coordinator)
    page = client.get(f"/koordination/bewerbungen/{anna.pk}/").content.decode()
    assert "Zur Übernahme des Kontos einladen" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(program, "einladen/"), {"application": str(anna.pk)})

    assert response["Location"] == f"/koordination/bewerbungen/{anna.pk}/"
    assert [mail.to for mail in mailoutbox] == [["anna@example.org"]]

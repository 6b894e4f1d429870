"""Documents on records: checked uploads, private storage, a download only for the program's
coordinators, the audit trail, the data export, erasure and retention deleting the files."""

import io
import json
import uuid
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from pypdf import PdfWriter

from privacy import retention
from privacy import services as privacy_services
from tandems.models import Document, Tandem
from tandems.services import documents as document_services
from tandems.services import lifecycle
from tests.factories import ProgramCoordinatorFactory, UserFactory, running_tandem
from tests.factories.tandems import applicant, new_mentee

pytestmark = pytest.mark.django_db
REFUSED = "Bitte laden Sie eine PDF-, JPEG- oder PNG-Datei hoch."


# --- Files ------------------------------------------------------------------------------------


def pdf_bytes(*, password: str | None = None, pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def jpeg_with_exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "KANARIE-KAMERA"  # Make
    exif[0x8825] = {2: (51.0, 20.0, 0.0)}  # GPS latitude
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "blue").save(buffer, format="PNG")
    return buffer.getvalue()


def upload(data: bytes, name: str = "vertrag.pdf", content_type="application/pdf"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def stored(document: Document) -> Path:
    return Path(django_settings.PRIVATE_MEDIA_ROOT) / document.file.name


@pytest.fixture
def world(program, coordinator):
    other = ProgramCoordinatorFactory(program__name="Programm B").user
    tandem = running_tandem(program, by=coordinator, mentee_name="Mia")
    application = tandem.mentor.applications.get(program=program)
    return {
        "program": program,
        "coordinator": coordinator,
        "other": other,
        "tandem": tandem,
        "mentee": tandem.mentee,
        "application": application,
    }


def add(world, *, on="tandem", data=None, title="Vereinbarung", kind="vereinbarung"):
    record = {
        "tandem": {"tandem": world["tandem"]},
        "mentee": {"mentee": world["mentee"]},
        "volunteer": {"volunteer": world["application"].volunteer},
    }[on]
    return document_services.document_add(
        program=world["program"],
        upload=upload(data or pdf_bytes()),
        title=title,
        kind=kind,
        by=world["coordinator"],
        **record,
    )


def post_upload(client, url: str, data: bytes, name: str, title="Einwilligung"):
    return client.post(
        url,
        {
            "document-title": title,
            "document-kind": "einwilligung",
            "document-file": SimpleUploadedFile(name, data),
        },
        follow=True,
    )


# --- Upload -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "data", "name", "content_type"),
    [
        ("mentee", None, "einwilligung.pdf", "application/pdf"),
        ("tandem", "jpeg", "foto.jpg", "image/jpeg"),
        ("application", "png", "scan.png", "image/png"),
    ],
)
def test_a_coordinator_uploads_a_pdf_jpeg_or_png_on_each_record_page(
    client, world, page, data, name, content_type
):
    data = {"jpeg": jpeg_with_exif, "png": png_bytes}.get(data, pdf_bytes)()
    record = world["application"] if page == "application" else world[page]
    base = {"mentee": "mentees", "tandem": "tandems", "application": "bewerbungen"}[page]
    client.force_login(world["coordinator"])

    response = post_upload(client, f"/koordination/{base}/{record.pk}/dokumente/", data, name)

    document = Document.objects.get()
    assert response.status_code == 200
    assert "Das Dokument wurde gespeichert." in response.content.decode()
    assert document.title in response.content.decode()
    assert document.content_type == content_type
    assert document.program == world["program"]
    assert stored(document).is_file()
    assert not str(stored(document)).startswith(str(django_settings.MEDIA_ROOT))
    assert "Mia" not in document.file.name and name not in document.file.name
    assert (document.mentee_id is not None) == (page == "mentee")
    assert (document.tandem_id is not None) == (page == "tandem")
    if page == "application":
        assert document.volunteer == world["application"].volunteer


def test_exif_is_stripped_from_a_jpeg(world):
    document = add(world, data=jpeg_with_exif())

    data = stored(document).read_bytes()
    assert b"KANARIE-KAMERA" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert dict(image.getexif()) == {}
        assert image.format == "JPEG"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, REFUSED),
        (b"<html><script>alert(1)</script></html>", REFUSED),
        (b"%PDF-1.7\nkein echtes pdf\n", "beschädigt"),
        (b"", "Datei"),
    ],
    ids=["renamed-exe", "html-as-pdf", "broken-pdf", "empty"],
)
def test_a_file_that_is_no_pdf_or_image_is_refused_in_german(client, world, data, message):
    client.force_login(world["coordinator"])

    response = post_upload(client, f"/koordination/mentees/{world['mentee'].pk}/dokumente/", data,
                           "vertrag.pdf")  # fmt: skip

    assert response.status_code == 200
    assert message in response.content.decode()
    assert Document.objects.count() == 0
    assert not Path(django_settings.PRIVATE_MEDIA_ROOT).exists() or not any(
        p.is_file() for p in Path(django_settings.PRIVATE_MEDIA_ROOT).rglob("*")
    )


def test_an_encrypted_pdf_is_refused(client, world):
    client.force_login(world["coordinator"])

    response = post_upload(client, f"/koordination/tandems/{world['tandem'].pk}/dokumente/",
                           pdf_bytes(password="geheim"), "vertrag.pdf")  # fmt: skip

    assert "Die PDF-Datei ist mit einem Passwort geschützt" in response.content.decode()
    assert Document.objects.count() == 0


def test_a_file_over_the_limit_is_refused(client, world, settings):
    settings.DOCUMENT_MAX_BYTES = 1024 * 1024
    data = pdf_bytes() + b"%" + b"x" * (1024 * 1024)
    client.force_login(world["coordinator"])

    response = post_upload(client, f"/koordination/tandems/{world['tandem'].pk}/dokumente/",
                           data, "gross.pdf")  # fmt: skip

    assert "Die Datei darf höchstens 1 MB groß sein." in response.content.decode()
    assert Document.objects.count() == 0


def test_the_service_refuses_a_mentee_of_another_program(world):
    stranger = new_mentee(ProgramCoordinatorFactory().program)

    with pytest.raises(ValidationError):
        document_services.document_add(
            program=world["program"],
            upload=upload(pdf_bytes()),
            title="x",
            kind="sonstiges",
            by=world["coordinator"],
            mentee=stranger,
        )
    assert Document.objects.count() == 0


def test_another_programs_coordinator_cannot_upload(client, world):
    client.force_login(world["other"])

    response = post_upload(client, f"/koordination/tandems/{world['tandem'].pk}/dokumente/",
                           pdf_bytes(), "vertrag.pdf")  # fmt: skip

    assert response.status_code == 404
    assert Document.objects.count() == 0


# --- Download ---------------------------------------------------------------------------------


def test_the_coordinator_downloads_it_as_an_attachment_that_is_not_cached(client, world):
    document = add(world, title="Tandemvereinbarung Mia")
    client.force_login(world["coordinator"])

    response = client.get(f"/koordination/dokumente/{document.token}/")

    assert response.status_code == 200
    assert response.content == stored(document).read_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == ('attachment; filename="tandemvereinbarung-mia.pdf"')
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert "X-Accel-Redirect" not in response


@pytest.mark.parametrize("who", ["other", "mentor", "staff", "volunteer"])
def test_everyone_else_gets_404(client, world, who):
    document = add(world)
    user = {
        "other": world["other"],
        "mentor": world["tandem"].mentor,
        "staff": UserFactory(is_staff=True, is_superuser=True),
        "volunteer": UserFactory(),
    }[who]
    client.force_login(user)

    assert client.get(f"/koordination/dokumente/{document.token}/").status_code == 404
    assert client.get(f"/koordination/dokumente/{document.token}/loeschen/").status_code == 404
    assert client.post(f"/koordination/dokumente/{document.token}/loeschen/").status_code == 404
    assert Document.objects.count() == 1


def test_anonymous_is_sent_to_the_login(client, world):
    document = add(world)

    response = client.get(f"/koordination/dokumente/{document.token}/")

    assert response.status_code == 302
    assert response["Location"].startswith("/konto/login/")


def test_a_guessed_url_is_404(client, world):
    document = add(world)
    client.force_login(world["coordinator"])

    assert client.get(f"/koordination/dokumente/{uuid.uuid4()}/").status_code == 404
    assert client.get(f"/koordination/dokumente/{document.pk}/").status_code == 404
    assert client.get(f"/media/{document.file.name}").status_code == 404


def test_behind_nginx_the_view_answers_with_x_accel_redirect(client, world, settings):
    settings.PRIVATE_MEDIA_ACCEL_REDIRECT = "/_privat/"
    document = add(world)
    client.force_login(world["coordinator"])

    response = client.get(f"/koordination/dokumente/{document.token}/")

    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/_privat/{document.file.name}"
    assert response.content == b""
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_file_missing_on_disk_is_404_not_500(client, world):
    document = add(world)
    stored(document).unlink()
    client.force_login(world["coordinator"])

    assert client.get(f"/koordination/dokumente/{document.token}/").status_code == 404


def test_the_pages_list_the_documents_in_a_fixed_number_of_queries(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world["coordinator"])
    url = f"/koordination/mentees/{world['mentee'].pk}/"
    add(world, on="mentee", title="Einwilligung 0")
    client.get(url)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for number in range(1, 4):
        add(world, on="mentee", title=f"Einwilligung {number}", kind="einwilligung")
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    html = response.content.decode()
    assert [f"Einwilligung {n}" in html for n in range(4)] == [True] * 4
    assert html.count("/koordination/dokumente/") == 8  # download and delete, each
    assert len(many) == len(one)


# --- Audit trail ------------------------------------------------------------------------------


def test_upload_download_and_delete_are_in_the_audit_trail_without_the_title(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world["coordinator"])
    post_upload(client, f"/koordination/tandems/{world['tandem'].pk}/dokumente/", pdf_bytes(),
                "a.pdf", title="KANARIE-TITEL")  # fmt: skip
    document = Document.objects.get()
    client.get(f"/koordination/dokumente/{document.token}/")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/koordination/dokumente/{document.token}/loeschen/", follow=True)

    entries = LogEntry.objects.filter(object_pk=str(document.pk), content_type__model="document")
    assert sorted(entries.values_list("action", flat=True)) == [
        LogEntry.Action.CREATE,
        LogEntry.Action.DELETE,
        LogEntry.Action.ACCESS,
    ]
    assert {entry.actor for entry in entries} == {world["coordinator"]}
    assert {entry.additional_data["program"] for entry in entries} == {world["program"].pk}
    assert "KANARIE-TITEL" not in json.dumps(list(entries.values()), default=str)
    assert "Das Dokument wurde gelöscht." in response.content.decode()
    assert not stored(document).exists()


def test_delete_asks_for_confirmation_first(client, world):
    document = add(world)
    client.force_login(world["coordinator"])

    response = client.get(f"/koordination/dokumente/{document.token}/loeschen/")

    assert response.status_code == 200
    assert "Vereinbarung" in response.content.decode()
    assert Document.objects.count() == 1
    assert stored(document).exists()


# --- Export, erasure, retention ---------------------------------------------------------------


def unpack(response) -> dict:
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist()}


def test_the_mentee_export_lists_the_documents(client, world):
    add(world, on="mentee", title="Einwilligung der Eltern", kind="einwilligung")
    add(world, on="tandem", title="Tandemvereinbarung")
    client.force_login(world["coordinator"])

    files = unpack(client.get(f"/koordination/mentees/{world['mentee'].pk}/export.zip"))

    own = json.loads(files["daten/dokumente.json"])
    assert [(row["title"], row["kind"]) for row in own] == [
        ("Einwilligung der Eltern", "einwilligung")
    ]
    assert [row["title"] for row in json.loads(files["daten/dokumente-zu-tandems.json"])] == [
        "Tandemvereinbarung"
    ]
    assert "Einwilligung der Eltern" in files["uebersicht.html"]


def test_the_volunteers_export_lists_their_documents(client, world):
    add(world, on="volunteer", title="Ehrenamtsvereinbarung")
    client.force_login(world["tandem"].mentor)

    files = unpack(client.get("/mein-bereich/meine-daten/export.zip"))

    rows = json.loads(files["daten/dokumente.json"])
    assert [(row["title"], row["kind"]) for row in rows] == [
        ("Ehrenamtsvereinbarung", "vereinbarung")
    ]
    assert "uploaded_at" in rows[0]


def test_erasing_the_volunteer_deletes_their_files_and_the_tandems(
    world, django_capture_on_commit_callbacks
):
    own = add(world, on="volunteer")
    of_tandem = add(world, on="tandem")
    of_mentee = add(world, on="mentee")

    with django_capture_on_commit_callbacks(execute=True):
        privacy_services.volunteer_erase(user=world["tandem"].mentor)

    assert not stored(own).exists()
    assert not stored(of_tandem).exists()
    assert stored(of_mentee).exists()
    assert list(Document.objects.values_list("pk", flat=True)) == [of_mentee.pk]


def test_erasing_the_mentee_deletes_their_files_and_the_tandems(
    world, django_capture_on_commit_callbacks
):
    of_mentee = add(world, on="mentee")
    of_tandem = add(world, on="tandem")
    of_volunteer = add(world, on="volunteer")

    with django_capture_on_commit_callbacks(execute=True):
        privacy_services.mentee_erase(mentee=world["mentee"], by=world["coordinator"])

    assert not stored(of_mentee).exists()
    assert not stored(of_tandem).exists()
    assert stored(of_volunteer).exists()
    assert list(Document.objects.values_list("pk", flat=True)) == [of_volunteer.pk]


def test_a_bulk_delete_takes_the_files_along(world, django_capture_on_commit_callbacks):
    documents = [add(world, on=on) for on in ("mentee", "tandem")]

    with django_capture_on_commit_callbacks(execute=True):
        Document.objects.filter(program=world["program"]).delete()

    assert [stored(d).exists() for d in documents] == [False, False]


def test_an_account_deleted_in_the_admin_takes_its_files_along(
    world, django_capture_on_commit_callbacks
):
    from django.contrib.auth import get_user_model

    application = applicant(world["program"])
    document = document_services.document_add(
        program=world["program"],
        upload=upload(pdf_bytes()),
        title="Antrag",
        kind="sonstiges",
        by=world["coordinator"],
        volunteer=application.volunteer,
    )

    with django_capture_on_commit_callbacks(execute=True):
        get_user_model().objects.filter(pk=application.volunteer.pk).delete()

    assert not stored(document).exists()
    assert Document.objects.count() == 0


def test_a_rolled_back_erasure_keeps_the_files(world):
    from django.db import transaction

    document = add(world, on="mentee")
    with transaction.atomic():
        privacy_services.mentee_erase(mentee=world["mentee"], by=world["coordinator"])
        transaction.set_rollback(True)

    assert stored(document).exists()
    assert Document.objects.count() == 1


def test_retention_deletes_the_documents_with_their_records(
    world, time_machine, django_capture_on_commit_callbacks
):
    volunteer_document = add(world, on="volunteer")
    mentee_document = add(world, on="mentee")
    tandem_document = add(world, on="tandem")
    lifecycle.tandem_end(
        tandem=world["tandem"],
        by=world["coordinator"],
        ended_on=timezone.localdate(),
        reason=Tandem.EndReason.COMPLETED,
        mentee_waits_again=False,
    )
    world["application"].refresh_from_db()
    time_machine.move_to(timezone.now() + timedelta(days=800))

    with django_capture_on_commit_callbacks(execute=True):
        retention.run()

    # The mentor's application is still open: their own document stays with it.
    assert [stored(d).exists() for d in (volunteer_document, mentee_document, tandem_document)] == [
        True,
        False,
        False,
    ]
    assert list(Document.objects.values_list("pk", flat=True)) == [volunteer_document.pk]


def test_a_document_of_a_volunteer_who_only_applied_goes_with_their_records(
    world, time_machine, django_capture_on_commit_callbacks
):
    application = applicant(world["program"])
    document = document_services.document_add(
        program=world["program"],
        upload=upload(png_bytes(), "scan.png"),
        title="Antrag",
        kind="sonstiges",
        by=world["coordinator"],
        volunteer=application.volunteer,
    )
    from tandems import services

    services.application_withdraw(application=application, by=application.volunteer)
    time_machine.move_to(timezone.now() + timedelta(days=800))

    with django_capture_on_commit_callbacks(execute=True):
        retention.run()

    assert not stored(document).exists()
    assert not Document.objects.filter(pk=document.pk).exists()


def test_the_nginx_config_has_an_internal_location_for_the_files():
    import re

    conf = (Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "mentoring.conf").read_text()
    block = re.search(r"location /_private/ \{(.*?)\n    \}", conf, flags=re.DOTALL)

    assert block is not None
    assert "internal;" in block.group(1)
    assert "alias /srv/mentoring/var/private/;" in block.group(1)
    assert "nosniff" in block.group(1)
    assert "client_max_body_size 11m;" in conf


def test_deleting_a_volunteers_document_leads_back_to_their_application(
    client, world, django_capture_on_commit_callbacks
):
    document = add(world, on="volunteer")
    client.force_login(world["coordinator"])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/koordination/dokumente/{document.token}/loeschen/")

    assert response.status_code == 302
    assert response["Location"] == (
        f"/koordination/bewerbungen/{world['application'].pk}/#dokumente"
    )
    assert not stored(document).exists()
    assert Document.objects.count() == 0


def test_a_decompression_bomb_is_refused(world):
    buffer = io.BytesIO()
    Image.new("L", (6000, 6000)).save(buffer, format="PNG")  # 36 million pixels, a few KB

    with pytest.raises(ValidationError) as refused:
        document_services.document_file_check(upload(buffer.getvalue(), "bild.png"))

    assert refused.value.messages == ["Das Bild hat zu viele Pixel."]
    assert Document.objects.count() == 0

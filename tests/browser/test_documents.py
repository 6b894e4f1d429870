"""A document on a tandem: uploaded and downloaded by a coordinator of the program, 404 for a
coordinator of another program and for a guessed address."""

import io
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from pypdf import PdfWriter

from tandems.models import Document
from tests.factories import ProgramCoordinatorFactory, running_tandem

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def agreement_pdf(tmp_path: Path) -> Path:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": "Tandemvereinbarung"})
    buffer = io.BytesIO()
    writer.write(buffer)
    path = tmp_path / "Vereinbarung Jana.pdf"
    path.write_bytes(buffer.getvalue())
    return path


def test_a_coordinator_uploads_and_downloads_a_document_others_get_404(page, live_server, tmp_path):
    membership = ProgramCoordinatorFactory(program__name="Lesepat:innen Test")
    other = ProgramCoordinatorFactory(program__name="Anderes Programm").user
    tandem = running_tandem(membership.program, mentee_name="Jana")
    pdf = agreement_pdf(tmp_path)
    base = live_server.url
    page.login(base, membership.user)

    page.goto(f"{base}/koordination/tandems/{tandem.pk}/")
    assert "Noch keine Dokumente." in page.locator("#dokumente").inner_text()
    page.click("#dokumente button[type=submit]")  # nothing chosen: refused by the browser
    assert Document.objects.count() == 0
    page.fill("#id_document-title", "Tandemvereinbarung, unterschrieben")
    page.select_option("#id_document-kind", "vereinbarung")
    page.set_input_files("#id_document-file", str(pdf))
    page.click("#dokumente button[type=submit]")
    page.wait_for_url(f"{base}/koordination/tandems/{tandem.pk}/#dokumente")
    assert "Das Dokument wurde gespeichert." in page.locator("body").inner_text()
    assert page.axe_violations() == []

    document = Document.objects.get()
    assert (Path(settings.PRIVATE_MEDIA_ROOT) / document.file.name).is_file()
    with page.expect_download() as info:
        page.click("#dokumente a:has-text('Tandemvereinbarung, unterschrieben')")
    download = info.value
    assert download.suggested_filename == "tandemvereinbarung-unterschrieben.pdf"
    assert Path(download.path()).read_bytes() == pdf.read_bytes()
    assert "Jana" not in document.file.name

    page.context.clear_cookies()
    page.login(base, other)
    url = f"{base}/koordination/dokumente/{document.token}/"
    assert page.goto(url).status == 404
    assert page.goto(f"{base}/koordination/dokumente/{document.token}/loeschen/").status == 404
    assert page.goto(f"{base}/koordination/tandems/{tandem.pk}/").status == 404

    page.context.clear_cookies()
    page.login(base, membership.user)
    assert page.goto(f"{base}/koordination/dokumente/{uuid.uuid4()}/").status == 404
    assert page.goto(f"{base}/koordination/dokumente/{document.pk}/").status == 404
    assert page.goto(f"{base}/media/{document.file.name}").status == 404

    page.goto(f"{base}/koordination/dokumente/{document.token}/loeschen/")
    assert page.axe_violations() == []
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/koordination/tandems/{tandem.pk}/#dokumente")
    assert "Das Dokument wurde gelöscht." in page.locator("body").inner_text()
    assert Document.objects.count() == 0
    assert not (Path(settings.PRIVATE_MEDIA_ROOT) / document.file.name).exists()
    assert page.outside_requests() == []
    assert page.csp_violations() == []

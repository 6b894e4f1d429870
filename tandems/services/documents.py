"""Documents on records: checked on upload, removed from disk with their rows.

An upload is trusted for nothing, neither its name nor its declared type. A PDF must begin as
one and be read by pypdf page by page (encrypted or broken files are refused: nobody could open
them later, and an encrypted file cannot be checked); JPEG and PNG are decoded by Pillow and
written anew (core.images), which drops EXIF (a phone's GPS position) and refuses decompression
bombs. Everything else is refused with a message, never stored.

Files are deleted by `documents_delete` once the transaction that deleted their rows commits, so
a rolled-back erasure leaves the files where they were. The erasure and retention paths
(privacy.services) call it explicitly; a post_delete receiver (tandems.apps) catches rows that
go in a cascade nobody planned for (a program deleted in the admin).
"""

from __future__ import annotations

import io
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from core import images
from core.storage import private_storage
from programs.models import Program
from tandems.models import Document, Mentee, Tandem

logger = logging.getLogger(__name__)

# A scanned A4 page at 300 dpi is 2480 × 3508 pixels: kept as it is.
IMAGE_MAX_SIZE = (3600, 3600)
PDF_MAX_PAGES = 500


def _megabytes() -> int:
    return settings.DOCUMENT_MAX_BYTES // (1024 * 1024)


def _pdf_check(data: bytes) -> None:
    broken = ValidationError(_("The PDF file is damaged or cannot be read."))
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ValidationError(
                _("The PDF file is protected by a password. Please upload it without protection.")
            )
        pages = len(reader.pages)
        if pages == 0:
            raise broken
        if pages > PDF_MAX_PAGES:
            raise ValidationError(
                _("The PDF file has more than %(pages)d pages.") % {"pages": PDF_MAX_PAGES}
            )
        for page in reader.pages:
            page.mediabox  # noqa: B018 - each page's box must be readable
    except ValidationError:
        raise
    except (PyPdfError, ValueError, TypeError, KeyError, AttributeError, IndexError,
            RecursionError, OSError, AssertionError) as error:  # fmt: skip
        raise broken from error


def document_file_check(upload) -> tuple[ContentFile, str]:
    """The checked file and its content type: the PDF as uploaded, an image written anew.

    Raises ValidationError (in the user's language) for anything else, for files larger than
    DOCUMENT_MAX_BYTES and for encrypted or broken PDFs."""
    max_bytes = settings.DOCUMENT_MAX_BYTES
    too_large = ValidationError(_("The file may be at most %(size)d MB.") % {"size": _megabytes()})
    if upload is None:
        raise ValidationError(_("Please choose a file."))
    if upload.size is not None and upload.size > max_bytes:
        raise too_large
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise too_large
    if not data:
        raise ValidationError(_("The file is empty."))
    if data.startswith(b"%PDF-"):
        _pdf_check(data)
        return ContentFile(data, name="dokument.pdf"), "application/pdf"
    refused = ValidationError(_("Please upload a PDF, JPEG or PNG file."))
    if not data.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")):
        raise refused
    try:
        image = images.image_reencode(
            ContentFile(data, name="dokument"),
            max_bytes=max_bytes,
            max_size=IMAGE_MAX_SIZE,
            stem="dokument",
        )
    except images.TooLarge as error:
        raise too_large from error
    except ValidationError as error:
        if error.messages == [_("The image has too many pixels.")]:
            raise
        raise refused from error
    extension = image.name.rsplit(".", 1)[-1]
    if extension == "png":
        return image, "image/png"
    if extension == "jpg":
        return image, "image/jpeg"
    raise refused


@transaction.atomic
def document_add(
    *,
    program: Program,
    upload,
    title: str,
    kind: str,
    by,
    volunteer=None,
    mentee: Mentee | None = None,
    tandem: Tandem | None = None,
) -> Document:
    """Check the upload and keep it on one record of the program (a volunteer, a mentee or a
    tandem). The audit trail's "created" entry is written by auditlog (audit/registry.py)."""
    if mentee is not None and mentee.anonymised_at is not None:
        raise ValidationError(_("This mentee's data has been erased."))
    for record in (mentee, tandem):
        if record is not None and record.program_id != program.pk:
            raise ValidationError(_("The record belongs to another program."))
    content, content_type = document_file_check(upload)
    document = Document(
        program=program,
        volunteer=volunteer,
        mentee=mentee,
        tandem=tandem,
        title=title,
        kind=kind,
        content_type=content_type,
        size=content.size,
        uploaded_by=by,
    )
    document.file = content
    document.full_clean(exclude=["file"])
    document.file.save(content.name, content, save=False)
    try:
        document.save()
    except Exception:
        document.file.storage.delete(document.file.name)
        raise
    return document


def _remove_files(names: list[str]) -> None:
    storage = private_storage()
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            # Not fatal for the erasure that already committed; the log says which file is left.
            logger.exception("document file %s could not be deleted", name)


def document_files_remove(names: list[str]) -> None:
    """Delete the files once the current transaction commits (at once outside of one)."""
    names = [name for name in names if name]
    if names:
        transaction.on_commit(lambda: _remove_files(names))


def documents_delete(documents: QuerySet[Document]) -> int:
    """Delete the documents' rows and, after the commit, their files. Returns how many."""
    names = list(documents.values_list("file", flat=True))
    count, _deleted = documents.delete()
    document_files_remove(names)
    return len(names) if count else 0


def document_delete(*, document: Document) -> None:
    documents_delete(Document.objects.filter(pk=document.pk))

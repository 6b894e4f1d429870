"""Documents that coordinators keep on a person's record: a signed agreement, a consent form.

Each belongs to one program and to exactly one of: a volunteer (in that program), a mentee or a
tandem. The file lies in the private storage (core.storage, outside MEDIA_ROOT) under a random
name that says nothing about the person; the `token` in its URL is random too, so a number
cannot be guessed. Files are removed from disk by tandems.services.documents, never by a
model's delete() alone.
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.storage import private_storage
from core.text import SingleLineCharField
from programs.models import Program

from .people import Mentee
from .tandem import Tandem


def document_path(instance, filename: str) -> str:
    """documents/ab/<32 random hex>.<ext>: no name, no number, no date of the person."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    name = secrets.token_hex(16)
    return f"documents/{name[:2]}/{name}.{extension}"


class Document(models.Model):
    class Kind(models.TextChoices):
        AGREEMENT = "vereinbarung", _("signed agreement")
        CONSENT = "einwilligung", _("consent form")
        OTHER = "sonstiges", _("other document")

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="+", verbose_name=_("program")
    )
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("volunteer"),
    )
    mentee = models.ForeignKey(
        Mentee,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("mentee"),
    )
    tandem = models.ForeignKey(
        Tandem,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("tandem"),
    )
    title = SingleLineCharField(_("title"), max_length=150)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.OTHER)
    file = models.FileField(
        _("file"), upload_to=document_path, storage=private_storage, max_length=200
    )
    content_type = models.CharField(_("file type"), max_length=40, editable=False)
    size = models.PositiveIntegerField(_("size in bytes"), default=0, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-uploaded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="document_belongs_to_one_record",
                condition=(
                    Q(volunteer__isnull=False, mentee__isnull=True, tandem__isnull=True)
                    | Q(volunteer__isnull=True, mentee__isnull=False, tandem__isnull=True)
                    | Q(volunteer__isnull=True, mentee__isnull=True, tandem__isnull=False)
                ),
            )
        ]

    def __str__(self):
        # Without the title: the audit trail keeps this text, and a title may name a person.
        return f"Document #{self.pk}"

    @property
    def extension(self) -> str:
        return self.file.name.rsplit(".", 1)[-1]

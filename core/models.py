"""Fields many models share: who made a row, and when it was made and last changed."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def created_by_field(**options) -> models.ForeignKey:
    """The account that made the row; kept as empty when that account is deleted."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        **options,
    )


def created_at_field(verbose_name=None) -> models.DateTimeField:
    return models.DateTimeField(verbose_name or _("created at"), auto_now_add=True)


def updated_at_field() -> models.DateTimeField:
    return models.DateTimeField(_("updated at"), auto_now=True)

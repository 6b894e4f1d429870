"""Match support and concerns: the coordinators' contacts with a tandem, and worries about safety.

A support contact is the coordinator's regular call or visit (MENTOR's Elements of Effective
Practice, standard 5: mentor, mentee and family at least monthly in the first year, documented).
A concern is a confidential record of its own: seen only by the program's coordinators, never in
the self-service export, deleted under its own retention period (docs/privacy.md).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import created_at_field, created_by_field
from core.text import MultiLineTextField
from programs.models import Program

from .tandem import Tandem

SUPPORT_SUMMARY_MAX = 1000
CONCERN_TEXT_MAX = 4000


class SupportContact(models.Model):
    """One contact of a coordinator with a tandem's mentor, mentee or guardian."""

    class With(models.TextChoices):
        MENTOR = "mentor", pgettext_lazy("support contact with", "the mentor")
        MENTEE = "mentee", pgettext_lazy("support contact with", "the mentee")
        GUARDIAN = "guardian", pgettext_lazy("support contact with", "the guardian")
        SEVERAL = "several", pgettext_lazy("support contact with", "several of them")

    class Channel(models.TextChoices):
        PHONE = "phone", _("by phone")
        IN_PERSON = "in_person", _("in person")
        VIDEO = "video", _("by video call")
        EMAIL = "email", _("by e-mail")
        MESSAGE = "message", _("by text message")

    tandem = models.ForeignKey(
        Tandem, on_delete=models.CASCADE, related_name="support_contacts", verbose_name=_("tandem")
    )
    contacted_on = models.DateField(_("date of the contact"))
    with_whom = models.CharField(_("with whom"), max_length=10, choices=With)
    channel = models.CharField(_("how"), max_length=10, choices=Channel)
    summary = MultiLineTextField(_("short summary"), max_length=SUPPORT_SUMMARY_MAX)
    follow_up = models.BooleanField(_("follow-up needed"), default=False)
    author = created_by_field(verbose_name=_("logged by"))
    created_at = created_at_field()

    class Meta:
        verbose_name = _("support contact")
        verbose_name_plural = _("support contacts")
        ordering = ["-contacted_on", "-pk"]
        indexes = [
            models.Index(fields=["tandem", "contacted_on"]),
            models.Index(fields=["contacted_on"]),
        ]

    def __str__(self):
        return f"{self.tandem_id} {self.contacted_on}"


class ConcernQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=Concern.Status.OPEN)


class Concern(models.Model):
    """A worry about a child's or another person's safety, raised by a mentor or a coordinator.

    Its text and outcome are seen only by the coordinators of its program; its str() and every
    mail about it carry no text.
    """

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("concern", "open")
        CLOSED = "closed", pgettext_lazy("concern", "closed")

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="concerns", verbose_name=_("program")
    )
    tandem = models.ForeignKey(
        Tandem,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="concerns",
        verbose_name=_("tandem"),
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("raised by"),
    )
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now)
    text = MultiLineTextField(_("what worries you"), max_length=CONCERN_TEXT_MAX)
    status = models.CharField(_("status"), max_length=6, choices=Status, default=Status.OPEN)
    outcome = MultiLineTextField(_("what was done"), max_length=CONCERN_TEXT_MAX, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = ConcernQuerySet.as_manager()

    class Meta:
        verbose_name = _("concern")
        verbose_name_plural = _("concerns")
        ordering = ["-raised_at", "-pk"]
        indexes = [
            models.Index(fields=["program", "status"]),
            models.Index(fields=["status", "closed_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open") | (Q(closed_at__isnull=False) & ~Q(outcome="")),
                name="closed_concern_has_outcome",
            ),
        ]

    def __str__(self):
        # Never the text: this is what the audit trail and the admin show.
        return f"#{self.pk}"

    def get_absolute_url(self):
        return reverse("tandems:coordination_concern", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

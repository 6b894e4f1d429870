"""What the privacy services leave behind: a record of each erasure and of each retention run.

Neither names a person. An erasure record tells the program's coordinators that someone's data
went and which of their tandems became anonymous; a retention run counts what it deleted.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programs.models import Program


class Erasure(models.Model):
    class Person(models.TextChoices):
        VOLUNTEER = "volunteer", _("volunteer")
        MENTEE = "mentee", _("mentee")

    class Cause(models.TextChoices):
        OWN_REQUEST = "request", _("at the person's request")
        COORDINATOR = "coordinator", _("by a coordinator")
        RETENTION = "retention", _("after the retention period")

    person = models.CharField(_("whose data"), max_length=10, choices=Person)
    cause = models.CharField(_("cause"), max_length=12, choices=Cause)
    program = models.ForeignKey(
        Program,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("program"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    applications_withdrawn = models.PositiveIntegerField(_("applications withdrawn"), default=0)
    tandems_ended = models.PositiveIntegerField(_("tandems ended"), default=0)
    # The program's tandems that stay as anonymous records, so coordinators know which they were.
    tandem_ids = models.JSONField(_("anonymous tandems"), default=list, blank=True)

    class Meta:
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.get_person_display()} ({self.get_cause_display()}, {self.at:%Y-%m-%d})"


class RetentionRun(models.Model):
    at = models.DateTimeField(_("at"), default=timezone.now)
    counts = models.JSONField(_("deleted or anonymised"), default=dict)

    class Meta:
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M}"

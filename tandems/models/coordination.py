"""The coordinators' own records: messages to the program's volunteers, and to-dos."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import created_by_field
from core.text import MultiLineTextField, SingleLineCharField
from programs.models import Program

from .people import Application, Mentee
from .tandem import Tandem

SUBJECT_MAX = 150
BODY_MAX = 5000


class ProgramMessage(models.Model):
    """A message a coordinator wrote to a group of the program's volunteers; the copy that is
    kept, with its recipients. Each recipient's mail is an outbox row about this message."""

    class Audience(models.TextChoices):
        MENTORS = "mentors", _("all active mentors")
        STAGE = "stage", _("applicants in one stage")
        CHECKIN_DUE = "checkin_due", _("mentors whose check-in is due")
        TANDEM = "tandem", _("the mentor of one tandem")

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="+", verbose_name=_("program")
    )
    sender = created_by_field(verbose_name=_("sender"))
    subject = SingleLineCharField(_("subject"), max_length=SUBJECT_MAX)
    body = MultiLineTextField(_("text"), max_length=BODY_MAX)
    audience = models.CharField(_("recipients"), max_length=12, choices=Audience)
    # How the group was chosen, readable ("applicants in the stage “Schulung”"), as it was then.
    audience_description = SingleLineCharField(_("group"), max_length=200)
    essential = models.BooleanField(
        _("about the tandem itself"),
        default=False,
        help_text=_("Essential messages reach the mentor even if they switched messages off."),
    )
    # The form's one-time key: a second POST of the same form finds this message and sends
    # nothing again.
    submission_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("message to volunteers")
        verbose_name_plural = _("messages to volunteers")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["program", "created_at"])]

    def __str__(self):
        return self.subject

    def get_absolute_url(self):
        return reverse(
            "tandems:coordination_message_detail",
            kwargs={"slug": self.program.slug, "pk": self.pk},
        )

    @property
    def audience_label(self) -> str:
        """The group in the reader's language; a stage or a tandem as it was named then."""
        if self.audience in (self.Audience.MENTORS, self.Audience.CHECKIN_DUE):
            return self.get_audience_display()
        return self.audience_description


class ProgramMessageRecipient(models.Model):
    """Who a message went to; kept with the message (the outbox's rows are deleted after a
    while). Deleted with the person's account."""

    message = models.ForeignKey(ProgramMessage, on_delete=models.CASCADE, related_name="recipients")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="program_messages_received",
        verbose_name=_("recipient"),
    )

    class Meta:
        verbose_name = _("recipient of a message")
        verbose_name_plural = _("recipients of messages")
        constraints = [
            models.UniqueConstraint(fields=["message", "user"], name="one_recipient_per_message")
        ]

    def __str__(self):
        return f"{self.message} → {self.user}"


class TodoQuerySet(models.QuerySet):
    def open(self):
        return self.filter(done_at__isnull=True)


class Todo(models.Model):
    """A coordinator's to-do in one program, optionally about an application, a mentee or a
    tandem of that same program."""

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="+", verbose_name=_("program")
    )
    title = SingleLineCharField(_("task"), max_length=200)
    due_on = models.DateField(_("due on"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="todos_assigned",
        verbose_name=_("assigned to"),
    )
    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("application"),
    )
    mentee = models.ForeignKey(
        Mentee,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("mentee"),
    )
    tandem = models.ForeignKey(
        Tandem,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tandem"),
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    created_by = created_by_field()
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = TodoQuerySet.as_manager()

    class Meta:
        verbose_name = _("to-do")
        verbose_name_plural = _("to-dos")
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(
                fields=["program", "due_on"], condition=Q(done_at__isnull=True), name="open_todo"
            )
        ]
        constraints = [
            # At most one link: a to-do is about one record or none.
            models.CheckConstraint(
                condition=(
                    Q(application__isnull=True, mentee__isnull=True)
                    | Q(application__isnull=True, tandem__isnull=True)
                    | Q(mentee__isnull=True, tandem__isnull=True)
                ),
                name="todo_at_most_one_link",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def linked(self):
        return self.application or self.mentee or self.tandem

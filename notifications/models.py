"""The outbox: every e-mail the portal sends on its own is a row here before it is sent.

The queue carries only a row's id. A UNIQUE key on (kind, object, recipient, occurrence) means a
reminder can be created only once however often and however many scans run; the row's state
says whether it went out. See notifications/sending.py for how a row is sent exactly once.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    class Kind(models.TextChoices):
        MEETING_REMINDER = "meeting_reminder", _("meeting reminder")
        CHECKIN_DUE = "checkin_due", _("check-in due")
        EVENT_REMINDER = "event_reminder", _("event reminder")
        COORDINATOR_DIGEST = "coordinator_digest", _("weekly overview for coordinators")
        LISTING_REVIEW = "listing_review", _("please review the listing")
        APPLICATION_STATUS = "application_status", _("application status")
        REGISTRATION_CONFIRMATION = "registration", _("registration confirmation")
        REGISTRATION_PLACE_FREE = "place_free", _("place free from the waiting list")
        REGISTRATION_CONFIRM_REQUEST = "registration_optin", _("please confirm a registration")
        REGISTRATION_EXISTS = "registration_exists", _("registered already")
        PERSON_ERASED = "person_erased", _("a volunteer deleted their account")
        COORDINATOR_CHANGED = "coordinator_changed", _("a coordinator role granted or revoked")
        APPLICATION_NEW = "application_new", _("a new application (coordinators)")
        TANDEM_PROPOSED = "tandem_proposed", _("proposed for a tandem")
        TANDEM_STARTED = "tandem_started", _("the tandem has started")
        TANDEM_ENDED = "tandem_ended", _("the tandem has ended")
        PROGRAM_MESSAGE = "program_message", _("a message from a program's coordinators")
        CONCERN_RAISED = "concern_raised", _("a concern about someone's safety was raised")
        ACCOUNT_CLAIM = "account_claim", _("an invitation to claim an imported account")
        MODERATION_DECISION = "moderation_decision", _("the network's decision on a submission")
        COORDINATOR_INVITATION = "coordinator_invite", _("an invitation to coordinate a program")

    class State(models.TextChoices):
        PENDING = "pending", _("waiting")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        SKIPPED = "skipped", _("not needed any more")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    # What the notification is about: a meeting, a tandem, an event, a program, ...
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    about = GenericForeignKey("content_type", "object_id")
    # Who gets it, as "user:5", "mentee:7", "registration:9" or "coordinatorinvitation:3"; the
    # matching link below is set too, so that deleting the person deletes their notifications.
    recipient = models.CharField(_("recipient"), max_length=40)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    mentee = models.ForeignKey(
        "tandems.Mentee", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    registration = models.ForeignKey(
        "events.Registration", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # An address invited to coordinate a program, before it has an account (programs.invitations).
    invitation = models.ForeignKey(
        "programs.CoordinatorInvitation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    # Which time of a repeated thing: a meeting's start, an ISO week, a year of the listing.
    occurrence = models.CharField(_("occurrence"), max_length=40, blank=True)

    due_at = models.DateTimeField(_("due at"))
    state = models.CharField(_("state"), max_length=8, choices=State, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    # When a scan last put the id on the queue; an unsent row is queued again after a while, so a
    # message lost with a worker or with Redis loses nothing.
    enqueued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-due_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "content_type", "object_id", "recipient", "occurrence"],
                name="one_notification_per_occurrence",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False)
                | Q(mentee__isnull=False)
                | Q(registration__isnull=False)
                | Q(invitation__isnull=False),
                name="notification_has_recipient",
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state="pending"),
                name="pending_notification",
            ),
            models.Index(fields=["state", "kind"], name="notification_state"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.recipient} ({self.get_state_display()})"

    def save(self, *args, **kwargs):
        if self.next_attempt_at is None:
            self.next_attempt_at = self.due_at
        super().save(*args, **kwargs)


class NotificationSettings(models.Model):
    """What a person with an account wants to be told, and how early. No row: the defaults."""

    class Lead(models.IntegerChoices):
        HOURS_2 = 2, _("2 hours before")
        HOURS_24 = 24, _("1 day before")
        HOURS_48 = 48, _("2 days before")
        OFF = 0, _("no reminder")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notification_settings",
    )
    meeting_lead_hours = models.PositiveSmallIntegerField(
        _("meeting reminders"), choices=Lead, default=Lead.HOURS_24
    )
    checkin_reminders = models.BooleanField(_("reminders of due check-ins"), default=True)
    coordinator_digest = models.BooleanField(
        _("weekly overview of what needs action (coordinators)"), default=True
    )
    listing_reminders = models.BooleanField(
        _("yearly reminder to review the program's listing (coordinators)"), default=True
    )

    class ApplicationMail(models.TextChoices):
        AT_ONCE = "at_once", _("at once, one e-mail per application")
        DIGEST = "digest", _("in the weekly overview instead")

    application_mail = models.CharField(
        _("new applications (coordinators)"),
        max_length=8,
        choices=ApplicationMail,
        default=ApplicationMail.AT_ONCE,
    )
    program_messages = models.BooleanField(
        _("messages from the coordinators of my programs"), default=True
    )

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self):
        return str(self.user)


class ScanHeartbeat(models.Model):
    """One row: when the scheduler's last notifications.scan completed (the readiness check
    reports a stale one, see pages/health.py), and which broker server the scans last saw.

    The broker's run id changes when Redis restarts: its queue may be gone with the old server,
    so a scan queues again every row that was queued before the new server was first seen,
    without waiting for NOTIFICATION_REQUEUE_SECONDS (services.broker_lost_before).
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    completed_at = models.DateTimeField(_("last scan completed"), null=True, blank=True)
    broker_run_id = models.CharField(_("broker run id"), max_length=40, blank=True)
    broker_seen_since = models.DateTimeField(_("broker first seen"), null=True, blank=True)

    class Meta:
        verbose_name = _("scan heartbeat")
        verbose_name_plural = _("scan heartbeats")
        constraints = [models.CheckConstraint(condition=Q(id=1), name="one_scan_heartbeat")]

    def __str__(self):
        return f"scan completed {self.completed_at}"

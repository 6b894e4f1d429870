"""The mail of programs (notifications.registry): the yearly reminder to review a listing, the
news of a coordinator role granted or revoked, and the invitation to coordinate a program."""

from __future__ import annotations

from datetime import date, time, timedelta

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications import registry
from notifications.models import Notification
from notifications.registry import (
    Kind,
    Mail,
    Skip,
    at_local,
    content_type,
    in_berlin,
    outbox_row,
    register,
    site_url,
)

from .models import ModerationNotice, Program, ProgramCoordinator

LISTING_REVIEW_DAYS = 365


# --- The yearly review of a listing ----------------------------------------------------------


class ListingReview(Kind):
    kind = Notification.Kind.LISTING_REVIEW
    setting = "listing_reminders"

    @staticmethod
    def reviewed_on(program) -> date:
        return program.last_reviewed_at or in_berlin(program.created_at).date()

    def scan(self, now):
        today = in_berlin(now).date()
        stale_before = today - timedelta(days=LISTING_REVIEW_DAYS)
        recent = Notification.objects.filter(
            kind=self.kind,
            content_type=content_type(Program),
            object_id=OuterRef("program_id"),
            user_id=OuterRef("user_id"),
            created_at__gt=now - timedelta(days=LISTING_REVIEW_DAYS),
        )
        memberships = (
            ProgramCoordinator.objects.filter(
                program__status=Program.Status.PUBLISHED, user__is_active=True
            )
            .filter(
                Q(program__last_reviewed_at__lte=stale_before)
                | Q(
                    program__last_reviewed_at__isnull=True,
                    program__created_at__lt=at_local(stale_before, time(0)),
                )
            )
            .exclude(user__notification_settings__listing_reminders=False)
            .filter(~Exists(recent))
            .select_related("program")
            .only("user_id", "program__last_reviewed_at", "program__created_at")[: registry.BATCH]
        )
        rows = []
        for membership in memberships:
            reviewed = self.reviewed_on(membership.program)
            years = (today - reviewed).days // LISTING_REVIEW_DAYS
            rows.append(
                outbox_row(
                    self.kind,
                    Program,
                    membership.program_id,
                    due_at=now,
                    occurrence=f"{reviewed.isoformat()}/{years}",
                    user=membership.user_id,
                )
            )
        return rows

    def build(self, notification, recipient, about=None):
        program = Program.objects.filter(pk=notification.object_id).first()
        if program is None or program.status != Program.Status.PUBLISHED:
            raise Skip(_("The program is no longer published."))
        reviewed = self.reviewed_on(program)
        if (timezone.localdate() - reviewed).days < LISTING_REVIEW_DAYS:
            raise Skip(_("The listing was reviewed meanwhile."))
        if not program.memberships.filter(user=recipient.user).exists():
            raise Skip(_("The person no longer coordinates the program."))
        return Mail(
            "notifications/email/listing_review",
            {
                "program": program,
                "reviewed_on": reviewed,
                "program_url": site_url(program.get_absolute_url()),
                "edit_url": site_url(reverse("programs:edit", kwargs={"slug": program.slug})),
            },
        )


class CoordinatorChanged(Kind):
    """To a program's other coordinators when the coordinator role was granted or revoked: who,
    by whom, and where the audit trail shows it. About the trail's entry itself."""

    kind = Notification.Kind.COORDINATOR_CHANGED

    def build(self, notification, recipient, about=None):
        from auditlog.models import LogEntry
        from django.contrib.auth import get_user_model

        entry = LogEntry.objects.select_related("actor").filter(pk=notification.object_id).first()
        data = entry.additional_data if entry is not None else None
        if not isinstance(data, dict) or not isinstance(entry.changes, dict):
            raise Skip(_("The entry of the audit trail no longer exists."))
        program = Program.objects.filter(pk=data.get("program")).first()
        values = entry.changes.get("user") or [None, None]
        granted = entry.action == LogEntry.Action.CREATE
        user_id = values[1] if granted else values[0]
        person = get_user_model().objects.filter(pk=user_id).first() if user_id else None
        if program is None or person is None:
            raise Skip(_("The program or the account no longer exists."))
        return Mail(
            "notifications/email/coordinator_changed",
            {
                "program": program,
                "person": person,
                "granted": granted,
                "by": entry.actor,
                "at": entry.timestamp,
                "trail_url": site_url(
                    reverse("programs:program_trail", kwargs={"slug": program.slug})
                ),
            },
        )


class CoordinatorInvitationMail(Kind):
    """The invitation to coordinate a program, to the invited address (programs/invitations.py).
    The link is made when the mail is built: it holds no secret the database keeps."""

    kind = Notification.Kind.COORDINATOR_INVITATION

    def build(self, notification, recipient, about=None):
        from .invitations import invitation_token
        from .models import CoordinatorInvitation

        invitation = (
            CoordinatorInvitation.objects.select_related(
                "program", "program__organization", "invited_by"
            )
            .filter(pk=notification.object_id)
            .first()
        )
        if invitation is None or invitation.status != CoordinatorInvitation.Status.PENDING:
            raise Skip(_("The invitation is no longer open."))
        if invitation.is_expired:
            raise Skip(_("The invitation has expired."))
        by = invitation.invited_by
        return Mail(
            "notifications/email/coordinator_invitation",
            {
                "program": invitation.program,
                "by_name": (by.name or by.email) if by else _("The network office"),
                "expires_at": invitation.expires_at,
                "accept_url": site_url(
                    reverse(
                        "programs:invitation_accept",
                        kwargs={"token": invitation_token(invitation)},
                    )
                ),
            },
        )


class ModerationDecision(Kind):
    """To whoever submitted a program, changes to a listing, an event or a news item: the
    network's decision (published, or sent back with the reason) and where to act. About the
    ModerationNotice, which keeps the decision as it was made. Not switchable: it is the answer
    to the person's own request."""

    kind = Notification.Kind.MODERATION_DECISION

    def build(self, notification, recipient, about=None):
        notice = ModerationNotice.objects.filter(pk=notification.object_id).first()
        if notice is None:
            raise Skip(_("The decision no longer exists."))
        return Mail(
            "notifications/email/moderation_decision",
            {
                "notice": notice,
                "sent_back": notice.decision == ModerationNotice.Decision.SENT_BACK,
                "subject_label": notice.get_subject_display(),
                "link": site_url(notice.link),
                "coordination_url": site_url(reverse("tandems:coordination")),
            },
        )


register(ListingReview(), CoordinatorChanged(), CoordinatorInvitationMail(), ModerationDecision())

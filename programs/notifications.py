"""The mail of programs: the yearly reminder to review a listing (notifications.registry)."""

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

from .models import Program, ProgramCoordinator

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


register(ListingReview())

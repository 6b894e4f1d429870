"""The mails of tandems: meeting reminders, check-ins due, the coordinators' weekly digest,
and the answer to an application (registered with notifications.registry)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import CharField, Exists, OuterRef, Q
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from notifications import registry
from notifications.models import Notification, NotificationSettings
from notifications.recipients import Recipient
from notifications.registry import (
    Kind,
    Mail,
    Skip,
    absent_from_outbox,
    at_local,
    content_type,
    in_berlin,
    outbox_row,
    register,
    settings_for,
    site_url,
)
from programs.models import Program, ProgramCoordinator

from .models import (
    Application,
    CheckIn,
    Concern,
    ConsentRecord,
    Meeting,
    Mentee,
    ProgramMessage,
    ProgramMessageRecipient,
    Tandem,
)

MEETING_LEADS = (2, 24, 48)
DEFAULT_MEETING_LEAD = NotificationSettings._meta.get_field("meeting_lead_hours").default
CHECKIN_HOUR = time(9, 0)
CHECKIN_MAX_AGE_DAYS = 30
DIGEST_WEEKDAY_TIME = (0, time(7, 0))  # Monday, 07:00


def meeting_reminder_at(starts_at: datetime, lead_hours: int) -> datetime:
    """Whole days before go by the wall clock (18:00 → 18:00 the day before); hours by the clock."""
    if lead_hours % 24 == 0:
        local = in_berlin(starts_at)
        day = local.date() - timedelta(days=lead_hours // 24)
        return at_local(day, local.time().replace(tzinfo=None))
    return starts_at - timedelta(hours=lead_hours)


# --- Meeting reminders ------------------------------------------------------------------------


def mentee_consents(mentee) -> bool:
    """The mentee (or guardian) gave their address for reminders and has not withdrawn it."""
    return bool(mentee.reminder_email) and (
        ConsentRecord.objects.filter(
            mentee=mentee, scope=ConsentRecord.Scope.REMINDERS, withdrawn_at__isnull=True
        ).exists()
    )


class MeetingReminder(Kind):
    kind = Notification.Kind.MEETING_REMINDER
    setting = "meeting_lead_hours"
    MENTEE_LEAD = 24

    def unsubscribe(self, recipient_type, pk):
        """A mentee's (or guardian's) consent to reminders is withdrawn, with the time."""
        if recipient_type != "mentee" or not Mentee.objects.filter(pk=pk).exists():
            return False
        ConsentRecord.objects.filter(
            mentee_id=pk, scope=ConsentRecord.Scope.REMINDERS, withdrawn_at__isnull=True
        ).update(withdrawn_at=timezone.now())
        return True

    def _meetings(self, now: datetime, longest_lead: int):
        # One hour more than the lead: the wall-clock rule can put a reminder an hour earlier.
        return Meeting.objects.filter(
            status=Meeting.Status.PLANNED,
            tandem__status=Tandem.Status.ACTIVE,
            starts_at__gt=now,
            starts_at__lte=now + timedelta(hours=longest_lead + 1),
        )

    def scan(self, now: datetime) -> list[Notification]:
        sequence = Cast(OuterRef("sequence"), output_field=CharField())
        not_in_outbox = absent_from_outbox(
            self.kind,
            Meeting,
            recipient_field="user_id",
            recipient_ref=OuterRef("tandem__mentor_id"),
            occurrence=sequence,
        )
        # One query per lead time, each over its own window, soonest first: the window reaches
        # an hour past the lead (the wall-clock rule), and meetings of that hour, not due yet,
        # must not fill the batch before the due ones. The mentor's setting is asked with an
        # EXISTS on its primary key, from the tandem's mentor_id: no join through the accounts.
        chosen = NotificationSettings.objects.filter(user_id=OuterRef("tandem__mentor_id"))
        found = []
        for hours in MEETING_LEADS:
            if hours == DEFAULT_MEETING_LEAD:
                # No settings row means the default lead.
                mentor_wants = ~Exists(chosen.exclude(meeting_lead_hours=hours))
            else:
                mentor_wants = Exists(chosen.filter(meeting_lead_hours=hours))
            for pk, starts_at, seq, mentor_id in (
                self._meetings(now, hours)
                .filter(mentor_wants, not_in_outbox)
                .order_by("starts_at", "pk")
                .values_list("pk", "starts_at", "sequence", "tandem__mentor_id")[: registry.BATCH]
            ):
                due_at = meeting_reminder_at(starts_at, hours)
                if due_at <= now:
                    found.append((due_at, pk, seq, "user", mentor_id))
        consented = ConsentRecord.objects.filter(
            mentee=OuterRef("tandem__mentee_id"),
            scope=ConsentRecord.Scope.REMINDERS,
            withdrawn_at__isnull=True,
        )
        mentees = (
            self._meetings(now, self.MENTEE_LEAD)
            .exclude(tandem__mentee__reminder_email="")
            .filter(Exists(consented))
            .filter(
                absent_from_outbox(
                    self.kind,
                    Meeting,
                    recipient_field="mentee_id",
                    recipient_ref=OuterRef("tandem__mentee_id"),
                    occurrence=sequence,
                )
            )
            .order_by("starts_at", "pk")
            .values_list("pk", "starts_at", "sequence", "tandem__mentee_id")[: registry.BATCH]
        )
        for pk, starts_at, seq, mentee_id in mentees:
            due_at = meeting_reminder_at(starts_at, self.MENTEE_LEAD)
            if due_at <= now:
                found.append((due_at, pk, seq, "mentee", mentee_id))
        # The soonest due of all, at most registry.BATCH a scan: the rest come with the next scans.
        return [
            outbox_row(self.kind, Meeting, pk, due_at=due_at, occurrence=str(seq), **{to: person})
            for due_at, pk, seq, to, person in sorted(found)[: registry.BATCH]
        ]

    def wanted_by(self, recipient: Recipient) -> bool:
        if recipient.mentee is not None:
            return mentee_consents(recipient.mentee)
        return settings_for(recipient.user).meeting_lead_hours != NotificationSettings.Lead.OFF

    @staticmethod
    def _with_tandem():
        return Meeting.objects.select_related("tandem__program", "tandem__mentee", "tandem__mentor")

    def load(self, object_ids):
        return self._with_tandem().in_bulk(object_ids)

    def build(self, notification, recipient, about=None):
        from tandems.ics import meeting_calendar

        meeting = about or self._with_tandem().filter(pk=notification.object_id).first()
        if meeting is None:
            raise Skip(_("The meeting was deleted."))
        if meeting.status != Meeting.Status.PLANNED:
            raise Skip(_("The meeting is no longer planned."))
        if meeting.tandem.status != Tandem.Status.ACTIVE:
            raise Skip(_("The tandem is not active."))
        if str(meeting.sequence) != notification.occurrence:
            raise Skip(_("The meeting was changed; a new reminder follows."))
        if meeting.starts_at <= timezone.now():
            raise Skip(_("The meeting has begun."))
        tandem = meeting.tandem
        for_mentee = recipient.mentee is not None
        return Mail(
            "notifications/email/meeting_reminder",
            {
                "meeting": meeting,
                "tandem": tandem,
                "program": tandem.program,
                "for_mentee": for_mentee,
                "starts_at": in_berlin(meeting.starts_at),
                "ends_at": in_berlin(meeting.ends_at),
                "url": ""
                if for_mentee
                else site_url(reverse("tandems:mentor_tandem", kwargs={"pk": tandem.pk})),
            },
            [
                (
                    "treffen.ics",
                    meeting_calendar(
                        meeting, for_mentee=for_mentee, language=recipient.language
                    ).to_ical(),
                    "text/calendar",
                )
            ],
        )


# --- Check-ins due ----------------------------------------------------------------------------


class CheckInDue(Kind):
    """One reminder per tandem and due date to the mentor, who answers both check-ins."""

    kind = Notification.Kind.CHECKIN_DUE
    setting = "checkin_reminders"

    @staticmethod
    def _open(today: date):
        return CheckIn.objects.filter(completed_at__isnull=True).filter(
            Q(tandem__status=Tandem.Status.ACTIVE)
            | Q(
                tandem__status__in=Tandem.ENDED,
                occasion=CheckIn.Occasion.CLOSURE,
                tandem__ended_on__gte=today - timedelta(days=90),
            )
        )

    def scan(self, now):
        local = in_berlin(now)
        last_day = local.date() if local.time() >= CHECKIN_HOUR else local.date() - timedelta(1)
        off = NotificationSettings.objects.filter(
            user=OuterRef("tandem__mentor_id"), checkin_reminders=False
        )
        already = Notification.objects.filter(
            kind=self.kind,
            content_type=content_type(Tandem),
            object_id=OuterRef("tandem_id"),
            user_id=OuterRef("tandem__mentor_id"),
            occurrence=Cast(OuterRef("due_on"), output_field=CharField()),
        )
        due = (
            self._open(local.date())
            .filter(
                due_on__lte=last_day,
                due_on__gte=local.date() - timedelta(days=CHECKIN_MAX_AGE_DAYS),
            )
            .filter(~Exists(off), ~Exists(already))
            .order_by()
            .values_list("tandem_id", "due_on", "tandem__mentor_id")
            .distinct()[: registry.BATCH]
        )
        return [
            outbox_row(
                self.kind,
                Tandem,
                tandem_id,
                due_at=at_local(due_on, CHECKIN_HOUR),
                occurrence=due_on.isoformat(),
                user=mentor_id,
            )
            for tandem_id, due_on, mentor_id in due
        ]

    def build(self, notification, recipient, about=None):
        due_on = date.fromisoformat(notification.occurrence)
        checkins = list(
            self._open(timezone.localdate())
            .filter(tandem_id=notification.object_id, due_on=due_on)
            .select_related("tandem__program", "tandem__mentee")
        )
        if not checkins:
            raise Skip(_("The check-ins were answered or are no longer due."))
        tandem = checkins[0].tandem
        return Mail(
            "notifications/email/checkin_due",
            {
                "tandem": tandem,
                "program": tandem.program,
                "checkins": [
                    (
                        checkin,
                        site_url(reverse("tandems:mentor_checkin", kwargs={"pk": checkin.pk})),
                    )
                    for checkin in checkins
                ],
            },
        )


# --- The coordinators' weekly overview --------------------------------------------------------


class CoordinatorDigest(Kind):
    kind = Notification.Kind.COORDINATOR_DIGEST
    setting = "coordinator_digest"

    @staticmethod
    def week_start(now: datetime) -> datetime:
        local = in_berlin(now)
        weekday, clock = DIGEST_WEEKDAY_TIME
        return at_local(local.date() - timedelta(days=local.weekday() - weekday), clock)

    def scan(self, now):
        from accounts.models import User

        start = self.week_start(now)
        # Until Wednesday: a digest that could not go on Monday follows, later in the week it
        # waits for the next Monday.
        if not start <= now < start + timedelta(days=3):
            return []
        year, week, _weekday = start.isocalendar()
        occurrence = f"{year}-W{week:02d}"
        coordinators = (
            User.objects.filter(is_active=True)
            .filter(
                Exists(
                    ProgramCoordinator.objects.filter(user=OuterRef("pk")).exclude(
                        program__status=Program.Status.ARCHIVED
                    )
                )
            )
            .exclude(notification_settings__coordinator_digest=False)
            .filter(
                absent_from_outbox(
                    self.kind,
                    User,
                    recipient_field="user_id",
                    recipient_ref=OuterRef("pk"),
                    occurrence=occurrence,
                )
            )
            .values_list("pk", flat=True)[: registry.BATCH]
        )
        return [
            outbox_row(self.kind, User, pk, due_at=start, occurrence=occurrence, user=pk)
            for pk in coordinators
        ]

    def build(self, notification, recipient, about=None):
        from programs.selectors import programs_coordinated_by
        from tandems import dashboard
        from tandems.selectors import due_todos, open_concern_counts

        programs = dashboard.with_actions(
            programs_coordinated_by(user=recipient.user).exclude(status=Program.Status.ARCHIVED)
        )
        program_ids = [program.pk for program in programs]
        todos = due_todos(program_ids=program_ids)
        new_applications = self._new_applications(notification, recipient, program_ids)
        # Only how many concerns are open: their text never goes into a mail.
        concerns = open_concern_counts(program_ids=program_ids)
        for program in programs:
            program.due_todos = todos.get(program.pk, [])
            program.new_applications = new_applications.get(program.pk, [])
            program.open_concerns = concerns.get(program.pk, 0)
        rows = [
            program
            for program in programs
            if _has_actions(program.actions)
            or program.open_concerns
            or program.due_todos
            or program.new_applications
        ]
        if not rows:
            raise Skip(_("Nothing needs action this week."))
        return Mail(
            "notifications/email/coordinator_digest",
            {
                "programs": rows,
                "week": notification.occurrence,
                "dashboard_url": site_url(reverse("tandems:coordination")),
                "todos_url": site_url(reverse("tandems:coordination_todos")),
            },
        )

    @staticmethod
    def _new_applications(notification, recipient, program_ids) -> dict[int, list]:
        """For a coordinator who chose the weekly overview over a mail per application: the
        applications of the seven days before the overview."""
        chosen = settings_for(recipient.user).application_mail
        if chosen != NotificationSettings.ApplicationMail.DIGEST:
            return {}
        found: dict[int, list] = {}
        for application in (
            Application.objects.filter(
                program_id__in=program_ids,
                created_at__gte=notification.due_at - timedelta(days=7),
                created_at__lt=notification.due_at,
            )
            .select_related("volunteer__volunteer_profile")
            .order_by("created_at", "pk")
        ):
            found.setdefault(application.program_id, []).append(application)
        return found


def _has_actions(actions) -> bool:
    return any(
        (
            actions.no_contact,
            actions.checkins_due,
            actions.support_due,
            actions.ending_soon,
            actions.applications_waiting,
            actions.reinspections_due,
        )
    )


# --- Mails on the spot: applications --------------------------------------------------------


class ApplicationStatus(Kind):
    kind = Notification.Kind.APPLICATION_STATUS

    def build(self, notification, recipient, about=None):
        application = (
            Application.objects.select_related("program", "volunteer", "stage")
            .filter(pk=notification.object_id)
            .first()
        )
        if application is None:
            raise Skip(_("The application was deleted."))
        return Mail(
            "tandems/email/application_status",
            {"application": application, "volunteer": application.volunteer},
        )


# --- Being told: a new application, a tandem's steps, a coordinator's message --------------


class ApplicationNew(Kind):
    """To each coordinator of the program, unless they chose the weekly overview instead."""

    kind = Notification.Kind.APPLICATION_NEW

    def wanted_by(self, recipient: Recipient) -> bool:
        if recipient.user is None:
            return False
        chosen = settings_for(recipient.user).application_mail
        return chosen == NotificationSettings.ApplicationMail.AT_ONCE

    def build(self, notification, recipient, about=None):
        application = (
            Application.objects.select_related("program", "volunteer__volunteer_profile", "stage")
            .filter(pk=notification.object_id)
            .first()
        )
        if application is None:
            raise Skip(_("The application was deleted."))
        if application.status != Application.Status.OPEN:
            raise Skip(_("The application is no longer open."))
        if not ProgramCoordinator.objects.filter(
            program_id=application.program_id, user_id=recipient.user.pk
        ).exists():
            raise Skip(_("The recipient no longer coordinates the program."))
        return Mail(
            "tandems/email/application_new",
            {
                "application": application,
                "program": application.program,
                "url": site_url(
                    reverse("tandems:coordination_application", kwargs={"pk": application.pk})
                ),
            },
        )


class TandemStep(Kind):
    """The mentor hears of a step of their tandem; skipped when the tandem has moved on."""

    template: str
    statuses: tuple[str, ...]
    moved_on: str

    def build(self, notification, recipient, about=None):
        # Of the mentee only the first name (or the pseudonym the program uses for them).
        tandem = (
            Tandem.objects.select_related("program", "mentee")
            .filter(pk=notification.object_id)
            .first()
        )
        if tandem is None:
            raise Skip(_("The tandem was deleted."))
        if tandem.status not in self.statuses:
            raise Skip(str(self.moved_on))
        if tandem.mentor_id != recipient.user.pk:
            raise Skip(_("The recipient is no longer the tandem's mentor."))
        return Mail(
            self.template,
            {
                "tandem": tandem,
                "program": tandem.program,
                "mentee_name": tandem.mentee.first_name,
                "url": site_url(reverse("tandems:my_area")),
            },
        )


class TandemProposed(TandemStep):
    kind = Notification.Kind.TANDEM_PROPOSED
    template = "tandems/email/tandem_proposed"
    statuses = (Tandem.Status.PROPOSED,)
    moved_on = gettext_lazy("The tandem is no longer proposed.")


class TandemStarted(TandemStep):
    kind = Notification.Kind.TANDEM_STARTED
    template = "tandems/email/tandem_started"
    statuses = (Tandem.Status.ACTIVE, Tandem.Status.PAUSED)
    moved_on = gettext_lazy("The tandem is no longer running.")


class TandemEnded(TandemStep):
    kind = Notification.Kind.TANDEM_ENDED
    template = "tandems/email/tandem_ended"
    statuses = Tandem.ENDED
    moved_on = gettext_lazy("The tandem has not ended.")


class ProgramMessageMail(Kind):
    """A coordinator's message. Non-essential ones obey the recipient's setting (checked when
    sent) and carry the unsubscribe link; essential ones (about the tandem itself) do not."""

    kind = Notification.Kind.PROGRAM_MESSAGE
    setting = "program_messages"

    def wanted_by(self, recipient: Recipient) -> bool:
        return True  # decided in build(), which knows whether the message is essential

    def may_unsubscribe(self, notification, mail) -> bool:
        return not mail.context["message"].essential

    def load(self, object_ids):
        return ProgramMessage.objects.select_related("program", "sender").in_bulk(object_ids)

    def build(self, notification, recipient, about=None):
        message = about or (
            ProgramMessage.objects.select_related("program", "sender")
            .filter(pk=notification.object_id)
            .first()
        )
        if message is None:
            raise Skip(_("The message was deleted."))
        if not message.essential and not settings_for(recipient.user).program_messages:
            raise Skip(_("The recipient switched this notification off."))
        if not ProgramMessageRecipient.objects.filter(
            message=message, user_id=recipient.user.pk
        ).exists():
            raise Skip(_("The recipient was removed from the message."))
        return Mail(
            "tandems/email/program_message",
            {"message": message, "program": message.program},
        )


# --- Mails on the spot: a concern about someone's safety --------------------------------------


class ConcernRaised(Kind):
    """To each coordinator of the program, at once: that a concern was raised, and the link.
    Never its text, nor who or which tandem it is about: mail leaves the portal's protection."""

    kind = Notification.Kind.CONCERN_RAISED

    def build(self, notification, recipient, about=None):
        concern = Concern.objects.select_related("program").filter(pk=notification.object_id)
        concern = concern.first()
        if concern is None:
            raise Skip(_("The concern was deleted."))
        if not ProgramCoordinator.objects.filter(
            program_id=concern.program_id, user_id=recipient.user.pk
        ).exists():
            raise Skip(_("The recipient no longer coordinates the program."))
        return Mail(
            "tandems/email/concern_raised",
            {
                "program": concern.program,
                "concern_url": site_url(concern.get_absolute_url()),
            },
        )


# --- Mails on the spot: an imported volunteer is invited to claim their account ---------------


class AccountClaim(Kind):
    """An imported volunteer (tandems/imports.py: an account without a password) is invited by
    the program's coordinators to set a password: allauth's password reset link, made when the
    mail is sent (so it is fresh). Skipped once the account has a password."""

    kind = Notification.Kind.ACCOUNT_CLAIM

    def may_unsubscribe(self, notification, mail) -> bool:
        return False

    def build(self, notification, recipient, about=None):
        from allauth.account.forms import default_token_generator
        from allauth.account.utils import user_pk_to_url_str

        application = (
            Application.objects.select_related("program", "volunteer__volunteer_profile")
            .filter(pk=notification.object_id)
            .first()
        )
        if application is None:
            raise Skip(_("The application was deleted."))
        user = application.volunteer
        if user.has_usable_password() or not user.is_active:
            raise Skip(_("The account has been claimed already."))
        path = reverse(
            "account_reset_password_from_key",
            kwargs={
                "uidb36": user_pk_to_url_str(user),
                "key": default_token_generator.make_token(user),
            },
        )
        return Mail(
            "tandems/email/account_claim",
            {"application": application, "volunteer": user, "url": site_url(path)},
        )


register(
    MeetingReminder(),
    CheckInDue(),
    CoordinatorDigest(),
    ApplicationStatus(),
    ApplicationNew(),
    TandemProposed(),
    TandemStarted(),
    TandemEnded(),
    ProgramMessageMail(),
    ConcernRaised(),
    AccountClaim(),
)

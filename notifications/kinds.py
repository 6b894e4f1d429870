"""The kinds of notification: when each is due (for the scan) and what its mail says (for sending).

Each kind finds its due rows with a bounded number of queries that skip what the outbox already
holds (NOT EXISTS on the unique key), so a scan over 100,000 tandems reads only what is new. At
sending time the kind looks again: a meeting cancelled, a tandem paused or a person who opted out
since the row was made ends the row as "skipped", never as a mail.

Times are stored in UTC and computed in Europe/Berlin: a reminder "1 day before" a meeting at
18:00 comes at 18:00 the day before, also across a change of the clocks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    CharField,
    Exists,
    OuterRef,
    Q,
)
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import Event, Registration
from programs.models import Program, ProgramCoordinator
from tandems.models import Application, CheckIn, ConsentRecord, Meeting, Tandem

from .models import Notification, NotificationSettings
from .recipients import Recipient

BERLIN = timezone.get_default_timezone()
# At most this many new rows per kind and scan; the rest follow a minute later. Keeps a scan
# around a second with 100,000 active tandems (bench/notifications.py), and still makes 150,000
# reminders an hour, far above what comes due.
BATCH = 2500
MEETING_LEADS = (2, 24, 48)
DEFAULT_MEETING_LEAD = NotificationSettings._meta.get_field("meeting_lead_hours").default
CHECKIN_HOUR = time(9, 0)
CHECKIN_MAX_AGE_DAYS = 30
EVENT_REMINDER_HOUR = time(10, 0)
DIGEST_WEEKDAY_TIME = (0, time(7, 0))  # Monday, 07:00
LISTING_REVIEW_DAYS = 365


class Skip(Exception):
    """The notification is not needed any more; the reason is kept on the row."""


@dataclass
class Mail:
    template: str  # without extension: "<template>_subject.txt", ".txt" and ".html" exist
    context: dict
    attachments: list[tuple[str, bytes, str]] = field(default_factory=list)


def site_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def content_type(model) -> ContentType:
    return ContentType.objects.get_for_model(model)


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment, BERLIN)


def at_local(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=BERLIN)


def meeting_reminder_at(starts_at: datetime, lead_hours: int) -> datetime:
    """Whole days before go by the wall clock (18:00 → 18:00 the day before); hours by the clock."""
    if lead_hours % 24 == 0:
        local = _local(starts_at)
        day = local.date() - timedelta(days=lead_hours // 24)
        return at_local(day, local.time().replace(tzinfo=None))
    return starts_at - timedelta(hours=lead_hours)


def _settings(user) -> NotificationSettings:
    try:
        return user.notification_settings
    except NotificationSettings.DoesNotExist:
        return NotificationSettings(user=user)


def _not_in_outbox(kind: str, model, *, recipient_field: str, recipient_ref, occurrence=None):
    """~EXISTS of an outbox row of this kind about OuterRef("pk") for the recipient."""
    rows = Notification.objects.filter(
        kind=kind,
        content_type=content_type(model),
        object_id=OuterRef("pk"),
        **{recipient_field: recipient_ref},
    )
    if occurrence is not None:
        rows = rows.filter(occurrence=occurrence)
    return ~Exists(rows)


def _row(kind, about_model, about_id, *, due_at, occurrence="", **recipient) -> Notification:
    ((name, pk),) = recipient.items()
    return Notification(
        kind=kind,
        content_type=content_type(about_model),
        object_id=about_id,
        recipient=f"{name}:{pk}",
        **{f"{name}_id": pk},
        occurrence=occurrence,
        due_at=due_at,
        next_attempt_at=due_at,
    )


class Kind:
    kind: str
    # The NotificationSettings field a person switches this kind off with (None: cannot).
    setting: str | None = None

    def scan(self, now: datetime) -> list[Notification]:
        return []

    def load(self, object_ids: list[int]) -> dict:
        """What a batch of rows is about, by id, read at once for `build()`. Empty: each `build()`
        reads its own (kinds that send a few mails at a time)."""
        return {}

    def build(self, notification: Notification, recipient: Recipient, about=None) -> Mail:
        """The mail; `about` is what `load()` found for the row, or None."""
        raise NotImplementedError

    def wanted_by(self, recipient: Recipient) -> bool:
        if self.setting is None or recipient.user is None:
            return True
        return bool(getattr(_settings(recipient.user), self.setting))


# --- Meeting reminders ------------------------------------------------------------------------


class MeetingReminder(Kind):
    kind = Notification.Kind.MEETING_REMINDER
    setting = "meeting_lead_hours"
    MENTEE_LEAD = 24

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
        not_in_outbox = _not_in_outbox(
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
                .values_list("pk", "starts_at", "sequence", "tandem__mentor_id")[:BATCH]
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
                _not_in_outbox(
                    self.kind,
                    Meeting,
                    recipient_field="mentee_id",
                    recipient_ref=OuterRef("tandem__mentee_id"),
                    occurrence=sequence,
                )
            )
            .order_by("starts_at", "pk")
            .values_list("pk", "starts_at", "sequence", "tandem__mentee_id")[:BATCH]
        )
        for pk, starts_at, seq, mentee_id in mentees:
            due_at = meeting_reminder_at(starts_at, self.MENTEE_LEAD)
            if due_at <= now:
                found.append((due_at, pk, seq, "mentee", mentee_id))
        # The soonest due of all, at most BATCH a scan: the rest come with the next scans.
        return [
            _row(self.kind, Meeting, pk, due_at=due_at, occurrence=str(seq), **{to: person})
            for due_at, pk, seq, to, person in sorted(found)[:BATCH]
        ]

    def wanted_by(self, recipient: Recipient) -> bool:
        if recipient.mentee is not None:
            from .recipients import mentee_consents

            return mentee_consents(recipient.mentee)
        return _settings(recipient.user).meeting_lead_hours != NotificationSettings.Lead.OFF

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
                "starts_at": _local(meeting.starts_at),
                "ends_at": _local(meeting.ends_at),
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
        local = _local(now)
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
            .distinct()[:BATCH]
        )
        return [
            _row(
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


# --- Event reminders --------------------------------------------------------------------------


class EventReminder(Kind):
    """The day before an event (or each date of a series) to everyone holding a place."""

    kind = Notification.Kind.EVENT_REMINDER
    WINDOW = timedelta(days=2)

    @staticmethod
    def reminder_at(starts_at: datetime) -> datetime:
        return at_local(_local(starts_at).date() - timedelta(days=1), EVENT_REMINDER_HOUR)

    def scan(self, now):
        from events.occurrences import occurrences

        events = Event.objects.filter(
            status=Event.Status.PUBLISHED,
            registrations__status=Registration.Status.CONFIRMED,
            registrations__confirmed_at__isnull=False,
        ).filter(
            Q(recurrence="", starts_at__gt=now, starts_at__lte=now + self.WINDOW)
            | ~Q(recurrence="")
        )
        due = {}
        for event in events.distinct():
            for occurrence in occurrences(event, start=now, end=now + self.WINDOW):
                remind_at = self.reminder_at(occurrence.starts_at)
                if occurrence.starts_at > now and remind_at <= now:
                    due[event.pk] = (occurrence.starts_at, remind_at)
                    break
        if not due:
            return []
        # Who has not confirmed the address gets no mail but the request to confirm.
        registrations = Registration.objects.filter(
            event_id__in=due,
            status=Registration.Status.CONFIRMED,
            confirmed_at__isnull=False,
            reminders=True,
        ).values_list("pk", "event_id", "created_at")
        existing = set(
            Notification.objects.filter(
                kind=self.kind, content_type=content_type(Event), object_id__in=due
            ).values_list("registration_id", "occurrence")
        )
        rows = []
        for pk, event_id, created_at in registrations:
            starts_at, remind_at = due[event_id]
            occurrence = starts_at.isoformat()
            # Who registered after the reminder time has just had the confirmation.
            if created_at >= remind_at or (pk, occurrence) in existing:
                continue
            rows.append(
                _row(
                    self.kind,
                    Event,
                    event_id,
                    due_at=remind_at,
                    occurrence=occurrence,
                    registration=pk,
                )
            )
        return rows[:BATCH]

    def wanted_by(self, recipient):
        return recipient.registration.reminders

    def build(self, notification, recipient, about=None):
        from events import mail as event_mail

        registration = recipient.registration
        event = Event.objects.select_related("event_type").filter(pk=notification.object_id)
        event = event.first()
        if event is None or event.status != Event.Status.PUBLISHED:
            raise Skip(_("The event is no longer published."))
        if registration.status != Registration.Status.CONFIRMED or not registration.is_confirmed:
            raise Skip(_("The registration holds no place."))
        starts_at = datetime.fromisoformat(notification.occurrence)
        if starts_at <= timezone.now():
            raise Skip(_("The event has begun."))
        return Mail(
            "notifications/email/event_reminder",
            {
                "event": event,
                "registration": registration,
                "starts_at": _local(starts_at),
                "place": event_mail.event_place(event),
                "event_url": site_url(event.get_absolute_url()),
                "cancel_url": event_mail.cancel_url(registration),
            },
        )


# --- The coordinators' weekly overview --------------------------------------------------------


class CoordinatorDigest(Kind):
    kind = Notification.Kind.COORDINATOR_DIGEST
    setting = "coordinator_digest"

    @staticmethod
    def week_start(now: datetime) -> datetime:
        local = _local(now)
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
                _not_in_outbox(
                    self.kind,
                    User,
                    recipient_field="user_id",
                    recipient_ref=OuterRef("pk"),
                    occurrence=occurrence,
                )
            )
            .values_list("pk", flat=True)[:BATCH]
        )
        return [
            _row(self.kind, User, pk, due_at=start, occurrence=occurrence, user=pk)
            for pk in coordinators
        ]

    def build(self, notification, recipient, about=None):
        from programs.selectors import programs_coordinated_by
        from tandems import dashboard

        programs = dashboard.with_actions(
            programs_coordinated_by(user=recipient.user).exclude(status=Program.Status.ARCHIVED)
        )
        rows = [program for program in programs if _has_actions(program.actions)]
        if not rows:
            raise Skip(_("Nothing needs action this week."))
        return Mail(
            "notifications/email/coordinator_digest",
            {
                "programs": rows,
                "week": notification.occurrence,
                "dashboard_url": site_url(reverse("tandems:coordination")),
            },
        )


def _has_actions(actions) -> bool:
    return any(
        (
            actions.no_contact,
            actions.checkins_due,
            actions.ending_soon,
            actions.applications_waiting,
            actions.reinspections_due,
        )
    )


# --- The yearly review of a listing ----------------------------------------------------------


class ListingReview(Kind):
    kind = Notification.Kind.LISTING_REVIEW
    setting = "listing_reminders"

    @staticmethod
    def reviewed_on(program) -> date:
        return program.last_reviewed_at or _local(program.created_at).date()

    def scan(self, now):
        today = _local(now).date()
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
            .only("user_id", "program__last_reviewed_at", "program__created_at")[:BATCH]
        )
        rows = []
        for membership in memberships:
            reviewed = self.reviewed_on(membership.program)
            years = (today - reviewed).days // LISTING_REVIEW_DAYS
            rows.append(
                _row(
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


# --- Mails on the spot: applications and registrations ----------------------------------------


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


def _registration(notification) -> Registration:
    registration = (
        Registration.objects.select_related(
            "event", "event__event_type", "event__program", "event__organization"
        )
        .filter(pk=notification.object_id)
        .first()
    )
    if registration is None or registration.status == Registration.Status.CANCELLED:
        raise Skip(_("The registration was cancelled."))
    return registration


class RegistrationConfirmRequest(Kind):
    """Double opt-in: the one mail to an address whose owner has not confirmed a registration."""

    kind = Notification.Kind.REGISTRATION_CONFIRM_REQUEST

    def build(self, notification, recipient, about=None):
        from events import mail as event_mail

        registration = _registration(notification)
        if registration.is_confirmed:
            raise Skip(_("The registration was confirmed meanwhile."))
        if registration.confirm_by <= timezone.now():
            raise Skip(_("The time to confirm the registration is over."))
        return Mail(
            "events/email/registration_confirm_request",
            event_mail.confirm_request_context(registration),
        )


class RegistrationConfirmation(Kind):
    """After the address was confirmed: the place (with the .ics) or the waiting-list position."""

    kind = Notification.Kind.REGISTRATION_CONFIRMATION
    template = "events/email/registration_confirmation"

    def registration(self, notification) -> Registration:
        registration = _registration(notification)
        if not registration.is_confirmed:
            raise Skip(_("The address of the registration is not confirmed."))
        return registration

    def with_ics(self, registration) -> bool:
        return registration.status == Registration.Status.CONFIRMED

    def build(self, notification, recipient, about=None):
        from events import mail as event_mail

        registration = self.registration(notification)
        event = registration.event
        attachments = []
        if self.with_ics(registration):
            attachments.append(
                (f"{event.slug}.ics", event_mail.event_ics(event), event_mail.ICS_MIMETYPE)
            )
        return Mail(self.template, event_mail.context(registration), attachments)


class RegistrationPlaceFree(RegistrationConfirmation):
    kind = Notification.Kind.REGISTRATION_PLACE_FREE
    template = "events/email/registration_place_free"

    def registration(self, notification):
        registration = super().registration(notification)
        if registration.status != Registration.Status.CONFIRMED:
            raise Skip(_("The registration holds no place."))
        return registration


class RegistrationExists(RegistrationConfirmation):
    """Somebody registered a confirmed address again: its owner hears of it, nothing changed."""

    kind = Notification.Kind.REGISTRATION_EXISTS
    template = "events/email/registration_exists"

    def with_ics(self, registration) -> bool:
        return False


class PersonErased(Kind):
    """To a program's coordinators when a volunteer deleted their account: what it changed for
    the program, never who it was."""

    kind = Notification.Kind.PERSON_ERASED

    def build(self, notification, recipient, about=None):
        from privacy.models import Erasure

        erasure = Erasure.objects.select_related("program").filter(pk=notification.object_id)
        erasure = erasure.first()
        if erasure is None or erasure.program is None:
            raise Skip(_("The program no longer exists."))
        return Mail(
            "privacy/email/person_erased",
            {
                "erasure": erasure,
                "program": erasure.program,
                "tandems": [
                    (pk, site_url(reverse("tandems:coordination_tandem", kwargs={"pk": pk})))
                    for pk in erasure.tandem_ids
                ],
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
                    reverse("audit:program_trail", kwargs={"slug": program.slug})
                ),
            },
        )


KINDS: dict[str, Kind] = {
    kind.kind: kind
    for kind in (
        MeetingReminder(),
        CheckInDue(),
        EventReminder(),
        CoordinatorDigest(),
        ListingReview(),
        ApplicationStatus(),
        RegistrationConfirmRequest(),
        RegistrationConfirmation(),
        RegistrationPlaceFree(),
        RegistrationExists(),
        PersonErased(),
        CoordinatorChanged(),
    )
}

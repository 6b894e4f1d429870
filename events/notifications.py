"""The mails of events: reminders before an event and the mails of a registration (registered
with notifications.registry)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db.models import Q
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

from .models import Event, Registration

EVENT_REMINDER_HOUR = time(10, 0)


# --- Event reminders --------------------------------------------------------------------------


class EventReminder(Kind):
    """The day before an event (or each date of a series) to everyone holding a place."""

    kind = Notification.Kind.EVENT_REMINDER
    WINDOW = timedelta(days=2)

    def unsubscribe(self, recipient_type, pk):
        """A registration gets no reminder before the event."""
        if recipient_type != "registration":
            return False
        return bool(Registration.objects.filter(pk=pk).update(reminders=False))

    @staticmethod
    def reminder_at(starts_at: datetime) -> datetime:
        return at_local(in_berlin(starts_at).date() - timedelta(days=1), EVENT_REMINDER_HOUR)

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
                outbox_row(
                    self.kind,
                    Event,
                    event_id,
                    due_at=remind_at,
                    occurrence=occurrence,
                    registration=pk,
                )
            )
        return rows[: registry.BATCH]

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
                "starts_at": in_berlin(starts_at),
                "place": event_mail.event_place(event),
                "event_url": site_url(event.get_absolute_url()),
                "cancel_url": event_mail.cancel_url(registration),
            },
        )


# --- Mails on the spot: registrations --------------------------------------------------------


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


register(
    EventReminder(),
    RegistrationConfirmRequest(),
    RegistrationConfirmation(),
    RegistrationPlaceFree(),
    RegistrationExists(),
)

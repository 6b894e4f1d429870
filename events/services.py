"""Everything that writes events and registrations. Refusals are ValidationErrors in the user's
language; nothing is written then."""

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from dateutil.rrule import rrulestr
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import markdown
from core.workflow import transition
from notifications.models import Notification
from notifications.services import notify
from programs import gazetteer
from programs.models import ModerationNotice
from programs.services import moderation_notice_give, moderation_notices_settle

from .models import Event, Registration

REPEAT_FREQUENCIES = {"DAILY", "WEEKLY", "MONTHLY", "YEARLY"}
# Far enough for a congress planned years ahead, near enough to catch a mistyped year.
MAX_YEARS_AHEAD = 5
MAX_YEARS_BACK = 2
MAX_DAYS_LONG = 31
# Paths of the calendar beside the event pages (/veranstaltungen/kalender.ics, .../archiv/).
RESERVED_SLUGS = {"kalender", "archiv"}
# The fields whose change a subscribed calendar must pick up (iCalendar SEQUENCE).
CALENDAR_FIELDS = (
    "title", "summary", "description", "starts_at", "ends_at", "all_day", "recurrence",
    "exdates", "mode", "venue", "street", "postcode", "city", "online_url", "status",
)  # fmt: skip


def local_datetime(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at), timezone.get_default_timezone())


def all_day_span(first: date, last: date) -> tuple[datetime, datetime]:
    """An all-day event: from local midnight of the first day to local midnight after the last."""
    return local_datetime(first, time(0, 0)), local_datetime(last + timedelta(days=1), time(0, 0))


def validate_recurrence(rule: str, *, starts_at: datetime) -> None:
    if not rule:
        return
    try:
        rrulestr(rule, dtstart=timezone.localtime(starts_at).replace(tzinfo=None))
    except (ValueError, TypeError) as error:
        raise ValidationError(
            {"recurrence": _("This is not a valid repetition rule (RRULE).")}
        ) from error
    parts = dict(part.strip().upper().partition("=")[::2] for part in rule.split(";"))
    if not parts.keys() & {"COUNT", "UNTIL"}:
        raise ValidationError({"recurrence": _("Please end the repetition with COUNT or UNTIL.")})
    # Events repeat by days at the finest: a rule by hours that never matches (the 30th of
    # February) would make every expansion scan the clock to the year 9999.
    if parts.get("FREQ", parts.get("RRULE:FREQ")) not in REPEAT_FREQUENCIES:
        raise ValidationError(
            {"recurrence": _("Please repeat the event daily, weekly, monthly or yearly.")}
        )


def event_validate(*, event: Event) -> None:
    """Refuse what the calendar cannot show; the admin asks before it saves."""
    errors = {}
    now = timezone.now()
    if event.slug in RESERVED_SLUGS:
        errors["slug"] = _("This address is reserved for the calendar; please choose another.")
    if event.ends_at <= event.starts_at:
        errors["ends_at"] = _("The end must be after the start.")
    elif event.ends_at - event.starts_at > timedelta(days=MAX_DAYS_LONG):
        errors["ends_at"] = _("An event lasts at most %(days)s days; use a repetition instead.") % {
            "days": MAX_DAYS_LONG
        }
    if event.starts_at > now + timedelta(days=365 * MAX_YEARS_AHEAD):
        errors["starts_at"] = _("This date lies too far in the future.")
    elif event.starts_at < now - timedelta(days=365 * MAX_YEARS_BACK):
        errors["starts_at"] = _("This date lies too far in the past.")
    if event.mode in (Event.Mode.ONLINE, Event.Mode.HYBRID) and not event.online_url:
        errors["online_url"] = _("An online or hybrid event needs its online link.")
    if event.mode in (Event.Mode.IN_PERSON, Event.Mode.HYBRID) and not (
        event.city or event.postcode
    ):
        errors["city"] = _("An event in person needs its place (postcode or town).")
    if event.registration == Event.Registration.EXTERNAL and not event.registration_url:
        errors["registration_url"] = _("Please give the address of the registration page.")
    if event.capacity is not None and event.capacity < 1:
        errors["capacity"] = _("The number of places must be at least 1, or empty for no limit.")
    if errors:
        raise ValidationError(errors)
    validate_recurrence(event.recurrence, starts_at=event.starts_at)


def _locate(event: Event) -> None:
    place = None
    if event.mode != Event.Mode.ONLINE:
        place = gazetteer.lookup(event.postcode) or gazetteer.lookup(event.city)
    if place is None:
        event.latitude = event.longitude = None
        return
    event.latitude, event.longitude = place.lat, place.lon
    event.city = event.city or place.name
    event.state = event.state or place.state


@transaction.atomic
def event_save(*, event: Event, audiences=None, by=None, needs_review: bool = False) -> Event:
    """Create or change an event: validated, located, its description rendered to safe HTML.

    A change to what calendars show raises the SEQUENCE of a public event. With `needs_review`
    (an organiser who does not moderate), a published event that is changed goes back to the
    network's review: what was checked once cannot be swapped for something unchecked. More
    places on a published event let the longest waiting move up at once.
    """
    before = None
    if event.pk:
        # Locked as registration_create locks it: places are counted against this row.
        before = (
            Event.objects.select_for_update()
            .filter(pk=event.pk)
            .values("status", "capacity", *CALENDAR_FIELDS)
            .first()
        )
    if event.all_day:
        first = timezone.localtime(event.starts_at).date()
        last = max(timezone.localtime(event.ends_at - timedelta(seconds=1)).date(), first)
        event.starts_at, event.ends_at = all_day_span(first, last)
    event_validate(event=event)
    _locate(event)
    event.description_html = markdown.render(event.description)
    if before and any(before[name] != getattr(event, name) for name in CALENDAR_FIELDS):
        event.sequence += 1
    if needs_review and before and before["status"] == Event.Status.PUBLISHED:
        event.status = Event.Status.REVIEW
        moderation_notices_settle(model=Event, ids=[event.pk])
    if not event.pk and by is not None:
        event.created_by = by
    event.full_clean()
    event.save()
    if audiences is not None:
        event.audiences.set(audiences)
    more_places = before is not None and (
        event.capacity is None or (before["capacity"] or 0) < event.capacity
    )
    if event.status == Event.Status.PUBLISHED and more_places:
        _move_up(event)
    return event


def _next_sequence(event: Event) -> int:
    # iCalendar SEQUENCE: subscribed calendars take the new status.
    return event.sequence + 1


@transaction.atomic
def event_submit(*, event: Event, by) -> Event:
    """A coordinator hands a draft to the network for review."""
    event = transition(
        event,
        allowed={Event.Status.DRAFT},
        to=Event.Status.REVIEW,
        refusal=_("Only a draft can be submitted for review."),
        sequence=_next_sequence,
    )
    # Submitted again: the network's earlier "sent back" has been answered.
    moderation_notices_settle(model=Event, ids=[event.pk])
    return event


@transaction.atomic
def event_publish(*, event: Event, by) -> Event:
    event = transition(
        event,
        allowed={Event.Status.DRAFT, Event.Status.REVIEW},
        to=Event.Status.PUBLISHED,
        refusal=_("This event is already public."),
        review_note="",
        sequence=_next_sequence,
    )
    _tell_submitter(event=event, decision=ModerationNotice.Decision.PUBLISHED, by=by)
    return event


@transaction.atomic
def event_reject(*, event: Event, by, reason: str) -> Event:
    """Send a submitted event back as a draft, with the reason for whoever submitted it."""
    if not reason.strip():
        raise ValidationError(
            {"reason": _("Please give a reason, so the organiser knows what to change.")}
        )
    event = transition(
        event,
        allowed={Event.Status.REVIEW},
        to=Event.Status.DRAFT,
        refusal=_("Only an event in review can be sent back."),
        review_note=reason.strip(),
    )
    _tell_submitter(event=event, decision=ModerationNotice.Decision.SENT_BACK, by=by)
    return event


def _tell_submitter(*, event: Event, decision: str, by) -> None:
    """The network's decision for whoever created the event (the one who submits it)."""
    sent_back = decision == ModerationNotice.Decision.SENT_BACK
    moderation_notice_give(
        item=event,
        subject=ModerationNotice.Subject.EVENT,
        recipient=event.created_by,
        decision=decision,
        title=event.title,
        link=reverse("events:event_edit", kwargs={"slug": event.slug})
        if sent_back
        else event.get_absolute_url(),
        reason=event.review_note if sent_back else "",
        by=by,
    )


@transaction.atomic
def event_cancel(*, event: Event, by) -> Event:
    """A public event is called off: it stays visible, marked, and feeds send STATUS:CANCELLED."""
    return transition(
        event,
        allowed={Event.Status.PUBLISHED},
        to=Event.Status.CANCELLED,
        refusal=_("Only a published event can be cancelled."),
        sequence=_next_sequence,
    )


# --- Registration ------------------------------------------------------------------------------

# Unconfirmed registrations one address may have at a time: a stranger who enters somebody
# else's address for every event sends them this many mails a day at most.
MAX_UNCONFIRMED_PER_ADDRESS = 5
# Unconfirmed registrations the expiry run deletes at most in one go.
EXPIRE_BATCH = 500


class TooManyUnconfirmed(ValidationError):
    """The address has as many unconfirmed registrations as it may have."""


def _today() -> str:
    return timezone.localdate().isoformat()


@transaction.atomic
def registration_create(
    *, event: Event, name: str, email: str, consent_version: str, accessibility_needs: str = "",
    language: str = "de",
) -> Registration:  # fmt: skip
    """Register a person, pending the confirmation of the address by the mailed link (double
    opt-in). It takes a place while there are any, else a waiting-list position, and holds it
    for REGISTRATION_CONFIRM_HOURS.

    Whoever fills in the form learns nothing about the address: when it is registered for the
    event already, nothing changes and only its owner hears of it, by a mail (once a day at most);
    the existing registration is returned. The one mail to an address never confirmed is the
    request to confirm. The event row is locked first, so two people taking the last place at
    the same moment get one place and one waiting-list position, never two places.
    """
    event = Event.objects.select_for_update().get(pk=event.pk)
    if not event.registration_open:
        raise ValidationError(_("Registration for this event is closed."))
    email = email.strip().lower()
    # Before looking at this event's registrations, so that the answer says nothing about them.
    if Registration.objects.unconfirmed().filter(email=email).count() >= (
        MAX_UNCONFIRMED_PER_ADDRESS
    ):
        raise TooManyUnconfirmed(
            _(
                "Several registrations with this e-mail address are waiting for their "
                "confirmation. Please confirm them first with the links in the e-mails we sent, "
                "or try again tomorrow."
            )
        )
    existing = event.registrations.active().filter(email=email).first()
    if existing is not None:
        return _registered_already(existing)
    confirmed = event.registrations.filter(status=Registration.Status.CONFIRMED).count()
    full = event.capacity is not None and confirmed >= event.capacity
    registration = Registration(
        event=event,
        name=name.strip(),
        email=email,
        accessibility_needs=accessibility_needs.strip(),
        consent_version=consent_version,
        language=language,
        status=Registration.Status.WAITING if full else Registration.Status.CONFIRMED,
    )
    registration.full_clean(validate_constraints=False)
    registration.save()
    notify(
        Notification.Kind.REGISTRATION_CONFIRM_REQUEST,
        about=registration,
        to=registration,
        occurrence=_today(),
    )
    return registration


def _registered_already(registration: Registration) -> Registration:
    """The address is registered for the event: its owner is told, nothing else changes. An
    unconfirmed registration gets its request to confirm again (the first mail may be lost)."""
    kind = (
        Notification.Kind.REGISTRATION_EXISTS
        if registration.is_confirmed
        else Notification.Kind.REGISTRATION_CONFIRM_REQUEST
    )
    notify(kind, about=registration, to=registration, occurrence=_today())
    return registration


def _locked(registration: Registration) -> tuple[Event, Registration]:
    """The event and the registration, locked in this order (as registration_create locks)."""
    event = Event.objects.select_for_update().get(pk=registration.event_id)
    locked = Registration.objects.select_for_update().filter(pk=registration.pk).first()
    if locked is None:  # deleted meanwhile: expired, or discarded in another tab
        raise ValidationError(_("This registration no longer exists."))
    locked.event = event
    return event, locked


def registration_check_confirmable(*, registration: Registration) -> None:
    """A ValidationError saying why the registration cannot be confirmed (or discarded) now."""
    event = registration.event
    if registration.status == Registration.Status.CANCELLED:
        raise ValidationError(_("This registration has been cancelled."))
    if registration.is_confirmed:
        raise ValidationError(_("This registration has already been confirmed."))
    if registration.confirm_by <= timezone.now():
        raise ValidationError(
            _("The time to confirm this registration is over. Please register again.")
        )
    if event.starts_at <= timezone.now():
        raise ValidationError(_("This event has already begun."))


@transaction.atomic
def registration_confirm(*, registration: Registration) -> Registration:
    """The owner of the address confirmed by the mailed link: the registration counts from now,
    keeping its place or waiting-list position, and the confirmation with the .ics follows."""
    event, registration = _locked(registration)
    registration_check_confirmable(registration=registration)
    registration.confirmed_at = timezone.now()
    registration.save(update_fields=["confirmed_at"])
    notify(Notification.Kind.REGISTRATION_CONFIRMATION, about=registration, to=registration)
    return registration


@transaction.atomic
def registration_discard(*, registration: Registration) -> list[Registration]:
    """The owner of the address did not register: the unconfirmed registration is deleted at once
    and its place goes to the longest waiting. Returns the registrations that moved up."""
    event, registration = _locked(registration)
    registration_check_confirmable(registration=registration)
    registration.delete()
    return _move_up(event)


def registrations_expire(*, now=None, limit: int = EXPIRE_BATCH) -> int:
    """Delete the registrations whose address was not confirmed in time (the expiry run): what
    they hold goes to the waiting list. At most `limit` a run, one transaction per event. Returns
    how many were deleted."""
    now = now or timezone.now()
    due = (
        Registration.objects.expired(now)
        .order_by("created_at", "pk")
        .values_list("pk", "event_id")[:limit]
    )
    by_event = defaultdict(list)
    for pk, event_id in due:
        by_event[event_id].append(pk)
    deleted = 0
    for event_id, pks in by_event.items():
        with transaction.atomic():
            event = Event.objects.select_for_update().get(pk=event_id)
            # Looked at again under the lock: confirmed meanwhile is confirmed.
            _total, by_model = (
                Registration.objects.expired(now).filter(pk__in=pks, event=event).delete()
            )
            deleted += by_model.get(Registration._meta.label, 0)
            if event.starts_at > now:
                _move_up(event)
    return deleted


@transaction.atomic
def registration_cancel(*, registration: Registration) -> list[Registration]:
    """Cancel a registration; the longest waiting move up into freed places and are told by mail.

    Returns the registrations that moved up.
    """
    event, registration = _locked(registration)
    if registration.status == Registration.Status.CANCELLED:
        raise ValidationError(_("This registration has already been cancelled."))
    if event.starts_at <= timezone.now():
        # Nobody could still move up into the place.
        raise ValidationError(_("This event has already begun; it is too late to cancel."))
    registration.status = Registration.Status.CANCELLED
    registration.status_changed_at = timezone.now()
    registration.save(update_fields=["status", "status_changed_at"])
    return _move_up(event)


def _move_up(event: Event) -> list[Registration]:
    """Free places go to the longest waiting, confirmed or not; only the confirmed are told by
    mail (the others learn it when they confirm)."""
    confirmed = event.registrations.filter(status=Registration.Status.CONFIRMED).count()
    free = None if event.capacity is None else max(event.capacity - confirmed, 0)
    waiting = event.registrations.filter(status=Registration.Status.WAITING).order_by(
        "created_at", "pk"
    )
    moved = list(waiting if free is None else waiting[:free])
    for registration in moved:
        registration.status = Registration.Status.CONFIRMED
        registration.status_changed_at = timezone.now()
        registration.save(update_fields=["status", "status_changed_at"])
        if registration.is_confirmed:
            notify(
                Notification.Kind.REGISTRATION_PLACE_FREE,
                about=registration,
                to=registration,
                occurrence=registration.status_changed_at.isoformat(),
            )
    return moved

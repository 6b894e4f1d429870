"""Services of a tandem's life: start, pause, resume, end; meetings; goals; check-ins.

Every write goes through these functions. They refuse what the domain does not allow with a
`ValidationError` in the user's language and leave the database unchanged.
"""

import secrets
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from dateutil.rrule import MONTHLY, WEEKLY, rrule, weekday
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandems.figures_cache import figures_changed
from tandems.models import (
    CHECKIN_ITEMS,
    CalendarFeed,
    CheckIn,
    Goal,
    Meeting,
    Mentee,
    Rhythm,
    Tandem,
    TandemStatusChange,
    Weekday,
)
from tandems.services.messages import mentor_tell_tandem_step
from tandems.services.people import mentor_is_free, program_tandem_settings

Status = Tandem.Status

# Which status may follow which; everything else is refused.
TRANSITIONS: dict[str, set[str]] = {
    Status.PROPOSED: {Status.ACTIVE, Status.ENDED_EARLY},
    Status.ACTIVE: {Status.PAUSED, Status.CLOSED, Status.ENDED_EARLY},
    Status.PAUSED: {Status.ACTIVE, Status.CLOSED, Status.ENDED_EARLY},
    Status.CLOSED: set(),
    Status.ENDED_EARLY: set(),
}
# A regular end; every other reason ends a tandem early.
REGULAR_END_REASONS = {Tandem.EndReason.COMPLETED, Tandem.EndReason.GOALS_REACHED}

WEEKDAY_NUMBERS = {code: number for number, code in enumerate(Weekday.values)}
MAX_GOALS = 10
MAX_PLAN_WEEKS = 26
# How far back a date may lie when it is entered (a start, an end, a logged meeting).
MAX_DAYS_BACK = 366
MAX_DAYS_AHEAD = 366


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the month's last day where it is shorter (31 Jan -> 28 Feb)."""
    return day + relativedelta(months=months)


def local_datetime(day: date, at: time) -> datetime:
    """Wall-clock time in Europe/Berlin as an aware datetime (stored in UTC)."""
    return timezone.make_aware(datetime.combine(day, at), timezone.get_default_timezone())


def allowed_transitions(tandem: Tandem) -> set[str]:
    return TRANSITIONS[tandem.status]


def _locked(tandem: Tandem) -> Tandem:
    return Tandem.objects.select_for_update().select_related("program", "mentee").get(pk=tandem.pk)


def _check_transition(tandem: Tandem, to_status: str) -> None:
    if to_status not in TRANSITIONS[tandem.status]:
        raise ValidationError(
            _("A tandem cannot change from “%(from)s” to “%(to)s”.")
            % {"from": tandem.get_status_display(), "to": Status(to_status).label}
        )


def _set_status(tandem: Tandem, to_status: str, *, by, note: str = "") -> None:
    TandemStatusChange.objects.create(
        tandem=tandem, from_status=tandem.status, to_status=to_status, by=by, note=note[:300]
    )
    tandem.status = to_status
    tandem.status_changed_at = timezone.now()


def _check_recent(day: date, field: str, *, ahead: int = 0) -> None:
    today = timezone.localdate()
    if day < today - timedelta(days=MAX_DAYS_BACK):
        raise ValidationError({field: _("This date lies more than a year in the past.")})
    if day > today + timedelta(days=ahead):
        if ahead == 0:
            raise ValidationError({field: _("This date lies in the future.")})
        raise ValidationError({field: _("This date lies too far in the future.")})


@transaction.atomic
def tandem_start(
    *,
    tandem: Tandem,
    by,
    started_on: date,
    rhythm: str = Rhythm.WEEKLY,
    preferred_weekday: str = "",
    preferred_time: time | None = None,
    planned_end_on: date | None = None,
) -> Tandem:
    """A proposed tandem becomes active: start, planned end and rhythm; check-ins scheduled."""
    tandem = _locked(tandem)
    if tandem.status != Status.PROPOSED:
        _check_transition(tandem, Status.ACTIVE)
        raise ValidationError(_("Only a proposed tandem can be started."))
    _check_recent(started_on, "started_on", ahead=60)
    settings = program_tandem_settings(program=tandem.program)
    planned_end_on = planned_end_on or add_months(started_on, settings.tandem_duration_months)
    if planned_end_on <= started_on:
        raise ValidationError({"planned_end_on": _("The planned end must be after the start.")})
    if planned_end_on > add_months(started_on, 60):
        raise ValidationError(
            {"planned_end_on": _("A tandem can be planned for at most five years.")}
        )
    mentor_is_free(program=tandem.program, mentor=tandem.mentor, excluding=tandem)
    _set_status(tandem, Status.ACTIVE, by=by)
    tandem.started_on = started_on
    tandem.planned_end_on = planned_end_on
    tandem.rhythm = rhythm
    tandem.preferred_weekday = preferred_weekday
    tandem.preferred_time = preferred_time
    tandem.full_clean()
    tandem.save()
    checkins_schedule(tandem=tandem)
    mentor_tell_tandem_step(tandem=tandem)
    return tandem


@transaction.atomic
def tandem_pause(*, tandem: Tandem, by, note: str = "") -> Tandem:
    tandem = _locked(tandem)
    _check_transition(tandem, Status.PAUSED)
    _set_status(tandem, Status.PAUSED, by=by, note=note)
    tandem.save(update_fields=["status", "status_changed_at"])
    return tandem


@transaction.atomic
def tandem_resume(*, tandem: Tandem, by, note: str = "") -> Tandem:
    tandem = _locked(tandem)
    if tandem.status != Status.PAUSED:
        _check_transition(tandem, Status.ACTIVE)
        raise ValidationError(_("Only a paused tandem can be resumed."))
    mentor_is_free(program=tandem.program, mentor=tandem.mentor, excluding=tandem)
    _set_status(tandem, Status.ACTIVE, by=by, note=note)
    tandem.save(update_fields=["status", "status_changed_at"])
    return tandem


@transaction.atomic
def tandem_end(
    *,
    tandem: Tandem,
    by,
    ended_on: date,
    reason: str,
    note: str = "",
    mentee_waits_again: bool = False,
) -> Tandem:
    """End a tandem, regularly or early (the reason decides), and start the retention clock.

    Planned meetings after the end are cancelled, check-ins that are not due yet are dropped,
    and the closing check-ins of mentor and mentee become due on the last day.
    """
    tandem = _locked(tandem)
    if reason not in Tandem.EndReason.values:
        raise ValidationError({"reason": _("Please choose a reason for the end.")})
    to_status = Status.CLOSED if reason in REGULAR_END_REASONS else Status.ENDED_EARLY
    _check_transition(tandem, to_status)
    _check_recent(ended_on, "ended_on")
    if tandem.started_on and ended_on < tandem.started_on:
        raise ValidationError({"ended_on": _("The end cannot lie before the start.")})
    _set_status(tandem, to_status, by=by, note=note)
    tandem.ended_on = ended_on
    tandem.end_reason = reason
    tandem.end_note = note.strip()
    tandem.full_clean()
    tandem.save()

    end_of_last_day = local_datetime(ended_on + timedelta(days=1), time(0, 0))
    for meeting in tandem.meetings.planned().filter(starts_at__gte=end_of_last_day):
        meeting.status = Meeting.Status.CANCELLED
        meeting.sequence += 1
        meeting.save(update_fields=["status", "sequence"])
    tandem.checkins.open().filter(occasion=CheckIn.Occasion.REGULAR, due_on__gt=ended_on).delete()
    if tandem.started_on is not None:
        for respondent in CheckIn.Respondent.values:
            CheckIn.objects.get_or_create(
                tandem=tandem,
                respondent=respondent,
                occasion=CheckIn.Occasion.CLOSURE,
                due_on=ended_on,
            )

    mentee = Mentee.objects.select_for_update().get(pk=tandem.mentee_id)
    if mentee_waits_again:
        mentee.status = Mentee.Status.WAITING
        mentee.waiting_since = timezone.localdate()
    else:
        mentee.status = Mentee.Status.INACTIVE
    mentee.save(update_fields=["status", "waiting_since"])
    mentor_tell_tandem_step(tandem=tandem)
    return tandem


# --- Meetings --------------------------------------------------------------------------------


def _check_can_meet(tandem: Tandem, *, planning: bool) -> None:
    if planning and tandem.status != Status.ACTIVE:
        raise ValidationError(_("Meetings can be planned only for an active tandem."))
    if not planning and not tandem.is_running:
        raise ValidationError(_("Meetings can be logged only for an active or paused tandem."))


def _check_duration(minutes: int) -> None:
    if not 1 <= minutes <= 24 * 60:
        raise ValidationError(
            {"duration_minutes": _("A meeting lasts between 1 minute and 24 hours.")}
        )


@transaction.atomic
def meeting_plan(
    *,
    tandem: Tandem,
    by,
    day: date,
    start: time,
    end: time,
    place: str = "",
    online: bool = False,
    note: str = "",
) -> Meeting:
    """Plan one meeting on a day, from `start` to `end` local time."""
    _check_can_meet(tandem, planning=True)
    if end <= start:
        raise ValidationError({"end": _("The end must be after the start.")})
    starts_at = local_datetime(day, start)
    today = timezone.localdate()
    if day < today:
        raise ValidationError(
            {"day": _("A planned meeting cannot lie in the past; log it instead.")}
        )
    if day > today + timedelta(days=MAX_DAYS_AHEAD):
        raise ValidationError({"day": _("Meetings can be planned at most a year ahead.")})
    # Timestamps, not the datetimes: with one tzinfo Python subtracts wall-clock times, which is
    # an hour off on the nights the clocks change.
    duration = int((local_datetime(day, end).timestamp() - starts_at.timestamp()) // 60)
    _check_duration(duration)
    meeting = Meeting(
        tandem=tandem,
        starts_at=starts_at,
        duration_minutes=duration,
        place=place.strip(),
        online=online,
        note=note.strip(),
        created_by=by,
    )
    meeting.full_clean()
    meeting.save()
    return meeting


def rhythm_days(*, tandem: Tandem, first: date, weeks: int) -> list[date]:
    """The days of the tandem's rhythm from `first` on, for the next `weeks` weeks."""
    if not tandem.preferred_weekday:
        return []
    day = weekday(WEEKDAY_NUMBERS[tandem.preferred_weekday])
    until = datetime.combine(first + timedelta(weeks=weeks) - timedelta(days=1), time(0, 0))
    # Counted from the tandem's start, not from `first`: planning again a week later keeps the
    # same every-second week and the same n-th weekday, so no second series appears.
    anchor = tandem.started_on if tandem.started_on and tandem.started_on <= first else first
    start = datetime.combine(anchor, time(0, 0))
    if tandem.rhythm == Rhythm.MONTHLY:
        # The n-th weekday of each month, n taken from the first such day (at most the 4th).
        first_day = next(iter(rrule(WEEKLY, byweekday=day, dtstart=start, count=1))).date()
        nth = min((first_day.day - 1) // 7 + 1, 4)
        rule = rrule(MONTHLY, byweekday=day(nth), dtstart=start, until=until)
    else:
        interval = 2 if tandem.rhythm == Rhythm.BIWEEKLY else 1
        # Weeks begin on the anchor's weekday: the first preferred day after it always counts.
        rule = rrule(
            WEEKLY,
            interval=interval,
            byweekday=day,
            dtstart=start,
            until=until,
            wkst=anchor.weekday(),
        )
    return [moment.date() for moment in rule if moment.date() >= first]


@transaction.atomic
def meetings_plan_from_rhythm(
    *, tandem: Tandem, by, weeks: int, duration_minutes: int = 60, place: str = ""
) -> list[Meeting]:
    """Planned meetings on the tandem's rhythm for the next weeks, at its local time.

    The wall-clock time stays the same across the change to and from summer time. Days that
    already have a meeting are skipped, so planning twice creates nothing twice.
    """
    _check_can_meet(tandem, planning=True)
    if not 1 <= weeks <= MAX_PLAN_WEEKS:
        raise ValidationError(
            {"weeks": _("Plan between 1 and %(max)s weeks ahead.") % {"max": MAX_PLAN_WEEKS}}
        )
    if not (tandem.preferred_weekday and tandem.preferred_time):
        raise ValidationError(_("Set a preferred weekday and time for the tandem first."))
    _check_duration(duration_minutes)
    first = timezone.localdate() + timedelta(days=1)
    days = [
        day
        for day in rhythm_days(tandem=tandem, first=first, weeks=weeks)
        if tandem.planned_end_on is None or day <= tandem.planned_end_on
    ]
    taken = {
        timezone.localdate(starts_at)
        for starts_at in tandem.meetings.exclude(status=Meeting.Status.CANCELLED)
        .filter(starts_at__gte=local_datetime(first, time(0, 0)))
        .values_list("starts_at", flat=True)
    }
    meetings = [
        Meeting(
            tandem=tandem,
            starts_at=local_datetime(day, tandem.preferred_time),
            duration_minutes=duration_minutes,
            place=place.strip(),
            created_by=by,
        )
        for day in days
        if day not in taken
    ]
    return Meeting.objects.bulk_create(meetings)


@transaction.atomic
def meeting_log(
    *,
    tandem: Tandem,
    by,
    day: date,
    status: str,
    duration_minutes: int = 60,
    activity: str = "",
    note: str = "",
    at: time | None = None,
    meeting: Meeting | None = None,
) -> Meeting:
    """Record what happened: a held, cancelled or missed meeting, new or one that was planned."""
    _check_can_meet(tandem, planning=False)
    if status not in (Meeting.Status.HELD, Meeting.Status.CANCELLED, Meeting.Status.MISSED):
        raise ValidationError({"status": _("Please say whether the meeting took place.")})
    if activity and activity not in Meeting.Activity.values:
        raise ValidationError({"activity": _("Please choose an activity from the list.")})
    _check_duration(duration_minutes)
    _check_recent(day, "day")
    if tandem.started_on and day < tandem.started_on:
        raise ValidationError({"day": _("The tandem had not started on this day yet.")})
    if meeting is not None:
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.tandem_id != tandem.pk:
            raise ValidationError(_("This meeting belongs to another tandem."))
        if meeting.is_logged:
            raise ValidationError(_("This meeting has already been logged."))
        at = at or timezone.localtime(meeting.starts_at).time()
        meeting.sequence += 1
    else:
        meeting = Meeting(tandem=tandem, created_by=by)
        at = at or tandem.preferred_time or time(12, 0)
    meeting.starts_at = local_datetime(day, at)
    meeting.status = status
    meeting.duration_minutes = duration_minutes
    meeting.activity = activity
    meeting.note = note.strip()
    meeting.logged_at = timezone.now()
    meeting.logged_by = by
    meeting.full_clean()
    meeting.save()
    if status == Meeting.Status.HELD and (
        tandem.last_contact_on is None or day > tandem.last_contact_on
    ):
        Tandem.objects.filter(pk=tandem.pk).update(last_contact_on=day)
        tandem.last_contact_on = day
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, by) -> Meeting:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != Meeting.Status.PLANNED:
        raise ValidationError(_("Only a planned meeting can be cancelled."))
    meeting.status = Meeting.Status.CANCELLED
    meeting.sequence += 1
    meeting.logged_at = timezone.now()
    meeting.logged_by = by
    meeting.save(update_fields=["status", "sequence", "logged_at", "logged_by"])
    return meeting


# --- Goals -----------------------------------------------------------------------------------


def goal_add(*, tandem: Tandem, title: str) -> Goal:
    if not tandem.is_current:
        raise ValidationError(_("This tandem has ended; its goals can no longer be changed."))
    if tandem.goals.count() >= MAX_GOALS:
        raise ValidationError(_("A tandem has at most %(max)s goals.") % {"max": MAX_GOALS})
    goal = Goal(tandem=tandem, title=title.strip())
    goal.full_clean()
    goal.save()
    return goal


def goal_set_progress(*, goal: Goal, progress: int) -> Goal:
    if not goal.tandem.is_current:
        raise ValidationError(_("This tandem has ended; its goals can no longer be changed."))
    if progress not in Goal.Progress.values:
        raise ValidationError({"progress": _("Please choose a step of progress from the list.")})
    goal.progress = progress
    goal.save(update_fields=["progress", "updated_at"])
    return goal


# --- Check-ins -------------------------------------------------------------------------------


def checkin_dates(*, started_on: date, planned_end_on: date, interval_months: int) -> list:
    """(occasion, due date) of a tandem: the start, then every interval before the planned end."""
    dates = [(CheckIn.Occasion.START, started_on)]
    number = 1
    while (due := add_months(started_on, number * interval_months)) < planned_end_on:
        dates.append((CheckIn.Occasion.REGULAR, due))
        number += 1
    return dates


def checkins_schedule(*, tandem: Tandem) -> list[CheckIn]:
    """Create the tandem's check-ins for mentor and mentee; those that exist stay as they are."""
    settings = program_tandem_settings(program=tandem.program)
    # Created in bulk, past the signals: the dashboard counts the program's check-ins afresh.
    figures_changed([tandem.program_id])
    return CheckIn.objects.bulk_create(
        [
            CheckIn(tandem=tandem, respondent=respondent, occasion=occasion, due_on=due_on)
            for occasion, due_on in checkin_dates(
                started_on=tandem.started_on,
                planned_end_on=tandem.planned_end_on,
                interval_months=settings.checkin_interval_months,
            )
            for respondent in CheckIn.Respondent.values
        ],
        ignore_conflicts=True,
    )


ANSWERED_BY = {
    CheckIn.Respondent.MENTOR: {CheckIn.AnsweredBy.MENTOR},
    CheckIn.Respondent.MENTEE: {
        CheckIn.AnsweredBy.MENTEE_WITH_MENTOR,
        CheckIn.AnsweredBy.MENTEE_WITH_COORDINATOR,
        CheckIn.AnsweredBy.GUARDIAN,
    },
}


@transaction.atomic
def checkin_submit(*, checkin: CheckIn, answers: dict, answered_by: str, by) -> CheckIn:
    """Save the answers (1 to 5 for every item) of a check-in that is due."""
    checkin = CheckIn.objects.select_for_update().get(pk=checkin.pk)
    if checkin.completed_at is not None:
        raise ValidationError(_("This check-in has already been answered."))
    if checkin.due_on > timezone.localdate():
        raise ValidationError(_("This check-in is not due yet."))
    if answered_by not in ANSWERED_BY[checkin.respondent]:
        raise ValidationError({"answered_by": _("Please say who answered.")})
    errors = {
        item: _("Please choose a value from 1 to 5.")
        for item in CHECKIN_ITEMS
        if answers.get(item) not in (1, 2, 3, 4, 5)
    }
    if errors:
        raise ValidationError(errors)
    for item in CHECKIN_ITEMS:
        setattr(checkin, item, answers[item])
    checkin.answered_by = answered_by
    checkin.filled_by = by
    checkin.completed_at = timezone.now()
    checkin.full_clean()
    checkin.save()
    return checkin


# --- The mentor's calendar feed --------------------------------------------------------------


def calendar_feed_for(*, user) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(
        user=user, defaults={"token": secrets.token_urlsafe(32)}
    )
    return feed


def calendar_feed_renew(*, user) -> CalendarFeed:
    """A new secret address; the old one answers 404 from now on."""
    feed = calendar_feed_for(user=user)
    feed.token = secrets.token_urlsafe(32)
    feed.created_at = timezone.now()
    feed.save(update_fields=["token", "created_at"])
    return feed


def calendar_feed_revoke(*, user) -> None:
    CalendarFeed.objects.filter(user=user).delete()

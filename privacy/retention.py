"""Retention: personal data is deleted or anonymised when its period is over; statistics stay.

Each program sets its periods (`ProgramTandemSettings`); what the law fixes is fixed here:

- rejected or withdrawn applications: deleted N months (default 6) after the decision;
- § 72a records: deleted at once when the person does not start in the program, at the latest
  3 months after their activity there ends (§ 72a SGB VIII);
- a volunteer's records in a program (applications, trainings, signed codes of conduct,
  consents, documents with their files; their tandems become anonymous and lose their
  documents): N months (default 12) after their activity ends;
- mentees: anonymised N months (default 12) after their last tandem ended (or, without a tandem,
  after they stopped waiting); their documents and those of their tandems are deleted, files too;
- event registrations: anonymised N months (default 3) after the event; those whose address was
  never confirmed (double opt-in) are deleted REGISTRATION_CONFIRM_HOURS (default 24) after they
  were made, by their own run every 5 minutes (events.services.registrations_expire);
- the outbox's finished rows: deleted after NOTIFICATION_RETENTION_DAYS (default 90); so are
  the network's feedback notices (programs.ModerationNotice) once their recipient acted on them;
- coordinators' messages to volunteers, with their recipients: deleted
  PROGRAM_MESSAGE_RETENTION_MONTHS (default 24) after sending; done to-dos
  TODO_RETENTION_MONTHS (default 12) after they were done.
- closed concerns about someone's safety: deleted N months (default 36) after they were closed;
  open ones are never deleted.
- coordinator invitations (an e-mail address): deleted COORDINATOR_INVITATION_RETENTION_DAYS
  (default 90) after they were accepted, revoked or expired; the role granted stays in the audit
  trail.

A volunteer's activity in a program ends when they have no current tandem and no open application
there any more: on the later of the day their last tandem ended and the day their last
application was closed. A period of N months is over on the same day N months later (the month's
last day where it is shorter).

`plan()` finds what is due without changing anything (the dry run and the coordinators' preview);
`run()` carries it out. Tandems, meetings and check-ins are never deleted: the reports count them.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import audit_forget
from events.models import Event, Registration
from events.occurrences import occurrences
from notifications.models import Notification
from programs.invitations import invitations_expired_before
from programs.models import ModerationNotice, Program
from tandems.models import (
    Application,
    CodeOfConductSignature,
    Concern,
    ConsentRecord,
    Document,
    Mentee,
    ProgramMessage,
    ProgramTandemSettings,
    ScreeningRecord,
    Tandem,
    Todo,
    Training,
)
from tandems.services.lifecycle import add_months, local_datetime

from . import services
from .models import RetentionRun

logger = logging.getLogger(__name__)

SCREENING_MONTHS = 3
CLOSED = (Application.Status.REJECTED, Application.Status.WITHDRAWN)
ANONYMOUS_EMAIL = "@anonym.invalid"

CATEGORIES = {
    "applications": _("rejected or withdrawn applications"),
    "screening": _("§ 72a records"),
    "volunteers": _("volunteers whose records in a program are erased"),
    "mentees": _("mentees who are anonymised"),
    "registrations": _("event registrations that are anonymised"),
    "notifications": _("e-mails sent long ago (outbox rows)"),
    "messages": _("coordinators' messages to volunteers, with their recipients"),
    "todos": _("done to-dos"),
    "concerns": _("closed concerns about someone's safety"),
    "invitations": _("coordinator invitations accepted, revoked or expired long ago"),
}


def last_day_over(today: date, months: int) -> date:
    """The last day whose period of `months` months is over by `today`."""
    day = add_months(today, -months)
    if (today + timedelta(days=1)).day == 1:
        # Today is a month's last day: so is the end of every longer month's period.
        day = add_months(day.replace(day=1), 1) - timedelta(days=1)
    return day


def _local_day(moment) -> date:
    return timezone.localtime(moment).date()


@dataclass
class Plan:
    today: date
    applications: list[int] = field(default_factory=list)
    screening: list[int] = field(default_factory=list)
    volunteers: list[tuple[int, int]] = field(default_factory=list)  # (program, volunteer)
    mentees: list[int] = field(default_factory=list)
    registrations: list[int] = field(default_factory=list)
    notifications: int = 0
    messages: list[int] = field(default_factory=list)
    todos: list[int] = field(default_factory=list)
    concerns: list[int] = field(default_factory=list)
    invitations: int = 0

    def counts(self) -> dict[str, int]:
        return {
            "applications": len(self.applications),
            "screening": len(self.screening),
            "volunteers": len(self.volunteers),
            "mentees": len(self.mentees),
            "registrations": len(self.registrations),
            "notifications": self.notifications,
            "messages": len(self.messages),
            "todos": len(self.todos),
            "concerns": len(self.concerns),
            "invitations": self.invitations,
        }


def _months_by_program(programs: list[int] | None, field_name: str) -> dict[int, list[int]]:
    """Program ids grouped by their setting, so each distinct period costs one query."""
    default = ProgramTandemSettings._meta.get_field(field_name).default
    chosen = dict(
        ProgramTandemSettings.objects.filter(
            **({} if programs is None else {"program__in": programs})
        ).values_list("program_id", field_name)
    )
    ids = programs if programs is not None else Program.objects.values_list("pk", flat=True)
    grouped = defaultdict(list)
    for pk in ids:
        grouped[chosen.get(pk, default)].append(pk)
    return grouped


def _pairs(model, person_field: str, queryset=None) -> set[tuple[int, int]]:
    queryset = model.objects.all() if queryset is None else queryset
    return set(
        queryset.exclude(**{f"{person_field}__isnull": True})
        .order_by()
        .values_list("program_id", f"{person_field}_id")
        .distinct()
    )


def _volunteer_activity(programs: list[int] | None):
    """Per (program, volunteer): still active there?, ever started?, and when activity ended.

    One grouped pass over the tandems and one over the applications (each pair's counts and
    last dates at once), then the pairs of the other records.
    """
    scope = Q() if programs is None else Q(program__in=programs)
    placeholder = (
        get_user_model()
        .objects.filter(email=services.PLACEHOLDER_EMAIL)
        .values_list("pk", flat=True)
        .first()
    )
    everyone, active, started = set(), set(), set()
    ended = defaultdict(lambda: None)
    tandems = (
        Tandem.objects.filter(scope)
        .exclude(mentor_id=placeholder)
        .order_by()
        .values_list("program_id", "mentor_id")
        .annotate(
            current=Count("pk", filter=Q(status__in=Tandem.CURRENT)),
            started=Count("pk", filter=Q(started_on__isnull=False)),
            last=Max("ended_on", filter=Q(status__in=Tandem.ENDED)),
        )
    )
    for program, mentor, current, began, last in tandems:
        pair = (program, mentor)
        everyone.add(pair)
        if current:
            active.add(pair)
        if began:
            started.add(pair)
        ended[pair] = last
    applications = (
        Application.objects.filter(scope)
        .order_by()
        .values_list("program_id", "volunteer_id")
        .annotate(
            open=Count("pk", filter=Q(status=Application.Status.OPEN)),
            last=Max("stage_changed_at", filter=Q(status__in=CLOSED)),
        )
    )
    for program, volunteer, still_open, last in applications:
        pair = (program, volunteer)
        everyone.add(pair)
        if still_open:
            active.add(pair)
        if last is not None:
            ended[pair] = max(filter(None, [ended[pair], _local_day(last)]))
    for model, person in (
        (ScreeningRecord, "volunteer"),
        (Training, "volunteer"),
        (CodeOfConductSignature, "volunteer"),
        (ConsentRecord, "user"),
        (Document, "volunteer"),
    ):
        everyone |= _pairs(model, person, model.objects.filter(scope))
    return everyone - active, started, ended


def plan(*, now=None, programs: list[int] | None = None) -> Plan:
    """What is due for deletion or anonymisation at `now` (nothing is changed)."""
    now = now or timezone.now()
    today = _local_day(now)
    found = Plan(today=today)

    for months, ids in _months_by_program(programs, "retention_applications_months").items():
        before = local_datetime(last_day_over(today, months) + timedelta(days=1), time(0, 0))
        found.applications += list(
            Application.objects.filter(
                program__in=ids, status__in=CLOSED, stage_changed_at__lt=before
            ).values_list("pk", flat=True)
        )

    inactive, started, ended = _volunteer_activity(programs)
    screening_over = last_day_over(today, SCREENING_MONTHS)
    screening_due = {
        pair
        for pair in inactive
        if pair not in started or ended[pair] is None or ended[pair] <= screening_over
    }
    if screening_due:
        records = ScreeningRecord.objects.values_list("pk", "program_id", "volunteer_id")
        if programs is not None:
            records = records.filter(program__in=programs)
        found.screening = [pk for pk, *pair in records if tuple(pair) in screening_due]

    people = _months_by_program(programs, "retention_people_months")
    people_over = {
        program: last_day_over(today, months) for months, ids in people.items() for program in ids
    }
    found.volunteers = sorted(
        pair for pair in inactive if ended[pair] is None or ended[pair] <= people_over[pair[0]]
    )

    for months, ids in people.items():
        over = last_day_over(today, months)
        candidates = (
            Mentee.objects.filter(program__in=ids, anonymised_at__isnull=True)
            .exclude(status=Mentee.Status.WAITING)
            .exclude(tandems__status__in=Tandem.CURRENT)
            .values_list("pk", "waiting_since", "created_at")
            .annotate(last_end=Max("tandems__ended_on"))
        )
        for pk, waiting_since, created_at, last_end in candidates:
            if max(filter(None, [waiting_since, _local_day(created_at), last_end])) <= over:
                found.mentees.append(pk)

    for months, ids in _months_by_program(programs, "retention_concerns_months").items():
        before = local_datetime(last_day_over(today, months) + timedelta(days=1), time(0, 0))
        found.concerns += list(
            Concern.objects.filter(
                program__in=ids, status=Concern.Status.CLOSED, closed_at__lt=before
            ).values_list("pk", flat=True)
        )

    found.registrations = _registrations_due(today, programs)
    found.messages, found.todos = _coordination_records_due(today, programs)
    if programs is None:
        found.notifications = _old_notifications(now).count()
        found.invitations = _old_invitations(now).count()
    return found


def _registrations_due(today: date, programs: list[int] | None) -> list[int]:
    default = settings.REGISTRATION_RETENTION_MONTHS
    months_of = {
        program: months
        for months, ids in _months_by_program(programs, "retention_registrations_months").items()
        for program in ids
    }
    # Events that ended at least the shortest period ago: a repeating event's last date is
    # looked up in Python (its row holds only the first).
    shortest = min([*months_of.values(), default])
    candidates = Event.objects.filter(
        Q(ends_at__lt=local_datetime(last_day_over(today, shortest) + timedelta(days=1), time()))
        | ~Q(recurrence=""),
        pk__in=Registration.objects.exclude(email__endswith=ANONYMOUS_EMAIL).values("event"),
    )
    if programs is not None:
        candidates = candidates.filter(program__in=programs)
    due = []
    for event in candidates:
        months = months_of.get(event.program_id, default)
        end = event.ends_at
        if event.recurrence:
            dates = occurrences(event)
            end = dates[-1].ends_at if dates else event.ends_at
        if _local_day(end) <= last_day_over(today, months):
            due.append(event.pk)
    return list(
        Registration.objects.filter(event__in=due)
        .exclude(email__endswith=ANONYMOUS_EMAIL)
        .values_list("pk", flat=True)
    )


def _coordination_records_due(today: date, programs: list[int] | None):
    """Messages to volunteers (with their recipients) and done to-dos past their periods."""
    scope = {} if programs is None else {"program__in": programs}
    sent_before = local_datetime(
        last_day_over(today, settings.PROGRAM_MESSAGE_RETENTION_MONTHS) + timedelta(days=1),
        time(0, 0),
    )
    done_before = local_datetime(
        last_day_over(today, settings.TODO_RETENTION_MONTHS) + timedelta(days=1), time(0, 0)
    )
    messages = ProgramMessage.objects.filter(created_at__lt=sent_before, **scope)
    todos = Todo.objects.filter(done_at__lt=done_before, **scope)
    return list(messages.values_list("pk", flat=True)), list(todos.values_list("pk", flat=True))


def _old_notifications(now):
    """Finished outbox rows due N days ago or earlier (by local days, like the other periods)."""
    days = settings.NOTIFICATION_RETENTION_DAYS
    before = local_datetime(_local_day(now) - timedelta(days=days - 1), time(0, 0))
    return Notification.objects.exclude(state=Notification.State.PENDING).filter(due_at__lt=before)


def _old_invitations(now):
    """Coordinator invitations accepted, revoked or expired N days ago or earlier."""
    return invitations_expired_before(
        now - timedelta(days=settings.COORDINATOR_INVITATION_RETENTION_DAYS)
    )


def _settled_moderation_notices(now):
    """The network's feedback that its recipient acted on N days ago or earlier (as the outbox)."""
    days = settings.NOTIFICATION_RETENTION_DAYS
    before = local_datetime(_local_day(now) - timedelta(days=days - 1), time(0, 0))
    return ModerationNotice.objects.filter(settled_at__lt=before)


def run(*, now=None) -> RetentionRun:
    """Delete and anonymise what is due; one transaction, so a failure changes nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        due = plan(now=now)
        applications = Application.objects.filter(pk__in=due.applications)
        records = ScreeningRecord.objects.filter(pk__in=due.screening)
        # Their audit entries are labelled with the volunteer's name.
        audit_forget(obj=[applications, records])
        applications.delete()
        records.delete()
        services.volunteer_program_records_erase(pairs=due.volunteers)
        services.mentees_anonymise(ids=due.mentees)
        services.registrations_anonymise(Registration.objects.filter(pk__in=due.registrations))
        _old_notifications(now).delete()
        _old_invitations(now).delete()
        _settled_moderation_notices(now).delete()
        finished = [
            ProgramMessage.objects.filter(pk__in=due.messages),
            Todo.objects.filter(pk__in=due.todos),
        ]
        audit_forget(obj=finished)
        for queryset in finished:
            queryset.delete()
        # Their audit entries carry no text (str() is the number): nothing to forget there.
        Concern.objects.filter(pk__in=due.concerns).delete()
        result = RetentionRun.objects.create(at=now, counts=due.counts())
    logger.info("retention: %s", ", ".join(f"{k} {v}" for k, v in result.counts.items()))
    return result

"""A tandem's life: its status history, goals, meetings and check-ins on well-being."""

from datetime import date, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import created_by_field
from core.text import MultiLineTextField, SingleLineCharField
from programs.models import Program

from .people import Mentee, Weekday


class Rhythm(models.TextChoices):
    WEEKLY = "weekly", _("weekly")
    BIWEEKLY = "biweekly", _("every two weeks")
    MONTHLY = "monthly", _("monthly")


class TandemQuerySet(models.QuerySet):
    def current(self):
        """Proposed, active or paused: the tandems that still need the coordinator."""
        return self.filter(status__in=Tandem.CURRENT)

    def running(self):
        return self.filter(status__in=[Tandem.Status.ACTIVE, Tandem.Status.PAUSED])

    def ended(self):
        return self.filter(status__in=Tandem.ENDED)


class Tandem(models.Model):
    """A mentor and a mentee of one program, from the proposal to the end.

    `ended_on` starts the retention clock of the tandem's personal data.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        ACTIVE = "active", _("active")
        PAUSED = "paused", _("paused")
        CLOSED = "closed", _("completed")
        ENDED_EARLY = "ended_early", _("ended early")

    class EndReason(models.TextChoices):
        COMPLETED = "completed", _("planned period completed")
        GOALS_REACHED = "goals_reached", _("goals reached")
        NOT_STARTED = "not_started", _("did not start")
        MENTOR_TIME = "mentor_time", _("the mentor has no time any more")
        MENTEE_MOVED = "mentee_moved", _("the mentee moved away")
        MISMATCH = "mismatch", _("the two did not get along")
        MENTEE_WITHDREW = "mentee_withdrew", _("the mentee or guardian ended it")
        MENTOR_WITHDREW = "mentor_withdrew", _("the mentor ended it")
        OTHER = "other", _("other reason")

    CURRENT = (Status.PROPOSED, Status.ACTIVE, Status.PAUSED)
    ENDED = (Status.CLOSED, Status.ENDED_EARLY)

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="tandems", verbose_name=_("program")
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="tandems",
        verbose_name=_("mentor"),
    )
    mentee = models.ForeignKey(
        Mentee, on_delete=models.PROTECT, related_name="tandems", verbose_name=_("mentee")
    )
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.PROPOSED)
    status_changed_at = models.DateTimeField(_("status since"), default=timezone.now)
    match_explanation = models.JSONField(_("why they were matched"), default=list, blank=True)
    started_on = models.DateField(_("start date"), null=True, blank=True)
    planned_end_on = models.DateField(_("planned end"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(
        _("reason for the end"), max_length=20, choices=EndReason, blank=True
    )
    end_note = MultiLineTextField(_("note on the end"), max_length=1000, blank=True)
    rhythm = models.CharField(
        _("meeting rhythm"), max_length=10, choices=Rhythm, default=Rhythm.WEEKLY
    )
    preferred_weekday = models.CharField(
        _("preferred weekday"), max_length=2, choices=Weekday, blank=True
    )
    preferred_time = models.TimeField(_("preferred time"), null=True, blank=True)
    # The day of the last held meeting, kept by the services that log meetings: the dashboard
    # asks "no contact for N days" of every running tandem and must not scan all meetings.
    last_contact_on = models.DateField(_("last meeting held"), null=True, blank=True)
    # The day of the latest support contact, kept by tandems/services/support.py: the dashboard's
    # "support due" must not scan every contact of every tandem.
    last_support_on = models.DateField(_("last support contact"), null=True, blank=True)
    created_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    created_by = created_by_field()
    # The program's own key of the tandem (from its spreadsheet): a re-import finds it by it.
    external_id = SingleLineCharField(_("external id"), max_length=100, blank=True, default="")

    objects = TandemQuerySet.as_manager()

    class Meta:
        verbose_name = _("tandem")
        verbose_name_plural = _("tandems")
        ordering = ["-created_at"]
        indexes = [
            # Covering: the dashboard's figures and its join of the due check-ins read a
            # program's tandems from the index alone (key columns, as SQLite has no INCLUDE).
            models.Index(
                fields=[
                    "program",
                    "status",
                    "id",
                    "started_on",
                    "last_contact_on",
                    "last_support_on",
                    "planned_end_on",
                ],
                name="tandem_program_figures",
            ),
            models.Index(fields=["status", "last_contact_on"]),
            models.Index(fields=["status", "planned_end_on"]),
            models.Index(fields=["status", "ended_on"]),
            models.Index(fields=["status", "last_support_on"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "external_id"],
                condition=~Q(external_id=""),
                name="unique_tandem_external_id_per_program",
            ),
            models.UniqueConstraint(
                fields=["mentee"],
                condition=Q(status__in=["proposed", "active", "paused"]),
                name="one_current_tandem_per_mentee",
            ),
            models.CheckConstraint(
                condition=Q(status="proposed")
                | Q(started_on__isnull=False)
                | Q(status="ended_early"),
                name="running_tandem_has_start",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["closed", "ended_early"])
                | (Q(ended_on__isnull=False) & ~Q(end_reason="")),
                name="ended_tandem_has_date_and_reason",
            ),
            models.CheckConstraint(
                condition=Q(planned_end_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(planned_end_on__gt=models.F("started_on")),
                name="planned_end_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.mentor} & {self.mentee}"

    def get_absolute_url(self):
        return reverse("tandems:coordination_tandem", kwargs={"pk": self.pk})

    @property
    def mentor_name(self) -> str:
        """The mentor as coordinators know her: the profile's name (select_related
        "mentor__volunteer_profile"), the address only for an account without a profile."""
        profile = getattr(self.mentor, "volunteer_profile", None)
        return profile.name if profile else str(self.mentor)

    @property
    def is_current(self) -> bool:
        return self.status in self.CURRENT

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.ACTIVE, self.Status.PAUSED)

    def duration_days(self, today: date | None = None) -> int | None:
        if self.started_on is None:
            return None
        end = self.ended_on or today or timezone.localdate()
        return max((end - self.started_on).days, 0)


class TandemStatusChange(models.Model):
    """Every change of a tandem's status: from, to, who, when and why."""

    tandem = models.ForeignKey(
        Tandem, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("tandem")
    )
    from_status = models.CharField(_("from"), max_length=12, choices=Tandem.Status, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=Tandem.Status)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = SingleLineCharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("status change of a tandem")
        verbose_name_plural = _("status changes of tandems")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.tandem_id}: {self.from_status} → {self.to_status}"


class Goal(models.Model):
    class Progress(models.IntegerChoices):
        OPEN = 0, _("not started")
        STARTED = 25, _("started")
        HALF = 50, _("half way")
        NEARLY = 75, _("nearly there")
        REACHED = 100, _("reached")

    tandem = models.ForeignKey(
        Tandem, on_delete=models.CASCADE, related_name="goals", verbose_name=_("tandem")
    )
    title = SingleLineCharField(_("goal"), max_length=200)
    progress = models.PositiveSmallIntegerField(
        _("progress"), choices=Progress, default=Progress.OPEN
    )
    created_at = models.DateTimeField(_("set at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__in=[0, 25, 50, 75, 100]), name="goal_progress_in_steps"
            ),
        ]

    def __str__(self):
        return self.title


class MeetingQuerySet(models.QuerySet):
    def planned(self):
        return self.filter(status=Meeting.Status.PLANNED)

    def upcoming(self, now=None):
        return self.planned().filter(starts_at__gte=now or timezone.now()).order_by("starts_at")

    def held(self):
        return self.filter(status=Meeting.Status.HELD)


class Meeting(models.Model):
    """A planned meeting, and once it is past, what happened: held, cancelled or missed."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        HELD = "held", pgettext_lazy("meeting", "held")
        CANCELLED = "cancelled", pgettext_lazy("meeting", "cancelled")
        MISSED = "missed", pgettext_lazy("meeting", "missed")

    class Activity(models.TextChoices):
        TALK = "talk", _("talking")
        LEARNING = "learning", _("learning and homework")
        READING = "reading", _("reading")
        OUTDOORS = "outdoors", _("outdoors and sports")
        CULTURE = "culture", _("culture and museum")
        COOKING = "cooking", _("cooking and eating")
        GAMES = "games", _("playing games")
        ERRANDS = "errands", _("errands and appointments")
        OTHER = "other", _("something else")

    tandem = models.ForeignKey(
        Tandem, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("tandem")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PLANNED)
    starts_at = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"),
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 60)],
    )
    place = SingleLineCharField(_("place"), max_length=200, blank=True)
    online = models.BooleanField(_("online"), default=False)
    activity = models.CharField(_("activity"), max_length=10, choices=Activity, blank=True)
    note = MultiLineTextField(_("note"), max_length=500, blank=True)
    # iCalendar SEQUENCE: raised with every change a calendar should pick up.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_by = created_by_field()
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    logged_at = models.DateTimeField(_("logged at"), null=True, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at"]
        indexes = [
            models.Index(fields=["tandem", "status", "starts_at"]),
            models.Index(fields=["status", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1) & Q(duration_minutes__lte=24 * 60),
                name="meeting_duration_within_a_day",
            ),
        ]

    def __str__(self):
        return f"{self.tandem_id} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    @property
    def ends_at(self):
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def is_logged(self) -> bool:
        return self.status != self.Status.PLANNED


CHECKIN_ITEMS = (
    "wellbeing",
    "self_efficacy_1",
    "self_efficacy_2",
    "self_efficacy_3",
    "satisfaction",
)


def _answer(label):
    return models.PositiveSmallIntegerField(
        label, null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )


class CheckInQuerySet(models.QuerySet):
    def open(self):
        return self.filter(completed_at__isnull=True)

    def due(self, on: date | None = None):
        return self.open().filter(due_on__lte=on or timezone.localdate())

    def completed(self):
        return self.filter(completed_at__isnull=False)


class CheckIn(models.Model):
    """A short questionnaire on well-being, self-efficacy and the tandem, answered 1 to 5.

    Scheduled at the start, every few months (the program's interval) and at the end, once for
    the mentor and once for the mentee. The self-efficacy items are adapted from the General
    Self-Efficacy Scale (Schwarzer & Jerusalem).
    """

    class Respondent(models.TextChoices):
        MENTOR = "mentor", _("mentor")
        MENTEE = "mentee", _("mentee")

    class Occasion(models.TextChoices):
        START = "start", _("start")
        REGULAR = "regular", _("during the tandem")
        CLOSURE = "closure", _("end")

    class AnsweredBy(models.TextChoices):
        MENTOR = "mentor", _("the mentor")
        MENTEE_WITH_MENTOR = "mentee_mentor", _("the mentee, together with the mentor")
        MENTEE_WITH_COORDINATOR = "mentee_coord", _("the mentee, together with the coordinator")
        GUARDIAN = "guardian", _("the guardian")

    tandem = models.ForeignKey(
        Tandem, on_delete=models.CASCADE, related_name="checkins", verbose_name=_("tandem")
    )
    respondent = models.CharField(_("about"), max_length=6, choices=Respondent)
    occasion = models.CharField(_("occasion"), max_length=8, choices=Occasion)
    due_on = models.DateField(_("due on"))
    completed_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.CharField(_("answered by"), max_length=14, choices=AnsweredBy, blank=True)
    filled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    wellbeing = _answer(_("I feel well at the moment."))
    self_efficacy_1 = _answer(_("When problems arise, I find ways and means to deal with them."))
    self_efficacy_2 = _answer(_("I can remain calm when facing difficulties."))
    self_efficacy_3 = _answer(_("I can find a solution to most problems."))
    satisfaction = _answer(_("I am satisfied with our tandem."))

    objects = CheckInQuerySet.as_manager()

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["due_on", "respondent"]
        indexes = [
            # Covering: the dashboard counts the due check-ins per program from the index alone.
            models.Index(
                fields=["due_on", "tandem", "occasion"],
                condition=Q(completed_at__isnull=True),
                name="open_checkin_due_covering",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["tandem", "respondent", "occasion", "due_on"], name="one_checkin_per_date"
            ),
            models.CheckConstraint(
                condition=Q(completed_at__isnull=True)
                | (
                    Q(wellbeing__isnull=False)
                    & Q(self_efficacy_1__isnull=False)
                    & Q(self_efficacy_2__isnull=False)
                    & Q(self_efficacy_3__isnull=False)
                    & Q(satisfaction__isnull=False)
                ),
                name="completed_checkin_has_all_answers",
            ),
        ]

    def __str__(self):
        return f"{self.tandem_id} {self.respondent} {self.occasion} {self.due_on}"

    @property
    def self_efficacy(self) -> float | None:
        values = [self.self_efficacy_1, self.self_efficacy_2, self.self_efficacy_3]
        if None in values:
            return None
        return sum(values) / 3


class CalendarFeed(models.Model):
    """A mentor's private iCalendar address of their meetings; a new token revokes the old."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return f"{self.user}"

    def get_absolute_url(self):
        return reverse("tandems:mentor_feed", kwargs={"token": self.token})

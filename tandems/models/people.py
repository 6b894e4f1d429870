"""Volunteers' applications and screening, mentees and their waiting list."""

from datetime import date, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.text import MultiLineTextField, SingleLineCharField
from programs.models import Program, TargetGroup, Topic


class Weekday(models.TextChoices):
    MONDAY = "mo", _("Monday")
    TUESDAY = "di", _("Tuesday")
    WEDNESDAY = "mi", _("Wednesday")
    THURSDAY = "do", _("Thursday")
    FRIDAY = "fr", _("Friday")
    SATURDAY = "sa", _("Saturday")
    SUNDAY = "so", _("Sunday")


class DayTime(models.TextChoices):
    MORNING = "vormittag", _("morning")
    AFTERNOON = "nachmittag", _("afternoon")
    EVENING = "abend", _("evening")


class AgeGroup(models.TextChoices):
    CHILDREN = "kinder", _("children (up to 12)")
    TEENAGERS = "jugendliche", _("young people (13 to 17)")
    YOUNG_ADULTS = "junge-erwachsene", _("young adults (18 to 27)")
    ADULTS = "erwachsene", _("adults")
    OLDER = "aeltere", _("older people (65 and over)")


def availability_slots() -> list[tuple[str, str]]:
    """'mo-vormittag' ... 'so-abend': when a person can meet."""
    return [
        (f"{day}-{time}", f"{day_label}, {time_label}")
        for day, day_label in Weekday.choices
        for time, time_label in DayTime.choices
    ]


class ProgramTandemSettings(models.Model):
    """What a program decides about screening and matching (kept here, not in `programs`)."""

    program = models.OneToOneField(
        Program, on_delete=models.CASCADE, related_name="tandem_settings", verbose_name=_("program")
    )
    requires_certificate = models.BooleanField(
        _("requires an extended certificate of conduct"),
        default=True,
        help_text=_("Required by § 72a SGB VIII when volunteers work with minors."),
    )
    certificate_max_age_days = models.PositiveSmallIntegerField(
        _("maximum age of the certificate at inspection (days)"),
        default=92,
        validators=[MinValueValidator(1), MaxValueValidator(366)],
    )
    reinspection_years = models.PositiveSmallIntegerField(
        _("re-inspection after (years)"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    privacy_notice_version = SingleLineCharField(
        _("version of the privacy notice"), max_length=40, default="2026-11"
    )
    privacy_notice = MultiLineTextField(
        _("privacy notice for applicants"),
        blank=True,
        help_text=_("Shown on the application form; change the version when you change it."),
    )
    # Matching weights: how much each criterion counts (0 switches it off).
    weight_distance = models.PositiveSmallIntegerField(_("weight: distance"), default=3)
    weight_languages = models.PositiveSmallIntegerField(_("weight: shared languages"), default=2)
    weight_interests = models.PositiveSmallIntegerField(_("weight: shared interests"), default=2)
    weight_availability = models.PositiveSmallIntegerField(_("weight: availability"), default=1)
    weight_preferences = models.PositiveSmallIntegerField(
        _("weight: age and target group wishes"), default=1
    )
    weight_waiting = models.PositiveSmallIntegerField(_("weight: time waiting"), default=1)
    # The tandem lifecycle.
    tandem_duration_months = models.PositiveSmallIntegerField(
        _("planned duration of a tandem (months)"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    no_contact_days = models.PositiveSmallIntegerField(
        _("alert after days without a logged meeting"),
        default=21,
        validators=[MinValueValidator(3), MaxValueValidator(180)],
    )
    checkin_interval_months = models.PositiveSmallIntegerField(
        _("check-in every (months)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    # Match support (MENTOR's Elements of Effective Practice, standard 5): how often a coordinator
    # is expected to contact a tandem, in its first 12 months and afterwards.
    support_interval_first_year_months = models.PositiveSmallIntegerField(
        _("support contact expected every (months) in a tandem's first year"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    support_interval_later_months = models.PositiveSmallIntegerField(
        _("support contact expected every (months) after the first year"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    mentors_may_have_several_tandems = models.BooleanField(
        _("a volunteer may accompany several mentees at once"), default=False
    )
    # Retention (privacy/retention.py): how long personal data is kept once it is not needed.
    retention_applications_months = models.PositiveSmallIntegerField(
        _("keep rejected or withdrawn applications for (months)"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
    )
    retention_people_months = models.PositiveSmallIntegerField(
        _("keep mentees' and volunteers' data after their last tandem for (months)"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_(
            "Counted from the end of the person's last tandem in the program (or the closing of "
            "their application). Afterwards tandems, meetings and check-ins stay as anonymous "
            "records for the statistics."
        ),
    )
    retention_concerns_months = models.PositiveSmallIntegerField(
        _("keep closed concerns about a person's safety for (months)"),
        default=36,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_(
            "Counted from the closing of the concern; set it as your child protection process "
            "requires. Open concerns are never deleted."
        ),
    )
    retention_registrations_months = models.PositiveSmallIntegerField(
        _("keep event registrations after the event for (months)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
    )

    class Meta:
        verbose_name = _("tandem settings of a program")
        verbose_name_plural = _("tandem settings of programs")

    def __str__(self):
        return str(self.program)


class VolunteerProfile(models.Model):
    """What a volunteer tells about themselves once; reused for every application."""

    class Address(models.TextChoices):
        NAME = "name", _("by name only")
        MS = "frau", _("Ms (Frau)")
        MR = "herr", _("Mr (Herr)")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="volunteer_profile",
        verbose_name=_("user"),
    )
    name = SingleLineCharField(_("name"), max_length=150)
    form_of_address = models.CharField(
        _("how to address you"), max_length=10, choices=Address, default=Address.NAME
    )
    year_of_birth = models.PositiveSmallIntegerField(
        _("year of birth"), validators=[MinValueValidator(1920), MaxValueValidator(2015)]
    )
    phone = SingleLineCharField(
        _("phone"),
        max_length=40,
        blank=True,
        help_text=_("Optional. Only the coordinators of your programs see it."),
    )
    postcode = SingleLineCharField(_("postcode"), max_length=5)
    city = SingleLineCharField(_("place"), max_length=100, blank=True)
    latitude = models.FloatField(null=True, blank=True, editable=False)
    longitude = models.FloatField(null=True, blank=True, editable=False)
    languages = SingleLineCharField(
        _("languages"),
        max_length=200,
        help_text=_("Separated by commas, e.g. Deutsch, Englisch, Arabisch."),
    )
    interests = models.ManyToManyField(
        Topic, blank=True, related_name="+", verbose_name=_("interests and topics")
    )
    availability = models.JSONField(_("when you can meet"), default=list, blank=True)
    preferred_age_groups = models.JSONField(
        _("preferred age of the mentee"), default=list, blank=True
    )
    preferred_target_groups = models.ManyToManyField(
        TargetGroup, blank=True, related_name="+", verbose_name=_("preferred target groups")
    )
    motivation = MultiLineTextField(_("motivation"), max_length=2000)
    heard_from = SingleLineCharField(_("how you heard of the program"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("volunteer profile")
        verbose_name_plural = _("volunteer profiles")

    def __str__(self):
        return self.name

    @property
    def language_set(self) -> set[str]:
        return {part.strip().casefold() for part in self.languages.split(",") if part.strip()}

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class PipelineStage(models.Model):
    """A stage of a program's application pipeline, in order; one stage means 'ready'."""

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="pipeline_stages", verbose_name=_("program")
    )
    name = SingleLineCharField(_("name"), max_length=100)
    name_en = SingleLineCharField(
        _("English name"),
        max_length=100,
        blank=True,
        help_text=_("Shown on the English pages and in English e-mails; empty: the name."),
    )
    position = models.PositiveSmallIntegerField(_("position"))
    is_ready = models.BooleanField(
        _("ready for a tandem"), default=False, help_text=_("The last stage: can be matched.")
    )
    needs_certificate = models.BooleanField(
        _("needs an inspected certificate"),
        default=False,
        help_text=_("An application reaches this stage only with a valid § 72a record."),
    )

    class Meta:
        verbose_name = _("pipeline stage")
        verbose_name_plural = _("pipeline stages")
        ordering = ["program", "position"]
        constraints = [
            models.UniqueConstraint(fields=["program", "position"], name="unique_stage_position"),
            models.UniqueConstraint(
                fields=["program"], condition=Q(is_ready=True), name="one_ready_stage_per_program"
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        """The name in the active language: the English one on English pages where it is given."""
        return self.name_en if self.name_en and get_language() == "en" else self.name


class Channel(models.TextChoices):
    """How an application or a consent reached the program."""

    ONLINE = "online", _("online form")
    PAPER = "paper", _("on paper")
    PHONE = "phone", _("by phone")
    IN_PERSON = "in_person", _("in person")
    # Taken over from the program's own records (tandems/imports.py); the coordinator who
    # imported is recorded as `recorded_by`.
    IMPORT = "import", _("imported from the program's records")


class ApplicationQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=Application.Status.OPEN)

    def for_programs_of(self, user):
        return self.filter(program__memberships__user=user)


class Application(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("open")
        REJECTED = "rejected", _("rejected")
        WITHDRAWN = "withdrawn", _("withdrawn")

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="applications", verbose_name=_("program")
    )
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="applications",
        verbose_name=_("volunteer"),
    )
    stage = models.ForeignKey(
        PipelineStage,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("stage"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.OPEN)
    reason = MultiLineTextField(_("reason for rejection"), blank=True, max_length=2000)
    # A coordinator enters an application made on paper, by phone or in person.
    channel = models.CharField(
        _("how the application came in"), max_length=10, choices=Channel, default=Channel.ONLINE
    )
    created_at = models.DateTimeField(_("applied at"), auto_now_add=True)
    stage_changed_at = models.DateTimeField(_("in this stage since"), default=timezone.now)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["created_at"]
        constraints = [
            # One open application per person and program.
            models.UniqueConstraint(
                fields=["program", "volunteer"],
                condition=Q(status="open"),
                name="one_open_application_per_program",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(reason=""),
                name="rejected_application_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.volunteer} → {self.program}"

    @property
    def days_waiting(self) -> int:
        return (timezone.now() - self.stage_changed_at).days


class ApplicationEvent(models.Model):
    """Every move of an application: who, when, from where to where."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="events", verbose_name=_("application")
    )
    from_stage = models.ForeignKey(
        PipelineStage, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    to_stage = models.ForeignKey(
        PipelineStage, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=Application.Status)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("application event")
        verbose_name_plural = _("application events")
        ordering = ["at"]

    def __str__(self):
        return f"{self.application}: {self.from_stage} → {self.to_stage} ({self.status})"


class ApplicationNote(models.Model):
    """Coordinators' note on an application: internal to the program, but the volunteer's data
    (Art. 15 GDPR), so it is on their "Meine Daten" page and in their export."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="notes", verbose_name=_("application")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = MultiLineTextField(_("note"), max_length=2000)
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.application} ({self.created_at:%Y-%m-%d})"


class ScreeningRecord(models.Model):
    """§ 72a SGB VIII: only that an extended certificate of conduct was inspected.

    Exactly the allowed fields: no copy, no file, no free text.
    """

    program = models.ForeignKey(
        Program,
        on_delete=models.CASCADE,
        related_name="screening_records",
        verbose_name=_("program"),
    )
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="screening_records",
        verbose_name=_("volunteer"),
    )
    inspected = models.BooleanField(_("certificate inspected"))
    certificate_issued_on = models.DateField(_("issue date of the certificate"))
    inspected_on = models.DateField(_("inspection date"))
    inspected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("inspected by"),
    )
    relevant_entry = models.BooleanField(_("relevant entry (§ 72a)"))

    class Meta:
        verbose_name = _("§ 72a record")
        verbose_name_plural = _("§ 72a records")
        ordering = ["-inspected_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(certificate_issued_on__lte=models.F("inspected_on")),
                name="certificate_issued_before_inspection",
            ),
        ]

    def __str__(self):
        return f"§ 72a {self.volunteer} ({self.inspected_on})"

    def reinspection_due_on(self, *, years: int) -> date:
        try:
            return self.inspected_on.replace(year=self.inspected_on.year + years)
        except ValueError:  # 29 February
            return self.inspected_on.replace(year=self.inspected_on.year + years, day=28)

    def is_valid_on(self, day: date, *, years: int) -> bool:
        return (
            self.inspected
            and not self.relevant_entry
            and self.inspected_on <= day < self.reinspection_due_on(years=years)
        )


class Training(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trainings"
    )
    title = SingleLineCharField(_("title"), max_length=200)
    attended_on = models.DateField(_("attended on"))

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        ordering = ["-attended_on"]

    def __str__(self):
        return f"{self.title} ({self.attended_on})"


class CodeOfConductSignature(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conduct_signatures"
    )
    version = SingleLineCharField(_("version"), max_length=40)
    signed_on = models.DateField(_("signed on"))

    class Meta:
        verbose_name = _("signed code of conduct")
        verbose_name_plural = _("signed codes of conduct")
        constraints = [
            models.UniqueConstraint(
                fields=["program", "volunteer", "version"], name="one_signature_per_version"
            ),
        ]

    def __str__(self):
        return f"{self.volunteer}: {self.version} ({self.signed_on})"


class Mentee(models.Model):
    """A person accompanied by a tandem, registered by a coordinator with minimal data."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("waiting for a mentor")
        MATCHED = "matched", _("in a tandem")
        INACTIVE = "inactive", _("no longer waiting")

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="mentees", verbose_name=_("program")
    )
    first_name = SingleLineCharField(_("first name or pseudonym"), max_length=100)
    year_of_birth = models.PositiveSmallIntegerField(
        _("year of birth"), validators=[MinValueValidator(1920), MaxValueValidator(2030)]
    )
    postcode = SingleLineCharField(_("postcode"), max_length=5)
    city = SingleLineCharField(_("place"), max_length=100, blank=True)
    latitude = models.FloatField(null=True, blank=True, editable=False)
    longitude = models.FloatField(null=True, blank=True, editable=False)
    languages = SingleLineCharField(_("languages"), max_length=200)
    interests = models.ManyToManyField(
        Topic, blank=True, related_name="+", verbose_name=_("interests")
    )
    target_groups = models.ManyToManyField(
        TargetGroup, blank=True, related_name="+", verbose_name=_("target groups")
    )
    availability = models.JSONField(_("when the mentee can meet"), default=list, blank=True)
    goals_and_needs = MultiLineTextField(_("goals and needs"), max_length=1000, blank=True)
    guardian_name = SingleLineCharField(_("guardian's name"), max_length=150, blank=True)
    guardian_phone = SingleLineCharField(_("guardian's phone"), max_length=200, blank=True)
    guardian_email = models.EmailField(_("guardian's e-mail"), blank=True)
    reminder_email = models.EmailField(
        _("e-mail for reminders"),
        blank=True,
        help_text=_("Only with consent: reminders go to the mentee or guardian."),
    )
    reminder_language = models.CharField(
        _("language of the reminders"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.WAITING)
    waiting_since = models.DateField(_("waiting since"), default=timezone.localdate)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    # Set when the personal data was erased (on request or after the retention period): the row
    # stays, empty, so that the tandems' statistics stay whole.
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    # The program's own key of the mentee (from its spreadsheet): a re-import finds the mentee
    # by it (tandems/imports.py).
    external_id = SingleLineCharField(_("external id"), max_length=100, blank=True, default="")

    class Meta:
        verbose_name = _("mentee")
        verbose_name_plural = _("mentees")
        ordering = ["waiting_since", "pk"]
        indexes = [
            # The dashboard's longest waiting per program, read in order without the others.
            models.Index(
                fields=["program", "waiting_since"],
                condition=Q(status="waiting"),
                name="waiting_mentee_by_program",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "external_id"],
                condition=~Q(external_id=""),
                name="unique_mentee_external_id_per_program",
            ),
        ]

    def __str__(self):
        return self.first_name

    def age_on(self, day: date) -> int:
        return day.year - self.year_of_birth

    @property
    def is_minor(self) -> bool:
        return self.age_on(timezone.localdate()) < 18

    @property
    def language_set(self) -> set[str]:
        return {part.strip().casefold() for part in self.languages.split(",") if part.strip()}

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class ConsentRecord(models.Model):
    """A consent as given: who, to what (scope and text version), when; and its withdrawal."""

    class Scope(models.TextChoices):
        PRIVACY_NOTICE = "privacy", _("privacy notice of the program")
        OTHER_PROGRAMS = "other_programs", _("contact by other programs")
        GUARDIAN = "guardian", _("guardian's consent for a minor")
        REMINDERS = "reminders", _("e-mail reminders to the mentee or guardian")

    scope = models.CharField(_("scope"), max_length=20, choices=Scope)
    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="consents",
    )
    mentee = models.ForeignKey(
        Mentee, on_delete=models.CASCADE, null=True, blank=True, related_name="consents"
    )
    text_version = SingleLineCharField(_("text version"), max_length=40)
    given_at = models.DateTimeField(_("given at"), default=timezone.now)
    # How the consent was given; off the portal a coordinator records it (and is named here).
    method = models.CharField(
        _("given how"), max_length=10, choices=Channel, default=Channel.ONLINE
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["given_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) ^ Q(mentee__isnull=False),
                name="consent_of_a_user_or_a_mentee",
            ),
        ]

    def __str__(self):
        return f"{self.get_scope_display()} ({self.text_version})"


def certificate_too_old(*, issued_on: date, inspected_on: date, max_age_days: int) -> bool:
    return inspected_on - issued_on > timedelta(days=max_age_days)

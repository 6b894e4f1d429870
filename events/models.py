"""Events of the network and its members, their recurrence, and registrations for them."""

from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import created_at_field, created_by_field, updated_at_field
from core.text import MultiLineCharField, MultiLineTextField, SingleLineCharField
from programs.models import Organization, Program, State, Vocabulary

# The fields that decide when an event's occurrences are (Event.last_ends_at follows them).
SCHEDULE_FIELDS = {"starts_at", "ends_at", "recurrence", "exdates"}


class EventType(Vocabulary):
    """Fachkongress, Netzwerktreffen, Fortbildung, ...: kept under /netzwerk/vokabulare/."""

    class Meta(Vocabulary.Meta):
        verbose_name = _("event type")
        verbose_name_plural = _("event types")


class Audience(Vocabulary):
    """Koordinator:innen, Mentor:innen, Öffentlichkeit, Fachpublikum."""

    class Meta(Vocabulary.Meta):
        verbose_name = _("audience")
        verbose_name_plural = _("audiences")


class EventQuerySet(models.QuerySet):
    def published(self):
        """What the public sees: published events and cancelled ones (marked as cancelled)."""
        return self.filter(status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED])

    def single(self):
        return self.filter(recurrence="")

    def recurring(self):
        return self.exclude(recurrence="")


def series_running_after(moment) -> Q:
    """For series: those with an occurrence that ends after `moment`, by the end of their last
    occurrence; where that is unknown (rows written in bulk), the series is kept and expanded."""
    return Q(last_ends_at__gt=moment) | Q(last_ends_at__isnull=True)


class Event(models.Model):
    """One event, or a series when `recurrence` holds an RRULE (e.g. a monthly Stammtisch).

    Times are stored in UTC; an all-day event runs from local midnight of its first day to local
    midnight after its last day.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        REVIEW = "review", _("in review")
        PUBLISHED = "published", _("published")
        CANCELLED = "cancelled", _("cancelled")

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("in person")
        ONLINE = "online", _("online")
        HYBRID = "hybrid", _("hybrid")

    class Language(models.TextChoices):
        GERMAN = "de", _("German")
        ENGLISH = "en", _("English")
        GERMAN_ENGLISH = "de-en", _("German and English")
        EASY_GERMAN = "de-easy", _("Easy German (Leichte Sprache)")

    class Registration(models.TextChoices):
        NONE = "none", _("no registration needed")
        EXTERNAL = "external", _("registration on another website")
        PORTAL = "portal", _("registration on this portal")

    title = SingleLineCharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    summary = MultiLineCharField(_("short description"), max_length=300, blank=True)
    description = MultiLineTextField(
        _("description"), blank=True, help_text=_("Markdown: **bold**, *italic*, lists, links.")
    )
    # The description as safe HTML, rendered and sanitised by the services on every save.
    description_html = models.TextField(editable=False, blank=True)
    event_type = models.ForeignKey(
        EventType, on_delete=models.PROTECT, related_name="events", verbose_name=_("type")
    )
    audiences = models.ManyToManyField(
        Audience, blank=True, related_name="events", verbose_name=_("audience")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    all_day = models.BooleanField(_("all day"), default=False)
    recurrence = SingleLineCharField(
        _("repeats"),
        max_length=200,
        blank=True,
        help_text=_("An iCalendar RRULE, e.g. FREQ=MONTHLY;BYDAY=1TU;COUNT=10."),
    )
    # Local start dates of occurrences that do not take place.
    exdates = models.JSONField(_("dates left out"), default=list, blank=True)
    # The end of the last occurrence (of the only one for a single event), kept by save(): lists,
    # the month grid and feeds leave out series that are over instead of expanding every series
    # ever held. Empty where unknown (a rule beyond occurrences.MAX_OCCURRENCES, bulk writes).
    last_ends_at = models.DateTimeField(null=True, blank=True, editable=False)

    mode = models.CharField(_("format"), max_length=10, choices=Mode, default=Mode.IN_PERSON)
    venue = SingleLineCharField(_("venue"), max_length=200, blank=True)
    street = SingleLineCharField(_("street and number"), max_length=200, blank=True)
    postcode = SingleLineCharField(_("postcode"), max_length=5, blank=True)
    city = SingleLineCharField(_("place"), max_length=100, blank=True)
    state = models.CharField(_("federal state"), max_length=2, choices=State, blank=True)
    latitude = models.FloatField(null=True, blank=True, editable=False)
    longitude = models.FloatField(null=True, blank=True, editable=False)
    online_url = models.URLField(_("online link"), blank=True)

    # The organiser: a program, or an organisation, or (neither) the network itself.
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("organising organisation"),
    )
    program = models.ForeignKey(
        Program,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("organising program"),
    )

    step_free = models.BooleanField(_("step-free access"), default=False)
    sign_language = models.BooleanField(_("sign-language interpretation"), default=False)
    live_captions = models.BooleanField(_("live captions"), default=False)
    livestream = models.BooleanField(_("livestream"), default=False)
    childcare = models.BooleanField(_("childcare"), default=False)
    accessibility_note = SingleLineCharField(_("more on accessibility"), max_length=300, blank=True)
    cost = SingleLineCharField(
        _("cost"), max_length=100, blank=True, help_text=_("e.g. free of charge, 40 €")
    )
    language = models.CharField(
        _("language"), max_length=8, choices=Language, default=Language.GERMAN
    )

    registration = models.CharField(
        _("registration"), max_length=10, choices=Registration, default=Registration.NONE
    )
    registration_url = models.URLField(_("registration link"), blank=True)
    capacity = models.PositiveIntegerField(
        _("places"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100000)],
        help_text=_("Empty: no limit. When all places are taken, a waiting list opens."),
    )
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)

    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    review_note = MultiLineTextField(
        _("reason for sending it back"),
        blank=True,
        help_text=_("Shown to whoever submitted the event."),
    )
    # iCalendar SEQUENCE: raised with every change a subscribed calendar should pick up.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_by = created_by_field(verbose_name=_("created by"))
    created_at = created_at_field()
    updated_at = updated_at_field()

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["status", "starts_at"]),
            models.Index(fields=["status", "ends_at"]),
            # The filters' organiser choices read only these: an index-only scan.
            models.Index(
                fields=["status", "program", "organization"], name="event_status_organiser_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~(Q(organization__isnull=False) & Q(program__isnull=False)),
                name="event_has_one_organiser",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        from .occurrences import last_end  # occurrences.py imports this module

        self.last_ends_at = last_end(self)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and SCHEDULE_FIELDS & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "last_ends_at"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("events:detail", kwargs={"slug": self.slug})

    @property
    def is_recurring(self) -> bool:
        return bool(self.recurrence)

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_public(self) -> bool:
        return self.status in (self.Status.PUBLISHED, self.Status.CANCELLED)

    @property
    def duration(self) -> timedelta:
        return self.ends_at - self.starts_at

    @property
    def has_venue(self) -> bool:
        return self.mode in (self.Mode.IN_PERSON, self.Mode.HYBRID)

    @property
    def organiser_name(self) -> str:
        if self.program_id:
            return self.program.name
        if self.organization_id:
            return self.organization.name
        return str(_("the network"))

    @property
    def accessibility(self) -> list[str]:
        """The labels of the accessibility features this event offers."""
        return [
            str(self._meta.get_field(name).verbose_name)
            for name in ACCESSIBILITY_FIELDS
            if getattr(self, name)
        ]

    @property
    def registration_open(self) -> bool:
        if self.registration != self.Registration.PORTAL or not self.is_public:
            return False
        if self.is_cancelled:
            return False
        closes = self.registration_closes_at or self.starts_at
        return timezone.now() < closes


ACCESSIBILITY_FIELDS = ("step_free", "sign_language", "live_captions", "livestream", "childcare")


class RegistrationQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(status=Registration.Status.CANCELLED)

    def unconfirmed(self):
        """Active registrations whose address's owner has not confirmed them (yet)."""
        return self.active().filter(confirmed_at__isnull=True)

    def places_shown(self):
        """The places public pages show as taken: by confirmed addresses only. A place held for
        an unconfirmed registration counts for the capacity but is not shown, or the count would
        tell whoever enters an address whether it was registered already."""
        return self.filter(status=Registration.Status.CONFIRMED, confirmed_at__isnull=False)

    def expired(self, now):
        """Unconfirmed registrations older than REGISTRATION_CONFIRM_HOURS: due for deletion."""
        return self.unconfirmed().filter(created_at__lte=now - confirm_period())


def confirm_period() -> timedelta:
    return timedelta(hours=settings.REGISTRATION_CONFIRM_HOURS)


class Registration(models.Model):
    """A person's registration for an event; no account needed. Cancelled through a signed link."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("confirmed")
        WAITING = "waiting", _("on the waiting list")
        CANCELLED = "cancelled", _("cancelled")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("event")
    )
    name = SingleLineCharField(_("name"), max_length=150)
    email = models.EmailField(_("e-mail address"))
    accessibility_needs = MultiLineCharField(
        _("accessibility needs"),
        max_length=500,
        blank=True,
        help_text=_("e.g. step-free access, sign-language interpretation, large print"),
    )
    language = SingleLineCharField(_("language"), max_length=8, default=settings.LANGUAGE_CODE)
    reminders = models.BooleanField(
        _("reminder the day before"),
        default=True,
        help_text=_("Switched off with the link in the reminder mail."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status)
    # Double opt-in: set when the owner of the address confirmed by the mailed link. Until then
    # the registration holds its place (or waiting-list position) for REGISTRATION_CONFIRM_HOURS.
    confirmed_at = models.DateTimeField(_("address confirmed at"), null=True, blank=True)
    consent_version = SingleLineCharField(_("version of the privacy notice"), max_length=40)
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)
    status_changed_at = models.DateTimeField(_("status since"), default=timezone.now)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "pk"]
        constraints = [
            # One active registration per e-mail address and event.
            models.UniqueConstraint(
                fields=["event", "email"],
                condition=~Q(status="cancelled"),
                name="one_registration_per_email",
            ),
        ]
        indexes = [
            models.Index(fields=["event", "status", "created_at"]),
            # The unconfirmed are few (a day's worth): the expiry run and the limit per address
            # find them without reading the rest.
            models.Index(
                fields=["created_at"],
                condition=Q(confirmed_at__isnull=True) & ~Q(status="cancelled"),
                name="registration_unconfirmed",
            ),
            models.Index(
                fields=["email"],
                condition=Q(confirmed_at__isnull=True) & ~Q(status="cancelled"),
                name="registration_unconfirmed_email",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.event})"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def confirm_by(self):
        """Until when an unconfirmed registration holds its place."""
        return self.created_at + confirm_period()

    def get_state_display(self) -> str:
        """The status for organisers: an unconfirmed registration is marked as such."""
        if self.status != self.Status.CANCELLED and not self.is_confirmed:
            if self.status == self.Status.WAITING:
                return str(_("not confirmed yet (waiting list)"))
            return str(_("not confirmed yet (place held)"))
        return self.get_status_display()

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.text import MultiLineCharField, MultiLineTextField, SingleLineCharField


class WebsiteField(models.URLField):
    """A URL field whose forms read "example.org" as https://example.org (Django 6's default)."""

    def formfield(self, **kwargs):
        return super().formfield(**{"assume_scheme": "https", **kwargs})


class State(models.TextChoices):
    """The 16 Länder by their ISO 3166-2 codes; English names, German ones in the catalogue."""

    BW = "BW", _("Baden-Württemberg")
    BY = "BY", _("Bavaria")
    BE = "BE", _("Berlin")
    BB = "BB", _("Brandenburg")
    HB = "HB", _("Bremen")
    HH = "HH", _("Hamburg")
    HE = "HE", _("Hesse")
    MV = "MV", _("Mecklenburg-Western Pomerania")
    NI = "NI", _("Lower Saxony")
    NW = "NW", _("North Rhine-Westphalia")
    RP = "RP", _("Rhineland-Palatinate")
    SL = "SL", _("Saarland")
    SN = "SN", _("Saxony")
    ST = "ST", _("Saxony-Anhalt")
    SH = "SH", _("Schleswig-Holstein")
    TH = "TH", _("Thuringia")


class Vocabulary(models.Model):
    """An editable list of terms with a German and an English label."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name_de = SingleLineCharField(_("German label"), max_length=100)
    name_en = SingleLineCharField(_("English label"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "name_de"]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return self.name_en if get_language() == "en" else self.name_de


class TargetGroup(Vocabulary):
    class Meta(Vocabulary.Meta):
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")


class Topic(Vocabulary):
    class Meta(Vocabulary.Meta):
        verbose_name = _("topic")
        verbose_name_plural = _("topics")


class Format(Vocabulary):
    class Meta(Vocabulary.Meta):
        verbose_name = _("format")
        verbose_name_plural = _("formats")


class FundingBadge(Vocabulary):
    class Meta(Vocabulary.Meta):
        verbose_name = _("funding badge")
        verbose_name_plural = _("funding badges")


class Organization(models.Model):
    """A non-profit organisation (Träger) that runs one or more programs."""

    name = SingleLineCharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    description = MultiLineTextField(_("description"), blank=True)
    website = WebsiteField(_("website"), blank=True)
    street = SingleLineCharField(_("street and number"), max_length=200, blank=True)
    postcode = SingleLineCharField(_("postcode"), max_length=5, blank=True)
    city = SingleLineCharField(_("place"), max_length=100, blank=True)
    is_network_member = models.BooleanField(_("member of the network"), default=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ProgramQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Program.Status.PUBLISHED)


class Program(models.Model):
    """A mentoring program as listed on the Mentoring Map."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        REVIEW = "review", _("in review")
        PUBLISHED = "published", _("published")
        ARCHIVED = "archived", _("archived")

    class Reach(models.TextChoices):
        LOCAL = "local", _("local")
        REGIONAL = "regional", _("regional")
        STATE = "state", _("whole federal state")
        NATIONAL = "national", _("nationwide or online")

    class Availability(models.TextChoices):
        OPEN = "open", _("places available")
        WAITLIST = "waitlist", _("waiting list")
        PAUSED = "paused", _("paused")

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="programs",
        verbose_name=_("organisation"),
    )
    name = SingleLineCharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    # The program's key in the system it is imported from (import_programs, column "Externe ID"):
    # a re-import finds the program by it. Unique across the portal, not per organisation: the
    # import matches before it resolves the Träger, and a renamed Träger must not duplicate.
    external_id = SingleLineCharField(
        _("external ID"),
        max_length=100,
        blank=True,
        help_text=_("The program's key in the system it is imported from."),
    )
    summary = MultiLineCharField(_("short description"), max_length=300, blank=True)
    description = MultiLineTextField(_("description"), blank=True)
    how_to_join = MultiLineTextField(_("how to join"), blank=True)

    target_groups = models.ManyToManyField(
        TargetGroup, blank=True, related_name="programs", verbose_name=_("target groups")
    )
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="programs", verbose_name=_("topics")
    )
    formats = models.ManyToManyField(
        Format, blank=True, related_name="programs", verbose_name=_("formats")
    )
    funding_badges = models.ManyToManyField(
        FundingBadge, blank=True, related_name="programs", verbose_name=_("funding badges")
    )
    age_min = models.PositiveSmallIntegerField(
        _("mentees' minimum age"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    age_max = models.PositiveSmallIntegerField(
        _("mentees' maximum age"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    languages = SingleLineCharField(
        _("languages offered"),
        max_length=200,
        blank=True,
        help_text=_("Separated by commas, e.g. Deutsch, Arabisch, Ukrainisch."),
    )

    street = SingleLineCharField(_("street and number"), max_length=200, blank=True)
    postcode = SingleLineCharField(_("postcode"), max_length=5, blank=True)
    city = SingleLineCharField(_("place"), max_length=100, blank=True)
    state = models.CharField(_("federal state"), max_length=2, choices=State, blank=True)
    latitude = models.FloatField(
        _("latitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(47.0), MaxValueValidator(55.5)],
    )
    longitude = models.FloatField(
        _("longitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(5.5), MaxValueValidator(15.5)],
    )
    reach = models.CharField(_("reach"), max_length=10, choices=Reach, default=Reach.LOCAL)
    radius_km = models.PositiveSmallIntegerField(
        _("radius in km"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(500)],
        help_text=_("For local programs: how far from the address mentees may live."),
    )

    contact_name = SingleLineCharField(_("contact person"), max_length=150, blank=True)
    contact_role = SingleLineCharField(_("role of the contact person"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = SingleLineCharField(_("contact phone"), max_length=40, blank=True)
    website = WebsiteField(_("website"), blank=True)

    availability = models.CharField(
        _("seeking volunteers"), max_length=10, choices=Availability, default=Availability.OPEN
    )
    image = models.ImageField(_("image"), upload_to="programs/", blank=True)
    image_alt = SingleLineCharField(
        _("image description"),
        max_length=250,
        blank=True,
        help_text=_("What the image shows, for people who cannot see it."),
    )

    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.DRAFT)
    last_reviewed_at = models.DateField(_("last reviewed"), null=True, blank=True)
    review_note = MultiLineTextField(
        _("note from the moderation"),
        blank=True,
        help_text=_("Why the listing was sent back; shown to the program's coordinators."),
    )
    # Name, descriptions, organisation and vocabulary labels in one column, kept by the services:
    # one full-text index on PostgreSQL, a plain substring search on SQLite.
    search_text = models.TextField(editable=False, blank=True)
    # Who last handed the listing to the network's review (a coordinator's proposal or
    # submission): the network's decision is mailed to them and shown on their /koordination/.
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="ProgramCoordinator",
        related_name="coordinated_programs",
        verbose_name=_("coordinators"),
        blank=True,
    )

    objects = ProgramQuerySet.as_manager()

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["status", "name"]),
            models.Index(fields=["status", "latitude", "longitude"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(age_min__isnull=True)
                | Q(age_max__isnull=True)
                | Q(age_min__lte=F("age_max")),
                name="program_age_range_ordered",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="program_coordinates_complete",
            ),
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~Q(external_id=""),
                name="program_external_id_unique",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("programs:detail", kwargs={"slug": self.slug})

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def language_list(self) -> list[str]:
        return [part.strip() for part in self.languages.split(",") if part.strip()]


class ProgramCoordinator(models.Model):
    """The coordinator role: a user who manages one program. Granted per program by staff."""

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("program")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="program_memberships",
        verbose_name=_("user"),
    )
    created_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("coordinator")
        verbose_name_plural = _("coordinators")
        constraints = [
            models.UniqueConstraint(fields=["program", "user"], name="unique_program_coordinator"),
        ]

    def __str__(self):
        return f"{self.user} – {self.program}"


class ProgramChange(models.Model):
    """Changes a coordinator proposes to a published listing; public only once staff approve."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for review")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="changes", verbose_name=_("program")
    )
    data = models.JSONField(_("proposed values"))
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reason = MultiLineTextField(_("reason for rejection"), blank=True)

    class Meta:
        verbose_name = _("proposed change")
        verbose_name_plural = _("proposed changes")
        ordering = ["submitted_at"]
        constraints = [
            # One open proposal per program: a new edit replaces the pending one.
            models.UniqueConstraint(
                fields=["program"],
                condition=Q(status="pending"),
                name="one_pending_change_per_program",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(reason=""),
                name="rejected_change_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.program} ({self.get_status_display()})"


class ModerationNotice(models.Model):
    """The network's decision on something a person submitted (a new program, changes to a
    listing, an event, a news item), for that person: mailed once, and shown on their
    coordination page until they act. A "sent back" notice is settled when the item is submitted
    again (or decided otherwise); a "published" notice when they have read it."""

    class Subject(models.TextChoices):
        PROGRAM = "program", _("program")
        PROGRAM_CHANGE = "program_change", _("changes to a listing")
        EVENT = "event", _("event")
        NEWS = "news", _("news item")

    class Decision(models.TextChoices):
        PUBLISHED = "published", _("published")
        SENT_BACK = "sent_back", _("sent back")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="moderation_notices",
        verbose_name=_("recipient"),
    )
    subject = models.CharField(_("subject"), max_length=16, choices=Subject)
    # The item decided on (a program, a proposed change, an event, a news item).
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    title = SingleLineCharField(_("title"), max_length=200)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision)
    reason = MultiLineTextField(_("reason"), blank=True)
    # Where the recipient acts: the form to fix it (sent back) or the public page (published).
    link = models.CharField(_("link"), max_length=300)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    created_at = models.DateTimeField(_("decided at"), auto_now_add=True)
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("feedback of the network")
        verbose_name_plural = _("feedback of the network")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "settled_at"]),
            models.Index(fields=["content_type", "object_id"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(decision="sent_back") | ~Q(reason=""),
                name="sent_back_notice_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.get_decision_display()})"


class CoordinatorInvitationQuerySet(models.QuerySet):
    def open(self, *, now=None):
        """Neither accepted nor revoked, and not expired at `now`."""
        from django.utils import timezone

        return self.filter(
            status=CoordinatorInvitation.Status.PENDING, expires_at__gt=now or timezone.now()
        )


class CoordinatorInvitation(models.Model):
    """Staff invite an e-mail address to coordinate a program. The mailed link is signed
    (programs/invitations.py) and names the invitation and its nonce: it works while the
    invitation is pending and not expired, and never again after it was accepted or revoked."""

    class Status(models.TextChoices):
        PENDING = "pending", _("open")
        ACCEPTED = "accepted", _("accepted")
        REVOKED = "revoked", _("revoked")

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("program")
    )
    email = models.EmailField(_("e-mail address"))
    # Random, per invitation: part of the signed link, so a link cannot be made for another one.
    nonce = models.CharField(max_length=32, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    closed_at = models.DateTimeField(_("accepted or revoked at"), null=True, blank=True)

    objects = CoordinatorInvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("coordinator invitation")
        verbose_name_plural = _("coordinator invitations")
        ordering = ["-created_at"]
        constraints = [
            # One open invitation per program and address: inviting again renews it.
            models.UniqueConstraint(
                fields=["program", "email"],
                condition=Q(status="pending"),
                name="one_pending_invitation_per_address",
            ),
        ]

    def __str__(self):
        return f"{self.email} – {self.program}"

    @property
    def is_expired(self) -> bool:
        from django.utils import timezone

        return self.expires_at <= timezone.now()


class ProgramImport(models.Model):
    """A spreadsheet uploaded to the browser import (/netzwerk/import/), and afterwards the
    record of what it did: who, which file, how many programs created, updated, unchanged and
    skipped.

    The file's bytes are kept in the database between the steps (mapping, preview, import), not
    in the public media path, and only for the person who uploaded it; they are deleted when the
    import is done or discarded, and after IMPORT_UPLOAD_HOURS at the latest.
    """

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("uploaded")
        IMPORTED = "imported", _("imported")
        DISCARDED = "discarded", _("discarded")
        EXPIRED = "expired", _("expired")

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="program_imports",
        verbose_name=_("uploaded by"),
    )
    file_name = SingleLineCharField(_("file name"), max_length=255)
    data = models.BinaryField(_("file"), blank=True, editable=False)
    # File header -> the import's column ("" leaves the file's column out).
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.UPLOADED)
    partial = models.BooleanField(_("valid rows only"), default=False)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    skipped = models.PositiveIntegerField(_("skipped"), default=0)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)

    class Meta:
        verbose_name = _("program import")
        verbose_name_plural = _("program imports")
        ordering = ["-uploaded_at"]

    def __str__(self):
        return self.file_name

    def get_absolute_url(self):
        return reverse("programs:import_preview", kwargs={"pk": self.pk})

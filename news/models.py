"""News of the network ("Meldungen"): dated items with a teaser and a Markdown body."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import created_at_field, created_by_field, updated_at_field
from core.text import MultiLineCharField, MultiLineTextField, SingleLineCharField
from events.models import Event
from programs.models import Organization, Program, Vocabulary

# Larger images are refused: a photo from a phone, scaled down, is well below this.
MAX_IMAGE_BYTES = 5 * 1024 * 1024
# The feed's path beside /aktuelles/<slug>/.
RESERVED_SLUGS = {"feed"}


class NewsTag(Vocabulary):
    """Mitglied des Monats, Arbeitsgruppe, ...: kept by staff under /netzwerk/vokabulare/."""

    class Meta(Vocabulary.Meta):
        verbose_name = _("news tag")
        verbose_name_plural = _("news tags")


class NewsItemQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=NewsItem.Status.PUBLISHED)


class NewsItem(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        REVIEW = "review", _("in review")
        PUBLISHED = "published", _("published")

    title = SingleLineCharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    published_on = models.DateField(_("date"), default=timezone.localdate)
    teaser = MultiLineCharField(
        _("teaser"), max_length=400, help_text=_("One or two sentences shown in lists and feeds.")
    )
    body = MultiLineTextField(
        _("text"), blank=True, help_text=_("Markdown: **bold**, *italic*, lists, links.")
    )
    # The body as safe HTML, rendered and sanitised by the services on every save.
    body_html = models.TextField(editable=False, blank=True)
    image = models.ImageField(_("image"), upload_to="news/", blank=True)
    image_alt = SingleLineCharField(
        _("image description"),
        max_length=250,
        blank=True,
        help_text=_("What the image shows, for people who cannot see it."),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="news_items",
        verbose_name=_("author organisation"),
        help_text=_("Empty: the network itself."),
    )
    tags = models.ManyToManyField(
        NewsTag, blank=True, related_name="news_items", verbose_name=_("tags")
    )
    programs = models.ManyToManyField(
        Program, blank=True, related_name="news_items", verbose_name=_("programs it is about")
    )
    events = models.ManyToManyField(
        Event, blank=True, related_name="news_items", verbose_name=_("events it is about")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    review_note = MultiLineTextField(
        _("note from the moderation"),
        blank=True,
        help_text=_("Shown to whoever proposed the item."),
    )
    created_by = created_by_field(verbose_name=_("created by"))
    created_at = created_at_field()
    updated_at = updated_at_field()

    objects = NewsItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news items")
        ordering = ["-published_on", "-pk"]
        indexes = [models.Index(fields=["status", "-published_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(image="") | ~Q(image_alt=""), name="news_image_has_alt_text"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("news:detail", kwargs={"slug": self.slug})

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def author_name(self) -> str:
        if self.organization_id:
            return self.organization.name
        return str(_("the network"))

    def clean(self):
        errors = {}
        if self.slug in RESERVED_SLUGS:
            errors["slug"] = _("This address is reserved; please choose another.")
        if self.image and not self.image_alt.strip():
            errors["image_alt"] = _("Please describe the image for people who cannot see it.")
        # Only a new upload is measured: asking the storage about a stored file that has gone
        # missing would fail every later save of the item.
        uploaded = self.image and not getattr(self.image, "_committed", True)
        if uploaded and self.image.size > MAX_IMAGE_BYTES:
            errors["image"] = _("The image is too large; at most 5 MB, please.")
        if errors:
            raise ValidationError(errors)

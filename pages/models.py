"""Editorial pages, contact people and the network's funders and partners.

The pages themselves are Django's flat pages (title, body, URL): one flat page per language,
`/ueber-mentoring/` in German and `/en/ueber-mentoring/` in English, so the legal pages, which
already are flat pages, are edited the same way. What flat pages lack sits in PageSettings:
whether the page is published and its place in the menu. The language is read from the URL and
not stored a second time.
"""

from django.contrib.flatpages.models import FlatPage
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.text import SingleLineCharField
from programs.models import WebsiteField

# The legal pages of the portal (pages.views.LegalPageView): always online, with a default
# text when staff have written none, and never in the editorial menu.
LEGAL_SLUGS = ("impressum", "datenschutz", "barrierefreiheit")
# The page that lists the contact people below its text.
CONTACT_SLUG = "kontakt"


class PageSettings(models.Model):
    page = models.OneToOneField(
        FlatPage,
        on_delete=models.CASCADE,
        related_name="page_settings",
        verbose_name=_("page"),
    )
    published = models.BooleanField(
        _("published"), default=True, help_text=_("Unpublished pages answer “not found”.")
    )
    position = models.PositiveSmallIntegerField(
        _("position in the menu"), default=0, help_text=_("Smaller numbers come first.")
    )

    class Meta:
        verbose_name = _("page settings")
        verbose_name_plural = _("page settings")

    def __str__(self):
        return self.page.url


class ContactPerson(models.Model):
    name = SingleLineCharField(_("name"), max_length=150)
    role = SingleLineCharField(_("role"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = SingleLineCharField(_("phone"), max_length=40, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    published = models.BooleanField(_("published"), default=True)

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact people")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    @property
    def email_obfuscated(self) -> str:
        """The address as words: "lilian.schwalb [at] example [dot] org". Harvesters look for
        "@" and mailto links; people and screen readers still read it as an address."""
        return self.email.replace("@", " [at] ").replace(".", " [dot] ")


class PartnerQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)


class Partner(models.Model):
    class Kind(models.TextChoices):
        FUNDER = "funder", _("funder")
        PARTNER = "partner", _("partner")

    name = SingleLineCharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.PARTNER)
    # Uploads pass pages.services.partner_save: checked, at most 400 × 200 px, encoded anew.
    logo = models.ImageField(
        _("logo"),
        upload_to="partners/",
        width_field="logo_width",
        height_field="logo_height",
        help_text=_("JPEG, PNG or WebP, at most 2 MB; made smaller than 400 × 200 pixels."),
    )
    logo_width = models.PositiveIntegerField(editable=False, default=0)
    logo_height = models.PositiveIntegerField(editable=False, default=0)
    logo_alt = SingleLineCharField(
        _("logo description"),
        max_length=250,
        help_text=_("What the logo says, usually the name, for people who cannot see it."),
    )
    url = WebsiteField(_("link"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    published = models.BooleanField(_("published"), default=True)

    objects = PartnerQuerySet.as_manager()

    class Meta:
        verbose_name = _("funder or partner")
        verbose_name_plural = _("funders and partners")
        ordering = ["kind", "position", "name"]

    def __str__(self):
        return self.name

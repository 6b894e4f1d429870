"""Everything that writes editorial pages and partners. Refusals are ValidationErrors in the
user's language; nothing is written then."""

import io
import re
import warnings
from pathlib import Path

from django.conf import settings
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from .models import LEGAL_SLUGS, PageSettings, Partner

# /slug/ in the default language, /en/slug/ in the others (i18n_patterns without default prefix).
_PREFIXES = "|".join(code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE)
PAGE_URL = re.compile(rf"^/(?:(?P<language>{_PREFIXES})/)?(?P<slug>[-a-z0-9]+)/$")

LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_MAX_SIZE = (400, 200)
# Far more than any logo; refuses decompression bombs before Pillow decodes them.
LOGO_MAX_PIXELS = 25_000_000
# Pillow's format name → the extension and the options it is written anew with.
LOGO_FORMATS = {
    "PNG": ("png", {"optimize": True}),
    "JPEG": ("jpg", {"quality": 85, "optimize": True}),
    "WEBP": ("webp", {"quality": 85}),
}


def page_url_parts(url: str) -> tuple[str, str] | None:
    """(slug, language) of an editorial or legal page's URL, None for any other URL."""
    match = PAGE_URL.match(url)
    if not match:
        return None
    return match["slug"], match["language"] or settings.LANGUAGE_CODE


def page_url(*, slug: str, language: str) -> str:
    return f"/{slug}/" if language == settings.LANGUAGE_CODE else f"/{language}/{slug}/"


def page_validate(*, page: FlatPage, published: bool) -> None:
    parts = page_url_parts(page.url)
    if parts is None:
        raise ValidationError(
            {
                "url": _(
                    "Use the form /name/ for the German page and /en/name/ for the English one "
                    "(small letters, digits and hyphens)."
                )
            }
        )
    slug, language = parts
    if FlatPage.objects.filter(url=page.url).exclude(pk=page.pk).exists():
        raise ValidationError({"url": _("A page with this address already exists.")})
    if slug in {code for code, _name in settings.LANGUAGES}:
        # /en/ is the English home page: a page there could never be reached.
        raise ValidationError(
            {"url": _("This address belongs to another part of the portal; choose another.")}
        )
    if slug in LEGAL_SLUGS:
        if not published:
            raise ValidationError(
                {"published": _("Legal pages are always online; they cannot be unpublished.")}
            )
        return
    try:
        # The language prefix of i18n_patterns is matched against the active language.
        with translation.override(language):
            match = resolve(page.url)
    except Resolver404:
        match = None
    if match is None or match.view_name != "pages:page":
        raise ValidationError(
            {"url": _("This address belongs to another part of the portal; choose another.")}
        )


@transaction.atomic
def page_save(*, page: FlatPage, published: bool = True, position: int = 0) -> FlatPage:
    """Save a flat page of this site with its settings.

    The body is kept as written (Markdown, HTML allowed); it is sanitised whenever it is shown.
    """
    page_validate(page=page, published=published)
    page.full_clean(exclude=["sites"])
    page.save()
    page.sites.add(Site.objects.get_current())
    PageSettings.objects.update_or_create(
        page=page, defaults={"published": published, "position": position}
    )
    return page


def logo_process(upload) -> ContentFile:
    """Check an uploaded logo and return it anew: at most 400 × 200 px, without metadata.

    Only JPEG, PNG and WebP pass (SVG can carry scripts; Pillow does not read it anyway).
    """
    if upload.size is not None and upload.size > LOGO_MAX_BYTES:
        raise ValidationError({"logo": _("The logo may be at most 2 MB.")})
    upload.seek(0)
    data = upload.read()
    if len(data) > LOGO_MAX_BYTES:
        raise ValidationError({"logo": _("The logo may be at most 2 MB.")})
    refused = ValidationError({"logo": _("Please upload a JPEG, PNG or WebP image.")})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                kind = probe.format
                if probe.width * probe.height > LOGO_MAX_PIXELS:
                    raise ValidationError({"logo": _("The image has too many pixels.")})
                probe.verify()
            # verify() leaves the image unusable: open it again to decode it.
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                image = ImageOps.exif_transpose(image)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError, Image.DecompressionBombWarning) as error:  # fmt: skip
        raise refused from error
    if kind not in LOGO_FORMATS:
        raise refused
    extension, options = LOGO_FORMATS[kind]
    try:
        if kind == "JPEG" and image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        elif kind != "JPEG" and image.mode not in ("RGB", "RGBA", "L", "LA"):
            # Palette and 16-bit images: resized smoothly only in full colour.
            image = image.convert("RGBA")
        image.thumbnail(LOGO_MAX_SIZE, Image.Resampling.LANCZOS)
        output = io.BytesIO()
        image.save(output, format=kind, **options)
    except (OSError, ValueError) as error:
        raise refused from error
    stem = slugify(Path(upload.name or "logo").stem)[:60] or "logo"
    return ContentFile(output.getvalue(), name=f"{stem}.{extension}")


def partner_save(*, partner: Partner, logo=None) -> Partner:
    """Save a funder or partner; a new logo is checked and encoded anew first.

    A replaced logo file is removed once the change is committed.
    """
    previous = ""
    if logo is not None:
        processed = logo_process(logo)
        if partner.pk:
            stored = Partner.objects.filter(pk=partner.pk).values_list("logo", flat=True)
            previous = stored.first() or ""
        partner.logo.save(processed.name, processed, save=False)
    try:
        partner.full_clean()
    except ValidationError:
        if logo is not None:
            partner.logo.delete(save=False)
        raise
    partner.save()
    if previous and previous != partner.logo.name:
        storage = partner.logo.storage
        transaction.on_commit(lambda: storage.delete(previous))
    return partner

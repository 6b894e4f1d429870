"""Everything that writes editorial pages and partners. Refusals are ValidationErrors in the
user's language; nothing is written then."""

import re

from django.conf import settings
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.translation import gettext as _

from core import images
from core.text import multi_line, single_line

from .models import LEGAL_SLUGS, ContactPerson, PageSettings, Partner

# /slug/ in the default language, /en/slug/ in the others (i18n_patterns without default prefix).
_PREFIXES = "|".join(code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE)
PAGE_URL = re.compile(rf"^/(?:(?P<language>{_PREFIXES})/)?(?P<slug>[-a-z0-9]+)/$")

LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_MAX_SIZE = (400, 200)


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

    The body is kept as written (Markdown, HTML allowed) but for control characters and bidi
    overrides (core/text.py); it is sanitised whenever it is shown.
    """
    page.title, page.content = single_line(page.title), multi_line(page.content)
    page_validate(page=page, published=published)
    page.full_clean(exclude=["sites"])
    page.save()
    page.sites.add(Site.objects.get_current())
    PageSettings.objects.update_or_create(
        page=page, defaults={"published": published, "position": position}
    )
    return page


def page_delete(*, page: FlatPage) -> None:
    """Delete a page in one language (its settings go with it); a legal page shows the portal's
    default text again."""
    page.delete()


def logo_process(upload) -> ContentFile:
    """Check an uploaded logo and return it anew: at most 400 × 200 px, without metadata."""
    try:
        return images.image_reencode(
            upload, max_bytes=LOGO_MAX_BYTES, max_size=LOGO_MAX_SIZE, stem="logo"
        )
    except images.TooLarge as error:
        raise ValidationError({"logo": _("The logo may be at most 2 MB.")}) from error
    except ValidationError as error:
        raise ValidationError({"logo": error.messages}) from error


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


@transaction.atomic
def partner_delete(*, partner: Partner) -> None:
    """Remove a funder or partner; its logo file goes once the deletion is committed."""
    name = partner.logo.name
    storage = partner.logo.storage
    partner.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def contact_person_save(*, person: ContactPerson) -> ContactPerson:
    person.full_clean()
    person.save()
    return person


def contact_person_delete(*, person: ContactPerson) -> None:
    person.delete()

"""Read paths of the editorial pages: the page of a language with its menu, contacts, partners."""

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.flatpages.models import FlatPage

from core import markdown

from .models import LEGAL_SLUGS, ContactPerson, Partner
from .services import page_url, page_url_parts


@dataclass
class MenuEntry:
    title: str
    url: str
    current: bool
    language: str  # the language of the title


@dataclass
class EditorialPage:
    slug: str
    title: str
    body: str  # sanitised HTML
    language: str  # the language of the text shown
    fallback: bool  # True when the requested language has no text and the German one is shown
    menu: list[MenuEntry] = field(default_factory=list)


def editorial_page(*, slug: str, language: str) -> EditorialPage | None:
    """The published page `slug` in `language`, else in German (fallback), else None.

    One query: the published pages of both languages, from which the menu is built as well.
    """
    legal_urls = [page_url(slug=legal, language=code) for legal in LEGAL_SLUGS
                  for code, _name in settings.LANGUAGES]  # fmt: skip
    pages = (
        FlatPage.objects.filter(sites=settings.SITE_ID, page_settings__published=True)
        .exclude(url__in=legal_urls)
        .select_related("page_settings")
        .only("url", "title", "content", "page_settings__position")
    )
    versions: dict[str, dict[str, FlatPage]] = {}
    for page in pages:
        parts = page_url_parts(page.url)
        if parts is not None:
            versions.setdefault(parts[0], {})[parts[1]] = page

    def chosen(slug_versions):
        if language in slug_versions:
            return slug_versions[language], language
        return slug_versions.get(settings.LANGUAGE_CODE), settings.LANGUAGE_CODE

    if slug not in versions:
        return None
    page, shown_language = chosen(versions[slug])
    if page is None:
        return None
    shown = [(*chosen(slug_versions), other_slug) for other_slug, slug_versions in versions.items()]
    shown = sorted(
        (item for item in shown if item[0] is not None),
        key=lambda item: (item[0].page_settings.position, item[2]),
    )
    menu = [
        MenuEntry(
            title=other.title,
            url=page_url(slug=other_slug, language=language),
            current=other_slug == slug,
            language=other_language,
        )
        for other, other_language, other_slug in shown
    ]
    return EditorialPage(
        slug=slug,
        title=page.title,
        body=markdown.render(page.content),
        language=shown_language,
        fallback=shown_language != language,
        menu=menu,
    )


def contact_people() -> list[ContactPerson]:
    return list(ContactPerson.objects.filter(published=True))


def footer_partners() -> dict[str, list[Partner]]:
    """Published funders and partners, each group in its order."""
    groups: dict[str, list[Partner]] = {"funders": [], "partners": []}
    for partner in Partner.objects.published():
        key = "funders" if partner.kind == Partner.Kind.FUNDER else "partners"
        groups[key].append(partner)
    return groups

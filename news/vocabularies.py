"""The starting set of news tags (seeded by migration 0002), put back where missing."""

import importlib

from .models import NewsTag


def ensure_vocabularies() -> None:
    """The starting set of tags, in case it is missing (a flushed database)."""
    terms = importlib.import_module("news.migrations.0002_tags")
    for position, (slug, name_de, name_en) in enumerate(terms.NEWS_TAGS):
        NewsTag.objects.get_or_create(
            slug=slug, defaults={"name_de": name_de, "name_en": name_en, "position": position}
        )

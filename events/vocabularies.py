"""The starting event types and audiences (seeded by migration 0002), put back where missing."""

import importlib

from .models import Audience, EventType


def ensure_vocabularies() -> None:
    """The starting set of types and audiences, in case it is missing (a flushed database)."""
    terms = importlib.import_module("events.migrations.0002_vocabularies")
    for model, rows in ((EventType, terms.EVENT_TYPES), (Audience, terms.AUDIENCES)):
        for position, (slug, name_de, name_en) in enumerate(rows):
            model.objects.get_or_create(
                slug=slug, defaults={"name_de": name_de, "name_en": name_en, "position": position}
            )

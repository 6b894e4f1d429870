"""Derived data only: whatever writes events (services, admin, shell), the cached calendar pages
and filter choices are rebuilt after the transaction commits."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from . import cache
from .models import Audience, Event, EventType, Registration

WATCHED = (Event, Registration, EventType, Audience)


def _invalidate(**kwargs):
    transaction.on_commit(cache.bump_generation)


for model in WATCHED:
    post_save.connect(_invalidate, sender=model, dispatch_uid=f"events-cache-save-{model.__name__}")
    post_delete.connect(
        _invalidate, sender=model, dispatch_uid=f"events-cache-delete-{model.__name__}"
    )
m2m_changed.connect(_invalidate, sender=Event.audiences.through, dispatch_uid="events-cache-m2m")

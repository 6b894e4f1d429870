"""Derived data only: whatever writes events (services, admin, shell), the cached calendar pages
and filter choices are rebuilt after the transaction commits.

The filters' choices are rebuilt only when they can change (see cache.py): a saved event whose
status and organiser stay as they were, a registration or a changed audience leave them."""

from functools import partial

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from . import cache
from .models import Audience, Event, EventType, Registration

ORGANISER_FIELDS = ("status", "program_id", "organization_id")


def _invalidate(**kwargs):
    transaction.on_commit(cache.bump_generation)


def _invalidate_calendar_only(**kwargs):
    transaction.on_commit(partial(cache.bump_generation, organisers=False))


def _organiser_of(event: Event) -> tuple:
    return tuple(getattr(event, name) for name in ORGANISER_FIELDS)


def _remember_organiser(sender, instance, raw=False, **kwargs):
    instance._organiser_before = (
        Event.objects.filter(pk=instance.pk).values_list(*ORGANISER_FIELDS).first()
        if instance.pk and not raw
        else None
    )


def _event_saved(sender, instance, created, raw=False, **kwargs):
    before = getattr(instance, "_organiser_before", None)
    organisers = created or raw or before != _organiser_of(instance)
    transaction.on_commit(partial(cache.bump_generation, organisers=organisers))


pre_save.connect(_remember_organiser, sender=Event, dispatch_uid="events-cache-before-save")
post_save.connect(_event_saved, sender=Event, dispatch_uid="events-cache-save-Event")
for model in (Event, EventType, Audience):
    post_delete.connect(
        _invalidate, sender=model, dispatch_uid=f"events-cache-delete-{model.__name__}"
    )
for model in (EventType, Audience):
    post_save.connect(_invalidate, sender=model, dispatch_uid=f"events-cache-save-{model.__name__}")
post_save.connect(
    _invalidate_calendar_only, sender=Registration, dispatch_uid="events-cache-save-Registration"
)
post_delete.connect(
    _invalidate_calendar_only, sender=Registration, dispatch_uid="events-cache-delete-Registration"
)
m2m_changed.connect(
    _invalidate_calendar_only, sender=Event.audiences.through, dispatch_uid="events-cache-m2m"
)

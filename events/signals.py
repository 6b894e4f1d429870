"""Derived data only: whatever writes events (services, admin, shell), the cached calendar pages
and filter choices are rebuilt after the transaction commits.

The filters' choices are renewed only when they can change (see cache.py): a saved event whose
status and organiser stay as they were, a registration or a changed audience leave them. When
they change, the write that changed them builds them again at once (about 10 ms per language on
a network's data), not the next visitor of the calendar."""

from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from . import cache
from .filters import filter_choices
from .models import Audience, Event, EventType, Registration

ORGANISER_FIELDS = ("status", "program_id", "organization_id")


def calendar_changed(*, organisers: bool = True) -> None:
    """After a committed change: the calendar's cached pages go; the filters' choices too where
    `organisers`, and are built again here."""
    cache.bump_generation(organisers=organisers)
    if organisers:
        for language, _name in settings.LANGUAGES:
            filter_choices(language=language)


def _invalidate(**kwargs):
    transaction.on_commit(calendar_changed)


def _invalidate_calendar_only(**kwargs):
    transaction.on_commit(partial(calendar_changed, organisers=False))


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
    transaction.on_commit(partial(calendar_changed, organisers=organisers))


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

"""Derived data only: whatever writes the directory (services, admin, import, shell), the public
GeoJSON and pages are rebuilt, and the search text follows renamed organisations and terms,
after the transaction commits."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from . import cache, services
from .models import Format, FundingBadge, Organization, Program, TargetGroup, Topic

WATCHED = (Program, Organization, TargetGroup, Topic, Format, FundingBadge)


def _invalidate(**kwargs):
    transaction.on_commit(cache.bump_generation)


for model in WATCHED:
    post_save.connect(
        _invalidate, sender=model, dispatch_uid=f"programs-cache-save-{model.__name__}"
    )
    post_delete.connect(
        _invalidate, sender=model, dispatch_uid=f"programs-cache-delete-{model.__name__}"
    )


@receiver(post_save, sender=Organization, dispatch_uid="programs-search-organization")
def _reindex_organization(sender, instance, **kwargs):
    # Derived data, like the caches: the programs' search text names their organisation.
    transaction.on_commit(
        lambda: services.programs_refresh_search_text(programs=instance.programs.all())
    )


def _reindex_term(sender, instance, **kwargs):
    transaction.on_commit(
        lambda: services.programs_refresh_search_text(programs=instance.programs.all())
    )


for model in (TargetGroup, Topic, Format):
    post_save.connect(_reindex_term, sender=model, dispatch_uid=f"programs-search-{model.__name__}")


@receiver(m2m_changed, dispatch_uid="programs-cache-m2m")
def _invalidate_m2m(sender, **kwargs):
    if sender in (
        Program.target_groups.through,
        Program.topics.through,
        Program.formats.through,
        Program.funding_badges.through,
    ):
        _invalidate()

"""The home page's latest news are cached (the anonymous home page needs no query); any write to
an item, through services, admin or shell, drops them and bumps the news generation, which the
ready-made anonymous pages carry in their keys (cache.py)."""

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from . import cache as news_cache
from .models import NewsItem, NewsTag

LATEST_KEY = "news:latest"


def forget_latest(**kwargs):
    # At once for this transaction's own reads, and again after the commit, in case another
    # request cached the old list in between.
    cache.delete(LATEST_KEY)
    transaction.on_commit(lambda: cache.delete(LATEST_KEY))
    _news_changed()


def _news_changed(**kwargs):
    # The same for the news generation: at once and after the commit.
    news_cache.bump_generation()
    transaction.on_commit(news_cache.bump_generation)


post_save.connect(forget_latest, sender=NewsItem, dispatch_uid="news-latest-save")
post_delete.connect(forget_latest, sender=NewsItem, dispatch_uid="news-latest-delete")
post_save.connect(_news_changed, sender=NewsTag, dispatch_uid="news-generation-tag-save")
post_delete.connect(_news_changed, sender=NewsTag, dispatch_uid="news-generation-tag-delete")
for _through, _name in (
    (NewsItem.tags.through, "tags"),
    (NewsItem.programs.through, "programs"),
    (NewsItem.events.through, "events"),
):
    m2m_changed.connect(_news_changed, sender=_through, dispatch_uid=f"news-generation-{_name}")

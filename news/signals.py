"""The home page's latest news are cached (the anonymous home page needs no query); any write to
an item, through services, admin or shell, drops them."""

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from .models import NewsItem

LATEST_KEY = "news:latest"


def forget_latest(**kwargs):
    # At once for this transaction's own reads, and again after the commit, in case another
    # request cached the old list in between.
    cache.delete(LATEST_KEY)
    transaction.on_commit(lambda: cache.delete(LATEST_KEY))


post_save.connect(forget_latest, sender=NewsItem, dispatch_uid="news-latest-save")
post_delete.connect(forget_latest, sender=NewsItem, dispatch_uid="news-latest-delete")

"""The news as an Atom feed, through Django's syndication framework."""

from datetime import datetime, time

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from . import selectors


class NewsFeed(Feed):
    feed_type = Atom1Feed
    title = _("News of the mentoring network")
    subtitle = _("News from the network of social mentoring programs.")
    description = subtitle

    def link(self):
        return reverse("news:list")

    def items(self):
        return selectors.feed_news()

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.teaser

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        # Items carry a date; noon local time keeps the day the same in every time zone nearby.
        return timezone.make_aware(
            datetime.combine(item.published_on, time(12, 0)), timezone.get_default_timezone()
        )

    def item_updateddate(self, item):
        return max(self.item_pubdate(item), item.updated_at)

    def item_author_name(self, item):
        return item.author_name

    def item_categories(self, item):
        return [tag.label for tag in item.tags.all()]

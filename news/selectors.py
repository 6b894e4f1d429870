"""Read paths of the news: what the public sees, the home page's latest, a coordinator's items."""

from django.conf import settings
from django.core.cache import cache
from django.db.models import Prefetch, Q, QuerySet

from events.models import Event
from programs.models import Program

from .models import NewsItem, NewsTag
from .signals import LATEST_KEY

HOME_COUNT = 3
FEED_COUNT = 20
# With Redis every process learns of a change at once; the per-process memory cache of the
# quickstart cannot, so entries there live only briefly.
LATEST_TIMEOUT = 60 * 60 if settings.REDIS_URL else 10


def public_news() -> QuerySet[NewsItem]:
    return (
        NewsItem.objects.published()
        .select_related("organization")
        .prefetch_related("tags")
        .order_by("-published_on", "-pk")
    )


def news_tags() -> list[NewsTag]:
    return list(NewsTag.objects.all())


def news_with_tag(tag: NewsTag | None) -> QuerySet[NewsItem]:
    items = public_news()
    return items.filter(tags=tag) if tag is not None else items


def latest_news() -> list[NewsItem]:
    """For the home page: date, title and teaser; one query on a cold cache, none after."""
    items = cache.get(LATEST_KEY)
    if items is None:
        items = list(
            NewsItem.objects.published()
            .only("title", "slug", "published_on", "teaser")
            .order_by("-published_on", "-pk")[:HOME_COUNT]
        )
        cache.set(LATEST_KEY, items, LATEST_TIMEOUT)
    return items


def latest_news_version() -> str:
    """What the latest news show, as one string: a page that shows them is cached under it."""
    return "|".join(
        f"{item.pk}:{item.slug}:{item.published_on}:{item.title}:{item.teaser}"
        for item in latest_news()
    )


def feed_news(count: int = FEED_COUNT) -> list[NewsItem]:
    return list(public_news()[:count])


def news_item_public(*, slug: str) -> NewsItem | None:
    """A published item with the public programs and events it links to."""
    return (
        public_news()
        .prefetch_related(
            Prefetch("programs", queryset=Program.objects.published().order_by("name")),
            Prefetch(
                "events",
                queryset=Event.objects.published().order_by("starts_at"),
            ),
        )
        .filter(slug=slug)
        .first()
    )


def news_of_coordinator(*, user) -> QuerySet[NewsItem]:
    """A coordinator's items about their programs, their team's proposals, the published ones."""
    if not user.is_authenticated:
        return NewsItem.objects.none()
    programs = Program.objects.filter(memberships__user=user).values("pk")
    return (
        NewsItem.objects.filter(
            # Their own items, and the proposals and published items of their programs' team:
            # never the staff's drafts about a program.
            pk__in=NewsItem.objects.filter(
                Q(created_by=user, programs__in=programs)
                | Q(
                    programs__in=programs,
                    status__in=[NewsItem.Status.REVIEW, NewsItem.Status.PUBLISHED],
                )
            ).values("pk")
        )
        .prefetch_related("programs")
        .order_by("-created_at", "-pk")
    )

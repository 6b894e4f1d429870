import pytest

from news import services
from news.models import NewsItem, NewsTag
from tests.factories import EventFactory, OrganizationFactory, ProgramFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def news_item(db):
    from news.vocabularies import ensure_vocabularies

    ensure_vocabularies()  # a flushed database may lack the migration's tags
    for n in range(12):
        services.news_item_save(
            item=NewsItem(
                title=f"Meldung {n}",
                teaser="Kurz gesagt: was im Netzwerk los ist.",
                status=NewsItem.Status.PUBLISHED,
            )
        )
    item = NewsItem(
        title="Mitglied des Monats: Lesepat:innen",
        teaser="Ehrenamtliche lesen mit Kindern.",
        body="## Wie alles begann\n\nSeit **2013** lesen Freiwillige mit Kindern.\n\n"
        "- jede Woche\n- ein Schuljahr lang",
        organization=OrganizationFactory(name="Bürgerstiftung Leipzig"),
        status=NewsItem.Status.PUBLISHED,
    )
    return services.news_item_save(
        item=item,
        tags=list(NewsTag.objects.filter(slug__in=["mitglied-des-monats", "programm"])),
        programs=[ProgramFactory(name="Lesepat:innen Leipzig")],
        events=[EventFactory(title="Stammtisch der Lesepat:innen")],
    )


@pytest.mark.parametrize("language", ["", "/en"])
def test_news_pages_accessible_and_local_only(page, live_server, news_item, language):
    problems = {}
    for path in [
        "/",
        "/aktuelles/",
        "/aktuelles/?page=2",
        "/aktuelles/?thema=programm",
        "/aktuelles/?thema=gibt-es-nicht",
        f"/aktuelles/{news_item.slug}/",
    ]:
        page.goto(f"{live_server.url}{language}{path}")
        violations = page.axe_violations()
        if violations:
            problems[path] = violations

    assert problems == {}
    assert page.outside_requests() == []
    assert page.csp_violations() == []


def test_news_item_reached_from_the_list(page, live_server, news_item):
    page.goto(f"{live_server.url}/aktuelles/")
    page.click(f"main h2 a[href='{news_item.get_absolute_url()}']")

    assert page.locator("h1").inner_text() == news_item.title
    assert page.locator(".prose h2").inner_text() == "Wie alles begann"

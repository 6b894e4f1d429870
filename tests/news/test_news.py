import io
import re
from datetime import date, timedelta

import feedparser
import pytest
from django.contrib.sites.models import Site
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from core.page_cache import forget_local_state
from news import services
from news.demo import create_demo_news
from news.models import NewsItem, NewsTag
from tests.factories import (
    EventFactory,
    OrganizationFactory,
    ProgramFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PUBLISHED, REVIEW, DRAFT = (
    NewsItem.Status.PUBLISHED,
    NewsItem.Status.REVIEW,
    NewsItem.Status.DRAFT,
)


def news(title="Neues aus dem Netzwerk", *, status=PUBLISHED, tags=(), body="Text.", **fields):
    item = NewsItem(title=title, teaser=f"Teaser von {title}", body=body, status=status, **fields)
    return services.news_item_save(item=item, tags=[NewsTag.objects.get(slug=t) for t in tags])


def many_news(count: int, *, tag: NewsTag | None = None) -> None:
    today = timezone.localdate()
    items = NewsItem.objects.bulk_create(
        [
            NewsItem(
                title=f"Meldung {n}",
                slug=f"meldung-{n}",
                teaser=f"Teaser {n}",
                body_html="<p>Text</p>",
                published_on=today - timedelta(days=n),
                status=PUBLISHED,
            )
            for n in range(count)
        ]
    )
    if tag is not None:
        through = NewsItem.tags.through
        through.objects.bulk_create(
            [through(newsitem_id=item.pk, newstag_id=tag.pk) for item in items]
        )


def count_queries(client, path: str) -> int:
    Site.objects.clear_cache()  # the feed's first request reads the site, later ones not
    # Each count is a full render: nothing of an earlier request kept.
    cache.clear()
    forget_local_state()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def png(name="bild.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


# --- Visibility ---------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [DRAFT, REVIEW])
def test_unpublished_item_invisible_everywhere(client, status):
    hidden = news("Geheime Meldung", status=status)
    news("Öffentliche Meldung")

    assert client.get(f"/aktuelles/{hidden.slug}/").status_code == 404
    listing = client.get("/aktuelles/")
    assert [item.title for item in listing.context["items"]] == ["Öffentliche Meldung"]
    feed = feedparser.parse(client.get("/aktuelles/feed/").content)
    assert [entry.title for entry in feed.entries] == ["Öffentliche Meldung"]
    home = client.get("/")
    assert home_news(home) == ["oeffentliche-meldung"]
    assert "Geheime Meldung" not in home.content.decode()


def test_staff_sees_no_draft_on_public_page_either(client, staff_user):
    hidden = news(status=DRAFT)
    client.force_login(staff_user)

    assert client.get(f"/aktuelles/{hidden.slug}/").status_code == 404


def test_item_page_shows_item_and_only_public_links(client):
    organization = OrganizationFactory(name="Bürgerstiftung Kiel")
    public_program = ProgramFactory(name="Schülerpatenschaften Kiel")
    draft_program = ProgramFactory(name="Verstecktes Programm", status="draft")
    public_event = EventFactory(title="Netzwerktreffen Nord")
    draft_event = EventFactory(title="Geplantes Treffen", status="draft")
    item = news("Mitglied des Monats", tags=["mitglied-des-monats"], organization=organization)
    item.programs.set([public_program, draft_program])
    item.events.set([public_event, draft_event])

    response = client.get(f"/en/aktuelles/{item.slug}/")
    html = response.content.decode()

    assert response.status_code == 200
    assert "Bürgerstiftung Kiel" in html
    assert public_program.get_absolute_url() in html
    assert public_event.get_absolute_url() in html
    assert "Verstecktes Programm" not in html
    assert "Geplantes Treffen" not in html
    assert "?thema=mitglied-des-monats" in html
    assert item.published_on.isoformat() in html


def test_item_page_shows_image_with_alt_text(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    item = news(image=png(), image_alt="Zwei Frauen lesen gemeinsam ein Buch")

    html = client.get(f"/aktuelles/{item.slug}/").content.decode()

    assert f'src="{item.image.url}" alt="Zwei Frauen lesen gemeinsam ein Buch"' in html


def test_image_without_alt_text_refused(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(ValidationError) as error:
        news(image=png(), image_alt=" ")

    assert list(error.value.message_dict) == ["image_alt"]
    assert NewsItem.objects.count() == 0


# --- Markdown -----------------------------------------------------------------------------------


def test_markdown_body_is_sanitised(client):
    item = news(
        body='**Fett** <script>alert("x")</script>\n\n<p onclick="steal()">Klick</p>\n\n'
        "[Link](javascript:alert(1))"
    )

    assert "<strong>Fett</strong>" in item.body_html
    assert "<script" not in item.body_html
    assert "onclick" not in item.body_html
    assert "javascript:" not in item.body_html
    html = client.get(f"/aktuelles/{item.slug}/").content.decode()
    assert 'onclick="steal()"' not in html
    assert 'alert("x")</script>' not in html


# --- List: tag filter, pages --------------------------------------------------------------------


def test_tag_filter_shows_only_items_with_the_tag(client):
    news("Arbeitsgruppe gegründet", tags=["arbeitsgruppe"])
    news("Programm vorgestellt", tags=["programm"])

    response = client.get("/aktuelles/?thema=arbeitsgruppe")

    assert response.status_code == 200
    assert [item.title for item in response.context["items"]] == ["Arbeitsgruppe gegründet"]
    assert response.context["current_tag"].slug == "arbeitsgruppe"


@pytest.mark.parametrize("junk", ["gibt-es-nicht", "<script>", "a" * 500, "%00"])
def test_unknown_tag_gives_empty_result_with_message(client, junk):
    news("Programm vorgestellt", tags=["programm"])

    response = client.get("/en/aktuelles/", {"thema": junk})

    assert response.status_code == 200
    assert list(response.context["items"]) == []
    assert response.context["unknown_tag"] is True
    assert "There is no such topic." in response.content.decode()


def test_list_is_newest_first_and_paginated_by_ten(client):
    many_news(12)

    first = client.get("/aktuelles/")
    second = client.get("/aktuelles/?page=2")

    assert [i.slug for i in first.context["items"]] == [f"meldung-{n}" for n in range(10)]
    assert [i.slug for i in second.context["items"]] == ["meldung-10", "meldung-11"]


@pytest.mark.parametrize(("page", "number"), [("99", 2), ("0", 2), ("-1", 2), ("abc", 1)])
def test_page_out_of_range_shows_nearest_page(client, page, number):
    many_news(12)

    response = client.get("/aktuelles/", {"page": page})

    assert response.status_code == 200
    assert response.context["page_obj"].number == number


def test_page_of_tag_filter_keeps_the_tag_in_links(client):
    tag = NewsTag.objects.get(slug="programm")
    many_news(12, tag=tag)

    html = client.get("/aktuelles/?thema=programm").content.decode()

    assert "?thema=programm&amp;page=2" in html


@pytest.mark.parametrize(
    "path", ["/aktuelles/gibt-es-nicht/", "/aktuelles/%3Cscript%3E/", "/aktuelles/a..b/"]
)
def test_junk_slug_is_404(client, path):
    news()

    assert client.get(path).status_code == 404


def test_reserved_slug_refused():
    with pytest.raises(ValidationError):
        news(slug="feed")
    item = news("Feed")

    assert item.slug == "meldung-feed"


# --- Feed ---------------------------------------------------------------------------------------


@pytest.mark.clock
def test_feed_is_valid_atom_with_entries(client):
    old = news("Ältere Meldung", tags=["programm"], published_on=date(2024, 3, 1))
    new = news("Neue Meldung", tags=["arbeitsgruppe", "foerderung"])

    response = client.get("/aktuelles/feed/")
    feed = feedparser.parse(response.content)
    # Django's syndication takes the host from the sites framework, kept at SITE_URL's host.
    host = f"http://{Site.objects.get_current().domain}"

    assert response["Content-Type"].startswith("application/atom+xml")
    assert feed.bozo == 0
    assert feed.version == "atom10"
    assert [entry.title for entry in feed.entries] == ["Neue Meldung", "Ältere Meldung"]
    assert [entry.link for entry in feed.entries] == [
        f"{host}{new.get_absolute_url()}",
        f"{host}{old.get_absolute_url()}",
    ]
    assert feed.entries[1].summary == "Teaser von Ältere Meldung"
    assert feed.entries[1].published_parsed[:3] == (2024, 3, 1)
    assert [tag.term for tag in feed.entries[0].tags] == ["Arbeitsgruppe", "Förderung"]
    assert feed.feed.link == f"{host}/aktuelles/"


def test_feed_has_the_latest_twenty(client):
    many_news(25)

    feed = feedparser.parse(client.get("/aktuelles/feed/").content)

    assert feed.bozo == 0
    assert len(feed.entries) == 20
    assert feed.entries[0].title == "Meldung 0"


def test_english_feed_has_english_categories(client):
    news(tags=["mitglied-des-monats"])

    feed = feedparser.parse(client.get("/en/aktuelles/feed/").content)

    assert [tag.term for tag in feed.entries[0].tags] == ["Member of the month"]


# --- Query counts -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/aktuelles/", "/aktuelles/?thema=programm", "/", "/aktuelles/feed/"]
)
def test_query_count_does_not_grow_with_items(client, path):
    tag = NewsTag.objects.get(slug="programm")
    many_news(3, tag=tag)
    few = count_queries(client, path)
    NewsItem.objects.all().delete()
    many_news(300, tag=tag)

    assert count_queries(client, path) == few


def test_item_page_query_count_does_not_grow_with_links(client):
    item = news(tags=["programm"])
    item.programs.set([ProgramFactory()])
    few = count_queries(client, f"/aktuelles/{item.slug}/")
    item.programs.set([ProgramFactory() for _ in range(5)])
    item.events.set([EventFactory() for _ in range(3)])

    assert count_queries(client, f"/aktuelles/{item.slug}/") == few


def test_home_page_shows_latest_three(client):
    many_news(5)

    response = client.get("/")

    assert home_news(response) == ["meldung-0", "meldung-1", "meldung-2"]
    assert "/aktuelles/meldung-0/" in response.content.decode()


# --- Coordinators' proposals --------------------------------------------------------------------


def proposal(for_program, **changes):
    data = {
        "title": "Unser Sommerfest",
        "teaser": "Die Tandems feierten gemeinsam.",
        "body": "Es gab **Kuchen**.",
        "tags": [NewsTag.objects.get(slug="programm").pk],
        "program": for_program.pk,
    }
    return {**data, **changes}


def test_coordinator_proposes_item_for_own_program(client, coordinator, program):
    client.force_login(coordinator)

    response = client.post("/koordination/meldungen/neu/", proposal(program))

    assert response.status_code == 302
    assert response["Location"] == "/koordination/meldungen/"
    item = NewsItem.objects.get()
    assert item.status == REVIEW
    assert item.created_by == coordinator
    assert item.organization == program.organization
    assert list(item.programs.all()) == [program]
    assert [tag.slug for tag in item.tags.all()] == ["programm"]
    assert item.body_html == "<p>Es gab <strong>Kuchen</strong>.</p>"
    assert client.get(f"/aktuelles/{item.slug}/").status_code == 404
    listing = client.get("/koordination/meldungen/")
    assert [i.title for i in listing.context["items"]] == ["Unser Sommerfest"]


def test_proposal_for_another_program_refused(client, coordinator):
    other = ProgramFactory()
    client.force_login(coordinator)

    response = client.post("/en/koordination/meldungen/neu/", proposal(other))

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["program"]
    assert NewsItem.objects.count() == 0


def test_proposal_service_refuses_foreign_program(coordinator):
    with pytest.raises(ValidationError):
        services.news_item_propose(by=coordinator, program=ProgramFactory(), title="X", teaser="Y")
    assert NewsItem.objects.count() == 0


@pytest.mark.parametrize(
    "changes",
    [
        {"title": ""},
        {"title": "   "},
        {"teaser": ""},
        {"title": "x" * 201},
        {"teaser": "x" * 401},
        {"tags": ["9999"]},
        {"tags": ["abc"]},
        # Beyond a 64-bit integer: SQLite raised OverflowError on the lookup (a 500).
        {"tags": ["9223372036854775808"]},
        {"tags": ["-9223372036854775809"]},
        {"program": "abc"},
        {"program": ""},
    ],
)
def test_proposal_bad_input_refused(client, coordinator, program, changes):
    client.force_login(coordinator)

    response = client.post("/en/koordination/meldungen/neu/", proposal(program, **changes))

    assert response.status_code == 200
    assert response.context["form"].errors
    assert NewsItem.objects.count() == 0


def test_coordination_pages_need_login(client):
    for path in ("/koordination/meldungen/", "/koordination/meldungen/neu/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/konto/login/")


def test_coordination_pages_refuse_volunteers(client, user):
    client.force_login(user)

    assert client.get("/koordination/meldungen/").status_code == 403
    assert client.post("/koordination/meldungen/neu/", {}).status_code == 403


def test_coordinator_sees_only_items_of_own_programs(client, coordinator, program):
    mine = news("Meine Meldung", status=REVIEW)
    mine.programs.set([program])
    other = news("Fremde Meldung", status=REVIEW)
    other.programs.set([ProgramFactory()])
    client.force_login(coordinator)

    response = client.get("/koordination/meldungen/")

    assert [item.title for item in response.context["items"]] == ["Meine Meldung"]


def test_coordinator_does_not_see_a_staff_draft_about_their_program(client, coordinator, program):
    draft = news("Entwurf der Redaktion", status="draft")
    draft.programs.set([program])
    client.force_login(coordinator)

    response = client.get("/koordination/meldungen/")

    assert list(response.context["items"]) == []


def test_coordination_list_query_count_constant(client, coordinator, program):
    client.force_login(coordinator)
    for n in range(3):
        news(f"Meldung {n}", status=REVIEW).programs.set([program])
    few = count_queries(client, "/koordination/meldungen/")
    for n in range(3, 30):
        news(f"Meldung {n}", status=REVIEW).programs.set([program])

    assert count_queries(client, "/koordination/meldungen/") == few


# --- Services and admin -------------------------------------------------------------------------


def test_publish_and_unpublish():
    staff = UserFactory(is_staff=True)
    item = news(status=REVIEW)

    item = services.news_item_publish(item=item, by=staff)
    assert item.status == PUBLISHED
    with pytest.raises(ValidationError):
        services.news_item_publish(item=item, by=staff)
    item = services.news_item_unpublish(item=item, by=staff)
    assert item.status == DRAFT


def test_admin_lists_proposals_by_status_and_publishes(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    item = news("Vorschlag", status=REVIEW)
    news("Schon online")
    client.force_login(staff)

    listing = client.get("/admin/news/newsitem/?status__exact=review")
    assert [i.title for i in listing.context["cl"].result_list] == ["Vorschlag"]
    response = client.post(
        "/admin/news/newsitem/",
        {"action": "publish", "_selected_action": [item.pk]},
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == PUBLISHED


def test_admin_add_renders_markdown(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)

    response = client.post(
        "/admin/news/newsitem/add/",
        {
            "title": "Neu",
            "slug": "neu",
            "published_on": "2025-01-15",
            "teaser": "Kurz.",
            "body": "*kursiv* <img src=x onerror=alert(1)>",
            "status": "published",
            "tags": [NewsTag.objects.get(slug="programm").pk],
        },
    )

    assert response.status_code == 302
    item = NewsItem.objects.get(slug="neu")
    assert item.body_html == "<p><em>kursiv</em> </p>"
    assert item.created_by == staff
    assert [tag.slug for tag in item.tags.all()] == ["programm"]


# --- Demo ---------------------------------------------------------------------------------------


def test_demo_news_is_idempotent_and_links_program_and_congress():
    from events.demo import create_demo_events
    from programs.demo import create_demo_programs

    create_demo_programs()
    create_demo_events()
    create_demo_news()
    count = NewsItem.objects.count()
    create_demo_news()

    assert NewsItem.objects.count() == count == 13
    assert NewsItem.objects.filter(status=DRAFT).count() == 1
    portrait = NewsItem.objects.get(slug="programmportraet-lesepatinnen-leipzig")
    assert [p.name for p in portrait.programs.all()] == ["Lesepat:innen Leipzig"]
    congress = NewsItem.objects.get(slug="fachkongress-mentoring-anmeldung-offen")
    assert [e.slug[:22] for e in congress.events.all()] == ["fachkongress-mentoring"]


def test_home_news_cached_and_dropped_on_every_change(client, django_assert_num_queries):
    item = news("Erste Meldung", status=DRAFT)
    client.get("/")
    with django_assert_num_queries(0):
        assert home_news(client.get("/")) == []

    services.news_item_publish(item=item, by=None)
    assert home_news(client.get("/")) == [item.slug]
    with django_assert_num_queries(0):
        client.get("/")

    services.news_item_unpublish(item=item, by=None)
    assert home_news(client.get("/")) == []
    second = news("Zweite Meldung")
    assert home_news(client.get("/")) == [second.slug]
    NewsItem.objects.filter(pk=second.pk).update(title="Umbenannt")  # no signal: stays cached
    assert "Zweite Meldung" in client.get("/").content.decode()
    second.title = "Neuer Titel"
    second.save()
    assert "Neuer Titel" in client.get("/").content.decode()
    NewsItem.objects.all().delete()
    assert home_news(client.get("/")) == []


def home_news(response) -> list[str]:
    """The slugs of the news items the home page links to, in order."""
    return re.findall(r'<h3><a href="/aktuelles/([^/"]+)/">', response.content.decode())


def test_home_news_links_follow_the_language(client):
    item = news("Meldung")
    client.get("/")

    assert f'href="/en/aktuelles/{item.slug}/"' in client.get("/en/").content.decode()


def test_an_item_whose_stored_image_went_missing_can_still_be_saved(db):
    item = news("Mit Bild")
    item.image.name = "news/gibt-es-nicht.jpg"
    item.image_alt = "Ein Foto"

    item.full_clean()

    assert item.image.name == "news/gibt-es-nicht.jpg"

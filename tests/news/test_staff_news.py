"""The network staff's news pages (/netzwerk/meldungen/): list, write, change, preview, publish
and take offline, in place of the admin."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from news import services
from news.models import NewsItem, NewsTag
from tests.factories import (
    EventFactory,
    OrganizationFactory,
    ProgramCoordinatorFactory,
    ProgramFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PUBLISHED, REVIEW, DRAFT = (
    NewsItem.Status.PUBLISHED,
    NewsItem.Status.REVIEW,
    NewsItem.Status.DRAFT,
)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def staff(client):
    user = UserFactory(is_staff=True)
    client.force_login(user)
    return user


def news(title="Neues aus dem Netzwerk", *, status=DRAFT, **fields):
    item = NewsItem(
        title=title, teaser=f"Teaser von {title}", body="Text.", status=status, **fields
    )
    return services.news_item_save(item=item)


def form_data(**changes):
    data = {
        "title": "Netzwerktreffen im Herbst",
        "slug": "",
        "published_on": "2026-10-01",
        "teaser": "Wir treffen uns in Leipzig.",
        "body": "Mit **Programm**.",
        "image_alt": "",
        "organization": "",
    }
    return {**data, **changes}


def png(size=(800, 600)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(buffer, format="PNG")
    return SimpleUploadedFile("foto.png", buffer.getvalue(), content_type="image/png")


def test_list_shows_every_status_and_filters_by_status(client, staff):
    news("Entwurf A")
    news("Vorschlag B", status=REVIEW)
    news("Online C", status=PUBLISHED)

    everything = client.get("/netzwerk/meldungen/").content.decode()
    in_review = client.get("/netzwerk/meldungen/?status=review").content.decode()

    assert ["Entwurf A" in everything, "Vorschlag B" in everything, "Online C" in everything] == [
        True,
        True,
        True,
    ]
    assert ["Entwurf A" in in_review, "Vorschlag B" in in_review, "Online C" in in_review] == [
        False,
        True,
        False,
    ]


def test_list_searches_titles_and_ignores_an_unknown_status(client, staff):
    news("Lesepatenschaften wachsen")
    news("Jahresbericht")

    found = client.get("/netzwerk/meldungen/?q=lesepaten&status=gibtsnicht").content.decode()

    assert "Lesepatenschaften wachsen" in found
    assert "Jahresbericht" not in found


def test_list_query_count_does_not_grow(client, staff, django_assert_max_num_queries):
    news("Erste")
    with django_assert_max_num_queries(12):
        client.get("/netzwerk/meldungen/")
    for n in range(30):
        news(f"Meldung {n}", organization=OrganizationFactory())
    with django_assert_max_num_queries(12):
        response = client.get("/netzwerk/meldungen/")
    assert response.status_code == 200


def test_staff_write_a_draft_with_tags_programs_and_events(client, staff):
    tag = NewsTag.objects.order_by("position").first()
    program, event = ProgramFactory(), EventFactory()

    response = client.post(
        "/netzwerk/meldungen/neu/",
        form_data(tags=[tag.pk], programs=[program.pk], events=[event.pk]),
    )

    item = NewsItem.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/netzwerk/meldungen/{item.pk}/bearbeiten/"
    assert (item.slug, item.status, item.created_by) == ("netzwerktreffen-im-herbst", DRAFT, staff)
    assert item.body_html == "<p>Mit <strong>Programm</strong>.</p>"
    assert [list(item.tags.all()), list(item.programs.all()), list(item.events.all())] == [
        [tag],
        [program],
        [event],
    ]


def test_save_and_publish_puts_the_item_online(client, staff):
    client.post("/netzwerk/meldungen/neu/", form_data(action="publish"))

    item = NewsItem.objects.get()
    assert item.status == PUBLISHED
    assert client.get(f"/aktuelles/{item.slug}/").status_code == 200


def test_edit_keeps_the_slug_and_changes_the_text(client, staff):
    item = news("Alter Titel")

    response = client.post(
        f"/netzwerk/meldungen/{item.pk}/bearbeiten/",
        form_data(title="Neuer Titel", slug=item.slug),
    )

    item.refresh_from_db()
    assert response.status_code == 302
    assert (item.title, item.slug) == ("Neuer Titel", "alter-titel")


def test_a_line_break_in_the_title_becomes_a_space_and_a_script_stays_text(client, staff):
    client.post(
        "/netzwerk/meldungen/neu/", form_data(title="Erste Zeile\nzweite <script>x</script>")
    )

    item = NewsItem.objects.get()
    page = client.get(f"/netzwerk/meldungen/{item.pk}/vorschau/").content.decode()
    assert item.title == "Erste Zeile zweite <script>x</script>"
    assert "<script>x</script>" not in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page


@pytest.mark.parametrize(
    ("changes", "field_error"),
    [
        ({"title": ""}, "Dieses Feld ist zwingend erforderlich."),
        ({"slug": "feed"}, "Diese Adresse ist reserviert; bitte wählen Sie eine andere."),
        ({"published_on": "2026-02-30"}, "Bitte ein gültiges Datum eingeben."),
        ({"programs": ["99999999999999999999"]}, None),
    ],
)
def test_bad_input_gets_a_german_message_and_changes_nothing(client, staff, changes, field_error):
    existing = news("Bestehende Meldung")

    response = client.post("/netzwerk/meldungen/neu/", form_data(**changes))

    assert response.status_code == 200
    assert list(NewsItem.objects.all()) == [existing]
    if field_error:
        assert field_error in response.content.decode()
    else:
        assert "field-error" in response.content.decode()


def test_a_taken_slug_is_refused_in_german(client, staff):
    news("Erste Meldung")

    response = client.post("/netzwerk/meldungen/neu/", form_data(slug="erste-meldung"))

    assert "Meldung mit diesem Wert für das Feld" in response.content.decode()
    assert NewsItem.objects.count() == 1


def test_an_image_is_encoded_anew_and_needs_a_description(client, staff):
    refused = client.post("/netzwerk/meldungen/neu/", form_data(image=png()))
    assert NewsItem.objects.count() == 0
    assert "Bitte beschreiben Sie das Bild" in refused.content.decode()

    client.post(
        "/netzwerk/meldungen/neu/", form_data(image=png((3000, 2000)), image_alt="Ein Foto")
    )

    item = NewsItem.objects.get()
    with item.image.open("rb") as stored, Image.open(stored) as image:
        assert image.size == (1600, 1067)


def test_a_renamed_executable_as_image_is_refused_in_german(client, staff):
    fake = SimpleUploadedFile("foto.png", b"MZ\x90\x00" + b"\x00" * 200, content_type="image/png")

    response = client.post("/netzwerk/meldungen/neu/", form_data(image=fake, image_alt="Foto"))

    assert response.status_code == 200
    assert NewsItem.objects.count() == 0
    assert "Bitte ein gültiges Bild hochladen." in response.content.decode()


def test_publish_and_take_offline(client, staff):
    item = news("Bald online")

    published = client.post(f"/netzwerk/meldungen/{item.pk}/veroeffentlichen/", {"next": "list"})
    item.refresh_from_db()
    assert (published["Location"], item.status) == ("/netzwerk/meldungen/", PUBLISHED)

    client.post(f"/netzwerk/meldungen/{item.pk}/offline/")
    item.refresh_from_db()
    assert item.status == DRAFT
    assert client.get(f"/aktuelles/{item.slug}/").status_code == 404


def test_publishing_twice_is_refused_with_a_german_message(client, staff):
    item = news("Schon online", status=PUBLISHED)

    response = client.post(f"/netzwerk/meldungen/{item.pk}/veroeffentlichen/", follow=True)

    assert "Diese Meldung ist bereits veröffentlicht." in response.content.decode()


def test_preview_shows_a_draft_to_staff_only(client, staff):
    item = news("Noch geheim")

    assert "Noch geheim" in client.get(f"/netzwerk/meldungen/{item.pk}/vorschau/").content.decode()
    assert client.get(f"/aktuelles/{item.slug}/").status_code == 404
    client.force_login(UserFactory())
    assert client.get(f"/netzwerk/meldungen/{item.pk}/vorschau/").status_code == 403


def test_an_unknown_item_is_404(client, staff):
    assert client.get("/netzwerk/meldungen/999/bearbeiten/").status_code == 404
    assert client.post("/netzwerk/meldungen/999/veroeffentlichen/").status_code == 404


def test_coordinators_cannot_publish(client):
    item = news("Vorschlag", status=REVIEW)
    client.force_login(ProgramCoordinatorFactory().user)

    assert client.post(f"/netzwerk/meldungen/{item.pk}/veroeffentlichen/").status_code == 403
    item.refresh_from_db()
    assert item.status == REVIEW


def test_english_pages_speak_english(client, staff):
    page = client.get("/en/netzwerk/meldungen/").content.decode()

    assert "Write a news item" in page


def test_staff_delete_an_item_and_its_image_after_asking(
    client, staff, django_capture_on_commit_callbacks
):
    client.post("/netzwerk/meldungen/neu/", form_data(image=png(), image_alt="Ein Foto"))
    item = NewsItem.objects.get()
    storage, name = item.image.storage, item.image.name

    question = client.get(f"/netzwerk/meldungen/{item.pk}/loeschen/")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/netzwerk/meldungen/{item.pk}/loeschen/", follow=True)

    assert "„Netzwerktreffen im Herbst“ löschen?" in question.content.decode()
    assert "„Netzwerktreffen im Herbst“ wurde gelöscht." in response.content.decode()
    assert NewsItem.objects.count() == 0
    assert storage.exists(name) is False


def test_events_are_offered_with_their_date(client, staff):
    from django.utils import timezone
    from django.utils.formats import date_format

    event = EventFactory(title="Stammtisch")

    page = client.get("/netzwerk/meldungen/neu/").content.decode()

    day = date_format(timezone.localtime(event.starts_at), "SHORT_DATE_FORMAT")
    assert f"Stammtisch ({day})" in page


def test_list_sorts_by_title_keeps_the_search_and_ignores_an_unknown_sort(client, staff):
    news("Zeitungsbericht")
    news("Adventsfeier")
    news("Mitgliederversammlung")

    by_title = client.get("/netzwerk/meldungen/?q=e&sort=title")
    unknown = client.get("/netzwerk/meldungen/?sort=body")

    assert [item.title for item in by_title.context["items"]] == [
        "Adventsfeier",
        "Mitgliederversammlung",
        "Zeitungsbericht",
    ]
    html = by_title.content.decode()
    assert 'aria-sort="ascending"><a href="?q=e&amp;sort=-title"' in html
    assert '<input type="hidden" name="sort" value="title">' in html
    assert unknown.status_code == 200
    assert [item.title for item in unknown.context["items"]][0] == "Mitgliederversammlung"

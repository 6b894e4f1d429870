"""Network staff keep the vocabularies under /netzwerk/vokabulare/: list, add, rename (German
and English), reorder; the slug of a term, used in filter addresses, stays."""

import pytest

from events.models import EventType
from news.models import NewsTag
from programs.models import Topic
from tests.factories import ProgramCoordinatorFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    client.force_login(UserFactory(is_staff=True))


def test_list_shows_every_vocabulary_in_a_fixed_number_of_queries(
    client, staff, django_assert_max_num_queries
):
    Topic.objects.create(slug="lesen", name_de="Lesen", name_en="Reading")
    with django_assert_max_num_queries(14):
        page = client.get("/netzwerk/vokabulare/").content.decode()
    for n in range(20):
        NewsTag.objects.create(slug=f"t-{n}", name_de=f"Thema {n}", name_en=f"Topic {n}")
    with django_assert_max_num_queries(14):
        client.get("/netzwerk/vokabulare/")

    assert ["Lesen" in page, "Veranstaltungsarten" in page, 'id="meldungsthemen"' in page] == [
        True,
        True,
        True,
    ]


def test_staff_add_a_term_with_a_german_slug(client, staff):
    response = client.post(
        "/netzwerk/vokabulare/themen/neu/",
        {"name_de": "Übergang Schule und Beruf", "name_en": "School to work", "position": "3"},
    )

    term = Topic.objects.get(name_de="Übergang Schule und Beruf")
    assert response["Location"] == "/netzwerk/vokabulare/#themen"
    assert (term.slug, term.name_en, term.position) == (
        "uebergang-schule-und-beruf",
        "School to work",
        3,
    )


def test_staff_rename_a_term_and_its_slug_stays(client, staff):
    term = EventType.objects.create(slug="treffen-x", name_de="Treffen X", name_en="Meetup")

    client.post(
        f"/netzwerk/vokabulare/veranstaltungsarten/{term.pk}/bearbeiten/",
        {"name_de": "Offener Stammtisch", "name_en": "Open meetup", "position": "9"},
    )

    term.refresh_from_db()
    assert (term.slug, term.name_de, term.name_en, term.position) == (
        "treffen-x",
        "Offener Stammtisch",
        "Open meetup",
        9,
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"name_de": "", "name_en": "x", "position": "0"},
            "Dieses Feld ist zwingend erforderlich.",
        ),
        ({"name_de": "Neu", "name_en": "New", "position": "-1"}, "größer oder gleich 0"),
        ({"name_de": "Lesen", "name_en": "Reading", "position": "0"}, "bereits einen Begriff"),
        ({"name_de": "x" * 101, "name_en": "x", "position": "0"}, "höchstens 100 Zeichen"),
    ],
)
def test_bad_input_gets_a_german_message_and_changes_nothing(client, staff, data, message):
    Topic.objects.create(slug="lesen", name_de="Lesen", name_en="Reading")
    before = list(Topic.objects.values())

    response = client.post("/netzwerk/vokabulare/themen/neu/", data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert list(Topic.objects.values()) == before


def test_a_line_break_and_a_script_in_a_label(client, staff):
    client.post(
        "/netzwerk/vokabulare/meldungsthemen/neu/",
        {"name_de": "Neu\n<script>x</script>", "name_en": "New", "position": "0"},
    )

    page = client.get("/netzwerk/vokabulare/").content.decode()
    assert NewsTag.objects.filter(name_de="Neu <script>x</script>").count() == 1
    assert "<script>x</script>" not in page


def test_unknown_vocabulary_or_term_is_404(client, staff):
    assert client.get("/netzwerk/vokabulare/gibtsnicht/neu/").status_code == 404
    assert client.get("/netzwerk/vokabulare/themen/999999/bearbeiten/").status_code == 404


def test_coordinators_get_403(client):
    client.force_login(ProgramCoordinatorFactory().user)

    response = client.post(
        "/netzwerk/vokabulare/themen/neu/", {"name_de": "Neu", "name_en": "New", "position": "0"}
    )

    assert response.status_code == 403
    assert Topic.objects.filter(name_de="Neu").exists() is False

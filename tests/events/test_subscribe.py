"""Subscribing to the calendar as filtered: the page's webcal and https links carry its filters,
the feed behind them lists the events the page lists, bad filters answer an empty calendar, and
a program page offers the feed of its program."""

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.utils import translation
from icalendar import Calendar

from core.page_cache import forget_local_state
from events.models import Event, EventType
from tests.factories import EventFactory, ProgramFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
SITE = "https://mentoring.example.org"
FEED_PATH = "/veranstaltungen/kalender.ics"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE
    cache.clear()
    forget_local_state()


def feed_uids(response) -> set[str]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return {str(e["uid"]) for e in Calendar.from_ical(response.content).walk("VEVENT")}


def uid(event) -> str:
    return f"event-{event.pk}@mentoring.example.org"


def links(response, scheme: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(rf'href="({scheme}://[^"]+)"', response.text)]


@pytest.fixture
def events(program):
    other = ProgramFactory()
    congress = EventType.objects.get(slug="fachkongress")
    return {
        "meeting": EventFactory(program=program),
        "congress": EventFactory(program=program, event_type=congress),
        "other": EventFactory(program=other, state="BE", city="Berlin"),
        "online": EventFactory(
            program=None, mode=Event.Mode.ONLINE, online_url="https://k.example.org/a", state=""
        ),
        "draft": EventFactory(program=program, status=Event.Status.DRAFT),
    }


QUERIES = [
    "",
    "typ=fachkongress",
    "bundesland=BE",
    "format=online",
    "netzwerk=1",
    "format=vor-ort&bundesland=SN",
    "typ=fachkongress&typ=netzwerktreffen&bundesland=SN",
]


@pytest.mark.parametrize("query", QUERIES)
def test_subscribe_links_round_trip_the_page_filters(client, events, program, query):
    page = client.get(f"/en/veranstaltungen/?{query}")
    listed = {uid(o.event) for o in page.context["occurrences"]}

    https = page.context["feed_url"]
    (webcal,) = links(page, "webcal")
    address = urlsplit(https)
    assert (address.scheme, address.netloc, address.path) == (
        "https",
        "mentoring.example.org",
        FEED_PATH,
    )
    assert webcal == "webcal://mentoring.example.org" + FEED_PATH + (
        f"?{address.query}" if address.query else ""
    )
    assert https in links(page, "https")
    assert f'value="{html.escape(https)}"' in page.text  # the field to copy
    assert parse_qs(address.query) == parse_qs(query)

    feed = client.get(f"{address.path}?{address.query}")

    assert feed_uids(feed) == listed
    assert uid(events["draft"]) not in listed


def test_subscribe_link_of_a_program_filter_lists_its_events_only(client, events, program):
    page = client.get(f"/veranstaltungen/?programm={program.slug}")
    address = urlsplit(page.context["feed_url"])

    found = feed_uids(client.get(f"{address.path}?{address.query}"))

    assert found == {uid(events["meeting"]), uid(events["congress"])}
    assert found == {uid(o.event) for o in page.context["occurrences"]}


def test_subscribe_link_leaves_out_day_page_and_unknown_values(client, events):
    page = client.get(
        "/en/veranstaltungen/?typ=fachkongress&typ=%3Cscript%3E&tag=2027-01-05&page=2&utm=x"
    )

    assert page.context["feed_url"] == f"{SITE}{FEED_PATH}?typ=fachkongress"


def test_subscribe_help_in_german_and_english(client, events):
    german = client.get("/veranstaltungen/")
    english = client.get("/en/veranstaltungen/")

    assert "<summary>So abonnieren Sie den Kalender</summary>" in german.text
    assert "<summary>How to subscribe to the calendar</summary>" in english.text
    for response in (german, english):
        assert "Outlook" in response.text
        assert "Google" in response.text
        assert "Apple" in response.text
        # The address is the same, unprefixed one under /en/: a subscription outlives a language.
        assert response.context["feed_url"] == f"{SITE}{FEED_PATH}"
        assert '<label for="subscribe-url">' in response.text


BAD_QUERIES = [
    "typ=gibt-es-nicht",
    "typ=fachkongress&typ=%3Cscript%3E",
    "format=" + "x" * 2000,
    "bundesland=ZZ",
    "zielgruppe=%00",
    "netzwerk=2",
    "programm=" + "p" * 2000,
    "organisation=%27%3B%20DROP%20TABLE%20events_event%3B--",
    "programm=%00",
    "typ=" + "%C3%BC" * 700,
]


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_feed_with_bad_filters_answers_an_empty_valid_calendar(client, events, query):
    response = client.get(f"{FEED_PATH}?{query}")

    assert feed_uids(response) == set()
    assert b"BEGIN:VCALENDAR" in response.content
    assert b"END:VCALENDAR" in response.content


def test_feed_ignores_unknown_parameter_names(client, events):
    plain = feed_uids(client.get(FEED_PATH))

    assert feed_uids(client.get(f"{FEED_PATH}?utm_source=newsletter&page=x&tag=nie")) == plain
    assert len(plain) == 4


def test_program_page_offers_the_feed_of_its_program(client, events, program):
    page = client.get(program.get_absolute_url())

    https = f"{SITE}{FEED_PATH}?programm={program.slug}"
    assert https in links(page, "https")
    assert links(page, "webcal") == [
        f"webcal://mentoring.example.org{FEED_PATH}?programm={program.slug}"
    ]
    address = urlsplit(https)
    found = feed_uids(client.get(f"{address.path}?{address.query}"))
    assert found == {uid(events["meeting"]), uid(events["congress"])}


def test_program_page_in_german_offers_the_same_feed_address(client, program):
    with translation.override("de"):
        page = client.get(program.get_absolute_url())

    assert links(page, "webcal") == [
        f"webcal://mentoring.example.org{FEED_PATH}?programm={program.slug}"
    ]
    assert "So abonnieren Sie den Kalender" in page.text

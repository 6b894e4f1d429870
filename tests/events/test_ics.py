"""iCalendar files of events: one event (with its series) and the subscribable feed, parsed back
with two independent parsers (vobject and icalendar)."""

import gzip
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import vobject
from django.core.cache import cache
from django.utils import timezone, translation
from icalendar import Calendar

from core.page_cache import forget_local_state
from events import services
from events.ics import event_calendar
from events.models import Event, EventType
from events.occurrences import occurrences
from tests.factories import EventFactory


def forget_cached_feeds() -> None:
    """What a change of the calendar does for the next request: no cached or ready feed."""
    cache.clear()
    forget_local_state()


# English source texts, whatever the German catalogue holds (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
BERLIN = ZoneInfo("Europe/Berlin")
EN = "/en"
FEED = f"{EN}/veranstaltungen/kalender.ics"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://mentoring.example.org"


def local(day: date, at: time) -> datetime:
    return services.local_datetime(day, at)


def ics_path(event) -> str:
    return f"{EN}/veranstaltungen/{event.slug}.ics"


def saved(program, **fields) -> Event:
    """An event through the services, then published."""
    event = EventFactory.build(program=program, status=Event.Status.DRAFT, **fields)
    event = services.event_save(event=event)
    return services.event_publish(event=event, by=None)


def vevents(content: bytes) -> dict:
    """The VEVENTs by UID, read by icalendar."""
    return {str(e["uid"]): e for e in Calendar.from_ical(content).walk("VEVENT")}


def vobject_events(content: bytes) -> list:
    return list(vobject.readOne(content.decode()).vevent_list)


def uid(event) -> str:
    return f"event-{event.pk}@mentoring.example.org"


# --- One event -------------------------------------------------------------------------------


@pytest.mark.clock
@pytest.mark.parametrize("month", [7, 1])
def test_event_ics_keeps_the_local_hour_in_summer_and_winter(client, program, month):
    day = date(timezone.localdate().year + 1, month, 14)
    event = saved(program, starts_at=local(day, time(18, 0)), ends_at=local(day, time(20, 0)))

    response = client.get(ics_path(event))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{event.slug}.ics"'
    [parsed] = vobject_events(response.content)
    start, end = parsed.dtstart.value, parsed.dtend.value
    assert f"DTSTART;TZID=Europe/Berlin:{day:%Y%m%d}T180000".encode() in response.content
    # vobject builds the zone from the file's VTIMEZONE alone.
    offset = timedelta(hours=2 if month == 7 else 1)
    assert start.utcoffset() == offset
    assert start.tzinfo.tzname(start) == ("CEST" if month == 7 else "CET")
    assert (start.date(), start.hour, start.minute) == (day, 18, 0)
    assert start == event.starts_at
    assert end - start == timedelta(hours=2)
    assert parsed.uid.value == uid(event)
    assert parsed.sequence.value == str(event.sequence)
    assert parsed.status.value == "CONFIRMED"
    assert parsed.summary.value == event.title
    # The English file (its address is /en/…) links to the English page.
    assert parsed.url.value == f"https://mentoring.example.org/en/veranstaltungen/{event.slug}/"
    assert parsed.description.value == f"{event.summary}\n\n{parsed.url.value}"
    assert parsed.location.value == "Volkshochschule Leipzig, Löhrstraße 3-7, 04105 Leipzig"
    calendar = Calendar.from_ical(response.content)
    [zone] = calendar.walk("VTIMEZONE")
    assert str(zone["tzid"]) == "Europe/Berlin"
    assert {str(c.name) for c in zone.subcomponents} == {"STANDARD", "DAYLIGHT"}
    assert str(calendar["x-wr-calname"]) == event.title
    [component] = calendar.walk("VEVENT")
    assert component.decoded("dtstart") == event.starts_at
    assert component.decoded("dtstart").tzinfo == BERLIN


@pytest.mark.clock
def test_event_ics_uid_is_stable_and_sequence_rises_with_a_new_start(client, program):
    event = saved(program)
    first = client.get(ics_path(event)).content
    second = client.get(ics_path(event)).content
    before = vevents(first)[uid(event)]["sequence"]

    event.title = "Neuer Titel"
    event = services.event_save(event=event)
    after_title = vevents(client.get(ics_path(event)).content)
    event.starts_at += timedelta(hours=1)
    event.ends_at += timedelta(hours=1)
    event = services.event_save(event=event)
    after_start = vevents(client.get(ics_path(event)).content)

    assert first == second
    assert list(vevents(second)) == [uid(event)]
    assert list(after_title) == [uid(event)]
    assert list(after_start) == [uid(event)]
    assert str(after_title[uid(event)]["summary"]) == "Neuer Titel"
    assert after_title[uid(event)]["sequence"] == before + 1
    assert after_start[uid(event)]["sequence"] == before + 2
    [parsed] = vobject_events(client.get(ics_path(event)).content)
    assert parsed.sequence.value == str(before + 2)
    assert parsed.dtstart.value.hour == 19


def test_event_ics_after_cancelling_is_status_cancelled(client, program):
    event = saved(program)
    sequence = event.sequence

    services.event_cancel(event=event, by=None)
    response = client.get(ics_path(event))

    [parsed] = vobject_events(response.content)
    assert parsed.status.value == "CANCELLED"
    assert parsed.uid.value == uid(event)
    assert parsed.sequence.value == str(sequence + 1)


@pytest.mark.parametrize("status", [Event.Status.DRAFT, Event.Status.REVIEW])
def test_event_ics_of_an_unpublished_event_is_404(client, program, status):
    event = EventFactory(program=program, status=status)

    assert client.get(ics_path(event)).status_code == 404


def test_event_ics_conditional_get_answers_304(client, program):
    event = saved(program)
    etag = client.get(ics_path(event))["ETag"]

    response = client.get(ics_path(event), headers={"if-none-match": etag})

    assert response.status_code == 304
    assert response.content == b""


# --- Series ----------------------------------------------------------------------------------


def next_tuesday_in_march() -> date:
    """A Tuesday before the spring change of the clocks, so a weekly series crosses it."""
    day = date(timezone.localdate().year + 1, 3, 10)
    return day + timedelta(days=(1 - day.weekday()) % 7)


@pytest.mark.clock
def test_event_ics_series_expands_to_the_portals_dates_without_exdates(client, program):
    first = next_tuesday_in_march()
    left_out = first + timedelta(weeks=2)
    event = saved(
        program,
        starts_at=local(first, time(18, 0)),
        ends_at=local(first, time(20, 0)),
        recurrence="FREQ=WEEKLY;BYDAY=TU;COUNT=6",
        exdates=[left_out.isoformat()],
    )

    content = client.get(ics_path(event)).content

    [parsed] = vobject_events(content)
    assert parsed.rrule.value == "FREQ=WEEKLY;COUNT=6;BYDAY=TU"
    assert [value.date() for value in parsed.exdate.value] == [left_out]
    dates = list(parsed.getrruleset())
    expected = [first + timedelta(weeks=n) for n in range(6) if n != 2]
    assert [d.date() for d in dates] == expected
    # 18:00 local before and after the clocks change at the end of March.
    assert {d.astimezone(BERLIN).hour for d in dates} == {18}
    assert {d.utcoffset() for d in dates} == {timedelta(hours=1), timedelta(hours=2)}
    assert dates == [o.starts_at for o in occurrences(event)]
    [component] = Calendar.from_ical(content).walk("VEVENT")
    assert [d.dt for d in component["exdate"].dts] == [local(left_out, time(18, 0))]


@pytest.mark.clock
def test_event_ics_series_until_ends_where_the_portal_ends_it(client, program):
    first = next_tuesday_in_march()
    last = first + timedelta(weeks=3)
    event = saved(
        program,
        starts_at=local(first, time(18, 0)),
        ends_at=local(first, time(20, 0)),
        recurrence=f"FREQ=WEEKLY;UNTIL={(last + timedelta(days=1)):%Y%m%d}",
    )

    [parsed] = vobject_events(client.get(ics_path(event)).content)

    assert parsed.rrule.value.endswith("Z")
    dates = list(parsed.getrruleset())
    assert dates == [o.starts_at for o in occurrences(event)]
    assert [d.date() for d in dates] == [first + timedelta(weeks=n) for n in range(4)]


@pytest.mark.clock
def test_event_ics_all_day_is_value_date_with_exclusive_end(client, program):
    first = date(timezone.localdate().year + 1, 5, 10)
    start, end = services.all_day_span(first, first + timedelta(days=2))
    event = saved(program, all_day=True, starts_at=start, ends_at=end)

    content = client.get(ics_path(event)).content

    assert b"DTSTART;VALUE=DATE:" + f"{first:%Y%m%d}".encode() in content
    assert b"DTEND;VALUE=DATE:" + f"{first + timedelta(days=3):%Y%m%d}".encode() in content
    [parsed] = vobject_events(content)
    assert parsed.dtstart.value == first
    assert parsed.dtend.value == first + timedelta(days=3)


def test_event_calendar_bytes_hold_every_event_given(program):
    events = [saved(program), saved(program)]

    content = event_calendar(events)

    assert sorted(e.uid.value for e in vobject_events(content)) == sorted(uid(e) for e in events)


# --- The feed --------------------------------------------------------------------------------


@pytest.mark.clock
def test_feed_holds_public_upcoming_and_cancelled_events_only(client, program):
    published = EventFactory(program=program)
    cancelled = EventFactory(program=program, status=Event.Status.CANCELLED)
    draft = EventFactory(program=program, status=Event.Status.DRAFT)
    review = EventFactory(program=program, status=Event.Status.REVIEW)
    recent = EventFactory(program=program, starts_at=timezone.now() - timedelta(days=10))
    old = EventFactory(program=program, starts_at=timezone.now() - timedelta(days=40))
    old_series = EventFactory(
        program=program,
        starts_at=timezone.now() - timedelta(days=200),
        recurrence="FREQ=WEEKLY;COUNT=4",
    )
    running_series = EventFactory(
        program=program,
        starts_at=timezone.now() - timedelta(days=200),
        recurrence="FREQ=MONTHLY;COUNT=12",
    )

    response = client.get(FEED)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "public, max-age=300"
    found = vevents(response.content)
    assert sorted(found) == sorted(uid(e) for e in (published, cancelled, recent, running_series))
    assert str(found[uid(cancelled)]["status"]) == "CANCELLED"
    assert str(found[uid(published)]["status"]) == "CONFIRMED"
    assert {uid(draft), uid(review), uid(old), uid(old_series)} & set(found) == set()
    parsed = {e.uid.value: e for e in vobject_events(response.content)}
    assert parsed[uid(cancelled)].status.value == "CANCELLED"
    # In the language of its address: English under /en/, German without a prefix.
    assert str(Calendar.from_ical(response.content)["x-wr-calname"]) == (
        "Events of the mentoring network"
    )
    with translation.override("de"):
        name = translation.gettext("Events of the mentoring network")
    german = client.get(FEED.removeprefix(EN))
    assert str(Calendar.from_ical(german.content)["x-wr-calname"]) == name
    assert name == "Veranstaltungen des Mentoring-Netzwerks"


def test_feed_filters_like_the_calendar_list(client, program):
    meeting = EventFactory(program=program)
    congress = EventFactory(program=program, event_type=EventType.objects.get(slug="fachkongress"))
    online = EventFactory(
        program=None,
        mode=Event.Mode.ONLINE,
        online_url="https://konferenz.example.org/b",
        state="",
    )

    by_type = vevents(client.get(FEED, {"typ": "fachkongress"}).content)
    by_program = vevents(client.get(FEED, {"programm": program.slug}).content)
    by_format = vevents(client.get(FEED, {"format": "online"}).content)
    by_state = vevents(client.get(FEED, {"bundesland": "SN"}).content)

    assert list(by_type) == [uid(congress)]
    assert sorted(by_program) == sorted([uid(meeting), uid(congress)])
    assert list(by_format) == [uid(online)]
    assert sorted(by_state) == sorted([uid(meeting), uid(congress)])


def test_feed_with_junk_filters_or_an_unknown_program_finds_nothing(client, program):
    event = EventFactory(program=program)

    junk = client.get(FEED, {"typ": "<script>", "format": "x" * 500, "bundesland": "ZZ"})
    unknown = client.get(FEED, {"programm": "gibt-es-nicht"})

    # A subscription never widens: the page ignores junk with a notice, the feed finds nothing.
    assert list(vevents(client.get(FEED).content)) == [uid(event)]
    assert junk.status_code == 200
    assert list(vevents(junk.content)) == []
    assert unknown.status_code == 200
    assert list(vevents(unknown.content)) == []
    assert b"BEGIN:VCALENDAR" in unknown.content


def test_feed_conditional_get_answers_304_until_something_changes(client, program):
    event = saved(program)
    etag = client.get(FEED)["ETag"]

    same = client.get(FEED, headers={"if-none-match": etag})
    services.event_cancel(event=event, by=None)
    forget_cached_feeds()
    changed = client.get(FEED, headers={"if-none-match": etag})

    assert same.status_code == 304
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_feed_post_is_405(client, db):
    assert client.post(FEED).status_code == 405


def bulk_events(program, count: int) -> None:
    kind = EventType.objects.get(slug="netzwerktreffen")
    start = timezone.now() + timedelta(days=1)
    Event.objects.bulk_create(
        Event(
            title=f"Treffen {n}",
            slug=f"treffen-bulk-{n}",
            event_type=kind,
            starts_at=start + timedelta(hours=n),
            ends_at=start + timedelta(hours=n + 2),
            city="Leipzig",
            program=program,
            status=Event.Status.PUBLISHED,
            recurrence="FREQ=WEEKLY;COUNT=3" if n % 10 == 0 else "",
        )
        for n in range(count)
    )


def test_feed_query_count_is_the_same_for_5_and_500_events(
    client, program, django_assert_num_queries
):
    bulk_events(program, 5)
    forget_cached_feeds()
    with django_assert_num_queries(5) as few:
        small = client.get(FEED, {"typ": "netzwerktreffen"})
    Event.objects.all().delete()
    bulk_events(program, 500)
    forget_cached_feeds()
    with django_assert_num_queries(len(few.captured_queries)):
        large = client.get(FEED, {"typ": "netzwerktreffen"})

    assert len(vevents(small.content)) == 5
    assert len(vevents(large.content)) == 500


def test_feed_is_served_as_gzip_to_clients_that_take_it(client, program):
    saved(program)
    forget_cached_feeds()

    plain = client.get(FEED)
    packed = client.get(FEED, headers={"accept-encoding": "gzip, deflate"})

    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    refused = client.get(FEED, headers={"accept-encoding": "gzip;q=0"})

    assert gzip.decompress(packed.content) == plain.content
    assert "Content-Encoding" not in refused
    assert packed["ETag"] != plain["ETag"] == refused["ETag"]
    assert packed["Vary"] == "Accept-Encoding"

"""The public page of one event: details, dates of a series, registration, other events of the
organiser, schema.org JSON-LD, and what the public may not see."""

import json
import re
from datetime import date, datetime, time, timedelta

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from core.page_cache import forget_local_state
from events import services
from events.models import Audience, Event, Registration
from events.occurrences import Occurrence
from events.views.detail import occurrence_text, recurrence_text
from tests.factories import EventFactory, OrganizationFactory

# English source texts, whatever the German catalogue holds (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
EN = "/en"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://mentoring.example.org"


def local(day: date, at: time) -> datetime:
    return services.local_datetime(day, at)


def page(event) -> str:
    return f"{EN}/veranstaltungen/{event.slug}/"


def json_ld(response) -> dict:
    [block] = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
    )
    return json.loads(block)


def saved(**fields) -> Event:
    """An event through the services (validated, located, Markdown rendered), then published."""
    audiences = fields.pop("audiences", None)
    event = EventFactory.build(**fields)
    event.status = Event.Status.DRAFT
    event = services.event_save(event=event, audiences=audiences)
    return services.event_publish(event=event, by=None)


@pytest.fixture
def event(program):
    return saved(
        program=program,
        title="Netzwerktreffen <Sachsen>",
        summary="Austausch & Kaffee",
        description="Wir treffen uns zum **Austausch**.",
        cost="kostenlos",
        language=Event.Language.GERMAN_ENGLISH,
        step_free=True,
        live_captions=True,
        accessibility_note="Induktionsschleife im Saal",
        registration=Event.Registration.NONE,
        audiences=Audience.objects.filter(slug__in=["mentorinnen", "koordination"]),
    )


# --- Details ---------------------------------------------------------------------------------


@pytest.mark.clock
def test_event_page_shows_every_detail_escaped(client, event, program):
    response = client.get(page(event))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Netzwerktreffen &lt;Sachsen&gt;" in html
    assert "<Sachsen>" not in html
    assert "Austausch &amp; Kaffee" in html
    assert "<p>Wir treffen uns zum <strong>Austausch</strong>.</p>" in html
    assert "Network meeting" in html
    assert "in person" in html
    assert "Volkshochschule Leipzig" in html
    assert "Löhrstraße 3-7" in html
    assert "04105 Leipzig" in html
    assert f'<a href="{EN}/programme/{program.slug}/">{program.name}</a>' in html
    assert "Coordinators, Mentors" in html
    assert "<li>step-free access</li><li>live captions</li>" in html
    assert "Induktionsschleife im Saal" in html
    assert "kostenlos" in html
    assert "German and English" in html
    assert f'href="{EN}/veranstaltungen/{event.slug}.ics"' in html
    start = timezone.localtime(event.starts_at)
    assert f"{start:%a}, {start.day} {start:%b %Y}, 18:00–20:00" in html
    assert "No registration needed." in html


def test_event_page_without_accessibility_says_no_information(client, program):
    event = EventFactory(program=program)

    response = client.get(page(event))

    assert "No information" in response.content.decode()


def test_event_page_description_is_sanitised(client, program):
    event = saved(
        program=program,
        description='Hallo <script>alert("x")</script> <a href="/" onclick="steal()">Link</a>',
    )

    html = client.get(page(event)).content.decode()

    assert "<script>alert" not in html
    assert "onclick" not in html
    assert "steal()" not in html
    assert '<a href="/" rel="noopener noreferrer nofollow">Link</a>' in html


def test_event_page_of_a_network_event_names_the_network(client):
    event = EventFactory(program=None)

    response = client.get(page(event))

    assert "the network" in response.content.decode()


def test_event_page_of_an_organisation_names_it(client):
    organisation = OrganizationFactory(name="Bürgerstiftung Halle")
    event = EventFactory(program=None, organization=organisation)

    response = client.get(page(event))

    assert "Bürgerstiftung Halle" in response.content.decode()


def test_event_page_online_shows_link_and_no_map(client, program):
    event = EventFactory(
        program=program,
        mode=Event.Mode.ONLINE,
        online_url="https://konferenz.example.org/raum",
        venue="",
        street="",
        postcode="",
        city="",
        latitude=None,
        longitude=None,
    )

    html = client.get(page(event)).content.decode()

    assert 'href="https://konferenz.example.org/raum"' in html
    assert 'id="program-map"' not in html
    assert "leaflet.js" not in html


def test_event_page_in_person_shows_the_map_snippet(client, event):
    html = client.get(page(event)).content.decode()

    assert 'id="program-map"' in html
    assert f'data-lat="{event.latitude:f}"' in html
    assert '<script id="map-config" type="application/json">' in html
    assert "js/program-map.js" in html


# --- Who sees it -----------------------------------------------------------------------------


@pytest.mark.parametrize("status", [Event.Status.DRAFT, Event.Status.REVIEW])
def test_event_page_of_an_unpublished_event_is_404(client, program, staff_user, status):
    event = EventFactory(program=program, status=status)

    assert client.get(page(event)).status_code == 404
    client.force_login(staff_user)
    assert client.get(page(event)).status_code == 404


def test_event_page_of_an_unknown_slug_is_404(client, db):
    assert client.get(f"{EN}/veranstaltungen/gibt-es-nicht/").status_code == 404


def test_event_page_cancelled_is_marked_at_the_top(client, event):
    services.event_cancel(event=event, by=None)

    response = client.get(page(event))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("This event has been cancelled.") < html.index("<h1>")
    assert "No registration: the event has been cancelled." in html
    assert json_ld(response)["eventStatus"] == "https://schema.org/EventCancelled"


@pytest.mark.parametrize("slug", ["kalender", "archiv"])
def test_event_slug_of_a_calendar_path_is_refused(program, slug):
    event = EventFactory.build(program=program, slug=slug, status=Event.Status.DRAFT)

    with pytest.raises(ValidationError) as error:
        services.event_save(event=event)

    assert list(error.value.message_dict) == ["slug"]
    assert Event.objects.filter(slug=slug).count() == 0


# --- Dates -----------------------------------------------------------------------------------


@pytest.mark.clock
def test_occurrence_text_all_day_over_three_days_in_german(program):
    start, end = services.all_day_span(date(2027, 5, 10), date(2027, 5, 12))
    occurrence = Occurrence(EventFactory.build(program=program), start, end)

    with translation.override("de"):
        assert occurrence_text(occurrence, all_day=True) == "Mo, 10.05. – Mi, 12.05.2027"


@pytest.mark.clock
def test_occurrence_text_one_whole_day_and_over_new_year(program):
    one = Occurrence(EventFactory.build(program=program), *services.all_day_span(
        date(2027, 5, 10), date(2027, 5, 10)
    ))  # fmt: skip
    turn = Occurrence(EventFactory.build(program=program), *services.all_day_span(
        date(2027, 12, 30), date(2028, 1, 2)
    ))  # fmt: skip

    assert occurrence_text(one, all_day=True) == "Mon, 10 May 2027, all day"
    assert occurrence_text(turn, all_day=True) == "Thu, 30 Dec 2027 – Sun, 2 Jan 2028"


@pytest.mark.clock
def test_occurrence_text_crossing_midnight_names_both_days(program):
    occurrence = Occurrence(
        EventFactory.build(program=program),
        local(date(2027, 5, 14), time(20, 0)),
        local(date(2027, 5, 15), time(2, 0)),
    )

    with translation.override("de"):
        assert (
            occurrence_text(occurrence, all_day=False)
            == "Fr, 14.05.2027, 20:00 – Sa, 15.05.2027, 02:00"
        )


@pytest.mark.clock
@pytest.mark.parametrize(
    ("rule", "text"),
    [
        ("FREQ=MONTHLY;BYDAY=1TU;COUNT=10", "every month on the first Tuesday"),
        ("FREQ=MONTHLY;BYDAY=-1FR;COUNT=10", "every month on the last Friday"),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;COUNT=10", "every 2 weeks on Monday, Wednesday"),
        ("FREQ=WEEKLY;COUNT=5", "every week"),
        ("FREQ=DAILY;UNTIL=20270501", "every day"),
        ("FREQ=MONTHLY;BYMONTHDAY=15;COUNT=3", ""),
        ("FREQ=MONTHLY;BYDAY=1TU,3TU;COUNT=3", ""),
    ],
)
def test_recurrence_text_in_words_only_when_simple(rule, text):
    assert recurrence_text(rule) == text


def next_weekday(weekday: int, *, after: date) -> date:
    return after + timedelta(days=(weekday - after.weekday()) % 7 or 7)


@pytest.mark.clock
def test_event_page_of_a_series_lists_the_next_ten_dates_without_exdates(client, program):
    first = next_weekday(1, after=timezone.localdate())  # a Tuesday
    left_out = first + timedelta(weeks=2)
    event = saved(
        program=program,
        starts_at=local(first, time(18, 0)),
        ends_at=local(first, time(20, 0)),
        recurrence="FREQ=WEEKLY;BYDAY=TU;COUNT=14",
        exdates=[left_out.isoformat()],
    )

    html = client.get(page(event)).content.decode()

    assert "Repeats every week on Tuesday." in html
    shown = re.findall(r'<li><time datetime="([^"]+)">', html)
    expected = [
        first + timedelta(weeks=n) for n in range(14) if first + timedelta(weeks=n) != left_out
    ][:10]
    assert [datetime.fromisoformat(value).date() for value in shown] == expected
    assert {datetime.fromisoformat(value).hour for value in shown} == {18}


# --- Registration ----------------------------------------------------------------------------


def register(event, count: int, *, status=Registration.Status.CONFIRMED) -> None:
    """Registrations whose addresses' owners confirmed them."""
    Registration.objects.bulk_create(
        Registration(
            event=event, name=f"P {n}", email=f"p{n}-{status}@example.org", status=status,
            consent_version="1", confirmed_at=timezone.now(),
        )
        for n in range(count)
    )  # fmt: skip


def test_event_page_portal_registration_shows_places_left(client, program):
    event = EventFactory(program=program, capacity=5)
    register(event, 2)
    register(event, 1, status=Registration.Status.CANCELLED)

    html = client.get(page(event)).content.decode()

    assert "3 of 5 places free." in html
    assert f'href="{reverse("events:register", args=[event.slug])}"' in html
    assert ">Register</a>" in html


def test_event_page_portal_registration_full_offers_waiting_list(client, program):
    event = EventFactory(program=program, capacity=2)
    register(event, 2)

    html = client.get(page(event)).content.decode()

    assert "All places are taken: you can put your name on the waiting list." in html
    assert ">Join the waiting list</a>" in html


@pytest.mark.clock
def test_event_page_portal_registration_closed_after_closing_time(client, program):
    event = EventFactory(
        program=program, registration_closes_at=timezone.now() - timedelta(hours=1)
    )

    html = client.get(page(event)).content.decode()

    assert "Registration is closed." in html
    assert "/anmelden/" not in html


def test_event_page_external_registration_links_out(client, program):
    event = EventFactory(
        program=program,
        registration=Event.Registration.EXTERNAL,
        registration_url="https://anmeldung.example.org/treffen",
    )

    html = client.get(page(event)).content.decode()

    assert 'href="https://anmeldung.example.org/treffen"' in html
    assert "/anmelden/" not in html


# --- Other events of the organiser -----------------------------------------------------------


@pytest.mark.clock
def test_event_page_lists_the_organisers_other_upcoming_public_events(client, event, program):
    # The series' next date two days ahead and its last one five days ago: on whichever day and at
    # whichever hour the test runs (a Monday evening included), no date of it lies in between.
    series_start = timezone.localdate() + timedelta(days=2)
    soon = local(series_start, time(18, 0))
    later = EventFactory(program=program, title="Später", starts_at=soon + timedelta(days=20))
    sooner = EventFactory(program=program, title="Bald", starts_at=soon)
    EventFactory(program=program, title="Entwurf", status=Event.Status.DRAFT)
    EventFactory(program=program, title="Vorbei", starts_at=timezone.now() - timedelta(days=9))
    EventFactory(title="Anderes Programm")
    series = EventFactory(
        program=program,
        title="Stammtisch",
        starts_at=local(series_start - timedelta(weeks=3), time(19, 0)),
        recurrence="FREQ=WEEKLY;COUNT=8",
    )

    html = client.get(page(event)).content.decode()

    titles = re.findall(r'<h3><a href="[^"]+">([^<]+)</a></h3>', html)
    assert titles == ["Bald", "Stammtisch", "Später"]
    assert f'href="{EN}/veranstaltungen/{series.slug}/"' in html
    assert f'href="{EN}/veranstaltungen/{sooner.slug}/"' in html
    assert f'href="{EN}/veranstaltungen/{later.slug}/"' in html


@pytest.mark.clock
def test_event_page_other_events_at_most_five(client, event, program):
    for n in range(7):
        EventFactory(program=program, starts_at=timezone.now() + timedelta(days=10 + n))

    html = client.get(page(event)).content.decode()

    assert len(re.findall(r"<h3><a ", html)) == 5


@pytest.mark.clock
def test_event_page_query_count_is_constant(client, django_assert_num_queries, program):
    event = EventFactory(program=program, capacity=10)
    event.audiences.set(Audience.objects.all())
    with django_assert_num_queries(5):
        client.get(page(event))

    for n in range(30):
        EventFactory(program=program, starts_at=timezone.now() + timedelta(days=10 + n))
    EventFactory.create_batch(5, program=program, recurrence="FREQ=WEEKLY;COUNT=20")
    register(event, 9)
    cache.clear()  # bulk_create sends no signal that would renew the cached page
    forget_local_state()
    with django_assert_num_queries(5):
        response = client.get(page(event))

    assert "1 of 10 places free." in response.content.decode()


def test_event_page_anonymous_second_visit_comes_from_the_cache(
    client, django_assert_num_queries, program, user
):
    event = EventFactory(program=program)
    first = client.get(page(event))

    with django_assert_num_queries(0):
        second = client.get(page(event))
    client.force_login(user)
    signed_in = client.get(page(event))

    assert second.content == first.content
    assert signed_in.status_code == 200


# --- JSON-LD ---------------------------------------------------------------------------------


@pytest.mark.clock
@pytest.mark.parametrize(("month", "offset"), [(7, "+02:00"), (1, "+01:00")])
def test_event_page_json_ld_is_a_schema_org_event(client, program, month, offset):
    day = date(timezone.localdate().year + 1, month, 14)
    event = saved(
        program=program,
        title="Fachkongress </script><script>alert(1)</script>",
        starts_at=local(day, time(18, 0)),
        ends_at=local(day, time(20, 0)),
        cost="kostenlos",
    )

    response = client.get(page(event))

    data = json_ld(response)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Event"
    assert data["name"] == "Fachkongress </script><script>alert(1)</script>"
    assert data["startDate"] == f"{day.isoformat()}T18:00:00{offset}"
    assert data["endDate"] == f"{day.isoformat()}T20:00:00{offset}"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert data["location"]["@type"] == "Place"
    assert data["location"]["address"] == {
        "@type": "PostalAddress",
        "addressCountry": "DE",
        "streetAddress": "Löhrstraße 3-7",
        "postalCode": "04105",
        "addressLocality": "Leipzig",
        "addressRegion": "Saxony",
    }
    assert data["organizer"] == {
        "@type": "Organization",
        "name": program.name,
        "url": f"https://mentoring.example.org/en/programme/{program.slug}/",
    }
    assert data["url"] == f"https://mentoring.example.org/en/veranstaltungen/{event.slug}/"
    assert data["isAccessibleForFree"] is True
    assert "<script>alert(1)" not in response.content.decode()


def test_event_page_json_ld_of_a_hybrid_event_has_both_locations(client, program):
    event = EventFactory(
        program=program, mode=Event.Mode.HYBRID, online_url="https://konferenz.example.org/a"
    )

    data = json_ld(client.get(page(event)))

    assert data["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    assert [place["@type"] for place in data["location"]] == ["Place", "VirtualLocation"]
    assert data["location"][1]["url"] == "https://konferenz.example.org/a"
    assert "isAccessibleForFree" not in data


# --- The program page ------------------------------------------------------------------------


def test_program_page_links_to_its_events_and_feed(client, program):
    html = client.get(f"{EN}/programme/{program.slug}/").content.decode()

    # The feed's address is the unprefixed one, also under /en/ (tests/events/test_subscribe.py).
    feed = f"mentoring.example.org/veranstaltungen/kalender.ics?programm={program.slug}"
    assert f'href="https://{feed}"' in html
    assert f'href="webcal://{feed}"' in html
    assert f'href="{EN}/veranstaltungen/?programm={program.slug}"' in html

"""iCalendar files of meetings: one meeting as .ics, and the mentor's private feed."""

from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from icalendar import Calendar

from tandems import services
from tandems.models import CalendarFeed, Meeting
from tandems.services import lifecycle
from tests.factories import ProgramCoordinatorFactory, ProgramFactory, UserFactory, running_tandem

# English source texts, whatever the German catalogue holds (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
TODAY = timezone.localdate
BERLIN = ZoneInfo("Europe/Berlin")
EN = "/en"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://mentoring.example.org"


@pytest.fixture
def tandem(program):
    return running_tandem(program, mentee_name="Ali")


def meeting_at(tandem, day: date, at: time, **fields) -> Meeting:
    """A meeting on any day (the services limit the days; the calendar does not care)."""
    return Meeting.objects.create(
        tandem=tandem,
        starts_at=lifecycle.local_datetime(day, at),
        duration_minutes=fields.pop("duration_minutes", 90),
        **fields,
    )


def events(response) -> dict:
    calendar = Calendar.from_ical(response.content)
    return {str(event["uid"]): event for event in calendar.walk("VEVENT")}


def ics_path(meeting) -> str:
    return f"/mein-bereich/treffen/{meeting.pk}.ics"


def feed_path(token: str) -> str:
    return f"/mein-bereich/kalender/{token}.ics"


# --- One meeting -----------------------------------------------------------------------------


@pytest.mark.clock
@pytest.mark.parametrize("day", [date(2026, 7, 14), date(2026, 12, 8)])
def test_meeting_ics_keeps_the_local_hour_in_summer_and_winter(client, tandem, day):
    meeting = meeting_at(tandem, day, time(18, 0), place="Stadtbibliothek")
    client.force_login(tandem.mentor)

    response = client.get(ics_path(meeting))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="treffen-{meeting.pk}.ics"'
    calendar = Calendar.from_ical(response.content)
    [event] = calendar.walk("VEVENT")
    start, end = event.decoded("dtstart"), event.decoded("dtend")
    assert start.tzinfo == BERLIN
    assert (start.date(), start.hour, start.minute) == (day, 18, 0)
    assert (end - start) == timedelta(minutes=90)
    assert start == meeting.starts_at
    assert str(event["uid"]) == f"meeting-{meeting.pk}@mentoring.example.org"
    assert event["sequence"] == 0
    assert str(event["status"]) == "CONFIRMED"
    assert str(event["location"]) == "Stadtbibliothek"
    assert str(event["url"]) == f"https://mentoring.example.org/mein-bereich/tandems/{tandem.pk}/"
    assert "Ali" in str(event["summary"])
    assert event.decoded("dtstamp").tzinfo is not None
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert b"TZID=Europe/Berlin:" in response.content


@pytest.mark.clock
def test_meeting_ics_of_an_online_meeting_says_online(client, tandem):
    meeting = meeting_at(tandem, TODAY() + timedelta(days=3), time(9, 30), online=True)
    client.force_login(tandem.mentor)

    [event] = events(client.get(ics_path(meeting))).values()

    assert str(event["location"]) == "online"


@pytest.mark.clock
def test_meeting_ics_after_cancel_has_higher_sequence_and_status_cancelled(client, tandem):
    meeting = meeting_at(tandem, TODAY() + timedelta(days=3), time(9, 30))
    lifecycle.meeting_cancel(meeting=meeting, by=tandem.mentor)
    client.force_login(tandem.mentor)

    [event] = events(client.get(ics_path(meeting))).values()

    assert (event["sequence"], str(event["status"])) == (1, "CANCELLED")


@pytest.mark.clock
def test_meeting_ics_coordinator_of_the_program_may_download(client, tandem, coordinator):
    meeting = meeting_at(tandem, TODAY() + timedelta(days=3), time(9, 30))
    client.force_login(coordinator)

    response = client.get(ics_path(meeting))

    assert response.status_code == 200
    assert list(events(response)) == [f"meeting-{meeting.pk}@mentoring.example.org"]


@pytest.mark.clock
def test_meeting_ics_for_others_is_404(client, tandem, staff_user, user):
    meeting = meeting_at(tandem, TODAY() + timedelta(days=3), time(9, 30))
    other_coordinator = ProgramCoordinatorFactory().user
    other_mentor = running_tandem(ProgramFactory()).mentor
    statuses = []
    for person in (other_coordinator, other_mentor, staff_user, user):
        client.force_login(person)
        statuses.append(client.get(ics_path(meeting)).status_code)

    assert statuses == [404, 404, 404, 404]


@pytest.mark.clock
def test_meeting_ics_anonymous_redirects_to_login(client, tandem):
    meeting = meeting_at(tandem, TODAY() + timedelta(days=3), time(9, 30))

    response = client.get(ics_path(meeting))

    assert response.status_code == 302
    assert response.url == f"/konto/login/?next={ics_path(meeting)}"


# --- The private feed ------------------------------------------------------------------------


@pytest.mark.clock
def test_feed_lists_planned_cancelled_and_held_meetings_without_login(client, program, tandem):
    planned = meeting_at(tandem, TODAY() + timedelta(days=2), time(17, 0), place="Park")
    cancelled = meeting_at(tandem, TODAY() + timedelta(days=9), time(17, 0))
    lifecycle.meeting_cancel(meeting=cancelled, by=tandem.mentor)
    held = lifecycle.meeting_log(
        tandem=tandem, by=tandem.mentor, day=TODAY(), status="held", note="geheime Notiz"
    )
    stranger = running_tandem(ProgramFactory())  # another mentor: not in this feed
    meeting_at(stranger, TODAY() + timedelta(days=2), time(17, 0))
    feed = lifecycle.calendar_feed_for(user=tandem.mentor)

    response = client.get(feed_path(feed.token))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    found = events(response)
    host = "mentoring.example.org"
    assert sorted(found) == sorted(f"meeting-{m.pk}@{host}" for m in (planned, cancelled, held))
    assert str(found[f"meeting-{planned.pk}@{host}"]["status"]) == "CONFIRMED"
    assert str(found[f"meeting-{cancelled.pk}@{host}"]["status"]) == "CANCELLED"
    assert found[f"meeting-{cancelled.pk}@{host}"]["sequence"] == 1
    held_start = found[f"meeting-{held.pk}@{host}"].decoded("dtstart")
    assert held_start == held.starts_at
    assert held_start.tzinfo == BERLIN
    assert b"geheime Notiz" not in response.content


@pytest.mark.clock
def test_feed_leaves_out_tandems_that_ended(client, program, tandem):
    planned = meeting_at(tandem, TODAY() + timedelta(days=2), time(17, 0))
    settings = services.program_tandem_settings(program=program)
    settings.mentors_may_have_several_tandems = True
    settings.save()
    second = running_tandem(program, mentor=tandem.mentor, mentee_name="Bea")
    meeting_at(second, TODAY() - timedelta(days=1), time(17, 0), status="held")
    lifecycle.tandem_end(tandem=second, by=UserFactory(), ended_on=TODAY(), reason="completed")
    feed = lifecycle.calendar_feed_for(user=tandem.mentor)

    response = client.get(feed_path(feed.token))

    assert list(events(response)) == [f"meeting-{planned.pk}@mentoring.example.org"]


def test_feed_of_an_unknown_token_is_404(client, tandem):
    lifecycle.calendar_feed_for(user=tandem.mentor)

    response = client.get(feed_path("nicht-der-richtige-schluessel"))

    assert response.status_code == 404


def test_feed_renew_stops_the_old_address(client, tandem):
    old = lifecycle.calendar_feed_for(user=tandem.mentor).token
    client.force_login(tandem.mentor)
    next_path = f"/mein-bereich/tandems/{tandem.pk}/"

    response = client.post(f"{EN}/mein-bereich/kalender/erneuern/", {"next": next_path})
    client.logout()
    new = CalendarFeed.objects.get(user=tandem.mentor).token

    assert response.status_code == 302
    assert response.url == next_path
    assert new != old
    assert client.get(feed_path(old)).status_code == 404
    assert client.get(feed_path(new)).status_code == 200


def test_feed_renew_without_a_feed_creates_one(client, tandem):
    client.force_login(tandem.mentor)

    response = client.post("/mein-bereich/kalender/erneuern/", {"next": "https://evil.example/"})

    assert response.url == "/mein-bereich/"  # no redirect to another site
    assert CalendarFeed.objects.filter(user=tandem.mentor).count() == 1


def test_feed_switched_off_answers_404(client, tandem):
    token = lifecycle.calendar_feed_for(user=tandem.mentor).token
    client.force_login(tandem.mentor)

    response = client.post(f"{EN}/mein-bereich/kalender/abschalten/", follow=True)

    assert [str(m) for m in response.context["messages"]] == [
        "Your calendar address has been switched off."
    ]
    assert CalendarFeed.objects.count() == 0
    assert client.get(feed_path(token)).status_code == 404


def test_feed_renew_and_revoke_need_post_and_login(client, tandem):
    anonymous = client.post("/mein-bereich/kalender/erneuern/")
    client.force_login(tandem.mentor)
    get_renew = client.get("/mein-bereich/kalender/erneuern/")
    get_revoke = client.get("/mein-bereich/kalender/abschalten/")

    assert anonymous.status_code == 302
    assert anonymous.url.startswith("/konto/login/")
    assert (get_renew.status_code, get_revoke.status_code) == (405, 405)
    assert CalendarFeed.objects.count() == 0


def test_feed_revoke_only_touches_the_own_feed(client, tandem):
    other = running_tandem(ProgramFactory()).mentor
    other_token = lifecycle.calendar_feed_for(user=other).token
    lifecycle.calendar_feed_for(user=tandem.mentor)
    client.force_login(tandem.mentor)

    client.post("/mein-bereich/kalender/abschalten/")

    assert list(CalendarFeed.objects.values_list("token", flat=True)) == [other_token]

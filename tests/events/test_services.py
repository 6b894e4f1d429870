"""events/services.py: validation, the gazetteer, Markdown, SEQUENCE and the moderation moves."""

from datetime import UTC, date, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from events import services
from events.models import Event, EventType
from tests.factories import ProgramFactory, UserFactory

# English source texts, whatever the German catalogue holds (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def in_days(days: int, at: time = time(18, 0)):
    return services.local_datetime(timezone.localdate() + timedelta(days=days), at)


def new_event(**fields) -> Event:
    starts_at = fields.pop("starts_at", in_days(7))
    values = {
        "title": "Netzwerktreffen Ost",
        "slug": "netzwerktreffen-ost",
        "event_type": EventType.objects.get(slug="netzwerktreffen"),
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=2),
        "postcode": "04109",
        "program": ProgramFactory(),
        **fields,
    }
    return Event(**values)


def saved(**fields) -> Event:
    return services.event_save(event=new_event(**fields))


def errors_of(error: ValidationError) -> dict[str, list[str]]:
    return error.message_dict


def last_sunday_of_march() -> date:
    """The next spring daylight-saving change in Germany that lies ahead."""
    year = timezone.localdate().year + 1
    day = date(year, 3, 31)
    return day - timedelta(days=(day.weekday() + 1) % 7)


# --- Validation ------------------------------------------------------------------------------


@pytest.mark.clock
def test_event_save_end_before_start_refused():
    event = new_event()
    event.ends_at = event.starts_at - timedelta(hours=1)

    with pytest.raises(ValidationError) as caught:
        services.event_save(event=event)

    assert errors_of(caught.value) == {"ends_at": ["The end must be after the start."]}
    assert Event.objects.count() == 0


def test_event_save_capacity_zero_refused():
    with pytest.raises(ValidationError) as caught:
        saved(capacity=0)

    assert errors_of(caught.value) == {
        "capacity": ["The number of places must be at least 1, or empty for no limit."]
    }
    assert Event.objects.count() == 0


@pytest.mark.clock
def test_event_save_date_far_in_the_future_refused():
    with pytest.raises(ValidationError) as caught:
        saved(starts_at=in_days(365 * 6))

    assert errors_of(caught.value) == {"starts_at": ["This date lies too far in the future."]}


def test_event_save_online_without_link_refused():
    with pytest.raises(ValidationError) as caught:
        saved(mode=Event.Mode.ONLINE, postcode="")

    assert errors_of(caught.value) == {
        "online_url": ["An online or hybrid event needs its online link."]
    }


def test_event_save_in_person_without_place_refused():
    with pytest.raises(ValidationError) as caught:
        saved(postcode="")

    assert errors_of(caught.value) == {
        "city": ["An event in person needs its place (postcode or town)."]
    }


def test_event_save_external_registration_without_link_refused():
    with pytest.raises(ValidationError) as caught:
        saved(registration=Event.Registration.EXTERNAL)

    assert errors_of(caught.value) == {
        "registration_url": ["Please give the address of the registration page."]
    }


def test_event_save_recurrence_without_end_refused():
    with pytest.raises(ValidationError) as caught:
        saved(recurrence="FREQ=MONTHLY;BYDAY=1TU")

    assert errors_of(caught.value) == {
        "recurrence": ["Please end the repetition with COUNT or UNTIL."]
    }
    assert Event.objects.count() == 0


@pytest.mark.clock
def test_event_save_recurrence_by_hours_refused():
    with pytest.raises(ValidationError) as caught:
        saved(recurrence="FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30;COUNT=1")

    assert errors_of(caught.value) == {
        "recurrence": ["Please repeat the event daily, weekly, monthly or yearly."]
    }
    assert Event.objects.count() == 0


def test_event_save_recurrence_junk_refused():
    with pytest.raises(ValidationError) as caught:
        saved(recurrence="FREQ=SOMETIMES;COUNT=3")

    assert errors_of(caught.value) == {
        "recurrence": ["This is not a valid repetition rule (RRULE)."]
    }


def test_event_save_recurrence_with_count_kept():
    event = saved(recurrence="FREQ=MONTHLY;BYDAY=1TU;COUNT=10")

    assert Event.objects.get(pk=event.pk).recurrence == "FREQ=MONTHLY;BYDAY=1TU;COUNT=10"


def test_event_save_reserved_slug_refused():
    with pytest.raises(ValidationError) as caught:
        saved(slug="kalender")

    assert list(errors_of(caught.value)) == ["slug"]


# --- Derived data ----------------------------------------------------------------------------


def test_event_save_gazetteer_fills_coordinates_and_state_for_04109():
    event = saved(postcode="04109", city="", state="")

    stored = Event.objects.get(pk=event.pk)
    assert (stored.city, stored.state, stored.latitude, stored.longitude) == (
        "Leipzig",
        "SN",
        51.3386,
        12.3651,
    )


def test_event_save_online_event_has_no_coordinates():
    event = saved(mode=Event.Mode.ONLINE, postcode="04109", online_url="https://example.org/r")

    assert (event.latitude, event.longitude) == (None, None)


@pytest.mark.clock
def test_event_save_all_day_spans_local_midnights_over_daylight_saving():
    sunday = last_sunday_of_march()
    saturday = sunday - timedelta(days=1)
    event = saved(
        all_day=True,
        starts_at=services.local_datetime(saturday, time(15, 0)),
        ends_at=services.local_datetime(sunday, time(10, 0)),
    )

    local_start = timezone.localtime(event.starts_at)
    local_end = timezone.localtime(event.ends_at)
    assert (local_start.date(), local_start.time()) == (saturday, time(0, 0))
    assert (local_end.date(), local_end.time()) == (sunday + timedelta(days=1), time(0, 0))
    # Saturday has 24 hours, the Sunday of the change 23 (measured in UTC: aware datetimes of one
    # zone subtract as wall-clock times).
    assert event.ends_at.astimezone(UTC) - event.starts_at.astimezone(UTC) == timedelta(hours=47)


@pytest.mark.clock
def test_event_save_all_day_ending_at_midnight_stays_one_day():
    first = timezone.localdate() + timedelta(days=10)
    starts_at, ends_at = services.all_day_span(first, first)
    event = saved(all_day=True, starts_at=starts_at, ends_at=ends_at)

    assert (event.starts_at, event.ends_at) == (starts_at, ends_at)


def test_event_save_markdown_removes_script_handlers_and_javascript_links():
    event = saved(
        description=(
            "Hallo <script>alert(1)</script> "
            '<a href="https://example.org" onclick="steal()">Seite</a> '
            "[klick](javascript:alert(1)) **fett**"
        )
    )

    assert event.description_html == (
        '<p>Hallo  <a href="https://example.org" rel="noopener noreferrer nofollow">Seite</a> '
        '<a rel="noopener noreferrer nofollow">klick</a> <strong>fett</strong></p>'
    )


def test_event_save_records_creator():
    author = UserFactory()

    event = services.event_save(event=new_event(), by=author)

    assert Event.objects.get(pk=event.pk).created_by == author


# --- SEQUENCE --------------------------------------------------------------------------------


def test_event_save_sequence_unchanged_without_calendar_change():
    event = services.event_publish(event=saved(), by=None)
    before = event.sequence

    event.capacity = 30
    event.cost = "kostenfrei"
    services.event_save(event=event)

    assert Event.objects.get(pk=event.pk).sequence == before


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "Netzwerktreffen Ost (neuer Titel)"),
        ("venue", "Haus des Buches"),
        ("recurrence", "FREQ=WEEKLY;COUNT=3"),
    ],
)
def test_event_save_sequence_raised_by_calendar_change(field, value):
    event = services.event_publish(event=saved(), by=None)
    before = event.sequence

    setattr(event, field, value)
    services.event_save(event=event)

    assert Event.objects.get(pk=event.pk).sequence == before + 1


@pytest.mark.clock
def test_event_save_sequence_raised_by_new_time():
    event = services.event_publish(event=saved(), by=None)
    before = event.sequence

    event.starts_at += timedelta(hours=1)
    event.ends_at += timedelta(hours=1)
    services.event_save(event=event)

    assert Event.objects.get(pk=event.pk).sequence == before + 1


# --- Moderation moves ------------------------------------------------------------------------


def test_event_submit_draft_goes_to_review():
    event = services.event_submit(event=saved(), by=None)

    assert Event.objects.get(pk=event.pk).status == Event.Status.REVIEW


def test_event_submit_twice_refused():
    event = services.event_submit(event=saved(), by=None)

    with pytest.raises(ValidationError) as caught:
        services.event_submit(event=event, by=None)

    assert caught.value.messages == ["Only a draft can be submitted for review."]
    assert Event.objects.get(pk=event.pk).status == Event.Status.REVIEW


def test_event_publish_clears_reason_and_raises_sequence():
    event = services.event_submit(event=saved(), by=None)
    event = services.event_reject(event=event, by=None, reason="Bitte Ort ergänzen.")
    event = services.event_submit(event=event, by=None)
    before = event.sequence

    services.event_publish(event=event, by=None)

    stored = Event.objects.get(pk=event.pk)
    assert (stored.status, stored.review_note, stored.sequence) == (
        Event.Status.PUBLISHED,
        "",
        before + 1,
    )


def test_event_publish_public_event_refused():
    event = services.event_publish(event=saved(), by=None)

    with pytest.raises(ValidationError) as caught:
        services.event_publish(event=event, by=None)

    assert caught.value.messages == ["This event is already public."]


def test_event_reject_keeps_reason_and_makes_a_draft():
    event = services.event_submit(event=saved(), by=None)

    services.event_reject(event=event, by=None, reason="  Bitte Ort ergänzen.  ")

    stored = Event.objects.get(pk=event.pk)
    assert (stored.status, stored.review_note) == (Event.Status.DRAFT, "Bitte Ort ergänzen.")


def test_event_reject_without_reason_refused():
    event = services.event_submit(event=saved(), by=None)

    with pytest.raises(ValidationError) as caught:
        services.event_reject(event=event, by=None, reason="   ")

    assert errors_of(caught.value) == {
        "reason": ["Please give a reason, so the organiser knows what to change."]
    }
    assert Event.objects.get(pk=event.pk).status == Event.Status.REVIEW


def test_event_reject_draft_refused():
    event = saved()

    with pytest.raises(ValidationError) as caught:
        services.event_reject(event=event, by=None, reason="Nein.")

    assert caught.value.messages == ["Only an event in review can be sent back."]
    assert Event.objects.get(pk=event.pk).review_note == ""


def test_event_cancel_published_event():
    event = services.event_publish(event=saved(), by=None)
    before = event.sequence

    services.event_cancel(event=event, by=None)

    stored = Event.objects.get(pk=event.pk)
    assert (stored.status, stored.sequence) == (Event.Status.CANCELLED, before + 1)


def test_event_cancel_draft_refused():
    event = saved()

    with pytest.raises(ValidationError) as caught:
        services.event_cancel(event=event, by=None)

    assert caught.value.messages == ["Only a published event can be cancelled."]
    assert Event.objects.get(pk=event.pk).status == Event.Status.DRAFT


def test_more_places_move_the_waiting_up_only_on_a_published_event(program):
    from events.models import Registration
    from tests.factories import EventFactory

    event = EventFactory(program=program, capacity=1)
    for n in range(3):
        services.registration_create(
            event=event, name=f"Person {n}", email=f"p{n}@example.org", consent_version="1"
        )
    services.event_cancel(event=event, by=None)
    event.refresh_from_db()
    event.capacity = 3
    services.event_save(event=event)
    cancelled = sorted(event.registrations.values_list("status", flat=True))
    other = EventFactory(program=program, capacity=1)
    for n in range(3):
        services.registration_create(
            event=other, name=f"Person {n}", email=f"p{n}@example.org", consent_version="1"
        )
    other.capacity = 2
    services.event_save(event=other)

    assert cancelled == ["confirmed", "waiting", "waiting"]
    assert list(
        other.registrations.order_by("created_at", "pk").values_list("status", flat=True)
    ) == [
        Registration.Status.CONFIRMED,
        Registration.Status.CONFIRMED,
        Registration.Status.WAITING,
    ]

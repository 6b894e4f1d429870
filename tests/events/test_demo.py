"""Demo events: the hand-written year and the generated benchmark set."""

from datetime import time, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from events import services
from events.demo import create_demo_events, generate_events
from events.models import Event
from events.occurrences import occurrences
from programs.demo import create_demo_programs

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_programs(db):
    return create_demo_programs()


def test_create_demo_events_is_idempotent(demo_programs):
    first = create_demo_events()
    before = sorted(Event.objects.values_list("slug", "sequence", "starts_at"))

    second = create_demo_events()

    assert sorted(Event.objects.values_list("slug", "sequence", "starts_at")) == before
    assert sorted(first) == sorted(second)
    assert Event.objects.count() == len(first)


@pytest.mark.clock
def test_create_demo_events_fachkongress(demo_programs):
    events = create_demo_events()

    congress = next(e for e in events.values() if e.event_type.slug == "fachkongress")
    local_start = timezone.localtime(congress.starts_at)
    local_end = timezone.localtime(congress.ends_at)
    assert congress.title == f"Fachkongress Mentoring {local_start.year}"
    assert (local_end.date() - local_start.date(), local_start.time()) == (
        timedelta(days=1),
        time(9, 30),
    )
    assert (congress.mode, congress.city, congress.state, congress.status) == (
        Event.Mode.HYBRID,
        "Berlin",
        "BE",
        Event.Status.PUBLISHED,
    )
    assert (congress.registration, congress.capacity) == (Event.Registration.PORTAL, 250)
    assert (congress.sign_language, congress.live_captions) == (True, True)
    assert congress.starts_at > timezone.now()
    assert "<strong>" in congress.description_html


def test_create_demo_events_regional_network_meetings(demo_programs):
    create_demo_events()

    titles = set(
        Event.objects.filter(event_type__slug="netzwerktreffen").values_list("title", flat=True)
    )
    assert {
        "Netzwerktreffen Nord",
        "Netzwerktreffen Süd",
        "Netzwerktreffen Ost",
        "Netzwerktreffen West",
    } <= titles


@pytest.mark.clock
def test_create_demo_events_monthly_stammtisch_of_leipzig(demo_programs):
    create_demo_events()

    stammtisch = Event.objects.get(title="Stammtisch der Lesepat:innen Leipzig")
    dates = [o.local_start for o in occurrences(stammtisch)]
    assert stammtisch.recurrence == "FREQ=MONTHLY;BYDAY=1TU;COUNT=10"
    assert stammtisch.program == demo_programs["Lesepat:innen Leipzig"]
    assert len(dates) == 10
    assert {(d.weekday(), d.day <= 7, d.time()) for d in dates} == {(1, True, time(19, 0))}
    assert dates[0].date() >= timezone.localdate()


def test_create_demo_events_statuses(demo_programs):
    create_demo_events()

    coordinated = [demo_programs["Lesepat:innen Leipzig"], demo_programs["Balu und Du Dresden"]]
    assert Event.objects.filter(status=Event.Status.CANCELLED).count() == 1
    assert Event.objects.filter(status=Event.Status.DRAFT, program__in=coordinated).count() == 1
    assert Event.objects.filter(status=Event.Status.REVIEW, program__in=coordinated).count() == 1


def test_create_demo_events_pass_the_services_validation(demo_programs):
    create_demo_events()

    for event in Event.objects.all():
        services.event_validate(event=event)
    assert Event.objects.filter(latitude__isnull=True).exclude(mode=Event.Mode.ONLINE).count() == 0


def test_generate_events_adds_count_and_is_idempotent():
    assert generate_events(count=50, seed=3) == 50
    assert generate_events(count=50, seed=3) == 0
    assert Event.objects.filter(slug__startswith="demo-event-").count() == 50


def test_generate_events_same_seed_same_events():
    generate_events(count=20, seed=7)
    first = sorted(Event.objects.values_list("slug", "title", "starts_at", "status", "recurrence"))
    Event.objects.all().delete()

    generate_events(count=20, seed=7)

    assert (
        sorted(Event.objects.values_list("slug", "title", "starts_at", "status", "recurrence"))
        == first
    )


@pytest.mark.clock
def test_generate_events_are_valid_and_varied():
    generate_events(count=400, seed=1)

    events = list(Event.objects.prefetch_related("audiences"))
    for event in events:
        services.event_validate(event=event)
    today = timezone.localdate()
    days = [timezone.localtime(e.starts_at).date() for e in events]
    assert {e.status for e in events} == set(Event.Status.values)
    assert {e.mode for e in events} == set(Event.Mode.values)
    assert any(e.is_recurring for e in events)
    assert min(days) >= today - timedelta(days=365)
    assert max(days) <= today + timedelta(days=365)
    assert {e.description_html for e in events} == {services.markdown.render(events[0].description)}
    assert Event.audiences.through.objects.count() == sum(e.audiences.count() for e in events)


def test_load_demo_with_events_50():
    call_command("load_demo", events=50, password="x-demo-passwort")

    assert Event.objects.filter(slug__startswith="demo-event-").count() == 50
    assert Event.objects.filter(title__startswith="Fachkongress Mentoring").count() == 1

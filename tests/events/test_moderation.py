"""Coordinators submit events, network staff review them; what the public sees meanwhile."""

from datetime import time, timedelta

import pytest
from django.utils import timezone, translation

from core.text import german_slug
from events import selectors, services
from events.forms.event import unique_event_slug
from events.models import Event, EventType
from tests.factories import (
    EventFactory,
    OrganizationFactory,
    ProgramCoordinatorFactory,
    ProgramFactory,
    UserFactory,
)

# English source texts, whatever the German catalogue holds (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
EN = "/en"
LIST = "/koordination/veranstaltungen/"
NEW = "/koordination/veranstaltungen/neu/"
QUEUE = "/netzwerk/pruefung/veranstaltungen/"


@pytest.fixture
def other_coordinator(db):
    """Coordinator of another program (B)."""
    return ProgramCoordinatorFactory().user


def url(event, action: str) -> str:
    return f"/koordination/veranstaltungen/{event.slug}/{action}/"


def texts(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def field_errors(response) -> dict[str, list[str]]:
    return {name: list(errors) for name, errors in response.context["form"].errors.items()}


def draft_of(program, **fields) -> Event:
    """A draft of the program, saved through the service."""
    return services.event_save(
        event=EventFactory.build(program=program, status=Event.Status.DRAFT, **fields)
    )


def in_review(program, **fields) -> Event:
    return services.event_submit(event=draft_of(program, **fields), by=None)


def form_data(program, **overrides) -> dict:
    day = timezone.localdate() + timedelta(days=14)
    data = {
        "title": "Netzwerktreffen Süd",
        "summary": "Austausch der Programme in Bayern.",
        "description": "Wir treffen uns zum **Austausch**.",
        "event_type": EventType.objects.get(slug="netzwerktreffen").pk,
        "audiences": [],
        "organiser": f"program:{program.pk}",
        "start_date": day.isoformat(),
        "start_time": "18:00",
        "end_date": "",
        "end_time": "20:00",
        "repeat": "",
        "repeat_count": "",
        "mode": "in_person",
        "venue": "Volkshochschule",
        "street": "Löhrstraße 3",
        "postcode": "04109",
        "city": "",
        "online_url": "",
        "accessibility_note": "",
        "cost": "kostenfrei",
        "language": "de",
        "registration": "portal",
        "registration_url": "",
        "capacity": "30",
        "registration_closes_at": "",
    }
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}


# --- Creating and editing --------------------------------------------------------------------


@pytest.mark.clock
def test_event_create_saves_a_draft_of_the_program(client, coordinator, program):
    client.force_login(coordinator)

    response = client.post(EN + NEW, form_data(program, step_free="on"))

    event = Event.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{EN}/koordination/veranstaltungen/{event.slug}/bearbeiten/"
    local_start = timezone.localtime(event.starts_at)
    assert (event.slug, event.status, event.program, event.created_by) == (
        "netzwerktreffen-sued",
        Event.Status.DRAFT,
        program,
        coordinator,
    )
    assert (local_start.time(), event.ends_at - event.starts_at) == (
        time(18, 0),
        timedelta(hours=2),
    )
    assert (event.city, event.state, event.step_free, event.capacity) == ("Leipzig", "SN", True, 30)
    assert event.description_html == "<p>Wir treffen uns zum <strong>Austausch</strong>.</p>"


def test_event_create_for_the_programs_organisation(client, coordinator, program):
    client.force_login(coordinator)

    client.post(EN + NEW, form_data(program, organiser=f"organization:{program.organization_id}"))

    event = Event.objects.get()
    assert (event.program, event.organization) == (None, program.organization)


def test_event_create_for_the_network_refused_to_coordinator(client, coordinator, program):
    client.force_login(coordinator)

    response = client.post(EN + NEW, form_data(program, organiser="network"))

    assert response.status_code == 200
    assert list(field_errors(response)) == ["organiser"]
    assert Event.objects.count() == 0


def test_event_create_for_another_program_refused(client, coordinator, program):
    other = ProgramFactory()
    client.force_login(coordinator)

    response = client.post(EN + NEW, form_data(program, organiser=f"program:{other.pk}"))

    assert list(field_errors(response)) == ["organiser"]
    assert Event.objects.count() == 0


def test_event_create_by_staff_published_at_once(client, staff_user, program):
    client.force_login(staff_user)

    client.post(EN + NEW, form_data(program, organiser="network", action="publish"))

    event = Event.objects.get()
    assert (event.status, event.program, event.organization) == (
        Event.Status.PUBLISHED,
        None,
        None,
    )
    assert list(selectors.public_events()) == [event]


def test_staff_keep_a_network_event_without_the_admin(client, staff_user, program):
    """Create, edit and cancel an event of the network, all under /koordination/veranstaltungen/
    and linked from /netzwerk/: the admin is the operators' alone."""
    client.force_login(staff_user)
    home = client.get(EN + "/netzwerk/").content.decode()

    client.post(EN + NEW, form_data(program, organiser="network", action="publish"))
    event = Event.objects.get()
    client.post(EN + url(event, "bearbeiten"), form_data(program, organiser="network", title="Neu"))
    client.post(EN + url(event, "absagen"))

    event.refresh_from_db()
    assert f'href="{EN}{LIST}"' in home
    assert (event.title, event.status, event.program, event.organization) == (
        "Neu",
        Event.Status.CANCELLED,
        None,
        None,
    )
    assert client.get("/admin/events/event/").status_code != 200


def test_the_event_page_leads_staff_and_organisers_to_the_edit_page(
    client, staff_user, coordinator, other_coordinator, program
):
    event = services.event_publish(event=draft_of(program), by=None)
    edit = f'href="{url(event, "bearbeiten")}"'
    page = f"/veranstaltungen/{event.slug}/"

    anonymous = client.get(page).content.decode()
    seen = []
    for user in (staff_user, coordinator, other_coordinator):
        client.force_login(user)
        seen.append(edit in client.get(page).content.decode())

    assert edit not in anonymous
    assert seen == [True, True, False]


def test_event_create_publish_button_ignored_for_coordinator(client, coordinator, program):
    client.force_login(coordinator)

    client.post(EN + NEW, form_data(program, action="publish"))

    assert Event.objects.get().status == Event.Status.DRAFT


@pytest.mark.clock
def test_event_create_monthly_repetition_builds_rrule(client, coordinator, program):
    client.force_login(coordinator)
    today = timezone.localdate()
    first_tuesday = next(
        today + timedelta(days=n)
        for n in range(1, 60)
        if (today + timedelta(days=n)).weekday() == 1 and (today + timedelta(days=n)).day <= 7
    )

    client.post(
        EN + NEW,
        form_data(
            program, start_date=first_tuesday.isoformat(), repeat="monthly", repeat_count="10"
        ),
    )

    assert Event.objects.get().recurrence == "FREQ=MONTHLY;BYDAY=1TU;COUNT=10"


@pytest.mark.clock
def test_event_create_all_day_over_two_days(client, coordinator, program):
    client.force_login(coordinator)
    first = timezone.localdate() + timedelta(days=20)

    client.post(
        EN + NEW,
        form_data(
            program,
            start_date=first.isoformat(),
            end_date=(first + timedelta(days=1)).isoformat(),
            start_time="",
            end_time="",
            all_day="on",
        ),
    )

    event = Event.objects.get()
    assert (event.starts_at, event.ends_at) == services.all_day_span(
        first, first + timedelta(days=1)
    )


def test_event_create_forbidden_to_volunteer(client, user):
    client.force_login(user)

    assert client.get(NEW).status_code == 403


def test_event_create_anonymous_goes_to_login(client):
    response = client.get(NEW)

    assert (response.status_code, response["Location"]) == (302, f"/konto/login/?next={NEW}")


@pytest.mark.clock
def test_event_edit_shows_stored_values(client, coordinator, program):
    day = timezone.localdate() + timedelta(days=12)
    starts_at = services.local_datetime(day, time(19, 0))
    event = draft_of(
        program,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        recurrence="FREQ=WEEKLY;INTERVAL=2;COUNT=6",
    )
    client.force_login(coordinator)

    response = client.get(EN + url(event, "bearbeiten"))

    form = response.context["form"]
    assert response.status_code == 200
    assert {name: form[name].value() for name in ("start_date", "start_time", "end_time")} == {
        "start_date": day,
        "start_time": time(19, 0),
        "end_time": time(21, 0),
    }
    assert (form["repeat"].value(), form["repeat_count"].value()) == ("biweekly", 6)
    assert form["organiser"].value() == f"program:{program.pk}"


def test_event_edit_keeps_slug_and_saves(client, coordinator, program):
    event = draft_of(program)
    client.force_login(coordinator)
    data = form_data(program, title="Ganz neuer Titel")

    response = client.post(EN + url(event, "bearbeiten"), data)

    event.refresh_from_db()
    assert response.status_code == 302
    assert (event.title, event.slug, event.status) == (
        "Ganz neuer Titel",
        event.slug,
        Event.Status.DRAFT,
    )


def test_coordinator_edit_of_a_published_event_goes_back_to_review(client, coordinator, program):
    event = services.event_publish(event=draft_of(program), by=None)
    client.force_login(coordinator)

    response = client.post(
        EN + url(event, "bearbeiten"), form_data(program, title="Neu"), follow=True
    )

    event.refresh_from_db()
    assert (event.title, event.status) == ("Neu", Event.Status.REVIEW)
    assert [str(m) for m in response.context["messages"]] == [
        "The changes have been saved. The network reviews them before the event is shown again."
    ]
    assert client.get(f"/veranstaltungen/{event.slug}/").status_code == 404


def test_staff_edit_of_a_published_event_stays_published(client, staff_user, program):
    event = services.event_publish(event=draft_of(program), by=None)
    client.force_login(staff_user)

    client.post(EN + url(event, "bearbeiten"), form_data(program, title="Neu"))

    event.refresh_from_db()
    assert (event.title, event.status) == ("Neu", Event.Status.PUBLISHED)


def test_event_edit_other_programs_event_is_404(client, other_coordinator, program):
    event = draft_of(program)
    client.force_login(other_coordinator)

    assert client.get(url(event, "bearbeiten")).status_code == 404
    assert client.post(url(event, "bearbeiten"), form_data(program)).status_code == 404
    assert Event.objects.get(pk=event.pk).title == event.title


def test_event_edit_organisation_event_open_to_coordinator_of_its_program(
    client, coordinator, program
):
    event = draft_of(None, organization=program.organization)
    client.force_login(coordinator)

    assert client.get(url(event, "bearbeiten")).status_code == 200


def test_event_edit_staff_may_edit_any_event(client, staff_user, program):
    event = draft_of(program)
    client.force_login(staff_user)

    response = client.get(EN + url(event, "bearbeiten"))

    assert response.status_code == 200
    assert response.context["form"]["organiser"].value() == f"program:{program.pk}"


# --- Bad input -------------------------------------------------------------------------------


def test_event_form_end_before_start_refused(client, coordinator, program):
    client.force_login(coordinator)

    response = client.post(EN + NEW, form_data(program, start_time="18:00", end_time="17:00"))

    assert field_errors(response) == {"end_time": ["The end must be after the start."]}
    assert Event.objects.count() == 0


@pytest.mark.clock
def test_event_form_last_day_before_first_refused(client, coordinator, program):
    client.force_login(coordinator)
    first = timezone.localdate() + timedelta(days=14)

    response = client.post(
        EN + NEW, form_data(program, end_date=(first - timedelta(days=1)).isoformat())
    )

    assert field_errors(response) == {
        "end_date": ["The last day must not be before the first day."]
    }
    assert Event.objects.count() == 0


@pytest.mark.parametrize(
    ("capacity", "message"),
    [
        ("-5", "Ensure this value is greater than or equal to 1."),
        ("0", "Ensure this value is greater than or equal to 1."),
        ("viele", "Enter a whole number."),
        ("1000000", "Ensure this value is less than or equal to 100000."),
    ],
)
def test_event_form_bad_capacity_refused(client, coordinator, program, capacity, message):
    client.force_login(coordinator)

    response = client.post(EN + NEW, form_data(program, capacity=capacity))

    assert field_errors(response) == {"capacity": [message]}
    assert Event.objects.count() == 0


def test_event_form_repetition_without_count_refused(client, coordinator, program):
    client.force_login(coordinator)

    response = client.post(EN + NEW, form_data(program, repeat="weekly", repeat_count=""))

    assert field_errors(response) == {
        "repeat_count": ["Please say how many times the event takes place."]
    }
    assert Event.objects.count() == 0


def test_event_form_junk_repetition_refused(client, coordinator, program):
    client.force_login(coordinator)

    response = client.post(EN + NEW, form_data(program, repeat="FREQ=DAILY", repeat_count="3"))

    assert list(field_errors(response)) == ["repeat"]
    assert Event.objects.count() == 0


@pytest.mark.clock
def test_event_form_date_far_off_refused_at_its_field(client, coordinator, program):
    client.force_login(coordinator)

    response = client.post(EN + NEW, form_data(program, start_date="2099-05-01"))

    assert field_errors(response) == {"start_date": ["This date lies too far in the future."]}
    assert Event.objects.count() == 0


@pytest.mark.parametrize("start_date", ["99999-01-01", "0000-01-01", "2026-13-01", "morgen"])
def test_event_form_impossible_date_refused(client, coordinator, program, start_date):
    client.force_login(coordinator)

    response = client.post(EN + NEW, form_data(program, start_date=start_date))

    assert field_errors(response) == {"start_date": ["Enter a valid date."]}
    assert Event.objects.count() == 0


def test_event_form_missing_time_refused(client, coordinator, program):
    client.force_login(coordinator)

    response = client.post(EN + NEW, form_data(program, start_time=""))

    assert field_errors(response) == {
        "start_time": ["Please give a time, or tick “all day” for an all-day event."]
    }


def test_event_form_online_without_link_refused(client, coordinator, program):
    client.force_login(coordinator)

    response = client.post(EN + NEW, form_data(program, mode="online", postcode=""))

    assert field_errors(response) == {
        "online_url": ["An online or hybrid event needs its online link."]
    }
    assert Event.objects.count() == 0


def test_event_form_german_message_by_default(client, coordinator, program):
    client.force_login(coordinator)

    response = client.post(NEW, form_data(program, capacity="viele"))

    assert field_errors(response) == {"capacity": ["Bitte eine ganze Zahl eingeben."]}


def test_event_form_bad_edit_changes_nothing(client, coordinator, program):
    event = draft_of(program)
    client.force_login(coordinator)

    client.post(EN + url(event, "bearbeiten"), form_data(program, title="Neu", capacity="-1"))

    stored = Event.objects.get(pk=event.pk)
    assert (stored.title, stored.capacity, stored.sequence) == (event.title, None, 0)


# --- Slugs -----------------------------------------------------------------------------------


def test_german_slug_spells_umlauts():
    assert german_slug("Größe & Übermut für Ältere") == "groesse-uebermut-fuer-aeltere"


def test_unique_event_slug_numbers_duplicates(program):
    EventFactory(slug="netzwerktreffen-sued", program=program)
    EventFactory(slug="netzwerktreffen-sued-2", program=program)

    assert unique_event_slug("Netzwerktreffen Süd") == "netzwerktreffen-sued-3"


@pytest.mark.parametrize(
    ("title", "slug"),
    [("Kalender", "veranstaltung-kalender"), ("Archiv", "veranstaltung-archiv"),
     ("2027", "veranstaltung-2027"), ("!!!", "veranstaltung")],
)  # fmt: skip
def test_unique_event_slug_avoids_calendar_paths(title, slug):
    assert unique_event_slug(title) == slug


# --- Submit, review, publish, reject, cancel ---------------------------------------------------


def test_event_submit_moves_draft_to_review(client, coordinator, program):
    event = draft_of(program)
    client.force_login(coordinator)

    response = client.post(EN + url(event, "einreichen"))

    assert response.status_code == 302
    assert Event.objects.get(pk=event.pk).status == Event.Status.REVIEW


def test_event_submit_get_not_allowed(client, coordinator, program):
    event = draft_of(program)
    client.force_login(coordinator)

    assert client.get(url(event, "einreichen")).status_code == 405


def test_event_submit_other_program_is_404(client, other_coordinator, program):
    event = draft_of(program)
    client.force_login(other_coordinator)

    assert client.post(url(event, "einreichen")).status_code == 404
    assert Event.objects.get(pk=event.pk).status == Event.Status.DRAFT


def test_event_submit_twice_shows_message(client, coordinator, program):
    event = in_review(program)
    client.force_login(coordinator)

    response = client.post(EN + url(event, "einreichen"), follow=True)

    assert texts(response) == ["Only a draft can be submitted for review."]


def test_draft_and_review_events_are_not_public(client, program):
    draft = draft_of(program)
    review = in_review(program, slug="im-review", title="Im Review")

    assert list(selectors.public_events()) == []
    assert client.get(f"/veranstaltungen/{draft.slug}/").status_code == 404
    assert client.get(f"/veranstaltungen/{review.slug}/").status_code == 404


def test_draft_not_in_public_lists(client, program):
    draft_of(program, title="Geheimer Entwurf", slug="geheimer-entwurf")

    calendar = client.get("/veranstaltungen/")
    feed = client.get("/veranstaltungen/kalender.ics")

    assert "Geheimer Entwurf" not in calendar.content.decode()
    assert "Geheimer Entwurf" not in feed.content.decode()


def test_review_queue_shows_events_in_review_with_details(client, staff_user, program):
    event = in_review(program, description="Mit **Programm** und <script>x()</script>")
    draft_of(program, slug="nur-entwurf", title="Nur Entwurf")
    client.force_login(staff_user)

    response = client.get(EN + QUEUE)

    assert response.status_code == 200
    assert list(response.context["events"]) == [event]
    body = response.content.decode()
    assert "<p>Mit <strong>Programm</strong> und </p>" in body
    assert "<script>x()" not in body


@pytest.mark.parametrize("role", ["coordinator", "user"])
def test_review_queue_forbidden_to_non_staff(client, role, request):
    client.force_login(request.getfixturevalue(role))

    assert client.get(QUEUE).status_code == 403


def test_review_queue_anonymous_goes_to_login(client):
    response = client.get(QUEUE)

    assert (response.status_code, response["Location"]) == (302, f"/konto/login/?next={QUEUE}")


def test_event_publish_by_staff(client, staff_user, program):
    event = in_review(program)
    client.force_login(staff_user)

    response = client.post(EN + url(event, "veroeffentlichen"))

    assert (response.status_code, response["Location"]) == (302, EN + QUEUE)
    assert Event.objects.get(pk=event.pk).status == Event.Status.PUBLISHED
    assert list(selectors.public_events()) == [event]
    assert client.get(f"/veranstaltungen/{event.slug}/").status_code == 200


def test_event_publish_by_coordinator_is_404(client, coordinator, program):
    event = in_review(program)
    client.force_login(coordinator)

    assert client.post(url(event, "veroeffentlichen")).status_code == 404
    assert Event.objects.get(pk=event.pk).status == Event.Status.REVIEW


def test_event_publish_from_edit_page_returns_there(client, staff_user, program):
    event = draft_of(program)
    client.force_login(staff_user)

    response = client.post(EN + url(event, "veroeffentlichen"), {"back": "edit"})

    assert response["Location"] == EN + url(event, "bearbeiten")
    assert Event.objects.get(pk=event.pk).status == Event.Status.PUBLISHED


def test_event_reject_reason_shown_to_organiser(client, staff_user, coordinator, program):
    event = in_review(program)
    client.force_login(staff_user)

    client.post(EN + url(event, "zurueckweisen"), {"reason": "Bitte den Raum nennen."})

    stored = Event.objects.get(pk=event.pk)
    assert (stored.status, stored.review_note) == (Event.Status.DRAFT, "Bitte den Raum nennen.")
    client.force_login(coordinator)
    assert "Bitte den Raum nennen." in client.get(EN + LIST).content.decode()
    assert "Bitte den Raum nennen." in client.get(EN + url(event, "bearbeiten")).content.decode()


def test_event_reject_without_reason_changes_nothing(client, staff_user, program):
    event = in_review(program)
    client.force_login(staff_user)

    response = client.post(EN + url(event, "zurueckweisen"), {"reason": "  "}, follow=True)

    assert texts(response) == ["Please give a reason, so the organiser knows what to change."]
    assert Event.objects.get(pk=event.pk).status == Event.Status.REVIEW


def test_event_reject_by_coordinator_is_404(client, coordinator, program):
    event = in_review(program)
    client.force_login(coordinator)

    assert client.post(url(event, "zurueckweisen"), {"reason": "Nein"}).status_code == 404
    assert Event.objects.get(pk=event.pk).status == Event.Status.REVIEW


def test_event_cancel_by_organiser(client, coordinator, program):
    event = EventFactory(program=program)
    client.force_login(coordinator)

    response = client.post(EN + url(event, "absagen"))

    stored = Event.objects.get(pk=event.pk)
    assert response.status_code == 302
    assert (stored.status, stored.sequence) == (Event.Status.CANCELLED, 1)
    # Cancelled events stay visible, marked.
    assert list(selectors.public_events()) == [stored]


def test_event_cancel_draft_refused(client, coordinator, program):
    event = draft_of(program)
    client.force_login(coordinator)

    response = client.post(EN + url(event, "absagen"), follow=True)

    assert texts(response) == ["Only a published event can be cancelled."]
    assert Event.objects.get(pk=event.pk).status == Event.Status.DRAFT


def test_event_cancel_other_program_is_404(client, other_coordinator, program):
    event = EventFactory(program=program)
    client.force_login(other_coordinator)

    assert client.post(url(event, "absagen")).status_code == 404
    assert Event.objects.get(pk=event.pk).status == Event.Status.PUBLISHED


def test_event_cancel_get_not_allowed(client, coordinator, program):
    event = EventFactory(program=program)
    client.force_login(coordinator)

    assert client.get(url(event, "absagen")).status_code == 405


# --- The coordinators' list ------------------------------------------------------------------


def test_coordination_events_lists_program_and_organisation_events(client, coordinator, program):
    own = EventFactory(program=program, slug="eigenes", title="Eigenes")
    of_organisation = EventFactory(
        program=None, organization=program.organization, slug="traeger", title="Träger"
    )
    EventFactory(slug="fremdes", title="Fremdes")
    EventFactory(program=None, organization=OrganizationFactory(), slug="fremder-traeger")
    client.force_login(coordinator)

    response = client.get(EN + LIST)

    assert response.status_code == 200
    assert {e.slug for e in response.context["events"]} == {own.slug, of_organisation.slug}
    assert "review_count" not in response.context


def test_coordination_events_sorted_by_title_and_an_unknown_sort_ignored(
    client, coordinator, program
):
    EventFactory(program=program, slug="zoo", title="Zoobesuch")
    EventFactory(program=program, slug="adventsfeier", title="Adventsfeier")
    client.force_login(coordinator)

    by_title = client.get(EN + LIST + "?sort=event")
    unknown = client.get(EN + LIST + "?sort=description")

    assert [e.slug for e in by_title.context["events"]] == ["adventsfeier", "zoo"]
    assert 'aria-sort="ascending"><a href="?sort=-event"' in by_title.content.decode()
    assert unknown.status_code == 200
    assert unknown.context["sort"].current == "-date"


def test_coordination_events_staff_see_network_events_and_queue_count(client, staff_user, program):
    network = EventFactory(program=None, slug="netzwerk")
    in_review(program, slug="wartet")
    client.force_login(staff_user)

    response = client.get(EN + LIST)

    assert [e.slug for e in response.context["events"]] == [network.slug]
    assert response.context["review_count"] == 1


def test_coordination_events_forbidden_to_volunteer(client, user):
    client.force_login(user)

    assert client.get(LIST).status_code == 403


def test_coordination_page_links_the_events(client, coordinator):
    client.force_login(coordinator)

    body = client.get("/koordination/").content.decode()

    assert 'href="/koordination/veranstaltungen/"' in body
    assert 'href="/netzwerk/pruefung/veranstaltungen/"' not in body


def test_coordination_page_links_the_event_queue_for_staff(client, staff_user):
    client.force_login(staff_user)

    body = client.get("/koordination/").content.decode()

    assert 'href="/netzwerk/pruefung/veranstaltungen/"' in body


def _many_events(program, count: int) -> None:
    event_type = EventType.objects.get(slug="netzwerktreffen")
    starts_at = timezone.now() + timedelta(days=3)
    Event.objects.bulk_create(
        [
            Event(
                title=f"Treffen {n}",
                slug=f"treffen-{n}",
                event_type=event_type,
                starts_at=starts_at + timedelta(hours=n),
                ends_at=starts_at + timedelta(hours=n + 1),
                city="Leipzig",
                program=program,
                status=Event.Status.PUBLISHED if n % 2 else Event.Status.DRAFT,
            )
            for n in range(count)
        ]
    )


@pytest.mark.parametrize("count", [1, 200])
def test_coordination_events_query_count_constant(
    client, coordinator, program, django_assert_num_queries, count
):
    _many_events(program, count)
    client.force_login(coordinator)
    client.get(LIST)  # warm the session and the cached vocabularies

    # session, user, the second factor, coordinator check (view and navigation), the permission
    # tables of Django's model backend (asked whether the user moderates), count, page of events
    with django_assert_num_queries(9):
        response = client.get(LIST)

    assert len(response.context["events"]) == min(count, 50)


@pytest.mark.clock
@pytest.mark.parametrize("count", [1, 60])
def test_review_queue_query_count_constant(
    client, staff_user, program, django_assert_num_queries, count
):
    event_type = EventType.objects.get(slug="netzwerktreffen")
    starts_at = timezone.now() + timedelta(days=3)
    Event.objects.bulk_create(
        [
            Event(
                title=f"Treffen {n}",
                slug=f"treffen-{n}",
                event_type=event_type,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=1),
                city="Leipzig",
                program=program,
                status=Event.Status.REVIEW,
            )
            for n in range(count)
        ]
    )
    client.force_login(staff_user)

    # session, user, the second factor, navigation's coordinator check, count, page of events,
    # their audiences
    with django_assert_num_queries(7):
        response = client.get(QUEUE)

    assert len(response.context["events"]) == min(count, 20)


def test_coordinator_of_two_programs_sees_both(client, program):
    user = UserFactory()
    second = ProgramFactory()
    ProgramCoordinatorFactory(program=program, user=user)
    ProgramCoordinatorFactory(program=second, user=user)
    EventFactory(program=program, slug="a")
    EventFactory(program=second, slug="b")
    client.force_login(user)

    response = client.get(LIST)

    assert sorted(e.slug for e in response.context["events"]) == ["a", "b"]


# --- The admin -------------------------------------------------------------------------------


def german(text: str) -> str:
    with translation.override("de"):
        return translation.gettext(text)


@pytest.fixture
def superuser(db):
    return UserFactory(is_staff=True, is_superuser=True)


def test_admin_changelist_shows_registration_count(client, superuser, program):
    event = EventFactory(program=program)
    for n in range(2):
        services.registration_create(
            event=event, name=f"Person {n}", email=f"p{n}@example.org", consent_version="1"
        )
    client.force_login(superuser)

    response = client.get("/admin/events/event/")

    assert response.status_code == 200
    assert [e.active_registrations for e in response.context["cl"].result_list] == [2]
    assert "p0@example.org" not in response.content.decode()


def test_admin_publish_action_goes_through_the_service(client, superuser, program):
    event = in_review(program)
    client.force_login(superuser)

    client.post(
        "/admin/events/event/", {"action": "publish", "_selected_action": [event.pk]}, follow=True
    )

    stored = Event.objects.get(pk=event.pk)
    assert (stored.status, stored.sequence) == (Event.Status.PUBLISHED, event.sequence + 1)


def test_admin_cancel_action_refuses_a_draft(client, superuser, program):
    event = draft_of(program)
    client.force_login(superuser)

    response = client.post(
        "/admin/events/event/",
        {"action": "cancel", "_selected_action": [event.pk]},
        follow=True,
    )

    # The admin speaks the default language, German.
    assert [str(m) for m in response.context["messages"]] == [
        f"{event.title}: {german('Only a published event can be cancelled.')}"
    ]
    assert Event.objects.get(pk=event.pk).status == Event.Status.DRAFT


def _admin_data(event, **overrides) -> dict:
    start = timezone.localtime(event.starts_at)
    end = timezone.localtime(event.ends_at)
    data = {
        "title": event.title, "slug": event.slug, "summary": event.summary,
        "description": event.description, "event_type": event.event_type_id,
        "starts_at_0": start.date().isoformat(), "starts_at_1": start.strftime("%H:%M"),
        "ends_at_0": end.date().isoformat(), "ends_at_1": end.strftime("%H:%M"),
        "recurrence": "", "exdates": "[]", "mode": event.mode, "venue": event.venue,
        "street": event.street, "postcode": event.postcode, "city": event.city,
        "state": event.state, "online_url": "", "program": event.program_id or "",
        "organization": "", "accessibility_note": "", "cost": "", "language": "de",
        "registration": event.registration, "registration_url": "", "capacity": "",
        "registration_closes_at_0": "", "registration_closes_at_1": "",
        "status": event.status, "review_note": "",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_admin_change_goes_through_the_service(client, superuser, program):
    event = EventFactory(program=program)
    client.force_login(superuser)

    response = client.post(
        f"/admin/events/event/{event.pk}/change/",
        _admin_data(event, title="Neuer Titel", description="*neu* <b onclick='x()'>!</b>"),
    )

    stored = Event.objects.get(pk=event.pk)
    assert response.status_code == 302
    assert (stored.title, stored.description_html, stored.sequence) == (
        "Neuer Titel",
        "<p><em>neu</em> <b>!</b></p>",
        1,
    )


@pytest.mark.clock
def test_admin_change_end_before_start_refused(client, superuser, program):
    event = EventFactory(program=program)
    client.force_login(superuser)
    start = timezone.localtime(event.starts_at)

    response = client.post(
        f"/admin/events/event/{event.pk}/change/",
        _admin_data(event, ends_at_0=(start.date() - timedelta(days=1)).isoformat()),
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "ends_at": [german("The end must be after the start.")]
    }
    assert Event.objects.get(pk=event.pk).ends_at == event.ends_at


def test_admin_add_page_renders(client, superuser):
    client.force_login(superuser)

    assert client.get("/admin/events/event/add/").status_code == 200


def test_program_review_queue_links_the_event_queue(client, staff_user):
    client.force_login(staff_user)

    body = client.get("/netzwerk/pruefung/").content.decode()

    assert 'href="/netzwerk/pruefung/veranstaltungen/"' in body


@pytest.mark.clock
def test_event_edit_keeps_a_rule_the_form_cannot_show(client, coordinator, program):
    rule = "FREQ=MONTHLY;BYDAY=-1FR;COUNT=4;BYMONTH=3,6,9,12"
    event = draft_of(program, recurrence=rule, exdates=["2030-01-01"])
    client.force_login(coordinator)
    start = timezone.localtime(event.starts_at)

    response = client.get(EN + url(event, "bearbeiten"))
    client.post(
        EN + url(event, "bearbeiten"),
        form_data(
            program,
            title="Mit eigener Regel",
            start_date=start.date().isoformat(),
            repeat="keep",
        ),
    )

    stored = Event.objects.get(pk=event.pk)
    assert response.context["form"]["repeat"].value() == "keep"
    assert (stored.title, stored.recurrence, stored.exdates) == (
        "Mit eigener Regel",
        rule,
        ["2030-01-01"],
    )


@pytest.mark.clock
def test_event_edit_new_repetition_drops_left_out_dates(client, coordinator, program):
    event = draft_of(program, recurrence="FREQ=WEEKLY;COUNT=4", exdates=["2030-01-01"])
    client.force_login(coordinator)
    start = timezone.localtime(event.starts_at)

    client.post(
        EN + url(event, "bearbeiten"),
        form_data(program, start_date=start.date().isoformat(), repeat="weekly", repeat_count="6"),
    )

    stored = Event.objects.get(pk=event.pk)
    assert (stored.recurrence, stored.exdates) == ("FREQ=WEEKLY;COUNT=6", [])

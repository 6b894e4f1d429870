import csv
import io
import re
import threading
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation
from icalendar import Calendar

from events import services
from events.forms.registration import REGISTRATION_PRIVACY_VERSION
from events.models import Event, Registration
from events.tokens import cancel_token, registration_pk_from_token
from tests.conftest import require_service
from tests.factories import EventFactory, ProgramCoordinatorFactory

pytestmark = pytest.mark.django_db


def en(name, **kwargs):
    with translation.override("en"):
        return reverse(f"events:{name}", kwargs=kwargs)


def form_data(**overrides):
    data = {
        "name": "Hanna Huber",
        "email": "hanna@example.org",
        "accessibility_needs": "",
        "consent": "on",
    }
    return {**data, **overrides}


def register(event, *, email="hanna@example.org", name="Hanna Huber", language="de"):
    """A registration whose address's owner confirmed it by the mailed link."""
    registration = services.registration_create(
        event=event,
        name=name,
        email=email,
        consent_version=REGISTRATION_PRIVACY_VERSION,
        language=language,
    )
    return services.registration_confirm(registration=registration)


def statuses(event):
    return list(event.registrations.order_by("created_at", "pk").values_list("email", "status"))


def link_in(body: str, action: str = "abmelden") -> str:
    """The cancel (or confirm) link of a mail, as a path for the test client."""
    url = re.search(rf"\S*/veranstaltungen/{action}/\S+/", body).group(0)
    return url.removeprefix(settings.SITE_URL)


# --- Registering -------------------------------------------------------------------------------


@pytest.mark.clock
def test_register_form_shows_privacy_notice(client):
    event = EventFactory(title="Netzwerktreffen Sachsen")

    response = client.get(en("register", slug=event.slug))

    text = response.content.decode()
    assert response.status_code == 200
    assert "Register for “Netzwerktreffen Sachsen”" in text
    assert "deleted three months after the event" in text
    assert f"Version {REGISTRATION_PRIVACY_VERSION}" in text
    assert "you will be on the waiting list" not in text


def test_register_holds_a_place_and_asks_to_confirm(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    event = EventFactory(capacity=2)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            en("register", slug=event.slug),
            form_data(email="Hanna@Example.org", accessibility_needs="Rollstuhl"),
        )

    registration = Registration.objects.get()
    assert response.status_code == 302
    assert response["Location"] == en("detail", slug=event.slug)
    assert (registration.name, registration.email, registration.accessibility_needs) == (
        "Hanna Huber",
        "hanna@example.org",
        "Rollstuhl",
    )
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.confirmed_at is None
    assert registration.consent_version == REGISTRATION_PRIVACY_VERSION
    assert registration.language == "en"
    assert [mail.to for mail in mailoutbox] == [["hanna@example.org"]]
    assert mailoutbox[0].subject == f"Please confirm your registration: “{event.title}”"
    assert mailoutbox[0].attachments == []


def test_register_message_on_event_page(client, django_capture_on_commit_callbacks):
    event = EventFactory(capacity=1)
    register(event, email="first@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(en("register", slug=event.slug), form_data(), follow=True)

    assert response.redirect_chain == [(en("detail", slug=event.slug), 302)]
    assert [str(message) for message in response.context["messages"]] == [
        "Almost done: we have sent an e-mail to hanna@example.org. Please confirm your "
        "registration with the link in it within 24 hours; until then we keep it for you."
    ]


def test_register_third_of_two_places_waits():
    event = EventFactory(capacity=2)

    first = register(event, email="a@example.org")
    second = register(event, email="b@example.org")
    third = register(event, email="c@example.org")

    assert [first.status, second.status, third.status] == ["confirmed", "confirmed", "waiting"]


def test_register_full_event_form_says_waiting_list(client):
    event = EventFactory(capacity=1)
    register(event, email="first@example.org")

    response = client.get(en("register", slug=event.slug))

    text = response.content.decode()
    assert "If you register now, you will be on the waiting list" in text
    assert "Join the waiting list" in text


def test_register_waiting_mail_tells_position(mailoutbox, django_capture_on_commit_callbacks):
    event = EventFactory(capacity=1)
    register(event, email="first@example.org")
    register(event, email="second@example.org")

    with django_capture_on_commit_callbacks(execute=True), translation.override("en"):
        register(event, name="Dritte Person", email="third@example.org", language="en")

    mail = mailoutbox[-1]
    assert mail.subject == f"Waiting list: “{event.title}”"
    assert "on the waiting list, at position 2." in mail.body
    assert mail.attachments == []


def test_register_again_after_cancelling_allowed():
    event = EventFactory()
    services.registration_cancel(registration=register(event))

    again = register(event)

    assert again.status == Registration.Status.CONFIRMED
    assert event.registrations.count() == 2


def test_register_without_consent_refused(client):
    event = EventFactory()

    response = client.post(en("register", slug=event.slug), form_data(consent=""))

    assert response.context["form"].errors == {
        "consent": ["Please agree to the privacy notice to register."]
    }
    assert event.registrations.count() == 0


def test_register_junk_input_refused(client):
    event = EventFactory()

    response = client.post(
        en("register", slug=event.slug),
        form_data(name="", email="kein-mail", accessibility_needs="x" * 501),
    )

    assert response.status_code == 200
    assert sorted(response.context["form"].errors) == ["accessibility_needs", "email", "name"]
    assert event.registrations.count() == 0


@pytest.mark.parametrize(
    "changes",
    [
        {"status": Event.Status.DRAFT},
        {"status": Event.Status.REVIEW},
        {"registration": Event.Registration.NONE},
        {"registration": Event.Registration.EXTERNAL, "registration_url": "https://example.org"},
    ],
)
def test_register_not_offered_is_404(client, changes):
    event = EventFactory(**changes)

    get = client.get(en("register", slug=event.slug))
    post = client.post(en("register", slug=event.slug), form_data())

    assert (get.status_code, post.status_code) == (404, 404)
    assert event.registrations.count() == 0


def test_register_unknown_event_is_404(client):
    assert client.get(en("register", slug="gibt-es-nicht")).status_code == 404


@pytest.mark.clock
def test_register_past_event_closed(client):
    start = timezone.now() - timedelta(days=1)
    event = EventFactory(starts_at=start, ends_at=start + timedelta(hours=2))

    get = client.get(en("register", slug=event.slug))
    post = client.post(en("register", slug=event.slug), form_data())

    assert (get.status_code, post.status_code) == (200, 200)
    assert get.context["closed"] == "Registration for this event is closed."
    assert '<form method="post" class="form"' not in get.content.decode()
    assert post.context["closed"] == "Registration for this event is closed."
    assert event.registrations.count() == 0


@pytest.mark.clock
def test_register_after_closing_time_closed(client):
    event = EventFactory(registration_closes_at=timezone.now() - timedelta(minutes=1))

    response = client.post(en("register", slug=event.slug), form_data())

    assert response.context["closed"] == "Registration for this event is closed."
    assert event.registrations.count() == 0


def test_register_cancelled_event_closed(client):
    event = EventFactory(status=Event.Status.CANCELLED)

    response = client.post(en("register", slug=event.slug), form_data())

    assert response.status_code == 200
    assert response.context["closed"] == "This event has been cancelled, so registration is closed."
    assert event.registrations.count() == 0


def test_registration_create_closed_event_refused():
    event = EventFactory(status=Event.Status.CANCELLED)

    with pytest.raises(ValidationError) as error, translation.override("en"):
        register(event)

    assert error.value.messages == ["Registration for this event is closed."]
    assert event.registrations.count() == 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_register_concurrent_last_place_not_overbooked(monkeypatch):
    require_service(
        connection.vendor == "postgresql", "two concurrent transactions need PostgreSQL"
    )
    event = EventFactory(capacity=2)
    register(event, email="first@example.org")
    barrier = threading.Barrier(2)
    full_clean = Registration.full_clean

    def slow_full_clean(self, *args, **kwargs):
        # Between counting the places and saving: without the lock both would count one free.
        time.sleep(0.3)
        return full_clean(self, *args, **kwargs)

    monkeypatch.setattr(Registration, "full_clean", slow_full_clean)
    results, errors = [], []

    def take_last_place(email):
        from django.db import connection as thread_connection

        try:
            barrier.wait(timeout=10)
            results.append(register(event, email=email).status)
        except Exception as error:  # reported below: a thread cannot fail the test itself
            errors.append(error)
        finally:
            thread_connection.close()

    threads = [
        threading.Thread(target=take_last_place, args=(email,))
        for email in ("a@example.org", "b@example.org")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sorted(results) == ["confirmed", "waiting"]
    assert event.registrations.filter(status="confirmed").count() == 2
    assert event.registrations.filter(status="waiting").count() == 1


# --- Cancelling --------------------------------------------------------------------------------


def test_cancel_get_asks_and_changes_nothing(client):
    registration = register(EventFactory())

    response = client.get(en("cancel", token=cancel_token(registration)))

    assert response.status_code == 200
    assert "Yes, cancel my registration" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED


def test_cancel_post_cancels(client):
    registration = register(EventFactory())

    response = client.post(en("cancel", token=cancel_token(registration)))

    assert response.status_code == 200
    assert response.context["done"] is True
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED


def test_cancel_moves_waiting_up_and_mails_them(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    event = EventFactory(capacity=2)
    first = register(event, email="a@example.org")
    register(event, email="b@example.org")
    register(event, email="c@example.org", name="Carla", language="en")
    register(event, email="d@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(en("cancel", token=cancel_token(first)))

    assert statuses(event) == [
        ("a@example.org", "cancelled"),
        ("b@example.org", "confirmed"),
        ("c@example.org", "confirmed"),
        ("d@example.org", "waiting"),
    ]
    assert [mail.to for mail in mailoutbox] == [["c@example.org"]]
    assert "Hello Carla,\n\na place has become free" in mailoutbox[0].body
    assert len(mailoutbox[0].attachments) == 1


def test_cancel_place_free_mail_in_their_language(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    event = EventFactory(capacity=1)
    first = register(event, email="a@example.org")
    register(event, name="Sam", email="sam@example.org", language="en")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("events:cancel", kwargs={"token": cancel_token(first)}))

    assert [mail.subject for mail in mailoutbox] == [f"A place is free for you: “{event.title}”"]
    assert "Hello Sam," in mailoutbox[0].body


def test_cancel_tampered_token_is_404(client):
    registration = register(EventFactory())
    token = cancel_token(registration)
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")

    get = client.get(en("cancel", token=tampered))
    post = client.post(en("cancel", token=tampered))

    assert (get.status_code, post.status_code) == (404, 404)
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED


@pytest.mark.parametrize("token", ["junk", "1", "MQ:1a2b3c", "%00", "x" * 300])
def test_cancel_junk_token_is_404(client, token):
    assert client.get(f"/en/veranstaltungen/abmelden/{token}/").status_code == 404


def test_cancel_token_of_other_salt_is_404(client):
    from django.core import signing

    registration = register(EventFactory())

    response = client.post(en("cancel", token=signing.dumps(registration.pk)))

    assert response.status_code == 404
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED


def test_cancel_deleted_registration_is_404(client):
    registration = register(EventFactory())
    token = cancel_token(registration)
    registration.delete()

    assert client.get(en("cancel", token=token)).status_code == 404


def test_cancel_already_cancelled_says_so(client):
    event = EventFactory(capacity=1)
    registration = register(event, email="a@example.org")
    services.registration_cancel(registration=registration)
    register(event, email="b@example.org")

    get = client.get(en("cancel", token=cancel_token(registration)))
    post = client.post(en("cancel", token=cancel_token(registration)))

    assert get.context["refusal"] == "This registration has already been cancelled."
    assert "Yes, cancel my registration" not in get.content.decode()
    assert post.context["refusal"] == "This registration has already been cancelled."
    assert statuses(event) == [("a@example.org", "cancelled"), ("b@example.org", "confirmed")]


@pytest.mark.clock
def test_cancel_after_event_began_refused(client):
    event = EventFactory(capacity=1)
    registration = register(event, email="a@example.org")
    register(event, email="b@example.org")
    start = timezone.now() - timedelta(hours=1)
    Event.objects.filter(pk=event.pk).update(starts_at=start, ends_at=start + timedelta(hours=2))

    response = client.post(en("cancel", token=cancel_token(registration)))

    assert response.context["refusal"] == "This event has already begun; it is too late to cancel."
    assert statuses(event) == [("a@example.org", "confirmed"), ("b@example.org", "waiting")]


# --- The confirmation mail ---------------------------------------------------------------------


def register_and_confirm_by_mail(client, path, mailoutbox, capture):
    with capture(execute=True):
        client.post(path, form_data())
    with capture(execute=True):
        client.post(link_in(mailoutbox[0].body, "bestaetigen"), {"action": "confirm"})


def test_confirmation_mail_has_ics_and_working_cancel_link(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    event = EventFactory(title="Fachtag Mentoring", capacity=5)

    register_and_confirm_by_mail(
        client, en("register", slug=event.slug), mailoutbox, django_capture_on_commit_callbacks
    )

    assert len(mailoutbox) == 2
    mail = mailoutbox[1]
    ((filename, content, mimetype),) = mail.attachments
    calendar = Calendar.from_ical(content)
    (vevent,) = calendar.walk("VEVENT")
    assert (filename, mimetype) == (f"{event.slug}.ics", "text/calendar")
    assert str(vevent["SUMMARY"]) == "Fachtag Mentoring"
    assert vevent.decoded("DTSTART") == event.starts_at
    assert vevent.decoded("DTSTART").tzinfo.key == "Europe/Berlin"
    assert "Fachtag Mentoring" in mail.body
    assert "Volkshochschule Leipzig, Löhrstraße 3-7, 04105 Leipzig" in mail.body
    link = link_in(mail.body)
    assert link.startswith("/en/veranstaltungen/abmelden/")
    assert client.get(link).status_code == 200
    assert client.post(link).context["done"] is True
    assert Registration.objects.get().status == Registration.Status.CANCELLED


def test_confirmation_mail_in_german_for_german_request(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    event = EventFactory()

    register_and_confirm_by_mail(
        client,
        reverse("events:register", kwargs={"slug": event.slug}),
        mailoutbox,
        django_capture_on_commit_callbacks,
    )

    registration = Registration.objects.get()
    assert registration.language == "de"
    assert mailoutbox[1].subject == f"Anmeldung bestätigt: „{event.title}“"
    link = link_in(mailoutbox[1].body)
    assert link.startswith("/veranstaltungen/abmelden/")
    assert registration_pk_from_token(link.split("/")[-2]) == registration.pk


def test_confirmation_skipped_when_cancelled_before_sending_and_gone_with_the_registration(
    mailoutbox,
):
    from notifications.models import Notification
    from notifications.sending import deliver

    registration = register(EventFactory())
    row = Notification.objects.get(kind="registration", registration=registration)
    Registration.objects.filter(pk=registration.pk).update(status=Registration.Status.CANCELLED)

    assert deliver(row.pk) == "skipped"
    assert mailoutbox == []
    registration.delete()
    assert not Notification.objects.filter(pk=row.pk).exists()


def test_event_save_with_more_places_mails_who_moved_up(
    mailoutbox, django_capture_on_commit_callbacks
):
    event = EventFactory(capacity=1)
    register(event, email="a@example.org")
    register(event, email="b@example.org")
    event.capacity = 2

    with django_capture_on_commit_callbacks(execute=True):
        services.event_save(event=event)

    assert statuses(event) == [("a@example.org", "confirmed"), ("b@example.org", "confirmed")]
    assert [mail.to for mail in mailoutbox] == [["b@example.org"]]


# --- Participant list --------------------------------------------------------------------------


def test_participants_in_order(client, coordinator, program):
    event = EventFactory(program=program, capacity=1)
    cancelled = register(event, email="gone@example.org", name="Gabi Gegangen")
    services.registration_cancel(registration=cancelled)
    register(event, email="first@example.org", name="Erika Erste")
    register(event, email="wait1@example.org", name="Wanda Warte")
    register(event, email="wait2@example.org", name="Willi Warte")
    client.force_login(coordinator)

    response = client.get(en("participants", slug=event.slug))

    assert response.status_code == 200
    assert [r.email for r in response.context["page_obj"].object_list] == [
        "first@example.org",
        "wait1@example.org",
        "wait2@example.org",
        "gone@example.org",
    ]
    assert response.context["counts"] == {
        "taken": 1,
        "confirmed": 1,
        "waiting": 2,
        "cancelled": 1,
        "unconfirmed": 0,
    }


def test_participants_of_a_network_event_staff_see(client, staff_user):
    event = EventFactory(program=None, organization=None)

    client.force_login(staff_user)

    assert client.get(en("participants", slug=event.slug)).status_code == 200
    assert client.get(en("participants_csv", slug=event.slug)).status_code == 200


@pytest.mark.parametrize("organiser", ["program", "organization"])
def test_participants_of_a_programs_event_are_not_the_staffs(client, staff_user, organiser):
    """Network staff moderate a program's event but never see its participants (health data
    among them): they are the program's people."""
    event = EventFactory()
    if organiser == "organization":
        event = EventFactory(program=None, organization=event.program.organization)
    client.force_login(staff_user)

    assert client.get(en("participants", slug=event.slug)).status_code == 404
    assert client.get(en("participants_csv", slug=event.slug)).status_code == 404


def test_participants_other_coordinator_404(client):
    event = EventFactory()
    other = ProgramCoordinatorFactory().user
    client.force_login(other)

    assert client.get(en("participants", slug=event.slug)).status_code == 404
    assert client.get(en("participants_csv", slug=event.slug)).status_code == 404


def test_participants_volunteer_404(client, user):
    event = EventFactory()
    client.force_login(user)

    assert client.get(en("participants", slug=event.slug)).status_code == 404


def test_participants_organisation_coordinator_sees(client, program):
    event = EventFactory(program=None, organization=program.organization)
    client.force_login(ProgramCoordinatorFactory(program=program).user)

    assert client.get(en("participants", slug=event.slug)).status_code == 200


def test_participants_network_event_only_staff(client, coordinator):
    event = EventFactory(program=None)
    client.force_login(coordinator)

    assert client.get(en("participants", slug=event.slug)).status_code == 404


def test_participants_unknown_event_404(client, staff_user):
    client.force_login(staff_user)

    assert client.get(en("participants", slug="gibt-es-nicht")).status_code == 404


def test_participants_anonymous_to_login(client):
    event = EventFactory()

    for name in ("participants", "participants_csv"):
        response = client.get(en(name, slug=event.slug))
        assert response.status_code == 302
        assert response["Location"].startswith("/en/konto/login/")


@pytest.mark.clock
def test_participants_csv_parsed_back(client, coordinator, program):
    event = EventFactory(program=program, capacity=1)
    register(event, email="first@example.org", name="Jörg Müller")
    waiting = services.registration_create(
        event=event,
        name='=HYPERLINK("http://evil")',
        email="second@example.org",
        accessibility_needs="Gebärdensprache; Induktionsschleife",
        consent_version=REGISTRATION_PRIVACY_VERSION,
    )
    services.registration_confirm(registration=waiting)
    client.force_login(coordinator)

    response = client.get(en("participants_csv", slug=event.slug))

    content = response.content.decode("utf-8")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert content.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(content.removeprefix("\ufeff")), delimiter=";"))
    registered = timezone.localtime(waiting.created_at).isoformat(timespec="minutes")
    assert rows[0] == ["Name", "E-mail address", "Accessibility needs", "Status", "Registered at"]
    assert rows[1][:4] == ["Jörg Müller", "first@example.org", "", "confirmed"]
    assert rows[2] == [
        '\'=HYPERLINK("http://evil")',
        "second@example.org",
        "Gebärdensprache; Induktionsschleife",
        "on the waiting list",
        registered,
    ]
    assert len(rows) == 3


def _many_registrations(event, count):
    now = timezone.now()
    Registration.objects.bulk_create(
        Registration(
            event=event,
            name=f"Person {n}",
            email=f"person{n}@example.org",
            status=Registration.Status.CONFIRMED if n % 3 else Registration.Status.WAITING,
            consent_version=REGISTRATION_PRIVACY_VERSION,
            created_at=now + timedelta(seconds=n),
        )
        for n in range(count)
    )


@pytest.mark.parametrize("count", [1, 500])
def test_participants_query_count_constant(
    client, coordinator, program, django_assert_num_queries, count
):
    event = EventFactory(program=program)
    _many_registrations(event, count)
    client.force_login(coordinator)
    url = en("participants", slug=event.slug)

    # session, user, the second factor, event, permission, page count, counts, the header's
    # coordination link, rows, and the one audit entry "viewed" (audit.mixins.AccessLogMixin)
    with django_assert_num_queries(10):
        response = client.get(url)

    assert response.status_code == 200
    assert len(response.context["page_obj"].object_list) == min(count, 100)


@pytest.mark.parametrize("count", [1, 500])
def test_participants_csv_query_count_constant(
    client, coordinator, program, django_assert_num_queries, count
):
    event = EventFactory(program=program)
    _many_registrations(event, count)
    client.force_login(coordinator)

    # session, user, the second factor, event, permission, rows, and the one audit entry
    # "exported"
    with django_assert_num_queries(7):
        response = client.get(en("participants_csv", slug=event.slug))

    assert len(response.content.decode().splitlines()) == count + 1


def test_participants_paginated_junk_page(client, coordinator, program):
    event = EventFactory(program=program)
    _many_registrations(event, 150)
    client.force_login(coordinator)

    response = client.get(en("participants", slug=event.slug), {"page": "xyz"})

    assert response.status_code == 200
    assert response.context["page_obj"].number == 1


def test_register_page_query_count_constant(client, django_assert_num_queries):
    small, big = EventFactory(capacity=1000), EventFactory(capacity=1000)
    _many_registrations(small, 1)
    _many_registrations(big, 500)

    with django_assert_num_queries(2):
        client.get(en("register", slug=small.slug))
    with django_assert_num_queries(2):
        client.get(en("register", slug=big.slug))


def test_event_page_of_the_staff_offers_no_participants_of_a_programs_event(client, staff_user):
    program_event = EventFactory()
    network_event = EventFactory(program=None, organization=None)
    client.force_login(staff_user)

    pages = [
        client.get(f"/koordination/veranstaltungen/{event.slug}/bearbeiten/").content.decode()
        for event in (program_event, network_event)
    ]

    assert f"/koordination/veranstaltungen/{program_event.slug}/teilnehmende/" not in pages[0]
    assert f"/koordination/veranstaltungen/{network_event.slug}/teilnehmende/" in pages[1]

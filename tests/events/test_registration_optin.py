"""Double opt-in for event registrations: a registration counts once the owner of the address
confirmed it; whoever fills in the form learns nothing about the address, and the owner of an
address registered by somebody else gets the request to confirm and nothing else."""

import csv
import io
import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import signing
from django.test import Client
from django.utils import timezone, translation

from events import services
from events.forms.registration import REGISTRATION_PRIVACY_VERSION
from events.models import Registration
from events.tokens import cancel_token, confirm_token
from notifications import services as outbox
from notifications.models import Notification
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

NOW = "2027-03-10 10:00 +0100"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def mails(mailoutbox, django_capture_on_commit_callbacks):
    """Run what the code under test queues after its commit, then give the mails sent."""

    class Mails:
        def __call__(self, action, *args, **kwargs):
            with django_capture_on_commit_callbacks(execute=True):
                result = action(*args, **kwargs)
            return result

        sent = mailoutbox

    return Mails()


def form_data(**overrides):
    data = {"name": "Hanna Huber", "email": "hanna@example.org", "consent": "on"}
    return {**data, **overrides}


def create(event, *, email="hanna@example.org", name="Hanna Huber", language="de"):
    return services.registration_create(
        event=event,
        name=name,
        email=email,
        consent_version=REGISTRATION_PRIVACY_VERSION,
        language=language,
    )


def confirmed(event, **kwargs):
    return services.registration_confirm(registration=create(event, **kwargs))


def post_register(client, event, **data):
    return client.post(f"/veranstaltungen/{event.slug}/anmelden/", form_data(**data), follow=True)


def confirm_path(registration) -> str:
    return f"/veranstaltungen/bestaetigen/{confirm_token(registration)}/"


def link_in(body: str, action: str) -> str:
    url = re.search(rf"\S*/veranstaltungen/{action}/\S+/", body).group(0)
    return url.removeprefix(settings.SITE_URL)


def text_of(response) -> str:
    return response.content.decode()


# --- The same answer for every address (enumeration) -------------------------------------------


def test_register_known_and_new_address_get_the_same_answer(client, mails):
    event = EventFactory(capacity=10)
    confirmed(event, email="bekannt@example.org", name="Bekannte Person")

    known = mails(post_register, Client(), event, email="bekannt@example.org")
    new = mails(post_register, Client(), event, email="neu@example.org")

    assert known.redirect_chain == new.redirect_chain == [(event.get_absolute_url(), 302)]
    assert known.status_code == new.status_code == 200
    assert text_of(known).replace("bekannt@", "X@") == text_of(new).replace("neu@", "X@")
    assert "Fast geschafft" in text_of(known)
    assert event.registrations.filter(email="bekannt@example.org").count() == 1
    assert [(mail.to, mail.subject) for mail in mails.sent] == [
        (["bekannt@example.org"], f"Sie sind bereits angemeldet: „{event.title}“"),
        (["neu@example.org"], f"Bitte bestätigen Sie Ihre Anmeldung: „{event.title}“"),
    ]
    assert "Bekannte Person" in mails.sent[0].body
    assert link_in(mails.sent[0].body, "abmelden")


def test_register_known_address_answer_is_the_same_on_a_full_event(client, mails):
    event = EventFactory(capacity=1)
    confirmed(event, email="bekannt@example.org")

    known = mails(post_register, Client(), event, email="bekannt@example.org")
    new = mails(post_register, Client(), event, email="neu@example.org")

    assert text_of(known).replace("bekannt@", "X@") == text_of(new).replace("neu@", "X@")


@pytest.mark.clock
def test_register_again_while_unconfirmed_asks_again_at_most_once_a_day(client, mails, clock):
    event = EventFactory()
    mails(create, event)

    mails(post_register, client, event)
    clock.shift(timedelta(hours=15))  # the next day, 01:00
    mails(post_register, client, event)
    mails(post_register, client, event)

    assert [mail.subject for mail in mails.sent] == [
        f"Bitte bestätigen Sie Ihre Anmeldung: „{event.title}“"
    ] * 2
    assert event.registrations.count() == 1


def test_register_known_address_mail_goes_at_most_once_a_day(client, mails):
    event = EventFactory()
    confirmed(event)

    for _attempt in range(3):
        mails(post_register, client, event)

    assert len(mails.sent) == 1


# --- Somebody else's address -------------------------------------------------------------------


@pytest.mark.clock
def test_register_someone_elses_address_sends_them_only_the_request(client, mails, clock):
    event = EventFactory(capacity=1)
    holder = confirmed(event, email="erste@example.org")
    mails.sent.clear()
    mails(post_register, client, event, email="opfer@example.org", name="Angreifer")
    # A place becomes free for the victim's waiting registration, and the eve of the event comes.
    mails(services.registration_cancel, registration=holder)
    clock.move_to(event.starts_at - timedelta(hours=8))
    mails(outbox.scan)

    to_victim = [mail for mail in mails.sent if mail.to == ["opfer@example.org"]]
    assert [mail.subject for mail in to_victim] == [
        f"Bitte bestätigen Sie Ihre Anmeldung: „{event.title}“"
    ]
    assert to_victim[0].attachments == []
    assert "/veranstaltungen/abmelden/" not in to_victim[0].body
    assert "/veranstaltungen/bestaetigen/" in to_victim[0].body
    assert Registration.objects.get(email="opfer@example.org").status == "confirmed"


def test_confirm_request_mail_in_the_registrants_language(client, mails):
    event = EventFactory(title="Fachtag")

    mails(post_register, client, event)
    mails(post_register, Client(), event, email="sam@example.org", name="Sam")
    with translation.override("en"):
        mails(create, event, email="kim@example.org", name="Kim", language="en")

    assert [mail.subject for mail in mails.sent] == [
        "Bitte bestätigen Sie Ihre Anmeldung: „Fachtag“",
        "Bitte bestätigen Sie Ihre Anmeldung: „Fachtag“",
        "Please confirm your registration: “Fachtag”",
    ]
    assert "Hello Kim,\n\nplease confirm with this link" in mails.sent[2].body


# --- Confirming --------------------------------------------------------------------------------


def test_confirm_get_asks_and_changes_nothing(client):
    registration = create(EventFactory())

    response = client.get(confirm_path(registration))

    registration.refresh_from_db()
    assert response.status_code == 200
    assert "Ja, Anmeldung bestätigen" in text_of(response)
    assert "Ich habe mich nicht angemeldet: löschen" in text_of(response)
    assert registration.confirmed_at is None


@pytest.mark.clock
def test_confirm_post_confirms_and_mails_the_confirmation(client, mails):
    event = EventFactory(capacity=5)
    mails(post_register, client, event)

    response = mails(client.post, link_in(mails.sent[0].body, "bestaetigen"), {"action": "confirm"})

    registration = Registration.objects.get()
    assert response.status_code == 200
    assert response.context["done"] == "confirmed"
    assert registration.confirmed_at == timezone.now()
    assert "Ihre Anmeldung ist bestätigt" in text_of(response)
    assert mails.sent[1].subject == f"Anmeldung bestätigt: „{event.title}“"
    assert len(mails.sent[1].attachments) == 1
    cancel = link_in(mails.sent[1].body, "abmelden")
    assert client.post(cancel).context["done"] is True


def test_confirm_waiting_registration_tells_the_position(client):
    event = EventFactory(capacity=1)
    confirmed(event, email="erste@example.org")
    confirmed(event, email="zweite@example.org")
    waiting = create(event)

    response = client.post(confirm_path(waiting), {"action": "confirm"})

    assert response.context["position"] == 2
    assert "auf der Warteliste, auf Platz 2" in text_of(response)


def test_confirm_used_link_says_so(client):
    registration = create(EventFactory())
    client.post(confirm_path(registration), {"action": "confirm"})

    get = client.get(confirm_path(registration))
    post = client.post(confirm_path(registration), {"action": "confirm"})
    discard = client.post(confirm_path(registration), {"action": "discard"})

    for response in (get, post, discard):
        assert response.status_code == 200
        assert response.context["refusal"] == "Diese Anmeldung ist bereits bestätigt."
    assert Registration.objects.get().confirmed_at is not None


@pytest.mark.clock
def test_confirm_late_link_says_so_and_changes_nothing(client, clock):
    registration = create(EventFactory())
    clock.shift(timedelta(hours=24))

    response = client.post(confirm_path(registration), {"action": "confirm"})

    registration.refresh_from_db()
    assert response.status_code == 200
    assert response.context["refusal"] == (
        "Die Zeit zum Bestätigen dieser Anmeldung ist abgelaufen. Bitte melden Sie sich erneut an."
    )
    assert registration.confirmed_at is None


@pytest.mark.clock
def test_confirm_link_of_an_expired_registration_says_so(client, clock):
    registration = create(EventFactory())
    clock.shift(timedelta(hours=25))
    services.registrations_expire()

    get = client.get(confirm_path(registration))
    post = client.post(confirm_path(registration), {"action": "confirm"})

    for response in (get, post):
        assert response.status_code == 200
        assert "Dieser Link ist nicht mehr gültig" in response.context["refusal"]
    assert not Registration.objects.exists()


@pytest.mark.clock
def test_confirm_link_does_not_fit_a_later_registration_with_the_same_number(client):
    registration = create(EventFactory())
    token = confirm_token(registration)
    Registration.objects.filter(pk=registration.pk).update(
        created_at=registration.created_at + timedelta(seconds=1)
    )

    response = client.post(f"/veranstaltungen/bestaetigen/{token}/", {"action": "confirm"})

    assert "Dieser Link ist nicht mehr gültig" in response.context["refusal"]
    assert Registration.objects.get().confirmed_at is None


@pytest.mark.parametrize("token", ["junk", "MQ:1a2b3c", "%00", "x" * 300])
def test_confirm_junk_token_is_404(client, token):
    assert client.get(f"/veranstaltungen/bestaetigen/{token}/").status_code == 404
    assert client.post(f"/veranstaltungen/bestaetigen/{token}/").status_code == 404


def test_confirm_token_of_another_purpose_is_404(client):
    registration = create(EventFactory())

    cancel = client.post(f"/veranstaltungen/bestaetigen/{cancel_token(registration)}/")
    unsalted = client.post(f"/veranstaltungen/bestaetigen/{signing.dumps([registration.pk, 0])}/")
    as_cancel = client.post(f"/veranstaltungen/abmelden/{confirm_token(registration)}/")

    assert (cancel.status_code, unsalted.status_code, as_cancel.status_code) == (404, 404, 404)
    registration.refresh_from_db()
    assert (registration.status, registration.confirmed_at) == ("confirmed", None)


def test_discard_deletes_at_once_and_the_waiting_move_up(client, mails):
    event = EventFactory(capacity=1)
    holder = create(event, email="opfer@example.org")
    confirmed(event, email="wartet@example.org")

    response = mails(client.post, confirm_path(holder), {"action": "discard"})

    assert response.context["done"] == "discarded"
    assert list(event.registrations.values_list("email", "status")) == [
        ("wartet@example.org", "confirmed")
    ]
    assert [mail.to for mail in mails.sent] == [["wartet@example.org"]]
    assert client.get(confirm_path(holder)).status_code == 200


# --- Expiry ------------------------------------------------------------------------------------


@pytest.mark.clock
def test_expire_frees_the_place_after_24_hours_and_the_waiting_list_moves(mails, clock):
    event = EventFactory(capacity=1)
    unconfirmed = create(event, email="a@example.org")
    confirmed(event, email="b@example.org")
    clock.shift(timedelta(hours=23, minutes=59))
    before = mails(services.registrations_expire)
    clock.shift(timedelta(minutes=1))

    after = mails(services.registrations_expire)

    assert (before, after) == (0, 1)
    assert not Registration.objects.filter(pk=unconfirmed.pk).exists()
    assert list(event.registrations.values_list("email", "status")) == [
        ("b@example.org", "confirmed")
    ]
    assert [mail.subject for mail in mails.sent] == [f"Ein Platz ist für Sie frei: „{event.title}“"]
    assert not Notification.objects.filter(object_id=unconfirmed.pk, kind="registration_optin")


@pytest.mark.clock
def test_expire_keeps_confirmed_and_the_waiting_list_order(clock):
    event = EventFactory(capacity=1)
    confirmed(event, email="a@example.org")
    create(event, email="b@example.org")
    confirmed(event, email="c@example.org")
    clock.shift(timedelta(hours=30))

    assert services.registrations_expire() == 1
    assert list(event.registrations.values_list("email", "status")) == [
        ("a@example.org", "confirmed"),
        ("c@example.org", "waiting"),
    ]


@pytest.mark.clock
def test_expire_follows_the_setting(settings, clock):
    settings.REGISTRATION_CONFIRM_HOURS = 2
    create(EventFactory())
    clock.shift(timedelta(hours=2))

    assert services.registrations_expire() == 1


@pytest.mark.clock
def test_expire_takes_at_most_a_batch(clock):
    events = [EventFactory() for _n in range(3)]
    for n in range(5):
        create(events[n % 3], email=f"p{n}@example.org")
    clock.shift(timedelta(hours=25))

    assert services.registrations_expire(limit=2) == 2
    assert services.registrations_expire(limit=2) == 2
    assert services.registrations_expire(limit=2) == 1
    assert not Registration.objects.exists()


@pytest.mark.clock
@pytest.mark.parametrize("count", [1, 40])
def test_expire_queries_constant_per_event(django_assert_num_queries, clock, count):
    event = EventFactory(capacity=1000)
    for n in range(count):
        create(event, email=f"p{n}@example.org")
    clock.shift(timedelta(hours=25))

    # due ids, savepoint, event lock, the rows to delete, their outbox rows, the rows, the
    # places count, the waiting list, release
    with django_assert_num_queries(9):
        assert services.registrations_expire() == count


@pytest.mark.clock
def test_expire_runs_in_the_beat_schedule():
    from mentoring.celery import app

    app.loader.import_default_modules()  # what a worker's start does: the apps' tasks modules
    entry = settings.CELERY_BEAT_SCHEDULE["registration-expiry"]

    assert entry["task"] == "events.expire_registrations"
    assert entry["task"] in app.tasks
    assert entry["schedule"] == 300


# --- Counting, reminders, lists ----------------------------------------------------------------


def test_unconfirmed_registration_holds_its_place_without_showing_it(client):
    event = EventFactory(capacity=1)
    create(event, email="a@example.org")

    waiting = create(event, email="b@example.org")
    page = client.get(event.get_absolute_url())

    # The public count would tell whoever entered an address whether it was new.
    assert waiting.status == Registration.Status.WAITING
    assert page.context["places"] == {"capacity": 1, "confirmed": 0, "free": 1}


@pytest.mark.clock
def test_unconfirmed_registration_gets_no_event_reminder(mails, clock):
    event = EventFactory()
    confirmed(event, email="ja@example.org")
    create(event, email="offen@example.org")
    mails.sent.clear()
    clock.move_to(event.starts_at - timedelta(hours=8))

    mails(outbox.scan)

    reminded = Notification.objects.filter(kind="event_reminder", state="sent")
    assert list(reminded.values_list("registration__email", flat=True)) == ["ja@example.org"]


def test_participants_mark_the_unconfirmed(client, coordinator, program):
    event = EventFactory(program=program, capacity=1)
    confirmed(event, email="ja@example.org", name="Jana Ja")
    create(event, email="offen@example.org", name="Otto Offen")
    client.force_login(coordinator)

    page = client.get(f"/koordination/veranstaltungen/{event.slug}/teilnehmende/")
    export = client.get(f"/koordination/veranstaltungen/{event.slug}/teilnehmende.csv")

    rows = list(
        csv.reader(io.StringIO(export.content.decode().removeprefix("\ufeff")), delimiter=";")
    )
    assert [row[3] for row in rows[1:]] == ["bestätigt", "noch nicht bestätigt (Warteliste)"]
    assert page.context["counts"] == {
        "taken": 1,
        "confirmed": 1,
        "waiting": 1,
        "cancelled": 0,
        "unconfirmed": 1,
    }
    html = text_of(page)
    assert "Noch nicht bestätigt (Warteliste)" in html  # a status badge, capitalised
    assert "1 Anmeldung ist noch nicht von der Inhaberin oder dem Inhaber" in html


# --- Floods ------------------------------------------------------------------------------------


def test_register_one_address_for_many_events_is_limited(client, mails):
    events = [EventFactory() for _n in range(6)]

    answers = [
        mails(post_register, client, event, email="opfer@example.org").status_code
        for event in events
    ]
    limited = client.post(
        f"/veranstaltungen/{events[5].slug}/anmelden/", form_data(email="opfer@example.org")
    )

    assert answers == [200] * 5 + [429]
    assert limited.status_code == 429
    assert "warten schon mehrere Anmeldungen" in text_of(limited)
    assert len(mails.sent) == 5
    assert Registration.objects.count() == 5


def test_register_limit_per_address_counts_no_confirmed_registrations(client, mails):
    events = [EventFactory() for _n in range(7)]
    for event in events[:6]:
        confirmed(event, email="fleissig@example.org")

    response = mails(post_register, client, events[6], email="fleissig@example.org")

    assert response.status_code == 200


def test_register_from_one_connection_is_limited(client):
    events = [EventFactory() for _n in range(11)]

    answers = [
        client.post(
            f"/veranstaltungen/{event.slug}/anmelden/",
            form_data(email=f"p{n}@example.org"),
            REMOTE_ADDR="203.0.113.9",
        ).status_code
        for n, event in enumerate(events)
    ]
    elsewhere = client.post(
        f"/veranstaltungen/{events[0].slug}/anmelden/",
        form_data(email="x@example.org"),
        REMOTE_ADDR="203.0.113.10",
    )

    assert answers == [302] * 10 + [429]
    assert elsewhere.status_code == 302
    assert Registration.objects.count() == 11


# --- Said where people read it -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/datenschutz/", ["Double-Opt-in", "Nicht per E-Mail bestätigte Anmeldungen zu "
                           "Veranstaltungen</th><td>48 Stunden nach der Anmeldung"]),
        ("/en/datenschutz/", ["double opt-in", "Event registrations that were not confirmed by "
                              "e-mail</th><td>48 hours after the registration"]),
    ],
)  # fmt: skip
def test_privacy_policy_explains_double_opt_in_and_its_period(client, settings, path, expected):
    settings.REGISTRATION_CONFIRM_HOURS = 48

    html = " ".join(client.get(path).content.decode().split())

    assert [text for text in expected if text not in html] == []


def test_register_while_the_cache_is_down_goes_on_uncounted(client, settings, monkeypatch):
    from core import cache as cache_module
    from tests.support.processes import free_port

    monkeypatch.setattr(cache_module, "PAUSE_SECONDS", 600)
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    event = EventFactory()

    response = client.post(f"/veranstaltungen/{event.slug}/anmelden/", form_data())

    assert response.status_code == 302
    assert Registration.objects.get().email == "hanna@example.org"

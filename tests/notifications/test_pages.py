"""The pages of the notifications: the settings in /mein-bereich/, the one-click unsubscribe
link, the outbox in the admin and `manage.py outbox`."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from events import services as event_services
from notifications.models import Notification, NotificationSettings
from notifications.tokens import unsubscribe_token
from tandems import services as tandem_services
from tandems.models import ConsentRecord, Mentee
from tests.factories import EventFactory, ProgramCoordinatorFactory, ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db
SETTINGS = "/mein-bereich/benachrichtigungen/"


def unsubscribe_path(recipient: str, kind: str) -> str:
    return reverse(
        "notifications:unsubscribe", kwargs={"token": unsubscribe_token(recipient, kind)}
    )


def tampered(path: str) -> str:
    """The path with the signature's first character changed (all six of its bits count; the
    last character of a base64 signature may carry unused bits)."""
    token = path.rstrip("/").rsplit("/", 1)[1]
    payload, signature = token.rsplit(":", 1)
    first = "B" if signature[0] != "B" else "C"
    return path.replace(token, f"{payload}:{first}{signature[1:]}")


# --- Settings page ----------------------------------------------------------------------------


def test_settings_need_a_login(client):
    response = client.get(SETTINGS)

    assert response.status_code == 302
    assert response["Location"].startswith("/konto/login/")
    assert client.post(SETTINGS, {"meeting_lead_hours": 2, "language": "en"}).status_code == 302
    assert NotificationSettings.objects.count() == 0


@pytest.mark.clock
def test_saving_changes_the_settings_and_the_language(client, user):
    client.force_login(user)
    assert user.language == "de"

    response = client.post(
        SETTINGS,
        # The check-in box unticked; a coordinator's field sent by a volunteer is ignored.
        {"meeting_lead_hours": "2", "language": "en", "coordinator_digest": ""},
    )

    assert response.status_code == 302
    assert response["Location"] == SETTINGS
    found = NotificationSettings.objects.get(user=user)
    assert (found.meeting_lead_hours, found.checkin_reminders) == (2, False)
    assert found.coordinator_digest is True
    user.refresh_from_db()
    assert user.language == "en"
    page = client.get(SETTINGS).content.decode()
    assert 'value="2" required id="id_meeting_lead_hours_0" checked>' in page
    assert 'id="id_checkin_reminders" checked' not in page
    assert '<option value="en" selected>English</option>' in page
    assert "Ihre Benachrichtigungseinstellungen wurden gespeichert." in page


def test_the_saved_lead_time_is_checked_on_the_page(client, user):
    NotificationSettings.objects.create(user=user, meeting_lead_hours=48)
    client.force_login(user)

    page = client.get(SETTINGS).content.decode()

    assert 'value="48" required id="id_meeting_lead_hours_2" checked>' in page
    # The lead time, the check-in box and the messages from the programs.
    assert page.count(" checked>") == 3
    assert '<option value="de" selected>Deutsch</option>' in page


@pytest.mark.clock
@pytest.mark.parametrize(
    "data",
    [
        {"meeting_lead_hours": "5", "language": "en", "checkin_reminders": "on"},
        {"meeting_lead_hours": "<script>", "language": "en"},
        {"meeting_lead_hours": "2", "language": "fr"},
        {"language": "en"},
    ],
)
def test_invalid_input_changes_nothing(client, user, data):
    NotificationSettings.objects.create(user=user, meeting_lead_hours=24, checkin_reminders=True)
    client.force_login(user)

    response = client.post(SETTINGS, data)

    assert response.status_code == 200
    assert response.context["form"].errors
    assert 'class="field-error"' in response.content.decode()
    assert "<script>" not in response.content.decode().split("<main", 1)[1]
    found = NotificationSettings.objects.get(user=user)
    assert (found.meeting_lead_hours, found.checkin_reminders) == (24, True)
    user.refresh_from_db()
    assert user.language == "de"


@pytest.mark.clock
def test_coordinator_sees_the_coordinators_fields_and_a_volunteer_does_not(client, user):
    coordinator = ProgramCoordinatorFactory().user
    client.force_login(user)
    volunteer_page = client.get(SETTINGS).content.decode()
    client.force_login(coordinator)
    coordinator_page = client.get(SETTINGS).content.decode()

    for page in (volunteer_page, coordinator_page):
        assert 'name="meeting_lead_hours"' in page
        assert 'type="radio"' in page
        assert 'name="checkin_reminders"' in page
        assert 'name="language"' in page
        assert "<fieldset" in page and "<legend>" in page
    assert 'name="coordinator_digest"' not in volunteer_page
    assert 'name="listing_reminders"' not in volunteer_page
    assert 'name="coordinator_digest"' in coordinator_page
    assert 'name="listing_reminders"' in coordinator_page


@pytest.mark.clock
def test_coordinator_switches_the_digest_off(client):
    coordinator = ProgramCoordinatorFactory().user
    client.force_login(coordinator)

    response = client.post(
        SETTINGS,
        {
            "meeting_lead_hours": "24",
            "language": "de",
            "listing_reminders": "on",
            "application_mail": "at_once",
        },
    )

    assert response.status_code == 302
    found = NotificationSettings.objects.get(user=coordinator)
    assert (found.coordinator_digest, found.listing_reminders) == (False, True)


def test_settings_page_in_english(client, user):
    client.force_login(user)

    page = client.get("/en" + SETTINGS).content.decode()

    assert "Reminder before a meeting" in page
    assert "cannot be switched off" in page


def test_my_area_and_the_dashboard_link_to_the_settings(client):
    coordinator = ProgramCoordinatorFactory().user
    client.force_login(coordinator)

    assert f'href="{SETTINGS}"' in client.get("/mein-bereich/").content.decode()
    assert f'href="{SETTINGS}"' in client.get("/koordination/").content.decode()


# --- Unsubscribe ------------------------------------------------------------------------------


def _mentee(program, name="Mira", email="mira@example.org") -> Mentee:
    return tandem_services.mentee_register(
        mentee=Mentee(
            program=program,
            first_name=name,
            year_of_birth=1990,
            postcode="04109",
            languages="Deutsch",
            reminder_email=email,
        ),
        reminder_consent_version="1",
    )


def _reminder_consent(mentee) -> ConsentRecord:
    return ConsentRecord.objects.get(mentee=mentee, scope=ConsentRecord.Scope.REMINDERS)


@pytest.mark.clock
def test_get_asks_and_changes_nothing(client, user):
    path = unsubscribe_path(f"user:{user.pk}", "meeting_reminder")

    response = client.get(path)

    assert response.status_code == 200
    page = response.content.decode()
    assert '<form method="post"' in page and "csrfmiddlewaretoken" in page
    assert "noindex" in page
    assert not NotificationSettings.objects.filter(user=user).exists()
    assert client.head(path).status_code == 200
    assert not NotificationSettings.objects.filter(user=user).exists()


@pytest.mark.clock
@pytest.mark.parametrize(
    ("kind", "setting", "off"),
    [
        ("meeting_reminder", "meeting_lead_hours", 0),
        ("checkin_due", "checkin_reminders", False),
        ("coordinator_digest", "coordinator_digest", False),
        ("listing_review", "listing_reminders", False),
    ],
)
def test_post_switches_off_the_users_setting_and_only_that(client, user, kind, setting, off):
    other = UserFactory()
    path = unsubscribe_path(f"user:{user.pk}", kind)

    response = client.post(path)

    assert response.status_code == 200
    found = NotificationSettings.objects.get(user=user)
    assert getattr(found, setting) == off
    defaults = NotificationSettings(user=user)
    for name in (
        "meeting_lead_hours",
        "checkin_reminders",
        "coordinator_digest",
        "listing_reminders",
    ):
        if name != setting:
            assert getattr(found, name) == getattr(defaults, name)
    assert not NotificationSettings.objects.filter(user=other).exists()
    # The account holder is pointed at the settings page.
    assert f'href="{SETTINGS}"' in response.content.decode()

    replay = client.post(path)

    assert replay.status_code == 200
    again = NotificationSettings.objects.get(user=user)
    assert [getattr(again, f.attname) for f in again._meta.fields] == [
        getattr(found, f.attname) for f in found._meta.fields
    ]


@pytest.mark.clock
def test_mail_program_posts_without_a_csrf_cookie(user):
    """RFC 8058: the mail program POSTs "List-Unsubscribe=One-Click" itself, with no cookie."""
    client = Client(enforce_csrf_checks=True)
    path = unsubscribe_path(f"user:{user.pk}", "checkin_due")

    response = client.post(path, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert NotificationSettings.objects.get(user=user).checkin_reminders is False


@pytest.mark.clock
def test_mentee_unsubscribe_withdraws_the_reminder_consent(client):
    program = ProgramFactory()
    mentee, other = _mentee(program), _mentee(program, name="Nora", email="nora@example.org")
    path = unsubscribe_path(f"mentee:{mentee.pk}", "meeting_reminder")

    assert client.get(path).status_code == 200
    assert _reminder_consent(mentee).withdrawn_at is None

    response = client.post(path)

    assert response.status_code == 200
    page = response.content.decode()
    withdrawn = _reminder_consent(mentee).withdrawn_at
    assert withdrawn is not None
    assert _reminder_consent(other).withdrawn_at is None
    # The privacy and other consents of the mentee stay; no account, so no settings link.
    assert ConsentRecord.objects.filter(mentee=mentee, withdrawn_at__isnull=True).count() == (
        ConsentRecord.objects.filter(mentee=mentee).count() - 1
    )
    assert SETTINGS not in page
    assert "Mira" not in page and "mira@example.org" not in page

    replay = client.post(path)

    assert replay.status_code == 200
    assert _reminder_consent(mentee).withdrawn_at == withdrawn
    assert ConsentRecord.objects.filter(withdrawn_at__isnull=False).count() == 1


@pytest.mark.clock
def test_registration_unsubscribe_switches_the_event_reminder_off(client):
    event = EventFactory()
    registration = event_services.registration_create(
        event=event, name="Theo Teilnehmer", email="theo@example.org", consent_version="1"
    )
    other = event_services.registration_create(
        event=event, name="Uta Andere", email="uta@example.org", consent_version="1"
    )
    path = unsubscribe_path(f"registration:{registration.pk}", "event_reminder")

    response = client.post(path)

    assert response.status_code == 200
    registration.refresh_from_db()
    other.refresh_from_db()
    assert (registration.reminders, other.reminders) == (False, True)
    assert registration.status == "confirmed"
    assert client.post(path).status_code == 200
    registration.refresh_from_db()
    assert registration.reminders is False


@pytest.mark.clock
@pytest.mark.parametrize("method", ["get", "post"])
def test_tampered_token_is_404_and_changes_nothing(client, user, method):
    program = ProgramFactory()
    mentee = _mentee(program)
    paths = [
        unsubscribe_path(f"user:{user.pk}", "meeting_reminder"),
        unsubscribe_path(f"mentee:{mentee.pk}", "meeting_reminder"),
    ]

    for path in paths:
        assert getattr(client, method)(tampered(path)).status_code == 404
    for token in ["x", "null", "W10:abc", ".eJyLBgAAjACM:1tAbCd:xyz"]:
        response = getattr(client, method)(f"/benachrichtigungen/abbestellen/{token}/")
        assert response.status_code == 404

    assert not NotificationSettings.objects.filter(user=user).exists()
    assert _reminder_consent(mentee).withdrawn_at is None


@pytest.mark.clock
def test_a_token_signed_with_another_salt_is_refused(client, user):
    from django.core import signing

    token = signing.dumps([f"user:{user.pk}", "meeting_reminder"], compress=True)

    assert client.post(f"/benachrichtigungen/abbestellen/{token}/").status_code == 404
    assert not NotificationSettings.objects.filter(user=user).exists()


@pytest.mark.clock
@pytest.mark.parametrize(
    ("recipient", "kind"),
    [
        ("user:{user}", "application_status"),
        ("user:{user}", "registration"),
        ("user:{user}", "place_free"),
        ("registration:{user}", "registration"),
        ("mentee:{user}", "checkin_due"),
        ("user:{user}", "no_such_kind"),
        ("program:{user}", "meeting_reminder"),
    ],
)
def test_what_cannot_be_switched_off_is_404(client, user, recipient, kind):
    path = unsubscribe_path(recipient.format(user=user.pk), kind)

    assert client.post(path).status_code == 404
    assert client.get(path).status_code == 404
    assert not NotificationSettings.objects.filter(user=user).exists()


@pytest.mark.clock
def test_a_token_of_a_deleted_person_is_404_on_post(client):
    gone = UserFactory()
    path = unsubscribe_path(f"user:{gone.pk}", "meeting_reminder")
    gone.delete()

    assert client.post(path).status_code == 404


@pytest.mark.clock
def test_the_page_shows_nobody_elses_data(client):
    """Signed in as somebody else, a token shows what is switched off and no person's data."""
    program = ProgramFactory(name="Programm KANARIE")
    owner = UserFactory(name="Olga Eigentümerin", email="olga@example.org")
    viewer = UserFactory(name="Viktor Anderer", email="viktor@example.org")
    mentee = _mentee(program, name="Mila KANARIE", email="mila-kanarie@example.org")
    event = EventFactory(title="Treffen KANARIE")
    registration = event_services.registration_create(
        event=event, name="Rita KANARIE", email="rita-kanarie@example.org", consent_version="1"
    )
    client.force_login(viewer)
    paths = [
        unsubscribe_path(f"user:{owner.pk}", "meeting_reminder"),
        unsubscribe_path(f"mentee:{mentee.pk}", "meeting_reminder"),
        unsubscribe_path(f"registration:{registration.pk}", "event_reminder"),
    ]

    pages = [client.get(path).content.decode() for path in paths]
    pages += [client.post(path).content.decode() for path in paths]

    for page in pages:
        main = page.split("<main", 1)[1].split("</main>", 1)[0]
        for private in ["Olga", "olga@example.org", "KANARIE", "kanarie"]:
            assert private not in main
    assert all("form" in page for page in pages[:3])


def test_only_the_unsubscribe_view_is_exempt_from_csrf():
    """The documented exception of "CSRF enforced on every POST": the one-click unsubscribe of
    RFC 8058, which mail programs POST without cookies; its signed token protects it."""

    def callbacks(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from callbacks(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), pattern.callback

    exempt = {
        route.removeprefix("en/")
        for route, callback in callbacks(get_resolver().url_patterns)
        if getattr(callback, "csrf_exempt", False) and not route.startswith("admin/")
    }

    assert exempt == {"benachrichtigungen/abbestellen/<str:token>/"}


# --- The outbox for staff ---------------------------------------------------------------------


def _row(user, state, *, occurrence, error="", attempts=0) -> Notification:
    now = timezone.now()
    return Notification.objects.create(
        kind=Notification.Kind.CHECKIN_DUE,
        content_type=ContentType.objects.get_for_model(user),
        object_id=user.pk,
        recipient=f"user:{user.pk}",
        user=user,
        occurrence=occurrence,
        due_at=now - timedelta(hours=1),
        state=state,
        attempts=attempts,
        error=error,
    )


@pytest.fixture
def outbox(db):
    person = UserFactory()
    return {
        "pending": [_row(person, "pending", occurrence="p1")],
        "sent": [_row(person, "sent", occurrence=f"s{n}", attempts=1) for n in range(3)],
        "failed": [
            _row(
                person, "failed", occurrence="f1", error="SMTP 550: mailbox unavailable", attempts=1
            ),
            _row(person, "failed", occurrence="f2", error="TimeoutError: timed out", attempts=5),
        ],
    }


@pytest.fixture
def superuser(db):
    return UserFactory(is_staff=True, is_superuser=True)


ADMIN_LIST = "/admin/notifications/notification/"


def test_staff_see_the_counts_by_state(client, superuser, outbox):
    client.force_login(superuser)

    response = client.get(ADMIN_LIST)

    assert response.status_code == 200
    counts = {value: count for value, _label, count in response.context["state_counts"]}
    assert counts == {"pending": 1, "sent": 3, "failed": 2, "skipped": 0}
    page = response.content.decode()
    for value in counts:
        assert f'href="?state__exact={value}"' in page
    assert "<strong>2</strong>" in page
    # Failed rows show their error in the list.
    assert "SMTP 550: mailbox unavailable" in page
    assert "TimeoutError: timed out" in page

    failed_only = client.get(ADMIN_LIST + "?state__exact=failed")

    assert failed_only.status_code == 200
    assert failed_only.context["cl"].result_count == 2


def test_others_do_not_reach_the_outbox(client, user, outbox):
    assert client.get(ADMIN_LIST).status_code == 302
    client.force_login(user)
    assert client.get(ADMIN_LIST).status_code == 302
    client.force_login(ProgramCoordinatorFactory().user)
    assert client.get(ADMIN_LIST).status_code == 302


@pytest.mark.clock
def test_retry_action_makes_a_failed_row_pending(client, superuser, outbox):
    client.force_login(superuser)
    failed, other_failed = outbox["failed"]
    sent = outbox["sent"][0]

    response = client.post(
        ADMIN_LIST,
        {"action": "retry", "_selected_action": [failed.pk, sent.pk], "index": 0},
        follow=True,
    )

    assert response.status_code == 200
    failed.refresh_from_db()
    assert (failed.state, failed.attempts, failed.error) == ("pending", 0, "")
    assert failed.enqueued_at is None
    assert failed.next_attempt_at <= timezone.now()
    sent.refresh_from_db()
    other_failed.refresh_from_db()
    assert (sent.state, sent.attempts) == ("sent", 1)
    assert (other_failed.state, other_failed.attempts) == ("failed", 5)
    assert any("1" in str(message) for message in response.context["messages"])


# --- manage.py outbox -------------------------------------------------------------------------


@pytest.mark.clock
def test_outbox_command_prints_the_counts_and_failures(outbox):
    out = StringIO()

    call_command("outbox", stdout=out)

    text = out.getvalue()
    assert "By state: pending 1, sent 3, failed 2, skipped 0" in text
    assert "Total: 6" in text
    assert any(line.split() == ["checkin_due", "1", "3", "2", "0"] for line in text.splitlines()), (
        text
    )
    assert "SMTP 550: mailbox unavailable" in text
    assert "TimeoutError: timed out" in text
    assert Notification.objects.filter(state="failed").count() == 2


def test_outbox_command_retries_the_failed_rows(outbox):
    out = StringIO()

    call_command("outbox", "--retry-failed", stdout=out)

    text = out.getvalue()
    assert "2 failed notification(s) pending again." in text
    assert "By state: pending 3, sent 3, failed 0, skipped 0" in text
    assert set(
        Notification.objects.filter(pk__in=[row.pk for row in outbox["failed"]]).values_list(
            "state", "attempts"
        )
    ) == {("pending", 0)}


def test_outbox_command_on_an_empty_outbox(db):
    out = StringIO()

    call_command("outbox", stdout=out)

    assert "By state: pending 0, sent 0, failed 0, skipped 0" in out.getvalue()


# --- In the browser ---------------------------------------------------------------------------


@pytest.mark.clock
@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("language", ["", "/en"])
def test_settings_and_unsubscribe_pages_accessible_with_the_keyboard(page, live_server, language):
    coordinator = ProgramCoordinatorFactory().user
    page.login(live_server.url, coordinator)

    page.goto(f"{live_server.url}{language}{SETTINGS}")
    settings_violations = page.axe_violations()
    # The lead time is chosen and saved with the keyboard alone.
    page.focus("#id_meeting_lead_hours_1")
    page.keyboard.press("ArrowUp")
    assert page.is_checked("#id_meeting_lead_hours_0")
    page.focus("main form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector(".message-success")
    saved_violations = page.axe_violations()

    path = unsubscribe_path(f"user:{coordinator.pk}", "checkin_due")
    page.goto(f"{live_server.url}{language}{path}")
    ask_violations = page.axe_violations()
    page.click("main form button[type=submit]")
    page.wait_for_selector(".notice[role=status]")
    done_violations = page.axe_violations()

    assert (settings_violations, saved_violations, ask_violations, done_violations) == (
        [],
        [],
        [],
        [],
    )
    found = NotificationSettings.objects.get(user=coordinator)
    assert (found.meeting_lead_hours, found.checkin_reminders) == (2, False)
    assert page.outside_requests() == []
    assert page.csp_violations() == []

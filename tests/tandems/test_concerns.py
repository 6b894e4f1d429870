"""Concerns about safety: raised, mailed at once without the text, closed, confidential."""

import io
import re
import zipfile
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.utils import timezone

from audit.registry import REDACTED
from notifications.models import Notification
from privacy import retention
from tandems import services
from tandems.models import Concern
from tandems.services import support
from tests.factories import ProgramCoordinatorFactory, UserFactory, running_tandem

pytestmark = pytest.mark.django_db
CANARY = "KANARIE-SORGE-7f3a"
OUTCOME = "KANARIE-ERGEBNIS-7f3a"


@pytest.fixture
def world(program, coordinator):
    second = ProgramCoordinatorFactory(program=program).user
    tandem = running_tandem(program, by=coordinator)
    return {"program": program, "coordinators": [coordinator, second], "tandem": tandem}


def raise_url(tandem) -> str:
    return f"/mein-bereich/tandems/{tandem.pk}/sorge/"


def test_a_mentor_raises_a_concern_and_every_coordinator_is_mailed_at_once(
    client, world, django_capture_on_commit_callbacks
):
    tandem = world["tandem"]
    client.force_login(tandem.mentor)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(raise_url(tandem), {"text": CANARY})

    assert response.status_code == 302
    concern = Concern.objects.get()
    assert (concern.program, concern.tandem, concern.raised_by, concern.status) == (
        world["program"],
        tandem,
        tandem.mentor,
        "open",
    )
    rows = Notification.objects.filter(kind=Notification.Kind.CONCERN_RAISED)
    assert sorted(row.user_id for row in rows) == sorted(c.pk for c in world["coordinators"])
    assert {row.state for row in rows} == {Notification.State.SENT}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(c.email for c in world["coordinators"])
    message = mail.outbox[0]
    body = message.body + "".join(str(alt[0]) for alt in message.alternatives)
    assert CANARY not in message.subject + body
    assert world["program"].name in message.subject
    assert f"/koordination/sorgen/{concern.pk}/" in body


def test_a_double_click_raises_one_concern_and_mails_each_coordinator_once(
    client, world, django_capture_on_commit_callbacks
):
    tandem = world["tandem"]
    client.force_login(tandem.mentor)

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(raise_url(tandem), {"text": CANARY})
        second = client.post(raise_url(tandem), {"text": f"  {CANARY}\n"})

    assert (first.status_code, second.status_code) == (302, 302)
    assert Concern.objects.count() == 1
    rows = Notification.objects.filter(kind=Notification.Kind.CONCERN_RAISED)
    assert sorted(row.user_id for row in rows) == sorted(c.pk for c in world["coordinators"])
    assert len(mail.outbox) == len(world["coordinators"])


@pytest.mark.clock
def test_a_new_concern_after_the_first_one_is_raised_again(world, time_machine):
    """Another text, or the same one later or after the first was closed: a concern of its own."""
    tandem, mentor = world["tandem"], world["tandem"].mentor
    first = support.concern_raise(program=world["program"], tandem=tandem, by=mentor, text="A")
    other = support.concern_raise(program=world["program"], tandem=tandem, by=mentor, text="B")
    time_machine.move_to(timezone.now() + support.CONCERN_REPEAT_WINDOW + timedelta(seconds=1))
    later = support.concern_raise(program=world["program"], tandem=tandem, by=mentor, text="A")

    assert len({first.pk, other.pk, later.pk}) == 3


def test_the_mentor_later_sees_only_that_it_arrived(client, world):
    tandem = world["tandem"]
    support.concern_raise(program=world["program"], tandem=tandem, by=tandem.mentor, text=CANARY)
    client.force_login(tandem.mentor)

    html = client.get(f"/mein-bereich/tandems/{tandem.pk}/").content.decode()

    assert "ist eingegangen" in html
    assert CANARY not in html


@pytest.mark.parametrize("text", ["", "   \n  ", "\u200b"])
def test_a_concern_without_text_is_refused_in_german(client, world, text):
    tandem = world["tandem"]
    client.force_login(tandem.mentor)

    response = client.post(raise_url(tandem), {"text": text})

    assert response.status_code == 200
    errors = response.context["form"].errors["text"]
    if text.strip():
        assert len(errors) == 1  # an invisible text: the field's own German message
    else:
        assert errors == ["Bitte beschreiben Sie, was Ihnen Sorgen macht."]
    assert Concern.objects.count() == 0
    assert not Notification.objects.filter(kind=Notification.Kind.CONCERN_RAISED).exists()


def test_a_too_long_concern_is_refused(client, world):
    tandem = world["tandem"]
    client.force_login(tandem.mentor)

    response = client.post(raise_url(tandem), {"text": "x" * 4001})

    assert "höchstens 4000 Zeichen" in " ".join(response.context["form"].errors["text"])
    assert Concern.objects.count() == 0


def test_only_the_tandems_mentor_may_raise_from_their_area(client, world):
    client.force_login(UserFactory())

    assert client.get(raise_url(world["tandem"])).status_code == 404
    assert client.post(raise_url(world["tandem"]), {"text": CANARY}).status_code == 404
    assert Concern.objects.count() == 0


def test_the_meeting_log_and_the_area_link_the_concern_form(client, world):
    tandem = world["tandem"]
    client.force_login(tandem.mentor)

    for path in ("/mein-bereich/", f"/mein-bereich/tandems/{tandem.pk}/treffen/eintragen/"):
        assert raise_url(tandem) in client.get(path).content.decode(), path


def test_a_coordinator_raises_one_from_the_tandem_page(client, world):
    coordinator = world["coordinators"][0]
    client.force_login(coordinator)

    response = client.post(
        f"/koordination/tandems/{world['tandem'].pk}/sorge/", {"text": "Verletzung am Arm"}
    )

    concern = Concern.objects.get()
    assert response["Location"] == f"/koordination/sorgen/{concern.pk}/"
    assert concern.raised_by == coordinator


def test_the_tandem_page_links_its_open_concern_without_the_text(client, world):
    tandem = world["tandem"]
    concern = support.concern_raise(
        program=world["program"], tandem=tandem, by=tandem.mentor, text=CANARY
    )
    client.force_login(world["coordinators"][0])

    html = client.get(f"/koordination/tandems/{tandem.pk}/").content.decode()
    support.concern_close(concern=concern, by=world["coordinators"][0], outcome=OUTCOME)
    closed = client.get(f"/koordination/tandems/{tandem.pk}/").content.decode()

    assert f'href="/koordination/sorgen/{concern.pk}/"' in html
    assert f"Offene Sorge Nr. {concern.pk} vom" in html
    assert CANARY not in html
    assert f'href="/koordination/sorgen/{concern.pk}/"' not in closed


def test_the_concern_stays_on_the_dashboard_until_closed_with_an_outcome(client, world):
    tandem = world["tandem"]
    concern = support.concern_raise(
        program=world["program"], tandem=tandem, by=tandem.mentor, text=CANARY
    )
    coordinator = world["coordinators"][1]
    client.force_login(coordinator)
    link = f"/koordination/sorgen/{concern.pk}/"
    dashboard = client.get("/koordination/").content.decode()
    assert link in dashboard
    assert CANARY not in dashboard  # the dashboard names it, the page shows it

    refused = client.post(link, {"outcome": "  "})
    assert refused.status_code == 200
    assert "Bitte halten Sie fest, was unternommen wurde" in refused.content.decode()
    concern.refresh_from_db()
    assert concern.is_open

    client.post(link, {"outcome": OUTCOME})

    concern.refresh_from_db()
    assert (concern.status, concern.outcome, concern.closed_by) == ("closed", OUTCOME, coordinator)
    assert link not in client.get("/koordination/").content.decode()
    page = client.get(link).content.decode()
    assert CANARY in page and OUTCOME in page
    again = client.post(link, {"outcome": "noch einmal"}, follow=True)
    assert "bereits abgeschlossen" in again.content.decode()


@pytest.mark.parametrize("who", ["other_coordinator", "staff", "mentor", "volunteer"])
def test_nobody_but_the_programs_coordinators_sees_a_concern(client, world, who):
    tandem = world["tandem"]
    concern = support.concern_raise(
        program=world["program"], tandem=tandem, by=tandem.mentor, text=CANARY
    )
    user = {
        "other_coordinator": lambda: ProgramCoordinatorFactory().user,
        "staff": lambda: UserFactory(is_staff=True, is_superuser=True),
        "mentor": lambda: tandem.mentor,
        "volunteer": UserFactory,
    }[who]()
    client.force_login(user)

    assert client.get(f"/koordination/sorgen/{concern.pk}/").status_code == 404
    assert client.post(f"/koordination/sorgen/{concern.pk}/", {"outcome": "x"}).status_code == 404
    concern.refresh_from_db()
    assert concern.is_open


def test_the_audit_trail_records_views_and_changes_without_the_text(client, world):
    tandem = world["tandem"]
    concern = support.concern_raise(
        program=world["program"], tandem=tandem, by=tandem.mentor, text=CANARY
    )
    support.concern_close(concern=concern, by=world["coordinators"][0], outcome=OUTCOME)
    client.force_login(world["coordinators"][0])
    client.get(f"/koordination/sorgen/{concern.pk}/")

    entries = LogEntry.objects.get_for_object(concern)
    actions = sorted(entry.action for entry in entries)
    assert LogEntry.Action.CREATE in actions and LogEntry.Action.UPDATE in actions
    assert LogEntry.Action.ACCESS in actions
    stored = " ".join(f"{e.object_repr} {e.changes} {e.additional_data}" for e in entries)
    assert CANARY not in stored and OUTCOME not in stored
    assert REDACTED in stored


def test_the_self_service_export_leaves_concerns_out(client, world):
    tandem = world["tandem"]
    support.concern_raise(program=world["program"], tandem=tandem, by=tandem.mentor, text=CANARY)
    client.force_login(tandem.mentor)

    page = client.get("/mein-bereich/meine-daten/").content.decode()
    response = client.get("/mein-bereich/meine-daten/export.zip")

    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        exported = "\n".join(archive.read(name).decode() for name in archive.namelist())
    assert CANARY not in page and CANARY not in exported
    names = " ".join(zipfile.ZipFile(io.BytesIO(response.content)).namelist())
    assert not re.search(r"sorgen", names)


@pytest.mark.clock
def test_retention_deletes_closed_concerns_after_their_period_never_open_ones(world):
    tandem = world["tandem"]
    by = world["coordinators"][0]
    settings = services.program_tandem_settings(program=world["program"])
    settings.retention_concerns_months = 12
    services.program_tandem_settings_update(settings=settings)
    old = support.concern_raise(program=world["program"], tandem=tandem, by=by, text="alt")
    support.concern_close(concern=old, by=by, outcome="erledigt")
    Concern.objects.filter(pk=old.pk).update(closed_at=timezone.now() - timedelta(days=400))
    recent = support.concern_raise(program=world["program"], tandem=tandem, by=by, text="neu")
    support.concern_close(concern=recent, by=by, outcome="erledigt")
    still_open = support.concern_raise(program=world["program"], tandem=tandem, by=by, text="offen")
    Concern.objects.filter(pk=still_open.pk).update(raised_at=timezone.now() - timedelta(days=4000))

    assert retention.plan().concerns == [old.pk]
    run = retention.run()

    assert run.counts["concerns"] == 1
    assert set(Concern.objects.values_list("pk", flat=True)) == {recent.pk, still_open.pk}


def test_deleting_the_mentors_account_keeps_the_concern(world):
    from privacy.services import volunteer_erase

    tandem = world["tandem"]
    concern = support.concern_raise(
        program=world["program"], tandem=tandem, by=tandem.mentor, text=CANARY
    )

    volunteer_erase(user=tandem.mentor)

    concern.refresh_from_db()
    assert (concern.text, concern.raised_by) == (CANARY, None)


def test_the_mail_is_queued_on_commit_on_the_urgent_queue_ahead_of_the_mail_queue(
    world, monkeypatch, settings, django_capture_on_commit_callbacks
):
    from mentoring.celery import app
    from notifications.tasks import send

    app.conf.task_always_eager = False  # put back by conftest's _eager_tasks
    queued = []
    monkeypatch.setattr(
        send, "apply_async", lambda args, **options: queued.append((args, options.get("queue")))
    )
    tandem = world["tandem"]

    with django_capture_on_commit_callbacks(execute=True):
        concern = support.concern_raise(
            program=world["program"], tandem=tandem, by=tandem.mentor, text=CANARY
        )

    rows = Notification.objects.filter(kind=Notification.Kind.CONCERN_RAISED, object_id=concern.pk)
    assert sorted(queued) == sorted((([row.pk],), "celery") for row in rows)
    assert settings.CELERY_TASK_ROUTES["notifications.send"]["queue"] == "mail"
    assert len(queued) == 2

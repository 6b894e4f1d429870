"""Being told (a new application, a tandem's steps) and a coordinator's message to volunteers:
outbox rows exactly once, re-checked when sent, the recipients and the pages."""

import re
from datetime import datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from notifications import services as outbox
from notifications.models import Notification, NotificationSettings
from notifications.sending import deliver
from tandems import selectors
from tandems.models import ProgramMessage, ProgramMessageRecipient
from tandems.services import lifecycle
from tandems.services import messages as message_services
from tests.factories import ProgramCoordinatorFactory, ProgramFactory, UserFactory, running_tandem
from tests.factories.tandems import applicant, make_ready, new_mentee, profile_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
Kind = Notification.Kind
State = Notification.State
BERLIN = timezone.get_default_timezone()


def rows(kind):
    return Notification.objects.filter(kind=kind).order_by("pk")


def mails_of(kind):
    found = []
    for message in mail.outbox:
        number = re.fullmatch(r"<notification-(\d+)@[^>]+>", message.extra_headers["Message-ID"])
        if Notification.objects.get(pk=int(number.group(1))).kind == kind:
            found.append(message)
    return found


def send_pending(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        outbox.scan()


# --- Being told: a new application --------------------------------------------------------------


def test_a_new_application_mails_each_coordinator_once(django_capture_on_commit_callbacks):
    program = ProgramFactory(name="Lesepaten Leipzig")
    first = ProgramCoordinatorFactory(program=program).user
    second = ProgramCoordinatorFactory(program=program).user
    ProgramCoordinatorFactory()  # another program's coordinator hears nothing

    with django_capture_on_commit_callbacks(execute=True):
        application = applicant(program, name="Clara Beispiel")
    send_pending(django_capture_on_commit_callbacks)

    assert sorted(row.user_id for row in rows(Kind.APPLICATION_NEW)) == sorted(
        [first.pk, second.pk]
    )
    sent = mails_of(Kind.APPLICATION_NEW)
    assert sorted(message.to[0] for message in sent) == sorted([first.email, second.email])
    assert sent[0].subject == "Neue Bewerbung bei „Lesepaten Leipzig“"
    assert "Clara Beispiel hat sich bei „Lesepaten Leipzig“ beworben." in sent[0].body
    assert f"/koordination/bewerbungen/{application.pk}/" in sent[0].body


def test_a_coordinator_who_chose_the_digest_gets_no_mail_per_application(
    django_capture_on_commit_callbacks,
):
    program = ProgramFactory()
    coordinator = ProgramCoordinatorFactory(program=program).user
    NotificationSettings.objects.create(user=coordinator, application_mail="digest")

    with django_capture_on_commit_callbacks(execute=True):
        applicant(program)

    (row,) = rows(Kind.APPLICATION_NEW)
    assert row.state == State.SKIPPED
    assert mails_of(Kind.APPLICATION_NEW) == []


def test_an_application_withdrawn_before_sending_is_skipped():
    from tandems import services

    program = ProgramFactory()
    ProgramCoordinatorFactory(program=program)
    application = applicant(program)
    services.application_withdraw(application=application, by=application.volunteer)

    deliver(rows(Kind.APPLICATION_NEW).get().pk)

    (row,) = rows(Kind.APPLICATION_NEW)
    assert (row.state, row.error) == (State.SKIPPED, "Die Bewerbung ist nicht mehr offen.")


@pytest.mark.clock
def test_the_weekly_digest_lists_the_new_applications_for_digest_readers(
    django_capture_on_commit_callbacks,
):
    program = ProgramFactory(name="Lernpaten Halle")
    reader = ProgramCoordinatorFactory(program=program).user
    NotificationSettings.objects.create(user=reader, application_mail="digest")
    with time_machine.travel(datetime(2027, 3, 3, 10, 0, tzinfo=BERLIN), tick=False):
        applicant(program, name="Wochen Bewerberin")
    with time_machine.travel(datetime(2027, 2, 20, 10, 0, tzinfo=BERLIN), tick=False):
        applicant(program, name="Alte Bewerberin")
    Notification.objects.filter(kind=Kind.APPLICATION_STATUS).delete()
    monday = datetime(2027, 3, 8, 7, 0, tzinfo=BERLIN)

    with time_machine.travel(monday, tick=False):
        send_pending(django_capture_on_commit_callbacks)

    (digest,) = mails_of(Kind.COORDINATOR_DIGEST)
    assert "Neue Bewerbungen dieser Woche:" in digest.body
    assert "Wochen Bewerberin" in digest.body
    assert "Alte Bewerberin" not in digest.body


# --- Being told: the tandem's steps ----------------------------------------------------------


def test_the_mentor_hears_of_proposal_start_and_end_once_each(django_capture_on_commit_callbacks):
    from tandems import services

    program = ProgramFactory(name="Mentoring Nord")
    coordinator = ProgramCoordinatorFactory(program=program).user
    mentor = make_ready(applicant(program)).volunteer
    mentee = new_mentee(program, first_name="Yusuf", guardian_name="Familie Geheim")
    with django_capture_on_commit_callbacks(execute=True):
        tandem = services.tandem_propose(mentee=mentee, volunteer=mentor, by=coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.tandem_start(tandem=tandem, by=coordinator, started_on=timezone.localdate())
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.tandem_end(
            tandem=tandem, by=coordinator, ended_on=timezone.localdate(), reason="completed"
        )
    send_pending(django_capture_on_commit_callbacks)

    subjects = [
        message.subject
        for kind in (Kind.TANDEM_PROPOSED, Kind.TANDEM_STARTED, Kind.TANDEM_ENDED)
        for message in mails_of(kind)
    ]
    assert subjects == [
        "Sie wurden für ein Tandem bei „Mentoring Nord“ vorgeschlagen",
        "Ihr Tandem bei „Mentoring Nord“ hat begonnen",
        "Ihr Tandem bei „Mentoring Nord“ ist beendet",
    ]
    for kind in (Kind.TANDEM_PROPOSED, Kind.TANDEM_STARTED, Kind.TANDEM_ENDED):
        (message,) = mails_of(kind)
        assert message.to == [mentor.email]
        assert "Yusuf" in message.body
        # Only the first name of the mentee: nothing of the guardian, the address, the age.
        assert "Familie Geheim" not in message.body
        assert mentee.postcode not in message.body


def test_a_proposal_mail_is_skipped_once_the_tandem_is_no_longer_proposed():
    from tandems import services

    program = ProgramFactory()
    mentor = make_ready(applicant(program)).volunteer
    tandem = services.tandem_propose(mentee=new_mentee(program), volunteer=mentor, by=UserFactory())
    lifecycle.tandem_end(
        tandem=tandem, by=None, ended_on=timezone.localdate(), reason="not_started"
    )

    for row in Notification.objects.filter(kind__in=[Kind.TANDEM_PROPOSED, Kind.TANDEM_ENDED]):
        deliver(row.pk)

    (proposed,) = rows(Kind.TANDEM_PROPOSED)
    (ended,) = rows(Kind.TANDEM_ENDED)
    assert (proposed.state, proposed.error) == (
        State.SKIPPED,
        "Das Tandem ist nicht mehr vorgeschlagen.",
    )
    assert ended.state == State.SENT


# --- Messages to volunteers: the groups ----------------------------------------------------------


@pytest.fixture
def program_people(db):
    """A program with two running tandems, a proposed one, an applicant in the first stage, a
    withdrawn and a rejected applicant, and another program's mentor."""
    from tandems import services

    program = ProgramFactory(name="Lesepaten Ost")
    coordinator = ProgramCoordinatorFactory(program=program).user
    first = running_tandem(program, mentee_name="Ali")
    second = running_tandem(program, mentee_name="Bea")
    proposed_mentor = make_ready(applicant(program)).volunteer
    proposed = services.tandem_propose(
        mentee=new_mentee(program, first_name="Cem"), volunteer=proposed_mentor, by=coordinator
    )
    waiting = applicant(program, name="Wartende Person")
    withdrawn = applicant(program)
    services.application_withdraw(application=withdrawn, by=withdrawn.volunteer)
    rejected = applicant(program)
    services.application_reject(application=rejected, reason="passt nicht", by=coordinator)
    running_tandem(ProgramFactory())
    return {
        "program": program,
        "coordinator": coordinator,
        "mentors": [first.mentor, second.mentor],
        "tandems": [first, second, proposed],
        "waiting": waiting,
        "withdrawn": withdrawn,
        "rejected": rejected,
    }


def recipients(program, **chosen):
    return set(selectors.message_recipients(program=program, **chosen))


def test_all_active_mentors_are_the_mentors_of_running_tandems(program_people):
    program = program_people["program"]

    assert recipients(program, audience="mentors") == set(program_people["mentors"])


def test_applicants_in_a_stage_leave_out_withdrawn_and_rejected(program_people):
    program = program_people["program"]
    first_stage = program.pipeline_stages.order_by("position").first()

    found = recipients(program, audience="stage", stage=first_stage)

    assert found == {program_people["waiting"].volunteer}


def test_a_stage_of_another_program_reaches_nobody(program_people):
    other_stage = applicant(ProgramFactory()).stage

    assert recipients(program_people["program"], audience="stage", stage=other_stage) == set()


def test_mentors_whose_checkin_is_due_as_on_the_dashboard(program_people):
    program = program_people["program"]
    first, second, _proposed = program_people["tandems"]
    second.checkins.filter(occasion="start").update(
        due_on=timezone.localdate() + timedelta(days=200)
    )
    first.checkins.filter(occasion="start").update(due_on=timezone.localdate())

    assert recipients(program, audience="checkin_due") == {first.mentor}


def test_one_tandems_mentor_and_a_withdrawn_privacy_consent(program_people):
    from tandems.models import ConsentRecord

    program = program_people["program"]
    first = program_people["tandems"][0]
    assert recipients(program, audience="tandem", tandem=first) == {first.mentor}

    ConsentRecord.objects.filter(user=first.mentor, program=program).update(
        withdrawn_at=timezone.now()
    )

    assert recipients(program, audience="tandem", tandem=first) == set()


def test_a_consent_given_anew_after_a_withdrawal_counts_again(program_people):
    from tandems.models import ConsentRecord

    program = program_people["program"]
    first = program_people["tandems"][0]
    ConsentRecord.objects.filter(user=first.mentor, program=program).update(
        withdrawn_at=timezone.now()
    )
    ConsentRecord.objects.create(
        scope=ConsentRecord.Scope.PRIVACY_NOTICE,
        program=program,
        user=first.mentor,
        text_version="2026-12",
    )

    assert recipients(program, audience="tandem", tandem=first) == {first.mentor}


# --- Messages to volunteers: sending -------------------------------------------------------------


def send(program, by, **fields):
    values = {
        "program": program,
        "sender": by,
        "subject": "Sommerfest",
        "body": "Liebe Mentor:innen,\nwir feiern am Freitag.",
        "audience": "mentors",
        "description": "Alle aktiven Mentor:innen",
        "recipients": list(selectors.message_recipients(program=program, audience="mentors")),
    }
    values.update(fields)
    return message_services.program_message_send(**values)


def test_a_message_is_kept_and_mailed_once_to_each_recipient(
    program_people, django_capture_on_commit_callbacks
):
    program, coordinator = program_people["program"], program_people["coordinator"]
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        message, new = send(program, coordinator)
    send_pending(django_capture_on_commit_callbacks)

    assert new is True
    assert set(message.recipients.values_list("user", flat=True)) == {
        mentor.pk for mentor in program_people["mentors"]
    }
    sent = mails_of(Kind.PROGRAM_MESSAGE)
    assert sorted(m.to[0] for m in sent) == sorted(u.email for u in program_people["mentors"])
    assert sent[0].subject == "Lesepaten Ost: Sommerfest"
    assert "wir feiern am Freitag." in sent[0].body
    # Not essential: the one-click unsubscribe link, in the body and the header.
    assert "List-Unsubscribe" in sent[0].extra_headers
    assert "Keine weiteren E-Mails dieser Art:" in sent[0].body


def test_the_same_form_sent_twice_writes_nothing_more(program_people):
    program, coordinator = program_people["program"], program_people["coordinator"]
    key = ProgramMessage().submission_key

    first, made = send(program, coordinator, submission_key=key)
    second, again = send(program, coordinator, submission_key=key)

    assert (made, again, first.pk) == (True, False, second.pk)
    assert ProgramMessage.objects.count() == 1
    assert rows(Kind.PROGRAM_MESSAGE).count() == 2


def test_a_switched_off_mentor_gets_only_essential_messages(
    program_people, django_capture_on_commit_callbacks
):
    program, coordinator = program_people["program"], program_people["coordinator"]
    quiet, other = program_people["mentors"]
    NotificationSettings.objects.create(user=quiet, program_messages=False)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        send(program, coordinator, subject="Einladung")
        send(program, coordinator, subject="Zum Tandem", essential=True)
    send_pending(django_capture_on_commit_callbacks)

    got = sorted((m.to[0], m.subject) for m in mails_of(Kind.PROGRAM_MESSAGE))
    assert got == sorted(
        [
            (other.email, "Lesepaten Ost: Einladung"),
            (other.email, "Lesepaten Ost: Zum Tandem"),
            (quiet.email, "Lesepaten Ost: Zum Tandem"),
        ]
    )
    essential = [m for m in mails_of(Kind.PROGRAM_MESSAGE) if m.subject.endswith("Zum Tandem")]
    assert all("List-Unsubscribe" not in m.extra_headers for m in essential)


def test_an_empty_group_writes_nothing(program_people):
    with pytest.raises(Exception, match="Nobody belongs to the chosen group"):
        send(program_people["program"], program_people["coordinator"], recipients=[])

    assert ProgramMessage.objects.count() == 0
    assert rows(Kind.PROGRAM_MESSAGE).count() == 0


@pytest.mark.clock
def test_messages_are_limited_per_program_and_hour(program_people, settings):
    settings.PROGRAM_MESSAGES_PER_HOUR = 2
    program, coordinator = program_people["program"], program_people["coordinator"]
    send(program, coordinator)
    send(program, coordinator)

    with pytest.raises(Exception, match="already sent 2 messages within the last hour"):
        send(program, coordinator)

    assert ProgramMessage.objects.count() == 2
    later = timezone.now() + timedelta(hours=1, minutes=1)
    with time_machine.travel(later, tick=False):
        send(program, coordinator)
    assert ProgramMessage.objects.count() == 3


# --- Messages to volunteers: the pages ----------------------------------------------------------


def form_data(**fields):
    values = {"audience": "mentors", "subject": "Sommerfest", "body": "Wir feiern."}
    values.update(fields)
    return values


def test_preview_names_the_recipients_and_sends_nothing(client, program_people):
    program = program_people["program"]
    client.force_login(program_people["coordinator"])
    url = reverse("tandems:coordination_message", args=[program.slug])

    response = client.post(url, form_data())

    html = response.content.decode()
    assert response.status_code == 200
    assert "the message goes to 2 people." in html
    for mentor in program_people["mentors"]:
        assert mentor.volunteer_profile.name in html
    assert ProgramMessage.objects.count() == 0


def test_a_double_post_of_the_preview_form_sends_once(
    client, program_people, django_capture_on_commit_callbacks
):
    program = program_people["program"]
    client.force_login(program_people["coordinator"])
    url = reverse("tandems:coordination_message", args=[program.slug])
    key = "5b0c7a8e-1111-4222-8333-944455556666"

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, form_data(key=key, send="1"))
        second = client.post(url, form_data(key=key, send="1"), follow=True)

    message = ProgramMessage.objects.get()
    assert first.status_code == 302
    assert first["Location"] == message.get_absolute_url()
    assert "This message was already sent; it was not sent a second time." in (
        second.content.decode()
    )
    assert rows(Kind.PROGRAM_MESSAGE).count() == 2
    assert ProgramMessageRecipient.objects.count() == 2


def test_a_message_to_an_empty_group_says_so(client):
    program = ProgramFactory()
    client.force_login(ProgramCoordinatorFactory(program=program).user)
    url = reverse("tandems:coordination_message", args=[program.slug])

    response = client.post(url, form_data(send="1"))

    assert response.status_code == 200
    assert "Nobody belongs to the chosen group at the moment. Nothing was sent." in (
        response.content.decode()
    )
    assert ProgramMessage.objects.count() == 0


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"subject": ""}, "This field is required."),
        ({"subject": "x" * 2000}, "Ensure this value has at most 150 characters"),
        ({"body": "x" * 5001}, "Ensure this value has at most 5000 characters"),
        ({"audience": "stage"}, "Please choose the stage whose applicants get the message."),
        ({"audience": "tandem"}, "Please choose the tandem whose mentor gets the message."),
        ({"audience": "everyone"}, "Select a valid choice."),
        ({"audience": "stage", "essential": "on"}, "it cannot be essential"),
    ],
)
def test_bad_message_input_is_refused(client, program_people, fields, error):
    program = program_people["program"]
    client.force_login(program_people["coordinator"])
    url = reverse("tandems:coordination_message", args=[program.slug])

    response = client.post(url, form_data(send="1", **fields))

    assert response.status_code == 200
    assert error in response.content.decode()
    assert ProgramMessage.objects.count() == 0


def test_another_programs_tandem_is_not_a_choice(client, program_people):
    program = program_people["program"]
    foreign = running_tandem(ProgramFactory())
    client.force_login(program_people["coordinator"])
    url = reverse("tandems:coordination_message", args=[program.slug])

    response = client.post(url, form_data(audience="tandem", tandem=foreign.pk, send="1"))

    assert "Select a valid choice." in response.content.decode()
    assert ProgramMessage.objects.count() == 0


def test_the_detail_lists_recipients_with_the_state_of_each_mail(client, program_people):
    program, coordinator = program_people["program"], program_people["coordinator"]
    message, _new = send(program, coordinator)
    for row in rows(Kind.PROGRAM_MESSAGE):
        deliver(row.pk)
    client.force_login(coordinator)

    response = client.get(message.get_absolute_url())

    html = response.content.decode()
    assert "No: people who switched off messages from their programs do not get it" in html
    assert html.count('<th scope="row">') == 2
    assert html.count(">sent<") == 2
    other = ProgramCoordinatorFactory().user
    client.force_login(other)
    assert client.get(message.get_absolute_url()).status_code == 404


def test_the_group_is_named_in_the_readers_language(client, program_people):
    program, coordinator = program_people["program"], program_people["coordinator"]
    send(program, coordinator, description="Alle aktiven Mentor:innen")
    client.force_login(coordinator)
    path = f"/koordination/programme/{program.slug}/nachrichten/"

    english = client.get(f"/en{path}").content.decode()
    german = client.get(path, HTTP_ACCEPT_LANGUAGE="de").content.decode()

    assert "All active mentors" in english
    assert "Alle aktiven Mentor:innen" not in english
    assert "Alle aktiven Mentor:innen" in german


def _messages(program, count):
    mentor = UserFactory()
    profile_for(mentor)
    made = ProgramMessage.objects.bulk_create(
        ProgramMessage(
            program=program,
            subject=f"Nachricht {n}",
            body="Text",
            audience="mentors",
            audience_description="Alle",
        )
        for n in range(count)
    )
    ProgramMessageRecipient.objects.bulk_create(
        ProgramMessageRecipient(message=message, user=mentor) for message in made
    )


def test_the_message_list_costs_the_same_queries_for_one_and_many(client):
    program = ProgramFactory()
    coordinator = ProgramCoordinatorFactory(program=program).user
    client.force_login(coordinator)
    url = reverse("tandems:coordination_messages", args=[program.slug])
    _messages(program, 1)
    client.get(url)

    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    _messages(program, 499)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    assert len(many) == len(one)
    assert "Nachricht 498" in response.content.decode()


def test_the_settings_page_offers_the_new_switches(client):
    program = ProgramFactory()
    coordinator = ProgramCoordinatorFactory(program=program).user
    volunteer = UserFactory()
    client.force_login(coordinator)

    response = client.post(
        reverse("notifications:settings"),
        {
            "meeting_lead_hours": 24,
            "checkin_reminders": "on",
            "coordinator_digest": "on",
            "application_mail": "digest",
            "language": "de",
        },
    )

    assert response.status_code == 302
    chosen = NotificationSettings.objects.get(user=coordinator)
    assert (chosen.application_mail, chosen.program_messages) == ("digest", False)
    client.force_login(volunteer)
    html = client.get(reverse("notifications:settings")).content.decode()
    assert "Messages from the coordinators of my programs" in html
    assert "New applications to my programs" not in html


# --- Privacy: the recipient's export, erasure -----------------------------------------------------


def test_the_recipients_export_holds_the_messages_they_got(program_people):
    import io
    import zipfile

    from privacy.export import user_export

    program, coordinator = program_people["program"], program_people["coordinator"]
    first, second = program_people["mentors"]
    send(program, coordinator, subject="Nur für Mentor:innen", recipients=[first])

    def exported(user) -> str:
        with zipfile.ZipFile(io.BytesIO(user_export(user=user))) as archive:
            return "\n".join(archive.read(name).decode() for name in archive.namelist())

    assert "Nur für Mentor:innen" in exported(first)
    assert "Nur für Mentor:innen" not in exported(second)


def test_erasing_a_recipient_removes_them_from_the_kept_copy(program_people):
    from privacy.services import volunteer_erase

    program, coordinator = program_people["program"], program_people["coordinator"]
    first, second = program_people["mentors"]
    message, _new = send(program, coordinator)

    volunteer_erase(user=first)

    assert list(message.recipients.values_list("user", flat=True)) == [second.pk]
    assert ProgramMessage.objects.filter(pk=message.pk).exists()

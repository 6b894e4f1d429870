"""Moderation that answers: coordinators propose new programs; every decision of the network
(published, sent back with a reason) on a program, a listing change, an event or a news item is
mailed to whoever submitted it and shown on their /koordination/ until they act."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import Event
from news import services as news_services
from news.models import NewsItem
from programs import services
from programs.models import ModerationNotice, Organization, Program, ProgramChange
from tests.factories import (
    EventFactory,
    OrganizationFactory,
    ProgramCoordinatorFactory,
    ProgramFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PROPOSE = "/koordination/programme/neu/"
BOX = "Rückmeldungen der Netzwerkstelle"


def proposal(**changes) -> dict:
    data = {
        "organization": "",
        "new_organization": "",
        "name": "Lernpaten Halle",
        "summary": "Ehrenamtliche helfen bei den Hausaufgaben.",
        "description": "",
        "how_to_join": "",
        "age_min": "",
        "age_max": "",
        "languages": "Deutsch",
        "street": "",
        "postcode": "04109",
        "city": "Leipzig",
        "state": "",
        "reach": "local",
        "radius_km": "",
        "contact_name": "",
        "contact_role": "",
        "contact_email": "",
        "contact_phone": "",
        "website": "",
        "availability": "open",
    }
    return {**data, **changes}


@pytest.fixture
def membership():
    return ProgramCoordinatorFactory(
        user=UserFactory(name="Kim Koordination", email="kim@example.org"),
        program__organization__name="Lesewelt Leipzig e. V.",
    )


@pytest.fixture
def staff():
    return UserFactory(name="Nora Netzwerk", is_staff=True)


def _propose(membership, **changes) -> Program:
    values = {
        "name": "Lernpaten Halle",
        "summary": "Hausaufgabenhilfe.",
        "postcode": "04109",
        "city": "Leipzig",
        "reach": "local",
        "availability": "open",
        **changes,
    }
    return services.program_propose(
        user=membership.user, values=values, organization=membership.program.organization
    )


# --- Proposing a new program ------------------------------------------------------------------


def test_a_coordinator_proposes_a_program_that_waits_unseen_for_review(client, membership):
    client.force_login(membership.user)
    organization = membership.program.organization

    response = client.post(PROPOSE, proposal(organization=organization.pk))

    program = Program.objects.get(name="Lernpaten Halle")
    assert response.status_code == 302
    assert response["Location"] == f"/koordination/programme/{program.slug}/"
    assert (program.status, program.organization, program.submitted_by) == (
        Program.Status.REVIEW,
        organization,
        membership.user,
    )
    assert list(program.coordinators.all()) == [membership.user]
    assert (program.state, program.has_location) == ("SN", True)
    assert client.get(f"/koordination/programme/{program.slug}/").status_code == 200
    client.logout()
    assert client.get(f"/programme/{program.slug}/").status_code == 404
    assert "Lernpaten Halle" not in client.get("/programme/").content.decode()
    assert "Lernpaten Halle" not in client.get("/karte/").content.decode()
    assert "Lernpaten Halle" not in client.get("/programme/export.csv").getvalue().decode()
    names = [
        feature["properties"]["name"]
        for feature in json.loads(client.get("/karte/programme.geojson").content)["features"]
    ]
    assert "Lernpaten Halle" not in names


def test_the_page_offers_only_the_organisations_of_ones_own_programs(client, membership):
    other = ProgramFactory(organization__name="Fremder Träger gGmbH")
    client.force_login(membership.user)

    html = client.get(PROPOSE).content.decode()

    assert "Lesewelt Leipzig e. V." in html
    assert other.organization.name not in html


def test_another_programs_organisation_is_refused_and_nothing_written(client, membership):
    other = ProgramFactory(organization__name="Fremder Träger gGmbH")
    client.force_login(membership.user)
    before = Program.objects.count()

    response = client.post(PROPOSE, proposal(organization=other.organization.pk))

    assert response.status_code == 200
    assert response.context["form"].errors["organization"] == [
        "Bitte eine gültige Auswahl treffen. Dies ist keine gültige Auswahl."
    ]
    assert Program.objects.count() == before


NO_ORGANISATION = "Bitte wählen Sie einen Träger oder geben Sie den Namen eines neuen an."
BOTH = "Bitte wählen Sie entweder einen Träger oder geben Sie einen neuen Namen an, nicht beides."
NEW = {"new_organization": "Neu e. V."}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({}, "new_organization", NO_ORGANISATION),
        ({**NEW, "organization": "{own}"}, "new_organization", BOTH),
        ({**NEW, "name": ""}, "name", "Dieses Feld ist zwingend erforderlich."),
        ({**NEW, "postcode": "1234"}, "postcode", "Eine deutsche Postleitzahl hat fünf Ziffern."),
    ],
)
def test_bad_input_is_refused_in_german_and_nothing_written(
    client, membership, changes, field, message
):
    client.force_login(membership.user)
    own = str(membership.program.organization.pk)
    data = proposal(**{key: value.format(own=own) for key, value in changes.items()})
    counts = (Program.objects.count(), Organization.objects.count())

    response = client.post(PROPOSE, data)

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert (Program.objects.count(), Organization.objects.count()) == counts


def test_a_new_organisation_name_is_matched_as_the_import_matches_traeger(client, membership):
    existing = OrganizationFactory(name="Balu und Du e.V.")
    client.force_login(membership.user)

    client.post(PROPOSE, proposal(new_organization="  balu und du  e. V. "))
    client.post(PROPOSE, proposal(name="Lesefüchse", new_organization="Neue Wege gGmbH"))

    assert Program.objects.get(name="Lernpaten Halle").organization == existing
    created = Program.objects.get(name="Lesefüchse").organization
    assert (created.name, created.slug) == ("Neue Wege gGmbH", "neue-wege-ggmbh")


def test_a_program_called_neu_does_not_take_the_proposal_page(membership):
    program = _propose(membership, name="Neu")

    assert program.slug == "programm-neu"


@pytest.mark.parametrize("is_staff", [False, True])
def test_volunteers_and_network_staff_cannot_propose(client, is_staff):
    client.force_login(UserFactory(is_staff=is_staff))

    assert client.post(PROPOSE, proposal(new_organization="X e. V.")).status_code == 403
    assert not Program.objects.filter(name="Lernpaten Halle").exists()
    assert "/koordination/programme/neu/" not in client.get("/koordination/").content.decode()


# --- Programs: sent back, fixed, published --------------------------------------------------


def test_send_back_is_mailed_and_shown_until_the_program_is_submitted_again(
    client, membership, staff, mailoutbox, django_capture_on_commit_callbacks
):
    program = _propose(membership)
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/netzwerk/pruefung/programme/{program.slug}/zurueckgeben/",
            {"reason": "Bitte eine Kontaktperson angeben."},
        )

    (mail,) = mailoutbox
    assert mail.to == ["kim@example.org"]
    assert mail.subject == "Mit einer Bitte zurückgegeben: „Lernpaten Halle“"
    assert "(„Lernpaten Halle“, Programm) geprüft und an Sie zurückgegeben" in mail.body
    assert "Bitte eine Kontaktperson angeben." in mail.body
    assert f"/koordination/programme/{program.slug}/" in mail.body
    client.force_login(membership.user)
    html = client.get("/koordination/").content.decode()
    assert BOX in html
    assert "Bitte eine Kontaktperson angeben." in html
    assert f'href="/koordination/programme/{program.slug}/"' in html

    client.post(f"/koordination/programme/{program.slug}/einreichen/")

    assert BOX not in client.get("/koordination/").content.decode()
    program.refresh_from_db()
    assert program.status == Program.Status.REVIEW


def test_publishing_is_mailed_and_shown_until_acknowledged(
    client, membership, staff, mailoutbox, django_capture_on_commit_callbacks
):
    program = _propose(membership)
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/netzwerk/pruefung/programme/{program.slug}/veroeffentlichen/")

    (mail,) = mailoutbox
    assert mail.subject == "Veröffentlicht: „Lernpaten Halle“"
    assert f"/programme/{program.slug}/" in mail.body
    notice = ModerationNotice.objects.get()
    client.force_login(UserFactory())
    assert client.post(f"/koordination/rueckmeldungen/{notice.pk}/gelesen/").status_code == 404
    client.force_login(membership.user)
    assert "„Lernpaten Halle“ online ansehen" in client.get("/koordination/").content.decode()

    client.post(f"/koordination/rueckmeldungen/{notice.pk}/gelesen/")

    assert BOX not in client.get("/koordination/").content.decode()


def test_a_sent_back_notice_cannot_be_waved_away(membership, staff):
    program = _propose(membership)
    services.program_send_back(program=program, reason="Bitte ergänzen.", by=staff)
    notice = ModerationNotice.objects.get()

    with pytest.raises(Exception, match="erneut eingereicht"):
        services.moderation_notice_acknowledge(notice=notice, user=membership.user)


def test_staff_deciding_on_their_own_submission_get_no_mail(staff, mailoutbox):
    program = ProgramFactory(status=Program.Status.DRAFT)
    services.program_submit_for_review(program=program, by=staff)

    services.program_publish(program=program, by=staff)

    assert (ModerationNotice.objects.count(), mailoutbox) == (0, [])


# --- Changes to a published listing -----------------------------------------------------------


def test_a_rejected_change_is_mailed_and_answered_by_the_next_proposal(
    client, membership, staff, mailoutbox, django_capture_on_commit_callbacks
):
    program = membership.program
    values = {"name": program.name, "summary": "Neu und besser.", "postcode": "04109"}
    change = services.program_edit(program=program, values=values, user=membership.user)

    with django_capture_on_commit_callbacks(execute=True):
        services.program_change_reject(change=change, user=staff, reason="Zu werblich.")

    (mail,) = mailoutbox
    assert mail.subject == f"Mit einer Bitte zurückgegeben: „{program.name}“"
    assert "Änderungen an einem Eintrag" in mail.body
    assert "Zu werblich." in mail.body
    client.force_login(membership.user)
    assert "Zu werblich." in client.get("/koordination/").content.decode()

    services.program_edit(program=program, values=values, user=membership.user)

    assert BOX not in client.get("/koordination/").content.decode()
    change = ProgramChange.objects.get(status=ProgramChange.Status.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        services.program_change_approve(change=change, user=staff)
    assert mailoutbox[-1].subject == f"Veröffentlicht: „{program.name}“"


# --- Events and news ------------------------------------------------------------------------


@pytest.mark.clock
def test_an_event_sent_back_is_mailed_and_shown_until_submitted_again(
    client, membership, staff, mailoutbox, django_capture_on_commit_callbacks
):
    event = EventFactory(
        title="Lesefest", program=membership.program, status="review", created_by=membership.user
    )
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/koordination/veranstaltungen/{event.slug}/zurueckweisen/",
            {"reason": "Bitte den Ort ergänzen."},
        )

    (mail,) = mailoutbox
    assert mail.subject == "Mit einer Bitte zurückgegeben: „Lesefest“"
    assert "Veranstaltung" in mail.body
    assert f"/koordination/veranstaltungen/{event.slug}/bearbeiten/" in mail.body
    client.force_login(membership.user)
    assert "Bitte den Ort ergänzen." in client.get("/koordination/").content.decode()

    client.post(f"/koordination/veranstaltungen/{event.slug}/einreichen/")

    assert BOX not in client.get("/koordination/").content.decode()
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/koordination/veranstaltungen/{event.slug}/veroeffentlichen/")
    assert Event.objects.get(pk=event.pk).status == Event.Status.PUBLISHED
    assert mailoutbox[-1].subject == "Veröffentlicht: „Lesefest“"
    assert f"/veranstaltungen/{event.slug}/" in mailoutbox[-1].body


def test_a_news_item_sent_back_is_mailed_revised_and_published(
    client, membership, staff, mailoutbox, django_capture_on_commit_callbacks
):
    item = news_services.news_item_propose(
        by=membership.user, program=membership.program, title="Neue Lesepat:innen", teaser="Kurz."
    )
    client.force_login(staff)
    assert "Neue Lesepat:innen" in client.get("/netzwerk/pruefung/meldungen/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/netzwerk/pruefung/meldungen/{item.slug}/zurueckgeben/",
            {"reason": "Bitte ein Datum nennen."},
        )

    (mail,) = mailoutbox
    assert mail.subject == "Mit einer Bitte zurückgegeben: „Neue Lesepat:innen“"
    assert "Bitte ein Datum nennen." in mail.body
    assert f"/koordination/meldungen/{item.slug}/bearbeiten/" in mail.body
    client.force_login(UserFactory())
    assert client.get(f"/koordination/meldungen/{item.slug}/bearbeiten/").status_code == 403
    client.force_login(ProgramCoordinatorFactory().user)
    assert client.get(f"/koordination/meldungen/{item.slug}/bearbeiten/").status_code == 404
    client.force_login(membership.user)
    assert "Bitte ein Datum nennen." in client.get("/koordination/").content.decode()

    client.post(
        f"/koordination/meldungen/{item.slug}/bearbeiten/",
        {
            "title": "Neue Lesepat:innen ab März",
            "teaser": "Kurz.",
            "body": "",
            "program": membership.program.pk,
        },
    )

    item.refresh_from_db()
    assert (item.title, item.status) == ("Neue Lesepat:innen ab März", NewsItem.Status.REVIEW)
    assert BOX not in client.get("/koordination/").content.decode()
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/netzwerk/pruefung/meldungen/{item.slug}/veroeffentlichen/")
    assert mailoutbox[-1].subject == "Veröffentlicht: „Neue Lesepat:innen ab März“"


def test_news_send_back_without_a_reason_changes_nothing(client, membership, staff, mailoutbox):
    item = news_services.news_item_propose(
        by=membership.user, program=membership.program, title="Ohne Grund", teaser="Kurz."
    )
    client.force_login(staff)

    response = client.post(
        f"/netzwerk/pruefung/meldungen/{item.slug}/zurueckgeben/", {"reason": " "}, follow=True
    )

    assert "Bitte geben Sie eine Begründung an" in response.content.decode()
    item.refresh_from_db()
    assert (item.status, ModerationNotice.objects.count(), mailoutbox) == ("review", 0, [])


# --- The queues' place and the dashboard's cost -------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/koordination/pruefung/", "/netzwerk/pruefung/"),
        ("/koordination/veranstaltungen/pruefung/?page=2",
         "/netzwerk/pruefung/veranstaltungen/?page=2"),
        ("/koordination/pruefung/programme/lesen/veroeffentlichen/",
         "/netzwerk/pruefung/programme/lesen/veroeffentlichen/"),
    ],
)  # fmt: skip
def test_the_old_review_addresses_redirect_permanently(client, old, new):
    response = client.get(old)

    assert (response.status_code, response["Location"]) == (301, new)


def test_the_coordination_page_reads_the_notices_in_a_fixed_number_of_queries(
    client, membership, staff
):
    client.force_login(membership.user)

    def notices(count: int) -> None:
        for number in range(count):
            event = EventFactory(title=f"Treffen {number}", created_by=membership.user)
            services.moderation_notice_give(
                item=event,
                subject=ModerationNotice.Subject.EVENT,
                recipient=membership.user,
                decision=ModerationNotice.Decision.SENT_BACK,
                title=event.title,
                link="/koordination/veranstaltungen/",
                reason="Bitte ergänzen.",
                by=staff,
            )

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/koordination/").status_code == 200
        return len(captured)

    notices(1)
    queries()  # the first visit counts the program's figures, the next ones read them as kept
    one = queries()
    notices(9)

    assert queries() == one
    assert client.get("/koordination/").content.decode().count("Bitte ergänzen.") == 10


def test_the_news_queue_reads_a_fixed_number_of_queries(client, membership, staff):
    client.force_login(staff)

    def propose(count: int) -> None:
        for number in range(count):
            news_services.news_item_propose(
                by=membership.user,
                program=membership.program,
                title=f"Meldung {number}",
                teaser="Kurz.",
            )

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/netzwerk/pruefung/meldungen/").status_code == 200
        return len(captured)

    propose(1)
    one = queries()
    propose(9)

    assert queries() == one


def test_the_proposal_page_speaks_english_under_en(client, membership):
    client.force_login(membership.user)

    response = client.post(f"/en{PROPOSE}", proposal())

    html = response.content.decode()
    assert "<h1>Propose a new program</h1>" in html
    assert response.context["form"].errors["new_organization"] == [
        "Please choose an organisation or give the name of a new one."
    ]


def test_the_news_list_links_the_fix_of_a_sent_back_item(client, membership, staff):
    item = news_services.news_item_propose(
        by=membership.user, program=membership.program, title="Zurück", teaser="Kurz."
    )
    news_services.news_item_send_back(item=item, by=staff, reason="Bitte kürzen.")
    client.force_login(membership.user)

    html = client.get("/koordination/meldungen/").content.decode()

    assert f'href="/koordination/meldungen/{item.slug}/bearbeiten/"' in html
    assert "Bitte kürzen." in html


def test_a_decision_is_in_the_audit_trail_without_its_reason(membership, staff):
    from auditlog.models import LogEntry

    from audit.registry import REDACTED

    program = _propose(membership)
    services.program_send_back(program=program, reason="Bitte Kontakt ergänzen.", by=staff)
    notice = ModerationNotice.objects.get()

    entry = LogEntry.objects.get_for_object(notice).get()
    assert entry.action == LogEntry.Action.CREATE
    assert entry.changes["decision"] == ["None", "sent_back"]
    assert entry.changes["reason"] == [REDACTED, REDACTED]
    assert "Bitte Kontakt" not in json.dumps(entry.changes)

"""Notes about a person are that person's data (Art. 15 DSGVO): every form where notes are written
says so, and no form promises that the person never sees them."""

import html

import pytest

from tandems import services
from tests.factories import ProgramCoordinatorFactory, running_tandem
from tests.factories.tandems import applicant

pytestmark = pytest.mark.django_db

OLD_PROMISES = [
    "Only coordinators of this program see notes; the volunteer never does.",
    "nie die freiwillige Person",
    "Interne Notiz",
    "Only you and your coordinator see it.",
    "Nur Sie und Ihre Koordinator:in sehen sie.",
]


def text_of(response) -> str:
    assert response.status_code == 200
    return " ".join(html.unescape(response.content.decode()).split())


@pytest.fixture
def coordinator(db):
    return ProgramCoordinatorFactory(program__name="Lesepat:innen A")


def test_note_form_says_the_volunteer_reads_notes_in_german(client, coordinator):
    application = applicant(coordinator.program)
    client.force_login(coordinator.user)

    page = text_of(client.get(f"/koordination/bewerbungen/{application.pk}/"))

    assert "Notiz – Teil der Auskunft an die freiwillige Person (Art. 15 DSGVO)" in page
    assert "Notizen (Teil der Daten der freiwilligen Person)" in page
    assert (
        "„Intern“ heißt: nur im Programm, nicht geheim. Die freiwillige Person sieht jede Notiz "
        "unter „Meine Daten“ und in ihrem Datenexport (Auskunft nach Art. 15 DSGVO). "
        "Schreiben Sie sachlich."
    ) in page
    assert "Folgen Sie dem Kinderschutzverfahren Ihres Programms (§ 8a SGB VIII)" in page
    assert (
        "sobald die Person in einem Tandem ist, halten Sie die Sorge dort fest "
        "(„Ich mache mir Sorgen“)."
    ) in page
    assert [promise for promise in OLD_PROMISES if promise in page] == []


def test_note_form_says_the_volunteer_reads_notes_in_english(client, coordinator):
    application = applicant(coordinator.program)
    client.force_login(coordinator.user)

    page = text_of(client.get(f"/en/koordination/bewerbungen/{application.pk}/"))

    assert "Note – part of the volunteer's data (Art. 15 GDPR)" in page
    assert (
        "the volunteer sees every note on their page “My data” and in their data export "
        "(right of access, Art. 15 GDPR). Write factually."
    ) in page
    assert "follow your program's child protection process (§ 8a SGB VIII)" in page
    assert "once the volunteer is in a tandem, record it as a concern there" in page
    assert [promise for promise in OLD_PROMISES if promise in page] == []


def test_the_note_is_where_the_form_says(client, coordinator):
    application = applicant(coordinator.program)
    services.application_note_add(
        application=application,
        text="Telefonat am Dienstag, sehr motiviert",
        author=coordinator.user,
    )
    client.force_login(application.volunteer)

    page = text_of(client.get("/mein-bereich/meine-daten/"))

    assert "Telefonat am Dienstag, sehr motiviert" in page


def test_tandem_note_fields_say_mentor_and_mentee_receive_them(client, coordinator):
    tandem = running_tandem(coordinator.program, by=coordinator.user)
    client.force_login(coordinator.user)
    told = (
        "Mentor:in und Mentee bzw. Sorgeberechtigte erhalten diese Notiz mit ihren Daten "
        "(Auskunft nach Art. 15 DSGVO). Schreiben Sie sachlich."
    )

    detail = text_of(client.get(f"/koordination/tandems/{tandem.pk}/"))
    end = text_of(client.get(f"/koordination/tandems/{tandem.pk}/beenden/"))

    assert told in detail  # the note on a pause or a resumption
    assert told in end
    # A worry goes to the confidential concern, raised from the tandem's page.
    concern = "Melden Sie sie über „Ich mache mir Sorgen“ auf der Seite des Tandems"
    assert concern in detail and concern in end
    assert f'href="/koordination/tandems/{tandem.pk}/sorge/"' in detail


def test_mentors_meeting_note_no_longer_promises_the_mentee_never_reads_it(client, coordinator):
    tandem = running_tandem(coordinator.program, by=coordinator.user)
    client.force_login(tandem.mentor)

    page = text_of(client.get(f"/mein-bereich/tandems/{tandem.pk}/treffen/eintragen/"))

    assert (
        "die oder der Mentee bzw. die Sorgeberechtigten erhalten sie auf Anfrage mit ihren Daten "
        "(Auskunft nach Art. 15 DSGVO)"
    ) in page
    assert "sagen Sie es sofort den Koordinator:innen Ihres Programms" not in page
    # Points to the concern form, whose link is on the same page.
    assert "sondern nutzen Sie unten „Ich mache mir Sorgen“" in page
    assert f'href="/mein-bereich/tandems/{tandem.pk}/sorge/"' in page
    assert [promise for promise in OLD_PROMISES if promise in page] == []


@pytest.mark.parametrize(
    ("path", "sentences"),
    [
        (
            "/datenschutz/",
            [
                "Vor Ihnen sind sie nicht verborgen – Sie finden sie unter „Meine Daten“ und in "
                "Ihrem Export (Auskunft nach Art. 15 DSGVO).",
                "(Art. 15 Abs. 4 DSGVO, Erwägungsgrund 63)",
                "Nach Art. 23 DSGVO in Verbindung mit § 29 Abs. 1 Satz 2 BDSG",
                "(§ 34 Abs. 2 BDSG)",
                "(§ 8a SGB VIII)",
                "nur, wenn sie mit einer E-Mail-Adresse gemacht wurden, die Sie in Ihrem Konto "
                "<strong>bestätigt</strong> haben.",
            ],
        ),
        (
            "/en/datenschutz/",
            [
                "They are not hidden from you: you find them under “My data” and in your export "
                "(right of access, Art. 15 GDPR).",
                "(Art. 15 (4) GDPR, recital 63)",
                "Under Art. 23 GDPR with § 29 (1) sentence 2 of the German Federal Data "
                "Protection Act (BDSG)",
                "(§ 34 (2) BDSG)",
                "only if they were made with an e-mail address you have "
                "<strong>confirmed</strong> in your account.",
            ],
        ),
    ],
)
def test_privacy_policy_explains_notes_and_the_confidential_child_protection_record(
    client, path, sentences
):
    page = text_of(client.get(path))

    assert [sentence for sentence in sentences if sentence not in page] == []

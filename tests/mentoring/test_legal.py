"""The privacy policy and the accessibility statement say what the portal does."""

import re

import pytest

pytestmark = pytest.mark.django_db

RETENTION_DE = [
    "Abgelehnte oder zurückgezogene Bewerbungen</th><td>6 Monate nach der Entscheidung",
    "12 Monate nach dem Ende ihres letzten Tandems dort (das Programm kann die Frist anpassen)",
    "sofort, wenn die Person nicht beginnt; spätestens 3 Monate nach dem Ende ihrer Tätigkeit",
    "Anmeldungen zu Veranstaltungen</th><td>3 Monate nach der Veranstaltung",
    "Gesendete E-Mails im Postausgang</th><td>90 Tage nach dem Versand",
    "Protokoll der Zugriffe und Änderungen</th><td>24 Monate nach dem Eintrag",
    "Tandems, Treffen und Check-ins bleiben danach nur als <strong>anonyme Datensätze</strong>",
]
RETENTION_EN = [
    "Rejected or withdrawn applications</th><td>6 months after the decision",
    "12 months after their last tandem there ended (the program can adjust the period)",
    "at once when the person does not start; at the latest 3 months after their activity",
    "Event registrations</th><td>3 months after the event",
    "Sent e-mails in the outbox</th><td>90 days after sending",
    "Audit trail of access and changes</th><td>24 months after the entry",
    "Tandems, meetings and check-ins then remain only as <strong>anonymous records</strong>",
]
PATHS = [
    "/mein-bereich/meine-daten/",
    "/mein-bereich/konto-loeschen/",
    "/mein-bereich/einwilligungen/",
    "/mein-bereich/benachrichtigungen/",
]


def text_of(response) -> str:
    return " ".join(response.content.decode().split())


@pytest.mark.parametrize(
    ("path", "periods", "prefix"), [("/datenschutz/", RETENTION_DE, ""),
                                    ("/en/datenschutz/", RETENTION_EN, "/en")]
)  # fmt: skip
def test_privacy_policy_states_every_retention_period_and_self_service_path(
    client, path, periods, prefix
):
    html = text_of(client.get(path))

    assert [period for period in periods if period not in html] == []
    for self_service in PATHS:
        assert f'<a href="{prefix}{self_service}">{self_service}</a>' in html


def test_privacy_policy_in_german_names_legal_bases_rights_and_the_certificate_rule(client):
    html = text_of(client.get("/datenschutz/"))

    for basis in ["Art. 6 Abs. 1 lit. a", "Art. 6 Abs. 1 lit. b", "Art. 6 Abs. 1 lit. c",
                  "Art. 6 Abs. 1 lit. f", "Art. 9 Abs. 2 lit. a", "§ 72a SGB VIII",
                  "Art. 77 DSGVO", "Art. 15 DSGVO", "Art. 21"]:  # fmt: skip
        assert basis in html, basis
    assert "<strong>niemals eine Kopie</strong>" in html
    assert "setzt das Portal <strong>keine Cookies</strong>" in html
    assert "nur die Koordinator:innen des Programms</strong>" in html
    assert "Mitarbeitende des Netzwerks sehen nur <strong>anonyme Zahlen</strong>" in html


def test_privacy_policy_names_the_operator_and_the_tile_server_when_set(client, settings):
    settings.OPERATOR = {**settings.OPERATOR, "name": "Netzwerk Mentoring e. V."}
    settings.MAP_TILE_URL = "https://{s}.kacheln.example.org/{z}/{x}/{y}.png"

    html = text_of(client.get("/datenschutz/"))

    assert "<strong>Netzwerk Mentoring e. V.</strong>" in html
    assert "vom Kachelserver <strong>{s}.kacheln.example.org</strong>" in html


def test_privacy_policy_without_tile_server_says_nothing_is_loaded_elsewhere(client, settings):
    settings.MAP_TILE_URL = ""

    html = text_of(client.get("/datenschutz/"))

    assert "Derzeit ist kein Kachelserver eingerichtet" in html


@pytest.mark.parametrize(
    ("path", "sentences"),
    [
        (
            "/datenschutz/",
            [
                "freiwillig eine Telefonnummer (sie sehen nur die Koordinator:innen Ihrer "
                "Programme)",
                "auf Papier, am Telefon oder persönlich beworben",
                "Name, Telefonnummer und E-Mail-Adresse der Sorgeberechtigten",
                "Betreff, Text, wer sie geschrieben hat, an welche Gruppe und an wen sie ging, "
                "und zu jeder E-Mail ihren Zustand",
                "Art. 6 Abs. 1 lit. b DSGVO (Ihre Teilnahme am Programm), für Nachrichten, die "
                "nicht Ihr Tandem selbst betreffen, Art. 6 Abs. 1 lit. f DSGVO",
                "<strong>30 Monate nach dem Versand</strong>",
                "Nachrichten der Koordinator:innen an Ehrenamtliche, mit ihren "
                "Empfänger:innen</th><td>30 Monate nach dem Versand",
                "einen Titel, ein Fälligkeitsdatum, die zuständige Koordinator:in",
                "Erledigte Aufgaben der Koordinator:innen</th><td>6 Monate nach der Erledigung",
            ],
        ),
        (
            "/en/datenschutz/",
            [
                "if you wish a phone number (seen only by the coordinators of your programs)",
                "If you applied on paper, by phone or in person",
                "the name, phone number and e-mail address of their guardians",
                "the subject, the text, who wrote it, to which group and to whom it went, and for "
                "each e-mail its state",
                "for messages not about your tandem itself Art. 6 (1) (f) GDPR",
                "<strong>30 months after sending</strong>",
                "Coordinators' messages to volunteers, with their recipients</th><td>30 months "
                "after sending",
                "a title, a due date, the coordinator in charge",
                "Done to-dos of the coordinators</th><td>6 months after they were done",
            ],
        ),
    ],
)
def test_privacy_policy_describes_contacts_messages_and_todos_with_the_periods_in_force(
    client, settings, path, sentences
):
    settings.PROGRAM_MESSAGE_RETENTION_MONTHS = 30
    settings.TODO_RETENTION_MONTHS = 6

    html = text_of(client.get(path))

    assert [sentence for sentence in sentences if sentence not in html] == []


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/barrierefreiheit/", ["<strong>teilweise vereinbar</strong>", "WCAG 2.1 auf Stufe AA",
                                "axe-core", "<strong>Liste</strong>",
                                "<strong>ohne JavaScript</strong>",
                                "Schlichtungsstelle nach § 16 des Behindertengleichstellungs",
                                "am 4. Dezember 2026 erstellt",
                                '<a href="mailto:barrierefrei@example.org">']),
        ("/en/barrierefreiheit/", ["<strong>partially compliant</strong>", "WCAG 2.1 level AA",
                                   "Schlichtungsstelle nach § 16 BGG",
                                   "prepared on 4 December 2026",
                                   '<a href="mailto:barrierefrei@example.org">']),
    ],
)  # fmt: skip
def test_accessibility_statement_has_status_checks_contact_and_enforcement(
    client, settings, path, expected
):
    settings.OPERATOR = {**settings.OPERATOR, "email": "barrierefrei@example.org"}

    html = text_of(client.get(path))

    assert [text for text in expected if text not in html] == []


@pytest.mark.parametrize("path", ["/datenschutz/", "/barrierefreiheit/"])
def test_legal_texts_in_german_use_the_colon_and_the_formal_you(client, path):
    html = text_of(client.get(path))

    assert re.search(r"\b(du|dein\w*|dich|dir)\b", html) is None
    assert re.search(r"Koordinator(?:Innen|/innen|\*innen|_innen)", html) is None

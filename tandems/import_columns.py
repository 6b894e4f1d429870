"""The columns of the people import (tandems/imports.py), per kind: the German headers of the
templates, the synonyms mapped automatically, the values the choice columns accept, and the
templates' example rows. docs/import.md lists the same."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from .models import Mentee, Tandem
from .models.tandem import Rhythm

VOLUNTEERS, MENTEES, TANDEMS = "freiwillige", "mentees", "tandems"
KINDS = {
    VOLUNTEERS: gettext_lazy("volunteers"),
    MENTEES: gettext_lazy("mentees"),
    TANDEMS: gettext_lazy("tandems"),
}


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the German header of the template
    kind: str = "text"  # text, email, date, year, choice
    required: bool = False
    max_length: int = 200
    synonyms: tuple[str, ...] = ()
    meaning: str = ""


def _c(key, header, kind="text", *, required=False, max_length=200, synonyms=(), meaning=""):
    return Column(key, header, kind, required, max_length, synonyms, meaning)


COLUMNS = {
    VOLUNTEERS: (
        _c(
            "email",
            "E-Mail",
            "email",
            required=True,
            synonyms=("email", "e-mail-adresse", "mail", "emailadresse", "e-mail adresse"),
            meaning=gettext_lazy("The volunteer's e-mail address; a re-import finds them by it."),
        ),
        _c(
            "name",
            "Name",
            required=True,
            max_length=150,
            synonyms=("vor- und nachname", "vollständiger name", "name, vorname", "nachname"),
            meaning=gettext_lazy("First name and surname."),
        ),
        _c(
            "year_of_birth",
            "Geburtsjahr",
            "year",
            synonyms=("jahrgang",),
            meaning=gettext_lazy("Year of birth (or the column Geburtsdatum)."),
        ),
        _c(
            "birth_date",
            "Geburtsdatum",
            "date",
            synonyms=("geboren am", "geburtstag"),
            meaning=gettext_lazy("Date of birth; only the year is kept."),
        ),
        _c(
            "postcode",
            "PLZ",
            required=True,
            max_length=5,
            synonyms=("postleitzahl",),
            meaning=gettext_lazy("German postcode, five digits."),
        ),
        _c("city", "Ort", max_length=100, synonyms=("wohnort", "stadt"), meaning=""),
        _c(
            "phone",
            "Telefon",
            max_length=40,
            synonyms=("telefonnummer", "handy", "mobil", "tel"),
            meaning="",
        ),
        _c(
            "languages",
            "Sprachen",
            synonyms=("sprache",),
            meaning=gettext_lazy("Languages, separated by commas; empty: Deutsch."),
        ),
        _c(
            "motivation",
            "Motivation",
            max_length=2000,
            meaning=gettext_lazy("Optional; empty: a note that the person was imported."),
        ),
        _c(
            "stage",
            "Stufe",
            synonyms=("phase", "bewerbungsstand", "stand"),
            meaning=gettext_lazy("A stage of the program's pipeline by name; empty: the first."),
        ),
        _c(
            "consent_on",
            "Einwilligung am",
            "date",
            synonyms=("datenschutz-einwilligung", "einwilligung", "einwilligung datenschutz"),
            meaning=gettext_lazy(
                "When the person agreed to the program's privacy notice; recorded as imported."
            ),
        ),
        _c(
            "certificate_issued_on",
            "Führungszeugnis ausgestellt am",
            "date",
            synonyms=("fz ausgestellt am", "fz ausgestellt", "führungszeugnis vom"),
            meaning=gettext_lazy("§ 72a: the issue date of the certificate, never its content."),
        ),
        _c(
            "certificate_seen_on",
            "Führungszeugnis eingesehen am",
            "date",
            synonyms=("fz eingesehen am", "fz eingesehen", "fz gesehen am", "eingesehen am"),
            meaning=gettext_lazy("§ 72a: the day the certificate was inspected."),
        ),
    ),
    MENTEES: (
        _c(
            "external_id",
            "Externe ID",
            required=True,
            max_length=100,
            synonyms=("id", "nr", "nummer", "mentee-id", "kennung", "externe id mentee"),
            meaning=gettext_lazy("Your own key of the mentee; a re-import finds them by it."),
        ),
        _c(
            "first_name",
            "Vorname",
            required=True,
            max_length=100,
            synonyms=("vorname oder pseudonym", "pseudonym", "name"),
            meaning=gettext_lazy("First name or a pseudonym."),
        ),
        _c("year_of_birth", "Geburtsjahr", "year", synonyms=("jahrgang",), meaning=""),
        _c(
            "birth_date",
            "Geburtsdatum",
            "date",
            synonyms=("geboren am", "geburtstag"),
            meaning=gettext_lazy("Date of birth; only the year is kept."),
        ),
        _c("postcode", "PLZ", required=True, max_length=5, synonyms=("postleitzahl",)),
        _c("city", "Ort", max_length=100, synonyms=("wohnort", "stadt")),
        _c("languages", "Sprachen", synonyms=("sprache",)),
        _c(
            "goals_and_needs",
            "Ziele und Bedarf",
            max_length=1000,
            synonyms=("ziele", "bedarf", "anliegen"),
        ),
        _c(
            "guardian_name",
            "Sorgeberechtigte Person",
            max_length=150,
            synonyms=("sorgeberechtigte", "erziehungsberechtigte", "eltern", "sorgeberechtigte:r"),
            meaning=gettext_lazy("Required for a minor."),
        ),
        _c(
            "guardian_phone",
            "Telefon Sorgeberechtigte",
            synonyms=("telefon eltern", "telefon erziehungsberechtigte"),
        ),
        _c(
            "guardian_email",
            "E-Mail Sorgeberechtigte",
            "email",
            synonyms=("e-mail eltern", "e-mail erziehungsberechtigte"),
        ),
        _c(
            "guardian_consent_on",
            "Einwilligung Sorgeberechtigte am",
            "date",
            synonyms=("einwilligung eltern am", "einwilligung eltern", "einwilligung"),
            meaning=gettext_lazy("Required for a minor: when the guardian consented."),
        ),
        _c(
            "waiting_since",
            "Wartet seit",
            "date",
            synonyms=("angemeldet am", "aufgenommen am", "anmeldung"),
        ),
        _c(
            "status",
            "Status",
            "choice",
            meaning=gettext_lazy("wartet or inaktiv; empty: waiting (matched comes from tandems)."),
        ),
    ),
    TANDEMS: (
        _c(
            "external_id",
            "Externe ID",
            required=True,
            max_length=100,
            synonyms=("id", "nr", "nummer", "tandem-id", "kennung"),
            meaning=gettext_lazy("Your own key of the tandem; a re-import finds it by it."),
        ),
        _c(
            "mentor_email",
            "E-Mail Mentor:in",
            "email",
            required=True,
            synonyms=("mentor e-mail", "e-mail mentor", "mentor:in", "mentor", "mentorin"),
            meaning=gettext_lazy("The e-mail address of a volunteer of the program."),
        ),
        _c(
            "mentee_id",
            "Externe ID Mentee",
            required=True,
            max_length=100,
            synonyms=("mentee-id", "mentee id", "mentee"),
            meaning=gettext_lazy("The external id of a mentee of the program."),
        ),
        _c(
            "status",
            "Status",
            "choice",
            meaning=gettext_lazy(
                "vorgeschlagen, aktiv, pausiert, abgeschlossen or vorzeitig beendet; empty: aktiv."
            ),
        ),
        _c("started_on", "Beginn", "date", synonyms=("start", "startdatum", "begonnen am")),
        _c("planned_end_on", "Geplantes Ende", "date", synonyms=("geplantes ende am",)),
        _c("ended_on", "Ende", "date", synonyms=("beendet am", "enddatum")),
        _c(
            "end_reason",
            "Grund des Endes",
            "choice",
            synonyms=("endegrund", "grund"),
            meaning=gettext_lazy("For an ended tandem; empty: completed (or other reason)."),
        ),
        _c("rhythm", "Rhythmus", "choice", synonyms=("treffen",)),
    ),
}
EXAMPLES = {
    VOLUNTEERS: {
        "email": "maria.muster@example.org",
        "name": "Maria Muster",
        "year_of_birth": "1985",
        "postcode": "04109",
        "city": "Leipzig",
        "phone": "0341 1234567",
        "languages": "Deutsch, Englisch",
        "stage": "bereit für Tandem",
        "consent_on": "15.03.2026",
        "certificate_issued_on": "01.02.2026",
        "certificate_seen_on": "20.02.2026",
    },
    MENTEES: {
        "external_id": "M-001",
        "first_name": "Lina",
        "year_of_birth": "2015",
        "postcode": "04109",
        "languages": "Deutsch, Arabisch",
        "guardian_name": "Samira Beispiel",
        "guardian_phone": "0341 7654321",
        "guardian_consent_on": "01.03.2026",
        "waiting_since": "01.03.2026",
        "status": "wartet",
    },
    TANDEMS: {
        "external_id": "T-001",
        "mentor_email": "maria.muster@example.org",
        "mentee_id": "M-001",
        "status": "aktiv",
        "started_on": "01.04.2026",
        "rhythm": "wöchentlich",
    },
}

MENTEE_STATUS = {"wartet": Mentee.Status.WAITING, "inaktiv": Mentee.Status.INACTIVE}
TANDEM_STATUS = {
    "vorgeschlagen": Tandem.Status.PROPOSED,
    "aktiv": Tandem.Status.ACTIVE,
    "laufend": Tandem.Status.ACTIVE,
    "pausiert": Tandem.Status.PAUSED,
    "abgeschlossen": Tandem.Status.CLOSED,
    "beendet": Tandem.Status.CLOSED,
    "vorzeitig beendet": Tandem.Status.ENDED_EARLY,
    "abgebrochen": Tandem.Status.ENDED_EARLY,
}
RHYTHMS = {
    "wöchentlich": Rhythm.WEEKLY,
    "alle zwei wochen": Rhythm.BIWEEKLY,
    "14-tägig": Rhythm.BIWEEKLY,
    "zweiwöchentlich": Rhythm.BIWEEKLY,
    "monatlich": Rhythm.MONTHLY,
}

"""The access matrix: every URL pattern × every role, the expected status, and the world of
records its paths are filled from. Shared by tests/test_access_matrix.py (which checks the
statuses) and the browser tests that visit every page of a role (tests/browser/test_header.py).

A plain module: a test module must not import another test module.
"""

from datetime import time, timedelta

from django.contrib.flatpages.models import FlatPage
from django.utils import timezone

from events import services as event_services
from events.tokens import cancel_token, confirm_token
from news.models import NewsTag
from notifications.models import ScanHeartbeat
from notifications.tokens import unsubscribe_token
from pages.models import ContactPerson, Partner
from programs.models import ProgramImport
from tandems import services
from tandems.services import messages as message_services
from tandems.services import todos as todo_services
from tests.factories import ProgramCoordinatorFactory, UserFactory

ROLES = [
    "anonymous",
    "volunteer",
    "applicant",
    "mentor",
    "coordinator_a",
    "coordinator_b",
    "staff",
    "operator",
]
# Network staff ("staff") are no superusers; operators are. In the portal an operator gets what
# network staff get (a program's people only as its coordinator): rows name them only to differ.
# Third-party URL trees with their own tests (allauth, the admin) are left to them.
THIRD_PARTY_PREFIXES = ("admin/", "konto/")
LOGIN = 302

# Personal records of program A: only A's coordinators; staff see counts, not records.
PEOPLE_OF_A = {
    "anonymous": LOGIN,
    "volunteer": 404,
    "applicant": 404,
    "coordinator_a": 200,
    "coordinator_b": 404,
    "staff": 404,
}

# The mentor's own tandem: nobody else, not even the program's coordinators.
MENTOR_OF_A = {
    "anonymous": LOGIN,
    "volunteer": 404,
    "applicant": 404,
    "mentor": 200,
    "coordinator_a": 404,
    "coordinator_b": 404,
    "staff": 404,
}

# Every coordinator and staff, each seeing only their own (or, for staff, all) records.
ANY_COORDINATOR = {
    "anonymous": LOGIN,
    "volunteer": 403,
    "applicant": 403,
    "mentor": 403,
    "coordinator_a": 200,
    "coordinator_b": 200,
    "staff": 200,
}

# Every program's coordinators, each seeing their own programs' records; nobody else.
OWN_COORDINATION = {
    "anonymous": LOGIN,
    "volunteer": 404,
    "applicant": 404,
    "coordinator_a": 200,
    "coordinator_b": 200,
    "staff": 404,
}

# Every signed-in person, each seeing their own.
SIGNED_IN = {
    "anonymous": LOGIN,
    "volunteer": 200,
    "applicant": 200,
    "coordinator_a": 200,
    "coordinator_b": 200,
    "staff": 200,
}

# Network staff only: everybody else signed in gets 403, as on the review queue.
STAFF_ONLY = {
    "anonymous": LOGIN,
    "volunteer": 403,
    "applicant": 403,
    "mentor": 403,
    "coordinator_a": 403,
    "coordinator_b": 403,
    "staff": 200,
}

# The network staff's pages (/netzwerk/): anonymous to the login, everyone else signed in 403.
# POST-only actions answer a GET with 405 for everyone.
NETWORK_STAFF = STAFF_ONLY

# route -> (path template, {role: status}); a single int means: the same for every role. The
# mentor is a volunteer with a tandem in program A: where a row does not name them, they are
# expected to get what any volunteer gets.
MATRIX = {
    "netzwerk/": ("/netzwerk/", NETWORK_STAFF),
    "netzwerk/stil/": ("/netzwerk/stil/", NETWORK_STAFF),
    "netzwerk/traeger/": ("/netzwerk/traeger/", NETWORK_STAFF),
    "netzwerk/traeger/neu/": ("/netzwerk/traeger/neu/", NETWORK_STAFF),
    "netzwerk/traeger/<slug:slug>/": ("/netzwerk/traeger/{organization_a}/", NETWORK_STAFF),
    "netzwerk/programme/": ("/netzwerk/programme/", NETWORK_STAFF),
    "netzwerk/programme/neu/": ("/netzwerk/programme/neu/", NETWORK_STAFF),
    "netzwerk/programme/<slug:slug>/": ("/netzwerk/programme/{program_a}/", NETWORK_STAFF),
    "netzwerk/programme/<slug:slug>/status/<slug:decision>/": (
        "/netzwerk/programme/{program_a}/status/archivieren/",
        405,
    ),
    "netzwerk/programme/<slug:slug>/koordination/": (
        "/netzwerk/programme/{program_a}/koordination/",
        405,
    ),
    "netzwerk/programme/<slug:slug>/koordination/<int:pk>/entziehen/": (
        "/netzwerk/programme/{program_a}/koordination/1/entziehen/",
        405,
    ),
    "netzwerk/programme/<slug:slug>/einladen/": (
        "/netzwerk/programme/{program_a}/einladen/",
        405,
    ),
    "netzwerk/einladungen/": ("/netzwerk/einladungen/", NETWORK_STAFF),
    "netzwerk/einladungen/<int:pk>/widerrufen/": (
        "/netzwerk/einladungen/{invitation}/widerrufen/",
        405,
    ),
    # An open invitation to an address nobody has an account with: the page to create one for
    # whoever holds the link; every signed-in account is the wrong one (403, with a German page).
    "einladung/<str:token>/": (
        "/einladung/{invitation_token}/",
        {
            "anonymous": 200,
            "volunteer": 403,
            "applicant": 403,
            "mentor": 403,
            "coordinator_a": 403,
            "coordinator_b": 403,
            "staff": 403,
        },
    ),
    "healthz": ("/healthz", 200),
    # Status words only, for everyone (world: a scan has just completed).
    "healthz/ready": ("/healthz/ready", 200),
    "favicon.ico": ("/favicon.ico", 301),
    "": ("/", 200),
    "mitmachen/": ("/mitmachen/", 200),
    "impressum/": ("/impressum/", 200),
    "datenschutz/": ("/datenschutz/", 200),
    "barrierefreiheit/": ("/barrierefreiheit/", 200),
    "quellcode/": ("/quellcode/", 200),
    "programme/": ("/programme/", 200),
    # Open data: the published programs of the list's filter, for everyone.
    "programme/export.csv": ("/programme/export.csv", 200),
    "programme/<slug:slug>/": ("/programme/{program_a}/", 200),
    "karte/": ("/karte/", 200),
    "karte/programme.geojson": ("/karte/programme.geojson", 200),
    "karte/einbetten/": ("/karte/einbetten/", 200),
    "koordination/programme/<slug:slug>/": (
        "/koordination/programme/{program_a}/",
        {
            "anonymous": LOGIN,
            "volunteer": 404,
            "applicant": 404,
            "coordinator_a": 200,
            "coordinator_b": 404,
            "staff": 200,
        },
    ),  # fmt: skip
    "koordination/programme/<slug:slug>/einreichen/": (
        "/koordination/programme/{program_a}/einreichen/",
        405,
    ),
    "koordination/programme/<slug:slug>/aktuell/": (
        "/koordination/programme/{program_a}/aktuell/",
        405,
    ),
    # The network's review, in the staff area since [2.5]; the old addresses redirect.
    "netzwerk/pruefung/": ("/netzwerk/pruefung/", STAFF_ONLY),
    "netzwerk/pruefung/programme/<slug:slug>/<slug:decision>/": (
        "/netzwerk/pruefung/programme/{program_a}/veroeffentlichen/",
        405,
    ),
    "netzwerk/pruefung/aenderungen/<int:pk>/<slug:decision>/": (
        "/netzwerk/pruefung/aenderungen/1/annehmen/",
        405,
    ),
    "koordination/pruefung/": ("/koordination/pruefung/", 301),
    "koordination/pruefung/programme/<slug:slug>/<slug:decision>/": (
        "/koordination/pruefung/programme/{program_a}/veroeffentlichen/",
        301,
    ),
    "koordination/pruefung/aenderungen/<int:pk>/<slug:decision>/": (
        "/koordination/pruefung/aenderungen/1/annehmen/",
        301,
    ),
    "netzwerk/pruefung/meldungen/": ("/netzwerk/pruefung/meldungen/", STAFF_ONLY),
    "netzwerk/pruefung/meldungen/<slug:slug>/<slug:decision>/": (
        "/netzwerk/pruefung/meldungen/{news_proposal}/veroeffentlichen/",
        405,
    ),
    # A coordinator proposes a new program; the network's feedback is acknowledged by POST.
    # Staff create programs in their own area: proposing would make them a coordinator. An
    # operator is a superuser, who holds every permission.
    "koordination/programme/neu/": (
        "/koordination/programme/neu/",
        {**ANY_COORDINATOR, "staff": 403, "operator": 200},
    ),
    "koordination/rueckmeldungen/<int:pk>/gelesen/": (
        "/koordination/rueckmeldungen/1/gelesen/",
        405,
    ),
    # The proposer's own unpublished news item: nobody else's.
    "koordination/meldungen/<slug:slug>/bearbeiten/": (
        "/koordination/meldungen/{news_proposal}/bearbeiten/",
        {
            "anonymous": LOGIN,
            "volunteer": 403,
            "applicant": 403,
            "mentor": 403,
            "coordinator_a": 200,
            "coordinator_b": 404,
            "staff": 404,
        },
    ),
    "mein-bereich/": (
        "/mein-bereich/",
        {
            "anonymous": LOGIN,
            "volunteer": 200,
            "applicant": 200,
            "coordinator_a": 200,
            "coordinator_b": 200,
            "staff": 200,
        },
    ),  # fmt: skip
    "koordination/": (
        "/koordination/",
        {
            "anonymous": LOGIN,
            "volunteer": 403,
            "applicant": 403,
            "coordinator_a": 200,
            "coordinator_b": 200,
            "staff": 200,
        },
    ),  # fmt: skip
    # The people search: every coordinator, each finding only their programs' people (the canary
    # crawl searches for the canaries of program B).
    "koordination/suche/": (
        "/koordination/suche/?q=KANARIE",
        {
            "anonymous": LOGIN,
            "volunteer": 403,
            "applicant": 403,
            "coordinator_a": 200,
            "coordinator_b": 200,
            "staff": 200,
        },
    ),  # fmt: skip
    "programme/<slug:slug>/bewerben/": (
        "/programme/{program_a}/bewerben/",
        {
            "anonymous": LOGIN,
            "volunteer": 200,
            "applicant": 200,
            "coordinator_a": 200,
            "coordinator_b": 200,
            "staff": 200,
        },
    ),  # fmt: skip
    "veranstaltungen/": ("/veranstaltungen/", 200),
    "veranstaltungen/<int:year>/<int:month>/": ("/veranstaltungen/2027/3/", 200),
    "veranstaltungen/archiv/": ("/veranstaltungen/archiv/", 200),
    "koordination/programme/<slug:slug>/bewerbungen/": (
        "/koordination/programme/{program_a}/bewerbungen/",
        PEOPLE_OF_A,
    ),
    "koordination/bewerbungen/<int:pk>/": ("/koordination/bewerbungen/{application}/", PEOPLE_OF_A),
    "koordination/bewerbungen/<int:pk>/verschieben/": (
        "/koordination/bewerbungen/{application}/verschieben/",
        405,
    ),
    "koordination/bewerbungen/<int:pk>/ablehnen/": (
        "/koordination/bewerbungen/{application}/ablehnen/",
        405,
    ),
    "koordination/bewerbungen/<int:pk>/notiz/": (
        "/koordination/bewerbungen/{application}/notiz/",
        405,
    ),
    "koordination/bewerbungen/<int:pk>/fuehrungszeugnis/": (
        "/koordination/bewerbungen/{application}/fuehrungszeugnis/",
        PEOPLE_OF_A,
    ),
    "koordination/programme/<slug:slug>/mentees/": (
        "/koordination/programme/{program_a}/mentees/",
        PEOPLE_OF_A,
    ),
    "koordination/programme/<slug:slug>/mentees/neu/": (
        "/koordination/programme/{program_a}/mentees/neu/",
        PEOPLE_OF_A,
    ),
    "koordination/mentees/<int:pk>/": ("/koordination/mentees/{mentee}/", PEOPLE_OF_A),
    # Correcting a mentee, entering a paper application: the program's coordinators only.
    "koordination/mentees/<int:pk>/bearbeiten/": (
        "/koordination/mentees/{mentee}/bearbeiten/",
        PEOPLE_OF_A,
    ),
    "koordination/programme/<slug:slug>/bewerbungen/neu/": (
        "/koordination/programme/{program_a}/bewerbungen/neu/",
        PEOPLE_OF_A,
    ),
    # The people import: the program's coordinators only; an upload's token only in the session
    # of whoever uploaded it (a made-up one is 404 for everybody).
    "koordination/programme/<slug:slug>/import/": (
        "/koordination/programme/{program_a}/import/",
        PEOPLE_OF_A,
    ),
    "koordination/programme/<slug:slug>/import/vorlage-<str:kind>.<str:extension>": (
        "/koordination/programme/{program_a}/import/vorlage-mentees.csv",
        PEOPLE_OF_A,
    ),
    "koordination/programme/<slug:slug>/import/einladen/": (
        "/koordination/programme/{program_a}/import/einladen/",
        405,
    ),
    "koordination/programme/<slug:slug>/import/<str:token>/": (
        "/koordination/programme/{program_a}/import/ausgedacht/",
        {
            "anonymous": LOGIN,
            "volunteer": 404,
            "applicant": 404,
            "coordinator_a": 404,
            "coordinator_b": 404,
            "staff": 404,
        },
    ),  # fmt: skip
    # Everybody's own profile (a page that says how to apply for those without one).
    "mein-bereich/profil/": ("/mein-bereich/profil/", SIGNED_IN),
    "koordination/programme/<slug:slug>/einstellungen/": (
        "/koordination/programme/{program_a}/einstellungen/",
        PEOPLE_OF_A,
    ),
    "koordination/bewerbungen/<int:pk>/schulung/": (
        "/koordination/bewerbungen/{application}/schulung/",
        405,
    ),
    "koordination/bewerbungen/<int:pk>/verhaltenskodex/": (
        "/koordination/bewerbungen/{application}/verhaltenskodex/",
        405,
    ),
    "koordination/mentees/<int:pk>/vorschlagen/": (
        "/koordination/mentees/{mentee}/vorschlagen/",
        405,
    ),
    # The event calendar: public event pages and iCalendar files.
    "veranstaltungen/kalender.ics": ("/veranstaltungen/kalender.ics", 200),
    "veranstaltungen/<slug:slug>.ics": ("/veranstaltungen/{event}.ics", 200),
    "veranstaltungen/<slug:slug>/": ("/veranstaltungen/{event}/", 200),
    # Events of coordinators' programs: submission, and the network's review of them.
    "koordination/veranstaltungen/": ("/koordination/veranstaltungen/", ANY_COORDINATOR),
    "koordination/veranstaltungen/neu/": ("/koordination/veranstaltungen/neu/", ANY_COORDINATOR),
    "netzwerk/pruefung/veranstaltungen/": ("/netzwerk/pruefung/veranstaltungen/", STAFF_ONLY),
    "koordination/veranstaltungen/pruefung/": ("/koordination/veranstaltungen/pruefung/", 301),
    "koordination/veranstaltungen/<slug:slug>/bearbeiten/": (
        "/koordination/veranstaltungen/{event}/bearbeiten/",
        {**PEOPLE_OF_A, "staff": 200},
    ),
    "koordination/veranstaltungen/<slug:slug>/einreichen/": (
        "/koordination/veranstaltungen/{event}/einreichen/",
        405,
    ),
    "koordination/veranstaltungen/<slug:slug>/absagen/": (
        "/koordination/veranstaltungen/{event}/absagen/",
        405,
    ),
    "koordination/veranstaltungen/<slug:slug>/veroeffentlichen/": (
        "/koordination/veranstaltungen/{event}/veroeffentlichen/",
        405,
    ),
    "koordination/veranstaltungen/<slug:slug>/zurueckweisen/": (
        "/koordination/veranstaltungen/{event}/zurueckweisen/",
        405,
    ),
    # Registration without an account; the cancel link's signed token is its key.
    "veranstaltungen/<slug:slug>/anmelden/": ("/veranstaltungen/{event}/anmelden/", 200),
    "veranstaltungen/abmelden/<str:token>/": ("/veranstaltungen/abmelden/{cancel_token}/", 200),
    # The confirmation link (double opt-in): its signed token is its key, as the cancel link's.
    "veranstaltungen/bestaetigen/<str:token>/": (
        "/veranstaltungen/bestaetigen/{confirm_token}/",
        200,
    ),
    "koordination/veranstaltungen/<slug:slug>/teilnehmende/": (
        "/koordination/veranstaltungen/{event}/teilnehmende/",
        # A program's event: its participants are the program's people, not the network's.
        PEOPLE_OF_A,
    ),
    "koordination/veranstaltungen/<slug:slug>/teilnehmende.csv": (
        "/koordination/veranstaltungen/{event}/teilnehmende.csv",
        PEOPLE_OF_A,
    ),
    # News and the staff's editorial pages (the catch-all page path comes last of all).
    "aktuelles/": ("/aktuelles/", 200),
    "aktuelles/feed/": ("/aktuelles/feed/", 200),
    "aktuelles/<slug:slug>/": ("/aktuelles/{news}/", 200),
    "koordination/meldungen/": ("/koordination/meldungen/", ANY_COORDINATOR),
    "koordination/meldungen/neu/": ("/koordination/meldungen/neu/", ANY_COORDINATOR),
    # The network staff's content pages, in place of the admin: staff and operators only.
    "netzwerk/meldungen/": ("/netzwerk/meldungen/", STAFF_ONLY),
    "netzwerk/meldungen/neu/": ("/netzwerk/meldungen/neu/", STAFF_ONLY),
    "netzwerk/meldungen/<int:pk>/bearbeiten/": (
        "/netzwerk/meldungen/{news_id}/bearbeiten/",
        STAFF_ONLY,
    ),
    "netzwerk/meldungen/<int:pk>/vorschau/": (
        "/netzwerk/meldungen/{news_id}/vorschau/",
        STAFF_ONLY,
    ),
    "netzwerk/meldungen/<int:pk>/veroeffentlichen/": (
        "/netzwerk/meldungen/{news_id}/veroeffentlichen/",
        405,
    ),
    "netzwerk/meldungen/<int:pk>/loeschen/": (
        "/netzwerk/meldungen/{news_id}/loeschen/",
        STAFF_ONLY,
    ),
    "netzwerk/meldungen/<int:pk>/offline/": ("/netzwerk/meldungen/{news_id}/offline/", 405),
    "netzwerk/vokabulare/": ("/netzwerk/vokabulare/", STAFF_ONLY),
    "netzwerk/vokabulare/<slug:kind>/neu/": ("/netzwerk/vokabulare/themen/neu/", STAFF_ONLY),
    "netzwerk/vokabulare/<slug:kind>/<int:pk>/bearbeiten/": (
        "/netzwerk/vokabulare/meldungsthemen/{news_tag}/bearbeiten/",
        STAFF_ONLY,
    ),
    "netzwerk/seiten/": ("/netzwerk/seiten/", STAFF_ONLY),
    "netzwerk/seiten/neu/": ("/netzwerk/seiten/neu/", STAFF_ONLY),
    "netzwerk/seiten/<int:pk>/bearbeiten/": ("/netzwerk/seiten/{page_id}/bearbeiten/", STAFF_ONLY),
    "netzwerk/seiten/<int:pk>/loeschen/": ("/netzwerk/seiten/{page_id}/loeschen/", STAFF_ONLY),
    "netzwerk/partner/": ("/netzwerk/partner/", STAFF_ONLY),
    "netzwerk/partner/neu/": ("/netzwerk/partner/neu/", STAFF_ONLY),
    "netzwerk/partner/<int:pk>/bearbeiten/": (
        "/netzwerk/partner/{partner}/bearbeiten/",
        STAFF_ONLY,
    ),
    "netzwerk/partner/<int:pk>/loeschen/": ("/netzwerk/partner/{partner}/loeschen/", STAFF_ONLY),
    "netzwerk/ansprechpersonen/": ("/netzwerk/ansprechpersonen/", STAFF_ONLY),
    "netzwerk/ansprechpersonen/neu/": ("/netzwerk/ansprechpersonen/neu/", STAFF_ONLY),
    "netzwerk/ansprechpersonen/<int:pk>/bearbeiten/": (
        "/netzwerk/ansprechpersonen/{contact}/bearbeiten/",
        STAFF_ONLY,
    ),
    "netzwerk/ansprechpersonen/<int:pk>/loeschen/": (
        "/netzwerk/ansprechpersonen/{contact}/loeschen/",
        STAFF_ONLY,
    ),
    "<slug:slug>/": ("/{page}/", 200),
    "mein-bereich/bewerbungen/<int:pk>/zurueckziehen/": (
        "/mein-bereich/bewerbungen/{application}/zurueckziehen/",
        405,
    ),
    # The coordinators' tandem screens (the tandem of program A is running).
    "koordination/tandems/<int:pk>/": ("/koordination/tandems/{tandem}/", PEOPLE_OF_A),
    # Documents on records: uploads are POST only; the file and its deletion only for A's
    # coordinators (everyone else signed in: 404, a guessed token too).
    "koordination/bewerbungen/<int:pk>/dokumente/": (
        "/koordination/bewerbungen/{application}/dokumente/",
        405,
    ),
    "koordination/mentees/<int:pk>/dokumente/": ("/koordination/mentees/{mentee}/dokumente/", 405),
    "koordination/tandems/<int:pk>/dokumente/": ("/koordination/tandems/{tandem}/dokumente/", 405),
    "koordination/dokumente/<uuid:token>/": ("/koordination/dokumente/{document}/", PEOPLE_OF_A),
    "koordination/dokumente/<uuid:token>/loeschen/": (
        "/koordination/dokumente/{document}/loeschen/",
        PEOPLE_OF_A,
    ),
    "koordination/tandems/<int:pk>/starten/": (
        "/koordination/tandems/{tandem}/starten/",
        {**PEOPLE_OF_A, "coordinator_a": 302},  # already started: back to the tandem page
    ),
    "koordination/tandems/<int:pk>/status/": ("/koordination/tandems/{tandem}/status/", 405),
    "koordination/tandems/<int:pk>/beenden/": (
        "/koordination/tandems/{tandem}/beenden/",
        PEOPLE_OF_A,
    ),
    "koordination/tandems/<int:pk>/ziele/": ("/koordination/tandems/{tandem}/ziele/", 405),
    # Match support and concerns: only A's coordinators (staff too get 404); the mentor raises a
    # concern from their own tandem.
    "koordination/tandems/<int:pk>/begleitung/": (
        "/koordination/tandems/{tandem}/begleitung/",
        PEOPLE_OF_A,
    ),
    "koordination/tandems/<int:pk>/sorge/": ("/koordination/tandems/{tandem}/sorge/", PEOPLE_OF_A),
    "koordination/sorgen/<int:pk>/": ("/koordination/sorgen/{concern}/", PEOPLE_OF_A),
    "mein-bereich/tandems/<int:pk>/sorge/": ("/mein-bereich/tandems/{tandem}/sorge/", MENTOR_OF_A),
    "koordination/ziele/<int:pk>/": ("/koordination/ziele/{goal}/", 405),
    "koordination/checkins/<int:pk>/": ("/koordination/checkins/{checkin}/", PEOPLE_OF_A),
    # The mentor's own screens: only the tandem's mentor; the calendar feed's token is its key.
    "mein-bereich/tandems/<int:pk>/": ("/mein-bereich/tandems/{tandem}/", MENTOR_OF_A),
    "mein-bereich/tandems/<int:pk>/treffen/eintragen/": (
        "/mein-bereich/tandems/{tandem}/treffen/eintragen/",
        MENTOR_OF_A,
    ),
    "mein-bereich/treffen/<int:pk>/eintragen/": (
        "/mein-bereich/treffen/{meeting}/eintragen/",
        MENTOR_OF_A,
    ),
    "mein-bereich/tandems/<int:pk>/treffen/planen/": (
        "/mein-bereich/tandems/{tandem}/treffen/planen/",
        MENTOR_OF_A,
    ),
    "mein-bereich/treffen/<int:pk>/absagen/": ("/mein-bereich/treffen/{meeting}/absagen/", 405),
    "mein-bereich/treffen/<int:pk>.ics": (
        "/mein-bereich/treffen/{meeting}.ics",
        {**MENTOR_OF_A, "coordinator_a": 200},
    ),
    "mein-bereich/kalender/<str:token>.ics": ("/mein-bereich/kalender/{feed_token}.ics", 200),
    "mein-bereich/kalender/erneuern/": ("/mein-bereich/kalender/erneuern/", 405),
    "mein-bereich/kalender/abschalten/": ("/mein-bereich/kalender/abschalten/", 405),
    "mein-bereich/tandems/<int:pk>/ziele/": ("/mein-bereich/tandems/{tandem}/ziele/", 405),
    "mein-bereich/ziele/<int:pk>/": ("/mein-bereich/ziele/{goal}/", 405),
    "mein-bereich/checkins/<int:pk>/": ("/mein-bereich/checkins/{mentor_checkin}/", MENTOR_OF_A),
    # The dashboard's lists of what needs action, and all tandems of a program, with CSV.
    "koordination/programme/<slug:slug>/tandems/": (
        "/koordination/programme/{program_a}/tandems/",
        PEOPLE_OF_A,
    ),
    "koordination/programme/<slug:slug>/tandems.csv": (
        "/koordination/programme/{program_a}/tandems.csv",
        PEOPLE_OF_A,
    ),
    "koordination/programme/<slug:slug>/handlungsbedarf/<slug:kind>/": (
        "/koordination/programme/{program_a}/handlungsbedarf/ohne-treffen/",
        PEOPLE_OF_A,
    ),
    "koordination/programme/<slug:slug>/handlungsbedarf/<slug:kind>.csv": (
        "/koordination/programme/{program_a}/handlungsbedarf/ohne-treffen.csv",
        PEOPLE_OF_A,
    ),
    # Reports for funders; the network's aggregated figures are for staff only.
    "koordination/programme/<slug:slug>/bericht/": (
        "/koordination/programme/{program_a}/bericht/",
        PEOPLE_OF_A,
    ),
    "koordination/programme/<slug:slug>/bericht.csv": (
        "/koordination/programme/{program_a}/bericht.csv",
        PEOPLE_OF_A,
    ),
    # The program import in the browser: network staff and operators; an upload is its
    # uploader's only (the world's is the staff member's), the POST-only steps answer 405 to GET.
    "netzwerk/import/": ("/netzwerk/import/", STAFF_ONLY),
    "netzwerk/import/vorlage.xlsx": ("/netzwerk/import/vorlage.xlsx", STAFF_ONLY),
    "netzwerk/import/anleitung/": ("/netzwerk/import/anleitung/", STAFF_ONLY),
    "netzwerk/import/<int:pk>/": (
        "/netzwerk/import/{program_import}/",
        {**STAFF_ONLY, "operator": 404},
    ),
    "netzwerk/import/<int:pk>/spalten/": (
        "/netzwerk/import/{program_import}/spalten/",
        {**STAFF_ONLY, "operator": 404},
    ),
    "netzwerk/import/<int:pk>/importieren/": (
        "/netzwerk/import/{program_import}/importieren/",
        405,
    ),
    "netzwerk/import/<int:pk>/verwerfen/": ("/netzwerk/import/{program_import}/verwerfen/", 405),
    "koordination/netzwerk/bericht/": ("/koordination/netzwerk/bericht/", STAFF_ONLY),
    "koordination/netzwerk/bericht.csv": ("/koordination/netzwerk/bericht.csv", STAFF_ONLY),
    "mentoring-wirkt/": ("/mentoring-wirkt/", 200),
    # A program's audit trail names its people: only its coordinators, as their records.
    "koordination/programme/<slug:slug>/protokoll/": (
        "/koordination/programme/{program_a}/protokoll/",
        PEOPLE_OF_A,
    ),
    # Everybody's own notification settings; the one-click unsubscribe link needs no login (its
    # signed token is the key), so a valid token answers 200 to every role. A GET changes nothing.
    "mein-bereich/benachrichtigungen/": (
        "/mein-bereich/benachrichtigungen/",
        {
            "anonymous": LOGIN,
            "volunteer": 200,
            "applicant": 200,
            "coordinator_a": 200,
            "coordinator_b": 200,
            "staff": 200,
        },
    ),  # fmt: skip
    "benachrichtigungen/abbestellen/<str:token>/": (
        "/benachrichtigungen/abbestellen/{unsubscribe_token}/",
        200,
    ),
    # The privacy self-service: each person's own data only (no ids in these paths), a mentee's
    # export and erasure for the coordinators of the mentee's program.
    "mein-bereich/meine-daten/": ("/mein-bereich/meine-daten/", SIGNED_IN),
    "mein-bereich/meine-daten/export.zip": ("/mein-bereich/meine-daten/export.zip", SIGNED_IN),
    "mein-bereich/konto-loeschen/": ("/mein-bereich/konto-loeschen/", SIGNED_IN),
    "mein-bereich/einwilligungen/": ("/mein-bereich/einwilligungen/", SIGNED_IN),
    "mein-bereich/einwilligungen/<int:pk>/widerrufen/": (
        "/mein-bereich/einwilligungen/{volunteer_consent}/widerrufen/",
        405,
    ),
    "koordination/mentees/<int:pk>/export.zip": (
        "/koordination/mentees/{mentee}/export.zip",
        PEOPLE_OF_A,
    ),
    "koordination/mentees/<int:pk>/loeschen/": (
        "/koordination/mentees/{mentee}/loeschen/",
        PEOPLE_OF_A,
    ),
    "koordination/einwilligungen/<int:pk>/widerrufen/": (
        "/koordination/einwilligungen/{mentee_consent}/widerrufen/",
        405,
    ),
    "koordination/programme/<slug:slug>/aufbewahrung/": (
        "/koordination/programme/{program_a}/aufbewahrung/",
        PEOPLE_OF_A,
    ),
    # The coordinator's day: messages to volunteers (per program), to-dos (across the user's
    # programs: every coordinator their own, nobody else).
    "koordination/programme/<slug:slug>/nachricht/": (
        "/koordination/programme/{program_a}/nachricht/",
        PEOPLE_OF_A,
    ),
    "koordination/programme/<slug:slug>/nachrichten/": (
        "/koordination/programme/{program_a}/nachrichten/",
        PEOPLE_OF_A,
    ),
    "koordination/programme/<slug:slug>/nachrichten/<int:pk>/": (
        "/koordination/programme/{program_a}/nachrichten/{message}/",
        PEOPLE_OF_A,
    ),
    "koordination/aufgaben/": ("/koordination/aufgaben/", OWN_COORDINATION),
    "koordination/aufgaben/neu/": ("/koordination/aufgaben/neu/", OWN_COORDINATION),
    "koordination/aufgaben/<int:pk>/erledigt/": ("/koordination/aufgaben/{todo}/erledigt/", 405),
}


def expected_status(expected: int | dict[str, int], role: str) -> int:
    """A row's status for `role`: a single int is the same for everyone; a role the row does not
    name gets what a volunteer gets (an operator: what network staff get, where the row says)."""
    if isinstance(expected, int):
        return expected
    fallback = "staff" if role == "operator" and "staff" in expected else "volunteer"
    return expected.get(role, expected[fallback])


def paths_answering(world: dict, role: str, status: int = 200) -> list[str]:
    """The matrix's paths, filled from `world`, that answer `role` with `status` (MATRIX order)."""
    return [
        template.format(**world["values"])
        for template, expected in MATRIX.values()
        if expected_status(expected, role) == status
    ]


def published_event(program, *, title: str):
    """A published event of the program with registration on the portal, a week from now."""
    from events.models import Event, EventType

    starts_at = timezone.now() + timedelta(days=7)
    event = Event(
        title=title,
        slug=title.lower().replace(" ", "-"),
        event_type=EventType.objects.get(slug="netzwerktreffen"),
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        postcode="04109",
        program=program,
        registration=Event.Registration.PORTAL,
        capacity=20,
    )
    event = event_services.event_save(event=event)
    return event_services.event_publish(event=event, by=None)


def _published_news(program):
    from news.models import NewsItem

    return NewsItem.objects.create(
        title="Meldung A",
        slug="meldung-a",
        published_on=timezone.localdate(),
        teaser="News of program A.",
        status=NewsItem.Status.PUBLISHED,
    )


def _editorial_page() -> str:
    from django.contrib.flatpages.models import FlatPage

    from pages import services as page_services

    page_services.page_save(
        page=FlatPage(url="/ueber-mentoring/", title="Social mentoring", content="Text"),
        published=True,
    )
    return "ueber-mentoring"


def tandem_document(tandem, *, title: str):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from pypdf import PdfWriter

    from tandems.services import documents

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Title": title})
    buffer = io.BytesIO()
    writer.write(buffer)
    return documents.document_add(
        program=tandem.program,
        upload=SimpleUploadedFile("vereinbarung.pdf", buffer.getvalue()),
        title=title,
        kind="vereinbarung",
        by=None,
        tandem=tandem,
    )


def build_world() -> dict:
    """Program A with its coordinator, program B with its own, a volunteer who applied to A, and
    a mentor of A with a running tandem: a planned meeting, a goal, a due check-in, a feed.

    Names and titles that the pages show as they were entered are English or neutral ("Program
    A", "Meeting A"): tests/test_english.py looks for German interface texts on English pages,
    and a program called "Programm A" would show the German name of a news topic ("Programm").
    """
    from tandems.models import ConsentRecord, Mentee
    from tandems.services import lifecycle, support
    from tests.factories import running_tandem
    from tests.factories.tandems import profile_for

    coordinator_a = ProgramCoordinatorFactory(program__name="Program A")
    coordinator_b = ProgramCoordinatorFactory(program__name="Program B")
    applicant = UserFactory()
    profile_for(applicant)
    application = services.application_submit(
        program=coordinator_a.program, user=applicant, privacy_version="1"
    )
    mentee = services.mentee_register(
        mentee=Mentee(
            program=coordinator_a.program,
            first_name="Mentee A",
            year_of_birth=1990,
            postcode="04109",
            languages="Deutsch",
        )
    )
    tandem = running_tandem(coordinator_a.program, by=coordinator_a.user, mentee_name="Tandem A")
    meeting = lifecycle.meeting_plan(
        tandem=tandem,
        by=tandem.mentor,
        day=timezone.localdate() + timedelta(days=3),
        start=time(16, 0),
        end=time(17, 0),
    )
    goal = lifecycle.goal_add(tandem=tandem, title="Ziel A")
    checkin = tandem.checkins.get(respondent="mentee", occasion="start")
    mentor_checkin = tandem.checkins.get(respondent="mentor", occasion="start")
    feed = lifecycle.calendar_feed_for(user=tandem.mentor)
    event = published_event(coordinator_a.program, title="Meeting A")
    news = _published_news(coordinator_a.program)
    from news import services as news_services

    news_proposal = news_services.news_item_propose(
        by=coordinator_a.user,
        program=coordinator_a.program,
        title="Vorschlag A",
        teaser="A proposal of program A.",
    )
    page = _editorial_page()
    registration = event_services.registration_create(
        event=event, name="Teilnehmerin A", email="teilnahme-a@example.org", consent_version="1"
    )
    concern = support.concern_raise(
        program=coordinator_a.program, tandem=tandem, by=tandem.mentor, text="Sorge A"
    )
    ScanHeartbeat.objects.create(completed_at=timezone.now())
    message, _new = message_services.program_message_send(
        program=coordinator_a.program,
        sender=coordinator_a.user,
        subject="Nachricht A",
        body="Text A",
        audience="mentors",
        recipients=[tandem.mentor],
        description="Mentor:innen",
    )
    todo = todo_services.todo_create(
        program=coordinator_a.program,
        title="Aufgabe A",
        due_on=timezone.localdate(),
        assignee=coordinator_a.user,
        by=coordinator_a.user,
        tandem=tandem,
    )
    from programs.invitations import invitation_create, invitation_token

    invitation = invitation_create(
        program=coordinator_a.program, email="eingeladen-a@example.org", by=None
    )
    staff = UserFactory(is_staff=True)
    program_import = ProgramImport.objects.create(
        uploaded_by=staff, file_name="programme.csv", data="Name;Träger\nA;B\n".encode()
    )
    document = tandem_document(tandem, title="Vereinbarung A")
    return {
        "users": {
            "anonymous": None,
            "volunteer": UserFactory(),
            "applicant": applicant,
            "mentor": tandem.mentor,
            "coordinator_a": coordinator_a.user,
            "coordinator_b": coordinator_b.user,
            "staff": staff,
            "operator": UserFactory(is_staff=True, is_superuser=True),
        },
        "values": {
            "program_a": coordinator_a.program.slug,
            "program_import": program_import.pk,
            "organization_a": coordinator_a.program.organization.slug,
            "invitation": invitation.pk,
            "invitation_token": invitation_token(invitation),
            "message": message.pk,
            "todo": todo.pk,
            "application": application.pk,
            "mentee": mentee.pk,
            "tandem": tandem.pk,
            "document": document.token,
            "concern": concern.pk,
            "meeting": meeting.pk,
            "goal": goal.pk,
            "checkin": checkin.pk,
            "mentor_checkin": mentor_checkin.pk,
            "feed_token": feed.token,
            "event": event.slug,
            "cancel_token": cancel_token(registration),
            "confirm_token": confirm_token(registration),
            "unsubscribe_token": unsubscribe_token(f"user:{tandem.mentor.pk}", "meeting_reminder"),
            "news": news.slug,
            "news_proposal": news_proposal.slug,
            "news_id": news.pk,
            "page": page,
            "page_id": FlatPage.objects.get(url=f"/{page}/").pk,
            # Hidden: without a logo file it must not reach the footer.
            "partner": Partner.objects.create(
                name="Stiftung A", logo="", logo_alt="Stiftung A", published=False
            ).pk,
            "contact": ContactPerson.objects.create(name="Ansprechperson A").pk,
            "news_tag": NewsTag.objects.create(slug="thema-a", name_de="Thema A", name_en="A").pk,
            "volunteer_consent": applicant.consents.get().pk,
            "mentee_consent": ConsentRecord.objects.create(
                scope=ConsentRecord.Scope.REMINDERS, mentee=mentee, text_version="1"
            ).pk,
        },
    }

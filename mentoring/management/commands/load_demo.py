from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.services import user_create_verified
from events.demo import create_demo_events, generate_events
from news.demo import create_demo_news
from notifications.services import held_back
from pages.demo import create_demo_pages
from programs import services as program_services
from programs.demo import (
    create_demo_import,
    create_demo_invitation,
    create_demo_programs,
    create_demo_proposal,
    generate_programs,
)
from programs.models import Program, ProgramCoordinator
from tandems.demo import create_demo_people, generate_tandems

OPERATOR, STAFF = "operator", "staff"
# (address, name, what the login shows, role above a volunteer: OPERATOR, STAFF or "")
DEMO_USERS = [
    ("betrieb@example.org", "Bea Betrieb", "operator (superuser: the admin, settings)", OPERATOR),
    (
        "netzwerk@example.org",
        "Nora Netzwerk",
        "network staff (/netzwerk/, no people records)",
        STAFF,
    ),
    (
        "koordination@example.org",
        "Kim Koordination",
        "coordinator in Leipzig and Dresden",
        "",
    ),
    (
        "koordination2@example.org",
        "Kai Koordination",
        "coordinator in Duisburg",
        "",
    ),
    ("mentorin@example.org", "Mira Mentorin", "volunteer, mentor in a tandem", ""),
    ("bewerber@example.org", "Ben Bewerber", "volunteer with an open application", ""),
]

# The published secret of the demo logins' authenticator app (base32; 6 digits every 30 s), so
# that anyone can try the demo: coordinators, network staff and operators need a second factor.
# Only this command ever creates an authenticator with it.
DEMO_TOTP_SECRET = "MENTORINGDEMO234"

# Which demo programs each demo coordinator manages.
DEMO_COORDINATION = {
    "koordination@example.org": ["Lesepat:innen Leipzig", "Balu und Du Dresden"],
    "koordination2@example.org": ["Ankommenspatenschaften Duisburg"],
}


class Command(BaseCommand):
    help = "Create realistic German demo data and the demo logins. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--programs", type=int, default=0, help="additional generated programs")
        parser.add_argument("--events", type=int, default=0, help="generated events")
        parser.add_argument("--tandems", type=int, default=0, help="generated tandems")
        parser.add_argument("--seed", type=int, default=1, help="seed of the generated data")
        parser.add_argument(
            "--password", default="mentoring-demo", help="password of the demo logins"
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="load only into a database without accounts; else keep it as it is (make run)",
        )

    def handle(self, *args, **options):
        if options["if_empty"] and get_user_model().objects.exists():
            self.stdout.write(
                "The database holds data already: kept as it is, with your changes "
                "(make reset-demo starts over with fresh demo data)."
            )
        else:
            # The demo's people are made up: the mails about their applications would go to
            # nobody, and in the quickstart they would bury the logins under pages of console mail.
            with held_back("demo data: not sent"):
                self.load(options)
            self.stdout.write(self.style.SUCCESS("Demo data is ready."))
        self.print_logins(options["password"])

    @transaction.atomic
    def load(self, options):
        # One hash for every demo account: hashing is slow on purpose (about 0.5 s each).
        password_hash = make_password(options["password"])
        users = {
            email: user_create_verified(
                email=email,
                password_hash=password_hash,
                name=name,
                is_staff=role == STAFF,
                is_superuser=role == OPERATOR,
            )
            for email, name, _label, role in DEMO_USERS
        }
        programs = create_demo_programs()
        for email, names in DEMO_COORDINATION.items():
            for name in names:
                program, user = programs[name], users[email]
                if not ProgramCoordinator.objects.filter(program=program, user=user).exists():
                    program_services.coordinator_grant(program=program, user=user)
        # An open invitation to coordinate, as network staff would send it (its mail is held
        # back with the demo's others).
        create_demo_invitation(
            program=programs["Ankommenspatenschaften Duisburg"], by=users["netzwerk@example.org"]
        )
        create_demo_import(user=users["netzwerk@example.org"])
        for email, _name, _label, role in DEMO_USERS:
            if role or email in DEMO_COORDINATION:
                self.demo_second_factor(users[email])
        create_demo_people(
            program=programs["Lesepat:innen Leipzig"],
            coordinator=users["koordination@example.org"],
            mentor=users["mentorin@example.org"],
            applicant=users["bewerber@example.org"],
            password_hash=password_hash,
        )
        create_demo_proposal(
            coordinator=users["koordination@example.org"], staff=users["netzwerk@example.org"]
        )
        create_demo_events()
        create_demo_news()
        create_demo_pages()
        if options["programs"]:
            created = generate_programs(count=options["programs"], seed=options["seed"])
            self.stdout.write(f"{created} generated programs added.")

        if options["tandems"]:
            focus = [programs[name] for name in DEMO_COORDINATION["koordination@example.org"]]
            created = generate_tandems(
                count=options["tandems"],
                seed=options["seed"],
                programs=list(Program.objects.published().order_by("pk")),
                focus=focus,
            )
            self.stdout.write(f"{created} generated tandems added.")
        if options["events"]:
            created = generate_events(count=options["events"], seed=options["seed"])
            self.stdout.write(f"{created} generated events added.")

    def demo_second_factor(self, user):
        """The demo's authenticator app: the published secret, in place of any other."""
        Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
        TOTP.activate(user, DEMO_TOTP_SECRET)

    def print_logins(self, password):
        """The last lines before `make run` starts the server: where, who, and where mails go."""
        self.stdout.write(f"\nThe portal: {settings.SITE_URL}/")
        self.stdout.write(f"Demo logins, each with the password {password}:")
        for email, _name, label, _role in DEMO_USERS:
            self.stdout.write(f"  {email:<28} {label}")
        self.stdout.write(
            "Coordinators, staff and the operator sign in with a second factor: add the secret "
            f"{DEMO_TOTP_SECRET} to an authenticator app (TOTP, 6 digits, 30 s), or run "
            f"oathtool --totp -b {DEMO_TOTP_SECRET}"
        )
        if settings.EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend":
            self.stdout.write(
                "E-mails (e.g. to confirm a sign-up) are not sent: the server prints them in "
                "its console, this terminal."
            )
        else:
            self.stdout.write(f"E-mails are sent as EMAIL_URL says ({settings.EMAIL_BACKEND}).")
        self.stdout.write("")

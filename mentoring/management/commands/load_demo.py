from django.core.management.base import BaseCommand
from django.db import transaction

from mentoring.services import user_create_verified
from programs.models import Organization, Program, ProgramCoordinator

DEMO_USERS = [
    ("netzwerk@example.org", "Nora Netzwerk", "network staff", True),
    (
        "koordination@example.org",
        "Kim Koordination",
        "coordinator of “Lesepat:innen Leipzig”",
        False,
    ),
    (
        "koordination2@example.org",
        "Kai Koordination",
        "coordinator of “Ankommenspatenschaften Duisburg”",
        False,
    ),
    ("mentorin@example.org", "Mira Mentorin", "volunteer, mentor in a tandem", False),
    ("bewerber@example.org", "Ben Bewerber", "volunteer with an open application", False),
]

DEMO_PROGRAMS = [
    {
        "organization": ("Bürgerstiftung Leipzig (Demo)", "buergerstiftung-leipzig-demo"),
        "name": "Lesepat:innen Leipzig",
        "slug": "lesepatinnen-leipzig",
        "summary": (
            "Ehrenamtliche lesen einmal pro Woche mit Grundschulkindern "
            "und wecken die Freude an Büchern."
        ),
        "coordinator": "koordination@example.org",
    },
    {
        "organization": ("Caritas-Verband Duisburg (Demo)", "caritas-duisburg-demo"),
        "name": "Ankommenspatenschaften Duisburg",
        "slug": "ankommenspatenschaften-duisburg",
        "summary": "Pat:innen begleiten geflüchtete Familien bei den ersten Schritten in Duisburg.",
        "coordinator": "koordination2@example.org",
    },
]


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

    @transaction.atomic
    def handle(self, *args, **options):
        password = options["password"]
        users = {
            email: user_create_verified(
                email=email, password=password, name=name, is_staff=is_staff
            )
            for email, name, _role, is_staff in DEMO_USERS
        }
        for spec in DEMO_PROGRAMS:
            org_name, org_slug = spec["organization"]
            organization, _ = Organization.objects.update_or_create(
                slug=org_slug, defaults={"name": org_name, "is_network_member": True}
            )
            program, _ = Program.objects.update_or_create(
                slug=spec["slug"],
                defaults={
                    "organization": organization,
                    "name": spec["name"],
                    "summary": spec["summary"],
                    "status": Program.Status.PUBLISHED,
                },
            )
            ProgramCoordinator.objects.get_or_create(
                program=program, user=users[spec["coordinator"]]
            )

        for name in ("programs", "events", "tandems"):
            if options[name]:
                # The generated benchmark data arrives with the models of each part.
                self.stderr.write(
                    f"--{name} {options[name]}: not generated yet (no such models yet)."
                )

        self.stdout.write(self.style.SUCCESS("Demo data is ready. Demo logins:"))
        for email, _name, role, _staff in DEMO_USERS:
            self.stdout.write(f"  {email:<28} {password}   ({role})")

"""Demo people for `load_demo`: applicants in every stage, screening records, waiting mentees and
the demo mentor's tandem. Idempotent: everything is keyed by e-mail address or name."""

from datetime import time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from mentoring.services import user_create_verified
from programs.models import Program, TargetGroup, Topic

from . import lifecycle, services
from .models import Application, Mentee, Rhythm, Tandem, VolunteerProfile, Weekday

APPLICANTS = [
    ("Jonas Berger", 0),
    ("Aylin Demir", 1),
    ("Sophie Wagner", 2),
    ("Lukas Hoffmann", 3),
    ("Hanna Schulz", 4),
]
MENTEES = [
    ("Emil", 8, "Deutsch", ["lesen-und-sprache"]),
    ("Lina", 9, "Deutsch, Arabisch", ["lesen-und-sprache", "freizeit"]),
    ("Noah", 7, "Deutsch, Ukrainisch", ["schule-und-lernen"]),
]


def _profile(user, name: str, postcode: str = "04109") -> VolunteerProfile:
    profile = VolunteerProfile.objects.filter(user=user).first() or VolunteerProfile(user=user)
    profile.name = name
    profile.year_of_birth = 1985
    profile.postcode = postcode
    profile.languages = "Deutsch, Englisch"
    profile.availability = ["mo-nachmittag", "mi-nachmittag", "sa-vormittag"]
    profile.preferred_age_groups = ["kinder"]
    profile.motivation = "Ich möchte Kindern die Freude am Lesen weitergeben."
    return services.volunteer_profile_save(
        profile=profile,
        interests=Topic.objects.filter(slug__in=["lesen-und-sprache", "freizeit"]),
        target_groups=TargetGroup.objects.filter(slug="kinder"),
    )


def _apply(program, user, stage_position: int, coordinator) -> Application:
    application = Application.objects.open().filter(program=program, volunteer=user).first()
    if application is None:
        application = services.application_submit(
            program=program, user=user, privacy_version="2026-11"
        )
    stages = services.pipeline_ensure_default(program=program)
    target = stages[stage_position]
    if target.needs_certificate and not services.volunteer_is_screened(
        program=program, volunteer=user
    ):
        today = timezone.localdate()
        services.screening_record_save(
            program=program,
            volunteer=user,
            inspected=True,
            certificate_issued_on=today - timedelta(days=20),
            inspected_on=today - timedelta(days=5),
            inspected_by=coordinator,
            relevant_entry=False,
        )
    if application.stage != target:
        application = services.application_advance(
            application=application, stage=target, by=coordinator
        )
    return application


@transaction.atomic
def create_demo_people(*, program: Program, coordinator, mentor, applicant, password: str) -> None:
    User = get_user_model()
    _profile(applicant, "Ben Bewerber")
    _apply(program, applicant, 1, coordinator)
    for n, (name, position) in enumerate(APPLICANTS):
        email = f"freiwillig{n + 1}@example.org"
        user = User.objects.filter(email=email).first() or user_create_verified(
            email=email, password=password, name=name
        )
        _profile(user, name, postcode=["04109", "04177", "04229", "04315", "04416"][n])
        _apply(program, user, position, coordinator)

    mentees = []
    for first_name, age, languages, interests in MENTEES:
        mentee = Mentee.objects.filter(program=program, first_name=first_name).first()
        if mentee is None:
            mentee = services.mentee_register(
                mentee=Mentee(
                    program=program,
                    first_name=first_name,
                    year_of_birth=timezone.localdate().year - age,
                    postcode="04109",
                    languages=languages,
                    availability=["mo-nachmittag"],
                    guardian_name="Erziehungsberechtigte (Demo)",
                    goals_and_needs="Mehr Freude am Lesen.",
                ),
                interests=Topic.objects.filter(slug__in=interests),
                target_groups=TargetGroup.objects.filter(slug="kinder"),
                guardian_consent_version="2026-11",
            )
        mentees.append(mentee)

    _profile(mentor, "Mira Mentorin")
    _apply(program, mentor, 4, coordinator)
    if not Tandem.objects.filter(mentor=mentor, program=program).exists():
        tandem = services.tandem_propose(mentee=mentees[0], volunteer=mentor, by=coordinator)
        lifecycle.tandem_start(
            tandem=tandem,
            by=coordinator,
            started_on=timezone.localdate() - timedelta(days=100),
            rhythm=Rhythm.WEEKLY,
            preferred_weekday=Weekday.WEDNESDAY,
            preferred_time=time(16, 0),
        )

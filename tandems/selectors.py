from datetime import timedelta

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from programs.models import Program
from programs.selectors import programs_coordinated_by

from . import matching
from .models import (
    Application,
    CheckIn,
    Concern,
    Mentee,
    ScreeningRecord,
    Tandem,
    VolunteerProfile,
)
from .services import program_tandem_settings


def applications_of_coordinator(*, user, program: Program | None = None) -> QuerySet[Application]:
    """Applications only of the programs the user coordinates."""
    queryset = (
        Application.objects.filter(program__in=programs_coordinated_by(user=user))
        .select_related("program", "stage", "volunteer", "volunteer__volunteer_profile")
        .order_by("stage__position", "stage_changed_at")
    )
    return queryset.filter(program=program) if program is not None else queryset


def mentees_of_coordinator(*, user, program: Program | None = None) -> QuerySet[Mentee]:
    queryset = Mentee.objects.filter(program__in=programs_coordinated_by(user=user)).select_related(
        "program"
    )
    return queryset.filter(program=program) if program is not None else queryset


def tandems_of_coordinator(*, user, program: Program | None = None) -> QuerySet[Tandem]:
    """Tandems only of the programs the user coordinates."""
    queryset = Tandem.objects.filter(
        program__in=programs_coordinated_by(user=user).values("pk")
    ).select_related("program", "mentee", "mentor", "mentor__volunteer_profile")
    return queryset.filter(program=program) if program is not None else queryset


def concerns_of_coordinator(*, user) -> QuerySet[Concern]:
    """Concerns only of the programs the user coordinates (network staff see none of others)."""
    return Concern.objects.filter(
        program__in=programs_coordinated_by(user=user).values("pk")
    ).select_related("program", "tandem__mentee")


def open_concerns_of_coordinator(*, user) -> list[Concern]:
    """The open concerns at the top of the dashboard, the oldest first: one query."""
    return list(concerns_of_coordinator(user=user).open().order_by("raised_at", "pk"))


def tandems_of_mentor(*, user) -> QuerySet[Tandem]:
    """The user's own tandems as mentor, current ones first."""
    if not user.is_authenticated:
        return Tandem.objects.none()
    return (
        Tandem.objects.filter(mentor=user)
        .exclude(status=Tandem.Status.PROPOSED)
        .select_related("program", "program__organization", "mentee")
        .order_by("ended_on", "-started_on")
    )


# How long after the end a mentor may still answer the closing check-in.
CLOSING_CHECKIN_DAYS = 90


def checkins_of_mentor(*, user) -> QuerySet[CheckIn]:
    """The check-ins a mentor may answer: those of their current tandems, and the closing ones
    of a tandem that ended in the last 90 days (due or not, answered or not)."""
    tandems = tandems_of_mentor(user=user)
    recent = timezone.localdate() - timedelta(days=CLOSING_CHECKIN_DAYS)
    return CheckIn.objects.filter(
        Q(tandem__in=tandems.current().values("pk"))
        | Q(
            tandem__in=tandems.ended().filter(ended_on__gte=recent).values("pk"),
            occasion=CheckIn.Occasion.CLOSURE,
        )
    )


def _ready_profiles(*, program: Program) -> list[VolunteerProfile]:
    settings = program_tandem_settings(program=program)
    today = timezone.localdate()
    volunteer_ids = (
        Application.objects.open()
        .filter(program=program, stage__is_ready=True)
        .values("volunteer_id")
    )
    profiles = list(
        VolunteerProfile.objects.filter(user_id__in=volunteer_ids)
        .select_related("user")
        .prefetch_related(
            "interests",
            "preferred_target_groups",
            Prefetch(
                "user__screening_records",
                queryset=ScreeningRecord.objects.filter(program=program),
                to_attr="program_screenings",
            ),
        )
    )
    if not settings.requires_certificate:
        return profiles
    return [
        profile
        for profile in profiles
        if any(
            record.is_valid_on(today, years=settings.reinspection_years)
            for record in profile.user.program_screenings
        )
    ]


def candidates_for_mentee(*, mentee: Mentee) -> list[matching.Match]:
    """Ready, screened volunteers of the mentee's program, best match first, each explained."""
    settings = program_tandem_settings(program=mentee.program)
    today = timezone.localdate()
    mentee_interests = set(mentee.interests.all())
    mentee_groups = set(mentee.target_groups.all())
    matches = [
        matching.score(
            profile=profile,
            mentee=mentee,
            settings=settings,
            today=today,
            profile_interests=set(profile.interests.all()),
            mentee_interests=mentee_interests,
            preferred_groups=set(profile.preferred_target_groups.all()),
            mentee_groups=mentee_groups,
        )
        for profile in _ready_profiles(program=mentee.program)
    ]
    return matching.rank(matches)


def mentees_for_volunteer(*, program: Program, profile: VolunteerProfile) -> list[matching.Match]:
    """The reverse view: waiting mentees of the program, best match for this volunteer first."""
    settings = program_tandem_settings(program=program)
    today = timezone.localdate()
    profile_interests = set(profile.interests.all())
    preferred_groups = set(profile.preferred_target_groups.all())
    mentees = Mentee.objects.filter(program=program, status=Mentee.Status.WAITING).prefetch_related(
        "interests", "target_groups"
    )
    return matching.rank(
        [
            matching.score(
                profile=profile,
                mentee=mentee,
                settings=settings,
                today=today,
                profile_interests=profile_interests,
                mentee_interests=set(mentee.interests.all()),
                preferred_groups=preferred_groups,
                mentee_groups=set(mentee.target_groups.all()),
            )
            for mentee in mentees
        ]
    )


def network_counts() -> dict[str, int]:
    """Anonymous figures for network staff: how many, never who."""
    from django.db.models import Count, Q

    applications = Application.objects.aggregate(
        open=Count("pk", filter=Q(status=Application.Status.OPEN)),
        ready=Count("pk", filter=Q(status=Application.Status.OPEN, stage__is_ready=True)),
    )
    mentees = Mentee.objects.aggregate(waiting=Count("pk", filter=Q(status=Mentee.Status.WAITING)))
    tandems = Tandem.objects.aggregate(
        proposed=Count("pk", filter=Q(status=Tandem.Status.PROPOSED)),
        active=Count("pk", filter=Q(status=Tandem.Status.ACTIVE)),
    )
    return {
        "open_applications": applications["open"],
        "ready_volunteers": applications["ready"],
        "waiting_mentees": mentees["waiting"],
        "proposed_tandems": tandems["proposed"],
        "active_tandems": tandems["active"],
    }

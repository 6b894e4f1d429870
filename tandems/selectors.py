from datetime import timedelta

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import QueryDict
from django.utils import timezone

from programs.models import Program
from programs.selectors import programs_coordinated_by

from . import matching
from .filters import MenteeFilterSet
from .models import (
    Application,
    CheckIn,
    Concern,
    Document,
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


def documents_of_coordinator(*, user) -> QuerySet[Document]:
    """Documents only of the programs the user coordinates (everyone else: none, so 404)."""
    return Document.objects.filter(
        program__in=programs_coordinated_by(user=user).values("pk")
    ).select_related("program", "uploaded_by")


def documents_of_record(*, program: Program, volunteer=None, mentee=None, tandem=None):
    """The documents on one record of the program, newest first, with who uploaded them."""
    found = Document.objects.filter(program=program).select_related("uploaded_by")
    if volunteer is not None:
        return found.filter(volunteer=volunteer)
    if mentee is not None:
        return found.filter(mentee=mentee)
    return found.filter(tandem=tandem)


def latest_application(*, program_id: int, volunteer_id: int) -> Application | None:
    """The volunteer's newest application to the program (where their documents are listed)."""
    return (
        Application.objects.filter(program=program_id, volunteer=volunteer_id)
        .order_by("-created_at", "-pk")
        .first()
    )


def mentees_of_coordinator(*, user, program: Program | None = None) -> QuerySet[Mentee]:
    queryset = Mentee.objects.filter(program__in=programs_coordinated_by(user=user)).select_related(
        "program"
    )
    return queryset.filter(program=program) if program is not None else queryset


def mentees_filtered(*, user, program: Program, data: QueryDict, today):
    """The program's mentees by the list's filters, longest waiting first; none when the filter is
    invalid. Without a status in the request, those waiting for a mentor (the waiting list)."""
    if "status" not in data:
        data = data.copy()
        data["status"] = Mentee.Status.WAITING
    filterset = MenteeFilterSet(
        data,
        queryset=mentees_of_coordinator(user=user, program=program).order_by("waiting_since", "pk"),
        today=today,
    )
    return filterset, (filterset.qs if filterset.is_valid() else Mentee.objects.none())


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


def open_concern_counts(*, program_ids) -> dict[int, int]:
    """How many concerns are open in each of the programs (never their text): one query."""
    return dict(
        Concern.objects.open()
        .filter(program_id__in=list(program_ids))
        .order_by()
        .values("program_id")
        .annotate(n=Count("pk"))
        .values_list("program_id", "n")
    )


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


def busy_mentors(*, program: Program) -> QuerySet:
    """The ids of volunteers who cannot take another tandem in the program: they accompany one
    already and the program allows only one at a time (none if it allows several)."""
    if program_tandem_settings(program=program).mentors_may_have_several_tandems:
        return Tandem.objects.none().values("mentor_id")
    return Tandem.objects.current().filter(program=program).values("mentor_id")


def _ready_profiles(*, program: Program) -> list[VolunteerProfile]:
    """Ready, screened volunteers who can take a tandem now; a busy one is left out, since
    proposing her would be refused."""
    settings = program_tandem_settings(program=program)
    today = timezone.localdate()
    volunteer_ids = (
        Application.objects.open()
        .filter(program=program, stage__is_ready=True)
        .exclude(volunteer_id__in=busy_mentors(program=program))
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
    # Counted from indexes (the partial index of waiting mentees, the tandems' status indexes)
    # instead of a pass over every mentee and tandem of the network.
    waiting = Mentee.objects.filter(status=Mentee.Status.WAITING).count()
    tandems = dict(
        Tandem.objects.filter(status__in=[Tandem.Status.PROPOSED, Tandem.Status.ACTIVE])
        .order_by()
        .values("status")
        .annotate(n=Count("*"))
        .values_list("status", "n")
    )
    return {
        "open_applications": applications["open"],
        "ready_volunteers": applications["ready"],
        "waiting_mentees": waiting,
        "proposed_tandems": tandems.get(Tandem.Status.PROPOSED, 0),
        "active_tandems": tandems.get(Tandem.Status.ACTIVE, 0),
    }


# --- Messages to volunteers and to-dos (the coordinator's day) -------------------------------

TODOS_DUE_WITHIN_DAYS = 7


def message_recipients(
    *, program: Program, audience: str, stage=None, tandem: Tandem | None = None
) -> QuerySet:
    """The accounts a message to `audience` reaches now: people with a current relation to the
    program (a running tandem, an open application, a due check-in, the chosen current tandem),
    active, and without a withdrawn consent to the program's privacy notice. Withdrawn and
    rejected applications are never open, so their people are never reached."""
    from django.contrib.auth import get_user_model
    from django.db.models import Exists, OuterRef

    from . import dashboard
    from .models import ConsentRecord, ProgramMessage

    Audience = ProgramMessage.Audience
    if audience == Audience.MENTORS:
        ids = Tandem.objects.running().filter(program=program).values("mentor_id")
    elif audience == Audience.STAGE and stage is not None and stage.program_id == program.pk:
        ids = Application.objects.open().filter(program=program, stage=stage).values("volunteer_id")
    elif audience == Audience.CHECKIN_DUE:
        scope = dashboard.Scope.of([program.pk])
        ids = dashboard.due_checkins(scope).values("tandem__mentor_id")
    elif audience == Audience.TANDEM and tandem is not None:
        ids = Tandem.objects.current().filter(program=program, pk=tandem.pk).values("mentor_id")
    else:
        return get_user_model().objects.none()
    # A consent withdrawn counts until the person consents anew (e.g. applies again).
    consents = ConsentRecord.objects.filter(
        user=OuterRef("pk"), program=program, scope=ConsentRecord.Scope.PRIVACY_NOTICE
    )
    withdrawn = consents.filter(withdrawn_at__isnull=False)
    current = consents.filter(withdrawn_at__isnull=True)
    return (
        get_user_model()
        .objects.filter(pk__in=ids, is_active=True)
        .exclude(Exists(withdrawn) & ~Exists(current))
        .select_related("volunteer_profile")
        .order_by("volunteer_profile__name", "email", "pk")
    )


def messages_of_program(*, program: Program) -> QuerySet:
    """A program's sent messages, newest first, each with its number of recipients."""
    from django.db.models import Count

    from .models import ProgramMessage

    return (
        ProgramMessage.objects.filter(program=program)
        .select_related("sender")
        .annotate(recipient_count=Count("recipients"))
        .order_by("-created_at", "-pk")
    )


def message_recipients_with_state(*, message) -> list:
    """The recipients of a message with the state of each one's mail (from the outbox; "–"
    once the outbox row is gone after its retention period): two queries."""
    from django.contrib.contenttypes.models import ContentType

    from notifications.models import Notification

    rows = list(message.recipients.select_related("user", "user__volunteer_profile"))
    states = dict(
        Notification.objects.filter(
            kind=Notification.Kind.PROGRAM_MESSAGE,
            content_type=ContentType.objects.get_for_model(type(message)),
            object_id=message.pk,
        ).values_list("user_id", "state")
    )
    labels = dict(Notification.State.choices)
    for row in rows:
        state = states.get(row.user_id)
        row.state = state or ""
        row.state_label = labels.get(state, "–")
    return rows


def todos_of_coordinator(*, user) -> QuerySet:
    """The to-dos of the programs the user coordinates, with what they link to."""
    from .models import Todo

    return (
        Todo.objects.filter(program__in=programs_coordinated_by(user=user).values("pk"))
        .select_related(
            "program",
            "assignee",
            "application__volunteer__volunteer_profile",
            "mentee",
            "tandem__mentee",
        )
        .order_by("due_on", "pk")
    )


def due_todos(*, program_ids, today=None) -> dict[int, list]:
    """Open to-dos of the programs due within a week (or overdue), by program: one query."""
    from .models import Todo

    today = today or timezone.localdate()
    found: dict[int, list] = {pk: [] for pk in program_ids}
    for todo in (
        Todo.objects.open()
        .filter(
            program_id__in=list(program_ids),
            due_on__lte=today + timedelta(days=TODOS_DUE_WITHIN_DAYS),
        )
        .select_related(
            "assignee", "application__volunteer__volunteer_profile", "mentee", "tandem__mentee"
        )
        .order_by("due_on", "pk")
    ):
        todo.overdue = todo.due_on < today
        found[todo.program_id].append(todo)
    return found

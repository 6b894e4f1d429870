"""The coordinators' people search (a selector): applicants, mentors, mentees and tandems of the
user's programs, by any part of a name, e-mail address or phone number.

Design: no copy of the data. Each searchable table has a search key, an SQL expression over its own
columns (core/search.py folds umlauts, accents and case), and on PostgreSQL a trigram GIN index on
exactly that expression (migration 0006_people_search), so a search over 100,000 tandems reads a
few index pages. A denormalised key column would have to follow every save, e-mail change,
erasure and anonymisation (and would keep a name after the person's erasure if one were missed);
an expression index follows the rows by itself. People are matched in their own tables (the user,
the volunteer profile, the mentee), the applications and tandems then by the matching ids, always
within the programs the user coordinates.

One query per group, each returning at most `limit` rows and the group's total (a window count),
so the page's query count does not grow with the data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Window

from core.search import Matches, phone_query, search_key
from programs.selectors import programs_coordinated_by

from .models import Application, Mentee, Tandem, VolunteerProfile

RESULTS_PER_GROUP = 10
MIN_QUERY_LENGTH = 2
MAX_QUERY_LENGTH = 100


def user_key():
    return search_key("name", "email")


def profile_key():
    return search_key("name", phones=("phone",))


def mentee_key():
    return search_key(
        "first_name",
        "guardian_name",
        "guardian_email",
        "reminder_email",
        phones=("guardian_phone",),
    )


@dataclass
class Group:
    kind: str  # "applications", "mentors", "mentees", "tandems"
    rows: list = field(default_factory=list)
    total: int = 0

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


def _volunteer_matches(field_name: str, term: str) -> Q:
    """Rows whose volunteer (`field_name`) matches: on the account (name, e-mail) or on the
    profile (name, phone)."""
    users = get_user_model().objects.filter(Matches(user_key(), term)).values("pk")
    profiles = VolunteerProfile.objects.filter(Matches(profile_key(), term)).values("user_id")
    return Q(**{f"{field_name}__in": users}) | Q(**{f"{field_name}__in": profiles})


def _first(queryset: QuerySet, limit: int) -> tuple[list, int]:
    rows = list(queryset.annotate(search_total=Window(Count("pk")))[:limit])
    return rows, (rows[0].search_total if rows else 0)


def people_search(*, user, query: str, limit: int = RESULTS_PER_GROUP) -> list[Group]:
    """The groups of what matches `query` (already cleaned and checked for length) in the
    programs `user` coordinates; four queries."""
    term = phone_query(query) or query
    programs = programs_coordinated_by(user=user).values("pk")
    mentees = Mentee.objects.filter(program__in=programs, anonymised_at__isnull=True).filter(
        Matches(mentee_key(), term)
    )

    is_mentor = Exists(
        Tandem.objects.filter(program=OuterRef("program"), mentor=OuterRef("volunteer"))
    )
    applications = Application.objects.filter(
        _volunteer_matches("volunteer", term), program__in=programs
    ).select_related("program", "stage", "volunteer", "volunteer__volunteer_profile")
    newer = Application.objects.filter(
        program=OuterRef("program"),
        volunteer=OuterRef("volunteer"),
        created_at__gt=OuterRef("created_at"),
    )
    groups = [
        Group(
            "applications",
            *_first(
                applications.filter(~is_mentor).order_by(
                    "volunteer__volunteer_profile__name", "volunteer__name", "-created_at"
                ),
                limit,
            ),
        ),
        # A mentor once per program: their latest application there, which shows their details.
        Group(
            "mentors",
            *_first(
                applications.filter(is_mentor, ~Exists(newer)).order_by(
                    "volunteer__volunteer_profile__name", "volunteer__name", "program__name"
                ),
                limit,
            ),
        ),
        Group(
            "mentees",
            *_first(mentees.select_related("program").order_by("first_name", "pk"), limit),
        ),
        Group(
            "tandems",
            *_first(
                Tandem.objects.filter(program__in=programs)
                .filter(_volunteer_matches("mentor", term) | Q(mentee__in=mentees.values("pk")))
                .select_related("program", "mentee", "mentor", "mentor__volunteer_profile")
                .order_by("-created_at", "-pk"),
                limit,
            ),
        ),
    ]
    return groups

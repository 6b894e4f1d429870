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

A fixed number of queries whatever the data: the ids of the programs, people and mentees that
match, then per group its first `limit` ids with the group's total (a window count) and those rows.
Over 100,000 tandems (bench/tandems.py) a misspelled name takes 46 ms on the server (median).
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


def _matching_volunteers(term: str, *, exact: bool) -> list[int]:
    """The users who match, on their account (name, e-mail) or on their profile (name, phone)."""
    users = get_user_model().objects.filter(Matches(user_key(), term, exact=exact)).order_by()
    profiles = VolunteerProfile.objects.filter(Matches(profile_key(), term, exact=exact)).order_by()
    return [pk for (pk,) in users.values_list("pk").union(profiles.values_list("user_id"))]


def _first(queryset: QuerySet, limit: int, *related: str) -> tuple[list, int]:
    """The first `limit` rows of the queryset and its total, in two queries: the ids and the
    count over the bare rows, then those few rows with their related records (joining the
    related records for thousands of matches before the limit cost more than the search)."""
    head = list(
        queryset.annotate(search_total=Window(Count("pk"))).values_list("pk", "search_total")[
            :limit
        ]
    )
    if not head:
        return [], 0
    rows = queryset.model.objects.select_related(*related).in_bulk([pk for pk, _total in head])
    return [rows[pk] for pk, _total in head], head[0][1]


def people_search(*, user, query: str, limit: int = RESULTS_PER_GROUP) -> list[Group]:
    """The groups of what matches `query` (already cleaned and checked for length) in the
    programs `user` coordinates.

    First the ids: the user's programs, the matching people (each from its table's trigram
    index) and the matching mentees of those programs; then one query per group by those ids.
    Matching once and joining by ids keeps each index scan to one per search and gives the
    planner real row counts (a subquery per group made it scan a program's mentees row by row).
    """
    # A phone number is found by its digits only: typos are forgiven in names, but a number one
    # digit off belongs to somebody else.
    phone = phone_query(query)
    term, exact = (phone, True) if phone else (query, False)
    program_ids = list(programs_coordinated_by(user=user).values_list("pk", flat=True))
    volunteer_ids = _matching_volunteers(term, exact=exact)
    mentee_ids = list(
        Mentee.objects.filter(program__in=program_ids, anonymised_at__isnull=True)
        .filter(Matches(mentee_key(), term, exact=exact))
        .values_list("pk", flat=True)
    )

    is_mentor = Exists(
        Tandem.objects.filter(program=OuterRef("program"), mentor=OuterRef("volunteer"))
    )
    applications = Application.objects.filter(program__in=program_ids, volunteer__in=volunteer_ids)
    application_related = ("program", "stage", "volunteer", "volunteer__volunteer_profile")
    newer = Application.objects.filter(
        program=OuterRef("program"),
        volunteer=OuterRef("volunteer"),
        created_at__gt=OuterRef("created_at"),
    )
    return [
        Group(
            "applications",
            *_first(
                applications.filter(~is_mentor).order_by(
                    "volunteer__volunteer_profile__name", "volunteer__name", "-created_at"
                ),
                limit,
                *application_related,
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
                *application_related,
            ),
        ),
        Group(
            "mentees",
            *_first(
                Mentee.objects.filter(pk__in=mentee_ids).order_by("first_name", "pk"),
                limit,
                "program",
            ),
        ),
        Group(
            "tandems",
            *_first(
                Tandem.objects.filter(program__in=program_ids)
                .filter(Q(mentor__in=volunteer_ids) | Q(mentee__in=mentee_ids))
                .order_by("-created_at", "-pk"),
                limit,
                "program",
                "mentee",
                "mentor",
                "mentor__volunteer_profile",
            ),
        ),
    ]

from collections import OrderedDict

from django.core.cache import cache as django_cache
from django.db.models import Case, Count, F, Prefetch, Q, QuerySet, Value, When
from django.http import QueryDict

from core import search
from core.page_cache import register_local_store

from . import cache
from .filters import (
    ProgramFilterSet,
    StaffOrganizationFilterSet,
    StaffProgramFilterSet,
    program_search_key,
)
from .models import (
    CoordinatorInvitation,
    Format,
    FundingBadge,
    ModerationNotice,
    Organization,
    Program,
    ProgramChange,
    ProgramCoordinator,
    State,
    TargetGroup,
    Topic,
)

FACET_MODELS = {
    "zielgruppe": TargetGroup,
    "thema": Topic,
    "format": Format,
    "foerderung": FundingBadge,
}


def vocabulary_choices(*, language: str) -> dict[str, list[tuple[str, str]]]:
    """The facet terms with labels in the given language, cached per data generation."""
    # The facet names are in the key: a cached entry from before a new facet is not taken.
    key = cache.key("vocabularies", language, *FACET_MODELS)
    choices = django_cache.get(key)
    if choices is None:
        label = "name_en" if language == "en" else "name_de"
        choices = {
            name: list(model.objects.order_by("position", label).values_list("slug", label))
            for name, model in FACET_MODELS.items()
        }
        django_cache.set(key, choices, cache.PAGE_TIMEOUT)
    return choices


def program_filterset(*, data, language: str) -> ProgramFilterSet:
    # Always bound (an empty query too), so the place search and its annotations always run.
    return ProgramFilterSet(
        data if data is not None else QueryDict(),
        queryset=Program.objects.published(),
        vocabularies=vocabulary_choices(language=language),
    )


# Canonical forms of recent raw queries, per process: building a FilterSet costs far more than
# serving a cached page, so each distinct query string is reduced once per data generation.
CANONICAL_MEMO_SIZE = 2048
_canonical_memo: OrderedDict[tuple, tuple] = OrderedDict()
register_local_store(_canonical_memo.clear)


def canonical_query(*, query, language: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The query's known parameters with valid values, as sorted pairs (see
    ProgramFilterSet.canonical_query)."""
    raw = query.urlencode()
    memo_key = (cache.generation(), language, raw)
    found = _canonical_memo.get(memo_key)
    if found is None:
        canonical = program_filterset(data=query, language=language).canonical_query()
        found = tuple(sorted((name, tuple(values)) for name, values in canonical.lists()))
        _canonical_memo[memo_key] = found
        if len(_canonical_memo) > CANONICAL_MEMO_SIZE:
            _canonical_memo.popitem(last=False)
    return found


def canonical_query_string(*, query, language: str) -> str:
    """The canonical query (see canonical_query) as a URL query string, for links."""
    canonical = QueryDict(mutable=True)
    for name, values in canonical_query(query=query, language=language):
        canonical.setlist(name, list(values))
    return canonical.urlencode()


def program_list(*, filterset: ProgramFilterSet) -> QuerySet[Program]:
    """The filtered published programs, nearest first when searching near a place."""
    queryset = filterset.qs.select_related("organization").prefetch_related(
        Prefetch("formats", queryset=Format.objects.order_by("position"))
    )
    if filterset.place is not None:
        # Online and nationwide programs come after the local ones, in their own section.
        return queryset.order_by(
            Case(When(reach=Program.Reach.NATIONAL, then=Value(1)), default=Value(0)),
            F("distance").asc(nulls_last=True),
            "name",
        )
    if filterset.search_words:
        # Best match first: a match in the name counts twice as much as one in the text.
        query = " ".join(filterset.search_words)
        relevance = search.Likeness(search.Fold(F("name")), query) * Value(2.0) + search.Likeness(
            program_search_key(), query
        )
        return queryset.annotate(relevance=relevance).order_by("-relevance", "name")
    return queryset.order_by("name")


def online_or_nationwide_count(*, filterset: ProgramFilterSet) -> int:
    """How many of the results near a place are online or nationwide (one query)."""
    if filterset.place is None:
        return 0
    return filterset.qs.filter(reach=Program.Reach.NATIONAL).count()


def split_by_reach(programs) -> tuple[list[Program], list[Program]]:
    """A page of results as (local, online or nationwide), keeping the order."""
    local, wide = [], []
    for program in programs:
        (wide if program.reach == Program.Reach.NATIONAL else local).append(program)
    return local, wide


SEARCH_WORD_MIN_LENGTH = 4
SUGGESTED_WORDS = 4


def search_words_known() -> dict[str, str]:
    """The words a visitor may mean, folded, with their spelling: the words of the published
    programs' and their organisations' names and of the vocabularies (both languages). One
    query per data generation, cached."""
    key = cache.key("search_words")
    known = django_cache.get(key)
    if known is None:
        known = {}
        texts = [
            text
            for row in Program.objects.published().values_list("name", "organization__name")
            for text in row
        ]
        for model in FACET_MODELS.values():
            texts += [
                text for row in model.objects.values_list("name_de", "name_en") for text in row
            ]
        for text in texts:
            for word in search.words(text or ""):
                if len(word) >= SEARCH_WORD_MIN_LENGTH:
                    known.setdefault(search.fold(word), word)
        django_cache.set(key, known, cache.PAGE_TIMEOUT)
    return known


def program_search_suggestion(*, filterset: ProgramFilterSet) -> str | None:
    """ "Did you mean …?" for a search that found nothing: each word that is no known word
    replaced by the closest known one (core.search.closest_word); None when nothing changes."""
    if not filterset.search_words:
        return None
    known = search_words_known()
    corrected, changed = [], False
    for position, word in enumerate(filterset.search_words):
        folded = search.fold(word)
        # ~50 ms a word over 15,000 known words: the first few words only.
        looked_up = folded not in known and position < SUGGESTED_WORDS
        closest = search.closest_word(folded, known) if looked_up else None
        if closest is None:
            corrected.append(word)
        else:
            corrected.append(known[closest])
            changed = True
    return " ".join(corrected) if changed else None


def program_facets(*, filterset: ProgramFilterSet) -> list[dict]:
    """Each facet with its terms and how many results each term would give.

    A facet's counts ignore its own selection (so the other values stay choosable) and respect
    every other filter: one grouped query per facet, whatever the number of programs.
    """
    facets = []
    data = filterset.data.copy() if filterset.is_bound else None
    for name in ProgramFilterSet.FACETS:
        selected = set(filterset.form.cleaned_data.get(name) or []) if filterset.is_bound else set()
        if data is not None and name in data:
            others = data.copy()
            del others[name]
            base = ProgramFilterSet(
                others, queryset=Program.objects.published(), vocabularies=filterset.vocabularies
            ).qs
        else:
            base = filterset.qs
        ids = base.values("pk")
        if name == "bundesland":
            counts = dict(
                Program.objects.filter(pk__in=ids)
                .exclude(state="")
                .values_list("state")
                .annotate(n=Count("pk"))
            )
            terms = [(code, label) for code, label in State.choices]
        else:
            # The filter before annotate() restricts the counted programs to the results.
            counts = dict(
                FACET_MODELS[name]
                .objects.filter(programs__in=ids)
                .values_list("slug")
                .annotate(n=Count("programs"))
            )
            terms = filterset.vocabularies[name]
        facets.append(
            {
                "name": name,
                "label": filterset.filters[name].label,
                "terms": [
                    {
                        "value": value,
                        "label": label,
                        "count": counts.get(value, 0),
                        "selected": value in selected,
                    }
                    for value, label in terms
                ],
            }
        )
    return facets


def facet_counts(*, facets: list[dict]) -> dict[str, dict[str, int]]:
    """The facets' counts in short (term -> count, zeros left out), for the GeoJSON: the map
    shows them again after each filter change without reloading the page."""
    return {
        facet["name"]: {term["value"]: term["count"] for term in facet["terms"] if term["count"]}
        for facet in facets
    }


def program_detail_queryset() -> QuerySet[Program]:
    return (
        Program.objects.published()
        .select_related("organization")
        .prefetch_related("target_groups", "topics", "formats", "funding_badges")
    )


def programs_coordinated_by(*, user) -> QuerySet[Program]:
    if not user.is_authenticated:
        return Program.objects.none()
    return (
        Program.objects.filter(memberships__user=user)
        .select_related("organization")
        .annotate(
            pending_changes=Count("changes", filter=Q(changes__status=ProgramChange.Status.PENDING))
        )
        .order_by("name")
    )


def user_coordinates_any_program(*, user) -> bool:
    if not user.is_authenticated:
        return False
    return ProgramCoordinator.objects.filter(user=user).exists()


def review_queue() -> dict[str, list]:
    """Listings waiting for review, and proposals with what they would change, readably."""
    changes = list(
        ProgramChange.objects.filter(status=ProgramChange.Status.PENDING)
        .select_related("program", "program__organization", "submitted_by")
        .prefetch_related("program__target_groups", "program__topics", "program__formats")
        .order_by("submitted_at")
    )
    labels = {
        field: {term.pk: term.label for term in model.objects.all()}
        for field, model in (("target_groups", TargetGroup), ("topics", Topic), ("formats", Format))
    }
    for change in changes:
        change.differences = _differences(change=change, labels=labels)
    return {
        "programs": Program.objects.filter(status=Program.Status.REVIEW)
        .select_related("organization", "submitted_by")
        .order_by("updated_at"),
        "changes": changes,
    }


def _display(program: Program, field: str, value, labels: dict) -> str:
    if field in labels:
        return ", ".join(sorted(labels[field].get(pk, "?") for pk in value or []))
    model_field = Program._meta.get_field(field)
    if model_field.choices and value:
        return str(dict(model_field.flatchoices).get(value, value))
    return "" if value is None else str(value)


def _differences(*, change: ProgramChange, labels: dict) -> list[dict]:
    program = change.program
    differences = []
    for field, new in change.data.items():
        if field in labels:
            old = [term.pk for term in getattr(program, field).all()]
        else:
            old = getattr(program, field)
        old_text = _display(program, field, old, labels)
        new_text = _display(program, field, new, labels)
        if old_text != new_text:
            differences.append(
                {
                    "label": Program._meta.get_field(field).verbose_name,
                    "old": old_text,
                    "new": new_text,
                }
            )
    return differences


# The most recent open notices a coordination page shows; older ones are in the mails.
OPEN_NOTICES_SHOWN = 20


def moderation_notices_open(*, user) -> list[ModerationNotice]:
    """The network's decisions the person has not acted on yet, newest first (one query)."""
    if not user.is_authenticated:
        return []
    return list(
        ModerationNotice.objects.filter(recipient=user, settled_at__isnull=True).order_by(
            "-created_at", "-pk"
        )[:OPEN_NOTICES_SHOWN]
    )


# --- The network staff's lists (/netzwerk/) ----------------------------------------------------


def staff_organization_filterset(*, data) -> StaffOrganizationFilterSet:
    return StaffOrganizationFilterSet(
        data,
        queryset=Organization.objects.annotate(program_count=Count("programs")).order_by("name"),
    )


def staff_program_filterset(*, data) -> StaffProgramFilterSet:
    return StaffProgramFilterSet(
        data,
        queryset=Program.objects.select_related("organization")
        .annotate(coordinator_count=Count("memberships", distinct=True))
        .order_by("name"),
    )


def program_coordinators(*, program: Program) -> QuerySet[ProgramCoordinator]:
    return program.memberships.select_related("user").order_by("user__name", "user__email")


def open_invitations(*, program: Program | None = None) -> QuerySet[CoordinatorInvitation]:
    """Invitations not yet accepted, revoked or expired, oldest first."""
    found = CoordinatorInvitation.objects.open().select_related(
        "program", "program__organization", "invited_by"
    )
    if program is not None:
        found = found.filter(program=program)
    return found.order_by("expires_at")


def staff_counts() -> dict[str, int]:
    """What waits for network staff in programs, in two queries."""
    programs = Program.objects.aggregate(review=Count("pk", filter=Q(status=Program.Status.REVIEW)))
    return {
        "programs_in_review": programs["review"],
        "pending_changes": ProgramChange.objects.filter(
            status=ProgramChange.Status.PENDING
        ).count(),
    }


def open_invitation_count() -> int:
    return CoordinatorInvitation.objects.open().count()

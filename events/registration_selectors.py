"""Read paths of registrations: the participant list of an event and a waiting-list position."""

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.http import QueryDict

from core.sorting import Sorting

from .models import Event, Registration

STATUS_ORDER = Case(
    When(status=Registration.Status.CONFIRMED, then=Value(0)),
    When(status=Registration.Status.WAITING, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


# The participant list's columns; by default confirmed first, then the waiting list in its order,
# then the cancelled.
PARTICIPANT_SORTING = Sorting(
    columns={
        "name": ("name",),
        "email": ("email",),
        "status": ("status_order", "created_at"),
        "registered": ("created_at",),
    },
    default="status",
)


def participants(*, event: Event, data: QueryDict | None = None) -> QuerySet[Registration]:
    """The event's registrations in the order the list's column headers chose (`data`)."""
    queryset = event.registrations.alias(status_order=STATUS_ORDER)
    return PARTICIPANT_SORTING.apply(queryset, data if data is not None else QueryDict())


def registration_counts(*, event: Event) -> dict[str, int]:
    """Places `taken`: by `confirmed` registrations and those held for the `unconfirmed` (whose
    address's owner has not confirmed yet, who may also wait)."""
    S = Registration.Status
    return event.registrations.aggregate(
        taken=Count("pk", filter=Q(status=S.CONFIRMED)),
        confirmed=Count("pk", filter=Q(status=S.CONFIRMED, confirmed_at__isnull=False)),
        waiting=Count("pk", filter=Q(status=S.WAITING)),
        cancelled=Count("pk", filter=Q(status=S.CANCELLED)),
        unconfirmed=Count("pk", filter=~Q(status=S.CANCELLED) & Q(confirmed_at__isnull=True)),
    )


def waiting_position(registration: Registration) -> int | None:
    """1 for the first on the waiting list; None when the registration is not waiting."""
    if registration.status != Registration.Status.WAITING:
        return None
    ahead = Registration.objects.filter(
        event_id=registration.event_id, status=Registration.Status.WAITING
    ).filter(
        Q(created_at__lt=registration.created_at)
        | Q(created_at=registration.created_at, pk__lt=registration.pk)
    )
    return ahead.count() + 1

"""Writing audit entries: the API other parts (privacy, views) call.

Changes to the registered records are written by django-auditlog itself (audit/registry.py); the
function here adds what auditlog cannot see (a page viewed, a list exported, a person erased).

Every entry carries `additional_data = {"program": <id or None>, ...}`; entries written here also
carry `"what"` ("viewed", "exported", "erased") and `"detail"` (which list or form, or "").
auditlog's numeric action says what kind of entry it is: CREATE, UPDATE and DELETE for changes,
ACCESS for "viewed" and "exported", DELETE for "erased".
"""

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Subquery

from .registry import program_of

VIEWED = "viewed"
EXPORTED = "exported"
ERASED = "erased"
RECORDED_ACTIONS = {
    VIEWED: LogEntry.Action.ACCESS,
    EXPORTED: LogEntry.Action.ACCESS,
    ERASED: LogEntry.Action.DELETE,
}
DETAIL_MAX_LENGTH = 200


def _content_type_id(model: type[Model]) -> Subquery:
    """The content type's id as a subquery of the INSERT: one query per entry, whether or not
    Django's content-type cache is warm, so the pages that write an entry keep a fixed count."""
    opts = model._meta
    return Subquery(
        ContentType.objects.filter(app_label=opts.app_label, model=opts.model_name).values("pk")
    )


def _label(obj: Model) -> str:
    """A label without personal data, in no language: "<model> #<id>", e.g. "Mentee #12"."""
    return f"{type(obj).__name__} #{obj.pk}"


def audit_record(
    *, actor, action: str, obj: Model | None = None, program=None, detail: str = ""
) -> None:
    """Write one entry: `actor` (a user, or None for a task) `action` the record `obj`.

    action: "viewed" (a page showing a person's record), "exported" (a list or a person's data
    downloaded), "erased" (a person's record anonymised or deleted; the entry then names the record
    only by type and id, never by its str()).
    obj: the record; without it, the entry is about the program itself (a list of the program).
    program: the program the entry belongs to; without it, the record's own (see
    audit.registry.program_of). At least one of obj and program is required.
    detail: what exactly, e.g. which list ("tandems.csv"); no personal data, at most 200 chars.

    One INSERT, in the caller's transaction. Raises ValueError for an unknown action or when
    neither obj nor program is given.
    """
    if action not in RECORDED_ACTIONS:
        raise ValueError(f"unknown audit action {action!r}; use one of {sorted(RECORDED_ACTIONS)}")
    if obj is None and program is None:
        raise ValueError("an audit entry needs the record (obj) or the program it is about")
    target = obj if obj is not None else program
    entry = LogEntry(
        content_type_id=_content_type_id(type(target)),
        object_pk=str(target.pk),
        object_id=target.pk if isinstance(target.pk, int) else None,
        object_repr=_label(target) if action == ERASED else str(target),
        action=RECORDED_ACTIONS[action],
        actor=actor if actor is not None and actor.is_authenticated else None,
        additional_data={
            "program": program.pk if program is not None else program_of(obj),
            "what": action,
            "detail": detail[:DETAIL_MAX_LENGTH],
        },
    )
    # The actor is given here, also when it is None: the middleware must not fill it in.
    entry.actor_given = True
    entry.save()

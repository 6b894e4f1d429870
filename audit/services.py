"""Writing, forgetting and pruning audit entries: the API other parts (privacy, views) call.

Changes to the registered records are written by django-auditlog itself (audit/registry.py); the
functions here add what auditlog cannot see (a page viewed, a list exported, a person erased),
scrub the entries about an erased person, and delete entries past the retention period.

Every entry carries `additional_data = {"program": <id or None>, ...}`; entries written here also
carry `"what"` ("viewed", "exported", "erased") and `"detail"` (which list or form, or "").
auditlog's numeric action says what kind of entry it is: CREATE, UPDATE and DELETE for changes,
ACCESS for "viewed" and "exported", DELETE for "erased".
"""

from collections import defaultdict
from datetime import datetime, timedelta

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Model, Q, QuerySet, Subquery

from .registry import REDACTED, program_of

VIEWED = "viewed"
EXPORTED = "exported"
ERASED = "erased"
# A file of people imported into a program (tandems/imports.py): who, and the counts in `detail`;
# the trail shows it as "created".
IMPORTED = "imported"
RECORDED_ACTIONS = {
    VIEWED: LogEntry.Action.ACCESS,
    EXPORTED: LogEntry.Action.ACCESS,
    ERASED: LogEntry.Action.DELETE,
    IMPORTED: LogEntry.Action.CREATE,
}
# What stands in an entry's object_repr once the person it named has been erased.
FORGOTTEN = "anonymisiert"
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
    return f"{obj._meta.object_name} #{obj.pk}"


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
        # _meta, not type(): request.user arrives as a lazy object.
        content_type_id=_content_type_id(target._meta.model),
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


def audit_fields_changed(*, actor, obj: Model, fields: list[str]) -> None:
    """Write one "changed" entry naming fields auditlog does not see (a record's many-to-many
    fields, e.g. a mentee's interests), never their values. Nothing when `fields` is empty."""
    if not fields:
        return
    entry = LogEntry(
        content_type_id=_content_type_id(obj._meta.model),
        object_pk=str(obj.pk),
        object_id=obj.pk if isinstance(obj.pk, int) else None,
        object_repr=str(obj),
        action=LogEntry.Action.UPDATE,
        changes={name: [REDACTED, REDACTED] for name in fields},
        actor=actor if actor is not None and actor.is_authenticated else None,
        additional_data={"program": program_of(obj)},
    )
    entry.actor_given = True
    entry.save()


def _targets(obj) -> dict[type[Model], set]:
    """The records to forget, grouped by model: an instance, a queryset, or an iterable of them."""
    found: dict[type[Model], set] = defaultdict(set)
    items = [obj] if isinstance(obj, Model | QuerySet) else list(obj)
    for item in items:
        if isinstance(item, QuerySet):
            found[item.model].update(item.values_list("pk", flat=True))
        elif isinstance(item, Model):
            if item.pk is None:
                raise ValueError(
                    f"{type(item).__name__} without a primary key: Model.delete() clears it; "
                    "pass Model(pk=<the id>) instead"
                )
            found[type(item)].add(item.pk)
        else:
            raise TypeError(f"cannot forget {item!r}: pass model instances or querysets")
    return found


def _scrubbed_changes(changes) -> dict | None:
    """The names of the changed fields stay (what was done); every value goes (to whom)."""
    if not isinstance(changes, dict):
        return None
    return {name: [REDACTED, REDACTED] for name in changes}


FORGET_BATCH = 500


@transaction.atomic
def audit_forget(*, obj) -> int:
    """Scrub every entry about the given records so that none identifies the person any more.

    Call it when a person's record has been erased or anonymised. obj is a model instance, a
    queryset, or an iterable of instances and querysets: pass the person's own record and every
    record whose entries could name them, because an entry's object_repr is the record's str().
    For a volunteer (a user) that is:

        audit_forget(obj=[user, VolunteerProfile.objects.filter(user=user),
                          Application.objects.filter(volunteer=user),
                          ApplicationNote.objects.filter(application__volunteer=user),
                          ScreeningRecord.objects.filter(volunteer=user),
                          Training.objects.filter(volunteer=user),
                          CodeOfConductSignature.objects.filter(volunteer=user),
                          ConsentRecord.objects.filter(user=user),
                          Tandem.objects.filter(mentor=user)])

    and for a mentee: [mentee, ConsentRecord.objects.filter(mentee=mentee),
    Tandem.objects.filter(mentee=mentee), Goal.objects.filter(tandem__mentee=mentee)].
    Querysets are read when this runs, so call it before the rows are deleted, or after an
    anonymisation. After a hard delete pass `Model(pk=<id>)` (Model.delete() clears the pk of the
    instance it was called on); the DELETE entry auditlog wrote for it is scrubbed too.

    Each entry about these records keeps its action, time, actor, program and the names of the
    changed fields; its object_repr becomes "anonymisiert", its changed values and any detail go.
    Entries in which a given user is the actor lose a stored actor e-mail address, if any.
    Returns how many entries about the records were scrubbed.
    """
    targets = _targets(obj)
    condition = Q()
    for model, pks in targets.items():
        if not pks:
            continue
        content_type = ContentType.objects.get_for_model(model)
        condition |= Q(content_type=content_type, object_pk__in=[str(pk) for pk in pks])
    if not condition:
        return 0
    scrubbed = 0
    entries = LogEntry.objects.filter(condition).only("pk", "changes", "additional_data")
    batch = []
    for entry in entries.iterator(chunk_size=FORGET_BATCH):
        entry.object_repr = FORGOTTEN
        entry.changes = _scrubbed_changes(entry.changes)
        entry.changes_text = ""
        entry.serialized_data = None
        data = entry.additional_data if isinstance(entry.additional_data, dict) else {}
        entry.additional_data = {key: data[key] for key in ("program", "what") if key in data}
        batch.append(entry)
        if len(batch) == FORGET_BATCH:
            scrubbed += _save_scrubbed(batch)
            batch = []
    scrubbed += _save_scrubbed(batch)
    user_model = LogEntry._meta.get_field("actor").related_model
    if targets.get(user_model):
        LogEntry.objects.filter(actor_id__in=targets[user_model]).exclude(actor_email=None).update(
            actor_email=None
        )
    return scrubbed


def _save_scrubbed(batch: list[LogEntry]) -> int:
    if not batch:
        return 0
    LogEntry.objects.bulk_update(
        batch,
        ["object_repr", "changes", "changes_text", "serialized_data", "additional_data"],
    )
    return len(batch)


def audit_prune(*, now: datetime) -> int:
    """Delete the entries older than AUDIT_RETENTION_DAYS before `now`; returns how many went.

    An entry exactly that old stays until the next run. One DELETE: the entries have no dependent
    rows and no delete signals, so Django deletes them without loading them.
    """
    cutoff = now - timedelta(days=settings.AUDIT_RETENTION_DAYS)
    deleted, _by_model = LogEntry.objects.filter(timestamp__lt=cutoff).delete()
    return deleted

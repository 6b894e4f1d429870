"""Reading the audit trail: a program's entries, filtered, and each entry put into words.

Two queries for a page, whatever the number of entries: the count and the page's rows (with their
actor and content type joined). Labels and field names come from the models' metadata, never from
the database: auditlog's own `changes_display_dict` would look up every foreign key value.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from auditlog.models import LogEntry
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import QueryDict
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from .filters import ACTIONS, AuditTrailFilterSet
from .registry import REDACTED
from .services import ERASED, EXPORTED, FORGOTTEN, VIEWED

Action = LogEntry.Action

# Records whose own name is their label in the trail (a mentee's first name, an event's title);
# every other record is named by its kind and number ("Bewerbung #12").
NAMED_BY_REPR = {
    "tandems.mentee",
    "tandems.volunteerprofile",
    "events.event",
    "programs.program",
    # "<coordinator> – <program>": whom the role was granted or taken from.
    "programs.programcoordinator",
}
# Records with a coordinator's page to link to.
PAGES = {
    "tandems.mentee": "tandems:coordination_mentee",
    "tandems.application": "tandems:coordination_application",
    "tandems.tandem": "tandems:coordination_tandem",
}


def program_trail(*, program, data: QueryDict | None) -> tuple[AuditTrailFilterSet, QuerySet]:
    """The program's entries, newest first, filtered; no entries when the filter is invalid.

    Served by the index audit_entry_program_time (audit/migrations/0001_program_index.py).
    """
    queryset = (
        LogEntry.objects.filter(additional_data__program=program.pk)
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-id")
    )
    filterset = AuditTrailFilterSet(data if data is not None else QueryDict(), queryset=queryset)
    return filterset, (filterset.qs if filterset.is_valid() else queryset.none())


@dataclass(frozen=True)
class FieldChange:
    name: str
    # None when the values are not kept (redacted) or mean nothing on their own (an id).
    old: str | None = None
    new: str | None = None


@dataclass(frozen=True)
class TrailRow:
    at: datetime
    who: str
    what: str
    kind: str
    record: str
    url: str | None
    detail: str
    changes: list[FieldChange] = field(default_factory=list)


def _model_label(entry: LogEntry) -> str:
    return f"{entry.content_type.app_label}.{entry.content_type.model}"


WHAT_KEYS = {VIEWED: "angesehen", EXPORTED: "exportiert", ERASED: "anonymisiert"}
ACTION_KEYS = {Action.CREATE: "angelegt", Action.UPDATE: "geaendert", Action.DELETE: "geloescht"}


def _what(entry: LogEntry) -> str:
    data = entry.additional_data if isinstance(entry.additional_data, dict) else {}
    key = WHAT_KEYS.get(data.get("what")) or ACTION_KEYS.get(entry.action)
    return str(ACTIONS[key][0]) if key else entry.get_action_display()


def _who(entry: LogEntry) -> str:
    if entry.actor is None:
        return _("the portal (no person)")
    return entry.actor.name or entry.actor.email


def _record(entry: LogEntry, kind: str) -> tuple[str, str | None]:
    """The record's label ("Mentee: Samira", "Bewerbung #12") and the page to open it, if any."""
    label = _model_label(entry)
    number = entry.object_id if entry.object_id is not None else entry.object_pk
    data = entry.additional_data if isinstance(entry.additional_data, dict) else {}
    if entry.object_repr == FORGOTTEN or data.get("what") == ERASED:
        return _("%(kind)s #%(number)s (erased)") % {"kind": kind, "number": number}, None
    name = f"{kind}: {entry.object_repr}" if label in NAMED_BY_REPR else f"{kind} #{number}"
    url = None
    if label in PAGES and entry.action != Action.DELETE and entry.object_id is not None:
        url = reverse(PAGES[label], kwargs={"pk": entry.object_id})
    return name, url


def _value(model_field, value) -> str:
    if value in (None, "None", ""):
        return "–"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(_typed(model_field, value), value))
    if isinstance(model_field, models.BooleanField):
        return _("yes") if value == "True" else _("no")
    try:
        if isinstance(model_field, models.DateTimeField):
            # auditlog stores times naive, in UTC.
            moment = datetime.fromisoformat(value).replace(tzinfo=UTC)
            return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")
        if isinstance(model_field, models.DateField):
            return formats.date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT")
    except ValueError:
        return value
    return value


def _typed(model_field, value):
    try:
        return model_field.to_python(value)
    except (ValidationError, ValueError, TypeError):
        return value  # a stored value the field no longer accepts stays as text


def _field_rank(model, name: str) -> tuple[int, str]:
    """Changed fields in the order of the model's fields (its forms' order), fields it no longer
    has last by name: PostgreSQL's jsonb keeps keys in an order of its own, SQLite as written."""
    names = [f.name for f in model._meta.concrete_fields] if model else []
    return (names.index(name), "") if name in names else (len(names), name)


def _changes(entry: LogEntry, model) -> list[FieldChange]:
    if entry.action != Action.UPDATE or not isinstance(entry.changes, dict):
        return []
    result = []
    for name, values in sorted(entry.changes.items(), key=lambda item: _field_rank(model, item[0])):
        try:
            model_field = model._meta.get_field(name) if model else None
        except FieldDoesNotExist:
            model_field = None
        label = capfirst(model_field.verbose_name) if model_field is not None else name
        old, new = (list(values) + [None, None])[:2] if isinstance(values, list) else (None, None)
        if model_field is None or model_field.is_relation or REDACTED in (old, new):
            result.append(FieldChange(label))
        else:
            result.append(FieldChange(label, _value(model_field, old), _value(model_field, new)))
    return result


def trail_rows(entries) -> list[TrailRow]:
    """Each entry as the trail shows it: when, who, what, which record, which fields."""
    rows = []
    for entry in entries:
        model = entry.content_type.model_class()
        kind = capfirst(model._meta.verbose_name if model else entry.content_type.model)
        record, url = _record(entry, kind)
        data = entry.additional_data if isinstance(entry.additional_data, dict) else {}
        rows.append(
            TrailRow(
                at=entry.timestamp,
                who=_who(entry),
                what=_what(entry),
                kind=kind,
                record=record,
                url=url,
                detail=str(data.get("detail", "")),
                changes=_changes(entry, model),
            )
        )
    return rows


# How many of a record's changes its page shows, newest first.
HISTORY_LIMIT = 100


def record_history(*, obj: models.Model, limit: int = HISTORY_LIMIT) -> list[TrailRow]:
    """Who created, changed or erased the record, and which fields, newest first: the changes of
    its own entries as the program's trail shows them (no values of redacted fields). One query
    (the content type is resolved by a subquery); views ("viewed") are left out."""
    opts = obj._meta
    entries = (
        LogEntry.objects.filter(
            content_type__app_label=opts.app_label,
            content_type__model=opts.model_name,
            object_pk=str(obj.pk),
            action__in=(Action.CREATE, Action.UPDATE, Action.DELETE),
        )
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-id")[:limit]
    )
    return trail_rows(entries)

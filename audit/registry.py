"""Which records are under audit, which program each belongs to, and what of them is kept.

The one place where models are registered with django-auditlog (called from AuditConfig.ready), so
the apps that own the models know nothing of the audit trail (docs/style.md boundaries).

What an entry keeps of a change: the names of the changed fields always, their old and new values
only for the fields listed as `plain` (statuses, stages, workflow dates: what a coordinator needs to
follow a record). Every other field's values are replaced by REDACTED before they are stored:
names, contact data, free texts, answers on well-being and the § 72a "relevant entry" never reach
the trail, so it holds no copy of personal data that would outlive the record's own deletion
period (the trail is kept longer, AUDIT_RETENTION_DAYS). Derived and bookkeeping fields are not
tracked at all. What stays personal is `object_repr` (the record's str(), e.g. a mentee's first
name); audit.services.audit_forget clears it when the person is erased.

Meetings are deliberately not registered: they are the mentor's log of their own tandem, written
often (planned, held, cancelled, calendar sequence), and their only personal content is free text
(place, note) that would be redacted anyway; opening the tandem page, which shows them, is logged.
Goals and check-ins are registered: a coordinator answering a mentee's check-in is a change to the
mentee's data worth knowing about (the answers themselves are redacted).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist
from django.db import models

# What an entry stores instead of a value that must not be copied into the trail.
REDACTED = "[redacted]"


def redact(value: str) -> str:
    """auditlog's mask callable: the value is replaced as a whole, not half-masked."""
    return REDACTED


def _own_program(obj) -> int | None:
    return obj.program_id


def _program_through(relation: str) -> Callable[[models.Model], int | None]:
    def program(obj) -> int | None:
        # In a cascade the parent may already be gone: the entry then has no program.
        try:
            return getattr(obj, relation).program_id
        except ObjectDoesNotExist:
            return None

    return program


def _no_program(obj) -> None:
    """Belongs to a person, not to one program (an account, a volunteer's own profile)."""
    return None


@dataclass(frozen=True)
class Tracked:
    model: str
    program: Callable[[models.Model], int | None]
    plain: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    # When given, only these fields are tracked at all (the user account).
    include: tuple[str, ...] = ()


TRACKED = (
    Tracked(
        "tandems.Mentee",
        _own_program,
        plain=("program", "status", "waiting_since", "reminder_language"),
        exclude=("latitude", "longitude", "created_at"),
    ),
    Tracked(
        "tandems.VolunteerProfile",
        _no_program,
        plain=("user", "form_of_address"),
        exclude=("latitude", "longitude", "updated_at"),
    ),
    Tracked(
        "tandems.Application",
        _own_program,
        plain=("program", "volunteer", "stage", "status", "stage_changed_at", "channel"),
        exclude=("created_at",),
    ),
    Tracked(
        "tandems.ApplicationNote",
        _program_through("application"),
        plain=("application", "author"),
        exclude=("created_at",),
    ),
    Tracked(
        "tandems.ScreeningRecord",
        _own_program,
        # Only that a record was kept, when, and by whom: never whether an entry was found.
        plain=("program", "volunteer", "inspected_by", "inspected_on"),
    ),
    Tracked(
        "tandems.Training",
        _own_program,
        plain=("program", "volunteer", "attended_on"),
    ),
    Tracked(
        "tandems.CodeOfConductSignature",
        _own_program,
        plain=("program", "volunteer", "version", "signed_on"),
    ),
    Tracked(
        "tandems.ConsentRecord",
        _own_program,
        plain=(
            "scope",
            "program",
            "user",
            "mentee",
            "text_version",
            "given_at",
            "method",
            "recorded_by",
            "withdrawn_at",
        ),
    ),
    Tracked(
        "tandems.Tandem",
        _own_program,
        plain=(
            "program",
            "mentor",
            "mentee",
            "status",
            "started_on",
            "planned_end_on",
            "ended_on",
            "end_reason",
            "rhythm",
            "created_by",
        ),
        # Bookkeeping of the services, and the matching's explanation (derived, long).
        exclude=("status_changed_at", "last_contact_on", "created_at", "match_explanation"),
    ),
    Tracked(
        "tandems.Goal",
        _program_through("tandem"),
        plain=("tandem", "progress"),
        exclude=("created_at", "updated_at"),
    ),
    Tracked(
        "tandems.SupportContact",
        _program_through("tandem"),
        plain=("tandem", "contacted_on", "with_whom", "channel", "follow_up", "author"),
        exclude=("created_at",),
    ),
    # A concern about someone's safety: that it was raised, viewed, closed, by whom and when;
    # its text and outcome are masked like the mentee's free texts, and its str() is its number.
    Tracked(
        "tandems.Concern",
        _own_program,
        plain=("program", "tandem", "raised_by", "raised_at", "status", "closed_by", "closed_at"),
    ),
    Tracked(
        "tandems.CheckIn",
        _program_through("tandem"),
        plain=("tandem", "respondent", "occasion", "due_on", "completed_at", "filled_by"),
    ),
    # A coordinator's message to volunteers: who sent what to which group (the text redacted).
    Tracked(
        "tandems.ProgramMessage",
        _own_program,
        plain=("program", "sender", "audience", "essential"),
        exclude=("created_at", "submission_key"),
    ),
    Tracked(
        "tandems.Todo",
        _own_program,
        plain=(
            "program",
            "due_on",
            "assignee",
            "application",
            "mentee",
            "tandem",
            "done_at",
            "created_by",
        ),
        exclude=("created_at",),
    ),
    # A document on a volunteer, a mentee or a tandem: uploaded (created) and deleted, by whom;
    # its title is masked (it may name a person), never its contents; downloads are "viewed"
    # entries written by the download view.
    Tracked(
        "tandems.Document",
        _own_program,
        plain=("program", "volunteer", "mentee", "tandem", "kind", "uploaded_by", "content_type"),
        exclude=("uploaded_at", "token", "size"),
    ),
    # The coordinator role: each grant (created) and revocation (deleted) is in the program's trail.
    Tracked(
        "programs.ProgramCoordinator",
        _own_program,
        plain=("program", "user"),
        exclude=("created_at",),
    ),
    # An invitation to coordinate: who invited which program, and what became of it. The invited
    # address is masked like other personal texts; the nonce of the link is never written.
    Tracked(
        "programs.CoordinatorInvitation",
        _own_program,
        plain=("program", "status", "invited_by", "accepted_by", "expires_at", "closed_at"),
        exclude=("nonce", "created_at"),
    ),
    # The network's decisions on what someone submitted: who decided what for whom, and when it
    # was settled; the title and the reason are masked like free text elsewhere.
    Tracked(
        "programs.ModerationNotice",
        _no_program,
        plain=("recipient", "subject", "decision", "decided_by", "settled_at"),
        exclude=("content_type", "object_id", "link", "created_at"),
    ),
    # The browser import of programs: who uploaded which file and what it did. The file itself
    # and the column mapping are not copied into the trail.
    Tracked(
        "programs.ProgramImport",
        _no_program,
        plain=(
            "uploaded_by",
            "file_name",
            "status",
            "partial",
            "created",
            "updated",
            "unchanged",
            "skipped",
        ),
        exclude=("data", "mapping", "uploaded_at", "imported_at"),
    ),
    Tracked(
        "accounts.User",
        _no_program,
        plain=("is_active", "is_staff"),
        # Never the password hash, the last login or the permissions: only who the account is
        # and whether it may sign in or reach the admin.
        include=("email", "name", "is_active", "is_staff"),
    ),
)

_programs: dict[type[models.Model], Callable[[models.Model], int | None]] = {}


def program_of(obj: models.Model) -> int | None:
    """The id of the program a record belongs to, or None (an account, a network event)."""
    if obj._meta.label == "programs.Program":
        return obj.pk
    resolve = _programs.get(type(obj))
    if resolve is not None:
        return resolve(obj)
    return getattr(obj, "program_id", None)


def tracked_models() -> list[type[models.Model]]:
    return [apps.get_model(spec.model) for spec in TRACKED]


def _masked_fields(model: type[models.Model], spec: Tracked) -> list[str]:
    tracked = spec.include or [field.name for field in model._meta.concrete_fields]
    return [
        name
        for name in tracked
        if name not in spec.plain and name not in spec.exclude and name != "id"
    ]


def _excluded_fields(model: type[models.Model], spec: Tracked) -> list[str]:
    # Reverse relations (a mentee's tandems, a user's applications) are other records, not fields:
    # auditlog would otherwise write their managers' names into every "created" entry.
    reverse = [f.name for f in model._meta.get_fields() if f.auto_created and not f.concrete]
    return [*spec.exclude, *reverse]


def _additional_data(resolve: Callable[[models.Model], int | None]):
    def get_additional_data(self) -> dict:
        return {"program": resolve(self)}

    return get_additional_data


def register_all() -> None:
    from auditlog.registry import auditlog

    for spec in TRACKED:
        model = apps.get_model(spec.model)
        _programs[model] = spec.program
        # auditlog reads an entry's additional_data from this method of the instance. It is set
        # here rather than in the model's own module, so the owning app stays unaware of the
        # audit; a model that already has one would have to be merged by hand.
        if getattr(model, "get_additional_data", None) is not None:
            raise RuntimeError(f"{spec.model} already defines get_additional_data()")
        model.get_additional_data = _additional_data(spec.program)
        auditlog.register(
            model,
            include_fields=list(spec.include) or None,
            exclude_fields=_excluded_fields(model, spec),
            mask_fields=_masked_fields(model, spec),
            mask_callable="audit.registry.redact",
        )

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import images
from core.text import free_slug, german_slug
from core.workflow import transition

from . import cache, gazetteer
from .models import ModerationNotice, Organization, Program, ProgramChange, ProgramCoordinator

PROGRAM_IMAGE_MAX_BYTES = 5 * 1024 * 1024
# Twice the widest the program page shows it, for sharp images on high-density screens.
PROGRAM_IMAGE_MAX_SIZE = (1600, 1200)

# Fields a coordinator may change in the listing; everything else is staff's.
EDITABLE_FIELDS = [
    "name",
    "summary",
    "description",
    "how_to_join",
    "target_groups",
    "topics",
    "formats",
    "age_min",
    "age_max",
    "languages",
    "street",
    "postcode",
    "city",
    "state",
    "latitude",
    "longitude",
    "reach",
    "radius_km",
    "contact_name",
    "contact_role",
    "contact_email",
    "contact_phone",
    "website",
    "availability",
    "image_alt",
]
M2M_FIELDS = ["target_groups", "topics", "formats"]


def program_image_process(upload) -> ContentFile:
    """Check an uploaded program image and return it anew: JPEG, PNG or WebP of at most
    1600 × 1200 px, without EXIF (a photo's GPS position and camera) or other metadata."""
    try:
        return images.image_reencode(
            upload,
            max_bytes=PROGRAM_IMAGE_MAX_BYTES,
            max_size=PROGRAM_IMAGE_MAX_SIZE,
            stem="programm",
        )
    except images.TooLarge as error:
        raise ValidationError({"image": _("The image may be at most 5 MB.")}) from error
    except ValidationError as error:
        raise ValidationError({"image": error.messages}) from error


def program_search_text(*, program: Program, terms: dict | None = None) -> str:
    """Everything a visitor may type to find the program, in both languages' labels.

    `terms`: the vocabularies by relation, where they are not (yet) stored with the program."""
    parts = [program.name, program.summary, program.description, program.organization.name]
    parts.append(program.city)
    for relation in ("target_groups", "topics", "formats"):
        chosen = (terms or {}).get(relation)
        if chosen is None:
            chosen = getattr(program, relation).all()
        for term in chosen:
            parts.extend([term.name_de, term.name_en])
    return " ".join(part for part in parts if part)


def program_locate(*, program: Program) -> None:
    """Fill missing coordinates and Bundesland from the address, via the offline gazetteer."""
    if program.has_location and program.state:
        return
    place = gazetteer.lookup(program.postcode) or gazetteer.lookup(program.city)
    if place is None:
        return
    if not program.has_location:
        program.latitude, program.longitude = place.lat, place.lon
    if not program.state:
        program.state = place.state


@transaction.atomic
def program_save(*, program: Program, m2m: dict | None = None) -> Program:
    """Validate and store a listing with its vocabularies, coordinates and search text."""
    program_locate(program=program)
    program.full_clean()
    program.save()
    for field, values in (m2m or {}).items():
        getattr(program, field).set(values)
    program.search_text = program_search_text(program=program)
    Program.objects.filter(pk=program.pk).update(search_text=program.search_text)
    return program


# Fixed paths beside <slug> (/koordination/programme/neu/, /netzwerk/programme/neu/,
# /netzwerk/traeger/neu/): never a program's or an organisation's slug.
RESERVED_SLUGS = {"neu"}


def slug_base(name: str, *, fallback: str, max_length: int = 200) -> str:
    """The German slug of `name` (umlauts as ae, oe, ue) to number from, room left for "-N"."""
    base = german_slug(name)[: max_length - 10].strip("-") or fallback
    return f"{fallback}-{base}" if base in RESERVED_SLUGS else base


def unique_slug(*, model, name: str, fallback: str, exclude_pk=None) -> str:
    """A free slug of `model` from `name`, numbered "-2", "-3" ... when taken."""
    base = slug_base(name, fallback=fallback, max_length=model._meta.get_field("slug").max_length)
    taken = set(
        model.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    return free_slug(base, taken)


@transaction.atomic
def organization_save(*, organization: Organization) -> Organization:
    """Staff create or change an organisation (Träger); its programs' search text follows a new
    name."""
    renamed = False
    if organization.pk is None:
        organization.slug = organization.slug or unique_slug(
            model=Organization, name=organization.name, fallback="traeger"
        )
    else:
        before = Organization.objects.filter(pk=organization.pk).values_list("name", flat=True)
        renamed = before.first() != organization.name
    organization.full_clean()
    organization.save()
    if renamed:
        programs_refresh_search_text(programs=organization.programs.all())
    return organization


@transaction.atomic
def program_staff_save(*, program: Program, m2m: dict | None = None) -> Program:
    """Network staff create or change a listing directly, every field, with no proposal to
    review: a new program gets a free slug from its name and starts as a draft."""
    if program.pk is None:
        program.slug = program.slug or unique_slug(
            model=Program, name=program.name, fallback="programm"
        )
    return program_save(program=program, m2m=m2m)


def _serialise(*, values: dict) -> dict:
    data = {}
    for field, value in values.items():
        if field in M2M_FIELDS:
            data[field] = sorted(term.pk for term in value)
        elif field in EDITABLE_FIELDS:
            data[field] = value
    return data


@transaction.atomic
def program_edit(*, program: Program, values: dict, user) -> ProgramChange | None:
    """A coordinator's edit. Unpublished listings change at once; a published listing keeps its
    public version until staff approve the proposal (one pending proposal per program)."""
    if program.status != Program.Status.PUBLISHED:
        _apply(program=program, data=_serialise(values=values))
        return None
    data = _serialise(values=values)
    ProgramChange.objects.filter(program=program, status=ProgramChange.Status.PENDING).delete()
    # A new proposal answers the rejection of the last one.
    moderation_notices_settle(model=ProgramChange, ids=program.changes.values_list("pk", flat=True))
    change = ProgramChange(program=program, data=data, submitted_by=user)
    change.full_clean()
    change.save()
    return change


def _apply(*, program: Program, data: dict) -> Program:
    before = (program.postcode, program.city, program.latitude, program.longitude, program.state)
    # Terms deleted since the proposal was made are dropped, not an error.
    m2m = {
        field: getattr(Program, field).field.related_model.objects.filter(pk__in=data[field])
        for field in M2M_FIELDS
        if field in data
    }
    for field, value in data.items():
        if field not in M2M_FIELDS:
            setattr(program, field, value)
    moved = (program.postcode, program.city) != before[:2]
    if moved:
        # A new address with the old coordinates or Land (the form shows them prefilled) is
        # located afresh from the gazetteer.
        if (program.latitude, program.longitude) == before[2:4]:
            program.latitude = program.longitude = None
        if program.state == before[4]:
            program.state = ""
    return program_save(program=program, m2m=m2m)


BULK_BATCH_SIZE = 500


def organizations_bulk_create(*, names: list[str]) -> list[Organization]:
    """Create organisations by name in one go, each with a free slug made from its name."""
    taken = set(Organization.objects.values_list("slug", flat=True))
    organizations = []
    for name in names:
        slug = free_slug(slug_base(name, fallback="traeger"), taken)
        taken.add(slug)
        organization = Organization(name=name, slug=slug)
        organization.full_clean(validate_unique=False)  # the slugs are free, checked above
        organizations.append(organization)
    return Organization.objects.bulk_create(organizations, batch_size=BULK_BATCH_SIZE)


def programs_bulk_save(
    *,
    created: list[Program],
    updated: list[tuple[Program, set[str]]],
    m2m: dict,
    current: dict | None = None,
) -> None:
    """Store many checked listings at once: what program_save does for one (search text,
    vocabularies, the public caches), in a few queries per 500 new programs and one per changed
    one, instead of about fifteen per program. The programs must have been located
    (program_locate) and validated (full_clean) by the caller, their slugs and external ids
    checked to be free. `updated` pairs each changed program with the names of its changed
    fields; `m2m` maps a program (by id()) to {relation: terms} for the relations to set;
    `current`, likewise, to the terms an updated program has now (else they are queried).

    Raises IntegrityError when the database refuses a row: the caller's transaction then
    holds nothing of this call when it wraps it in a savepoint.
    """
    now = timezone.now()
    for program in created:  # a new program has no terms but those given
        terms = {relation: [] for relation in M2M_FIELDS} | m2m.get(id(program), {})
        program.search_text = program_search_text(program=program, terms=terms)
    Program.objects.bulk_create(created, batch_size=BULK_BATCH_SIZE)
    for program, fields in updated:
        terms = (current or {}).get(id(program), {}) | m2m.get(id(program), {})
        text = program_search_text(program=program, terms=terms)
        changed = set(fields) | ({"search_text"} if text != program.search_text else set())
        program.search_text = text
        values = {"updated_at": now}
        for name in changed:
            # What save() would do with the field: clean the text (core/text.py).
            model_field = Program._meta.get_field(name)
            values[model_field.attname] = model_field.pre_save(program, add=False)
        program.updated_at = now
        # One plain UPDATE of the changed columns: bulk_update's CASE over every column cost
        # 40 ms per program.
        Program.objects.filter(pk=program.pk).update(**values)
    updated_programs = [program for program, _fields in updated]
    new = {id(program) for program in created}
    for relation in M2M_FIELDS + ["funding_badges"]:
        through = getattr(Program, relation).through
        source = getattr(Program, relation).field.m2m_field_name()
        target = getattr(Program, relation).field.m2m_reverse_field_name()
        given = [
            (program, m2m[id(program)][relation])
            for program in [*created, *updated_programs]
            if relation in m2m.get(id(program), {})
        ]
        replaced = [program.pk for program, _terms in given if id(program) not in new]
        for start in range(0, len(replaced), BULK_BATCH_SIZE):
            through.objects.filter(
                **{f"{source}_id__in": replaced[start : start + BULK_BATCH_SIZE]}
            ).delete()
        through.objects.bulk_create(
            [
                through(**{f"{source}_id": program.pk, f"{target}_id": term.pk})
                for program, terms in given
                for term in {term.pk: term for term in terms}.values()
            ],
            batch_size=BULK_BATCH_SIZE * 4,
        )
    # bulk_create and bulk_update send no signals: the public caches are renewed here, once.
    transaction.on_commit(cache.bump_generation)


def programs_refresh_search_text(*, programs) -> int:
    """Recompute the search text after an organisation or a vocabulary term was renamed."""
    count = 0
    for program in programs.select_related("organization").prefetch_related(
        "target_groups", "topics", "formats"
    ):
        text = program_search_text(program=program)
        if text != program.search_text:
            Program.objects.filter(pk=program.pk).update(search_text=text)
            count += 1
    return count


@transaction.atomic
def program_submit_for_review(*, program: Program, by=None) -> Program:
    """A coordinator hands the listing to the network; the decision goes back to `by`."""
    changes = {"submitted_by": by} if by is not None else {}
    program = transition(
        program,
        lock=False,
        allowed={Program.Status.DRAFT, Program.Status.REVIEW},
        to=Program.Status.REVIEW,
        refusal=_("Only a draft can be submitted for review."),
        **changes,
    )
    moderation_notices_settle(model=Program, ids=[program.pk])
    return program


@transaction.atomic
def program_publish(*, program: Program, by=None) -> Program:
    if not program.has_location and program.reach != Program.Reach.NATIONAL:
        raise ValidationError(
            _("The program needs a location on the map (an address with a known postcode).")
        )
    was_public = program.status == Program.Status.PUBLISHED
    program = transition(
        program,
        lock=False,
        to=Program.Status.PUBLISHED,
        review_note="",
        last_reviewed_at=timezone.localdate(),
    )
    if not was_public:
        moderation_notice_give(
            item=program,
            subject=ModerationNotice.Subject.PROGRAM,
            recipient=program.submitted_by,
            decision=ModerationNotice.Decision.PUBLISHED,
            title=program.name,
            link=program.get_absolute_url(),
            by=by,
        )
    return program


@transaction.atomic
def program_send_back(*, program: Program, reason: str, by=None) -> Program:
    if not reason.strip():
        raise ValidationError(_("Please give a reason, so the coordinators know what to change."))
    program = transition(program, lock=False, to=Program.Status.DRAFT, review_note=reason.strip())
    moderation_notice_give(
        item=program,
        subject=ModerationNotice.Subject.PROGRAM,
        recipient=program.submitted_by,
        decision=ModerationNotice.Decision.SENT_BACK,
        title=program.name,
        link=reverse("programs:edit", kwargs={"slug": program.slug}),
        reason=program.review_note,
        by=by,
    )
    return program


def organization_key(name: str) -> str:
    from .imports import organization_key as key

    return key(name)


def unique_program_slug(name: str) -> str:
    """The German slug of a new program's name, numbered when taken."""
    return unique_slug(model=Program, name=name, fallback="programm")


def organization_for_name(*, name: str) -> Organization:
    """The organisation of that name, matched as the program import matches Träger (case,
    spacing, punctuation and the spellings of legal forms ignored), or a new one."""
    name = " ".join(name.split())
    key = organization_key(name)
    for organization in Organization.objects.order_by("pk"):
        if organization_key(organization.name) == key:
            return organization
    organization = Organization(
        name=name, slug=unique_slug(model=Organization, name=name, fallback="traeger")
    )
    organization.full_clean()
    organization.save()
    return organization


@transaction.atomic
def program_propose(
    *, user, values: dict, organization: Organization | None = None, organization_name: str = ""
) -> Program:
    """A coordinator proposes a new program: a listing in review, invisible to the public until
    the network publishes it. The proposer becomes its coordinator, so that they can change it
    when it is sent back, and receives the network's decision."""
    if organization is None:
        if not organization_name.strip():
            raise ValidationError(
                {"organization": _("Please choose an organisation or give the name of a new one.")}
            )
        organization = organization_for_name(name=organization_name)
    data = _serialise(values=values)
    program = Program(
        organization=organization,
        name=data["name"],
        slug=unique_program_slug(data["name"]),
        status=Program.Status.REVIEW,
        submitted_by=user,
    )
    program = _apply(program=program, data=data)
    coordinator_grant(program=program, user=user, by=user)
    return program


@transaction.atomic
def program_archive(*, program: Program) -> Program:
    return transition(program, lock=False, to=Program.Status.ARCHIVED)


@transaction.atomic
def program_mark_reviewed(*, program: Program) -> Program:
    """A coordinator confirms that the published listing is still correct."""
    program.last_reviewed_at = timezone.localdate()
    program.save(update_fields=["last_reviewed_at", "updated_at"])
    return program


@transaction.atomic
def program_change_approve(*, change: ProgramChange, user) -> Program:
    change = ProgramChange.objects.select_for_update().get(pk=change.pk)
    if change.status != ProgramChange.Status.PENDING:
        raise ValidationError(_("This proposal has already been reviewed."))
    program = _apply(program=change.program, data=change.data)
    program.last_reviewed_at = timezone.localdate()
    program.save(update_fields=["last_reviewed_at", "updated_at"])
    change.status = ProgramChange.Status.APPROVED
    change.reviewed_by = user
    change.reviewed_at = timezone.now()
    change.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    moderation_notice_give(
        item=change,
        subject=ModerationNotice.Subject.PROGRAM_CHANGE,
        recipient=change.submitted_by,
        decision=ModerationNotice.Decision.PUBLISHED,
        title=program.name,
        link=program.get_absolute_url(),
        by=user,
    )
    return program


@transaction.atomic
def program_change_reject(*, change: ProgramChange, user, reason: str) -> ProgramChange:
    if not reason.strip():
        raise ValidationError(_("Please give a reason, so the coordinators know what to change."))
    change = ProgramChange.objects.select_for_update().get(pk=change.pk)
    if change.status != ProgramChange.Status.PENDING:
        raise ValidationError(_("This proposal has already been reviewed."))
    change.status = ProgramChange.Status.REJECTED
    change.reason = reason.strip()
    change.reviewed_by = user
    change.reviewed_at = timezone.now()
    change.save(update_fields=["status", "reason", "reviewed_by", "reviewed_at"])
    moderation_notice_give(
        item=change,
        subject=ModerationNotice.Subject.PROGRAM_CHANGE,
        recipient=change.submitted_by,
        decision=ModerationNotice.Decision.SENT_BACK,
        title=change.program.name,
        link=reverse("programs:edit", kwargs={"slug": change.program.slug}),
        reason=change.reason,
        by=user,
    )
    return change


# --- The network's answers (ModerationNotice) ---------------------------------------------------
# Programs, events and news call these: every decision of the network on a submission is mailed
# to whoever submitted it and shown on their /koordination/ until they act.


def moderation_notices_settle(*, model, ids) -> int:
    """The open notices about these items are settled: the item was submitted again, or a new
    decision replaces the old one."""
    return ModerationNotice.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        object_id__in=list(ids),
        settled_at__isnull=True,
    ).update(settled_at=timezone.now())


def moderation_notice_give(
    *, item, subject: str, recipient, decision: str, title: str, link: str, reason: str = "", by
) -> ModerationNotice | None:
    """Record the network's decision on `item` for the person who submitted it, and mail it.
    Nothing for nobody: an item without a known submitter, a deactivated account, or a moderator
    deciding on their own submission."""
    from notifications.models import Notification
    from notifications.services import notify

    moderation_notices_settle(model=type(item), ids=[item.pk])
    if recipient is None or not recipient.is_active or (by is not None and recipient.pk == by.pk):
        return None
    notice = ModerationNotice(
        recipient=recipient,
        subject=subject,
        content_type=ContentType.objects.get_for_model(type(item)),
        object_id=item.pk,
        title=title[:200],
        decision=decision,
        reason=reason,
        link=link,
        decided_by=by,
    )
    notice.full_clean()
    notice.save()
    notify(Notification.Kind.MODERATION_DECISION, about=notice, to=recipient)
    return notice


@transaction.atomic
def moderation_notice_acknowledge(*, notice: ModerationNotice, user) -> ModerationNotice:
    """The recipient has read a "published" notice; a sent-back one waits for the fix."""
    if notice.recipient_id != user.pk:
        raise ValidationError(_("This notice is not addressed to you."))
    if notice.decision != ModerationNotice.Decision.PUBLISHED:
        raise ValidationError(_("This notice goes away once you have submitted the item again."))
    if notice.settled_at is None:
        notice.settled_at = timezone.now()
        notice.save(update_fields=["settled_at"])
    return notice


# --- The coordinator role -----------------------------------------------------------------------
# Granted and revoked only here: django-auditlog writes each to the program's audit trail
# (audit/registry.py), and the program's other coordinators are told by mail, so that a grant
# nobody agreed on does not go unnoticed.


def _role_entry(*, membership_pk: int, action: int, by):
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    entry = (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(ProgramCoordinator),
            object_pk=str(membership_pk),
            action=action,
        )
        .order_by("-pk")
        .first()
    )
    if entry is not None and by is not None and entry.actor_id is None:
        entry.actor = by
        entry.save(update_fields=["actor"])
    return entry


def _tell_other_coordinators(*, program: Program, user, entry) -> None:
    from notifications.models import Notification
    from notifications.services import notify

    if entry is None:  # auditlog switched off (the erasure of an account)
        return
    others = (
        ProgramCoordinator.objects.filter(program=program, user__is_active=True)
        .exclude(user=user)
        .select_related("user")
    )
    for membership in others:
        notify(Notification.Kind.COORDINATOR_CHANGED, about=entry, to=membership.user)


@transaction.atomic
def coordinator_grant(*, program: Program, user, by=None) -> ProgramCoordinator:
    """Make `user` a coordinator of `program`; `by` is who granted it (None: a command)."""
    from auditlog.models import LogEntry

    if not user.is_active:
        raise ValidationError(_("This account is deactivated and cannot coordinate a program."))
    if ProgramCoordinator.objects.filter(program=program, user=user).exists():
        raise ValidationError(
            _("%(name)s coordinates this program already.") % {"name": user.name or user.email}
        )
    membership = ProgramCoordinator(program=program, user=user)
    membership.full_clean()
    membership.save()
    entry = _role_entry(membership_pk=membership.pk, action=LogEntry.Action.CREATE, by=by)
    _tell_other_coordinators(program=program, user=user, entry=entry)
    return membership


@transaction.atomic
def coordinator_revoke(*, membership: ProgramCoordinator, by=None) -> None:
    """Take the coordinator role of one program from its holder; `by` is who did it."""
    from auditlog.models import LogEntry

    program, user, pk = membership.program, membership.user, membership.pk
    membership.delete()
    entry = _role_entry(membership_pk=pk, action=LogEntry.Action.DELETE, by=by)
    _tell_other_coordinators(program=program, user=user, entry=entry)

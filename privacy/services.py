"""Erasing a person's data (Art. 17 DSGVO) while the program's anonymous statistics stay whole.

A volunteer's account is deleted with everything that hangs on it (profile, applications,
consents, § 72a records, trainings, notifications, e-mail addresses). Their tandems stay, pointing
to one inactive placeholder account, so the reports count them as before; the free texts of those
tandems (meeting notes and places, notes on the tandem) are cleared because they may name people.

A mentee has no account: the row stays, emptied and marked `anonymised_at`, so the tandems keep
their mentee. Only the year of birth survives, rounded down to the decade.

Retention (privacy/retention.py) uses the same functions on many people at once.
"""

from __future__ import annotations

from collections import Counter

from auditlog.context import disable_auditlog
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import by_verified_address
from audit.services import ERASED, audit_forget, audit_record
from events import services as event_services
from events.models import Registration
from notifications.models import Notification
from programs.models import CoordinatorInvitation, Program, ProgramCoordinator
from tandems.figures_cache import figures_changed
from tandems.models import (
    Application,
    ApplicationNote,
    CheckIn,
    CodeOfConductSignature,
    ConsentRecord,
    Document,
    Goal,
    Meeting,
    Mentee,
    ProgramMessageRecipient,
    ScreeningRecord,
    SupportContact,
    Tandem,
    TandemStatusChange,
    Todo,
    Training,
    VolunteerProfile,
)
from tandems.services import lifecycle
from tandems.services.documents import documents_delete

from .models import Erasure

# The account the tandems of erased volunteers point to. ".invalid" can never receive mail, so
# nobody can sign up with it; it has no usable password and is inactive.
PLACEHOLDER_EMAIL = "geloescht@anonym.invalid"
PLACEHOLDER_NAME = "(gelöscht)"


def placeholder_user():
    User = get_user_model()
    user, created = User.objects.get_or_create(
        email=PLACEHOLDER_EMAIL, defaults={"name": PLACEHOLDER_NAME, "is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def is_placeholder(user) -> bool:
    return user is not None and user.email == PLACEHOLDER_EMAIL


def scrub_tandems(tandem_ids, *, mentee_side: bool) -> None:
    """Clear what people wrote freely about tandems: it may name the person being erased. The
    goals are the mentee's; they go with the mentee's data."""
    Meeting.objects.filter(tandem__in=tandem_ids).update(note="", place="")
    # The program's own key of a tandem (an import's external id) leads back to its records.
    Tandem.objects.filter(pk__in=tandem_ids).update(
        end_note="", match_explanation=[], external_id=""
    )
    TandemStatusChange.objects.filter(tandem__in=tandem_ids).update(note="")
    # The coordinators' to-dos about these tandems name people in their titles (and so do the
    # audit entries' labels of them).
    todos = Todo.objects.filter(tandem__in=tandem_ids)
    audit_forget(obj=[todos])
    todos.delete()
    SupportContact.objects.filter(tandem__in=tandem_ids).update(summary="")
    # A tandem's documents (an agreement both sides signed) name both: rows and files go.
    documents_delete(Document.objects.filter(tandem__in=tandem_ids))
    # Concerns about someone's safety are not cleared here: they follow their own retention
    # period (Art. 17 (3) (b) and (e) DSGVO; docs/privacy.md), so deleting an account cannot
    # erase a concern about its holder.
    if mentee_side:
        Goal.objects.filter(tandem__in=tandem_ids).update(title="")


def _end_current_tandems(tandems, *, reason: str, mentee_waits_again: bool) -> list[Tandem]:
    ended = []
    for tandem in tandems.current():
        ended.append(
            lifecycle.tandem_end(
                tandem=tandem,
                by=None,
                ended_on=timezone.localdate(),
                reason=reason,
                mentee_waits_again=mentee_waits_again,
            )
        )
    return ended


def _tell_coordinators(erasures: list[Erasure]) -> None:
    from notifications.services import notify

    memberships = ProgramCoordinator.objects.filter(
        program__in=[erasure.program_id for erasure in erasures], user__is_active=True
    ).select_related("user")
    by_program = {}
    for membership in memberships:
        by_program.setdefault(membership.program_id, []).append(membership.user)
    for erasure in erasures:
        for coordinator in by_program.get(erasure.program_id, []):
            notify(Notification.Kind.PERSON_ERASED, about=erasure, to=coordinator)


def _programs_of(user) -> set[int]:
    found = set()
    for model, field in (
        (Application, "volunteer"),
        (Tandem, "mentor"),
        (ScreeningRecord, "volunteer"),
        (Training, "volunteer"),
        (CodeOfConductSignature, "volunteer"),
        (ConsentRecord, "user"),
        (Document, "volunteer"),
    ):
        found |= set(
            model.objects.filter(**{field: user}, program__isnull=False)
            .values_list("program", flat=True)
            .distinct()
        )
    return found


def registrations_anonymise(registrations) -> int:
    """Registrations lose name, address and needs; status and dates stay for the counts. Places
    in events still to come are given back first (the waiting list moves up)."""
    now = timezone.now()
    ids = []
    for registration in registrations.select_related("event"):
        ids.append(registration.pk)
        active = registration.status != Registration.Status.CANCELLED
        if active and registration.event.starts_at > now:
            event_services.registration_cancel(registration=registration)
    Notification.objects.filter(registration__in=ids).delete()
    for pk in ids:
        # One by one: the address must stay unique among an event's active registrations.
        Registration.objects.filter(pk=pk).update(
            name="",
            email=f"anonym-{pk}@anonym.invalid",
            accessibility_needs="",
            reminders=False,
        )
    return len(ids)


@transaction.atomic
def volunteer_erase(*, user, cause: str = Erasure.Cause.OWN_REQUEST) -> list[Erasure]:
    """Delete a volunteer's account and all data about them; their tandems stay anonymous.

    Open applications count as withdrawn and running tandems end early ("the mentor ended it");
    the mentee waits for a new mentor. With `cause` OWN_REQUEST the coordinators of each program
    concerned are told by mail, without the person's name.
    """
    User = get_user_model()
    user = User.objects.select_for_update().get(pk=user.pk)
    if is_placeholder(user):
        raise ValidationError(_("This account cannot be deleted."))
    programs = _programs_of(user)
    erasures = {
        program: Erasure(person=Erasure.Person.VOLUNTEER, cause=cause, program_id=program)
        for program in programs
    }
    withdrawn = Counter(
        Application.objects.open().filter(volunteer=user).values_list("program", flat=True)
    )
    tandems = Tandem.objects.filter(mentor=user)
    ended = Counter(
        tandem.program_id
        for tandem in _end_current_tandems(
            tandems, reason=Tandem.EndReason.MENTOR_WITHDREW, mentee_waits_again=True
        )
    )
    tandem_ids = list(tandems.values_list("pk", "program"))
    # The mentor's own check-ins that nobody can answer any more.
    CheckIn.objects.open().filter(
        tandem__mentor=user, respondent=CheckIn.Respondent.MENTOR
    ).delete()
    scrub_tandems([pk for pk, _program in tandem_ids], mentee_side=False)
    # Only the registrations of addresses the person confirmed: an address merely typed into the
    # account may be someone else's.
    registrations_anonymise(Registration.objects.filter(by_verified_address(user)))
    # Invitations to coordinate sent to a confirmed address of the person hold only that address.
    CoordinatorInvitation.objects.filter(by_verified_address(user)).delete()
    audit_forget(obj=_records_naming(user))
    # Explicitly, not by the cascade: the files go from disk too (after the commit).
    documents_delete(Document.objects.filter(volunteer=user))
    _release_protected(user)
    # Without the audit log's entries for each row the cascade deletes: they would name the
    # person again, and the one "erased" entry per program below says what happened.
    with disable_auditlog():
        user.delete()

    for erasure in erasures.values():
        erasure.applications_withdrawn = withdrawn[erasure.program_id]
        erasure.tandems_ended = ended[erasure.program_id]
        erasure.tandem_ids = sorted(
            pk for pk, program in tandem_ids if program == erasure.program_id
        )
        erasure.save()
        audit_record(actor=None, action=ERASED, program=erasure.program, detail="volunteer")
    if cause == Erasure.Cause.OWN_REQUEST:
        _tell_coordinators(list(erasures.values()))
    return list(erasures.values())


def _records_naming(user, *, program_id=None) -> list:
    """The records whose audit entries name the volunteer (all, or those of one program)."""
    scope = {} if program_id is None else {"program_id": program_id}
    records = [
        Application.objects.filter(volunteer=user, **scope),
        ApplicationNote.objects.filter(
            application__volunteer=user,
            **{f"application__{key}": value for key, value in scope.items()},
        ),
        ScreeningRecord.objects.filter(volunteer=user, **scope),
        Training.objects.filter(volunteer=user, **scope),
        CodeOfConductSignature.objects.filter(volunteer=user, **scope),
        ConsentRecord.objects.filter(user=user, **scope),
        Tandem.objects.filter(mentor=user, **scope),
        Todo.objects.filter(application__volunteer=user, **scope),
    ]
    if program_id is None:
        records += [
            user,
            VolunteerProfile.objects.filter(user=user),
            # The grants of a coordinator role name the coordinator ("<name> – <program>").
            ProgramCoordinator.objects.filter(user=user),
        ]
    return records


def _release_protected(user) -> None:
    """Point every record that must outlive the account (PROTECT) to the placeholder."""
    placeholder = placeholder_user()
    # Hidden relations too (related_name="+", as the inspector of a § 72a record has).
    relations = user._meta.get_fields(include_hidden=True)
    for relation in relations:
        if relation.auto_created and getattr(relation, "on_delete", None) is models.PROTECT:
            relation.related_model._base_manager.filter(**{relation.field.name: user}).update(
                **{relation.field.name: placeholder}
            )


def volunteer_program_records_erase(*, pairs: list[tuple[int, int]]) -> int:
    """Retention: for each (program, volunteer) whose activity there has ended long enough ago,
    remove the program's records of them; the account itself stays theirs."""
    placeholder = placeholder_user()
    User = get_user_model()
    for program_id, user_id in pairs:
        audit_forget(obj=_records_naming(User(pk=user_id), program_id=program_id))
        audit_record(actor=None, action=ERASED, program=Program(pk=program_id), detail="volunteer")
        tandem_ids = list(
            Tandem.objects.filter(program_id=program_id, mentor_id=user_id).values_list(
                "pk", flat=True
            )
        )
        scrub_tandems(tandem_ids, mentee_side=False)
        Notification.objects.filter(user_id=user_id).filter(
            models.Q(
                content_type=ContentType.objects.get_for_model(Tandem), object_id__in=tandem_ids
            )
            | models.Q(
                content_type=ContentType.objects.get_for_model(Meeting),
                object_id__in=Meeting.objects.filter(tandem__in=tandem_ids).values("pk"),
            )
        ).delete()
        Tandem.objects.filter(pk__in=tandem_ids).update(mentor=placeholder)
        ProgramMessageRecipient.objects.filter(
            message__program_id=program_id, user_id=user_id
        ).delete()
        documents_delete(Document.objects.filter(program_id=program_id, volunteer_id=user_id))
        for model, field in (
            (Application, "volunteer_id"),
            (ScreeningRecord, "volunteer_id"),
            (Training, "volunteer_id"),
            (CodeOfConductSignature, "volunteer_id"),
            (ConsentRecord, "user_id"),
        ):
            model.objects.filter(program_id=program_id, **{field: user_id}).delete()
    return len(pairs)


MENTEE_CLEARED = {
    "first_name": "",
    "postcode": "",
    "city": "",
    "latitude": None,
    "longitude": None,
    "languages": "",
    "availability": [],
    "goals_and_needs": "",
    "guardian_name": "",
    "guardian_phone": "",
    "guardian_email": "",
    "reminder_email": "",
    "external_id": "",
}


def mentees_anonymise(*, ids, by=None) -> int:
    """Empty the mentees' rows and everything about them; the rows and tandems stay."""
    ids = list(ids)
    tandem_ids = list(Tandem.objects.filter(mentee__in=ids).values_list("pk", flat=True))
    # Emptied in bulk, past the signals: no dashboard keeps showing the mentees' first names.
    figures_changed(Mentee.objects.filter(pk__in=ids).values_list("program_id", flat=True))
    audit_forget(
        obj=[
            Mentee.objects.filter(pk__in=ids),
            ConsentRecord.objects.filter(mentee__in=ids),
            Tandem.objects.filter(pk__in=tandem_ids),
            Goal.objects.filter(tandem__in=tandem_ids),
            Todo.objects.filter(mentee__in=ids),
        ]
    )
    CheckIn.objects.open().filter(
        tandem__in=tandem_ids, respondent=CheckIn.Respondent.MENTEE
    ).delete()
    scrub_tandems(tandem_ids, mentee_side=True)
    ConsentRecord.objects.filter(mentee__in=ids).delete()
    Todo.objects.filter(mentee__in=ids).delete()
    documents_delete(Document.objects.filter(mentee__in=ids))
    Notification.objects.filter(mentee__in=ids).delete()
    Mentee.interests.through.objects.filter(mentee__in=ids).delete()
    Mentee.target_groups.through.objects.filter(mentee__in=ids).delete()
    now = timezone.now()
    for mentee in Mentee.objects.filter(pk__in=ids, anonymised_at__isnull=True).only(
        "pk", "year_of_birth", "program_id"
    ):
        Mentee.objects.filter(pk=mentee.pk).update(
            **MENTEE_CLEARED,
            # The decade only: with the program it could otherwise single someone out.
            year_of_birth=mentee.year_of_birth - mentee.year_of_birth % 10,
            status=Mentee.Status.INACTIVE,
            anonymised_at=now,
        )
        audit_record(actor=by, action=ERASED, obj=mentee, program=Program(pk=mentee.program_id))
    return len(ids)


@transaction.atomic
def mentee_erase(*, mentee: Mentee, by) -> Erasure:
    """A coordinator erases a mentee (at the request of the mentee or guardian): a running tandem
    ends early ("the mentee or guardian ended it"), then everything about the mentee is emptied."""
    mentee = Mentee.objects.select_for_update().get(pk=mentee.pk)
    if mentee.anonymised_at is not None:
        raise ValidationError(_("This mentee's data has already been erased."))
    tandems = Tandem.objects.filter(mentee=mentee)
    ended = _end_current_tandems(
        tandems, reason=Tandem.EndReason.MENTEE_WITHDREW, mentee_waits_again=False
    )
    mentees_anonymise(ids=[mentee.pk], by=by)
    return Erasure.objects.create(
        person=Erasure.Person.MENTEE,
        cause=Erasure.Cause.COORDINATOR,
        program_id=mentee.program_id,
        tandems_ended=len(ended),
        tandem_ids=sorted(tandems.values_list("pk", flat=True)),
    )


def consent_withdraw(*, consent: ConsentRecord, by) -> ConsentRecord:
    """Withdraw a consent (once). Withdrawing the privacy notice of a program withdraws the open
    application there: the program may not process the application without it."""
    from tandems import services as tandem_services

    with transaction.atomic():
        consent = ConsentRecord.objects.select_for_update().get(pk=consent.pk)
        if consent.withdrawn_at is not None:
            raise ValidationError(_("This consent has already been withdrawn."))
        consent.withdrawn_at = timezone.now()
        consent.save(update_fields=["withdrawn_at"])
        if consent.scope == ConsentRecord.Scope.PRIVACY_NOTICE and consent.user_id:
            for application in Application.objects.open().filter(
                volunteer_id=consent.user_id, program_id=consent.program_id
            ):
                tandem_services.application_withdraw(
                    application=application, by=by, consent_withdrawn=True
                )
    return consent


def withdrawable(consent: ConsentRecord) -> bool:
    return consent.withdrawn_at is None

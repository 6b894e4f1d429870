from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from programs import gazetteer
from programs.models import Program
from tandems.models import (
    Application,
    ApplicationEvent,
    ApplicationNote,
    CodeOfConductSignature,
    ConsentRecord,
    Mentee,
    PipelineStage,
    ProgramTandemSettings,
    ScreeningRecord,
    Tandem,
    TandemStatusChange,
    Training,
    VolunteerProfile,
    certificate_too_old,
)
from tandems.services.messages import (
    coordinators_tell_new_application,
    mentor_tell_tandem_step,
)

# The default pipeline (German, as coordinators name it, with the English name of the English
# pages and mails); each program may rename and reorder. Migration 0012 gives existing stages
# with these German names their English one.
DEFAULT_STAGES = [
    ("eingegangen", "received", False, False),
    ("Kennenlerngespräch", "introductory talk", False, False),
    ("Schulung", "training", False, False),
    ("Führungszeugnis geprüft", "certificate of conduct checked", False, True),
    ("bereit für Tandem", "ready for a tandem", True, True),
]


def program_tandem_settings(*, program: Program) -> ProgramTandemSettings:
    settings, _created = ProgramTandemSettings.objects.get_or_create(program=program)
    return settings


@transaction.atomic
def pipeline_ensure_default(*, program: Program) -> list[PipelineStage]:
    """The program's stages; the German default set when it has none yet."""
    stages = list(program.pipeline_stages.all())
    if stages:
        return stages
    return [
        PipelineStage.objects.create(
            program=program,
            name=name,
            name_en=name_en,
            position=position,
            is_ready=is_ready,
            needs_certificate=needs_certificate,
        )
        for position, (name, name_en, is_ready, needs_certificate) in enumerate(DEFAULT_STAGES)
    ]


def _locate(obj) -> None:
    place = gazetteer.lookup(obj.postcode) or gazetteer.lookup(obj.city)
    if place is None:
        obj.latitude = obj.longitude = None
        return
    obj.latitude, obj.longitude = place.lat, place.lon
    if not obj.city:
        obj.city = place.name


@transaction.atomic
def volunteer_profile_save(*, profile: VolunteerProfile, interests=None, target_groups=None):
    _locate(profile)
    profile.full_clean()
    profile.save()
    if interests is not None:
        profile.interests.set(interests)
    if target_groups is not None:
        profile.preferred_target_groups.set(target_groups)
    return profile


def _queue_status_mail(application: Application) -> None:
    from notifications.models import Notification
    from notifications.services import notify

    # One mail per state of the application: stage, status and the moment it changed. The
    # moment as microseconds since 1970: an ISO time would not fit the outbox's 40 characters
    # after "<stage>:rejected:" (PostgreSQL refuses it, and the rejection with it).
    changed = int(application.stage_changed_at.timestamp()) * 1_000_000
    changed += application.stage_changed_at.microsecond
    occurrence = f"{application.stage_id}:{application.status}:{changed}"
    notify(
        Notification.Kind.APPLICATION_STATUS,
        about=application,
        to=application.volunteer,
        occurrence=occurrence,
    )


@transaction.atomic
def application_submit(
    *, program: Program, user, privacy_version: str, contact_by_other_programs: bool = False
) -> Application:
    """A volunteer applies: first stage, consent records, a confirmation mail after commit."""
    if not hasattr(user, "volunteer_profile"):
        raise ValidationError(_("Please fill in your profile first."))
    if Application.objects.filter(
        program=program, volunteer=user, status=Application.Status.OPEN
    ).exists():
        raise ValidationError(_("You have already applied to this program."))
    first = pipeline_ensure_default(program=program)[0]
    application = Application(program=program, volunteer=user, stage=first)
    application.full_clean()
    application.save()
    ApplicationEvent.objects.create(
        application=application, to_stage=first, status=application.status, by=user
    )
    ConsentRecord.objects.create(
        scope=ConsentRecord.Scope.PRIVACY_NOTICE,
        program=program,
        user=user,
        text_version=privacy_version,
    )
    if contact_by_other_programs:
        ConsentRecord.objects.create(
            scope=ConsentRecord.Scope.OTHER_PROGRAMS, user=user, text_version=privacy_version
        )
    _queue_status_mail(application)
    coordinators_tell_new_application(application=application)
    return application


def volunteer_is_screened(*, program: Program, volunteer, on: date | None = None) -> bool:
    settings = program_tandem_settings(program=program)
    if not settings.requires_certificate:
        return True
    day = on or timezone.localdate()
    return any(
        record.is_valid_on(day, years=settings.reinspection_years)
        for record in ScreeningRecord.objects.filter(program=program, volunteer=volunteer)
    )


@transaction.atomic
def application_advance(*, application: Application, stage: PipelineStage, by) -> Application:
    """Move an open application to another stage of its program."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status != Application.Status.OPEN:
        raise ValidationError(_("Only an open application can be moved."))
    if stage.program_id != application.program_id:
        raise ValidationError(_("This stage belongs to another program."))
    if stage == application.stage:
        return application
    if stage.needs_certificate and not volunteer_is_screened(
        program=application.program, volunteer=application.volunteer
    ):
        raise ValidationError(
            _("This stage needs a valid § 72a record (inspected certificate, no relevant entry).")
        )
    previous = application.stage
    application.stage = stage
    application.stage_changed_at = timezone.now()
    application.save(update_fields=["stage", "stage_changed_at"])
    ApplicationEvent.objects.create(
        application=application,
        from_stage=previous,
        to_stage=stage,
        status=application.status,
        by=by,
    )
    _queue_status_mail(application)
    return application


@transaction.atomic
def _close(*, application: Application, status: str, reason: str, by) -> Application:
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status != Application.Status.OPEN:
        raise ValidationError(_("This application is already closed."))
    application.status = status
    application.reason = reason
    application.stage_changed_at = timezone.now()
    application.full_clean()
    application.save(update_fields=["status", "reason", "stage_changed_at"])
    ApplicationEvent.objects.create(
        application=application, from_stage=application.stage, status=status, by=by
    )
    _forget_screening_if_not_starting(application)
    _queue_status_mail(application)
    return application


def _forget_screening_if_not_starting(application: Application) -> None:
    """§ 72a SGB VIII: a person who does not start keeps no record of their inspection, from the
    moment that is clear (their last open application in the program is closed, and they have
    never begun a tandem there)."""
    program, volunteer = application.program_id, application.volunteer_id
    still_applying = Application.objects.open().filter(program=program, volunteer=volunteer)
    tandems = Tandem.objects.filter(program=program, mentor=volunteer)
    started = tandems.filter(Q(started_on__isnull=False) | Q(status__in=Tandem.CURRENT))
    if not still_applying.exists() and not started.exists():
        ScreeningRecord.objects.filter(program=program, volunteer=volunteer).delete()


def application_reject(*, application: Application, reason: str, by) -> Application:
    if not reason.strip():
        raise ValidationError(_("Please give a reason for the rejection."))
    return _close(
        application=application, status=Application.Status.REJECTED, reason=reason.strip(), by=by
    )


def application_withdraw(
    *, application: Application, by, consent_withdrawn: bool = False
) -> Application:
    """The volunteer withdraws; not while they accompany a tandem of the program (it is ended
    with the coordinators first, so that the mentee is not left without a word). Withdrawing the
    consent to the privacy notice withdraws it all the same: nothing may be processed without."""
    mentoring = (
        Tandem.objects.current()
        .filter(program=application.program, mentor=application.volunteer)
        .exists()
    )
    if mentoring and not consent_withdrawn:
        raise ValidationError(
            _(
                "You accompany a tandem in this program. Please talk to the coordinators to end "
                "it; the application cannot be withdrawn while it runs."
            )
        )
    return _close(application=application, status=Application.Status.WITHDRAWN, reason="", by=by)


def application_note_add(*, application: Application, text: str, author) -> ApplicationNote:
    note = ApplicationNote(application=application, text=text.strip(), author=author)
    note.full_clean()
    note.save()
    return note


@transaction.atomic
def screening_record_save(
    *,
    program: Program,
    volunteer,
    inspected: bool,
    certificate_issued_on: date,
    inspected_on: date,
    inspected_by,
    relevant_entry: bool,
) -> ScreeningRecord:
    """Record that a certificate was inspected (§ 72a SGB VIII) – only the allowed facts."""
    settings = program_tandem_settings(program=program)
    today = timezone.localdate()
    errors = {}
    if inspected_on > today:
        errors["inspected_on"] = _("The inspection date cannot be in the future.")
    if certificate_issued_on > today:
        errors["certificate_issued_on"] = _("The issue date cannot be in the future.")
    elif certificate_issued_on > inspected_on:
        errors["certificate_issued_on"] = _(
            "The certificate cannot be issued after it was inspected."
        )
    elif certificate_too_old(
        issued_on=certificate_issued_on,
        inspected_on=inspected_on,
        max_age_days=settings.certificate_max_age_days,
    ):
        errors["certificate_issued_on"] = _(
            "The certificate was more than %(days)s days old when it was inspected."
        ) % {"days": settings.certificate_max_age_days}
    if errors:
        raise ValidationError(errors)
    record = ScreeningRecord(
        program=program,
        volunteer=volunteer,
        inspected=inspected,
        certificate_issued_on=certificate_issued_on,
        inspected_on=inspected_on,
        inspected_by=inspected_by,
        relevant_entry=relevant_entry,
    )
    record.full_clean()
    record.save()
    return record


@transaction.atomic
def mentee_register(
    *,
    mentee: Mentee,
    interests=(),
    target_groups=(),
    guardian_consent_version: str = "",
    reminder_consent_version: str = "",
) -> Mentee:
    """Register a mentee with minimal data; minors need the guardian's consent on record."""
    errors = {}
    if mentee.is_minor and not (mentee.guardian_name and guardian_consent_version):
        errors["guardian_name"] = _("For a minor, the guardian's name and consent are required.")
    if mentee.reminder_email and not reminder_consent_version:
        errors["reminder_email"] = _("E-mail reminders need the consent of the mentee or guardian.")
    if errors:
        raise ValidationError(errors)
    _locate(mentee)
    mentee.full_clean()
    mentee.save()
    mentee.interests.set(interests)
    mentee.target_groups.set(target_groups)
    if guardian_consent_version:
        ConsentRecord.objects.create(
            scope=ConsentRecord.Scope.GUARDIAN,
            program=mentee.program,
            mentee=mentee,
            text_version=guardian_consent_version,
        )
    if mentee.reminder_email:
        ConsentRecord.objects.create(
            scope=ConsentRecord.Scope.REMINDERS,
            program=mentee.program,
            mentee=mentee,
            text_version=reminder_consent_version,
        )
    return mentee


def mentor_is_free(*, program, mentor, excluding: Tandem | None = None) -> None:
    """Refuse a second current tandem in the program unless the program allows several."""
    if program_tandem_settings(program=program).mentors_may_have_several_tandems:
        return
    others = Tandem.objects.current().filter(program=program, mentor=mentor)
    if excluding is not None:
        others = others.exclude(pk=excluding.pk)
    if others.exists():
        raise ValidationError(
            _(
                "This volunteer already accompanies a mentee in this program, and the program "
                "allows only one tandem at a time."
            )
        )


def _ready_application(*, program: Program, volunteer) -> Application | None:
    return (
        Application.objects.open()
        .filter(program=program, volunteer=volunteer, stage__is_ready=True)
        .first()
    )


@transaction.atomic
def tandem_propose(*, mentee: Mentee, volunteer, by, explanation: list | None = None) -> Tandem:
    """Confirm a match: a proposed tandem of a ready, screened volunteer and a waiting mentee."""
    program = mentee.program
    if mentee.status != Mentee.Status.WAITING:
        raise ValidationError(_("This mentee is not waiting for a mentor."))
    if _ready_application(program=program, volunteer=volunteer) is None:
        raise ValidationError(_("The volunteer is not ready for a tandem in this program yet."))
    if not volunteer_is_screened(program=program, volunteer=volunteer):
        raise ValidationError(
            _("The volunteer has no valid § 72a record; the program requires one.")
        )
    tandem = Tandem(
        program=program,
        mentor=volunteer,
        mentee=mentee,
        match_explanation=explanation or [],
        created_by=by,
    )
    mentor_is_free(program=program, mentor=volunteer)
    tandem.full_clean()
    tandem.save()
    TandemStatusChange.objects.create(tandem=tandem, to_status=tandem.status, by=by)
    mentee.status = Mentee.Status.MATCHED
    mentee.save(update_fields=["status"])
    mentor_tell_tandem_step(tandem=tandem)
    return tandem


def training_record(*, application: Application, title: str, attended_on: date) -> Training:
    training = Training(
        program=application.program,
        volunteer=application.volunteer,
        title=title.strip(),
        attended_on=attended_on,
    )
    if attended_on > timezone.localdate():
        raise ValidationError({"attended_on": _("A training cannot lie in the future.")})
    training.full_clean()
    training.save()
    return training


def conduct_signature_record(
    *, application: Application, version: str, signed_on: date
) -> CodeOfConductSignature:
    if signed_on > timezone.localdate():
        raise ValidationError({"signed_on": _("The signing date cannot be in the future.")})
    signature = CodeOfConductSignature(
        program=application.program,
        volunteer=application.volunteer,
        version=version.strip(),
        signed_on=signed_on,
    )
    signature.full_clean()
    signature.save()
    return signature


def program_tandem_settings_update(*, settings: ProgramTandemSettings) -> ProgramTandemSettings:
    settings.full_clean()
    settings.save()
    return settings

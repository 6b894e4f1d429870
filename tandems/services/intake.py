"""Entering and correcting people's data: a mentee's intake, an application made on paper, a
volunteer's own profile. The rules of registration and applying hold for corrections too."""

from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import selectors as account_selectors
from accounts import services as account_services
from audit.services import audit_fields_changed
from programs.models import Program
from tandems.models import (
    Application,
    ApplicationEvent,
    Channel,
    ConsentRecord,
    Mentee,
    VolunteerProfile,
)

from .people import _locate, pipeline_ensure_default

# How far back a consent given off the portal may be dated: an older one is renewed.
CONSENT_MAX_AGE_DAYS = 365


def _relocate(obj, before) -> None:
    """Geocode again when the place changed. A new postcode with the place left as it was takes
    the gazetteer's place name of the new postcode (the old name would be wrong)."""
    if obj.postcode == before.postcode and obj.city == before.city:
        return
    if obj.postcode != before.postcode and obj.city == before.city:
        obj.city = ""
    _locate(obj)


def _changed_relations(obj, relations: dict) -> list[str]:
    """Set each many-to-many relation to its new values; the names of those that changed."""
    changed = []
    for name, values in relations.items():
        if values is None:
            continue
        manager = getattr(obj, name)
        new = {item.pk for item in values}
        if set(manager.values_list("pk", flat=True)) != new:
            manager.set(list(values))
            changed.append(name)
    return changed


def _active_consent(mentee: Mentee, scope: str) -> bool:
    return mentee.consents.filter(scope=scope, withdrawn_at__isnull=True).exists()


@transaction.atomic
def mentee_update(
    *,
    mentee: Mentee,
    by,
    interests=None,
    target_groups=None,
    guardian_consent_version: str = "",
    reminder_consent_version: str = "",
) -> Mentee:
    """Correct a mentee's intake data, under the rules of registration: a minor needs the
    guardian's name and consent on record, e-mail reminders need consent. A changed place is
    geocoded again. auditlog writes the change of the fields; changed interests or target
    groups get an entry of their own (names of the fields only)."""
    before = Mentee.objects.select_for_update().get(pk=mentee.pk)
    if before.anonymised_at is not None:
        raise ValidationError(
            _("The personal data of this mentee has been erased; there is nothing to edit.")
        )
    errors = {}
    has_guardian_consent = guardian_consent_version or _active_consent(
        before, ConsentRecord.Scope.GUARDIAN
    )
    if mentee.is_minor and not (mentee.guardian_name and has_guardian_consent):
        errors["guardian_name"] = _("For a minor, the guardian's name and consent are required.")
    has_reminder_consent = reminder_consent_version or _active_consent(
        before, ConsentRecord.Scope.REMINDERS
    )
    if mentee.reminder_email and not has_reminder_consent:
        errors["reminder_email"] = _("E-mail reminders need the consent of the mentee or guardian.")
    if errors:
        raise ValidationError(errors)
    # Only the intake: what the coordinator cannot change here stays as stored.
    for name in ("program_id", "status", "waiting_since", "anonymised_at", "created_at"):
        setattr(mentee, name, getattr(before, name))
    _relocate(mentee, before)
    mentee.full_clean()
    mentee.save()
    changed = _changed_relations(mentee, {"interests": interests, "target_groups": target_groups})
    audit_fields_changed(actor=by, obj=mentee, fields=changed)
    for scope, version in (
        (ConsentRecord.Scope.GUARDIAN, guardian_consent_version),
        (ConsentRecord.Scope.REMINDERS, reminder_consent_version),
    ):
        if version and not _active_consent(mentee, scope):
            ConsentRecord.objects.create(
                scope=scope,
                program=mentee.program,
                mentee=mentee,
                text_version=version,
                recorded_by=by,
            )
    return mentee


@transaction.atomic
def volunteer_profile_update(
    *, profile: VolunteerProfile, by, interests=None, target_groups=None
) -> VolunteerProfile:
    """A volunteer corrects their own profile: a changed place is geocoded again; auditlog
    writes the change, changed interests or target groups an entry of their own."""
    before = VolunteerProfile.objects.select_for_update().get(pk=profile.pk)
    profile.user_id = before.user_id
    _relocate(profile, before)
    profile.full_clean()
    profile.save()
    changed = _changed_relations(
        profile, {"interests": interests, "preferred_target_groups": target_groups}
    )
    audit_fields_changed(actor=by, obj=profile, fields=changed)
    return profile


def _consent_moment(day: date) -> datetime:
    """The moment a consent given on `day` is recorded at: now for today, else that day's start."""
    if day == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(datetime.combine(day, time.min))


@transaction.atomic
def paper_application_create(
    *,
    program: Program,
    email: str,
    profile: VolunteerProfile,
    by,
    channel: str,
    consent_method: str,
    consent_given_on: date,
    privacy_version: str,
    interests=(),
    target_groups=(),
    contact_by_other_programs: bool = False,
) -> Application:
    """A coordinator enters an application made on paper, by phone or in person.

    A new account without a password is made for the applicant; an address that any account
    uses already is refused, so that typing an address never shows or changes someone else's
    profile (the person then applies online themselves). The application starts in the
    program's first stage like an online one; the consent records say how and when it was given
    and who recorded it. No mail goes to the applicant.
    """
    errors = {}
    if channel not in Channel.values or channel in (Channel.ONLINE, Channel.IMPORT):
        errors["channel"] = _("Please choose how the application came in.")
    if consent_method not in Channel.values or consent_method in (Channel.ONLINE, Channel.IMPORT):
        errors["consent_method"] = _("Please choose how the consent was given.")
    today = timezone.localdate()
    if consent_given_on > today:
        errors["consent_given_on"] = _("The consent cannot be given in the future.")
    elif consent_given_on < today - timedelta(days=CONSENT_MAX_AGE_DAYS):
        errors["consent_given_on"] = _(
            "The consent is more than a year old. Please ask the applicant to consent again."
        )
    if account_selectors.address_in_use(email):
        errors["email"] = _(
            "This e-mail address already belongs to an account. Please ask the person to apply "
            "online themselves, signed in to their account."
        )
    if errors:
        raise ValidationError(errors)
    user = account_services.user_create_without_password(email=email, name=profile.name)
    profile.user = user
    _locate(profile)
    profile.full_clean()
    profile.save()
    profile.interests.set(interests)
    profile.preferred_target_groups.set(target_groups)
    first = pipeline_ensure_default(program=program)[0]
    application = Application(program=program, volunteer=user, stage=first, channel=channel)
    application.full_clean()
    application.save()
    ApplicationEvent.objects.create(
        application=application, to_stage=first, status=application.status, by=by
    )
    given_at = _consent_moment(consent_given_on)
    scopes = [(ConsentRecord.Scope.PRIVACY_NOTICE, program)]
    if contact_by_other_programs:
        scopes.append((ConsentRecord.Scope.OTHER_PROGRAMS, None))
    for scope, consent_program in scopes:
        ConsentRecord.objects.create(
            scope=scope,
            program=consent_program,
            user=user,
            text_version=privacy_version,
            given_at=given_at,
            method=consent_method,
            recorded_by=by,
        )
    return application

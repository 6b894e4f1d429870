"""Telling people: the coordinators of a new application, the mentor of their tandem's steps, and
a coordinator's message to a group of the program's volunteers. Every mail is an outbox row."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.models import Notification
from programs.models import Program, ProgramCoordinator
from tandems.models import (
    Application,
    PipelineStage,
    ProgramMessage,
    ProgramMessageRecipient,
    Tandem,
)

# Messages a program may send within an hour (settings.PROGRAM_MESSAGES_PER_HOUR): a slip of the
# hand or a hijacked account cannot flood the volunteers.
DEFAULT_MESSAGES_PER_HOUR = 5


# --- Being told ------------------------------------------------------------------------------


def coordinators_tell_new_application(*, application: Application) -> None:
    """One mail to each active coordinator of the program (those who chose the weekly overview
    instead are skipped at sending time; their overview lists the week's applications)."""
    from notifications.services import notify

    memberships = ProgramCoordinator.objects.filter(
        program_id=application.program_id, user__is_active=True
    ).select_related("user")
    for membership in memberships:
        notify(Notification.Kind.APPLICATION_NEW, about=application, to=membership.user)


TANDEM_KINDS = {
    Tandem.Status.PROPOSED: Notification.Kind.TANDEM_PROPOSED,
    Tandem.Status.ACTIVE: Notification.Kind.TANDEM_STARTED,
    Tandem.Status.CLOSED: Notification.Kind.TANDEM_ENDED,
    Tandem.Status.ENDED_EARLY: Notification.Kind.TANDEM_ENDED,
}


def mentor_tell_tandem_step(*, tandem: Tandem) -> None:
    """The mentor hears that they were proposed, that the tandem started, that it ended; once
    each (a tandem passes each step at most once)."""
    from notifications.services import notify

    kind = TANDEM_KINDS.get(tandem.status)
    if kind is None or not tandem.mentor.is_active:
        return
    notify(kind, about=tandem, to=tandem.mentor)


# --- Messages to volunteers ------------------------------------------------------------------


def messages_per_hour() -> int:
    return getattr(settings, "PROGRAM_MESSAGES_PER_HOUR", DEFAULT_MESSAGES_PER_HOUR)


def _check_rate(program: Program) -> None:
    since = timezone.now() - timedelta(hours=1)
    sent = ProgramMessage.objects.filter(program=program, created_at__gte=since).count()
    if sent >= messages_per_hour():
        raise ValidationError(
            _(
                "This program has already sent %(count)d messages within the last hour. Please "
                "wait a while before sending the next one."
            )
            % {"count": sent}
        )


def audience_description(
    *, audience: str, stage: PipelineStage | None = None, tandem: Tandem | None = None
) -> str:
    if audience == ProgramMessage.Audience.STAGE and stage is not None:
        return _("Applicants in the stage “%(stage)s”") % {"stage": stage.label}
    if audience == ProgramMessage.Audience.TANDEM and tandem is not None:
        # By number, not by name: the kept copy must not name the mentee, whose data is erased
        # on its own schedule.
        return _("The mentor of tandem no. %(number)d") % {"number": tandem.pk}
    return str(ProgramMessage.Audience(audience).label)


@transaction.atomic
def program_message_send(
    *,
    program: Program,
    sender,
    subject: str,
    body: str,
    audience: str,
    recipients: list,
    description: str,
    essential: bool = False,
    submission_key=None,
) -> tuple[ProgramMessage, bool]:
    """Keep the message with its recipients and put one mail per recipient into the outbox.

    Returns the message and whether it was new: the same form sent twice (a double click, a
    reload) finds the message of its key and writes nothing again.
    """
    from notifications.services import notify_many

    if submission_key is not None:
        found = ProgramMessage.objects.filter(submission_key=submission_key).first()
        if found is not None:
            if found.program_id != program.pk:
                raise ValidationError(_("This form was already used for another program."))
            return found, False
    if not recipients:
        raise ValidationError(
            _("Nobody belongs to the chosen group at the moment. The message was not sent.")
        )
    if essential and audience == ProgramMessage.Audience.STAGE:
        raise ValidationError(
            {
                "essential": _(
                    "A message to applicants is not about a tandem and can be switched off."
                )
            }
        )
    _check_rate(program)
    message = ProgramMessage(
        program=program,
        sender=sender,
        subject=subject,
        body=body,
        audience=audience,
        audience_description=description,
        essential=essential,
    )
    if submission_key is not None:
        message.submission_key = submission_key
    message.full_clean(exclude=["submission_key"])
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        # The same form's other POST got there first, at the same moment.
        return ProgramMessage.objects.get(submission_key=submission_key), False
    ProgramMessageRecipient.objects.bulk_create(
        [ProgramMessageRecipient(message=message, user=user) for user in recipients]
    )
    notify_many(Notification.Kind.PROGRAM_MESSAGE, about=message, to=recipients)
    return message, True

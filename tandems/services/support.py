"""Services of match support and concerns: logging a support contact, raising and closing a
concern about someone's safety.

A concern is mailed at once to every coordinator of its program: one outbox row each, queued on
the commit on the urgent queue (notifications.services.notify(urgent=True)), ahead of the mail
queue's backlog. The mail carries no word of the concern's text, only a link.
"""

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.models import Notification
from notifications.services import notify
from programs.models import Program, ProgramCoordinator
from tandems.models import Concern, SupportContact, Tandem

# How far back a support contact may be logged: the program's documentation of the past year.
MAX_DAYS_BACK = 366
# The same concern sent again within this time (a double click, a reload, a second tap on a slow
# phone) is the one already raised: no second record, no second urgent mail to every coordinator.
CONCERN_REPEAT_WINDOW = timedelta(minutes=10)


def _clean_text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


@transaction.atomic
def support_contact_log(
    *,
    tandem: Tandem,
    by,
    contacted_on: date,
    with_whom: str,
    channel: str,
    summary: str,
    follow_up: bool = False,
) -> SupportContact:
    """Record a contact with the tandem's mentor, mentee or guardian; the tandem's
    `last_support_on` moves forward when the contact is its latest."""
    today = timezone.localdate()
    if contacted_on > today:
        raise ValidationError({"contacted_on": _("This date lies in the future.")})
    if contacted_on < today - timedelta(days=MAX_DAYS_BACK):
        raise ValidationError({"contacted_on": _("This date lies more than a year in the past.")})
    summary = _clean_text(summary, "summary", _("Please write a short summary of the contact."))
    contact = SupportContact(
        tandem=tandem,
        contacted_on=contacted_on,
        with_whom=with_whom,
        channel=channel,
        summary=summary,
        follow_up=follow_up,
        author=by,
    )
    contact.full_clean()
    contact.save()
    # One conditional update: two contacts logged at once both end with the later date.
    Tandem.objects.filter(pk=tandem.pk).filter(
        Q(last_support_on__isnull=True) | Q(last_support_on__lt=contacted_on)
    ).update(last_support_on=contacted_on)
    if tandem.last_support_on is None or tandem.last_support_on < contacted_on:
        tandem.last_support_on = contacted_on
    return contact


def coordinators_of(program: Program):
    """The active accounts coordinating the program."""
    return [
        membership.user
        for membership in ProgramCoordinator.objects.filter(
            program=program, user__is_active=True
        ).select_related("user")
    ]


@transaction.atomic
def concern_raise(*, program: Program, by, text: str, tandem: Tandem | None = None) -> Concern:
    """A worry about someone's safety: stored, and mailed at once to the program's coordinators
    (without its text). The same text by the same person about the same tandem again within
    CONCERN_REPEAT_WINDOW, while open, returns the concern already raised."""
    if tandem is not None and tandem.program_id != program.pk:
        raise ValidationError(_("This tandem belongs to another program."))
    text = _clean_text(text, "text", _("Please describe what worries you."))
    # One raiser at a time (their row locked): two POSTs at the same moment see each other.
    list(get_user_model().objects.select_for_update().filter(pk=by.pk).values_list("pk"))
    repeated = Concern.objects.filter(
        program=program,
        tandem=tandem,
        raised_by=by,
        text=text,
        status=Concern.Status.OPEN,
        raised_at__gte=timezone.now() - CONCERN_REPEAT_WINDOW,
    ).first()
    if repeated is not None:
        return repeated
    concern = Concern(program=program, tandem=tandem, raised_by=by, text=text)
    concern.full_clean()
    concern.save()
    for coordinator in coordinators_of(program):
        notify(Notification.Kind.CONCERN_RAISED, about=concern, to=coordinator, urgent=True)
    return concern


@transaction.atomic
def concern_close(*, concern: Concern, by, outcome: str) -> Concern:
    """A coordinator records what was done and closes the concern."""
    concern = Concern.objects.select_for_update().get(pk=concern.pk)
    if not concern.is_open:
        raise ValidationError(_("This concern has already been closed."))
    concern.outcome = _clean_text(
        outcome, "outcome", _("Please write down what was done before you close the concern.")
    )
    concern.status = Concern.Status.CLOSED
    concern.closed_by = by
    concern.closed_at = timezone.now()
    concern.full_clean()
    concern.save()
    return concern

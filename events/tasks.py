from celery import shared_task

from . import mail
from .models import Registration


def _registrations(registration_id: int):
    return Registration.objects.select_related(
        "event", "event__event_type", "event__program", "event__organization"
    ).filter(pk=registration_id)


@shared_task(name="events.send_registration_confirmation")
def send_registration_confirmation(*, registration_id: int) -> bool:
    """Confirm a new registration; nothing when it is gone or was cancelled meanwhile."""
    registration = _registrations(registration_id).active().first()
    if registration is None:
        return False
    mail.send_registration_confirmation(registration=registration)
    return True


@shared_task(name="events.send_registration_place_free")
def send_registration_place_free(*, registration_id: int) -> bool:
    """Tell someone who moved up from the waiting list; nothing unless they still hold the place."""
    registration = _registrations(registration_id).filter(status=Registration.Status.CONFIRMED)
    registration = registration.first()
    if registration is None:
        return False
    mail.send_place_free(registration=registration)
    return True

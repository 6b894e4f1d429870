"""Periodic work of the event calendar."""

from celery import shared_task

from . import services


@shared_task(name="events.expire_registrations")
def expire_registrations() -> int:
    """Beat, every 5 minutes: unconfirmed registrations past their time free their places."""
    return services.registrations_expire()

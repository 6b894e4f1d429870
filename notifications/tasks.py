from celery import shared_task

from . import services
from .sending import deliver_many


@shared_task(name="notifications.scan")
def scan() -> str:
    """Every minute (beat): create the rows that came due, queue what is due and unsent."""
    return str(services.scan())


# acks_late + reject_on_worker_lost: a message is acknowledged only once its rows are handled, and
# put back when the worker dies; each row's lock and state make a second delivery harmless.
@shared_task(name="notifications.send", acks_late=True, reject_on_worker_lost=True)
def send(notification_ids: list[int]) -> int:
    return len(deliver_many(notification_ids))

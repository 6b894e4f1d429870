from celery import shared_task

from . import retention


@shared_task(name="privacy.retention")
def retention_run() -> str:
    """Daily (beat): delete and anonymise the personal data whose retention period is over."""
    return str(retention.run().counts)

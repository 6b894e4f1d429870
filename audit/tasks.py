from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(name="audit.prune")
def prune() -> int:
    """Delete audit entries past the retention period (daily, see CELERY_BEAT_SCHEDULE)."""
    return services.audit_prune(now=timezone.now())

"""Reads of the outbox's state for other parts: the scheduler's heartbeat."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .models import ScanHeartbeat


def scheduler_status() -> str:
    """The scheduler's state in a word: "ok" when a notifications.scan completed within
    NOTIFICATION_SCAN_STALE_SECONDS, "stale" when none did (beat stopped, or no worker takes the
    scans), "eager" without a broker (no scheduler runs: the quickstart)."""
    if not settings.REDIS_URL:
        return "eager"
    limit = timezone.now() - timedelta(seconds=settings.NOTIFICATION_SCAN_STALE_SECONDS)
    fresh = ScanHeartbeat.objects.filter(pk=1, completed_at__gte=limit).exists()
    return "ok" if fresh else "stale"

"""Health endpoints for load balancers (liveness) and monitoring (readiness)."""

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from notifications import broker as notification_broker
from notifications import selectors as notification_selectors


def _check_database() -> str:
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return "down"
    return "ok"


def _health(checks: dict[str, str]) -> JsonResponse:
    healthy = all(value in ("ok", "eager") for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503
    )


@never_cache
def healthz(request):
    """Liveness, for the load balancer: 200 while this web process can serve pages, which takes
    the database. Not the broker: while Redis is down every page is still served (the cache
    answers as a miss, mails wait in the outbox), and a balancer that took every web process
    out for it would turn a delay of mails into an outage."""
    return _health({"database": _check_database()})


@never_cache
def healthz_ready(request):
    """Readiness of the whole installation, for monitoring: database, broker and the scheduler
    (the last completed notifications.scan); 503 when one is down or stale. Status words only."""
    database = _check_database()
    return _health(
        {
            "database": database,
            "broker": notification_broker.status(),
            "scheduler": notification_selectors.scheduler_status()
            if database == "ok"
            else "unknown",
        }
    )

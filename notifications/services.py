"""Writing to the outbox: the minutely scan, notifications on the spot, retries and opting out."""

from __future__ import annotations

import logging
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerUnavailable

from . import broker
from .models import Notification, NotificationSettings, ScanHeartbeat
from .recipients import links
from .registry import KINDS, content_type

logger = logging.getLogger(__name__)

# A pending row whose queue message has not led to a send within this time is queued again: the
# message was lost (a killed worker, a restarted Redis). Shorter than Redis's visibility timeout,
# so the scan, not Redis, brings it back.
REQUEUE_AFTER = timedelta(seconds=getattr(settings, "NOTIFICATION_REQUEUE_SECONDS", 600))
ENQUEUE_LIMIT = 10_000
# Ids per queue message. Small enough that two worker processes share a backlog evenly and a
# killed worker's batch (sent again; its sent rows pass) costs little.
SEND_BATCH = 20
# A scan that created this many rows refreshes the outbox's statistics (see create_due).
ANALYZE_AFTER = 1000
# The reason why notifications written on the spot are recorded as skipped instead of sent; set
# by `held_back` (the demo data's people are made up, and their mails would bury the console).
_held_back: ContextVar[str] = ContextVar("notifications_held_back", default="")


@dataclass
class ScanResult:
    created: dict[str, int] = field(default_factory=dict)
    queued: int = 0

    def __str__(self):
        made = ", ".join(f"{kind} {n}" for kind, n in self.created.items() if n) or "none"
        return f"created: {made}; queued: {self.queued}"


def create_due(now: datetime) -> dict[str, int]:
    """Insert the rows every kind finds due; a row that exists already is left as it is."""
    created = {}
    for name, kind in KINDS.items():
        rows = kind.scan(now)
        if rows:
            made = Notification.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
            created[name] = len(made)
    if sum(created.values()) >= ANALYZE_AFTER and connection.vendor == "postgresql":
        # Thousands of new rows leave PostgreSQL's statistics of the outbox behind until
        # autovacuum comes by (never, where it is off): the next scan then planned its NOT EXISTS
        # against an "empty" outbox and slowed down with every batch (1.9 s to 66 s in
        # bench/notifications.py with 60,000 rows). Analysing now costs about 0.1 s.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Notification._meta.db_table}")
    return created


def _queue(ids: list[int], *, queue: str | None = None) -> None:
    """Put the ids on the queue after the commit that marked them queued, SEND_BATCH to a
    message: a message costs the scan and the worker more than the row's mail, and a batch's
    rows are read together (sending.deliver_many).

    A broker that is down is logged, not raised: the rows that did not go onto the queue are
    marked not queued again, so the next scan takes them (not the one after REQUEUE_AFTER).
    Raising here would turn a stored registration or application into a server error for its
    visitor, who would then try again and be told the address is already registered.

    `queue` overrides the route (the mail queue): urgent mail goes on NOTIFICATION_URGENT_QUEUE."""
    from .tasks import send

    batches = [ids[start : start + SEND_BATCH] for start in range(0, len(ids), SEND_BATCH)]
    if send.app.conf.task_always_eager:
        for batch in batches:
            send.delay(batch)
        return
    queued = 0
    try:
        with send.app.producer_or_acquire() as producer:
            for batch in batches:
                options = {"queue": queue} if queue else {}
                send.apply_async((batch,), producer=producer, **options)
                queued += len(batch)
    except BrokerUnavailable as error:
        logger.warning(
            "broker unavailable, %d of %d notifications left to the next scan: %s",
            len(ids) - queued,
            len(ids),
            error,
        )
        try:
            Notification.objects.filter(pk__in=ids[queued:]).update(enqueued_at=None)
        except DatabaseError:
            # The rows keep their time and wait for REQUEUE_AFTER: later, never lost.
            logger.exception("could not mark the unqueued notifications for the next scan")


def enqueue_due(
    now: datetime, *, limit: int = ENQUEUE_LIMIT, lost_before: datetime | None = None
) -> int:
    """Claim due rows not queued lately (SKIP LOCKED: two scans claim different rows), mark them
    queued and put their ids on the queue once the claim is committed. Rows queued before
    `lost_before` count as not queued: their message went with a broker that is gone."""
    not_queued = Q(enqueued_at=None) | Q(enqueued_at__lte=now - REQUEUE_AFTER)
    if lost_before is not None:
        not_queued |= Q(enqueued_at__lt=lost_before)
    with transaction.atomic():
        ids = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(not_queued, state=Notification.State.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        Notification.objects.filter(pk__in=ids).update(enqueued_at=now)
        transaction.on_commit(lambda: _queue(ids))
    return len(ids)


def broker_lost_before(now: datetime | None = None) -> datetime | None:
    """Since when the scans have seen the broker server that runs now; None when tasks run
    eagerly or the broker does not answer.

    A restarted Redis (no persistence) has lost every queued message. Its new run id tells:
    the first scan that sees it records the time, and rows queued before that time are queued
    again at once (enqueue_due), not after NOTIFICATION_REQUEUE_SECONDS (with the defaults,
    sending stood still for ten minutes after a restart). A Redis that kept its queue (AOF)
    gets those ids a second time, which sends nothing twice (sending.py). The first scan ever
    knows no broker before it and queues every queued, unsent row once, for the same reason.

    The time recorded is taken once the new run id is known (unless the caller gives `now`): a
    scan that began just before the restart would otherwise record a moment before it, and a
    row queued into the old server in between would wait for the requeue.
    """
    from .tasks import send

    if send.app.conf.task_always_eager:
        return None
    run_id = broker.run_id()
    if not run_id:
        return None
    now = now or timezone.now()
    with transaction.atomic():
        # Locked: of two scans at once, one records the new server, the other sees it.
        heartbeat, _created = ScanHeartbeat.objects.select_for_update().get_or_create(pk=1)
        if heartbeat.broker_run_id != run_id:
            if heartbeat.broker_run_id:
                logger.warning(
                    "the broker is another server run than at the last scan (run id %s, was %s):"
                    " its queue may be lost, queueing every queued, unsent notification again",
                    run_id,
                    heartbeat.broker_run_id,
                )
            heartbeat.broker_run_id = run_id
            heartbeat.broker_seen_since = now
            heartbeat.save(update_fields=["broker_run_id", "broker_seen_since"])
    return heartbeat.broker_seen_since


def scan(now: datetime | None = None) -> ScanResult:
    """Create the rows that came due, queue the due and unsent ones, and record the time of
    completion: the scheduler's heartbeat, which the readiness check (/healthz/ready) reads."""
    lost_before = broker_lost_before(now)
    now = now or timezone.now()
    result = ScanResult(created=create_due(now))
    result.queued = enqueue_due(now, lost_before=lost_before)
    ScanHeartbeat.objects.update_or_create(pk=1, defaults={"completed_at": timezone.now()})
    if result.queued or any(result.created.values()):
        logger.info("notification scan: %s", result)
    return result


@contextmanager
def held_back(reason: str):
    """Inside this block, notifications on the spot are written as skipped with `reason`: never
    queued, never sent, and no later scan picks them up (load_demo's made-up people)."""
    token = _held_back.set(reason)
    try:
        yield
    finally:
        _held_back.reset(token)


def notify(
    kind: str, *, about, to, occurrence: str = "", due_at=None, urgent: bool = False
) -> Notification:
    """A notification on the spot (an application changed, a registration arrived): a row now,
    queued when the caller's transaction commits; the scan takes it up if that message is lost.

    `urgent` (a concern about someone's safety) queues it on NOTIFICATION_URGENT_QUEUE instead of
    the mail queue, so it does not wait behind a backlog of reminders."""
    now = timezone.now()
    due_at = due_at or now
    defaults = {**links(to), "due_at": due_at, "next_attempt_at": due_at, "enqueued_at": now}
    if reason := _held_back.get():
        defaults.update(state=Notification.State.SKIPPED, error=reason)
    notification, _created = Notification.objects.get_or_create(
        kind=kind,
        content_type=content_type(type(about)),
        object_id=about.pk,
        recipient=links(to)["recipient"],
        occurrence=occurrence,
        defaults=defaults,
    )
    if notification.state == Notification.State.PENDING and due_at <= now:
        queue = settings.NOTIFICATION_URGENT_QUEUE if urgent else None
        transaction.on_commit(lambda: _queue([notification.pk], queue=queue))
    return notification


def notify_many(kind: str, *, about, to: list) -> list[int]:
    """The same notification on the spot to many recipients (a coordinator's message): the rows
    in one insert, each row once however often this runs; the new ones queued after the commit.
    Returns the ids of the rows that are pending and due."""
    now = timezone.now()
    held_back_reason = _held_back.get()
    rows = [
        Notification(
            kind=kind,
            content_type=content_type(type(about)),
            object_id=about.pk,
            occurrence="",
            due_at=now,
            next_attempt_at=now,
            enqueued_at=now,
            **links(person),
            **(
                {"state": Notification.State.SKIPPED, "error": held_back_reason}
                if held_back_reason
                else {}
            ),
        )
        for person in to
    ]
    Notification.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    ids = list(
        Notification.objects.filter(
            kind=kind,
            content_type=content_type(type(about)),
            object_id=about.pk,
            state=Notification.State.PENDING,
            next_attempt_at__lte=now,
        ).values_list("pk", flat=True)
    )
    if ids:
        transaction.on_commit(lambda: _queue(ids))
    return ids


def retry(queryset) -> int:
    """Staff: try failed rows again from the start."""
    return queryset.filter(state=Notification.State.FAILED).update(
        state=Notification.State.PENDING,
        attempts=0,
        error="",
        next_attempt_at=timezone.now(),
        enqueued_at=None,
    )


def settings_of(user) -> NotificationSettings:
    found, _created = NotificationSettings.objects.get_or_create(user=user)
    return found


def unsubscribe(recipient: str, kind: str) -> bool:
    """Switch one kind of mail off for the recipient of a token; False if there is none such.

    A user's setting goes off, a mentee's consent to reminders is withdrawn (recorded with the
    time), a registration gets no reminder before the event. Doing it again changes nothing.
    """
    from django.contrib.auth import get_user_model

    User = get_user_model()

    name, _sep, pk = recipient.partition(":")
    if kind not in KINDS or not pk.isdigit():
        return False
    setting = KINDS[kind].setting
    if name == "user" and setting:
        user = User.objects.filter(pk=pk).first()
        if user is None:
            return False
        found = settings_of(user)
        value = NotificationSettings.Lead.OFF if setting == "meeting_lead_hours" else False
        setattr(found, setting, value)
        found.save(update_fields=[setting])
        return True
    if name in ("mentee", "registration"):
        return KINDS[kind].unsubscribe(name, pk)
    return False

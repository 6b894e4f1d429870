"""The registry of notification kinds, and what every kind shares.

The outbox (models, scan, sending, unsubscribe) knows kinds only through this registry. Each app
declares its own kinds in its `notifications.py` (tandems: meeting reminders, check-ins, the
coordinators' digest, application status; events: event reminders and registrations; programs:
the yearly listing review; privacy: erasures), registered when the app is ready
(NotificationsConfig.ready() loads every app's `notifications` module).

Each kind finds its due rows with a bounded number of queries that skip what the outbox already
holds (NOT EXISTS on the unique key), so a scan over 100,000 tandems reads only what is new. At
sending time the kind looks again: a meeting cancelled, a tandem paused or a person who opted out
since the row was made ends the row as "skipped", never as a mail.

Times are stored in UTC and computed in Europe/Berlin: a reminder "1 day before" a meeting at
18:00 comes at 18:00 the day before, also across a change of the clocks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef
from django.utils import timezone

from .models import Notification, NotificationSettings
from .recipients import Recipient

BERLIN = timezone.get_default_timezone()
# At most this many new rows per kind and scan; the rest follow a minute later. Keeps a scan
# around a second with 100,000 active tandems (bench/notifications.py), and still makes 150,000
# reminders an hour, far above what comes due.
BATCH = 2500


class Skip(Exception):
    """The notification is not needed any more; the reason is kept on the row."""


@dataclass
class Mail:
    template: str  # without extension: "<template>_subject.txt", ".txt" and ".html" exist
    context: dict
    attachments: list[tuple[str, bytes, str]] = field(default_factory=list)


def site_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def content_type(model) -> ContentType:
    return ContentType.objects.get_for_model(model)


def in_berlin(moment: datetime) -> datetime:
    return timezone.localtime(moment, BERLIN)


def at_local(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=BERLIN)


def settings_for(user) -> NotificationSettings:
    try:
        return user.notification_settings
    except NotificationSettings.DoesNotExist:
        return NotificationSettings(user=user)


def absent_from_outbox(kind: str, model, *, recipient_field: str, recipient_ref, occurrence=None):
    """~EXISTS of an outbox row of this kind about OuterRef("pk") for the recipient."""
    rows = Notification.objects.filter(
        kind=kind,
        content_type=content_type(model),
        object_id=OuterRef("pk"),
        **{recipient_field: recipient_ref},
    )
    if occurrence is not None:
        rows = rows.filter(occurrence=occurrence)
    return ~Exists(rows)


def outbox_row(kind, about_model, about_id, *, due_at, occurrence="", **recipient) -> Notification:
    ((name, pk),) = recipient.items()
    return Notification(
        kind=kind,
        content_type=content_type(about_model),
        object_id=about_id,
        recipient=f"{name}:{pk}",
        **{f"{name}_id": pk},
        occurrence=occurrence,
        due_at=due_at,
        next_attempt_at=due_at,
    )


class Kind:
    kind: str
    # The NotificationSettings field a person switches this kind off with (None: cannot).
    setting: str | None = None

    def scan(self, now: datetime) -> list[Notification]:
        return []

    def load(self, object_ids: list[int]) -> dict:
        """What a batch of rows is about, by id, read at once for `build()`. Empty: each `build()`
        reads its own (kinds that send a few mails at a time)."""
        return {}

    def build(self, notification: Notification, recipient: Recipient, about=None) -> Mail:
        """The mail; `about` is what `load()` found for the row, or None."""
        raise NotImplementedError

    def unsubscribe(self, recipient_type: str, pk: str) -> bool:
        """Switch this kind off for a recipient without an account ("mentee", "registration");
        False if the kind has no such recipients or the recipient is gone."""
        return False

    def may_unsubscribe(self, notification: Notification, mail: Mail) -> bool:
        """Whether this mail offers the one-click unsubscribe link (a kind with a setting does,
        unless this particular mail cannot be switched off)."""
        return True

    def wanted_by(self, recipient: Recipient) -> bool:
        if self.setting is None or recipient.user is None:
            return True
        return bool(getattr(settings_for(recipient.user), self.setting))


# The kinds by name, in the order the apps registered them (the scan makes their rows in it).
KINDS: dict[str, Kind] = {}


def register(*kinds: Kind) -> None:
    """Add kinds to the registry (each app's notifications.py, when the app is ready)."""
    for kind in kinds:
        if kind.kind in KINDS and type(KINDS[kind.kind]) is not type(kind):
            raise ValueError(f"two kinds of notification named {kind.kind!r}")
        KINDS[kind.kind] = kind

"""Sending outbox rows: for each, lock it, send its mail, mark it sent in the same transaction.

`deliver_many()` is what the Celery task runs, for a batch of ids. Each row is locked with SKIP
LOCKED, so a second worker holding the same id (a queue message delivered twice, or a scan that
queued it again) passes on at once; a row no longer pending is left alone. Failures count as
attempts: a refusal that will not change (no or an invalid address, a permanent 5xx answer) ends
the row as failed at once; anything else is tried again later with a growing delay, and after
the last attempt the row is failed with the error, visible in the admin.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.text import single_line

from . import recipients as recipients_
from .mailer import commit_then, mailer
from .models import Notification
from .registry import KINDS, Mail, Skip
from .tokens import unsubscribe_token

logger = logging.getLogger(__name__)

# Minutes to wait after the 1st, 2nd, ... failed attempt; one more failure and the row is failed.
RETRY_DELAYS = getattr(settings, "NOTIFICATION_RETRY_DELAYS", (1, 5, 30, 120))


class PermanentFailure(Exception):
    pass


def _permanent(exc: Exception) -> bool:
    if isinstance(exc, (PermanentFailure, recipients_.NoAddress)):
        return True
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _response in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    return False


def _describe(exc: Exception) -> str:
    if isinstance(exc, (PermanentFailure, recipients_.NoAddress)):
        return str(exc)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        parts = [
            f"{code} {response.decode(errors='replace')}"
            for code, response in exc.recipients.values()
        ]
        return "SMTP: " + "; ".join(parts)
    if isinstance(exc, smtplib.SMTPResponseException):
        message = exc.smtp_error
        if isinstance(message, bytes):
            message = message.decode(errors="replace")
        return f"SMTP {exc.smtp_code}: {message}"
    return f"{type(exc).__name__}: {exc}"[:1000]


def record_failure(notification: Notification, exc: Exception, *, now=None) -> None:
    """Count a failed attempt on the (locked) row: later again, or failed for good."""
    now = now or timezone.now()
    notification.attempts += 1
    notification.error = _describe(exc)
    delays = getattr(settings, "NOTIFICATION_RETRY_DELAYS", RETRY_DELAYS)
    if _permanent(exc) or notification.attempts > len(delays):
        notification.state = Notification.State.FAILED
    else:
        notification.next_attempt_at = now + timedelta(minutes=delays[notification.attempts - 1])
        notification.enqueued_at = None
    notification.save(
        update_fields=["attempts", "error", "state", "next_attempt_at", "enqueued_at", "sent_at"]
    )
    logger.warning(
        "notification %s attempt %s failed: %s",
        notification.pk,
        notification.attempts,
        notification.error,
    )


def urls(notification: Notification, recipient, mail: Mail | None = None) -> dict:
    """The links every mail ends with: settings for accounts, a one-click unsubscribe."""
    found = {"site_url": settings.SITE_URL, "SITE_URL": settings.SITE_URL}
    if recipient.has_account:
        found["settings_url"] = settings.SITE_URL + reverse("notifications:settings")
    kind = KINDS[notification.kind]
    if (
        kind.setting is not None
        or recipient.mentee
        or kind.kind == Notification.Kind.EVENT_REMINDER
    ) and (mail is None or kind.may_unsubscribe(notification, mail)):
        token = unsubscribe_token(recipient.key, notification.kind)
        found["unsubscribe_url"] = settings.SITE_URL + reverse(
            "notifications:unsubscribe", kwargs={"token": token}
        )
    return found


def render(notification: Notification, recipient, mail: Mail) -> EmailMultiAlternatives:
    with translation.override(recipient.language):
        context = {
            **mail.context,
            **urls(notification, recipient, mail),
            "recipient": recipient,
            "notification": notification,
        }
        # One line without control characters, whatever a title holds: a line break in a
        # subject makes Django refuse the whole message (BadHeaderError).
        subject = single_line(render_to_string(f"{mail.template}_subject.txt", context))
        context["subject"] = subject
        text = render_to_string(f"{mail.template}.txt", context).rstrip() + "\n"
        text += render_to_string("notifications/email/footer.txt", context)
        html = render_to_string(f"{mail.template}.html", context)
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    headers = {
        # The outbox row is the message: a receiver can recognise a copy by its Message-ID.
        "Message-ID": f"<notification-{notification.pk}@{host}>",
        "Auto-Submitted": "auto-generated",
    }
    if "unsubscribe_url" in context:
        headers["List-Unsubscribe"] = f"<{context['unsubscribe_url']}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(subject, text, None, [recipient.email], headers=headers)
    message.attach_alternative(html, "text/html")
    for filename, content, mimetype in mail.attachments:
        message.attach(filename, content, mimetype)
    return message


def _due(ids, now):
    """The rows of `ids` still due, with what their recipient needs; read without a lock."""
    return (
        Notification.objects.filter(
            pk__in=ids, state=Notification.State.PENDING, next_attempt_at__lte=now
        )
        .select_related("user__notification_settings", "user__volunteer_profile", "mentee")
        .select_related("registration", "invitation")
        .order_by("pk")
    )


def _lock(notification_id: int, now) -> int | None:
    """Lock the row if it is still due and nobody else holds it; its attempts so far, or None."""
    found = (
        Notification.objects.select_for_update(skip_locked=True)
        .filter(pk=notification_id, state=Notification.State.PENDING, next_attempt_at__lte=now)
        .order_by()
        .values_list("attempts", flat=True)
    )
    return next(iter(found), None)


def _prepare(notification: Notification, about) -> EmailMultiAlternatives | Exception:
    """The row's mail, or why there is none: a Skip, or the error of a failed attempt."""
    kind = KINDS[notification.kind]
    try:
        recipient = recipients_.of(notification)
        if not kind.wanted_by(recipient):
            raise Skip(_("The recipient switched this notification off."))
        with translation.override(recipient.language):
            mail = kind.build(notification, recipient, about)
        return render(notification, recipient, mail)
    except Exception as exc:
        return exc


def deliver_many(notification_ids) -> dict[int, str]:
    """Send the due rows among `notification_ids`, each in a transaction of its own; returns the
    state of each row handled here (rows gone, no longer due or held by another worker are left
    out).

    What the rows are about (meetings, with tandem, program and people) is read for all of them
    at once, before the rows are locked one by one: building a query costs more than sending a
    mail, and the reads are at most one batch's sending time old (as unlocked as before; the
    checks of each kind still run just before the mail is sent).
    """
    now = timezone.now()
    rows = list(_due(notification_ids, now))
    about = {}
    for kind_name in {row.kind for row in rows}:
        ids = [row.object_id for row in rows if row.kind == kind_name]
        about[kind_name] = KINDS[kind_name].load(ids)
    states = {}
    for row in rows:
        state = _deliver(row, _prepare(row, about[row.kind].get(row.object_id)), now=now)
        if state:
            states[row.pk] = state
    return states


def deliver(notification_id: int) -> str:
    """Send one due row if nobody else is; returns the row's state afterwards ("" if untouched)."""
    return deliver_many([notification_id]).get(notification_id, "")


def _deliver(notification: Notification, prepared, *, now) -> str:
    session = None
    try:
        with transaction.atomic():
            attempts = _lock(notification.pk, now)
            if attempts is None:
                return ""
            notification.attempts = attempts
            if isinstance(prepared, Skip):
                notification.state = Notification.State.SKIPPED
                notification.error = str(prepared)
                notification.save(update_fields=["state", "error"])
                return notification.state
            if isinstance(prepared, Exception):
                record_failure(notification, prepared, now=now)
                return notification.state
            try:
                session = mailer().start(prepared)
            except Exception as exc:
                record_failure(notification, exc, now=now)
                return notification.state
            notification.state = Notification.State.SENT
            notification.sent_at = now
            notification.attempts += 1
            notification.error = ""
            notification.save(update_fields=["state", "sent_at", "attempts", "error"])
            # The commit, with the message's final dot written right behind the COMMIT: a
            # worker killed in between neither loses nor doubles the mail (see mailer.py).
            commit_then(session.send_end)
    except BaseException:
        if session is not None:
            session.abort()
        raise
    try:
        session.finish()
    except Exception as exc:
        # The server refused the message at its end (or the connection broke): undo "sent".
        with transaction.atomic():
            notification = Notification.objects.select_for_update().get(pk=notification.pk)
            notification.state = Notification.State.PENDING
            notification.sent_at = None
            notification.attempts -= 1
            record_failure(notification, exc)
            return notification.state
    return Notification.State.SENT

"""Around the people import (tandems/imports.py): the uploaded file kept between the steps, and
the invitation of imported volunteers to claim their account."""

from __future__ import annotations

import secrets
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import transaction

from notifications.models import Notification
from notifications.services import notify
from programs.models import Program
from tandems.models import Application, Channel

UPLOAD_MAX_AGE_SECONDS = 24 * 60 * 60
_TOKEN_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")


def _directory() -> Path:
    directory = Path(settings.PEOPLE_IMPORT_DIR)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    return directory


def _path(token: str) -> Path | None:
    if not token or len(token) > 64 or not set(token) <= _TOKEN_CHARS:
        return None
    return _directory() / f"{token}.upload"


def import_uploads_purge(*, max_age_seconds: int = UPLOAD_MAX_AGE_SECONDS) -> int:
    """Delete uploads left over from imports not finished within a day."""
    limit = time.time() - max_age_seconds
    removed = 0
    for path in _directory().glob("*.upload"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue
    return removed


def import_upload_store(*, data: bytes) -> str:
    """Keep an uploaded file for the next steps; its token (the caller ties it to the session)."""
    import_uploads_purge()
    token = secrets.token_urlsafe(24)
    path = _path(token)
    path.write_bytes(data)
    path.chmod(0o600)
    return token


def import_upload_read(*, token: str) -> bytes | None:
    path = _path(token)
    if path is None or not path.exists():
        return None
    if path.stat().st_mtime < time.time() - UPLOAD_MAX_AGE_SECONDS:
        path.unlink(missing_ok=True)
        return None
    return path.read_bytes()


def import_upload_delete(*, token: str) -> None:
    path = _path(token)
    if path is not None:
        path.unlink(missing_ok=True)


def imported_unclaimed(*, program: Program):
    """The program's open applications of imported volunteers who have not set a password."""
    applications = Application.objects.open().filter(
        program=program, channel=Channel.IMPORT, volunteer__is_active=True
    )
    return applications.filter(volunteer__password__startswith=UNUSABLE_PASSWORD_PREFIX)


@transaction.atomic
def volunteers_invite(*, program: Program, application_ids=None) -> int:
    """Invite imported volunteers who have no password yet to claim their account (a mail with
    allauth's link to set a password). Each is invited once; the number of new invitations."""
    applications = imported_unclaimed(program=program).select_related("volunteer")
    if application_ids is not None:
        applications = applications.filter(pk__in=application_ids)
    invited = set(
        Notification.objects.filter(
            kind=Notification.Kind.ACCOUNT_CLAIM,
            object_id__in=[a.pk for a in applications],
            content_type__model="application",
        ).values_list("object_id", flat=True)
    )
    count = 0
    for application in applications:
        if application.pk in invited:
            continue
        notify(Notification.Kind.ACCOUNT_CLAIM, about=application, to=application.volunteer)
        count += 1
    return count

"""Device cookies (OWASP): a browser that signed in to an account before has a failed-login limit
of its own, so a stranger's wrong passwords lock out strangers and never the account's owner.

The cookie holds a signed list of (account tag, nonce) pairs, one per account that signed in with
this browser. The tag is a keyed hash of the account's primary key (nobody can read the account
from the cookie, nor make a tag without the SECRET_KEY); the nonce names the limit's bucket, so a
stolen cookie has one limit however many addresses it is tried from.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import salted_hmac

SALT = "accounts.devices"
# Accounts remembered per browser: a shared office computer, not a list of everyone.
MAX_ACCOUNTS = 5
TAG_LENGTH = 24


def _tag(user_pk) -> str:
    return salted_hmac(SALT, str(user_pk)).hexdigest()[:TAG_LENGTH]


def _entries(request: HttpRequest) -> list[tuple[str, str]]:
    """The pairs of a valid cookie; none for a missing, forged, expired or malformed one."""
    raw = request.COOKIES.get(settings.DEVICE_COOKIE_NAME)
    if not raw:
        return []
    try:
        entries = signing.loads(raw, salt=SALT, max_age=settings.DEVICE_COOKIE_AGE)
    except signing.BadSignature:
        return []
    if not isinstance(entries, list):
        return []
    return [
        (entry[0], entry[1])
        for entry in entries
        if isinstance(entry, list)
        and len(entry) == 2
        and all(isinstance(part, str) and part for part in entry)
    ]


def trusted_nonce(request: HttpRequest, *, users) -> str | None:
    """The nonce this browser's cookie holds for one of `users`, or None: an untrusted browser."""
    tags = {_tag(user.pk) for user in users}
    for tag, nonce in _entries(request):
        if tag in tags:
            return nonce
    return None


def limit_key(nonce: str) -> str:
    """The key of the failed-login limit of one device cookie."""
    return f"device:{nonce}"


def remember(request: HttpRequest, response: HttpResponse, *, user) -> None:
    """After a successful sign-in: this browser is trusted for `user`, with a fresh nonce."""
    tag = _tag(user.pk)
    others = [[other, nonce] for other, nonce in _entries(request) if other != tag]
    entries = [[tag, secrets.token_urlsafe(16)], *others][:MAX_ACCOUNTS]
    response.set_cookie(
        settings.DEVICE_COOKIE_NAME,
        signing.dumps(entries, salt=SALT, compress=True),
        max_age=settings.DEVICE_COOKIE_AGE,
        secure=settings.DEVICE_COOKIE_SECURE,
        httponly=True,
        samesite=settings.DEVICE_COOKIE_SAMESITE,
    )

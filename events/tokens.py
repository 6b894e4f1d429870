"""Signed links for registrations: whoever holds the link may cancel, or confirm the address,
no account needed.

A token carries only what it needs, signed with the SECRET_KEY and a salt per purpose, so a token
of another purpose never passes here and a changed character fails. The confirmation token also
carries the registration's time of creation: it fits that one registration, never a later one
that happens to get the same number.
"""

from django.core import signing

from .models import Registration

SALT = "events.registration.cancel"
CONFIRM_SALT = "events.registration.confirm"


def cancel_token(registration: Registration) -> str:
    return signing.dumps(registration.pk, salt=SALT)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def registration_pk_from_token(token: str) -> int | None:
    """The primary key a token was made for, or None when it is tampered with or malformed."""
    try:
        pk = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    return pk if _is_int(pk) else None


def _created(registration: Registration) -> int:
    return int(registration.created_at.timestamp() * 1_000_000)


def confirm_token(registration: Registration) -> str:
    return signing.dumps([registration.pk, _created(registration)], salt=CONFIRM_SALT)


def confirm_token_parts(token: str) -> tuple[int, int] | None:
    """(primary key, time of creation) of a confirmation token, or None when it is tampered with
    or malformed."""
    try:
        value = signing.loads(token, salt=CONFIRM_SALT)
    except signing.BadSignature:
        return None
    if isinstance(value, list) and len(value) == 2 and all(map(_is_int, value)):
        return value[0], value[1]
    return None


def confirm_token_fits(registration: Registration, created: int) -> bool:
    return _created(registration) == created

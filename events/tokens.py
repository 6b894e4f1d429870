"""Signed cancel links for registrations: whoever holds the link may cancel, no account needed.

The token carries only the registration's primary key, signed with the SECRET_KEY and a salt of
its own, so a token of another purpose never passes here and a changed character fails.
"""

from django.core import signing

from .models import Registration

SALT = "events.registration.cancel"


def cancel_token(registration: Registration) -> str:
    return signing.dumps(registration.pk, salt=SALT)


def registration_pk_from_token(token: str) -> int | None:
    """The primary key a token was made for, or None when it is tampered with or malformed."""
    try:
        pk = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    return pk if isinstance(pk, int) and not isinstance(pk, bool) else None

"""The signed token of the one-click unsubscribe link: who, and from which kind of mail.

It needs no login and does not expire (a link in an old mail must still work). Using it twice
changes nothing more; a token altered by one character is refused.
"""

from django.core import signing

SALT = "notifications.unsubscribe"


def unsubscribe_token(recipient: str, kind: str) -> str:
    return signing.dumps([recipient, kind], salt=SALT, compress=True)


def unsubscribe_read(token: str) -> tuple[str, str] | None:
    try:
        recipient, kind = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(recipient, str) or not isinstance(kind, str):
        return None
    return recipient, kind

"""Who a notification goes to: an account, a mentee (or guardian) who consented, a registration,
an address invited to coordinate a program.

A recipient is written as a short key ("user:5", "mentee:7", "registration:9") in the outbox's
unique key; the address and language are looked up only when the mail is sent, so a changed
address or a withdrawn consent counts.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from accounts.selectors import user_by_verified_address


class NoAddress(Exception):
    """The recipient cannot be written to (no or an invalid address); trying again won't help."""


@dataclass(frozen=True)
class Recipient:
    key: str
    email: str
    language: str
    name: str = ""
    user: object = None
    mentee: object = None
    registration: object = None
    invitation: object = None

    @property
    def has_account(self) -> bool:
        return self.user is not None


def key_of(obj) -> str:
    return f"{obj._meta.model_name}:{obj.pk}"


# The outbox row's field that points at each kind of recipient.
FIELDS = {
    "user": "user",
    "mentee": "mentee",
    "registration": "registration",
    "coordinatorinvitation": "invitation",
}


def links(obj) -> dict:
    """The outbox row's fields that point at the recipient."""
    name = obj._meta.model_name
    if name not in FIELDS:
        raise ValueError(f"cannot notify a {name}")
    return {"recipient": key_of(obj), FIELDS[name]: obj}


def _language(code: str) -> str:
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _account_language(email: str) -> str:
    """The language of the account that has confirmed this address, else the portal's: an
    unconfirmed address proves nothing about whom a mail reaches."""
    user = user_by_verified_address(email)
    return _language(user.language) if user is not None else settings.LANGUAGE_CODE


def of(notification) -> Recipient:
    """The recipient of a row whose user, mentee, registration and invitation are loaded."""
    if notification.user_id:
        user = notification.user
        # A volunteer by the profile's name; a coordinator (no profile) by the account's.
        name = getattr(getattr(user, "volunteer_profile", None), "name", "") or user.name or ""
        recipient = Recipient(
            notification.recipient, user.email, _language(user.language), name, user=user
        )
        if not user.is_active:
            raise NoAddress(_("The account is deactivated."))
    elif notification.mentee_id:
        mentee = notification.mentee
        recipient = Recipient(
            notification.recipient,
            mentee.reminder_email,
            _language(mentee.reminder_language),
            # A minor's reminders go to the guardian, greeted by their name where it is known.
            (mentee.guardian_name if mentee.is_minor else "") or mentee.first_name,
            mentee=mentee,
        )
    elif notification.invitation_id:
        # An invited address: in the language of the account it belongs to, if any; without
        # one, in the portal's default language (nothing says which the person reads).
        invitation = notification.invitation
        recipient = Recipient(
            notification.recipient,
            invitation.email,
            _language(_account_language(invitation.email)),
            invitation=invitation,
        )
    else:
        registration = notification.registration
        recipient = Recipient(
            notification.recipient,
            registration.email,
            _language(registration.language),
            registration.name,
            registration=registration,
        )
    if not recipient.email:
        raise NoAddress(_("The recipient has no e-mail address."))
    try:
        validate_email(recipient.email)
    except ValidationError:
        raise NoAddress(_("The e-mail address is not valid.")) from None
    return recipient

"""Coordinator invitations by e-mail: staff invite an address to coordinate one program.

The mailed link carries a signed pair (invitation id, nonce). django.core.signing with this
module's salt makes it unforgeable without SECRET_KEY; the nonce is random per invitation, so a
link names exactly one invitation, and the link works only while that invitation is open: not
after it was accepted or revoked, not after `expires_at` (COORDINATOR_INVITATION_DAYS). The
database holds no token, only the nonce, which is useless without the key.

Whoever accepts must own the invited address: an account whose verified address it is, or a new
account made on the spot with that address (the link reached that mailbox, which is what a
verification mail would prove). The role is granted by coordinator_grant, so it is in the
program's audit trail with the inviting staff member as the actor.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from enum import StrEnum

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import address_in_use, user_by_verified_address, verified_addresses_of
from accounts.services import user_create_verified

from .models import CoordinatorInvitation, Program, ProgramCoordinator
from .services import coordinator_grant

SALT = "programs.coordinator-invitation"


class Refusal(StrEnum):
    """Why a link does not work (the page says it in words)."""

    INVALID = "invalid"
    EXPIRED = "expired"
    ACCEPTED = "accepted"
    REVOKED = "revoked"


def invitation_token(invitation: CoordinatorInvitation) -> str:
    return signing.Signer(salt=SALT).sign_object({"i": invitation.pk, "n": invitation.nonce})


def invitation_from_token(token: str) -> tuple[CoordinatorInvitation | None, Refusal | None]:
    """The invitation a link names and, if it cannot be accepted, why not."""
    try:
        data = signing.Signer(salt=SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError, UnicodeError):
        return None, Refusal.INVALID
    if not isinstance(data, dict) or not isinstance(data.get("i"), int):
        return None, Refusal.INVALID
    invitation = (
        CoordinatorInvitation.objects.select_related("program", "program__organization")
        .filter(pk=data["i"])
        .first()
    )
    if invitation is None or not secrets.compare_digest(invitation.nonce, str(data.get("n"))):
        return None, Refusal.INVALID
    if invitation.status == CoordinatorInvitation.Status.ACCEPTED:
        return invitation, Refusal.ACCEPTED
    if invitation.status == CoordinatorInvitation.Status.REVOKED:
        return invitation, Refusal.REVOKED
    if invitation.is_expired:
        return invitation, Refusal.EXPIRED
    return invitation, None


def normalise_email(email: str) -> str:
    return email.strip().lower()


def account_of(email: str):
    """The active account whose verified address `email` is, or None."""
    return user_by_verified_address(email)


def user_owns_address(*, user, email: str) -> bool:
    return normalise_email(email) in verified_addresses_of(user)


def address_has_account(email: str) -> bool:
    """Any account uses the address, confirmed or not: then no new account is made for it."""
    return address_in_use(email)


@transaction.atomic
def invitation_create(*, program: Program, email: str, by) -> CoordinatorInvitation:
    """Invite `email` to coordinate `program` and mail the link. Inviting an address with an open
    invitation again revokes the old link and sends a new one."""
    from notifications.models import Notification
    from notifications.services import notify

    email = normalise_email(email)
    if program.status == Program.Status.ARCHIVED:
        raise ValidationError(_("The program is archived; nobody can be invited to it."))
    holder = user_by_verified_address(email)
    if holder is not None and ProgramCoordinator.objects.filter(program=program, user=holder):
        raise ValidationError(_("This address coordinates the program already."))
    now = timezone.now()
    CoordinatorInvitation.objects.filter(
        program=program, email=email, status=CoordinatorInvitation.Status.PENDING
    ).update(status=CoordinatorInvitation.Status.REVOKED, closed_at=now)
    invitation = CoordinatorInvitation(
        program=program,
        email=email,
        nonce=secrets.token_hex(16),
        invited_by=by,
        expires_at=now + timedelta(days=settings.COORDINATOR_INVITATION_DAYS),
    )
    invitation.full_clean()
    invitation.save()
    notify(Notification.Kind.COORDINATOR_INVITATION, about=invitation, to=invitation)
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: CoordinatorInvitation) -> CoordinatorInvitation:
    invitation = CoordinatorInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != CoordinatorInvitation.Status.PENDING:
        raise ValidationError(_("This invitation is no longer open."))
    invitation.status = CoordinatorInvitation.Status.REVOKED
    invitation.closed_at = timezone.now()
    invitation.save(update_fields=["status", "closed_at"])
    return invitation


def _open_for_update(invitation: CoordinatorInvitation) -> CoordinatorInvitation:
    invitation = (
        CoordinatorInvitation.objects.select_for_update(of=("self",))
        .select_related("program", "invited_by")
        .get(pk=invitation.pk)
    )
    if invitation.status != CoordinatorInvitation.Status.PENDING or invitation.is_expired:
        raise ValidationError(_("This invitation is no longer valid."))
    return invitation


def _grant(invitation: CoordinatorInvitation, user) -> ProgramCoordinator | None:
    membership = None
    if not ProgramCoordinator.objects.filter(program=invitation.program, user=user).exists():
        membership = coordinator_grant(
            program=invitation.program, user=user, by=invitation.invited_by
        )
    invitation.status = CoordinatorInvitation.Status.ACCEPTED
    invitation.accepted_by = user
    invitation.closed_at = timezone.now()
    invitation.save(update_fields=["status", "accepted_by", "closed_at"])
    return membership


@transaction.atomic
def invitation_accept(*, invitation: CoordinatorInvitation, user) -> CoordinatorInvitation:
    """A signed-in account accepts: it must own the invited address (verified)."""
    invitation = _open_for_update(invitation)
    if not user_owns_address(user=user, email=invitation.email):
        raise ValidationError(
            _("This invitation is for another e-mail address. Please sign in with that address.")
        )
    _grant(invitation, user)
    return invitation


@transaction.atomic
def invitation_accept_with_new_account(
    *, invitation: CoordinatorInvitation, name: str, password: str, language: str
):
    """Someone without an account accepts: the account is made with the invited address, which
    counts as verified (the link was mailed to it), and gets the role."""
    invitation = _open_for_update(invitation)
    if address_has_account(invitation.email):
        raise ValidationError(
            _("An account with this address exists already. Please sign in to accept.")
        )
    user = user_create_verified(email=invitation.email, password=password, name=name.strip())
    if language in dict(settings.LANGUAGES):
        user.language = language
        user.save(update_fields=["language"])
    _grant(invitation, user)
    return user


def invitations_expired_before(moment):
    """Invitations closed or expired before `moment`: what retention deletes."""
    from django.db.models import Q

    return CoordinatorInvitation.objects.filter(
        Q(status=CoordinatorInvitation.Status.PENDING, expires_at__lt=moment)
        | Q(closed_at__lt=moment)
    )

from allauth.account.models import EmailAddress
from allauth.mfa.utils import is_mfa_enabled
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.db.models.functions import Lower


def user_has_two_factor(*, user) -> bool:
    """Whether the user signs in with a second step (an authenticator app; recovery codes alone
    do not count, allauth creates them together with the app)."""
    return is_mfa_enabled(user)


# --- Records found by e-mail address ------------------------------------------------------------
# Anyone can type any address into an account (allauth's /konto/email/) or into a form; only the
# owner of a mailbox can confirm it. So only confirmed (verified) addresses ever tie records that
# carry an address (event registrations) to an account: for the export, the erasure, the
# "Meine Daten" page and whatever else finds people by address. The account's own `email` field
# counts only when it is a verified EmailAddress too. Every such lookup goes through the two
# functions below; tests/accounts/test_address_lookups.py fails on one that does not.


def verified_addresses_of(user) -> set[str]:
    """The account's confirmed e-mail addresses, in lower case; none for an unsaved account."""
    if user is None or user.pk is None:
        return set()
    found = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    return {address.lower() for address in found if address}


def user_by_verified_address(email: str):
    """The active account that has confirmed this address, or None (granting it a role)."""
    found = EmailAddress.objects.filter(email__iexact=email.strip(), verified=True)
    found = found.filter(user__is_active=True).select_related("user").first()
    return found.user if found is not None else None


def by_verified_address(user, *, field: str = "email") -> Q:
    """A filter for rows whose `field` is one of the account's confirmed addresses (in any case);
    it matches nothing when there is none."""
    match = Q(pk__in=[])
    for address in sorted(verified_addresses_of(user)):
        match |= Q(**{f"{field}__iexact": address})
    return match


def address_in_use(email: str) -> bool:
    """Whether any account already uses this address, confirmed or not (as its login or as one of
    its addresses). For creating an account for someone else: such an address must never lead
    to the existing account, whose owner has not been asked."""
    address = email.strip()
    return (
        get_user_model().objects.filter(email__iexact=address).exists()
        or EmailAddress.objects.filter(email__iexact=address).exists()
    )


def accounts_by_address(emails) -> dict[str, object]:
    """The accounts that use any of these addresses (confirmed or not, as login or as one of
    their addresses), by the address in lower case: address_in_use for many addresses at once
    (an import of volunteers). Two queries however many addresses."""
    wanted = sorted({email.strip().lower() for email in emails if email.strip()})
    if not wanted:
        return {}
    users = get_user_model().objects.annotate(address=Lower("email"))
    found = {user.address: user for user in users.filter(address__in=wanted)}
    others = (
        EmailAddress.objects.annotate(address=Lower("email"))
        .filter(address__in=wanted)
        .select_related("user")
    )
    for row in others:
        found.setdefault(row.address, row.user)
    return found

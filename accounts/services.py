from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction


@transaction.atomic
def user_create_verified(
    *,
    email: str,
    password: str = "",
    password_hash: str = "",
    name: str = "",
    is_staff: bool = False,
    is_superuser: bool = False,
):
    """Create or update an account whose e-mail address is already verified (demo and staff set-up).

    Idempotent: an existing account with this address gets the given name, password and role:
    network staff (is_staff) or operator (is_superuser, which is staff as well).
    `password_hash` (from `make_password`) stands in for `password` where many accounts share one
    password: hashing takes about half a second on purpose, and load_demo makes over a dozen.
    """
    user, _created = get_user_model().objects.get_or_create(email=email)
    user.name = name
    # Network staff are no superusers: a superuser passes every permission of the admin.
    user.is_staff = is_staff or is_superuser
    user.is_superuser = is_superuser
    if password_hash:
        user.password = password_hash
    else:
        user.set_password(password)
    user.full_clean()
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def user_create_without_password(*, email: str, name: str = ""):
    """An account for a person a coordinator enters (an application on paper): no usable password
    and no confirmed address. The person signs in later by resetting the password, which proves
    that the mailbox is theirs. The caller makes sure the address is not in use
    (accounts.selectors.address_in_use)."""
    user = get_user_model()(
        email=get_user_model().objects.normalize_email(email.strip()), name=name
    )
    user.set_unusable_password()
    user.full_clean()
    user.save()
    return user

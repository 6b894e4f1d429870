from allauth.mfa.utils import is_mfa_enabled


def user_has_two_factor(*, user) -> bool:
    """Whether the user signs in with a second step (an authenticator app; recovery codes alone
    do not count, allauth creates them together with the app)."""
    return is_mfa_enabled(user)

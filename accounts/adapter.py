from http import HTTPStatus

import rules
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import filter_users_by_email
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.internal import ratelimit
from django.conf import settings
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from . import devices


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        """New accounts keep the language they signed up in, for the e-mails we send them."""
        language = get_language()
        if language in dict(settings.LANGUAGES):
            user.language = language
        return super().save_user(request, user, form, commit=commit)

    def pre_authenticate(self, request, **credentials):
        """allauth's limit of failed logins ("login_failed"), with one change: a browser with a
        device cookie of the account counts against that cookie's limit, not the address's, so a
        stranger's wrong passwords cannot lock out the account's owner (accounts/devices.py). The
        per-IP limit applies to both. A login over a limit answers 429.

        As allauth's own, the consumption is kept on the adapter, which rolls it back after a
        successful login (DefaultAccountAdapter.authenticate)."""
        email = credentials.get("email")
        nonce = (
            devices.trusted_nonce(request, users=filter_users_by_email(email)) if email else None
        )
        if nonce:
            key = devices.limit_key(nonce)
        else:
            key = self._get_login_attempts_cache_key(request, **credentials)
        self._login_failed_rl_usage = ratelimit.consume(
            request, app="allauth.account", action="login_failed", key=key
        )
        if not self._login_failed_rl_usage:
            raise ImmediateHttpResponse(self._too_many_login_attempts(request))

    def _too_many_login_attempts(self, request):
        reason = _(
            "Too many failed login attempts. For your protection, signing in is paused here for "
            "a few minutes. Please try again later, or reset your password."
        )
        return render(
            request,
            "429.html",
            {"reason": reason, "login": True},
            status=HTTPStatus.TOO_MANY_REQUESTS,
        )

    def get_login_redirect_url(self, request):
        """Each role lands where it works: network staff and operators on /netzwerk/,
        coordinators on /koordination/, everyone else on "Mein Bereich" (LOGIN_REDIRECT_URL).
        A `next` parameter still wins: allauth reads it before it asks here."""
        from django.urls import reverse

        from .roles import is_network_staff

        user = request.user
        if is_network_staff(user):
            return reverse("network:home")
        if user.is_authenticated and rules.test_rule("is_any_coordinator", user):
            return reverse("tandems:coordination")
        return super().get_login_redirect_url(request)

    def post_login(self, request, user, **kwargs):
        """After every completed sign-in (second factor included) the browser is trusted for the
        account: it gets or renews its device cookie."""
        response = super().post_login(request, user, **kwargs)
        devices.remember(request, response, user=user)
        return response

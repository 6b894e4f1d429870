"""The Django admin, for the operators (superusers) alone.

Network staff work under /netzwerk/ and /koordination/, in the portal's look; the admin lets in
nobody but an operator, whatever permissions an account holds. A staff member who follows an old
link to the admin is sent to /netzwerk/ with a word why; any other signed-in account gets 403.
The login goes through allauth's, so it shares its rate limits and verification.
"""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from accounts.roles import is_network_staff, is_operator


class OperatorAdminSite(admin.AdminSite):
    site_header = "Mentoring-Portal"
    site_title = "Mentoring-Portal"

    def has_permission(self, request):
        # Every admin page (each ModelAdmin's included) passes this check first.
        return is_operator(request.user)

    def login(self, request, extra_context=None):
        # The admin sends everyone it does not let in here, so this is the one place that
        # answers them.
        if request.user.is_authenticated and not self.has_permission(request):
            if is_network_staff(request.user):
                messages.info(
                    request,
                    _(
                        "The Django admin is kept for the portal's operators. Your tools as "
                        "network staff are here."
                    ),
                )
                return redirect("network:home")
            raise PermissionDenied
        return secure_admin_login(super().login)(request, extra_context)

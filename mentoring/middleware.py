"""Response headers that neither Django nor django-csp set; the second factor the roles need."""

import re

from django.conf import settings
from django.template.response import TemplateResponse

from accounts.roles import is_network_staff
from accounts.selectors import user_has_two_factor
from programs.selectors import user_coordinates_any_program


class PermissionsPolicyMiddleware:
    """Sends the Permissions-Policy header: the portal uses no camera, microphone or payment
    feature, so no page, and no script that might ever slip into one, may ask for them; the
    location only its own pages may ask for (the map's "use my location").

    One fixed header does not need a package (django-permissions-policy would validate the
    feature names, which the test of the header does as well).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(allowed)})"
            for feature, allowed in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.header)
        return response


# The areas that show people's data or change the whole portal: the coordinators' pages and the
# staff tools (all under /koordination/, in either language) and the admin.
SECOND_FACTOR_AREAS = re.compile(r"^/(?:en/)?koordination/|^/admin/")


def needs_second_factor(user) -> bool:
    """Coordinators, network staff and operators: the people who see others' personal data."""
    return user.is_authenticated and (
        is_network_staff(user) or user_coordinates_any_program(user=user)
    )


class SecondFactorRequiredMiddleware:
    """The one place that keeps coordinators, network staff and operators without a second factor
    (authenticator app or security key/passkey) out of /koordination/ and the admin: they get a
    page that says why and leads to /konto/2fa/. Everyone else passes on to the views, which
    answer as before (the login, 403 or 404)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # One query for those who have a second factor (the roles, mostly); a second one, for the
        # role, only for those who do not.
        if (
            SECOND_FACTOR_AREAS.match(request.path_info)
            and request.user.is_authenticated
            and not user_has_two_factor(user=request.user)
            and needs_second_factor(request.user)
        ):
            response = TemplateResponse(
                request, "mentoring/second_factor_required.html", status=403
            )
            return response.render()
        return self.get_response(request)

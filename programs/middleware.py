"""The map's GeoJSON ahead of the middleware; the second factor the people-data areas need."""

import re

from django.conf import settings
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation

from accounts.roles import is_network_staff
from accounts.selectors import user_has_two_factor

from .selectors import user_coordinates_any_program


class GeoJSONMiddleware:
    """Serves the map's GeoJSON ahead of sessions, authentication, CSRF and locale handling.

    Like whitenoise for static files: the response is ready-made bytes (see geojson.py), and the
    request needs nothing of the middleware behind this one. Placed right after whitenoise, so
    SecurityMiddleware's headers still apply. The URL pattern stays for reversing and as the
    fallback.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self._paths: dict[str, str] | None = None

    def paths(self) -> dict[str, str]:
        if self._paths is None:
            paths = {}
            for code, _name in settings.LANGUAGES:
                with translation.override(code):
                    paths[reverse("programs:geojson")] = code
            self._paths = paths
        return self._paths

    def __call__(self, request):
        language = self.paths().get(request.path_info)
        if language is None or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        from .views import geojson_response

        # What CommonMiddleware would check: only the portal's own host names.
        request.get_host()
        with translation.override(language):
            request.LANGUAGE_CODE = language
            return geojson_response(request)


# The areas that show people's data or change the whole portal: the coordinators' pages and the
# staff tools (under /koordination/ and /netzwerk/, in either language) and the admin.
SECOND_FACTOR_AREAS = re.compile(r"^/(?:en/)?(?:koordination|netzwerk)/|^/admin/")


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

from django.conf import settings
from django.urls import reverse
from django.utils import translation


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
        from .views import programs_geojson

        # What CommonMiddleware would check: only the portal's own host names.
        request.get_host()
        with translation.override(language):
            request.LANGUAGE_CODE = language
            return programs_geojson(request)

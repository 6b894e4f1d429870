"""Response headers that neither Django nor django-csp set."""

from django.conf import settings


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

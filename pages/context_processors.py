from django.conf import settings
from django.urls import reverse, translate_url
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language_info

from accounts.roles import is_network_staff


def _alternates(request):
    query = request.META.get("QUERY_STRING", "")
    result = []
    for code, _name in settings.LANGUAGES:
        url = translate_url(request.path, code)
        result.append(
            {
                "code": code,
                "name_local": get_language_info(code)["name_local"],
                "url": f"{url}?{query}" if query else url,
            }
        )
    return result


def _is_coordinator(request):
    from programs.selectors import user_coordinates_any_program

    return user_coordinates_any_program(user=request.user)


def portal(request):
    """What every page's layout needs: the language switcher and the navigation state.

    Lazy, so a page that does not show them costs no query.
    """
    return {
        "SITE_URL": settings.SITE_URL,
        # AGPL-3.0 § 13: the footer offers the source code of the portal on every page.
        "source_url": settings.SOURCE_URL or reverse("source"),
        "language_alternates": SimpleLazyObject(lambda: _alternates(request)),
        "nav_is_coordinator": SimpleLazyObject(lambda: _is_coordinator(request)),
        # Network staff and operators: the "Network" area (/netzwerk/).
        "nav_is_network_staff": SimpleLazyObject(lambda: is_network_staff(request.user)),
    }

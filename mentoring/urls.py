from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import TemplateView

from mentoring import vocabulary_views
from pages import health, views
from tandems import impact

# admin.site is the operators' (mentoring/admin_site.py): network staff are sent to /netzwerk/.
# Without a second factor, operators do not get this far: programs.middleware stops them before.

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("healthz/ready", health.healthz_ready, name="healthz-ready"),
    # Browsers ask for /favicon.ico on pages that name no icon (the admin's).
    path("favicon.ico", views.favicon),
    path("admin/", admin.site.urls),
]

urlpatterns += i18n_patterns(
    path("", views.HomeView.as_view(), name="home"),
    path(
        "mitmachen/",
        TemplateView.as_view(template_name="mentoring/volunteer.html"),
        name="volunteer",
    ),
    path("mentoring-wirkt/", impact.ImpactView.as_view(), name="impact"),
    path("impressum/", views.LegalPageView.as_view(page="impressum"), name="impressum"),
    path("datenschutz/", views.LegalPageView.as_view(page="datenschutz"), name="privacy"),
    path(
        "barrierefreiheit/",
        views.LegalPageView.as_view(page="barrierefreiheit"),
        name="accessibility",
    ),
    path("quellcode/", views.SourceView.as_view(), name="source"),
    # The vocabularies of programs, events and news, kept by network staff.
    path(
        "netzwerk/vokabulare/",
        vocabulary_views.VocabularyListView.as_view(),
        name="vocabularies",
    ),
    path(
        "netzwerk/vokabulare/<slug:kind>/neu/",
        vocabulary_views.VocabularyTermFormView.as_view(),
        name="vocabulary_term_create",
    ),
    path(
        "netzwerk/vokabulare/<slug:kind>/<int:pk>/bearbeiten/",
        vocabulary_views.VocabularyTermFormView.as_view(),
        name="vocabulary_term_edit",
    ),
    path("konto/", include("allauth.urls")),
    path("", include("programs.urls")),
    path("", include("events.urls")),
    path("", include("tandems.urls")),
    path("", include("news.urls")),
    path("", include("notifications.urls")),
    path("", include("privacy.urls")),
    path("", include("network.urls")),
    path("", include("pages.urls")),
    prefix_default_language=False,
)

if settings.BENCHMARK_VIEWS:
    # The baseline of bench/: a view that does nothing, behind the same middleware.
    urlpatterns += [path("bench/trivial", views.trivial)]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

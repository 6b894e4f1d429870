from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path(
        "mein-bereich/benachrichtigungen/",
        views.SettingsView.as_view(),
        name="settings",
    ),
    path(
        "benachrichtigungen/abbestellen/<str:token>/",
        views.unsubscribe_view,
        name="unsubscribe",
    ),
]

from django.urls import path

from . import registration_views as views

urlpatterns = [
    path("veranstaltungen/abmelden/<str:token>/", views.CancelView.as_view(), name="cancel"),
    path(
        "veranstaltungen/<slug:slug>/anmelden/", views.RegistrationView.as_view(), name="register"
    ),
    path(
        "koordination/veranstaltungen/<slug:slug>/teilnehmende/",
        views.ParticipantsView.as_view(),
        name="participants",
    ),
    path(
        "koordination/veranstaltungen/<slug:slug>/teilnehmende.csv",
        views.ParticipantsCsvView.as_view(),
        name="participants_csv",
    ),
]

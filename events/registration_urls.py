from django.urls import path

from . import registration_views as views

urlpatterns = [
    path("veranstaltungen/abmelden/<str:token>/", views.CancelView.as_view(), name="cancel"),
    path(
        "veranstaltungen/<slug:slug>/anmelden/", views.RegistrationView.as_view(), name="register"
    ),
    # After the registration: an event whose slug is "bestaetigen" keeps its registration page.
    path("veranstaltungen/bestaetigen/<str:token>/", views.ConfirmView.as_view(), name="confirm"),
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

from django.urls import path

from . import coordination_views as coordination
from . import dashboard_urls, mentor_urls, report_urls, tandem_urls, views

app_name = "tandems"

urlpatterns = [
    path(
        "koordination/programme/<slug:slug>/einstellungen/",
        coordination.ProgramSettingsView.as_view(),
        name="coordination_settings",
    ),
    path(
        "koordination/bewerbungen/<int:pk>/schulung/",
        coordination.application_training_view,
        name="coordination_application_training",
    ),
    path(
        "koordination/bewerbungen/<int:pk>/verhaltenskodex/",
        coordination.application_conduct_view,
        name="coordination_application_conduct",
    ),
    path("mein-bereich/", views.MyAreaView.as_view(), name="my_area"),
    path(
        "mein-bereich/bewerbungen/<int:pk>/zurueckziehen/",
        views.application_withdraw_view,
        name="withdraw",
    ),
    path("programme/<slug:slug>/bewerben/", views.ApplyView.as_view(), name="apply"),
    path("koordination/", views.CoordinationView.as_view(), name="coordination"),
    path(
        "koordination/programme/<slug:slug>/bewerbungen/",
        coordination.ApplicationListView.as_view(),
        name="coordination_applications",
    ),
    path(
        "koordination/bewerbungen/<int:pk>/",
        coordination.ApplicationDetailView.as_view(),
        name="coordination_application",
    ),
    path(
        "koordination/bewerbungen/<int:pk>/verschieben/",
        coordination.application_move_view,
        name="coordination_application_move",
    ),
    path(
        "koordination/bewerbungen/<int:pk>/ablehnen/",
        coordination.application_reject_view,
        name="coordination_application_reject",
    ),
    path(
        "koordination/bewerbungen/<int:pk>/notiz/",
        coordination.application_note_view,
        name="coordination_application_note",
    ),
    path(
        "koordination/bewerbungen/<int:pk>/fuehrungszeugnis/",
        coordination.ScreeningRecordView.as_view(),
        name="coordination_screening",
    ),
    path(
        "koordination/programme/<slug:slug>/mentees/",
        coordination.MenteeListView.as_view(),
        name="coordination_mentees",
    ),
    path(
        "koordination/programme/<slug:slug>/mentees/neu/",
        coordination.MenteeCreateView.as_view(),
        name="coordination_mentee_create",
    ),
    path(
        "koordination/mentees/<int:pk>/",
        coordination.MenteeDetailView.as_view(),
        name="coordination_mentee",
    ),
    path(
        "koordination/mentees/<int:pk>/vorschlagen/",
        coordination.mentee_propose_view,
        name="coordination_mentee_propose",
    ),
]
# The parts of the tandem lifecycle keep their own lists of paths.
urlpatterns += (
    mentor_urls.urlpatterns
    + tandem_urls.urlpatterns
    + dashboard_urls.urlpatterns
    + report_urls.urlpatterns
)

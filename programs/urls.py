from django.urls import path

from . import trail_views, views

app_name = "programs"

urlpatterns = [
    path(
        "koordination/programme/<slug:slug>/protokoll/",
        trail_views.ProgramTrailView.as_view(),
        name="program_trail",
    ),
    path("programme/", views.ProgramListView.as_view(), name="list"),
    # Open data: the list's filter as CSV (the GeoJSON below takes the same filters).
    path("programme/export.csv", views.programs_csv, name="export_csv"),
    path("programme/<slug:slug>/", views.ProgramDetailView.as_view(), name="detail"),
    path("karte/", views.MapView.as_view(), name="map"),
    path("karte/programme.geojson", views.programs_geojson, name="geojson"),
    path("karte/einbetten/", views.EmbedMapView.as_view(), name="embed"),
    # Before the listing's own path, which would take it; unique_program_slug refuses "neu".
    path("koordination/programme/neu/", views.ProgramProposeView.as_view(), name="propose"),
    path("koordination/programme/<slug:slug>/", views.ProgramEditView.as_view(), name="edit"),
    path(
        "koordination/programme/<slug:slug>/einreichen/",
        views.program_submit_view,
        name="submit",
    ),
    path(
        "koordination/programme/<slug:slug>/aktuell/",
        views.program_mark_reviewed_view,
        name="mark_reviewed",
    ),
    path(
        "koordination/rueckmeldungen/<int:pk>/gelesen/",
        views.notice_acknowledge_view,
        name="notice_acknowledge",
    ),
    # The network's review, in the staff area.
    path("netzwerk/pruefung/", views.ReviewQueueView.as_view(), name="review_queue"),
    path(
        "netzwerk/pruefung/programme/<slug:slug>/<slug:decision>/",
        views.review_program_view,
        name="review_program",
    ),
    path(
        "netzwerk/pruefung/aenderungen/<int:pk>/<slug:decision>/",
        views.review_change_view,
        name="review_change",
    ),
    # Where the review was until [2.5]: moved permanently.
    path(
        "koordination/pruefung/",
        views.MovedPermanentlyView.as_view(pattern_name="programs:review_queue"),
    ),
    path(
        "koordination/pruefung/programme/<slug:slug>/<slug:decision>/",
        views.MovedPermanentlyView.as_view(pattern_name="programs:review_program"),
    ),
    path(
        "koordination/pruefung/aenderungen/<int:pk>/<slug:decision>/",
        views.MovedPermanentlyView.as_view(pattern_name="programs:review_change"),
    ),
]

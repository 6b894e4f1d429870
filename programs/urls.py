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
    path("koordination/pruefung/", views.ReviewQueueView.as_view(), name="review_queue"),
    path(
        "koordination/pruefung/programme/<slug:slug>/<slug:decision>/",
        views.review_program_view,
        name="review_program",
    ),
    path(
        "koordination/pruefung/aenderungen/<int:pk>/<slug:decision>/",
        views.review_change_view,
        name="review_change",
    ),
]

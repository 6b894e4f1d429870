from django.urls import path

from . import import_views, trail_views, views

app_name = "programs"

urlpatterns = [
    path(
        "koordination/programme/<slug:slug>/protokoll/",
        trail_views.ProgramTrailView.as_view(),
        name="program_trail",
    ),
    # The program import in the browser, for network staff (docs/import.md).
    path("netzwerk/import/", import_views.ImportUploadView.as_view(), name="import"),
    path("netzwerk/import/vorlage.xlsx", import_views.import_template_view, name="import_template"),
    path("netzwerk/import/anleitung/", import_views.import_guide_view, name="import_guide"),
    path(
        "netzwerk/import/<int:pk>/", import_views.ImportPreviewView.as_view(), name="import_preview"
    ),
    path(
        "netzwerk/import/<int:pk>/spalten/",
        import_views.ImportMappingView.as_view(),
        name="import_mapping",
    ),
    path("netzwerk/import/<int:pk>/importieren/", import_views.import_run_view, name="import_run"),
    path(
        "netzwerk/import/<int:pk>/verwerfen/",
        import_views.import_discard_view,
        name="import_discard",
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

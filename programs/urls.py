from django.urls import path

from . import import_views, invitation_views, staff_views, trail_views, views

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
    # --- The network staff's pages (/netzwerk/; the home page is network:home)
    path(
        "netzwerk/traeger/", staff_views.OrganizationListView.as_view(), name="staff_organizations"
    ),
    path(
        "netzwerk/traeger/neu/",
        staff_views.OrganizationCreateView.as_view(),
        name="staff_organization_create",
    ),
    path(
        "netzwerk/traeger/<slug:slug>/",
        staff_views.OrganizationEditView.as_view(),
        name="staff_organization_edit",
    ),
    path("netzwerk/programme/", staff_views.StaffProgramListView.as_view(), name="staff_programs"),
    path(
        "netzwerk/programme/neu/",
        staff_views.StaffProgramCreateView.as_view(),
        name="staff_program_create",
    ),
    path(
        "netzwerk/programme/<slug:slug>/",
        staff_views.StaffProgramEditView.as_view(),
        name="staff_program_edit",
    ),
    path(
        "netzwerk/programme/<slug:slug>/status/<slug:decision>/",
        staff_views.program_status_view,
        name="staff_program_status",
    ),
    path(
        "netzwerk/programme/<slug:slug>/koordination/",
        staff_views.coordinator_grant_view,
        name="staff_coordinator_grant",
    ),
    path(
        "netzwerk/programme/<slug:slug>/koordination/<int:pk>/entziehen/",
        staff_views.coordinator_revoke_view,
        name="staff_coordinator_revoke",
    ),
    path(
        "netzwerk/programme/<slug:slug>/einladen/",
        staff_views.invitation_create_view,
        name="staff_invitation_create",
    ),
    path(
        "netzwerk/einladungen/", staff_views.InvitationListView.as_view(), name="staff_invitations"
    ),
    path(
        "netzwerk/einladungen/<int:pk>/widerrufen/",
        staff_views.invitation_revoke_view,
        name="staff_invitation_revoke",
    ),
    # The link of a coordinator invitation (programs/invitations.py).
    path(
        "einladung/<str:token>/",
        invitation_views.invitation_accept_view,
        name="invitation_accept",
    ),
]

from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("mein-bereich/meine-daten/", views.MyDataView.as_view(), name="my_data"),
    path(
        "mein-bereich/meine-daten/export.zip",
        views.my_data_export_view,
        name="my_data_export",
    ),
    path("mein-bereich/konto-loeschen/", views.AccountDeleteView.as_view(), name="account_delete"),
    path("mein-bereich/einwilligungen/", views.ConsentListView.as_view(), name="consents"),
    path(
        "mein-bereich/einwilligungen/<int:pk>/widerrufen/",
        views.consent_withdraw_view,
        name="consent_withdraw",
    ),
    path(
        "koordination/mentees/<int:pk>/export.zip",
        views.MenteeExportView.as_view(),
        name="mentee_export",
    ),
    path(
        "koordination/mentees/<int:pk>/loeschen/",
        views.MenteeEraseView.as_view(),
        name="mentee_erase",
    ),
    path(
        "koordination/einwilligungen/<int:pk>/widerrufen/",
        views.mentee_consent_withdraw_view,
        name="mentee_consent_withdraw",
    ),
    path(
        "koordination/programme/<slug:slug>/aufbewahrung/",
        views.RetentionView.as_view(),
        name="retention",
    ),
]

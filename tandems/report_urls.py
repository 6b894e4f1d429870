from django.urls import path

from . import report_views

urlpatterns = [
    path(
        "koordination/programme/<slug:slug>/bericht/",
        report_views.ProgramReportView.as_view(),
        name="report",
    ),
    path(
        "koordination/programme/<slug:slug>/bericht.csv",
        report_views.ProgramReportCsvView.as_view(),
        name="report_csv",
    ),
    path(
        "koordination/netzwerk/bericht/",
        report_views.NetworkReportView.as_view(),
        name="network_report",
    ),
    path(
        "koordination/netzwerk/bericht.csv",
        report_views.NetworkReportCsvView.as_view(),
        name="network_report_csv",
    ),
]

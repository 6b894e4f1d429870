from django.urls import path

from . import dashboard_views as views

urlpatterns = [
    path(
        "koordination/programme/<slug:slug>/tandems/",
        views.ActionListView.as_view(),
        name="coordination_tandem_list",
    ),
    path(
        "koordination/programme/<slug:slug>/tandems.csv",
        views.ActionListCsvView.as_view(),
        name="coordination_tandem_list_csv",
    ),
    path(
        "koordination/programme/<slug:slug>/handlungsbedarf/<slug:kind>/",
        views.ActionListView.as_view(),
        name="coordination_action_list",
    ),
    path(
        "koordination/programme/<slug:slug>/handlungsbedarf/<slug:kind>.csv",
        views.ActionListCsvView.as_view(),
        name="coordination_action_list_csv",
    ),
]

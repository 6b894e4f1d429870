from django.urls import path

from . import views

app_name = "programs"

urlpatterns = [
    path("programme/", views.ProgramListView.as_view(), name="list"),
    path("programme/<slug:slug>/", views.ProgramDetailView.as_view(), name="detail"),
    path("karte/", views.MapView.as_view(), name="map"),
]

from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path(
        "koordination/programme/<slug:slug>/protokoll/",
        views.ProgramTrailView.as_view(),
        name="program_trail",
    ),
]

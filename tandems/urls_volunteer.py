from django.urls import path

from . import views

app_name = "volunteering"

urlpatterns = [
    path("programme/<slug:slug>/bewerben/", views.ApplyView.as_view(), name="apply"),
    path(
        "mein-bereich/bewerbungen/<int:pk>/zurueckziehen/",
        views.application_withdraw_view,
        name="withdraw",
    ),
]

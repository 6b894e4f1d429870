from django.urls import path

from . import views

app_name = "network"

urlpatterns = [
    path("netzwerk/", views.NetworkHomeView.as_view(), name="home"),
]

from django.urls import path

from . import views

app_name = "network"

urlpatterns = [
    path("netzwerk/", views.NetworkHomeView.as_view(), name="home"),
    path("netzwerk/stil/", views.StyleGuideView.as_view(), name="style"),
]

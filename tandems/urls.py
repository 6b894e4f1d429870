from django.urls import path

from . import views

app_name = "tandems"

urlpatterns = [
    path("mein-bereich/", views.MyAreaView.as_view(), name="my_area"),
    path("koordination/", views.CoordinationView.as_view(), name="coordination"),
]

from django.urls import path

from . import views

urlpatterns = [
    path("veranstaltungen/", views.CalendarView.as_view(), name="calendar"),
]

from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("veranstaltungen/", views.CalendarView.as_view(), name="calendar"),
]

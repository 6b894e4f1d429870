from django.urls import path

from . import views

urlpatterns = [
    path("veranstaltungen/", views.CalendarView.as_view(), name="calendar"),
    path("veranstaltungen/archiv/", views.ArchiveView.as_view(), name="archive"),
    path("veranstaltungen/<int:year>/<int:month>/", views.CalendarView.as_view(), name="month"),
]

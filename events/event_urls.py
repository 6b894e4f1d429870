from django.urls import path

from . import detail_views

# kalender.ics before <slug>.ics, which would take it; the services refuse "kalender" as a slug.
urlpatterns = [
    path("veranstaltungen/kalender.ics", detail_views.events_feed, name="feed"),
    path("veranstaltungen/<slug:slug>.ics", detail_views.event_ics, name="ics"),
    path("veranstaltungen/<slug:slug>/", detail_views.EventDetailView.as_view(), name="detail"),
]

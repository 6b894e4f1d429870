from django.urls import path

from . import moderation_views as views

# Fixed paths (neu/, pruefung/) before the event's own: they are one level deep, the event's
# paths two, so a slug never takes them.
urlpatterns = [
    path(
        "koordination/veranstaltungen/",
        views.CoordinationEventListView.as_view(),
        name="coordination_events",
    ),
    path(
        "koordination/veranstaltungen/neu/",
        views.EventCreateView.as_view(),
        name="event_create",
    ),
    path(
        "koordination/veranstaltungen/pruefung/",
        views.EventReviewQueueView.as_view(),
        name="event_review_queue",
    ),
    path(
        "koordination/veranstaltungen/<slug:slug>/bearbeiten/",
        views.EventEditView.as_view(),
        name="event_edit",
    ),
    path(
        "koordination/veranstaltungen/<slug:slug>/einreichen/",
        views.event_submit_view,
        name="event_submit",
    ),
    path(
        "koordination/veranstaltungen/<slug:slug>/absagen/",
        views.event_cancel_view,
        name="event_cancel",
    ),
    path(
        "koordination/veranstaltungen/<slug:slug>/veroeffentlichen/",
        views.event_publish_view,
        name="event_publish",
    ),
    path(
        "koordination/veranstaltungen/<slug:slug>/zurueckweisen/",
        views.event_reject_view,
        name="event_reject",
    ),
]

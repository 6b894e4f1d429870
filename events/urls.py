"""The paths of events: calendar, registration, moderation, the event pages (in this order)."""

from django.urls import path
from django.views.generic import RedirectView

from .views import calendar, detail, moderation, registration

app_name = "events"

# The calendar's fixed paths (kalender.ics, <yyyy>/<mm>/) come before the event pages, whose
# slug would otherwise take them.
urlpatterns = [
    # --- The calendar
    path("veranstaltungen/", calendar.CalendarView.as_view(), name="calendar"),
    path("veranstaltungen/archiv/", calendar.ArchiveView.as_view(), name="archive"),
    path("veranstaltungen/<int:year>/<int:month>/", calendar.CalendarView.as_view(), name="month"),
    # --- Registering for an event
    path("veranstaltungen/abmelden/<str:token>/", registration.CancelView.as_view(), name="cancel"),
    path(
        "veranstaltungen/<slug:slug>/anmelden/",
        registration.RegistrationView.as_view(),
        name="register",
    ),
    # After the registration: an event whose slug is "bestaetigen" keeps its registration page.
    path(
        "veranstaltungen/bestaetigen/<str:token>/",
        registration.ConfirmView.as_view(),
        name="confirm",
    ),
    path(
        "koordination/veranstaltungen/<slug:slug>/teilnehmende/",
        registration.ParticipantsView.as_view(),
        name="participants",
    ),
    path(
        "koordination/veranstaltungen/<slug:slug>/teilnehmende.csv",
        registration.ParticipantsCsvView.as_view(),
        name="participants_csv",
    ),
    # --- Events proposed and reviewed
    # Fixed paths (neu/, pruefung/) before the event's own: they are one level deep, the event's
    # paths two, so a slug never takes them.
    path(
        "koordination/veranstaltungen/",
        moderation.CoordinationEventListView.as_view(),
        name="coordination_events",
    ),
    path(
        "koordination/veranstaltungen/neu/",
        moderation.EventCreateView.as_view(),
        name="event_create",
    ),
    # The network's review is in the staff area; its old address redirects permanently.
    path(
        "netzwerk/pruefung/veranstaltungen/",
        moderation.EventReviewQueueView.as_view(),
        name="event_review_queue",
    ),
    path(
        "koordination/veranstaltungen/pruefung/",
        RedirectView.as_view(
            pattern_name="events:event_review_queue", permanent=True, query_string=True
        ),
    ),
    path(
        "koordination/veranstaltungen/<slug:slug>/bearbeiten/",
        moderation.EventEditView.as_view(),
        name="event_edit",
    ),
    path(
        "koordination/veranstaltungen/<slug:slug>/einreichen/",
        moderation.event_submit_view,
        name="event_submit",
    ),
    path(
        "koordination/veranstaltungen/<slug:slug>/absagen/",
        moderation.event_cancel_view,
        name="event_cancel",
    ),
    path(
        "koordination/veranstaltungen/<slug:slug>/veroeffentlichen/",
        moderation.event_publish_view,
        name="event_publish",
    ),
    path(
        "koordination/veranstaltungen/<slug:slug>/zurueckweisen/",
        moderation.event_reject_view,
        name="event_reject",
    ),
    # --- The event pages and feeds
    # kalender.ics before <slug>.ics, which would take it; the services refuse "kalender" as a slug.
    path("veranstaltungen/kalender.ics", detail.events_feed, name="feed"),
    path("veranstaltungen/<slug:slug>.ics", detail.event_ics, name="ics"),
    path("veranstaltungen/<slug:slug>/", detail.EventDetailView.as_view(), name="detail"),
]

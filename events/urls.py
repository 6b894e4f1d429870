from . import calendar_urls, event_urls, moderation_urls, registration_urls

app_name = "events"

# The calendar's fixed paths (kalender.ics, <yyyy>/<mm>/) come before the event pages, whose
# slug would otherwise take them.
urlpatterns = (
    calendar_urls.urlpatterns
    + registration_urls.urlpatterns
    + moderation_urls.urlpatterns
    + event_urls.urlpatterns
)

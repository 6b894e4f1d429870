"""The mentor's screens under /mein-bereich/ (the overview itself is tandems.views.MyAreaView)."""

from django.urls import path

from . import mentor_views as mentor

urlpatterns = [
    path(
        "mein-bereich/tandems/<int:pk>/",
        mentor.MentorTandemView.as_view(),
        name="mentor_tandem",
    ),
    path(
        "mein-bereich/tandems/<int:pk>/treffen/eintragen/",
        mentor.MeetingLogView.as_view(),
        name="mentor_meeting_log_new",
    ),
    path(
        "mein-bereich/treffen/<int:pk>/eintragen/",
        mentor.MeetingLogView.as_view(planned=True),
        name="mentor_meeting_log",
    ),
    path(
        "mein-bereich/tandems/<int:pk>/treffen/planen/",
        mentor.MeetingPlanView.as_view(),
        name="mentor_meeting_plan",
    ),
    path(
        "mein-bereich/treffen/<int:pk>/absagen/",
        mentor.meeting_cancel_view,
        name="mentor_meeting_cancel",
    ),
    path(
        "mein-bereich/treffen/<int:pk>.ics",
        mentor.meeting_ics_view,
        name="mentor_meeting_ics",
    ),
    path(
        "mein-bereich/kalender/erneuern/",
        mentor.feed_renew_view,
        name="mentor_feed_renew",
    ),
    path(
        "mein-bereich/kalender/abschalten/",
        mentor.feed_revoke_view,
        name="mentor_feed_revoke",
    ),
    path(
        "mein-bereich/kalender/<str:token>.ics",
        mentor.feed_view,
        name="mentor_feed",
    ),
    path(
        "mein-bereich/tandems/<int:pk>/ziele/",
        mentor.goal_add_view,
        name="mentor_goal_add",
    ),
    path(
        "mein-bereich/ziele/<int:pk>/",
        mentor.goal_progress_view,
        name="mentor_goal_progress",
    ),
    path(
        "mein-bereich/checkins/<int:pk>/",
        mentor.CheckInView.as_view(),
        name="mentor_checkin",
    ),
]

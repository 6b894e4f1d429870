from django.urls import path

from . import tandem_views as views

urlpatterns = [
    path(
        "koordination/tandems/<int:pk>/",
        views.TandemDetailView.as_view(),
        name="coordination_tandem",
    ),
    path(
        "koordination/tandems/<int:pk>/starten/",
        views.TandemStartView.as_view(),
        name="coordination_tandem_start",
    ),
    path(
        "koordination/tandems/<int:pk>/status/",
        views.tandem_status_view,
        name="coordination_tandem_status",
    ),
    path(
        "koordination/tandems/<int:pk>/beenden/",
        views.TandemEndView.as_view(),
        name="coordination_tandem_end",
    ),
    path(
        "koordination/tandems/<int:pk>/ziele/",
        views.goal_add_view,
        name="coordination_goal_add",
    ),
    path(
        "koordination/ziele/<int:pk>/",
        views.goal_progress_view,
        name="coordination_goal_progress",
    ),
    path(
        "koordination/checkins/<int:pk>/",
        views.CheckInAnswerView.as_view(),
        name="coordination_checkin",
    ),
]

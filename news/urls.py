from django.urls import path

from . import feeds, staff_views, views

app_name = "news"

# feed/ before <slug>/, which would take it; the services refuse "feed" as a slug.
urlpatterns = [
    path("aktuelles/", views.NewsListView.as_view(), name="list"),
    path("aktuelles/feed/", feeds.NewsFeed(), name="feed"),
    path("aktuelles/<slug:slug>/", views.NewsDetailView.as_view(), name="detail"),
    path(
        "koordination/meldungen/",
        views.CoordinationNewsListView.as_view(),
        name="coordination_list",
    ),
    path("koordination/meldungen/neu/", views.NewsProposeView.as_view(), name="propose"),
    # The network staff's pages (news/staff_views.py).
    path("netzwerk/meldungen/", staff_views.StaffNewsListView.as_view(), name="staff_list"),
    path("netzwerk/meldungen/neu/", staff_views.StaffNewsCreateView.as_view(), name="staff_create"),
    path(
        "netzwerk/meldungen/<int:pk>/bearbeiten/",
        staff_views.StaffNewsEditView.as_view(),
        name="staff_edit",
    ),
    path(
        "netzwerk/meldungen/<int:pk>/vorschau/",
        staff_views.StaffNewsPreviewView.as_view(),
        name="staff_preview",
    ),
    path(
        "netzwerk/meldungen/<int:pk>/veroeffentlichen/",
        staff_views.StaffNewsStatusView.as_view(),
        {"action": "veroeffentlichen"},
        name="staff_publish",
    ),
    path(
        "netzwerk/meldungen/<int:pk>/loeschen/",
        staff_views.StaffNewsDeleteView.as_view(),
        name="staff_delete",
    ),
    path(
        "netzwerk/meldungen/<int:pk>/offline/",
        staff_views.StaffNewsStatusView.as_view(),
        {"action": "offline"},
        name="staff_unpublish",
    ),
    path(
        "koordination/meldungen/<slug:slug>/bearbeiten/",
        views.NewsReviseView.as_view(),
        name="revise",
    ),
    path("netzwerk/pruefung/meldungen/", views.NewsReviewQueueView.as_view(), name="review_queue"),
    path(
        "netzwerk/pruefung/meldungen/<slug:slug>/<slug:decision>/",
        views.news_review_view,
        name="review_item",
    ),
]

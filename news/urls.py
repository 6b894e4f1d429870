from django.urls import path

from . import feeds, views

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

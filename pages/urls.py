from django.urls import path

from . import views

app_name = "pages"

# Any single-segment address no other app took: an editorial page if staff have published one
# there (mentoring/urls.py includes this app last), else 404.
urlpatterns = [
    path("<slug:slug>/", views.EditorialPageView.as_view(), name="page"),
]

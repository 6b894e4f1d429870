from django.urls import path  # noqa: F401 (filled in by this part)

app_name = "news"

urlpatterns = []

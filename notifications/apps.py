from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("notifications")

    def ready(self):
        # Every app's notifications.py registers its kinds (notifications/registry.py).
        autodiscover_modules("notifications")

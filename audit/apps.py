from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit trail")

    def ready(self):
        # The one place where models are put under audit: see audit/registry.py.
        from . import middleware, registry

        registry.register_all()
        middleware.connect()

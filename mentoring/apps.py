from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class MentoringConfig(AppConfig):
    default = True
    name = "mentoring"
    verbose_name = _("Mentoring-Portal")


class OperatorAdminConfig(admin_apps.AdminConfig):
    """Django's admin with the operators' site (mentoring/admin_site.py) as admin.site."""

    default = False
    default_site = "mentoring.admin_site.OperatorAdminSite"

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from . import style
from .sections import sections_with_counts


class NetworkHomeView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """Where network staff land after signing in: their sections, with what waits for action."""

    template_name = "network/home.html"
    permission_required = "network.access"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "sections": sections_with_counts()}


class StyleGuideView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """The living style page: every design token with its contrast, and every component."""

    template_name = "network/style.html"
    permission_required = "network.access"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **style.context()}

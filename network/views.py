from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from core.figures import tile_row
from tandems.dashboard import network_tiles
from tandems.selectors import network_counts

from . import style
from .sections import section_tiles, sections_with_counts


class NetworkHomeView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """Where network staff land after signing in: what waits for action as figure tiles, the
    network's anonymous figures (how many, never who), and their sections."""

    template_name = "network/home.html"
    permission_required = "network.access"

    def get_context_data(self, **kwargs):
        sections = sections_with_counts()
        return {
            **super().get_context_data(**kwargs),
            "sections": sections,
            "waiting": tile_row(section_tiles(sections)),
            "figures": tile_row(network_tiles(network_counts())),
        }


class StyleGuideView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """The living style page: every design token with its contrast, and every component."""

    template_name = "network/style.html"
    permission_required = "network.access"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **style.context()}

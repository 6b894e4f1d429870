from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.views.generic import TemplateView

from programs.selectors import programs_coordinated_by


class MyAreaView(LoginRequiredMixin, TemplateView):
    template_name = "tandems/my_area.html"


class CoordinationView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    template_name = "tandems/coordination.html"
    permission_required = "programs.access_coordination"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["programs"] = programs_coordinated_by(user=self.request.user)
        return context

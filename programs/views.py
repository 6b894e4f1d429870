from django.views.generic import DetailView, ListView, TemplateView

from .selectors import program_list_public


class ProgramListView(ListView):
    template_name = "programs/program_list.html"
    paginate_by = 20

    def get_queryset(self):
        return program_list_public()


class ProgramDetailView(DetailView):
    template_name = "programs/program_detail.html"

    def get_queryset(self):
        return program_list_public()


class MapView(TemplateView):
    template_name = "programs/map.html"

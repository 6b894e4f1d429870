"""The coordinators' people search across their programs (/koordination/suche/)."""

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.views.generic import TemplateView

from audit import services as audit_services
from tandems.forms.search import PeopleSearchForm
from tandems.search import RESULTS_PER_GROUP, people_search


class PeopleSearchView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    template_name = "tandems/coordination/search.html"
    permission_required = "programs.access_coordination"
    audit_detail = "suche"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        asked = "q" in self.request.GET
        form = PeopleSearchForm(self.request.GET if asked else None)
        groups = None
        if asked and form.is_valid():
            groups = people_search(user=self.request.user, query=form.cleaned_data["q"])
        context.update(
            form=form,
            groups=groups,
            found=sum(group.total for group in groups) if groups else 0,
            per_group=RESULTS_PER_GROUP,
        )
        return context

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        self._audit(response.context_data.get("groups") or [])
        return response

    def _audit(self, groups) -> None:
        """One "viewed" entry per program whose people the page shows (never the search text,
        which may itself be personal data)."""
        programs = {}
        for group in groups:
            for row in group.rows:
                programs.setdefault(row.program.pk, row.program)
        for program in programs.values():
            audit_services.audit_record(
                actor=self.request.user,
                action=audit_services.VIEWED,
                program=program,
                detail=self.audit_detail,
            )

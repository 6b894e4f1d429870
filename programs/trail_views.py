"""A program's audit trail for its coordinators (the records themselves are kept by audit/)."""

from django.conf import settings
from django.core.paginator import Paginator
from django.views.generic import TemplateView

from audit import selectors

from .permissions import ProgramPeopleMixin

PAGE_SIZE = 50


class ProgramTrailView(ProgramPeopleMixin, TemplateView):
    """A program's audit trail for its coordinators: who did what with which record, and when."""

    template_name = "audit/program_trail.html"
    permission_required = "audit.view_program_trail"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset, entries = selectors.program_trail(program=self.program, data=self.request.GET)
        # A page number out of range or not a number shows the nearest page, never an error.
        page = Paginator(entries, PAGE_SIZE).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            form=filterset.form,
            page_obj=page,
            rows=selectors.trail_rows(page.object_list),
            query_string=query.urlencode(),
            filtered=any(query.values()),
            retention_days=settings.AUDIT_RETENTION_DAYS,
        )
        return context

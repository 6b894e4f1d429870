from django.http import Http404
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language
from django.views.generic import TemplateView

from . import selectors
from .models import CONTACT_SLUG


class PartnersInFooterMixin:
    """Shows the funders and partners in the footer (one query, made only when it is rendered).

    Pages opt in: most of the portal's pages need no query at all, and should stay that way.
    """

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["footer_partners"] = SimpleLazyObject(selectors.footer_partners)
        return context


class EditorialPageView(PartnersInFooterMixin, TemplateView):
    template_name = "pages/page.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = selectors.editorial_page(slug=self.kwargs["slug"], language=get_language())
        if page is None:
            raise Http404
        context["page"] = page
        if page.slug == CONTACT_SLUG:
            context["contact_people"] = selectors.contact_people()
        return context

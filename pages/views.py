"""The site's own pages: home, editorial pages, legal texts, the source page."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.flatpages.models import FlatPage
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.utils.decorators import method_decorator
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from core import markdown
from news import selectors as news_selectors
from programs.cache import cache_public_page

from . import selectors
from .models import CONTACT_SLUG
from .source import running_version


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


# Anonymous visitors get the home page from the cache: rendering it was four fifths of its cost
# (bench/programs.py: 20% of the trivial view uncached). Its one piece of data, the latest news,
# is part of the cache key.
@method_decorator(cache_public_page(version=news_selectors.latest_news_version), name="dispatch")
class HomeView(TemplateView):
    template_name = "mentoring/home.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "latest_news": news_selectors.latest_news()}


class LegalPageView(PartnersInFooterMixin, TemplateView):
    """A legal page: the staff's text for this language if there is one, else the default text.

    Staff edit the texts as flat pages under /netzwerk/seiten/ (`/impressum/`, `/en/impressum/`),
    like the editorial pages (pages app); a legal page is never unpublished.
    """

    page = ""
    titles = {
        "impressum": _("Legal notice"),
        "datenschutz": _("Privacy policy"),
        "barrierefreiheit": _("Accessibility statement"),
    }

    def get_template_names(self):
        # The privacy policy and the accessibility statement are long legal texts: one template
        # per language (German is the binding one), not hundreds of msgids. The legal notice
        # is short and keeps its translated strings.
        return [
            f"mentoring/legal/{self.page}_{get_language()}.html",
            f"mentoring/legal/{self.page}.html",
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["custom_page"] = (
            FlatPage.objects.filter(url=self.request.path, sites=settings.SITE_ID)
            .only("title", "content")
            .first()
        )
        if context["custom_page"] is not None:
            # Markdown or HTML as staff wrote it, sanitised like every staff text.
            context["custom_body"] = markdown.render(context["custom_page"].content)
        context["default_title"] = self.titles[self.page]
        context["operator"] = settings.OPERATOR
        # The privacy policy names the one outside server a visitor's browser may contact.
        context["map_tile_host"] = urlsplit(settings.MAP_TILE_URL).hostname or ""
        context["confirm_hours"] = settings.REGISTRATION_CONFIRM_HOURS
        # The periods an operator may set: the policy states the ones in force.
        context["message_retention_months"] = settings.PROGRAM_MESSAGE_RETENTION_MONTHS
        context["todo_retention_months"] = settings.TODO_RETENTION_MONTHS
        return context


def trivial(request):
    return HttpResponse(b"ok", content_type="text/plain")


def favicon(request):
    # Resolved per request: the hashed name exists only after collectstatic.
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


class SourceView(TemplateView):
    """How to obtain the source code of the portal running here (AGPL-3.0 § 13): the footer's link
    where no public repository is set in SOURCE_URL, and the licence and version for everyone."""

    template_name = "mentoring/source.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            **running_version(),
            "repository": settings.SOURCE_URL,
            "operator": settings.OPERATOR,
        }

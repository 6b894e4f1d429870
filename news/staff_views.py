"""The network staff's pages for the news, in place of the admin: the list of all items (every
status), writing and changing them, a preview of what the public page will show, and taking
an item online or offline. Network staff and operators only; everybody else signed in gets 403.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST
from django.views.generic import CreateView, DeleteView, DetailView, ListView, UpdateView
from rules.contrib.views import PermissionRequiredMixin

from core.actions import run_action
from core.sorting import Sorting

from . import services
from .forms import NewsItemForm
from .models import NewsItem
from .views import NearestPageMixin

PAGE_SIZE = 50
SEARCH_MAX_LENGTH = 100
# The staff's news list by its column headers; by default the newest first.
NEWS_SORTING = Sorting(
    columns={"title": ("title",), "date": ("published_on",), "status": ("status", "-published_on")},
    default="-date",
)


class StaffMixin(LoginRequiredMixin, PermissionRequiredMixin):
    permission_required = "news.moderate_items"


class StaffNewsListView(StaffMixin, NearestPageMixin, ListView):
    template_name = "news/staff/newsitem_list.html"
    context_object_name = "items"
    paginate_by = PAGE_SIZE

    def get(self, request, *args, **kwargs):
        status = request.GET.get("status", "")
        self.status = status if status in NewsItem.Status.values else ""
        self.query = " ".join(request.GET.get("q", "").replace("\x00", "").split())
        self.query = self.query[:SEARCH_MAX_LENGTH]
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        items = NEWS_SORTING.apply(
            NewsItem.objects.select_related("organization"), self.request.GET
        )
        if self.status:
            items = items.filter(status=self.status)
        if self.query:
            items = items.filter(
                Q(title__icontains=self.query)
                | Q(teaser__icontains=self.query)
                | Q(slug__icontains=self.query)
                | Q(organization__name__icontains=self.query)
            )
        return items

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = {k: v for k, v in (("status", self.status), ("q", self.query)) if v}
        sort = NEWS_SORTING.bind(self.request.GET)
        context.update(
            sort=sort,
            statuses=NewsItem.Status.choices,
            status=self.status,
            query=self.query,
            filtered=bool(params),
            query_string=urlencode({**params, "sort": sort.current}),
        )
        return context


class NewsItemFormMixin(StaffMixin):
    form_class = NewsItemForm
    template_name = "news/staff/newsitem_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        try:
            item = form.save()
        except ValidationError:
            return self.form_invalid(form)
        if self.request.POST.get("action") == "publish" and not item.is_public:
            item = services.news_item_publish(item=item, by=self.request.user)
            messages.success(self.request, _("The news item has been saved and published."))
        else:
            messages.success(self.request, _("The news item has been saved."))
        return redirect("news:staff_edit", pk=item.pk)


class StaffNewsCreateView(NewsItemFormMixin, CreateView):
    pass


class StaffNewsEditView(NewsItemFormMixin, UpdateView):
    model = NewsItem


class StaffNewsPreviewView(StaffMixin, DetailView):
    """The item as its public page will show it, whatever its status."""

    template_name = "news/staff/newsitem_preview.html"
    context_object_name = "item"

    def get_queryset(self):
        return NewsItem.objects.select_related("organization")


@method_decorator(require_POST, name="dispatch")
class StaffNewsStatusView(StaffMixin, View):
    """Publish an item or take it offline; back to where the button was."""

    def post(self, request, pk, action):
        item = get_object_or_404(NewsItem, pk=pk)
        if action == "veroeffentlichen":
            run_action(
                request,
                lambda: services.news_item_publish(item=item, by=request.user),
                success=_("“%(title)s” has been published.") % {"title": item.title},
            )
        else:
            run_action(
                request,
                lambda: services.news_item_unpublish(item=item, by=request.user),
                success=_("“%(title)s” has been taken offline.") % {"title": item.title},
            )
        if request.POST.get("next") == "list":
            return redirect("news:staff_list")
        return redirect("news:staff_edit", pk=item.pk)


class StaffNewsDeleteView(StaffMixin, DeleteView):
    """Asks first (GET), deletes on POST; taking an item offline keeps it."""

    model = NewsItem
    template_name = "includes/staff_confirm_delete.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "list_url": "news:staff_list"}

    def form_valid(self, form):
        title = self.object.title
        services.news_item_delete(item=self.object)
        messages.success(self.request, _("“%(name)s” has been deleted.") % {"name": title})
        return redirect("news:staff_list")

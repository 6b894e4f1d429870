"""The public news pages and the coordinators' proposals. Drafts and items in review answer
404 to everyone on the public pages; staff see them under /netzwerk/meldungen/."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, FormView, ListView
from rules.contrib.views import PermissionRequiredMixin

from core.actions import run_action

from . import selectors, services
from .forms import NewsProposalForm, SendBackForm
from .models import NewsItem

PAGE_SIZE = 10


class NearestPageMixin:
    """A page number out of range or not a number shows the nearest page, never an error."""

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()


class NewsListView(NearestPageMixin, ListView):
    template_name = "news/newsitem_list.html"
    context_object_name = "items"
    paginate_by = PAGE_SIZE

    def get(self, request, *args, **kwargs):
        self.tags = selectors.news_tags()
        self.tag_slug = request.GET.get("thema", "").strip()
        self.tag = next((tag for tag in self.tags if tag.slug == self.tag_slug), None)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if self.tag_slug and self.tag is None:
            return selectors.public_news().none()
        return selectors.news_with_tag(self.tag)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            tags=self.tags,
            current_tag=self.tag,
            unknown_tag=bool(self.tag_slug) and self.tag is None,
            query_string=f"thema={self.tag.slug}" if self.tag else "",
        )
        return context


class NewsDetailView(DetailView):
    template_name = "news/newsitem_detail.html"
    context_object_name = "item"

    def get_object(self, queryset=None):
        item = selectors.news_item_public(slug=self.kwargs["slug"])
        if item is None:
            raise Http404
        return item


class CoordinationAccessMixin(LoginRequiredMixin, PermissionRequiredMixin):
    permission_required = "programs.access_coordination"


class CoordinationNewsListView(CoordinationAccessMixin, NearestPageMixin, ListView):
    template_name = "news/coordination/newsitem_list.html"
    context_object_name = "items"
    paginate_by = 50

    def get_queryset(self):
        return selectors.news_of_coordinator(user=self.request.user)


class NewsProposeView(CoordinationAccessMixin, FormView):
    template_name = "news/coordination/newsitem_form.html"
    form_class = NewsProposalForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        try:
            form.save()
        except ValidationError:
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Thank you! The network staff will review your item before it is published."),
        )
        return redirect("news:coordination_list")


class NewsReviseView(CoordinationAccessMixin, FormView):
    """The proposer changes their unpublished item (sent back, or still waiting) and submits it
    again. Anyone else's item, and a published one, answers 404."""

    template_name = "news/coordination/newsitem_form.html"
    form_class = NewsProposalForm

    @cached_property
    def item(self) -> NewsItem:
        return get_object_or_404(
            NewsItem.objects.exclude(status=NewsItem.Status.PUBLISHED),
            slug=self.kwargs["slug"],
            created_by=self.request.user,
        )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        item = self.item
        return {
            "title": item.title,
            "teaser": item.teaser,
            "body": item.body,
            "tags": list(item.tags.all()),
            "program": item.programs.first(),
        }

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "item": self.item}

    def form_valid(self, form):
        try:
            form.save(item=self.item)
        except ValidationError:
            return self.form_invalid(form)
        messages.success(
            self.request, _("Thank you! The changed item is waiting for the network's review.")
        )
        return redirect("news:coordination_list")


# --- Review by network staff ---------------------------------------------------------------


class NewsReviewQueueView(LoginRequiredMixin, PermissionRequiredMixin, NearestPageMixin, ListView):
    template_name = "news/review_queue.html"
    permission_required = "news.moderate_items"
    context_object_name = "items"
    paginate_by = 20

    def get_queryset(self):
        return (
            NewsItem.objects.filter(status=NewsItem.Status.REVIEW)
            .select_related("organization", "created_by")
            .prefetch_related("programs")
            .order_by("updated_at", "pk")
        )

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "reason_form": SendBackForm()}


@require_POST
def news_review_view(request, slug, decision):
    if not request.user.has_perm("news.moderate_items") or decision not in NEWS_DECISIONS:
        raise Http404
    item = get_object_or_404(NewsItem, slug=slug)
    action, success = NEWS_DECISIONS[decision]
    run_action(request, lambda: action(request, item), success=success)
    return redirect("news:review_queue")


def _publish(request, item):
    return services.news_item_publish(item=item, by=request.user)


def _send_back(request, item):
    form = SendBackForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return services.news_item_send_back(item=item, by=request.user, reason=reason)


NEWS_DECISIONS = {
    "veroeffentlichen": (_publish, gettext_lazy("The news item is published.")),
    "zurueckgeben": (
        _send_back,
        gettext_lazy("The news item has been sent back to its author with your reason."),
    ),
}

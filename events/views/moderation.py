"""Coordinators submit events of their programs and organisations; network staff review them.

An event the user may not change answers 404, as if it did not exist; the review queue answers
non-staff with 403, like the review queue of the program listings.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import CreateView, ListView, UpdateView
from rules.contrib.views import PermissionRequiredMixin

from core.actions import run_action
from core.sorting import Sorting
from events import selectors, services
from events.forms.event import EventForm, RejectForm
from events.models import Event
from events.occurrences import Occurrence

PAGE_SIZE = 50


def managed_events(*, user):
    """The events on a user's coordination list: those of their programs and organisations, and
    for staff also the network's own events."""
    events = selectors.events_organised_by(user=user)
    if user.is_staff:
        events = events | Event.objects.filter(
            program__isnull=True, organization__isnull=True
        ).select_related("event_type", "program", "organization")
    return events


def changeable_event(request, slug: str) -> Event:
    event = get_object_or_404(
        Event.objects.select_related("event_type", "program", "organization"), slug=slug
    )
    if not request.user.has_perm("events.edit_event", event):
        raise Http404
    return event


class CoordinationAccessMixin(LoginRequiredMixin, PermissionRequiredMixin):
    permission_required = "programs.access_coordination"


# The coordinators' event list by its column headers; by default the latest first.
EVENT_SORTING = Sorting(
    columns={"event": ("title",), "date": ("starts_at",), "status": ("status", "-starts_at")},
    default="-date",
)


class CoordinationEventListView(CoordinationAccessMixin, ListView):
    template_name = "events/coordination/event_list.html"
    context_object_name = "events"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return EVENT_SORTING.apply(managed_events(user=self.request.user), self.request.GET)

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sort = EVENT_SORTING.bind(self.request.GET)
        context.update(sort=sort, query_string=f"sort={sort.current}")
        if self.request.user.has_perm("events.moderate_events"):
            context["review_count"] = Event.objects.filter(status=Event.Status.REVIEW).count()
        return context


class EventFormMixin:
    form_class = EventForm
    template_name = "events/coordination/event_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        try:
            event = form.save()
        except ValidationError:
            return self.form_invalid(form)
        publish = self.request.POST.get("action") == "publish"
        unpublished = event.status in (Event.Status.DRAFT, Event.Status.REVIEW)
        if publish and unpublished and self.request.user.has_perm("events.moderate_events"):
            event = services.event_publish(event=event, by=self.request.user)
            messages.success(self.request, _("The event has been saved and published."))
        elif event.status == Event.Status.DRAFT:
            messages.success(
                self.request,
                _("The draft has been saved. Submit it for review when it is complete."),
            )
        elif event.status == Event.Status.REVIEW:
            messages.success(
                self.request,
                _(
                    "The changes have been saved. The network reviews them before the event "
                    "is shown again."
                ),
            )
        else:
            messages.success(self.request, _("The event has been saved."))
        return redirect("events:event_edit", slug=event.slug)


class EventCreateView(CoordinationAccessMixin, EventFormMixin, CreateView):
    pass


class EventEditView(LoginRequiredMixin, EventFormMixin, UpdateView):
    @cached_property
    def event(self) -> Event:
        return changeable_event(self.request, self.kwargs["slug"])

    def get_object(self, queryset=None):
        return self.event

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["event"] = self.event
        context["can_moderate"] = self.request.user.has_perm("events.moderate_events")
        context["can_see_participants"] = self.request.user.has_perm(
            "events.view_registrations", self.event
        )
        return context


def _organiser_action(request, slug: str, action, success: str):
    event = changeable_event(request, slug)
    run_action(request, lambda: action(event=event, by=request.user), success=success)
    return redirect("events:event_edit", slug=event.slug)


@require_POST
def event_submit_view(request, slug):
    return _organiser_action(
        request,
        slug,
        services.event_submit,
        _("The event has been submitted; the network staff will review it."),
    )


@require_POST
def event_cancel_view(request, slug):
    return _organiser_action(
        request,
        slug,
        services.event_cancel,
        _("The event has been cancelled. It stays in the calendar, marked as cancelled."),
    )


# --- Review by network staff ---------------------------------------------------------------


class EventReviewQueueView(LoginRequiredMixin, PermissionRequiredMixin, ListView):
    template_name = "events/coordination/review_queue.html"
    permission_required = "events.moderate_events"
    context_object_name = "events"
    paginate_by = 20

    def get_queryset(self):
        return (
            Event.objects.filter(status=Event.Status.REVIEW)
            .select_related("event_type", "program", "organization", "created_by")
            .prefetch_related("audiences")
            .order_by("updated_at", "pk")
        )

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for event in context["events"]:
            # The days an all-day event covers: it ends at the midnight after its last day.
            span = Occurrence(event, event.starts_at, event.ends_at)
            event.first_day, event.last_day = span.first_day, span.last_day
        return context


def _review_action(request, slug: str, action, success: str):
    if not request.user.has_perm("events.moderate_events"):
        raise Http404
    event = get_object_or_404(Event, slug=slug)
    run_action(request, lambda: action(event), success=success)
    if request.POST.get("back") == "edit":
        return redirect("events:event_edit", slug=event.slug)
    return redirect("events:event_review_queue")


@require_POST
def event_publish_view(request, slug):
    return _review_action(
        request,
        slug,
        lambda event: services.event_publish(event=event, by=request.user),
        _("The event is published."),
    )


@require_POST
def event_reject_view(request, slug):
    form = RejectForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _review_action(
        request,
        slug,
        lambda event: services.event_reject(event=event, by=request.user, reason=reason),
        _("The event has been sent back to its organiser with your reason."),
    )

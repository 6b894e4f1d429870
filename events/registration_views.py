"""Registration for an event without an account, cancelling through the signed link, and the
organisers' participant list (on screen and as CSV)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View
from rules.contrib.views import PermissionRequiredMixin

from audit import services as audit_services
from audit.mixins import AccessLogMixin
from mentoring.spreadsheet import csv_response

from . import registration_selectors as selectors
from . import services
from .mail import event_place, event_when
from .models import Event, Registration
from .registration_forms import REGISTRATION_PRIVACY_VERSION, RegistrationForm, add_service_errors
from .tokens import registration_pk_from_token

PAGE_SIZE = 100


def _event_facts(event: Event) -> dict:
    return {"event": event, "when": event_when(event), "place": event_place(event)}


# --- Registering -------------------------------------------------------------------------------


class RegistrationView(FormView):
    """Anyone may register for a public event with registration on the portal while it is open."""

    template_name = "events/registration_form.html"
    form_class = RegistrationForm

    @cached_property
    def event(self) -> Event:
        return get_object_or_404(
            Event.objects.published()
            .filter(registration=Event.Registration.PORTAL)
            .select_related("program", "organization"),
            slug=self.kwargs["slug"],
        )

    def closed_reason(self) -> str:
        if self.event.is_cancelled:
            return _("This event has been cancelled, so registration is closed.")
        if not self.event.registration_open:
            return _("Registration for this event is closed.")
        return ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event = self.event
        confirmed = event.registrations.filter(status=Registration.Status.CONFIRMED).count()
        context.update(
            _event_facts(event),
            closed=self.closed_reason(),
            full=event.capacity is not None and confirmed >= event.capacity,
            privacy_version=REGISTRATION_PRIVACY_VERSION,
        )
        return context

    def post(self, request, *args, **kwargs):
        if self.closed_reason():
            return self.render_to_response(self.get_context_data())
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            registration = services.registration_create(
                event=self.event,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                accessibility_needs=form.cleaned_data["accessibility_needs"],
                consent_version=REGISTRATION_PRIVACY_VERSION,
                language=translation.get_language(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        if registration.status == Registration.Status.WAITING:
            messages.success(
                self.request,
                _(
                    "All places are taken: you are on the waiting list, at position %(position)s. "
                    "When a place becomes free, it is yours and we will tell you by e-mail."
                )
                % {"position": selectors.waiting_position(registration)},
            )
        else:
            messages.success(
                self.request,
                _(
                    "You are registered, your place is confirmed. We have sent you an e-mail "
                    "with the details and a link to cancel."
                ),
            )
        return redirect(self.event.get_absolute_url())


# --- Cancelling --------------------------------------------------------------------------------


class CancelView(TemplateView):
    """The link from the e-mail. A GET only asks (mail scanners follow links); a POST cancels."""

    template_name = "events/registration_cancel.html"

    @cached_property
    def registration(self) -> Registration:
        pk = registration_pk_from_token(self.kwargs["token"])
        if pk is None:
            raise Http404
        return get_object_or_404(
            Registration.objects.select_related("event", "event__program", "event__organization"),
            pk=pk,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        registration = self.registration
        if registration.status == Registration.Status.CANCELLED:
            kwargs.setdefault("refusal", _("This registration has already been cancelled."))
        elif registration.event.starts_at <= timezone.now():
            kwargs.setdefault(
                "refusal", _("This event has already begun; it is too late to cancel.")
            )
        context.update(_event_facts(registration.event), registration=registration, **kwargs)
        return context

    def post(self, request, *args, **kwargs):
        try:
            services.registration_cancel(registration=self.registration)
        except ValidationError as error:
            return self.render_to_response(self.get_context_data(refusal=" ".join(error.messages)))
        return self.render_to_response(self.get_context_data(done=True, refusal=""))


# --- Participant list --------------------------------------------------------------------------


class OrganiserMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """The organisers of an event and network staff; other signed-in users get 404."""

    permission_required = "events.view_registrations"

    @cached_property
    def event(self) -> Event:
        return get_object_or_404(
            Event.objects.select_related("program", "organization"), slug=self.kwargs["slug"]
        )

    def get_permission_object(self):
        return self.event

    def handle_no_permission(self):
        if self.request.user.is_authenticated:
            raise Http404
        return super().handle_no_permission()


class ParticipantsView(AccessLogMixin, OrganiserMixin, TemplateView):
    template_name = "events/participants.html"
    audit_detail = "teilnehmende"

    def audit_object(self):
        return self.event

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event = self.event
        page = Paginator(selectors.participants(event=event), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        context.update(
            _event_facts(event),
            page_obj=page,
            counts=selectors.registration_counts(event=event),
        )
        return context


CSV_COLUMNS = (
    gettext_lazy("Name"),
    gettext_lazy("E-mail address"),
    gettext_lazy("Accessibility needs"),
    gettext_lazy("Status"),
    gettext_lazy("Registered at"),
)


class ParticipantsCsvView(AccessLogMixin, OrganiserMixin, View):
    audit_action = audit_services.EXPORTED
    audit_detail = "teilnehmende.csv"

    def audit_object(self):
        return self.event

    def get(self, request, *args, **kwargs):
        event = self.event
        filename = f"{event.slug}-{_('participants')}-{timezone.localdate().isoformat()}.csv"
        return csv_response(
            filename=filename,
            header=CSV_COLUMNS,
            rows=(
                [
                    registration.name,
                    registration.email,
                    registration.accessibility_needs,
                    registration.get_status_display(),
                    registration.created_at,
                ]
                for registration in selectors.participants(event=event).iterator(chunk_size=1000)
            ),
        )

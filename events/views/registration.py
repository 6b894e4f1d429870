"""Registration for an event without an account, its confirmation (double opt-in) and
cancelling through the signed links, and the organisers' participant list (on screen and as
CSV)."""

from http import HTTPStatus

from allauth.core import ratelimit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View
from rules.contrib.views import PermissionRequiredMixin

from audit import services as audit_services
from audit.mixins import AccessLogMixin
from core.spreadsheet import csv_response
from events import registration_selectors as selectors
from events import services
from events.forms.registration import (
    REGISTRATION_PRIVACY_VERSION,
    RegistrationForm,
    add_service_errors,
)
from events.mail import event_place, event_when
from events.models import Event, Registration
from events.tokens import confirm_token_fits, confirm_token_parts, registration_pk_from_token

PAGE_SIZE = 100


def _event_facts(event: Event) -> dict:
    return {"event": event, "when": event_when(event), "place": event_place(event)}


def _over_the_limit(request) -> bool:
    """allauth's count of registrations per IP address (ACCOUNT_RATE_LIMITS["event_registration"]).
    While Redis is down registrations go on uncounted (core/cache.py)."""
    return not ratelimit.consume(request, action="event_registration")


def _too_many(request, reason: str):
    return render(request, "429.html", {"reason": reason}, status=HTTPStatus.TOO_MANY_REQUESTS)


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
        confirmed = event.registrations.places_shown().count()
        context.update(
            _event_facts(event),
            closed=self.closed_reason(),
            full=event.capacity is not None and confirmed >= event.capacity,
            privacy_version=REGISTRATION_PRIVACY_VERSION,
            confirm_hours=settings.REGISTRATION_CONFIRM_HOURS,
        )
        return context

    def post(self, request, *args, **kwargs):
        if self.closed_reason():
            return self.render_to_response(self.get_context_data())
        if _over_the_limit(request):
            return _too_many(
                request,
                _("Too many registrations from your connection. Please try again in an hour."),
            )
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            services.registration_create(
                event=self.event,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                accessibility_needs=form.cleaned_data["accessibility_needs"],
                consent_version=REGISTRATION_PRIVACY_VERSION,
                language=translation.get_language(),
            )
        except services.TooManyUnconfirmed as error:
            return _too_many(self.request, " ".join(error.messages))
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        # The same answer whether the address was new, registered already or waiting for its
        # confirmation: only the mail to the address differs.
        messages.success(
            self.request,
            _(
                "Almost done: we have sent an e-mail to %(email)s. Please confirm your "
                "registration with the link in it within %(hours)s hours; until then we keep it "
                "for you."
            )
            % {
                "email": form.cleaned_data["email"].strip().lower(),
                "hours": settings.REGISTRATION_CONFIRM_HOURS,
            },
        )
        return redirect(self.event.get_absolute_url())


# --- Confirming --------------------------------------------------------------------------------


class ConfirmView(TemplateView):
    """The link of the request to confirm. A GET only shows the registration and asks (mail
    scanners follow links); a POST confirms it, or deletes it for who did not register."""

    template_name = "events/registration_confirm.html"

    @cached_property
    def registration(self) -> Registration | None:
        """None when the token is genuine but its registration is gone (expired, discarded)."""
        parts = confirm_token_parts(self.kwargs["token"])
        if parts is None:
            raise Http404
        pk, created = parts
        registration = (
            Registration.objects.select_related("event", "event__program", "event__organization")
            .filter(pk=pk)
            .first()
        )
        if registration is None or not confirm_token_fits(registration, created):
            return None
        return registration

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        registration = self.registration
        if registration is None:
            kwargs.setdefault(
                "refusal",
                _(
                    "This link is no longer valid: the registration was not confirmed in time, "
                    "or it was deleted. Please register again."
                ),
            )
        else:
            if "refusal" not in kwargs and not kwargs.get("done"):
                try:
                    services.registration_check_confirmable(registration=registration)
                except ValidationError as error:
                    kwargs["refusal"] = " ".join(error.messages)
            context.update(_event_facts(registration.event))
            context["position"] = selectors.waiting_position(registration)
        context.update(registration=registration, **kwargs)
        return context

    def post(self, request, *args, **kwargs):
        if self.registration is None:
            return self.render_to_response(self.get_context_data())
        discard = request.POST.get("action") == "discard"
        try:
            if discard:
                services.registration_discard(registration=self.registration)
            else:
                services.registration_confirm(registration=self.registration)
        except ValidationError as error:
            return self.render_to_response(self.get_context_data(refusal=" ".join(error.messages)))
        if discard:
            return self.render_to_response(self.get_context_data(done="discarded", refusal=""))
        self.registration.refresh_from_db()
        return self.render_to_response(self.get_context_data(done="confirmed", refusal=""))


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
    """The organisers of an event, and network staff for the network's own events (events/rules.py);
    other signed-in users get 404."""

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
        page = Paginator(
            selectors.participants(event=event, data=self.request.GET), PAGE_SIZE
        ).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            _event_facts(event),
            page_obj=page,
            query_string=query.urlencode(),
            sort=selectors.PARTICIPANT_SORTING.bind(self.request.GET),
            counts=selectors.registration_counts(event=event),
            confirm_hours=settings.REGISTRATION_CONFIRM_HOURS,
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
                    registration.get_state_display(),
                    registration.created_at,
                ]
                for registration in selectors.participants(event=event).iterator(chunk_size=1000)
            ),
        )

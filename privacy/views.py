"""The privacy self-service: a volunteer's data export, account deletion and consents; for
coordinators a mentee's export and erasure, the program's consents and retention periods.

Everything is looked up in querysets limited to the user's own records or to the programs they
coordinate: another person's id answers 404 and changes nothing.
"""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import FormView, TemplateView

from audit.services import EXPORTED, audit_record
from core.actions import run_action
from programs.permissions import CoordinatorPermissionMixin, ProgramPeopleMixin
from tandems import selectors as tandem_selectors
from tandems import services as tandem_services
from tandems.models import Application, ConsentRecord, Mentee, Tandem

from . import export, retention, services
from .forms import AccountDeleteForm, MenteeEraseForm, RetentionForm
from .registry import user_parts

PREVIEW_DAYS = 30


def _zip_response(content: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Personal data: no shared cache may keep it.
    response["Cache-Control"] = "private, no-store"
    return response


class MyDataView(LoginRequiredMixin, TemplateView):
    """What the portal stores about the signed-in person, section by section, and the export."""

    template_name = "privacy/my_data.html"

    def get_context_data(self, **kwargs):
        sections = export.sections(user_parts(confidential=False), self.request.user)
        return {
            **super().get_context_data(**kwargs),
            "sections": [section for section in sections if section.rows],
        }


@require_GET
@login_required
def my_data_export_view(request):
    stamp = timezone.localdate().isoformat()
    content = export.user_export(user=request.user)
    audit_record(actor=request.user, action=EXPORTED, obj=request.user, detail="meine-daten")
    return _zip_response(content, filename=f"meine-daten-{stamp}.zip")


class AccountDeleteView(LoginRequiredMixin, FormView):
    template_name = "privacy/account_delete.html"
    form_class = AccountDeleteForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        user = self.request.user
        return {
            **super().get_context_data(**kwargs),
            "open_applications": Application.objects.open()
            .filter(volunteer=user)
            .select_related("program"),
            "running_tandems": Tandem.objects.current()
            .filter(mentor=user)
            .select_related("program", "mentee"),
            # Network staff keep the portal running: another staff member removes the account.
            "refused": user.is_staff or user.is_superuser,
        }

    def form_valid(self, form):
        user = self.request.user
        if user.is_staff or user.is_superuser:
            form.add_error(None, _("Staff accounts are removed by another staff member."))
            return self.form_invalid(form)
        services.volunteer_erase(user=user)
        logout(self.request)
        messages.success(
            self.request, _("Your account and your personal data have been deleted. Goodbye!")
        )
        return redirect("home")


class ConsentListView(LoginRequiredMixin, TemplateView):
    template_name = "privacy/consents.html"

    def get_context_data(self, **kwargs):
        consents = ConsentRecord.objects.filter(user=self.request.user).select_related("program")
        return {**super().get_context_data(**kwargs), "consents": consents.order_by("-given_at")}


@require_POST
@login_required
def consent_withdraw_view(request, pk):
    consent = get_object_or_404(ConsentRecord, pk=pk, user=request.user)
    run_action(
        request,
        lambda: services.consent_withdraw(consent=consent, by=request.user),
        success=_("Your consent has been withdrawn."),
    )
    return redirect("privacy:consents")


# --- Coordinators ---------------------------------------------------------------------------


class MenteeMixin(CoordinatorPermissionMixin):
    permission_required = "tandems.change_mentee"

    @cached_property
    def mentee(self) -> Mentee:
        return get_object_or_404(
            tandem_selectors.mentees_of_coordinator(user=self.request.user), pk=self.kwargs["pk"]
        )

    def get_permission_object(self):
        return self.mentee


class MenteeExportView(MenteeMixin, TemplateView):
    def get(self, request, *args, **kwargs):
        stamp = timezone.localdate().isoformat()
        content = export.mentee_export(mentee=self.mentee)
        audit_record(actor=request.user, action=EXPORTED, obj=self.mentee, detail="export.zip")
        return _zip_response(content, filename=f"mentee-{self.mentee.pk}-{stamp}.zip")


class MenteeEraseView(MenteeMixin, FormView):
    template_name = "privacy/mentee_erase.html"
    form_class = MenteeEraseForm

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "mentee": self.mentee,
            "running_tandems": self.mentee.tandems.current().select_related("mentor"),
        }

    def form_valid(self, form):
        try:
            services.mentee_erase(mentee=self.mentee, by=self.request.user)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The mentee's personal data has been erased."))
        return redirect("tandems:coordination_mentees", slug=self.mentee.program.slug)


@require_POST
@login_required
def mentee_consent_withdraw_view(request, pk):
    """A mentee's or guardian's consent withdrawn by the coordinator who was told of it."""
    consent = get_object_or_404(
        ConsentRecord.objects.select_related("mentee__program"),
        pk=pk,
        mentee__in=tandem_selectors.mentees_of_coordinator(user=request.user),
    )
    if not request.user.has_perm("tandems.change_mentee", consent.mentee):
        raise Http404
    run_action(
        request,
        lambda: services.consent_withdraw(consent=consent, by=request.user),
        success=_("The consent has been withdrawn."),
    )
    return redirect("tandems:coordination_mentee", pk=consent.mentee_id)


class RetentionView(ProgramPeopleMixin, FormView):
    """The program's retention periods, and what the daily run will delete or anonymise."""

    template_name = "privacy/retention.html"
    form_class = RetentionForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": tandem_services.program_tandem_settings(program=self.program),
        }

    def get_context_data(self, **kwargs):
        now = timezone.now()
        programs = [self.program.pk]
        soon = retention.plan(now=now, programs=programs).counts()
        later = retention.plan(now=now + timedelta(days=PREVIEW_DAYS), programs=programs).counts()
        rows = [
            (label, soon[key], later[key])
            for key, label in retention.CATEGORIES.items()
            if key not in ("notifications", "invitations")
        ]
        return {**super().get_context_data(**kwargs), "preview": rows, "days": PREVIEW_DAYS}

    def form_valid(self, form):
        form.save()
        messages.success(self.request, _("The retention periods have been saved."))
        return redirect("privacy:retention", slug=self.program.slug)

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import FormView, TemplateView

from programs.models import Program
from programs.selectors import programs_coordinated_by

from . import services
from .forms import ApplicationForm
from .models import Application, VolunteerProfile
from .selectors import network_counts


class MyAreaView(LoginRequiredMixin, TemplateView):
    template_name = "tandems/my_area.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["applications"] = (
            Application.objects.filter(volunteer=self.request.user)
            .select_related("program", "stage")
            .order_by("-created_at")
        )
        return context


class ApplyView(LoginRequiredMixin, FormView):
    """Apply to a published program; the profile is filled once and reused."""

    template_name = "tandems/application_form.html"
    form_class = ApplicationForm

    def dispatch(self, request, *args, **kwargs):
        self.program = get_object_or_404(Program.objects.published(), slug=kwargs["slug"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        profile = VolunteerProfile.objects.filter(user=self.request.user).first()
        kwargs["instance"] = profile or VolunteerProfile(user=self.request.user)
        if profile is None:
            kwargs["initial"] = {"name": self.request.user.name}
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["program"] = self.program
        context["settings"] = services.program_tandem_settings(program=self.program)
        context["already_applied"] = (
            Application.objects.open()
            .filter(program=self.program, volunteer=self.request.user)
            .exists()
        )
        return context

    def form_valid(self, form):
        settings = services.program_tandem_settings(program=self.program)
        try:
            with transaction.atomic():
                profile = form.save(commit=False)
                profile.availability = form.cleaned_data["availability"]
                profile.preferred_age_groups = form.cleaned_data["preferred_age_groups"]
                services.volunteer_profile_save(
                    profile=profile,
                    interests=form.cleaned_data["interests"],
                    target_groups=form.cleaned_data["preferred_target_groups"],
                )
                services.application_submit(
                    program=self.program,
                    user=self.request.user,
                    privacy_version=settings.privacy_notice_version,
                    contact_by_other_programs=form.cleaned_data["contact_by_other_programs"],
                )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Thank you! Your application has been sent to %(program)s.")
            % {"program": self.program.name},
        )
        return redirect("tandems:my_area")


@require_POST
def application_withdraw_view(request, pk):
    if not request.user.is_authenticated:
        return redirect("account_login")
    application = get_object_or_404(Application, pk=pk, volunteer=request.user)
    try:
        services.application_withdraw(application=application, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your application has been withdrawn."))
    return redirect("tandems:my_area")


class CoordinationView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    template_name = "tandems/coordination.html"
    permission_required = "programs.access_coordination"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["programs"] = programs_coordinated_by(user=self.request.user)
        if self.request.user.is_staff:
            context["network_counts"] = network_counts()
        return context

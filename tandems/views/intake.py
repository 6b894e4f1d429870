"""Entering and correcting people's data: a mentee's intake, an application on paper (for the
program's coordinators), and a volunteer's own profile."""

from copy import copy

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from audit.mixins import AccessLogMixin
from core.steps import Step, SteppedFormMixin
from programs.permissions import CoordinatorPermissionMixin, ProgramPeopleMixin
from tandems import selectors, services
from tandems.forms.coordination import add_service_errors
from tandems.forms.intake import MenteeEditForm, PaperApplicationForm, ProfileForm
from tandems.models import Mentee, VolunteerProfile


class MenteeEditView(AccessLogMixin, CoordinatorPermissionMixin, FormView):
    """Correct every intake field of a mentee; an anonymised mentee has nothing left to edit."""

    template_name = "tandems/coordination/mentee_edit.html"
    form_class = MenteeEditForm
    permission_required = "tandems.change_mentee"
    audit_detail = "bearbeiten"

    @cached_property
    def mentee(self) -> Mentee:
        return get_object_or_404(
            selectors.mentees_of_coordinator(user=self.request.user).prefetch_related(
                "interests", "target_groups"
            ),
            pk=self.kwargs["pk"],
        )

    def get_permission_object(self):
        return self.mentee

    def audit_object(self):
        return self.mentee

    def _erased(self):
        """An anonymised mentee: back to their page, with the reason (nothing to edit)."""
        messages.error(
            self.request,
            _("The personal data of this mentee has been erased; there is nothing to edit."),
        )
        return redirect("tandems:coordination_mentee", pk=self.mentee.pk)

    def get(self, request, *args, **kwargs):
        if self.mentee.anonymised_at is not None:
            return self._erased()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.mentee.anonymised_at is not None:
            return self._erased()
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        settings = services.program_tandem_settings(program=self.mentee.program)
        return {
            **super().get_form_kwargs(),
            # A copy: an invalid form changes its instance, the page's title keeps the name.
            "instance": copy(self.mentee),
            "consent_version": settings.privacy_notice_version,
            "by": self.request.user,
        }

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "mentee": self.mentee}

    def form_valid(self, form):
        try:
            mentee = form.save()
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The changes have been saved."))
        return redirect("tandems:coordination_mentee", pk=mentee.pk)


class PaperApplicationCreateView(ProgramPeopleMixin, SteppedFormMixin, FormView):
    """A coordinator enters an application made on paper, by phone or in person, in four steps."""

    template_name = "tandems/coordination/paper_application_form.html"
    form_class = PaperApplicationForm
    steps = [
        Step(
            gettext_lazy("The applicant"),
            (
                "email",
                "channel",
                "name",
                "form_of_address",
                "year_of_birth",
                "phone",
                "postcode",
                "city",
                "languages",
            ),
        ),
        Step(
            gettext_lazy("Interests and time"),
            ("interests", "availability", "preferred_age_groups", "preferred_target_groups"),
        ),
        Step(gettext_lazy("Motivation"), ("motivation", "heard_from")),
        Step(
            gettext_lazy("Consent to the privacy notice"),
            ("consent_method", "consent_given_on", "privacy_consent", "contact_by_other_programs"),
        ),
    ]

    def get_form_kwargs(self):
        settings = services.program_tandem_settings(program=self.program)
        return {
            **super().get_form_kwargs(),
            "program": self.program,
            "privacy_version": settings.privacy_notice_version,
        }

    def form_valid(self, form):
        try:
            application = form.save(by=self.request.user)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The application of %(name)s has been recorded. No e-mail was sent.")
            % {"name": application.volunteer.volunteer_profile.name},
        )
        return redirect("tandems:coordination_application", pk=application.pk)


class ProfileEditView(LoginRequiredMixin, FormView):
    """A volunteer corrects their own profile (Art. 16 GDPR); without one, the way to apply."""

    template_name = "tandems/profile_form.html"
    form_class = ProfileForm

    @cached_property
    def profile(self) -> VolunteerProfile | None:
        return (
            VolunteerProfile.objects.filter(user=self.request.user)
            .prefetch_related("interests", "preferred_target_groups")
            .first()
        )

    def get(self, request, *args, **kwargs):
        if self.profile is None:
            return TemplateView.as_view(template_name="tandems/profile_missing.html")(request)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.profile is None:
            return redirect("tandems:profile_edit")
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.profile}

    def form_valid(self, form):
        try:
            form.save(by=self.request.user)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Your profile has been saved."))
        return redirect("tandems:my_area")

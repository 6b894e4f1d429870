from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import FormView, TemplateView

from core.actions import run_action
from core.figures import tile_row
from core.steps import Step, SteppedFormMixin
from programs.models import Program, ProgramCoordinator
from programs.selectors import moderation_notices_open, programs_coordinated_by
from tandems import dashboard, selectors, services
from tandems.forms.application import ApplicationForm
from tandems.models import (
    AgeGroup,
    Application,
    CheckIn,
    Meeting,
    VolunteerProfile,
    availability_slots,
)
from tandems.selectors import network_counts


def _tandems_overview(*, user):
    """The mentor's tandems with what the overview shows, in a fixed number of queries."""
    return (
        selectors.tandems_of_mentor(user=user)
        .annotate(meetings_held=Count("meetings", filter=Q(meetings__status=Meeting.Status.HELD)))
        .prefetch_related(
            Prefetch(
                "meetings",
                queryset=Meeting.objects.upcoming(timezone.now()),
                to_attr="upcoming_meetings",
            ),
            Prefetch("checkins", queryset=CheckIn.objects.due(timezone.localdate()), to_attr="due"),
            "goals",
            Prefetch(
                "program__memberships",
                queryset=ProgramCoordinator.objects.select_related("user").order_by("user__name"),
                to_attr="coordinator_memberships",
            ),
        )
    )


class MyAreaView(LoginRequiredMixin, TemplateView):
    """The volunteer's overview: applications, tandems as mentor, what the portal stores."""

    template_name = "tandems/my_area.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["applications"] = (
            Application.objects.filter(volunteer=user)
            .select_related("program", "stage")
            .order_by("-created_at")
        )
        tandems = list(_tandems_overview(user=user))
        context["current_tandems"] = [tandem for tandem in tandems if tandem.is_current]
        today = timezone.localdate()
        for tandem in context["current_tandems"]:
            tandem.tiles = dashboard.mentor_tiles(tandem, today=today)
        context["ended_tandems"] = [tandem for tandem in tandems if not tandem.is_current]
        context["mentoring_programs"] = {tandem.program_id for tandem in context["current_tandems"]}
        recent = timezone.localdate() - timedelta(days=selectors.CLOSING_CHECKIN_DAYS)
        for tandem in context["ended_tandems"]:
            # The closing check-ins stay open to the mentor for a while after the end.
            tandem.closing_checkins = [
                checkin
                for checkin in tandem.due
                if checkin.occasion == CheckIn.Occasion.CLOSURE and tandem.ended_on >= recent
            ]
        context["profile"] = (
            VolunteerProfile.objects.filter(user=user)
            .prefetch_related("interests", "preferred_target_groups")
            .first()
        )
        if context["profile"] is not None:
            slots = dict(availability_slots())
            groups = dict(AgeGroup.choices)
            context["availability"] = [
                slots.get(slot, slot) for slot in context["profile"].availability
            ]
            context["age_groups"] = [
                groups.get(group, group) for group in context["profile"].preferred_age_groups
            ]
        return context


class ApplyView(LoginRequiredMixin, SteppedFormMixin, FormView):
    """Apply to a published program; the profile is filled once and reused. Four steps, so that a
    phone shows one short part at a time."""

    template_name = "tandems/application_form.html"
    form_class = ApplicationForm
    steps = [
        Step(
            gettext_lazy("About you"),
            ("name", "form_of_address", "year_of_birth", "phone", "postcode", "city", "languages"),
        ),
        Step(
            gettext_lazy("Interests and time"),
            ("interests", "preferred_target_groups", "preferred_age_groups", "availability"),
        ),
        Step(gettext_lazy("Your motivation"), ("motivation", "heard_from")),
        Step(gettext_lazy("Privacy"), ("privacy_consent", "contact_by_other_programs")),
    ]

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
    run_action(
        request,
        lambda: services.application_withdraw(application=application, by=request.user),
        success=_("Your application has been withdrawn."),
    )
    return redirect("tandems:my_area")


class CoordinationView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    template_name = "tandems/coordination.html"
    permission_required = "programs.access_coordination"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["programs"] = list(programs_coordinated_by(user=self.request.user))
        program_ids = [program.pk for program in context["programs"]]
        # Counted afresh only for programs whose data changed since the last visit.
        figures = dashboard.program_figures(program_ids)
        # The to-dos due within a week, in their own include (coordination/dashboard_todos.html).
        todos = selectors.due_todos(program_ids=program_ids)
        weeks = next(iter(figures.values())).activity.weeks if figures else []
        labels = dashboard.week_labels(weeks)
        for program in context["programs"]:
            program.actions = figures[program.pk].actions
            program.due_todos = todos[program.pk]
            program.tiles = dashboard.program_tiles(program)
            program.activity = dashboard.activity_lines(figures[program.pk].activity, labels)
        if len(context["programs"]) > 1:
            context["summary"] = dashboard.summary_tiles(context["programs"])
        context["open_concerns"] = selectors.open_concerns_of_coordinator(user=self.request.user)
        context["moderation_notices"] = moderation_notices_open(user=self.request.user)
        if self.request.user.is_staff:
            context["network_counts"] = network_counts()
            context["network_tiles"] = tile_row(dashboard.network_tiles(context["network_counts"]))
        return context

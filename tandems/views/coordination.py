"""Coordinators' screens of the people side: applications, § 72a records, mentees, matching.

Every object is looked up in a queryset already limited to the programs the user coordinates, so
another program's application or mentee answers 404 before anything else is read or written.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, FormView, TemplateView

from audit import selectors as audit_selectors
from audit.mixins import AccessLogMixin
from core.actions import run_action
from core.sorting import Sorting
from core.steps import Step, SteppedFormMixin
from programs.permissions import CoordinatorPermissionMixin, ProgramPeopleMixin
from tandems import selectors, services
from tandems.filters import MENTEE_SORTING
from tandems.forms.coordination import (
    ConductForm,
    MenteeForm,
    NoteForm,
    ProgramTandemSettingsForm,
    RejectForm,
    ScreeningRecordForm,
    StageForm,
    TrainingForm,
    add_service_errors,
)
from tandems.forms.documents import DocumentForm
from tandems.models import AgeGroup, Application, Mentee, ScreeningRecord, availability_slots

CRITERION_LABELS = {
    "distance": gettext_lazy("Distance"),
    "languages": gettext_lazy("Languages"),
    "interests": gettext_lazy("Interests"),
    "availability": gettext_lazy("Availability"),
    "preferences": gettext_lazy("Age and target group"),
    "waiting": gettext_lazy("Time waiting"),
}


class ApplicationMixin(CoordinatorPermissionMixin):
    permission_required = "tandems.view_application"

    @cached_property
    def application(self) -> Application:
        return get_object_or_404(
            selectors.applications_of_coordinator(user=self.request.user), pk=self.kwargs["pk"]
        )

    def get_object(self, queryset=None):
        return self.application

    def get_permission_object(self):
        return self.application


# --- Applications ----------------------------------------------------------------------------

# The applications' tables (one per stage) by their column headers; by default the longest in
# their stage first.
APPLICATION_SORTING = Sorting(
    columns={
        "name": ("volunteer__volunteer_profile__name",),
        "days": ("-stage_changed_at",),
        "applied": ("created_at",),
    },
    default="-days",
)


class ApplicationListView(ProgramPeopleMixin, TemplateView):
    template_name = "tandems/coordination/application_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        applications = list(
            APPLICATION_SORTING.apply(
                selectors.applications_of_coordinator(user=self.request.user, program=self.program),
                self.request.GET,
            )
        )
        open_applications = [a for a in applications if a.status == Application.Status.OPEN]
        context["stages"] = [
            (stage, [a for a in open_applications if a.stage_id == stage.pk])
            for stage in self.program.pipeline_stages.all()
        ]
        context["open_count"] = len(open_applications)
        context["sort"] = APPLICATION_SORTING.bind(self.request.GET)
        context["closed"] = [a for a in applications if a.status != Application.Status.OPEN]
        return context


def screening_status(application: Application) -> dict:
    settings = services.program_tandem_settings(program=application.program)
    record = ScreeningRecord.objects.filter(
        program=application.program, volunteer=application.volunteer
    ).first()
    return {
        "required": settings.requires_certificate,
        "valid": services.volunteer_is_screened(
            program=application.program, volunteer=application.volunteer
        ),
        "record": record,
        "due_on": record.reinspection_due_on(years=settings.reinspection_years) if record else None,
    }


class ApplicationDetailView(AccessLogMixin, ApplicationMixin, DetailView):
    template_name = "tandems/coordination/application_detail.html"
    context_object_name = "application"

    def audit_object(self):
        return self.application

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        application = self.object
        profile = getattr(application.volunteer, "volunteer_profile", None)
        slots = dict(availability_slots())
        busy = (
            selectors.busy_mentors(program=application.program)
            .filter(mentor_id=application.volunteer_id)
            .exists()
        )
        context.update(
            profile=profile,
            availability=[slots.get(slot, slot) for slot in profile.availability]
            if profile
            else [],
            age_groups=[
                dict(AgeGroup.choices).get(group, group) for group in profile.preferred_age_groups
            ]
            if profile
            else [],
            events=application.events.select_related("from_stage", "to_stage", "by"),
            notes=application.notes.select_related("author"),
            stage_form=StageForm(application=application),
            reject_form=RejectForm(application=application),
            note_form=NoteForm(application=application),
            screening=screening_status(application),
            trainings=application.volunteer.trainings.filter(program=application.program),
            signatures=application.volunteer.conduct_signatures.filter(program=application.program),
            training_form=TrainingForm(application=application),
            conduct_form=ConductForm(application=application),
            mentor_busy=busy,
            documents=selectors.documents_of_record(
                program=application.program, volunteer=application.volunteer
            ),
            document_form=DocumentForm(),
            document_upload_url=reverse(
                "tandems:coordination_application_document", args=[application.pk]
            ),
            mentee_matches=(
                selectors.mentees_for_volunteer(program=application.program, profile=profile)
                if profile
                and application.status == "open"
                and application.stage.is_ready
                and not busy
                else []
            ),
        )
        return context


def _application_action(request, pk, form_class, action, success: str):
    """A POST on an application: 404 unless coordinated by the user; errors become messages."""
    application = get_object_or_404(selectors.applications_of_coordinator(user=request.user), pk=pk)
    if not request.user.has_perm("tandems.change_application", application):
        raise Http404
    form = form_class(request.POST, application=application)
    if not form.is_valid() and "stage" in form.errors:
        raise Http404  # a stage id that is not one of this program's stages
    run_action(
        request,
        lambda: action(application=application, data=form.cleaned_data, by=request.user),
        success=success,
        form=form,
    )
    return redirect("tandems:coordination_application", pk=application.pk)


# A GET answers 405 for everyone, as the programs' POST-only actions do.
@require_POST
@login_required
def application_move_view(request, pk):
    return _application_action(
        request,
        pk,
        StageForm,
        lambda application, data, by: services.application_advance(
            application=application, stage=data["stage"], by=by
        ),
        _("The application has been moved."),
    )


@require_POST
@login_required
def application_reject_view(request, pk):
    return _application_action(
        request,
        pk,
        RejectForm,
        lambda application, data, by: services.application_reject(
            application=application, reason=data["reason"], by=by
        ),
        _("The application has been rejected."),
    )


@require_POST
@login_required
def application_note_view(request, pk):
    return _application_action(
        request,
        pk,
        NoteForm,
        lambda application, data, by: services.application_note_add(
            application=application, text=data["text"], author=by
        ),
        _("The note has been saved."),
    )


class ScreeningRecordView(AccessLogMixin, ApplicationMixin, FormView):
    template_name = "tandems/coordination/screening_form.html"
    form_class = ScreeningRecordForm
    permission_required = "tandems.change_application"
    audit_detail = "§ 72a"

    def audit_object(self):
        return self.application

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "application": self.application}

    def form_valid(self, form):
        try:
            form.save(application=self.application, inspected_by=self.request.user)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The § 72a record has been saved."))
        return redirect("tandems:coordination_application", pk=self.application.pk)


# --- Mentees and matching --------------------------------------------------------------------


class MenteeListView(ProgramPeopleMixin, TemplateView):
    """The program's mentees, filtered by status (the waiting ones first of all), time waiting
    and age group."""

    template_name = "tandems/coordination/mentee_list.html"
    page_size = 100

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        filterset, mentees = selectors.mentees_filtered(
            user=self.request.user, program=self.program, data=self.request.GET, today=today
        )
        page = Paginator(mentees, self.page_size).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            form=filterset.form,
            sort=MENTEE_SORTING.bind(self.request.GET),  # not the filter's default status
            page_obj=page,
            query_string=query.urlencode(),
            filtered=bool(set(query) - {"sort"}),
            mentees=[
                {
                    "mentee": mentee,
                    "days_waiting": (today - mentee.waiting_since).days,
                    "age": mentee.age_on(today),
                }
                for mentee in page
            ],
        )
        return context


class MenteeCreateView(ProgramPeopleMixin, SteppedFormMixin, FormView):
    """A coordinator registers a mentee in four steps."""

    template_name = "tandems/coordination/mentee_form.html"
    form_class = MenteeForm
    steps = [
        Step(
            gettext_lazy("Mentee"),
            ("first_name", "year_of_birth", "postcode", "city", "languages"),
        ),
        Step(
            gettext_lazy("Interests and time"),
            ("interests", "target_groups", "availability", "goals_and_needs"),
        ),
        Step(
            gettext_lazy("Guardian"),
            ("guardian_name", "guardian_phone", "guardian_email", "guardian_consent"),
        ),
        Step(
            gettext_lazy("Reminders"), ("reminder_email", "reminder_language", "reminder_consent")
        ),
    ]

    def get_form_kwargs(self):
        settings = services.program_tandem_settings(program=self.program)
        return {
            **super().get_form_kwargs(),
            "program": self.program,
            "consent_version": settings.privacy_notice_version,
        }

    def form_valid(self, form):
        try:
            mentee = form.save()
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(name)s is registered and on the waiting list.") % {"name": mentee.first_name},
        )
        return redirect("tandems:coordination_mentee", pk=mentee.pk)


class MenteeDetailView(AccessLogMixin, CoordinatorPermissionMixin, DetailView):
    template_name = "tandems/coordination/mentee_detail.html"
    context_object_name = "mentee"
    permission_required = "tandems.view_mentee"

    def audit_object(self):
        return self.get_object()

    def get_queryset(self):
        return selectors.mentees_of_coordinator(user=self.request.user).prefetch_related(
            "interests", "target_groups"
        )

    def get_object(self, queryset=None):
        if not hasattr(self, "_object"):
            self._object = super().get_object(queryset)
        return self._object

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        mentee = self.object
        waiting = mentee.status == Mentee.Status.WAITING
        candidates = selectors.candidates_for_mentee(mentee=mentee) if waiting else []
        slots = dict(availability_slots())
        context.update(
            waiting=waiting,
            age=mentee.age_on(timezone.localdate()),
            availability=[slots.get(slot, slot) for slot in mentee.availability],
            tandems=mentee.tandems.select_related("mentor__volunteer_profile"),
            consents=mentee.consents.order_by("given_at"),
            history=audit_selectors.record_history(obj=mentee),
            documents=selectors.documents_of_record(program=mentee.program, mentee=mentee),
            document_form=None if mentee.anonymised_at else DocumentForm(),
            document_upload_url=reverse("tandems:coordination_mentee_document", args=[mentee.pk]),
            candidates=[
                {
                    "match": match,
                    "criteria": [
                        {
                            "label": CRITERION_LABELS.get(c.name, c.name),
                            "weight": c.weight,
                            "points": round(c.points, 2),
                            "reason": c.reason,
                        }
                        for c in match.criteria
                    ],
                }
                for match in candidates
            ],
        )
        return context


@require_POST
@login_required
def mentee_propose_view(request, pk):
    mentee = get_object_or_404(selectors.mentees_of_coordinator(user=request.user), pk=pk)
    if not request.user.has_perm("tandems.change_mentee", mentee):
        raise Http404
    volunteer_id = request.POST.get("volunteer", "")
    if not (volunteer_id.isascii() and volunteer_id.isdigit()):
        raise Http404
    # Only someone who applied to this program; anyone else is a tampered id.
    volunteer = get_object_or_404(
        get_user_model().objects.filter(applications__program=mentee.program).distinct(),
        pk=volunteer_id,
    )
    match = next(
        (
            m
            for m in selectors.candidates_for_mentee(mentee=mentee)
            if m.profile.user_id == volunteer.pk
        ),
        None,
    )
    run_action(
        request,
        lambda: services.tandem_propose(
            mentee=mentee,
            volunteer=volunteer,
            by=request.user,
            explanation=match.explanation() if match else None,
        ),
        success=_("Tandem proposed: %(mentor)s and %(mentee)s.")
        % {"mentor": volunteer.volunteer_profile.name, "mentee": mentee.first_name},
    )
    return redirect("tandems:coordination_mentee", pk=mentee.pk)


@require_POST
@login_required
def application_training_view(request, pk):
    return _application_action(
        request,
        pk,
        TrainingForm,
        lambda application, data, by: services.training_record(
            application=application, title=data["title"], attended_on=data["attended_on"]
        ),
        _("The training has been recorded."),
    )


@require_POST
@login_required
def application_conduct_view(request, pk):
    return _application_action(
        request,
        pk,
        ConductForm,
        lambda application, data, by: services.conduct_signature_record(
            application=application, version=data["version"], signed_on=data["signed_on"]
        ),
        _("The signed code of conduct has been recorded."),
    )


class ProgramSettingsView(ProgramPeopleMixin, FormView):
    """Screening rules, the privacy notice for applicants and the matching weights."""

    template_name = "tandems/coordination/program_settings.html"
    form_class = ProgramTandemSettingsForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": services.program_tandem_settings(program=self.program),
        }

    def form_valid(self, form):
        form.save()
        messages.success(self.request, _("The settings have been saved."))
        return redirect("tandems:coordination_settings", slug=self.program.slug)

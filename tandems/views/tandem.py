"""Coordinators' screens of one tandem: the overview and its actions (start, pause, end, ...).

Every tandem, goal and check-in is looked up in a queryset already limited to the programs the
user coordinates, so another program's object answers 404 before anything is read or written.
Every write goes through tandems/services/lifecycle.py.
"""

from dateutil.relativedelta import relativedelta
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST
from django.views.generic import FormView, TemplateView

from audit.mixins import AccessLogMixin
from core.actions import run_action
from programs.permissions import CoordinatorPermissionMixin
from tandems import selectors, services
from tandems.charts import Series, line_chart
from tandems.forms.coordination import TANDEM_NOTE_HELP, add_service_errors
from tandems.forms.documents import DocumentForm
from tandems.forms.tandem import (
    CheckInForm,
    GoalForm,
    GoalProgressForm,
    TandemEndForm,
    TandemStartForm,
    TandemStatusForm,
)
from tandems.models import CheckIn, Concern, Goal, Tandem
from tandems.services import lifecycle

MEETINGS_PER_PAGE = 20
Respondent = CheckIn.Respondent


def occasion_label(*, tandem: Tandem, occasion: str, due_on) -> str:
    if occasion == CheckIn.Occasion.START:
        return _("Start")
    if occasion == CheckIn.Occasion.CLOSURE:
        return _("End")
    delta = relativedelta(due_on, tandem.started_on or due_on)
    months = delta.years * 12 + delta.months
    return ngettext("%(months)s month", "%(months)s months", months) % {"months": months}


def checkin_charts(*, tandem: Tandem, checkins: list[CheckIn], today) -> list:
    """The trend of the answered check-ins, one x position per occasion that is due.

    Two charts rather than one with five lines: the chart has four line styles that can be told
    apart without colour, and satisfaction with the tandem reads better on its own.
    """
    occasions = sorted(
        {(c.due_on, c.occasion) for c in checkins if c.due_on <= today or c.completed_at},
        key=lambda key: (key[0], key[1] == CheckIn.Occasion.CLOSURE),
    )
    answers = {(c.due_on, c.occasion, c.respondent): c for c in checkins if c.completed_at}

    def values(respondent: str, figure) -> list:
        result = []
        for due_on, occasion in occasions:
            checkin = answers.get((due_on, occasion, respondent))
            result.append(None if checkin is None else figure(checkin))
        return result

    def wellbeing(checkin):
        return checkin.wellbeing

    def self_efficacy(checkin):
        return checkin.self_efficacy

    def satisfaction(checkin):
        return checkin.satisfaction

    x_labels = [
        occasion_label(tandem=tandem, occasion=occasion, due_on=due_on)
        for due_on, occasion in occasions
    ]
    return [
        line_chart(
            title=_("Well-being and self-efficacy"),
            x_labels=x_labels,
            series=[
                Series(_("Mentor: well-being"), values(Respondent.MENTOR, wellbeing)),
                Series(_("Mentor: self-efficacy"), values(Respondent.MENTOR, self_efficacy)),
                Series(_("Mentee: well-being"), values(Respondent.MENTEE, wellbeing)),
                Series(_("Mentee: self-efficacy"), values(Respondent.MENTEE, self_efficacy)),
            ],
        ),
        line_chart(
            title=_("Satisfaction with the tandem"),
            x_labels=x_labels,
            series=[
                Series(_("Satisfaction (mentor)"), values(Respondent.MENTOR, satisfaction)),
                Series(_("Satisfaction (mentee)"), values(Respondent.MENTEE, satisfaction)),
            ],
        ),
    ]


def contact_status(*, tandem: Tandem, no_contact_days: int, today) -> dict | None:
    """Days since the last held meeting (or since the start) of a running tandem."""
    if not tandem.is_running or tandem.started_on is None or tandem.started_on > today:
        return None
    since = tandem.last_contact_on or tandem.started_on
    days = (today - since).days
    return {
        "days": days,
        "threshold": no_contact_days,
        # As the dashboard counts: more than the threshold, and only while the tandem is active.
        "overdue": tandem.status == Tandem.Status.ACTIVE and days > no_contact_days,
        "ever": tandem.last_contact_on is not None,
    }


class TandemMixin(CoordinatorPermissionMixin):
    permission_required = "tandems.view_tandem"

    @cached_property
    def tandem(self) -> Tandem:
        return get_object_or_404(
            selectors.tandems_of_coordinator(user=self.request.user), pk=self.kwargs["pk"]
        )

    def get_permission_object(self):
        return self.tandem

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "tandem": self.tandem,
            "mentor_name": self.tandem.mentor_name,
        }


class TandemDetailView(AccessLogMixin, TandemMixin, TemplateView):
    template_name = "tandems/coordination/tandem_detail.html"

    def audit_object(self):
        return self.tandem

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tandem = self.tandem
        today = timezone.localdate()
        settings = services.program_tandem_settings(program=tandem.program)
        goals = list(tandem.goals.all())
        checkins = list(tandem.checkins.all())
        meetings = Paginator(tandem.meetings.order_by("-starts_at", "-pk"), MEETINGS_PER_PAGE)
        page = meetings.get_page(self.request.GET.get("page"))
        allowed = lifecycle.allowed_transitions(tandem)
        context.update(
            settings=settings,
            today=today,
            goals=[{"goal": goal, "form": GoalProgressForm(goal=goal)} for goal in goals],
            goal_form=GoalForm() if tandem.is_current else None,
            checkins=[
                {
                    "checkin": checkin,
                    "label": occasion_label(
                        tandem=tandem, occasion=checkin.occasion, due_on=checkin.due_on
                    ),
                    "is_due": checkin.completed_at is None and checkin.due_on <= today,
                    "coordinator_answers": checkin.respondent == Respondent.MENTEE,
                }
                for checkin in checkins
            ],
            due_count=sum(1 for c in checkins if c.completed_at is None and c.due_on <= today),
            charts=checkin_charts(tandem=tandem, checkins=checkins, today=today),
            page_obj=page,
            meetings=page.object_list,
            meeting_count=meetings.count,
            contact=contact_status(
                tandem=tandem, no_contact_days=settings.no_contact_days, today=today
            ),
            status_changes=tandem.status_changes.select_related("by"),
            # Links only (number and date): the text stays on the concern's own page.
            open_concerns=Concern.objects.open().filter(tandem=tandem).order_by("raised_at"),
            can_start=tandem.status == Tandem.Status.PROPOSED,
            can_pause=tandem.status == Tandem.Status.ACTIVE and Tandem.Status.PAUSED in allowed,
            can_resume=tandem.status == Tandem.Status.PAUSED and Tandem.Status.ACTIVE in allowed,
            can_end=bool(allowed & set(Tandem.ENDED)),
            note_help=TANDEM_NOTE_HELP,
            documents=selectors.documents_of_record(program=tandem.program, tandem=tandem),
            document_form=DocumentForm(),
            document_upload_url=reverse("tandems:coordination_tandem_document", args=[tandem.pk]),
        )
        return context


class TandemFormView(TandemMixin, FormView):
    """A form of one action on a tandem; refused up front when the status does not allow it."""

    permission_required = "tandems.change_tandem"
    success_message = ""

    def refusal(self) -> str | None:
        return None

    def get(self, request, *args, **kwargs):
        if refusal := self.refusal():
            messages.error(request, refusal)
            return redirect(self.tandem)
        return super().get(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            form.save(by=self.request.user)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect(self.tandem)


class TandemStartView(TandemFormView):
    template_name = "tandems/coordination/tandem_start.html"
    form_class = TandemStartForm

    success_message = gettext_lazy("The tandem has started; its check-ins are scheduled.")

    def refusal(self):
        if self.tandem.status != Tandem.Status.PROPOSED:
            return _("Only a proposed tandem can be started.")
        return None

    def get_form_kwargs(self):
        settings = services.program_tandem_settings(program=self.tandem.program)
        return {
            **super().get_form_kwargs(),
            "tandem": self.tandem,
            "duration_months": settings.tandem_duration_months,
        }


class TandemEndView(TandemFormView):
    template_name = "tandems/coordination/tandem_end.html"
    form_class = TandemEndForm

    success_message = gettext_lazy("The tandem has ended.")

    def refusal(self):
        if not self.tandem.is_current:
            return _("This tandem has already ended.")
        return None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "tandem": self.tandem}


@require_POST
@login_required
def tandem_status_view(request, pk):
    """Pause or resume; a status the tandem cannot take is refused with a message."""
    tandem = get_object_or_404(selectors.tandems_of_coordinator(user=request.user), pk=pk)
    if not request.user.has_perm("tandems.change_tandem", tandem):
        raise Http404
    form = TandemStatusForm(request.POST)
    run_action(
        request,
        lambda: form.save(tandem=tandem, by=request.user),
        success=lambda changed: (
            _("The tandem is paused.")
            if changed.status == Tandem.Status.PAUSED
            else _("The tandem is active again.")
        ),
        form=form,
    )
    return redirect(tandem)


@require_POST
@login_required
def goal_add_view(request, pk):
    tandem = get_object_or_404(selectors.tandems_of_coordinator(user=request.user), pk=pk)
    if not request.user.has_perm("tandems.change_tandem", tandem):
        raise Http404
    form = GoalForm(request.POST)
    run_action(
        request, lambda: form.save(tandem=tandem), success=_("The goal has been added."), form=form
    )
    return redirect(tandem)


@require_POST
@login_required
def goal_progress_view(request, pk):
    goal = get_object_or_404(
        Goal.objects.filter(
            tandem__in=selectors.tandems_of_coordinator(user=request.user).values("pk")
        ).select_related("tandem", "tandem__program"),
        pk=pk,
    )
    if not request.user.has_perm("tandems.change_tandem", goal.tandem):
        raise Http404
    form = GoalProgressForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose a step of progress from the list."))
        return redirect(goal.tandem)
    run_action(request, lambda: form.save(goal=goal), success=_("The progress has been saved."))
    return redirect(goal.tandem)


class CheckInAnswerView(AccessLogMixin, CoordinatorPermissionMixin, FormView):
    """A coordinator answers a mentee's check-in that is due, with the mentee or the guardian."""

    template_name = "tandems/coordination/tandem_checkin.html"
    form_class = CheckInForm
    permission_required = "tandems.change_tandem"

    def audit_object(self):
        return self.checkin

    @cached_property
    def checkin(self) -> CheckIn:
        # The mentor answers their own check-ins; only the mentee's are offered here.
        return get_object_or_404(
            CheckIn.objects.filter(
                tandem__in=selectors.tandems_of_coordinator(user=self.request.user).values("pk"),
                respondent=Respondent.MENTEE,
            ).select_related("tandem", "tandem__program", "tandem__mentee"),
            pk=self.kwargs["pk"],
        )

    def get_permission_object(self):
        return self.checkin.tandem

    def refusal(self) -> str | None:
        if self.checkin.completed_at is not None:
            return _("This check-in has already been answered.")
        if self.checkin.due_on > timezone.localdate():
            return _("This check-in is not due yet.")
        return None

    def get(self, request, *args, **kwargs):
        if refusal := self.refusal():
            messages.error(request, refusal)
            return redirect(self.checkin.tandem)
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "checkin": self.checkin}

    def get_context_data(self, **kwargs):
        tandem = self.checkin.tandem
        return {
            **super().get_context_data(**kwargs),
            "checkin": self.checkin,
            "tandem": tandem,
            "occasion": occasion_label(
                tandem=tandem, occasion=self.checkin.occasion, due_on=self.checkin.due_on
            ),
        }

    def form_valid(self, form):
        try:
            form.save(by=self.request.user)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The check-in has been saved."))
        return redirect(self.checkin.tandem)

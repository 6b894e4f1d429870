"""The mentor's screens: their tandem, logging and planning meetings, goals, check-ins, calendar.

Every object is looked up among the signed-in user's own tandems as mentor (proposed ones are not
shown to mentors), so another mentor's tandem, meeting, goal or check-in answers 404. Changes need
the tandem to be current; the services refuse what the domain does not allow.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from django.views.generic import FormView, TemplateView

from core.actions import run_action
from programs.selectors import programs_coordinated_by
from tandems import ics, selectors
from tandems.forms.coordination import add_service_errors
from tandems.forms.mentor import CheckInForm, MeetingLogForm, MeetingPlanForm, RhythmPlanForm
from tandems.forms.tandem import GoalForm, GoalProgressForm
from tandems.models import CalendarFeed, Concern, Goal, Meeting, Tandem
from tandems.services import lifecycle

LOGGED_MEETINGS_PER_PAGE = 20


# --- Look-ups scoped to the mentor -----------------------------------------------------------


def _tandem(request, pk) -> Tandem:
    tandem = get_object_or_404(selectors.tandems_of_mentor(user=request.user), pk=pk)
    if not request.user.has_perm("tandems.mentor_view_tandem", tandem):
        raise Http404
    return tandem


def _mentor_meetings(user):
    return Meeting.objects.filter(
        tandem__in=selectors.tandems_of_mentor(user=user).values("pk")
    ).select_related("tandem__program", "tandem__mentee")


def _may_change(request, tandem: Tandem) -> bool:
    """Changes only while the tandem lasts; otherwise say so (the caller redirects)."""
    if request.user.has_perm("tandems.mentor_change_tandem", tandem):
        return True
    messages.error(request, _("This tandem has ended; nothing can be changed any more."))
    return False


def tandem_url(tandem_or_pk) -> str:
    pk = getattr(tandem_or_pk, "pk", tandem_or_pk)
    return reverse("tandems:mentor_tandem", kwargs={"pk": pk})


def feed_address(feed: CalendarFeed | None) -> str:
    """The full address of the feed, always the German (unprefixed) path, which never changes."""
    if feed is None:
        return ""
    with translation.override(settings.LANGUAGE_CODE):
        return f"{settings.SITE_URL}{feed.get_absolute_url()}"


# --- The tandem page -------------------------------------------------------------------------


class MentorTandemView(LoginRequiredMixin, TemplateView):
    template_name = "tandems/mentor/tandem_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tandem = _tandem(self.request, self.kwargs["pk"])
        now = timezone.now()
        can_change = self.request.user.has_perm("tandems.mentor_change_tandem", tandem)
        planned = list(tandem.meetings.planned().order_by("starts_at", "pk"))
        logged = Paginator(
            tandem.meetings.exclude(status=Meeting.Status.PLANNED).order_by("-starts_at", "-pk"),
            LOGGED_MEETINGS_PER_PAGE,
        ).get_page(self.request.GET.get("page"))
        goals = list(tandem.goals.all())
        feed = CalendarFeed.objects.filter(user=self.request.user).first()
        context.update(
            tandem=tandem,
            can_change=can_change,
            can_log=can_change and tandem.is_running,
            can_plan=can_change and tandem.status == Tandem.Status.ACTIVE,
            upcoming=[m for m in planned if m.starts_at >= now],
            to_log=[m for m in planned if m.starts_at < now],
            page_obj=logged,
            logged=logged.object_list,
            goals=[(goal, GoalProgressForm(goal=goal)) for goal in goals],
            goal_form=GoalForm() if can_change and len(goals) < lifecycle.MAX_GOALS else None,
            checkins=list(tandem.checkins.due()) if can_change else [],
            feed=feed,
            feed_url=feed_address(feed),
            # What the mentor raised: that it arrived, never the text or what was done.
            my_concerns=list(
                Concern.objects.filter(tandem=tandem, raised_by=self.request.user)
                .only("pk", "raised_at")
                .order_by("-raised_at")
            ),
        )
        return context


# --- Logging a meeting -----------------------------------------------------------------------


class MeetingLogView(LoginRequiredMixin, FormView):
    """What happened: a new meeting (tandem pk) or a planned one (meeting pk), prefilled."""

    template_name = "tandems/mentor/meeting_log.html"
    form_class = MeetingLogForm
    planned = False

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if self.planned:
            self.meeting = get_object_or_404(_mentor_meetings(request.user), pk=kwargs["pk"])
            self.tandem = _tandem(request, self.meeting.tandem_id)
        else:
            self.meeting = None
            self.tandem = _tandem(request, kwargs["pk"])
        if not _may_change(request, self.tandem):
            return redirect(tandem_url(self.tandem))
        if self.meeting is not None and self.meeting.is_logged:
            messages.error(request, _("This meeting has already been logged."))
            return redirect(tandem_url(self.tandem))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "meeting": self.meeting}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "tandem": self.tandem,
            "meeting": self.meeting,
        }

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            lifecycle.meeting_log(
                tandem=self.tandem,
                by=self.request.user,
                day=data["day"],
                status=data["status"],
                duration_minutes=data["duration_minutes"],
                activity=data["activity"],
                note=data["note"],
                meeting=self.meeting,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Thank you! The meeting has been logged."))
        return redirect("tandems:my_area")


# --- Planning and cancelling -----------------------------------------------------------------


class MeetingPlanView(LoginRequiredMixin, TemplateView):
    """Two ways to plan: one meeting, or the tandem's rhythm for the next weeks."""

    template_name = "tandems/mentor/meeting_plan.html"

    @cached_property
    def tandem(self) -> Tandem:
        return _tandem(self.request, self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        tandem = self.tandem
        context = super().get_context_data(**kwargs)
        context.setdefault("one_form", MeetingPlanForm(auto_id="one-%s"))
        context.setdefault("rhythm_form", RhythmPlanForm(auto_id="rhythm-%s"))
        context.update(
            tandem=tandem,
            can_plan=tandem.status == Tandem.Status.ACTIVE,
            has_rhythm=bool(tandem.preferred_weekday and tandem.preferred_time),
        )
        return context

    def get(self, request, *args, **kwargs):
        if not _may_change(request, self.tandem):
            return redirect(tandem_url(self.tandem))
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        tandem = self.tandem
        if not _may_change(request, tandem):
            return redirect(tandem_url(tandem))
        if request.POST.get("kind") == "rhythm":
            form = RhythmPlanForm(request.POST, auto_id="rhythm-%s")
            context_key = "rhythm_form"
        else:
            form = MeetingPlanForm(request.POST, auto_id="one-%s")
            context_key = "one_form"
        if form.is_valid():
            try:
                success = self._plan(form, tandem)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, success)
                return redirect(tandem_url(tandem))
        return self.render_to_response(self.get_context_data(**{context_key: form}))

    def _plan(self, form, tandem) -> str:
        data = form.cleaned_data
        if isinstance(form, RhythmPlanForm):
            meetings = lifecycle.meetings_plan_from_rhythm(
                tandem=tandem,
                by=self.request.user,
                weeks=data["weeks"],
                duration_minutes=data["duration_minutes"],
                place=data["place"],
            )
            if not meetings:
                return _("All these days already have a meeting; nothing new was planned.")
            return _("%(count)s meetings have been planned.") % {"count": len(meetings)}
        meeting = lifecycle.meeting_plan(tandem=tandem, by=self.request.user, **data)
        when = formats.date_format(timezone.localtime(meeting.starts_at), "SHORT_DATETIME_FORMAT")
        return _("The meeting on %(when)s has been planned.") % {"when": when}


@require_POST
@login_required
def meeting_cancel_view(request, pk):
    meeting = get_object_or_404(_mentor_meetings(request.user), pk=pk)
    tandem = _tandem(request, meeting.tandem_id)
    if _may_change(request, tandem):
        run_action(
            request,
            lambda: lifecycle.meeting_cancel(meeting=meeting, by=request.user),
            success=_("The meeting has been cancelled."),
        )
    return redirect(tandem_url(tandem))


# --- iCalendar -------------------------------------------------------------------------------


@require_safe
@login_required
def meeting_ics_view(request, pk):
    """One meeting for the calendar app: its mentor, or a coordinator of its program."""
    user = request.user
    meetings = Meeting.objects.filter(
        (Q(tandem__mentor=user) & ~Q(tandem__status=Tandem.Status.PROPOSED))
        | Q(tandem__program__in=programs_coordinated_by(user=user).values("pk"))
    ).select_related("tandem__program", "tandem__mentee")
    meeting = get_object_or_404(meetings, pk=pk)
    calendar = ics.meeting_calendar(meeting, language=translation.get_language())
    return ics.ics_response(calendar, filename=f"treffen-{meeting.pk}.ics")


@require_safe
def feed_view(request, token):
    """The private feed: no sign-in, the secret token in the address is the key.

    In the language of its address where that names one (/en/…), else in the language the
    mentor chose for the portal's e-mails: the address the page offers never changes, and a
    calendar app sends no language of its own."""
    feed = get_object_or_404(CalendarFeed.objects.select_related("user"), token=token)
    language = translation.get_language_from_path(request.path_info) or feed.user.language
    return ics.ics_response(ics.feed_calendar(user=feed.user, language=language))


def _back(request):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("tandems:my_area")


@require_POST
@login_required
def feed_renew_view(request):
    lifecycle.calendar_feed_renew(user=request.user)
    messages.success(
        request,
        _(
            "Your calendar has a new address. The old one no longer works; "
            "add the new one to your calendar app."
        ),
    )
    return _back(request)


@require_POST
@login_required
def feed_revoke_view(request):
    lifecycle.calendar_feed_revoke(user=request.user)
    messages.success(request, _("Your calendar address has been switched off."))
    return _back(request)


# --- Goals -----------------------------------------------------------------------------------


@require_POST
@login_required
def goal_add_view(request, pk):
    tandem = _tandem(request, pk)
    if _may_change(request, tandem):
        form = GoalForm(request.POST)
        run_action(
            request,
            lambda: lifecycle.goal_add(tandem=tandem, title=form.cleaned_data["title"]),
            success=_("The goal has been added."),
            form=form,
        )
    return redirect(f"{tandem_url(tandem)}#goals")


@require_POST
@login_required
def goal_progress_view(request, pk):
    goal = get_object_or_404(
        Goal.objects.filter(
            tandem__in=selectors.tandems_of_mentor(user=request.user).values("pk")
        ).select_related("tandem"),
        pk=pk,
    )
    tandem = _tandem(request, goal.tandem_id)
    if _may_change(request, tandem):
        form = GoalProgressForm(request.POST)
        run_action(
            request,
            lambda: lifecycle.goal_set_progress(goal=goal, progress=form.cleaned_data["progress"]),
            # Read after the change: the progress just set.
            success=lambda _result: (
                _("Progress of “%(goal)s”: %(progress)s.")
                % {"goal": goal.title, "progress": goal.get_progress_display()}
            ),
            form=form,
        )
    return redirect(f"{tandem_url(tandem)}#goals")


# --- Check-ins -------------------------------------------------------------------------------


class CheckInView(LoginRequiredMixin, FormView):
    """A due, open check-in of the user's own tandem (their own, or the mentee's), while it lasts;
    the closing check-ins also for a while after the end."""

    template_name = "tandems/mentor/checkin_form.html"
    form_class = CheckInForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.checkin = get_object_or_404(
            selectors.checkins_of_mentor(user=request.user).select_related(
                "tandem__program", "tandem__mentee"
            ),
            pk=kwargs["pk"],
        )
        if self.checkin.completed_at is not None:
            messages.error(request, _("This check-in has already been answered."))
            return redirect(tandem_url(self.checkin.tandem_id))
        if self.checkin.due_on > timezone.localdate():
            messages.error(request, _("This check-in is not due yet."))
            return redirect(tandem_url(self.checkin.tandem_id))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "checkin": self.checkin}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(checkin=self.checkin, tandem=self.checkin.tandem)
        return context

    def form_valid(self, form):
        try:
            lifecycle.checkin_submit(
                checkin=self.checkin,
                answers=form.answers(),
                answered_by=form.who_answered(),
                by=self.request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Thank you! The check-in has been saved."))
        return redirect("tandems:my_area")

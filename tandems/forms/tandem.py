"""Forms of the coordinators' tandem screens. They validate; saving hands over to lifecycle.py."""

from django import forms
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from core.text import MultiLineFormField, SingleLineFormField
from tandems.forms.coordination import DATE_WIDGET, TANDEM_NOTE_HELP
from tandems.models import CHECKIN_ITEMS, CheckIn, Goal, Rhythm, Tandem, Weekday
from tandems.services import lifecycle

TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
# The ends of the scale say what they mean; the steps between are plain numbers.
SCALE = [
    (1, _("1 – not at all")),
    (2, "2"),
    (3, "3"),
    (4, "4"),
    (5, _("5 – completely")),
]
# A coordinator answers a mentee's check-in together with the mentee, or the guardian answers.
COORDINATOR_ANSWERED_BY = [
    (CheckIn.AnsweredBy.MENTEE_WITH_COORDINATOR, CheckIn.AnsweredBy.MENTEE_WITH_COORDINATOR.label),
    (CheckIn.AnsweredBy.GUARDIAN, CheckIn.AnsweredBy.GUARDIAN.label),
]


def _scale_field(item: str, *, required: bool) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=CheckIn._meta.get_field(item).verbose_name,
        choices=SCALE,
        coerce=int,
        empty_value=None,
        widget=forms.RadioSelect(attrs={"class": "scale"}),
        required=required,
    )


class TandemStartForm(forms.Form):
    started_on = forms.DateField(
        label=_("Start date"), widget=DATE_WIDGET, initial=timezone.localdate
    )
    planned_end_on = forms.DateField(label=_("Planned end"), widget=DATE_WIDGET, required=False)
    rhythm = forms.ChoiceField(label=_("Meeting rhythm"), choices=Rhythm.choices)
    preferred_weekday = forms.ChoiceField(
        label=_("Preferred weekday"),
        choices=[("", _("no fixed day"))] + Weekday.choices,
        required=False,
    )
    preferred_time = forms.TimeField(label=_("Preferred time"), widget=TIME_WIDGET, required=False)

    def __init__(self, *args, tandem: Tandem, duration_months: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.tandem = tandem
        example = lifecycle.add_months(timezone.localdate(), duration_months)
        self.fields["planned_end_on"].help_text = _(
            "Leave it empty for the program's planned duration of %(months)s months after the "
            "start (%(example)s for a start today)."
        ) % {
            "months": duration_months,
            "example": formats.date_format(example, "SHORT_DATE_FORMAT"),
        }

    def save(self, *, by) -> Tandem:
        data = self.cleaned_data
        return lifecycle.tandem_start(
            tandem=self.tandem,
            by=by,
            started_on=data["started_on"],
            planned_end_on=data["planned_end_on"],
            rhythm=data["rhythm"],
            preferred_weekday=data["preferred_weekday"],
            preferred_time=data["preferred_time"],
        )


class TandemStatusForm(forms.Form):
    """Pause or resume: the only status changes that need nothing but a note."""

    status = forms.ChoiceField(
        choices=[
            (Tandem.Status.PAUSED, Tandem.Status.PAUSED.label),
            (Tandem.Status.ACTIVE, Tandem.Status.ACTIVE.label),
        ]
    )
    note = SingleLineFormField(
        label=_("Note (optional)"), max_length=300, required=False, help_text=TANDEM_NOTE_HELP
    )

    def save(self, *, tandem: Tandem, by) -> Tandem:
        data = self.cleaned_data
        if data["status"] == Tandem.Status.PAUSED:
            return lifecycle.tandem_pause(tandem=tandem, by=by, note=data["note"])
        return lifecycle.tandem_resume(tandem=tandem, by=by, note=data["note"])


class CheckInAnswersMixin:
    """The five items on a scale of 1 to 5, all required once someone answers."""

    def add_item_fields(self, *, required: bool) -> None:
        for item in CHECKIN_ITEMS:
            self.fields[item] = _scale_field(item, required=required)

    @property
    def item_fields(self):
        return [self[item] for item in CHECKIN_ITEMS]

    def answers(self) -> dict:
        return {item: self.cleaned_data.get(item) for item in CHECKIN_ITEMS}


class CheckInForm(CheckInAnswersMixin, forms.Form):
    answered_by = forms.ChoiceField(
        label=_("Who answered"), choices=COORDINATOR_ANSWERED_BY, widget=forms.RadioSelect
    )

    def __init__(self, *args, checkin: CheckIn, **kwargs):
        super().__init__(*args, **kwargs)
        self.checkin = checkin
        self.add_item_fields(required=True)

    def save(self, *, by) -> CheckIn:
        return lifecycle.checkin_submit(
            checkin=self.checkin,
            answers=self.answers(),
            answered_by=self.cleaned_data["answered_by"],
            by=by,
        )


class TandemEndForm(CheckInAnswersMixin, forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason for the end"),
        choices=Tandem.EndReason.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "“Planned period completed” and “goals reached” close the tandem regularly; every "
            "other reason ends it early."
        ),
    )
    ended_on = forms.DateField(label=_("End date"), widget=DATE_WIDGET, initial=timezone.localdate)
    note = MultiLineFormField(
        label=_("Note on the end (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=TANDEM_NOTE_HELP,
    )
    mentee_waits_again = forms.BooleanField(
        label=_("The mentee waits for a new mentor."), required=False
    )
    closing_answered_by = forms.ChoiceField(
        label=_("The mentee's closing check-in"),
        choices=[("", _("Not now: it stays due"))] + COORDINATOR_ANSWERED_BY,
        widget=forms.RadioSelect,
        required=False,
        initial="",
        help_text=_("Answer it here with the mentee or the guardian, or later."),
    )

    def __init__(self, *args, tandem: Tandem, **kwargs):
        super().__init__(*args, **kwargs)
        self.tandem = tandem
        # A tandem that never started has no check-ins to close.
        self.has_closing_checkin = tandem.started_on is not None
        if self.has_closing_checkin:
            self.add_item_fields(required=False)
        else:
            del self.fields["closing_answered_by"]

    def clean(self):
        data = super().clean()
        if data.get("closing_answered_by"):
            for item in CHECKIN_ITEMS:
                if data.get(item) is None and item not in self.errors:
                    self.add_error(item, _("Please choose a value from 1 to 5."))
        return data

    @transaction.atomic
    def save(self, *, by) -> Tandem:
        """End the tandem and, if answered here, the mentee's closing check-in, all or nothing."""
        data = self.cleaned_data
        tandem = lifecycle.tandem_end(
            tandem=self.tandem,
            by=by,
            ended_on=data["ended_on"],
            reason=data["reason"],
            note=data["note"],
            mentee_waits_again=data["mentee_waits_again"],
        )
        if data.get("closing_answered_by"):
            checkin = tandem.checkins.get(
                respondent=CheckIn.Respondent.MENTEE,
                occasion=CheckIn.Occasion.CLOSURE,
                due_on=tandem.ended_on,
            )
            lifecycle.checkin_submit(
                checkin=checkin,
                answers=self.answers(),
                answered_by=data["closing_answered_by"],
                by=by,
            )
        return tandem


class GoalForm(forms.Form):
    title = SingleLineFormField(label=_("New goal"), max_length=200)

    def save(self, *, tandem: Tandem) -> Goal:
        return lifecycle.goal_add(tandem=tandem, title=self.cleaned_data["title"])


class GoalProgressForm(forms.Form):
    progress = forms.TypedChoiceField(
        label=_("Progress"), choices=Goal.Progress.choices, coerce=int
    )

    def __init__(self, *args, goal: Goal | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if goal is not None:
            self.fields["progress"].initial = goal.progress
            # Unique ids: the tandem page shows one of these forms per goal.
            self.auto_id = f"id_goal{goal.pk}_%s"

    def save(self, *, goal: Goal) -> Goal:
        return lifecycle.goal_set_progress(goal=goal, progress=self.cleaned_data["progress"])

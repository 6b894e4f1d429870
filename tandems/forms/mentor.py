"""Forms of the mentor's screens, made for a phone: few fields, large choices, good defaults.

They validate the input; the writes are the services' in tandems/services/lifecycle.py.
"""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.text import MultiLineFormField, SingleLineFormField
from tandems.forms.tandem import TIME_WIDGET, CheckInAnswersMixin
from tandems.models import CheckIn, Meeting
from tandems.services import lifecycle

DURATION_CHOICES = [
    (minutes, _("%(minutes)s min") % {"minutes": minutes}) for minutes in (30, 45, 60, 90, 120)
]
MAX_MINUTES = 24 * 60


def _date_input(*, back: int, ahead: int) -> forms.DateInput:
    """A date picker limited to the days the service accepts."""
    today = timezone.localdate()
    return forms.DateInput(
        attrs={
            "type": "date",
            "min": (today - timedelta(days=back)).isoformat(),
            "max": (today + timedelta(days=ahead)).isoformat(),
        },
        format="%Y-%m-%d",
    )


class MeetingLogForm(forms.Form):
    """What happened at a meeting: a few taps with the defaults of an ordinary meeting."""

    day = forms.DateField(label=_("Day"), initial=timezone.localdate)
    status = forms.ChoiceField(
        label=_("Did the meeting take place?"),
        choices=[
            (Meeting.Status.HELD, _("yes, we met")),
            (Meeting.Status.CANCELLED, _("no, it was cancelled")),
            (Meeting.Status.MISSED, _("no, one of us did not come")),
        ],
        initial=Meeting.Status.HELD,
        widget=forms.RadioSelect,
    )
    duration = forms.TypedChoiceField(
        label=_("How long?"),
        choices=DURATION_CHOICES,
        coerce=int,
        initial=60,
        required=False,
        widget=forms.RadioSelect,
    )
    other_minutes = forms.IntegerField(
        label=_("Or other minutes"),
        required=False,
        min_value=1,
        max_value=MAX_MINUTES,
        help_text=_("Only if none of the durations above fits; at most 1440 (24 hours)."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    activity = forms.ChoiceField(
        label=_("What did you do?"),
        choices=Meeting.Activity.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    note = MultiLineFormField(
        label=_("Short note (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "You and your program's coordinators see it; the mentee or their guardian receive it "
            "with their data on request (right of access, Art. 15 GDPR). Write factually. If you "
            "are worried about your mentee's safety, do not write it here: use “I am worried” "
            "below. Your coordinators are told at once, and only they read it."
        ),
    )

    def __init__(self, *args, meeting: Meeting | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["day"].widget = _date_input(back=lifecycle.MAX_DAYS_BACK, ahead=0)
        if meeting is not None:
            self.fields["day"].initial = timezone.localdate(meeting.starts_at)
            if meeting.duration_minutes in dict(DURATION_CHOICES):
                self.fields["duration"].initial = meeting.duration_minutes
            else:
                self.fields["duration"].initial = None
                self.fields["other_minutes"].initial = meeting.duration_minutes
            self.fields["note"].initial = meeting.note

    def clean(self):
        data = super().clean()
        minutes = data.get("other_minutes") or data.get("duration")
        if "other_minutes" in self.errors:
            return data
        if not minutes:
            self.add_error("duration", _("Please say how long the meeting lasted."))
        data["duration_minutes"] = minutes
        return data


class MeetingPlanForm(forms.Form):
    day = forms.DateField(label=_("Day"), initial=timezone.localdate)
    start = forms.TimeField(label=_("From"), widget=TIME_WIDGET)
    end = forms.TimeField(label=_("To"), widget=TIME_WIDGET)
    place = SingleLineFormField(label=_("Place"), max_length=200, required=False)
    online = forms.BooleanField(label=_("We meet online"), required=False)
    note = MultiLineFormField(
        label=_("Note (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["day"].widget = _date_input(back=0, ahead=lifecycle.MAX_DAYS_AHEAD)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end <= start:
            self.add_error("end", _("The end must be after the start."))
        return data


class RhythmPlanForm(forms.Form):
    weeks = forms.IntegerField(
        label=_("For the next … weeks"),
        min_value=1,
        max_value=lifecycle.MAX_PLAN_WEEKS,
        initial=8,
    )
    duration_minutes = forms.TypedChoiceField(
        label=_("Each meeting lasts"),
        choices=DURATION_CHOICES,
        coerce=int,
        initial=60,
        widget=forms.RadioSelect,
    )
    place = SingleLineFormField(label=_("Place"), max_length=200, required=False)


class CheckInForm(CheckInAnswersMixin, forms.Form):
    """The five items of a check-in, 1 to 5; for the mentee's, who answered."""

    answered_by = forms.ChoiceField(
        label=_("Who answered?"),
        choices=[
            (CheckIn.AnsweredBy.MENTEE_WITH_MENTOR, CheckIn.AnsweredBy.MENTEE_WITH_MENTOR.label),
            (CheckIn.AnsweredBy.GUARDIAN, CheckIn.AnsweredBy.GUARDIAN.label),
        ],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, checkin: CheckIn, **kwargs):
        super().__init__(*args, **kwargs)
        self.checkin = checkin
        if checkin.respondent == CheckIn.Respondent.MENTOR:
            del self.fields["answered_by"]
        self.add_item_fields(required=True)

    def who_answered(self) -> str:
        return self.cleaned_data.get("answered_by", CheckIn.AnsweredBy.MENTOR)

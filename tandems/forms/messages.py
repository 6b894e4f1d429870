"""The coordinators' message to a group of volunteers, and their to-dos."""

import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.text import MultiLineFormField, SingleLineFormField
from core.widgets import DATE_WIDGET
from programs.models import Program
from tandems.models import ProgramMessage, Tandem
from tandems.models.coordination import BODY_MAX, SUBJECT_MAX

Audience = ProgramMessage.Audience


class TandemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, tandem):
        mentor = getattr(tandem.mentor, "volunteer_profile", None)
        return _("%(mentor)s with %(mentee)s (%(status)s)") % {
            "mentor": (mentor.name if mentor else "") or tandem.mentor.name or tandem.mentor.email,
            "mentee": tandem.mentee.first_name,
            "status": tandem.get_status_display(),
        }


class ProgramMessageForm(forms.Form):
    audience = forms.ChoiceField(
        label=pgettext_lazy("recipients of a message", "To"),
        choices=Audience.choices,
        widget=forms.RadioSelect,
    )
    stage = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("Stage (for applicants in one stage)"),
        empty_label=_("– choose a stage –"),
    )
    tandem = TandemChoiceField(
        queryset=None,
        required=False,
        label=_("Tandem (for the mentor of one tandem)"),
        empty_label=_("– choose a tandem –"),
    )
    subject = SingleLineFormField(label=_("Subject"), max_length=SUBJECT_MAX)
    body = MultiLineFormField(
        label=_("Text"), max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 10})
    )
    essential = forms.BooleanField(
        label=_("Essential: this message is about the tandem itself"),
        required=False,
        help_text=_(
            "Only for mentors: an essential message reaches them even if they switched off "
            "messages from their programs, and it has no unsubscribe link. Everything else "
            "(news, invitations, thanks) is not essential."
        ),
    )
    key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, program: Program, **kwargs):
        super().__init__(*args, **kwargs)
        self.program = program
        self.fields["stage"].queryset = program.pipeline_stages.all()
        self.fields["tandem"].queryset = (
            Tandem.objects.current()
            .filter(program=program)
            .select_related("mentee", "mentor", "mentor__volunteer_profile")
            .order_by("mentee__first_name", "pk")
        )
        if not self.is_bound:
            self.initial.setdefault("key", uuid.uuid4())

    def clean(self):
        data = super().clean()
        audience = data.get("audience")
        if audience == Audience.STAGE and not data.get("stage"):
            self.add_error("stage", _("Please choose the stage whose applicants get the message."))
        if audience == Audience.TANDEM and not data.get("tandem"):
            self.add_error("tandem", _("Please choose the tandem whose mentor gets the message."))
        if audience == Audience.STAGE and data.get("essential"):
            self.add_error(
                "essential",
                _("A message to applicants is not about a tandem: it cannot be essential."),
            )
        if not data.get("key"):
            data["key"] = uuid.uuid4()
        return data

    @property
    def chosen(self) -> dict:
        """What the selector and the service need of the group."""
        data = self.cleaned_data
        audience = data["audience"]
        return {
            "audience": audience,
            "stage": data.get("stage") if audience == Audience.STAGE else None,
            "tandem": data.get("tandem") if audience == Audience.TANDEM else None,
        }


class TodoForm(forms.Form):
    # A to-do about an application or a mentee is that person's data: its title goes into their
    # data export (privacy.registry), so the coordinator is told, as for notes.
    title = SingleLineFormField(
        label=_("Task"),
        max_length=200,
        help_text=_(
            "The person the to-do is about receives its title with their data on request "
            "(right of access, Art. 15 GDPR). Write factually."
        ),
    )
    program = forms.ModelChoiceField(queryset=None, label=_("Program"), empty_label=None)
    due_on = forms.DateField(label=_("Due on"), widget=DATE_WIDGET)
    assignee = forms.ChoiceField(label=_("Assigned to"))
    application = forms.IntegerField(widget=forms.HiddenInput, required=False)
    mentee = forms.IntegerField(widget=forms.HiddenInput, required=False)
    tandem = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, programs, coordinators, **kwargs):
        """`programs`: the user's programs; `coordinators`: (user id, name) of all of them (the
        service checks that the assignee coordinates the chosen program)."""
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs
        self.fields["assignee"].choices = coordinators
        self.initial.setdefault("due_on", timezone.localdate())

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if due_on < timezone.localdate():
            raise forms.ValidationError(
                _("The due date lies in the past. Please choose today or a later day.")
            )
        return due_on

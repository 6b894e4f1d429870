"""Forms of match support and concerns; the writes are tandems/services/support.py's."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.text import MultiLineFormField
from tandems.models import SupportContact
from tandems.models.support import CONCERN_TEXT_MAX, SUPPORT_SUMMARY_MAX
from tandems.services import support

SUPPORT_SUMMARY_HELP = _(
    "The program's coordinators see it. It is part of the data of the people the contact was "
    "with, who receive it on request (right of access, Art. 15 GDPR): a contact with the mentor "
    "goes to the mentor, one with the mentee or guardian to them, one with several to both. "
    "Write factually. A worry about someone's safety belongs in a concern instead (“I am "
    "worried”)."
)


class SupportContactForm(forms.Form):
    contacted_on = forms.DateField(
        label=_("Date of the contact"),
        initial=timezone.localdate,
        error_messages={
            "required": _("Please enter the date of the contact."),
            "invalid": _("Please enter a valid date."),
        },
    )
    with_whom = forms.ChoiceField(
        label=_("With whom"),
        choices=SupportContact.With.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose whom you spoke with.")},
    )
    channel = forms.ChoiceField(
        label=_("How"),
        choices=SupportContact.Channel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose how you were in contact.")},
    )
    summary = MultiLineFormField(
        label=_("Short summary"),
        max_length=SUPPORT_SUMMARY_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=SUPPORT_SUMMARY_HELP,
        error_messages={"required": _("Please write a short summary of the contact.")},
    )
    follow_up = forms.BooleanField(label=_("Follow-up needed"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["contacted_on"].widget = forms.DateInput(
            attrs={"type": "date", "max": today.isoformat()}, format="%Y-%m-%d"
        )

    def save(self, *, tandem, by):
        data = self.cleaned_data
        return support.support_contact_log(
            tandem=tandem,
            by=by,
            contacted_on=data["contacted_on"],
            with_whom=data["with_whom"],
            channel=data["channel"],
            summary=data["summary"],
            follow_up=data["follow_up"],
        )


class ConcernForm(forms.Form):
    text = MultiLineFormField(
        label=_("What worries you?"),
        max_length=CONCERN_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Describe what you saw or heard, when and where, as factually as you can. Only the "
            "program's coordinators read it; they are told at once by e-mail (without this text). "
            "In an emergency call 110 or 112 first."
        ),
        error_messages={"required": _("Please describe what worries you.")},
    )


class ConcernCloseForm(forms.Form):
    outcome = MultiLineFormField(
        label=_("What was done?"),
        max_length=CONCERN_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "For example: whom you spoke with, whether an experienced specialist was consulted "
            "(§ 8a SGB VIII) and what was agreed. The concern is then closed."
        ),
        error_messages={
            "required": _("Please write down what was done before you close the concern.")
        },
    )

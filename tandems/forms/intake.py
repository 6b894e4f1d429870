"""Forms that enter or correct people's data: a mentee's intake, an application on paper, a
volunteer's own profile. They validate; saving hands over to tandems.services.intake."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.widgets import DATE_WIDGET
from programs.models import Program
from tandems.forms.application import ApplicationForm, VolunteerProfileForm
from tandems.forms.coordination import MenteeForm
from tandems.models import Channel, ConsentRecord, Mentee, VolunteerProfile
from tandems.services import intake

OFF_THE_PORTAL = [
    (value, label)
    for value, label in Channel.choices
    if value not in (Channel.ONLINE, Channel.IMPORT)
]


class MenteeEditForm(MenteeForm):
    """Every intake field of the registration. A consent already on record is not asked again."""

    def __init__(self, *args, instance: Mentee, consent_version: str, by, **kwargs):
        super().__init__(
            *args,
            instance=instance,
            program=instance.program,
            consent_version=consent_version,
            **kwargs,
        )
        self.by = by
        self.fields["interests"].initial = list(instance.interests.all())
        self.fields["target_groups"].initial = list(instance.target_groups.all())
        active = set(
            instance.consents.filter(withdrawn_at__isnull=True).values_list("scope", flat=True)
        )
        if ConsentRecord.Scope.GUARDIAN in active:
            del self.fields["guardian_consent"]
        if ConsentRecord.Scope.REMINDERS in active:
            del self.fields["reminder_consent"]

    def save(self, commit=True):
        data = self.cleaned_data
        return intake.mentee_update(
            mentee=self.instance,
            by=self.by,
            interests=data["interests"],
            target_groups=data["target_groups"],
            guardian_consent_version=self.consent_version if data.get("guardian_consent") else "",
            reminder_consent_version=self.consent_version if data.get("reminder_consent") else "",
        )


class ProfileForm(VolunteerProfileForm):
    """A volunteer corrects their own profile in "My area"."""

    def __init__(self, *args, instance: VolunteerProfile, **kwargs):
        super().__init__(*args, instance=instance, **kwargs)
        self.fields["interests"].initial = list(instance.interests.all())
        self.fields["preferred_target_groups"].initial = list(
            instance.preferred_target_groups.all()
        )

    def save(self, commit=True, *, by=None):
        data = self.cleaned_data
        self.instance.availability = data["availability"]
        self.instance.preferred_age_groups = data["preferred_age_groups"]
        return intake.volunteer_profile_update(
            profile=self.instance,
            by=by,
            interests=data["interests"],
            target_groups=data["preferred_target_groups"],
        )


class PaperApplicationForm(ApplicationForm):
    """A coordinator enters an application made on paper, by phone or in person."""

    email = forms.EmailField(
        label=_("E-mail address of the applicant"),
        help_text=_(
            "A new account is made for this address. The applicant signs in later with "
            "“Forgot password?”. No e-mail is sent now."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    channel = forms.ChoiceField(label=_("The application came in"), choices=OFF_THE_PORTAL)
    consent_method = forms.ChoiceField(
        label=_("The consent to the privacy notice was given"), choices=OFF_THE_PORTAL
    )
    consent_given_on = forms.DateField(
        label=_("Consent given on"), widget=DATE_WIDGET, initial=timezone.localdate
    )

    def __init__(self, *args, program: Program, privacy_version: str, **kwargs):
        super().__init__(*args, instance=VolunteerProfile(), **kwargs)
        self.program = program
        self.privacy_version = privacy_version
        self.fields["privacy_consent"].label = _(
            "The applicant has received the program's privacy notice (version %(version)s) and "
            "agreed to it."
        ) % {"version": privacy_version}
        self.fields["privacy_consent"].error_messages["required"] = _(
            "Without the applicant's consent the program cannot process the application."
        )
        self.fields["contact_by_other_programs"].label = _(
            "Other programs of the network may contact the applicant if this one has no place."
        )
        self.order_fields(
            [
                "email",
                "channel",
                *VolunteerProfileForm.Meta.fields,
                "heard_from",
                "consent_method",
                "consent_given_on",
                "privacy_consent",
                "contact_by_other_programs",
            ]
        )

    def save(self, commit=True, *, by=None):
        data = self.cleaned_data
        profile = self.instance
        profile.availability = data["availability"]
        profile.preferred_age_groups = data["preferred_age_groups"]
        return intake.paper_application_create(
            program=self.program,
            email=data["email"],
            profile=profile,
            by=by,
            channel=data["channel"],
            consent_method=data["consent_method"],
            consent_given_on=data["consent_given_on"],
            privacy_version=self.privacy_version,
            interests=data["interests"],
            target_groups=data["preferred_target_groups"],
            contact_by_other_programs=data["contact_by_other_programs"],
        )

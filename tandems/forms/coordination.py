"""Forms of the coordinators' screens. They validate; saving hands over to the services."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.text import MultiLineFormField, SingleLineFormField
from core.widgets import DATE_WIDGET
from programs.forms import VocabularyChoiceField
from programs.models import Program, TargetGroup, Topic
from tandems import services
from tandems.models import (
    Application,
    Mentee,
    PipelineStage,
    ProgramTandemSettings,
    availability_slots,
)

# Notes about a person are that person's data (Art. 15 GDPR): "internal" means internal to the
# program, never hidden from the person. Said wherever coordinators write one. A worry about a
# child's safety needs a confidential record instead: a concern (tandems.models.Concern, raised
# from the tandem's page), beside the program's own child protection process.
TANDEM_NOTE_HELP = _(
    "The mentor and the mentee or guardian receive this note with their data (right of access, "
    "Art. 15 GDPR). Write factually. A worry about a child's safety does not belong here: record "
    "it as a concern (“I am worried” on the tandem's page, read only by the program's "
    "coordinators) and follow your program's child protection process (§ 8a SGB VIII)."
)


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError at the fields it names, the rest above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


class ApplicationActionForm(forms.Form):
    """A coordinator's action on one application."""

    def __init__(self, *args, application: Application, **kwargs):
        super().__init__(*args, **kwargs)
        self.application = application


class StageForm(ApplicationActionForm):
    stage = forms.ModelChoiceField(PipelineStage.objects.none(), label=_("Move to stage"))

    def __init__(self, *args, application: Application, **kwargs):
        super().__init__(*args, application=application, **kwargs)
        # Only this program's stages: another program's stage id is not a valid choice.
        self.fields["stage"].queryset = application.program.pipeline_stages.all()
        self.fields["stage"].initial = application.stage_id


class RejectForm(ApplicationActionForm):
    reason = MultiLineFormField(
        label=_("Reason for the rejection"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class NoteForm(ApplicationActionForm):
    text = MultiLineFormField(
        label=_("Note – part of the volunteer's data (Art. 15 GDPR)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "“Internal” means internal to the program, not secret: the volunteer sees every note "
            "on their page “My data” and in their data export (right of access, Art. 15 GDPR). "
            "Write factually. A worry about a child's safety does not belong here: follow your "
            "program's child protection process (§ 8a SGB VIII); once the volunteer is in a "
            "tandem, record it as a concern there (“I am worried”)."
        ),
    )


class ScreeningRecordForm(forms.Form):
    """§ 72a SGB VIII: exactly the allowed facts, no file and no free text."""

    inspected = forms.BooleanField(label=_("Certificate inspected"), required=False)
    certificate_issued_on = forms.DateField(
        label=_("Issue date of the certificate"), widget=DATE_WIDGET
    )
    inspected_on = forms.DateField(
        label=_("Inspection date"), widget=DATE_WIDGET, initial=timezone.localdate
    )
    relevant_entry = forms.BooleanField(label=_("Relevant entry (§ 72a SGB VIII)"), required=False)

    def save(self, *, application: Application, inspected_by):
        return services.screening_record_save(
            program=application.program,
            volunteer=application.volunteer,
            inspected_by=inspected_by,
            **self.cleaned_data,
        )


class MenteeForm(forms.ModelForm):
    interests = VocabularyChoiceField(Topic.objects.all(), label=_("interests"))
    target_groups = VocabularyChoiceField(TargetGroup.objects.all(), label=_("target groups"))
    availability = forms.MultipleChoiceField(
        choices=availability_slots,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("when the mentee can meet"),
    )
    guardian_consent = forms.BooleanField(required=False)
    reminder_consent = forms.BooleanField(
        required=False, label=_("The mentee or guardian agrees to e-mail reminders.")
    )

    class Meta:
        model = Mentee
        fields = [
            "first_name",
            "year_of_birth",
            "postcode",
            "city",
            "languages",
            "interests",
            "target_groups",
            "availability",
            "goals_and_needs",
            "guardian_name",
            "guardian_phone",
            "guardian_email",
            "guardian_consent",
            "reminder_email",
            "reminder_language",
            "reminder_consent",
        ]
        widgets = {"goals_and_needs": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"languages": _("Separated by commas, e.g. Deutsch, Arabisch.")}

    def __init__(self, *args, program: Program, consent_version: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.program = program
        self.consent_version = consent_version
        # Reminders are in German unless the coordinator picks English for the mentee.
        self.fields["reminder_language"].required = False
        self.fields["guardian_consent"].label = _(
            "The guardian has consented (version %(version)s); required for minors."
        ) % {"version": consent_version}

    def clean_postcode(self):
        postcode = self.cleaned_data["postcode"].strip()
        if not (postcode.isdigit() and len(postcode) == 5):
            raise forms.ValidationError(_("A German postcode has five digits."))
        return postcode

    def clean_reminder_language(self):
        return self.cleaned_data["reminder_language"] or settings.LANGUAGE_CODE

    def save(self, commit=True):
        data = self.cleaned_data
        return services.mentee_register(
            mentee=self.instance,
            interests=data["interests"],
            target_groups=data["target_groups"],
            guardian_consent_version=self.consent_version if data["guardian_consent"] else "",
            reminder_consent_version=self.consent_version if data["reminder_consent"] else "",
        )


class TrainingForm(ApplicationActionForm):
    title = SingleLineFormField(label=_("Training"), max_length=200)
    attended_on = forms.DateField(
        label=_("attended on"), widget=DATE_WIDGET, initial=timezone.localdate
    )


class ConductForm(ApplicationActionForm):
    version = SingleLineFormField(label=_("Version of the code of conduct"), max_length=40)
    signed_on = forms.DateField(
        label=_("signed on"), widget=DATE_WIDGET, initial=timezone.localdate
    )


class ProgramTandemSettingsForm(forms.ModelForm):
    class Meta:
        model = ProgramTandemSettings
        fields = [
            "requires_certificate",
            "certificate_max_age_days",
            "reinspection_years",
            "privacy_notice",
            "privacy_notice_version",
            "weight_distance",
            "weight_languages",
            "weight_interests",
            "weight_availability",
            "weight_preferences",
            "weight_waiting",
            "tandem_duration_months",
            "no_contact_days",
            "checkin_interval_months",
            "support_interval_first_year_months",
            "support_interval_later_months",
            "mentors_may_have_several_tandems",
        ]
        widgets = {"privacy_notice": forms.Textarea(attrs={"rows": 6})}

    def save(self, commit=True):
        return services.program_tandem_settings_update(settings=self.instance)

from django import forms
from django.utils.translation import gettext_lazy as _

from programs.forms import VocabularyChoiceField
from programs.models import TargetGroup, Topic
from tandems.models import AgeGroup, VolunteerProfile, availability_slots


class VolunteerProfileForm(forms.ModelForm):
    """The volunteer's profile: filled when applying, corrected later in "My area"."""

    interests = VocabularyChoiceField(Topic.objects.all(), label=_("interests and topics"))
    preferred_target_groups = VocabularyChoiceField(
        TargetGroup.objects.all(), label=_("preferred target groups")
    )
    availability = forms.MultipleChoiceField(
        choices=availability_slots,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("when you can meet"),
    )
    preferred_age_groups = forms.MultipleChoiceField(
        choices=AgeGroup.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("preferred age of the mentee"),
    )

    class Meta:
        model = VolunteerProfile
        fields = [
            "name",
            "form_of_address",
            "year_of_birth",
            "phone",
            "postcode",
            "city",
            "languages",
            "interests",
            "availability",
            "preferred_age_groups",
            "preferred_target_groups",
            "motivation",
        ]
        widgets = {
            "motivation": forms.Textarea(attrs={"rows": 5}),
            "year_of_birth": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "postcode": forms.TextInput(
                attrs={"inputmode": "numeric", "autocomplete": "postal-code"}
            ),
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
        }

    def clean_postcode(self):
        postcode = self.cleaned_data["postcode"].strip()
        if not (postcode.isascii() and postcode.isdigit() and len(postcode) == 5):
            raise forms.ValidationError(_("A German postcode has five digits."))
        return postcode


class ApplicationForm(VolunteerProfileForm):
    """The volunteer's profile (reused for every program) and the consents of this application."""

    privacy_consent = forms.BooleanField(
        label=_("I have read the program's privacy notice and agree to it."),
        error_messages={
            "required": _("Without your consent the program cannot process your application.")
        },
    )
    contact_by_other_programs = forms.BooleanField(
        required=False,
        label=_("Other programs of the network may contact me if this one has no place."),
    )

    class Meta(VolunteerProfileForm.Meta):
        fields = [*VolunteerProfileForm.Meta.fields, "heard_from"]

"""The network staff's forms (/netzwerk/): organisations, programs with every field, the
coordinator role and invitations. Saving hands over to the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from . import invitations, services
from .forms import ProgramListingForm, VocabularyChoiceField
from .models import FundingBadge, Organization, Program


class OrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["name", "description", "website", "street", "postcode", "city"]
        fields += ["is_network_member"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def clean_postcode(self):
        postcode = self.cleaned_data["postcode"].strip()
        if postcode and (not (postcode.isascii() and postcode.isdigit()) or len(postcode) != 5):
            raise forms.ValidationError(_("A German postcode has five digits."))
        return postcode

    def save(self, commit=True):
        return services.organization_save(organization=self.instance)


class StaffProgramForm(ProgramListingForm):
    """Every field of a listing, as network staff keep it: the coordinator's fields plus the
    organisation, the external ID and the funding badges. Saved at once, no proposal."""

    funding_badges = VocabularyChoiceField(FundingBadge.objects.all(), label=_("funding badges"))

    class Meta(ProgramListingForm.Meta):
        fields = ["organization", "external_id", *services.EDITABLE_FIELDS, "funding_badges"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.order_by("name")

    def save(self, commit=True):
        program = self.instance
        if program.pk is not None and (
            self.initial.get("postcode") != program.postcode
            or self.initial.get("city") != program.city
        ):
            # A new address with the old coordinates or Land is located afresh (as program_edit).
            if (program.latitude, program.longitude) == (
                self.initial.get("latitude"),
                self.initial.get("longitude"),
            ):
                program.latitude = program.longitude = None
            if program.state == self.initial.get("state"):
                program.state = ""
        m2m = {
            field: self.cleaned_data[field]
            for field in ("target_groups", "topics", "formats", "funding_badges")
        }
        return services.program_staff_save(program=program, m2m=m2m)


class CoordinatorGrantForm(forms.Form):
    """Make an existing account a coordinator, by its (verified) e-mail address."""

    email = forms.EmailField(label=_("E-mail address of the account"), max_length=254)

    def clean_email(self):
        email = invitations.normalise_email(self.cleaned_data["email"])
        self.user = invitations.account_of(email)
        if self.user is None:
            raise forms.ValidationError(
                _("No active account has this verified address. Send an invitation instead.")
            )
        return email


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address to invite"), max_length=254)


class InvitationAcceptForm(forms.Form):
    """Accept with a new account: the address is the invited one; a name and a password."""

    name = forms.CharField(label=_("Your name"), max_length=150)
    password1 = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Please enter your name."))
        return name

    def clean(self):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.password_validation import validate_password

        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            user = get_user_model()(email=self.email, name=cleaned.get("name", ""))
            try:
                validate_password(first, user=user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned



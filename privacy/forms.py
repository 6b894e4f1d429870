from django import forms
from django.utils.translation import gettext_lazy as _

from tandems import services as tandem_services
from tandems.models import ProgramTandemSettings


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=_("I understand that my account and my data will be deleted and cannot be restored."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not correct."))
        return password


class MenteeEraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I have checked the request: erase this mentee's data now."),
    )


class RetentionForm(forms.ModelForm):
    class Meta:
        model = ProgramTandemSettings
        fields = [
            "retention_applications_months",
            "retention_people_months",
            "retention_registrations_months",
            "retention_concerns_months",
        ]

    def save(self, commit=True):
        return tandem_services.program_tandem_settings_update(settings=self.instance)

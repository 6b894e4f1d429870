from django import forms
from django.utils.translation import gettext_lazy as _

from core.text import MultiLineFormField, SingleLineFormField
from events.models import Registration

# The version of the privacy notice shown beside the form (templates/events/registration_form.html);
# a registration records the version it agreed to. Change both together.
REGISTRATION_PRIVACY_VERSION = "2026-12b"


class RegistrationForm(forms.Form):
    name = SingleLineFormField(
        label=_("Name"), max_length=Registration._meta.get_field("name").max_length
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("We send the link to confirm your registration to this address."),
    )
    accessibility_needs = MultiLineFormField(
        label=_("Accessibility needs (optional)"),
        max_length=Registration._meta.get_field("accessibility_needs").max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=Registration._meta.get_field("accessibility_needs").help_text,
    )
    consent = forms.BooleanField(
        label=_("I have read the privacy notice and agree that my details are stored for this."),
        error_messages={"required": _("Please agree to the privacy notice to register.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"


def add_service_errors(form: forms.Form, error) -> None:
    """Show a service's ValidationError at the fields it names, the rest above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)

from django import forms
from django.conf import settings
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from .models import NotificationSettings


class NotificationSettingsForm(forms.ModelForm):
    """The person's choices, with the language of all their mails (kept on the account)."""

    language = forms.ChoiceField(
        label=_("Language of the e-mails"),
        # Each language in its own name: "Deutsch", "English".
        choices=[
            (code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES
        ],
        help_text=_("All e-mails of the portal to you come in this language."),
    )

    class Meta:
        model = NotificationSettings
        fields = [
            "meeting_lead_hours",
            "checkin_reminders",
            "coordinator_digest",
            "listing_reminders",
            "application_mail",
            "program_messages",
        ]
        widgets = {"meeting_lead_hours": forms.RadioSelect, "application_mail": forms.RadioSelect}
        labels = {
            "meeting_lead_hours": _("Reminder before a meeting"),
            "checkin_reminders": _("Remind me of check-ins that are due"),
            "coordinator_digest": _("Weekly overview of what needs action"),
            "listing_reminders": _("Yearly reminder to review the listings"),
            "application_mail": _("New applications to my programs"),
            "program_messages": _("Messages from the coordinators of my programs"),
        }
        help_texts = {
            "meeting_lead_hours": _(
                "Before each planned meeting of your tandem, with the meeting as a calendar "
                "file. “1 day before” comes at the same time of day as the meeting."
            ),
            "checkin_reminders": _(
                "On the morning a check-in of your tandem is due, with a link to answer it."
            ),
            "coordinator_digest": _(
                "Every Monday morning: tandems without a meeting for a while, check-ins due, "
                "tandems ending soon, waiting applications and § 72a re-inspections due. Sent "
                "only in weeks when something needs action."
            ),
            "listing_reminders": _(
                "Once a year for each program whose listing has not been reviewed for 12 months."
            ),
            "application_mail": _(
                "An e-mail as soon as someone applies, or the week's new applications listed in "
                "the weekly overview (which must then be switched on)."
            ),
            "program_messages": _(
                "News and invitations your coordinators write to a group of volunteers. Messages "
                "about your tandem itself always reach you and cannot be switched off, nor can "
                "the e-mails about your application and your tandem (proposed, started, ended)."
            ),
        }

    def __init__(self, *args, user, coordinator: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["language"].initial = user.language
        if not coordinator:
            del self.fields["coordinator_digest"]
            del self.fields["listing_reminders"]
            del self.fields["application_mail"]

    def save(self, commit=True):
        settings_ = super().save(commit=commit)
        self.user.language = self.cleaned_data["language"]
        if commit:
            self.user.save(update_fields=["language"])
        return settings_

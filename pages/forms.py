"""The forms of the editorial pages, the funders and partners and the contact people, used by
the staff's pages (pages/staff_views.py) and the admin alike. Saving goes through
pages.services."""

from django import forms
from django.contrib.flatpages.models import FlatPage
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.text import MultiLineFormField, SingleLineFormField

from . import services
from .models import LEGAL_SLUGS, ContactPerson, Partner

LEGAL_URLS = ", ".join(f"/{slug}/" for slug in LEGAL_SLUGS)


class PageForm(forms.ModelForm):
    published = forms.BooleanField(
        label=_("published"),
        required=False,
        initial=True,
        help_text=_("Unpublished pages answer “not found”. Legal pages are always online."),
    )
    position = forms.IntegerField(
        label=_("position in the menu"),
        min_value=0,
        max_value=32767,
        initial=0,
        help_text=_("Smaller numbers come first."),
    )

    class Meta:
        model = FlatPage
        fields = ["url", "title", "content"]
        # Django's own model: cleaned here and in services.page_save, like the portal's fields.
        field_classes = {
            "url": SingleLineFormField,
            "title": SingleLineFormField,
            "content": MultiLineFormField,
        }
        help_texts = {
            "content": _(
                "Markdown: **bold**, *italic*, [link](https://…), lists with “- ”, headings "
                "with “## ”. Scripts and styles are removed when the page is shown."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Filled in here, in the request's language: a lazy text formatted at import time is
        # German for good.
        self.fields["url"].help_text = gettext(
            "German page: /name/, English page: /en/name/ (e.g. /kontakt/ and /en/kontakt/). "
            "An English page that does not exist shows the German text with a notice. "
            "Legal pages: %(legal)s (and /en/…); without a text here they show the "
            "portal's default text."
        ) % {"legal": LEGAL_URLS}
        page_settings = getattr(self.instance, "page_settings", None) if self.instance.pk else None
        if page_settings is not None:
            self.fields["published"].initial = page_settings.published
            self.fields["position"].initial = page_settings.position

    def clean(self):
        data = super().clean()
        if data.get("url"):
            self.instance.url = data["url"]
            try:
                services.page_validate(page=self.instance, published=data.get("published", True))
            except ValidationError as error:
                self.add_error(None, error)
        return data

    def save(self, commit=True):
        page = super().save(commit=False)
        if commit:
            services.page_save(
                page=page,
                published=self.cleaned_data["published"],
                position=self.cleaned_data["position"],
            )
        return page


class PartnerForm(forms.ModelForm):
    class Meta:
        model = Partner
        fields = ["name", "kind", "logo", "logo_alt", "url", "position", "published"]
        widgets = {
            "logo": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        }

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo and "logo" in self.changed_data:
            # Checked here so the message sits at the field; partner_save encodes it anew.
            try:
                services.logo_process(logo)
            except ValidationError as error:
                raise ValidationError(error.message_dict["logo"]) from error
        return logo

    def save(self, commit=True):
        partner = super().save(commit=False)
        if commit:
            logo = self.cleaned_data["logo"] if "logo" in self.changed_data else None
            services.partner_save(partner=partner, logo=logo)
        return partner


class ContactPersonForm(forms.ModelForm):
    class Meta:
        model = ContactPerson
        fields = ["name", "role", "email", "phone", "position", "published"]

    def save(self, commit=True):
        person = super().save(commit=False)
        if commit:
            services.contact_person_save(person=person)
        return person

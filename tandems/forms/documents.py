"""The upload of a document on a volunteer, a mentee or a tandem. The file itself is checked by
tandems.services.documents (its content, not its name)."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.text import SingleLineFormField
from tandems.models import Document


class DocumentForm(forms.Form):
    # Prefixed: the record's page has other forms with a "title" or a "kind".
    prefix = "document"

    title = SingleLineFormField(
        label=_("Title"),
        max_length=150,
        help_text=_("For example “Tandem agreement, signed”."),
    )
    kind = forms.ChoiceField(label=_("Kind of document"), choices=Document.Kind.choices)
    file = forms.FileField(
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
        help_text=_(
            "Part of the person's data: it is listed in their data export and deleted with "
            "their record. Images are saved without their metadata (e.g. location)."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = _("File (PDF, JPEG or PNG, at most %(size)d MB)") % {
            "size": settings.DOCUMENT_MAX_BYTES // (1024 * 1024)
        }

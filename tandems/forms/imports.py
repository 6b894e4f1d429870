"""The people import's forms: the upload, and the mapping of the file's columns."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tandems import imports

KIND_CHOICES = [(kind, label) for kind, label in imports.KINDS.items()]
IGNORE = ""


class PeopleImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=KIND_CHOICES)
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (UTF-8 or Windows-1252, separated by ; or ,) or XLSX, at most 10 MB."),
    )


class PeopleImportMappingForm(forms.Form):
    """One choice per column of the file: a known column, or ignore it."""

    partial = forms.BooleanField(
        label=_("Import the good rows only"),
        required=False,
        help_text=_("Without this, one wrong row stops the whole import and nothing is written."),
    )

    def __init__(self, *args, kind: str, headers: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.headers = [header for header in headers if header]
        automatic = imports.auto_mapping(kind, self.headers)
        choices = [(IGNORE, _("(ignore)"))] + [
            (column.key, column.header) for column in imports.columns_of(kind)
        ]
        self.column_fields = []
        for index, header in enumerate(self.headers):
            name = f"column_{index}"
            self.fields[name] = forms.ChoiceField(
                label=header, choices=choices, required=False, initial=automatic.get(header, "")
            )
            self.column_fields.append(name)
        # The checkbox after the columns.
        self.fields["partial"] = self.fields.pop("partial")

    def clean(self):
        cleaned = super().clean()
        chosen = [cleaned.get(name) for name in self.column_fields if cleaned.get(name)]
        if len(chosen) != len(set(chosen)):
            raise forms.ValidationError(_("Two file columns are mapped to the same column."))
        return cleaned

    def mapping(self) -> dict[str, str]:
        return {
            header: self.cleaned_data[name]
            for header, name in zip(self.headers, self.column_fields, strict=True)
            if self.cleaned_data.get(name)
        }

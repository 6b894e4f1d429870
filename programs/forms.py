from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.text import MultiLineFormField

from . import gazetteer
from .imports import COLUMNS
from .models import Format, Program, TargetGroup, Topic
from .services import EDITABLE_FIELDS, program_edit


class VocabularyChoiceField(forms.ModelMultipleChoiceField):
    """Terms of an editable vocabulary as optional checkboxes, labelled in the current language."""

    def __init__(self, queryset, **kwargs):
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        kwargs.setdefault("required", False)
        super().__init__(queryset, **kwargs)

    def clean(self, value):
        # An id beyond a 64-bit integer names no term, and SQLite cannot even look it up (an
        # OverflowError, a 500): refused as any other id that is not among the choices.
        for pk in value if isinstance(value, list | tuple) else ():
            text = str(pk).strip()
            # str.isdigit() is true for "²" too, which int() refuses: ASCII digits only.
            digits = text.lstrip("+-")
            if digits.isascii() and digits.isdigit() and not -(2**63) <= int(text) < 2**63:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super().clean(value)

    def label_from_instance(self, obj):
        return obj.label


class ProgramListingForm(forms.ModelForm):
    """The listing as a coordinator edits it. Saving hands over to program_edit(), which decides
    whether the change goes live at once (unpublished) or waits for review (published)."""

    target_groups = VocabularyChoiceField(TargetGroup.objects.all(), label=_("target groups"))
    topics = VocabularyChoiceField(Topic.objects.all(), label=_("topics"))
    formats = VocabularyChoiceField(Format.objects.all(), label=_("formats"))

    class Meta:
        model = Program
        fields = EDITABLE_FIELDS
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 8}),
            "how_to_join": forms.Textarea(attrs={"rows": 4}),
            "latitude": forms.NumberInput(attrs={"step": "0.0001"}),
            "longitude": forms.NumberInput(attrs={"step": "0.0001"}),
        }
        help_texts = {
            "latitude": _("Filled from the postcode; correct it by dragging the marker."),
        }

    def clean_postcode(self):
        postcode = self.cleaned_data["postcode"].strip()
        if postcode and (not (postcode.isascii() and postcode.isdigit()) or len(postcode) != 5):
            raise forms.ValidationError(_("A German postcode has five digits."))
        if postcode and gazetteer.lookup(postcode) is None:
            raise forms.ValidationError(
                _("We do not know the postcode %(postcode)s. Please check it."),
                params={"postcode": postcode},
            )
        return postcode

    def clean(self):
        cleaned = super().clean()
        age_min, age_max = cleaned.get("age_min"), cleaned.get("age_max")
        if age_min is not None and age_max is not None and age_min > age_max:
            self.add_error("age_max", _("The maximum age must not be below the minimum age."))
        if (cleaned.get("latitude") is None) != (cleaned.get("longitude") is None):
            self.add_error("longitude", _("Please give both coordinates or none."))
        return cleaned

    def save(self, *, user):
        values = {field: self.cleaned_data[field] for field in EDITABLE_FIELDS}
        return program_edit(program=self.instance, values=values, user=user)


class ReasonForm(forms.Form):
    reason = MultiLineFormField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Shown to the program's coordinators."),
    )


class ImportUploadForm(forms.Form):
    """Step 1 of the browser import: the file. Its content is checked by core/tabular.py."""

    file = forms.FileField(
        label=_("File"),
        help_text=_("A CSV file or an Excel workbook (.xlsx), with a header row."),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".csv,.txt,.xlsx,text/csv,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )


class ImportMappingForm(forms.Form):
    """Step 2: for each column of the file, the import's column it holds, or none."""

    def __init__(self, *args, headers: list[str], mapping: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("– leave out –"))] + [
            (column.header, column.header) for column in COLUMNS
        ]
        self.headers = [header for header in headers if header]
        for index, header in enumerate(self.headers):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=header, choices=choices, required=False, initial=mapping.get(header, "")
            )

    def clean(self):
        cleaned = super().clean()
        seen: dict[str, str] = {}
        for index, header in enumerate(self.headers):
            column = cleaned.get(f"column_{index}")
            if not column:
                continue
            if column in seen:
                self.add_error(
                    f"column_{index}",
                    _("“%(column)s” is already given to the file's column “%(other)s”.")
                    % {"column": column, "other": seen[column]},
                )
            seen[column] = header
        for column in COLUMNS:
            if column.required and column.header not in seen and not self.errors:
                self.add_error(
                    None,
                    _("Please choose the file's column for “%(column)s”: it is required.")
                    % {"column": column.header},
                )
        return cleaned

    def mapping(self) -> dict[str, str]:
        return {
            header: self.cleaned_data.get(f"column_{index}") or ""
            for index, header in enumerate(self.headers)
        }


class ImportConfirmForm(forms.Form):
    """Step 3: import, all rows or nothing unless the valid rows only are asked for."""

    partial = forms.BooleanField(
        label=_("Import the valid rows only and skip the rows with errors"), required=False
    )

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.text import MultiLineFormField, SingleLineFormField

from . import gazetteer
from .imports import COLUMNS
from .invitations import account_of, normalise_email
from .models import Format, FundingBadge, Organization, Program, TargetGroup, Topic
from .services import (
    EDITABLE_FIELDS,
    organization_save,
    program_edit,
    program_image_process,
    program_propose,
    program_staff_save,
)


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
                label=header,
                choices=choices,
                required=False,
                initial=mapping.get(header, ""),
                # The import's column headers are the file format's German names, in every
                # language (docs/import.md): not for translating, by the portal or a browser.
                widget=forms.Select(attrs={"translate": "no"}),
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


# A new program is located from its postcode (the map to correct it is on the edit page), and
# has no image yet to describe.
PROPOSAL_FIELDS = [
    field for field in EDITABLE_FIELDS if field not in {"latitude", "longitude", "image_alt"}
]


class ProgramProposalForm(ProgramListingForm):
    """A coordinator proposes a new program: the listing's fields and its organisation, one of
    the organisations of their programs or a new name. Another organisation's id is not among the
    choices ("select a valid choice")."""

    organization = forms.ModelChoiceField(
        Organization.objects.none(),
        label=_("organisation"),
        required=False,
        empty_label=_("– a new organisation –"),
    )
    new_organization = SingleLineFormField(
        label=_("name of a new organisation"),
        max_length=200,
        required=False,
        help_text=_("Only if the organisation is not in the list above."),
    )

    class Meta(ProgramListingForm.Meta):
        fields = PROPOSAL_FIELDS

    field_order = ["organization", "new_organization", "name"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["organization"].queryset = Organization.objects.filter(
            programs__memberships__user=user
        ).distinct()

    def clean(self):
        cleaned = super().clean()
        organization = cleaned.get("organization")
        name = " ".join(cleaned.get("new_organization", "").split())
        if organization is None and not name and "organization" not in self.errors:
            self.add_error(
                "new_organization",
                _("Please choose an organisation or give the name of a new one."),
            )
        elif organization is not None and name:
            self.add_error(
                "new_organization",
                _("Please either choose an organisation or give a new name, not both."),
            )
        cleaned["new_organization"] = name
        return cleaned

    def save(self):
        values = {field: self.cleaned_data.get(field) for field in PROPOSAL_FIELDS}
        values.update(latitude=None, longitude=None, image_alt="")
        return program_propose(
            user=self.user,
            values=values,
            organization=self.cleaned_data["organization"],
            organization_name=self.cleaned_data["new_organization"],
        )


class ReasonForm(forms.Form):
    reason = MultiLineFormField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Shown to the program's coordinators."),
    )


# --- The network staff's forms (/netzwerk/): organisations, programs with every field, the
# coordinator role and invitations. Saving hands over to the services.


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
        return organization_save(organization=self.instance)


class StaffProgramForm(ProgramListingForm):
    """Every field of a listing, as network staff keep it: the coordinator's fields plus the
    organisation, the external ID and the funding badges. Saved at once, no proposal."""

    funding_badges = VocabularyChoiceField(FundingBadge.objects.all(), label=_("funding badges"))

    class Meta(ProgramListingForm.Meta):
        fields = ["organization", "external_id", *EDITABLE_FIELDS, "image", "funding_badges"]

    def clean_image(self):
        """A new image is checked and re-encoded (JPEG, PNG or WebP, no metadata), as in the
        admin."""
        image = self.cleaned_data.get("image")
        if image and "image" in self.changed_data:
            try:
                return program_image_process(image)
            except ValidationError as error:
                raise ValidationError(error.message_dict["image"]) from error
        return image

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
        return program_staff_save(program=program, m2m=m2m)


class CoordinatorGrantForm(forms.Form):
    """Make an existing account a coordinator, by its (verified) e-mail address."""

    email = forms.EmailField(label=_("E-mail address of the account"), max_length=254)

    def clean_email(self):
        email = normalise_email(self.cleaned_data["email"])
        self.user = account_of(email)
        if self.user is None:
            raise forms.ValidationError(
                _("No active account has this verified address. Send an invitation instead.")
            )
        return email


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address to invite"), max_length=254)


class InvitationAcceptForm(forms.Form):
    """Accept with a new account: the address is the invited one; a name and a password."""

    name = SingleLineFormField(label=_("Your name"), max_length=150)
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

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.selectors import user_by_verified_address

from . import services
from .models import (
    Format,
    FundingBadge,
    Organization,
    Program,
    ProgramChange,
    ProgramCoordinator,
    TargetGroup,
    Topic,
)


@admin.register(TargetGroup, Topic, Format, FundingBadge)
class VocabularyAdmin(admin.ModelAdmin):
    list_display = ["name_de", "name_en", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name_de"]}
    search_fields = ["name_de", "name_en"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "is_network_member"]
    list_filter = ["is_network_member"]
    search_fields = ["name", "city"]
    prepopulated_fields = {"slug": ["name"]}


class ProgramCoordinatorForm(forms.ModelForm):
    """A grant names the account by its confirmed address, as under /netzwerk/programme/."""

    email = forms.EmailField(
        label=_("e-mail address"),
        help_text=_("The address the person has confirmed in their account."),
    )

    class Meta:
        model = ProgramCoordinator
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["email"].initial = self.instance.user.email
            self.fields["email"].disabled = True

    def clean_email(self):
        if self.instance.pk:
            return self.instance.user.email
        user = user_by_verified_address(self.cleaned_data["email"])
        if user is None:
            raise ValidationError(
                _(
                    "No account has confirmed this address. Ask the person to sign up (or to "
                    "confirm the address) first."
                )
            )
        self.instance.user = user
        return user.email


class ProgramCoordinatorInline(admin.TabularInline):
    """Grants and revocations go through programs.services: audited, and mailed to the others."""

    model = ProgramCoordinator
    form = ProgramCoordinatorForm
    fields = ["email", "created_at"]
    readonly_fields = ["created_at"]
    extra = 0


def _run(modeladmin, request, queryset, service, done):
    changed = 0
    for program in queryset:
        try:
            service(program=program)
            changed += 1
        except ValidationError as error:
            modeladmin.message_user(
                request, f"{program}: {' '.join(error.messages)}", messages.ERROR
            )
    if changed:
        modeladmin.message_user(request, done % {"count": changed}, messages.SUCCESS)


class ProgramAdminForm(forms.ModelForm):
    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image and "image" in self.changed_data:
            # Stored as encoded anew: checked, made smaller, without metadata.
            try:
                return services.program_image_process(image)
            except ValidationError as error:
                raise ValidationError(error.message_dict["image"]) from error
        return image


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    form = ProgramAdminForm
    list_display = ["name", "organization", "city", "state", "status", "last_reviewed_at"]
    list_filter = ["status", "state", "availability", "reach", "target_groups", "topics"]
    list_select_related = ["organization"]
    search_fields = ["name", "organization__name", "city", "postcode"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["organization"]
    filter_horizontal = ["target_groups", "topics", "formats", "funding_badges"]
    readonly_fields = ["created_at", "updated_at", "submitted_by"]
    inlines = [ProgramCoordinatorInline]
    actions = ["publish", "archive"]

    def save_formset(self, request, form, formset, change):
        if formset.model is not ProgramCoordinator:
            return super().save_formset(request, form, formset, change)
        deleted = [inline for inline in formset.deleted_forms if inline.instance.pk]
        for inline in deleted:
            services.coordinator_revoke(membership=inline.instance, by=request.user)
        for inline in formset.forms:
            if inline in formset.deleted_forms or inline.instance.pk or not inline.has_changed():
                continue
            try:
                services.coordinator_grant(
                    program=form.instance, user=inline.instance.user, by=request.user
                )
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
        formset.new_objects, formset.changed_objects = [], []
        formset.deleted_objects = [inline.instance for inline in deleted]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Coordinates, Bundesland and search text follow the address and vocabularies.
        services.program_save(program=form.instance)

    @admin.action(description=_("Publish the selected programs"))
    def publish(self, request, queryset):
        def publish(*, program):
            return services.program_publish(program=program, by=request.user)

        _run(self, request, queryset, publish, _("%(count)s programs published."))

    @admin.action(description=_("Archive the selected programs"))
    def archive(self, request, queryset):
        _run(self, request, queryset, services.program_archive, _("%(count)s programs archived."))


@admin.register(ProgramChange)
class ProgramChangeAdmin(admin.ModelAdmin):
    list_display = ["program", "status", "submitted_by", "submitted_at", "reviewed_at"]
    list_filter = ["status"]
    list_select_related = ["program", "submitted_by"]
    readonly_fields = [
        "program",
        "data",
        "submitted_by",
        "submitted_at",
        "reviewed_by",
        "reviewed_at",
    ]
    actions = ["approve"]

    @admin.action(description=_("Approve the selected changes"))
    def approve(self, request, queryset):
        for change in queryset:
            try:
                services.program_change_approve(change=change, user=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)

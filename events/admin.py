"""The admin of the calendar (operators; network staff use /koordination/veranstaltungen/):
the vocabularies and events, publish and cancel.

Every write goes through the services (validation, gazetteer, Markdown, SEQUENCE). The people
who registered are personal data: the admin shows how many there are, not who.
"""

import copy
from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.forms.models import construct_instance
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.forms.event import https_formfield

from . import services
from .models import Audience, Event, EventType, Registration


@admin.register(EventType, Audience)
class VocabularyAdmin(admin.ModelAdmin):
    list_display = ["name_de", "name_en", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name_de"]}
    search_fields = ["name_de", "name_en"]


FIELDSETS = [
    (None, {"fields": ["title", "slug", "summary", "description", "event_type", "audiences"]}),
    (
        _("When"),
        {"fields": ["starts_at", "ends_at", "all_day", "recurrence", "exdates"]},
    ),
    (
        _("Where"),
        {"fields": ["mode", "venue", "street", "postcode", "city", "state", "online_url"]},
    ),
    (_("Organiser"), {"fields": ["program", "organization"]}),
    (
        _("Accessibility, cost and language"),
        {
            "fields": [
                "step_free",
                "sign_language",
                "live_captions",
                "livestream",
                "childcare",
                "accessibility_note",
                "cost",
                "language",
            ]
        },
    ),  # fmt: skip
    (
        _("Registration"),
        {"fields": ["registration", "registration_url", "capacity", "registration_closes_at"]},
    ),
    (_("Moderation"), {"fields": ["status", "review_note"]}),
]


class EventAdminForm(forms.ModelForm):
    class Meta:
        model = Event
        formfield_callback = https_formfield
        fields = [name for _title, options in FIELDSETS for name in options["fields"]]

    def clean(self):
        data = super().clean()
        if data.get("starts_at") is None or data.get("ends_at") is None:
            return data
        # The checks of event_save (its private helper, on an unsaved copy) shown at the fields
        # before anything is saved; all-day dates normalised as event_save does. A field with an
        # error here is left out of the model's own checks, so the message is this one.
        event = construct_instance(self, copy.copy(self.instance), self._meta.fields)
        if event.all_day:
            first = timezone.localtime(event.starts_at).date()
            last = timezone.localtime(event.ends_at - timedelta(seconds=1)).date()
            event.starts_at, event.ends_at = services.all_day_span(first, max(first, last))
        try:
            services.event_validate(event=event)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                self.add_error(name if name in self.fields else None, messages)
        return data


def _run(modeladmin, request, queryset, service, done):
    changed = 0
    for event in queryset:
        try:
            service(event=event, by=request.user)
            changed += 1
        except ValidationError as error:
            modeladmin.message_user(request, f"{event}: {' '.join(error.messages)}", messages.ERROR)
    if changed:
        modeladmin.message_user(request, done % {"count": changed}, messages.SUCCESS)


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    form = EventAdminForm
    fieldsets = [
        *FIELDSETS,
        (
            _("Record"),
            {
                "fields": [
                    "sequence",
                    "latitude",
                    "longitude",
                    "created_by",
                    "created_at",
                    "updated_at",
                ]
            },
        ),  # fmt: skip
    ]
    list_display = [
        "title", "starts_at", "event_type", "organiser", "city", "status", "registrations_count",
    ]  # fmt: skip
    list_filter = ["status", "event_type", "mode", "state", "registration"]
    list_select_related = ["event_type", "program", "organization"]
    search_fields = ["title", "slug", "city", "program__name", "organization__name"]
    date_hierarchy = "starts_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["program", "organization"]
    filter_horizontal = ["audiences"]
    readonly_fields = [
        "sequence",
        "latitude",
        "longitude",
        "created_by",
        "created_at",
        "updated_at",
    ]
    actions = ["publish", "cancel"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs.setdefault("assume_scheme", "https")
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_queryset(self, request):
        active = Q(
            registrations__status__in=[Registration.Status.CONFIRMED, Registration.Status.WAITING]
        )
        return (
            super()
            .get_queryset(request)
            .annotate(active_registrations=Count("registrations", filter=active))
        )

    @admin.display(description=_("organiser"))
    def organiser(self, event):
        return event.organiser_name

    @admin.display(description=_("registrations"), ordering="active_registrations")
    def registrations_count(self, event):
        return event.active_registrations

    def save_model(self, request, obj, form, change):
        # Audiences follow in save_related, as the admin saves many-to-many fields after the row.
        services.event_save(event=obj, by=request.user)

    @admin.action(description=_("Publish the selected events"))
    def publish(self, request, queryset):
        _run(self, request, queryset, services.event_publish, _("%(count)s events published."))

    @admin.action(description=_("Cancel the selected events"))
    def cancel(self, request, queryset):
        _run(self, request, queryset, services.event_cancel, _("%(count)s events cancelled."))

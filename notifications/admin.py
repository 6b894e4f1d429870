"""The outbox for operators: counts by state, the failed rows with their error, a retry."""

from django.contrib import admin, messages
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import Notification, NotificationSettings


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["kind", "recipient", "due_at", "state", "attempts", "sent_at", "error"]
    list_filter = ["state", "kind"]
    search_fields = ["recipient", "error"]
    date_hierarchy = "due_at"
    ordering = ["-due_at", "-pk"]
    actions = ["retry"]
    list_select_related = ["content_type"]
    readonly_fields = [field.name for field in Notification._meta.fields if field.name != "id"]
    change_list_template = "admin/notifications/notification/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        counts = dict(
            Notification.objects.order_by()
            .values("state")
            .annotate(n=Count("pk"))
            .values_list("state", "n")
        )
        extra_context = {
            **(extra_context or {}),
            "state_counts": [
                (value, label, counts.get(value, 0)) for value, label in Notification.State.choices
            ],
        }
        return super().changelist_view(request, extra_context=extra_context)

    @admin.action(description=_("Try the selected failed notifications again"))
    def retry(self, request, queryset):
        retried = services.retry(queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d notification will be sent again.",
                "%(count)d notifications will be sent again.",
                retried,
            )
            % {"count": retried},
            messages.SUCCESS,
        )


@admin.register(NotificationSettings)
class NotificationSettingsAdmin(admin.ModelAdmin):
    list_display = ["user", "meeting_lead_hours", "checkin_reminders", "coordinator_digest"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]

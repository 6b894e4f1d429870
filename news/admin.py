"""The admin of the news (operators; network staff use /netzwerk/): items written, reviewed and
published. Writes go through the services (Markdown rendering, slug checks); proposals of
coordinators are the items "in review"."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import services
from .models import NewsItem, NewsTag


@admin.register(NewsTag)
class NewsTagAdmin(admin.ModelAdmin):
    list_display = ["name_de", "name_en", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name_de"]}
    search_fields = ["name_de", "name_en"]


def _run(modeladmin, request, queryset, service, done):
    changed = 0
    for item in queryset:
        try:
            service(item=item, by=request.user)
            changed += 1
        except ValidationError as error:
            modeladmin.message_user(request, f"{item}: {' '.join(error.messages)}", messages.ERROR)
    if changed:
        modeladmin.message_user(request, done % {"count": changed}, messages.SUCCESS)


@admin.register(NewsItem)
class NewsItemAdmin(admin.ModelAdmin):
    fieldsets = [
        (None, {"fields": ["title", "slug", "published_on", "teaser", "body"]}),
        (_("Image"), {"fields": ["image", "image_alt"]}),
        (_("Author and links"), {"fields": ["organization", "tags", "programs", "events"]}),
        (_("Moderation"), {"fields": ["status", "review_note"]}),
        (_("Record"), {"fields": ["created_by", "created_at", "updated_at"]}),
    ]
    list_display = ["title", "published_on", "status", "organization", "created_by"]
    list_filter = ["status", "tags", "published_on"]
    list_select_related = ["organization", "created_by"]
    search_fields = ["title", "slug", "teaser", "body", "organization__name"]
    date_hierarchy = "published_on"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["organization", "programs", "events"]
    filter_horizontal = ["tags"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
    actions = ["publish", "unpublish"]

    def save_model(self, request, obj, form, change):
        # Tags, programs and events follow in save_related, after the row.
        services.news_item_save(item=obj, by=request.user)

    @admin.action(description=_("Publish the selected news items"))
    def publish(self, request, queryset):
        _run(self, request, queryset, services.news_item_publish, _("%(count)s items published."))

    @admin.action(description=_("Take the selected news items offline"))
    def unpublish(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            services.news_item_unpublish,
            _("%(count)s items taken offline."),
        )

from django.contrib import admin

from .models import Application, PipelineStage, ProgramTandemSettings

# Operators see the structure; volunteers', mentees' and § 72a records stay out of the admin on
# purpose: coordinators work with them in /koordination/, program by program.
admin.site.register(ProgramTandemSettings)


@admin.register(PipelineStage)
class PipelineStageAdmin(admin.ModelAdmin):
    list_display = ["program", "position", "name", "name_en", "is_ready", "needs_certificate"]
    list_filter = ["is_ready"]
    list_select_related = ["program"]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["program", "stage", "status", "created_at"]
    list_filter = ["status"]
    list_select_related = ["program", "stage"]
    fields = ["program", "stage", "status", "created_at", "stage_changed_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

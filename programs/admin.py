from django.contrib import admin

from .models import Organization, Program, ProgramCoordinator


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "is_network_member"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class ProgramCoordinatorInline(admin.TabularInline):
    model = ProgramCoordinator
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "status"]
    list_filter = ["status"]
    list_select_related = ["organization"]
    search_fields = ["name", "organization__name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ProgramCoordinatorInline]

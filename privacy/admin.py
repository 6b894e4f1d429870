from django.contrib import admin

from .models import Erasure, RetentionRun


@admin.register(Erasure)
class ErasureAdmin(admin.ModelAdmin):
    list_display = ["at", "person", "cause", "program", "applications_withdrawn", "tandems_ended"]
    list_filter = ["person", "cause"]
    readonly_fields = [field.name for field in Erasure._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(RetentionRun)
class RetentionRunAdmin(admin.ModelAdmin):
    list_display = ["at", "counts"]
    readonly_fields = ["at", "counts"]

    def has_add_permission(self, request):
        return False

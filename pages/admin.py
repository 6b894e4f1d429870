"""The admin of the editorial pages, the contact people and the funders and partners.

All pages of the portal's text, editorial and legal alike, are flat pages: one per language
(/kontakt/ and /en/kontakt/). Saving goes through pages.services (address rules, settings,
legal pages always online; logos checked and made smaller).
"""

from django.contrib import admin
from django.contrib.flatpages.admin import FlatPageAdmin
from django.contrib.flatpages.models import FlatPage
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from . import services
from .forms import PageForm, PartnerForm
from .models import LEGAL_SLUGS, ContactPerson, Partner


@admin.display(description=_("language"))
def page_language(page):
    parts = services.page_url_parts(page.url)
    return parts[1] if parts else "–"


@admin.display(description=_("legal page"), boolean=True)
def page_is_legal(page):
    parts = services.page_url_parts(page.url)
    return bool(parts and parts[0] in LEGAL_SLUGS)


@admin.display(description=_("published"), boolean=True)
def page_published(page):
    page_settings = getattr(page, "page_settings", None)
    return page_is_legal(page) or page_settings is None or page_settings.published


@admin.display(description=_("position in the menu"))
def page_position(page):
    page_settings = getattr(page, "page_settings", None)
    return page_settings.position if page_settings else 0


admin.site.unregister(FlatPage)


@admin.register(FlatPage)
class PageAdmin(FlatPageAdmin):
    form = PageForm
    fieldsets = [(None, {"fields": ["url", "title", "content", "published", "position"]})]
    list_display = ["url", "title", page_language, page_is_legal, page_published, page_position]
    list_filter = []
    search_fields = ["url", "title"]
    ordering = ["page_settings__position", "url"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("page_settings")

    def save_model(self, request, obj, form, change):
        services.page_save(
            page=obj,
            published=form.cleaned_data["published"],
            position=form.cleaned_data["position"],
        )

    def save_related(self, request, form, formsets, change):
        # The page's site is set by page_save; the form has no other relations.
        pass


@admin.register(ContactPerson)
class ContactPersonAdmin(admin.ModelAdmin):
    list_display = ["name", "role", "email", "phone", "position", "published"]
    list_editable = ["position", "published"]
    search_fields = ["name", "role", "email"]


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    form = PartnerForm
    list_display = ["name", "kind", "logo_preview", "url", "position", "published"]
    list_editable = ["position", "published"]
    list_filter = ["kind", "published"]
    search_fields = ["name"]

    @admin.display(description=_("logo"))
    def logo_preview(self, partner):
        if not partner.logo:
            return "–"
        return format_html_join(
            "",
            '<img src="{}" alt="{}" width="{}" height="{}">',
            [
                (
                    partner.logo.url,
                    partner.logo_alt,
                    partner.logo_width // 2,
                    partner.logo_height // 2,
                )
            ],
        )

    def save_model(self, request, obj, form, change):
        logo = form.cleaned_data["logo"] if "logo" in form.changed_data else None
        services.partner_save(partner=obj, logo=logo)
